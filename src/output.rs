//! The built site as a map of output paths to contents, and its one write path.
//!
//! `build` writes the map into a temporary folder beside the target and swaps it in only when
//! everything was written, so a failed build leaves the previous output byte for byte. `serve`
//! keeps the same map in memory: build and serve never drift apart.

use crate::cache::{content_hash, record_of, FileRecord, Reuse};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Shared, so `serve` can patch a copy of the output without copying its pages.
    Bytes(bytes::Bytes),
    /// A file copied as it is (static files, colocated assets): read only when written.
    Copy(PathBuf),
    /// Embedded in the binary (the default theme's static files).
    Static(&'static [u8]),
    /// Already written into the staging folder of a build (see [`PageSink`]); the path of
    /// that file.
    Written(PathBuf),
}

impl Entry {
    pub fn read(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Entry::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Entry::Static(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Entry::Copy(p) | Entry::Written(p) => fs::read(p).map(std::borrow::Cow::Owned),
        }
    }
}

/// Output path (relative, `/`-separated, e.g. `cases/x/index.html`) → content.
#[derive(Debug, Default, Clone)]
pub struct Output {
    pub files: BTreeMap<String, Entry>,
}

impl Output {
    pub fn insert_bytes(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path, Entry::Bytes(bytes.into()));
    }

    pub fn insert(&mut self, path: String, entry: Entry) {
        self.files.insert(path, entry);
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.files.get(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Paths that would leave the output folder (`..`, absolute, drive prefixes).
    pub fn escaping_paths(&self) -> Vec<&str> {
        self.files.keys().map(String::as_str).filter(|p| !is_contained(p)).collect()
    }
}

/// Whether a relative output path stays inside the output folder.
pub fn is_contained(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty() && !path.contains('\\') && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Where rendered pages go: kept in memory (`serve`, `check`), or written at once into the
/// staging folder of a build, so a 10,000-page build never holds every page in memory.
pub enum PageSink<'a> {
    Memory,
    Dir(&'a Writer),
}

impl PageSink<'_> {
    pub fn store_bytes(&self, path: &str, contents: Vec<u8>) -> io::Result<Entry> {
        match self {
            PageSink::Memory => Ok(Entry::Bytes(contents.into())),
            PageSink::Dir(writer) => writer.put(path, &contents).map(Entry::Written),
        }
    }
}

/// Writes a build's files into its staging folder (from any thread). With a [`Reuse`], a file
/// the previous build wrote with the same bytes is hard-linked instead of written. With
/// `record` (a build cache is kept), records every file's hash and metadata for it; without,
/// files are just written.
pub struct Writer {
    root: PathBuf,
    reuse: Option<Reuse>,
    record: bool,
    written: Mutex<Vec<(String, FileRecord)>>,
}

impl Writer {
    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let dest = self.root.join(path);
        if let Some(parent) = dest.parent().filter(|p| !p.is_dir()) {
            fs::create_dir_all(parent)?;
        }
        if !self.record {
            // No build cache: nothing to link from, nothing to record.
            fs::write(&dest, bytes)?;
            return Ok(dest);
        }
        let hash = content_hash(bytes);
        let linked = self.reuse.as_ref().is_some_and(|r| r.link_if_same(path, &hash, bytes.len() as u64, &dest));
        if !linked {
            fs::write(&dest, bytes)?;
        }
        let record = record_of(&dest, hash)?;
        self.written.lock().unwrap_or_else(|e| e.into_inner()).push((path.to_string(), record));
        Ok(dest)
    }

    /// Every file written or linked so far.
    pub fn records(&self) -> BTreeMap<String, FileRecord> {
        self.written.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }
}

