//! The built site as a map of output paths to contents, and its one write path.
//!
//! `build` writes the map into a staging folder beside the target and swaps it in only when
//! everything was written, so a failed build leaves the previous output byte for byte (see
//! [`staging`] for the rules that keep the live output safe). `serve` keeps the same map in
//! memory: build and serve never drift apart.

mod staging;

pub use staging::{check_replaceable, remove_output, remove_outputs_in, write_atomically, Refusal, Staging, MARKER};

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
    /// A build that has already failed: pages are rendered and checked for more errors, and
    /// only their paths are kept.
    Discard,
}

impl PageSink<'_> {
    pub fn store_bytes(&self, path: &str, contents: Vec<u8>) -> io::Result<Entry> {
        match self {
            PageSink::Memory => Ok(Entry::Bytes(contents.into())),
            PageSink::Dir(writer) => writer.put(path, &contents).map(Entry::Written),
            PageSink::Discard => Ok(Entry::Bytes(bytes::Bytes::new())),
        }
    }
}

/// Writes a build's files into its staging folder (from any thread). With a [`Reuse`], a file
/// the previous build wrote with the same bytes is hard-linked instead of written. With
/// `record` (a build cache is kept), records every file's hash and metadata for it; without,
/// files are just written. Every file is created anew: a path written twice is an error, so
/// nothing is ever written through a file linked from the live output.
pub struct Writer {
    root: PathBuf,
    reuse: Option<Reuse>,
    record: bool,
    written: Mutex<Vec<(String, FileRecord)>>,
}

impl Writer {
    fn new(root: PathBuf, reuse: Option<Reuse>, record: bool) -> Writer {
        Writer { root, reuse, record, written: Mutex::new(Vec::new()) }
    }

    fn root(&self) -> &Path {
        &self.root
    }

    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let dest = self.root.join(path);
        if let Some(parent) = dest.parent().filter(|p| !p.is_dir()) {
            fs::create_dir_all(parent)?;
        }
        let created = |dest: &Path| {
            staging::create_new(dest, bytes).map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => io::Error::new(
                    e.kind(),
                    format!("`{path}` would be written twice (two sources share one output path)"),
                ),
                _ => e,
            })
        };
        if !self.record {
            // No build cache: nothing to link from, nothing to record.
            created(&dest)?;
            return Ok(dest);
        }
        let hash = content_hash(bytes);
        let linked = self.reuse.as_ref().is_some_and(|r| r.link_if_same(path, &hash, bytes.len() as u64, &dest));
        if !linked {
            created(&dest)?;
        }
        self.record_file(path, hash)?;
        Ok(dest)
    }

    /// Records a file written into the folder by other means (the marker).
    fn note_written(&self, path: &str) -> io::Result<()> {
        if self.record {
            let hash = content_hash(&fs::read(self.root.join(path))?);
            self.record_file(path, hash)?;
        }
        Ok(())
    }

    fn record_file(&self, path: &str, hash: String) -> io::Result<()> {
        let record = record_of(&self.root.join(path), hash)?;
        self.written.lock().unwrap_or_else(|e| e.into_inner()).push((path.to_string(), record));
        Ok(())
    }

    /// Every file written or linked so far.
    pub fn records(&self) -> BTreeMap<String, FileRecord> {
        self.written.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }
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
}
