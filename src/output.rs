//! The built site as a map of output paths to contents, and its one write path.
//!
//! `build` writes the map into a temporary folder beside the target and swaps it in only when
//! everything was written, so a failed build leaves the previous output byte for byte. `serve`
//! keeps the same map in memory: build and serve never drift apart.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Bytes(Vec<u8>),
    /// A file copied as it is (static files, colocated assets): read only when written.
    Copy(PathBuf),
    /// Embedded in the binary (the default theme's static files).
    Static(&'static [u8]),
}

impl Entry {
    pub fn read(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Entry::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Entry::Static(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Entry::Copy(p) => fs::read(p).map(std::borrow::Cow::Owned),
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
        self.files.insert(path, Entry::Bytes(bytes));
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

/// Writes `output` to `target` atomically: into `target`'s sibling temp folder first, then
/// swapped in. On error the previous `target` is left as it was.
pub fn write_atomically(output: &Output, target: &Path) -> io::Result<()> {
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = target.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.xianfeng-new-{}", std::process::id()));
    let previous = parent.join(format!(".{name}.xianfeng-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    if let Err(e) = write_tree(output, &staging) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_previous = target.exists();
    if had_previous {
        fs::rename(target, &previous)?;
    }
    if let Err(e) = fs::rename(&staging, target) {
        if had_previous {
            let _ = fs::rename(&previous, target);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if had_previous {
        let _ = fs::remove_dir_all(&previous);
    }
    Ok(())
}

fn write_tree(output: &Output, root: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    fs::create_dir_all(root)?;
    let mut dirs: Vec<PathBuf> =
        output.files.keys().filter_map(|p| Path::new(p).parent().map(|d| root.join(d))).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    output.files.par_iter().try_for_each(|(path, entry)| {
        let dest = root.join(path);
        match entry {
            Entry::Copy(src) => fs::copy(src, &dest).map(|_| ()),
            other => fs::write(&dest, other.read()?),
        }
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