/// A build's output folder while it is being written: beside the target, swapped in by
/// [`Staging::commit`], removed if dropped before (a failed build leaves the target as it was).
pub struct Staging {
    writer: Writer,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// A staging folder beside `target`; `record` keeps what the build cache needs of each file
    /// (`reuse`, the previous build's files, comes from that cache: `None` without one).
    pub fn create(target: &Path, reuse: Option<Reuse>, record: bool) -> io::Result<Staging> {
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = target.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.xianfeng-new-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        let writer = Writer { root: dir, reuse, record, written: Mutex::new(Vec::new()) };
        Ok(Staging { writer, target: target.to_path_buf(), committed: false })
    }

    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// Writes what is not written yet and swaps the folder in for the target. Returns every
    /// file of the new output.
    ///
    /// The previous output is removed, or, given `set_aside`, moved into that folder for a
    /// later build to remove while it works: removing tens of thousands of files from a disk
    /// takes longer than a second, and the new output is complete without waiting for it.
    pub fn commit(mut self, output: &Output, set_aside: Option<&Path>) -> io::Result<BTreeMap<String, FileRecord>> {
        write_tree(output, &self.writer)?;
        let previous = swap_in(&self.writer.root, &self.target)?;
        self.committed = true;
        if let Some(previous) = previous {
            let moved = set_aside.is_some_and(|dir| move_into(&previous, dir));
            if !moved {
                let _ = fs::remove_dir_all(&previous);
            }
        }
        Ok(self.writer.records())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.writer.root);
        }
    }
}

/// Writes `output` to `target` atomically: into `target`'s sibling temp folder first, then
/// swapped in. On error the previous `target` is left as it was.
pub fn write_atomically(output: &Output, target: &Path) -> io::Result<()> {
    Staging::create(target, None, false)?.commit(output, None).map(|_| ())
}

/// Moves the folder `from` into `dir` under a name of its own; false if it cannot (on another
/// file system, say), and then `from` is where it was.
fn move_into(from: &Path, dir: &Path) -> bool {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let to = dir.join(format!("{}-{nanos}", std::process::id()));
    fs::create_dir_all(dir).and_then(|()| fs::rename(from, to)).is_ok()
}

/// Replaces `target` by the finished folder `staging`; on error `target` is as it was.
/// Returns where the previous output was moved to, if there was one.
fn swap_in(staging: &Path, target: &Path) -> io::Result<Option<PathBuf>> {
    let name = target.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let previous = staging.with_file_name(format!(".{name}.xianfeng-old-{}", std::process::id()));
    let had_previous = target.exists();
    if had_previous {
        fs::rename(target, &previous)?;
    }
    if let Err(e) = fs::rename(staging, target) {
        if had_previous {
            let _ = fs::rename(&previous, target);
        }
        return Err(e);
    }
    Ok(had_previous.then_some(previous))
}

fn write_tree(output: &Output, writer: &Writer) -> io::Result<()> {
    use rayon::prelude::*;
    output.files.par_iter().try_for_each(|(path, entry)| match entry {
        Entry::Written(_) => Ok(()),
        other => writer.put(path, &other.read()?).map(|_| ()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment() {
        assert!(is_contained("cases/x/index.html"));
        assert!(is_contained("org/党建+业务融合/index.html"));
        assert!(!is_contained("../x"));
        assert!(!is_contained("cases/../../x"));
        assert!(!is_contained("/etc/passwd"));
        assert!(!is_contained(""));
        assert!(!is_contained("a\\..\\b"));
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("index.html"), "old").unwrap();
        let mut out = Output::default();
        out.insert("a.txt".into(), Entry::Copy(dir.path().join("does-not-exist")));
        assert!(write_atomically(&out, &target).is_err());
        assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "old");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folder left behind");
    }

    #[test]
    fn successful_write_replaces_the_tree() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("stale.html"), "old").unwrap();
        let mut out = Output::default();
        out.insert_bytes("cases/a/index.html".into(), b"new".to_vec());
        write_atomically(&out, &target).unwrap();
        assert!(!target.join("stale.html").exists());
        assert_eq!(fs::read_to_string(target.join("cases/a/index.html")).unwrap(), "new");
    }
}
