//! Watching the site's sources: content/, templates/, static/, themes/ and site.yaml.
//!
//! A debouncer (notify-debouncer-full) turns an editor's atomic save (write a temp file, rename
//! it over the original) and a burst such as a `git checkout` of hundreds of files into few
//! batches. The site root itself is watched non-recursively, so site.yaml survives atomic saves
//! (a watch on the file would follow the replaced inode) and folders created later are picked
//! up; the source folders are watched recursively. Nothing else (public/, .xianfeng/, .git/,
//! node_modules/) is watched at all.

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Quiet time before a change is reported: long enough to join a temp-file-and-rename save.
pub const DEBOUNCE: Duration = Duration::from_millis(50);
const TICK: Duration = Duration::from_millis(10);

/// The folders under the site root whose content is a build input.
const SOURCE_DIRS: [&str; 4] = ["content", "templates", "static", "themes"];

pub struct Watch {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    pub events: Receiver<DebounceEventResult>,
    pub root: PathBuf,
    /// Each watched source folder, with the identity of the folder the watch is on.
    watched: BTreeMap<PathBuf, Option<FolderId>>,
}

/// Which folder a path names (device and inode on Unix): a folder deleted and made again
/// under the same name is another folder, and a watch on the old one hears nothing.
type FolderId = (u64, u64);

fn folder_id(dir: &Path) -> Option<FolderId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

pub fn start(root: &Path) -> notify::Result<Watch> {
    let (sender, events) = channel();
    let mut debouncer = new_debouncer(DEBOUNCE, Some(TICK), sender)?;
    debouncer.watch(root, RecursiveMode::NonRecursive)?;
    let mut watch = Watch { debouncer, events, root: root.to_path_buf(), watched: BTreeMap::new() };
    watch.refresh(&BTreeSet::new());
    Ok(watch)
}

impl Watch {
    /// Watches source folders created since the last call, forgets deleted ones, and watches
    /// again a folder that was replaced (deleted and made again, however fast): one the batch
    /// `touched` names itself, or that is another folder than the one watched. Returns whether
    /// a watch was made again, for then files may have changed unheard: build in full.
    pub fn refresh(&mut self, touched: &BTreeSet<PathBuf>) -> bool {
        let mut rearmed = false;
        for name in SOURCE_DIRS {
            let dir = self.root.join(name);
            let present = dir.is_dir();
            match self.watched.get(&dir).copied() {
                None if present => self.arm(dir),
                Some(_) if !present => {
                    let _ = self.debouncer.unwatch(&dir);
                    self.watched.remove(&dir);
                }
                Some(id) if present && (touched.contains(Path::new(name)) || id != folder_id(&dir)) => {
                    // The old watch may already be gone with its folder.
                    let _ = self.debouncer.unwatch(&dir);
                    self.watched.remove(&dir);
                    self.arm(dir);
                    rearmed = true;
                }
                _ => {}
            }
        }
        rearmed
    }

    fn arm(&mut self, dir: PathBuf) {
        let id = folder_id(&dir);
        if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
            self.watched.insert(dir, id);
        }
    }
}

/// The site-relative paths a batch of events touched that are build inputs.
pub fn relevant_paths(root: &Path, result: &DebounceEventResult) -> BTreeSet<PathBuf> {
    let Ok(events) = result else { return BTreeSet::new() };
    events
        .iter()
        .filter(|e| matters(&e.kind))
        .flat_map(|e| e.paths.iter())
        .filter_map(|p| p.strip_prefix(root).ok())
        .filter(|rel| is_source(rel))
        .map(Path::to_path_buf)
        .collect()
}

/// Reads and metadata-only changes (atime, chmod) do not change the site.
fn matters(kind: &EventKind) -> bool {
    use notify::event::ModifyKind;
    !matches!(kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)))
}

/// Whether a site-relative path is a build input (and not an editor's temp or backup file).
pub fn is_source(rel: &Path) -> bool {
    let mut components = rel.components();
    let Some(Component::Normal(first)) = components.next() else { return false };
    let first = first.to_string_lossy();
    let in_sources =
        if SOURCE_DIRS.contains(&first.as_ref()) { true } else { first == "site.yaml" && components.next().is_none() };
    in_sources && !rel.components().any(|c| is_temp_name(&c.as_os_str().to_string_lossy()))
}

/// Hidden files and folders, and the temp and backup files of common editors.
fn is_temp_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913" // vim's write test
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".orig", ".kate-swp", ".crdownload", ".part"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name.contains(".sb-") // BBEdit/Sublime-style safe-save temp files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_noise() {
        for p in ["content/cases/a.md", "site.yaml", "templates/case.html", "static/style.css", "themes/x/theme.yaml"] {
            assert!(is_source(Path::new(p)), "{p}");
        }
        for p in [
            "public/index.html",
            ".xianfeng/cache",
            ".git/index",
            "site.yaml~",
            "content/cases/.a.md.swp",
            "content/cases/a.md~",
            "content/cases/#a.md#",
            "content/cases/.#a.md",
            "content/cases/4913",
            "content/cases/a.md___jb_tmp___",
            "content/.hidden/a.md",
            "site.yaml/x",
            "node_modules/x.js",
        ] {
            assert!(!is_source(Path::new(p)), "{p}");
        }
    }
}
