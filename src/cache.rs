//! The build cache in `SITE/.xianfeng/build.json`: always safe to delete; `--no-cache`
//! neither reads nor writes it.
//!
//! It records a hash of every input of the last build (the sources, the theme, the options, the
//! xianfeng binary, today's date) and, for every file written, its length, modification time
//! and content hash. Two uses:
//!
//! - Nothing changed and the output folder still holds exactly what was written: the build
//!   is skipped.
//! - Something changed: the site is built in full, but a file whose bytes equal what the
//!   previous build wrote (and which nobody touched since) is hard-linked from the previous
//!   output instead of written again, so its inode and modification time stay as they were
//!   and deploy tools that compare times or inodes see only the real changes.
//!
//! Beside it, `SITE/.xianfeng/replaced/` holds the output the last build replaced, which the
//! next build removes while it renders (see `output::remove_outputs_in`).

use crate::options::BuildOptions;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use walkdir::WalkDir;

const FORMAT: u32 = 1;

/// One file of the output as it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    pub len: u64,
    pub mtime_ns: u64,
    pub hash: String,
}

/// What the last successful build wrote.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Record {
    pub format: u32,
    pub inputs: String,
    pub output_dir: String,
    pub cases: usize,
    pub pages: usize,
    /// The build's warnings as printed, so a skipped build still shows them.
    pub warnings: Vec<String>,
    pub files: BTreeMap<String, FileRecord>,
    /// Large source files (photos) as they were hashed, so an untouched one is not read
    /// again to learn that nothing changed (see [`source_digests`]).
    #[serde(default)]
    pub sources: BTreeMap<String, FileRecord>,
    /// When `sources` were hashed (nanoseconds since the epoch).
    #[serde(default)]
    pub sources_at_ns: u64,
}

pub struct BuildCache {
    /// `None` with `--no-cache`.
    file: Option<PathBuf>,
    inputs: String,
    output_dir: String,
    previous: Option<Record>,
    sources: BTreeMap<String, FileRecord>,
    sources_at_ns: u64,
}

impl BuildCache {
    /// Hashes the inputs and reads the previous record; with `--no-cache`, does neither.
    pub fn open(opts: &BuildOptions, today: chrono::NaiveDate) -> BuildCache {
        let output_dir = absolute(&opts.output_dir()).display().to_string();
        if opts.no_cache {
            return BuildCache {
                file: None,
                inputs: String::new(),
                output_dir,
                previous: None,
                sources: BTreeMap::new(),
                sources_at_ns: 0,
            };
        }
        let file = opts.site_root.join(".xianfeng").join("build.json");
        let previous = fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Record>(&bytes).ok())
            .filter(|r| r.format == FORMAT && r.output_dir == output_dir);
        let known = previous.as_ref().map(|r| Known { files: &r.sources, at_ns: r.sources_at_ns });
        let sources_at_ns = now_ns();
        let (inputs, sources) = inputs_hash(opts, today, known);
        BuildCache { inputs, file: Some(file), output_dir, previous, sources, sources_at_ns }
    }

    /// Where a build puts the output it replaced, for the next build to remove (`None` with
    /// `--no-cache`).
    pub fn replaced_outputs(&self) -> Option<PathBuf> {
        Some(self.file.as_ref()?.with_file_name("replaced"))
    }

    /// Whether the build is recorded (not with `--no-cache`).
    pub fn is_enabled(&self) -> bool {
        self.file.is_some()
    }

    /// The previous record, when nothing changed since and the output is as it was written.
    pub fn unchanged(&self, target: &Path) -> Option<&Record> {
        let record = self.previous.as_ref().filter(|r| r.inputs == self.inputs)?;
        output_matches(target, &record.files).then_some(record)
    }

    /// Files of the previous output that may be linked instead of written (the previous
    /// record is handed over, not copied: the build needs nothing else from it).
    pub fn reuse(&mut self, target: &Path) -> Option<Reuse> {
        let record = self.previous.take()?;
        Some(Reuse { target: target.to_path_buf(), files: record.files })
    }

    /// Records a successful build (best effort: a cache that cannot be written is no error).
    pub fn save(&self, cases: usize, pages: usize, warnings: Vec<String>, files: BTreeMap<String, FileRecord>) {
        let record = Record {
            format: FORMAT,
            inputs: self.inputs.clone(),
            output_dir: self.output_dir.clone(),
            cases,
            pages,
            warnings,
            files,
            sources: self.sources.clone(),
            sources_at_ns: self.sources_at_ns,
        };
        let Some(file) = &self.file else { return };
        let Ok(json) = serde_json::to_vec(&record) else { return };
        let Some(dir) = file.parent() else { return };
        let tmp = dir.join(format!("build.json.{}", std::process::id()));
        let written =
            fs::create_dir_all(dir).and_then(|()| fs::write(&tmp, json)).and_then(|()| fs::rename(&tmp, file));
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }
}

/// The previous output's files, for [`Reuse::link_if_same`].
pub struct Reuse {
    target: PathBuf,
    files: BTreeMap<String, FileRecord>,
}

impl Reuse {
    /// Links `target/path` to `dest` when it holds exactly `bytes` and is untouched since the
    /// last build. Returns false when the file has to be written.
    pub fn link_if_same(&self, path: &str, hash: &str, len: u64, dest: &Path) -> bool {
        let Some(old) = self.files.get(path).filter(|r| r.hash == hash && r.len == len) else { return false };
        let source = self.target.join(path);
        let untouched = fs::metadata(&source).is_ok_and(|m| m.len() == old.len && mtime_ns(&m) == old.mtime_ns);
        untouched && fs::hard_link(&source, dest).is_ok()
    }
}

pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

pub fn record_of(dest: &Path, hash: String) -> io::Result<FileRecord> {
    let m = fs::metadata(dest)?;
    Ok(FileRecord { len: m.len(), mtime_ns: mtime_ns(&m), hash })
}

fn mtime_ns(m: &fs::Metadata) -> u64 {
    m.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as u64)
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Every file under `target` is one of `files`, with the same length and modification time,
/// and none is missing.
fn output_matches(target: &Path, files: &BTreeMap<String, FileRecord>) -> bool {
    let mut seen = 0usize;
    for entry in WalkDir::new(target).min_depth(1) {
        let Ok(entry) = entry else { return false };
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(target) else { return false };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let Some(record) = files.get(&rel) else { return false };
        let Ok(m) = entry.metadata() else { return false };
        if m.len() != record.len || mtime_ns(&m) != record.mtime_ns {
            return false;
        }
        seen += 1;
    }
    seen == files.len()
}

/// The large source files of the last build as hashed then, and when.
#[derive(Clone, Copy)]
struct Known<'a> {
    files: &'a BTreeMap<String, FileRecord>,
    at_ns: u64,
}

/// Files at least this large are recorded with their length and time (photos: reading a
/// gigabyte of them to hash would take longer than the rest of an unchanged build).
const RECORDED_SOURCE_LEN: u64 = 256 * 1024;

/// A file changed less than this before it was hashed is read again next time: a file system
/// with coarse times could give an edit made just after the hash the same time.
const MTIME_SLACK_NS: u64 = 2_000_000_000;

fn now_ns() -> u64 {
    std::time::SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// Hash of everything a build's output depends on, and the large sources as hashed.
fn inputs_hash(
    opts: &BuildOptions,
    today: chrono::NaiveDate,
    known: Option<Known>,
) -> (String, BTreeMap<String, FileRecord>) {
    let mut h = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(binary_identity().as_bytes());
    // The language too: the recorded warnings are printed as they were written.
    field(format!("{:?}|{}|{}|{}|{:?}", opts.base_url, opts.drafts, opts.no_fingerprint, today, opts.lang).as_bytes());
    field(absolute(&opts.output_dir()).display().to_string().as_bytes());
    let mut recorded = BTreeMap::new();
    for (rel, digest, record) in source_digests(&opts.site_root, known) {
        field(rel.as_bytes());
        field(digest.as_bytes());
        if let Some(record) = record {
            recorded.insert(rel, record);
        }
    }
    (h.finalize().to_hex().to_string(), recorded)
}

/// The running binary's size and time: a rebuilt xianfeng may render differently.
fn binary_identity() -> String {
    std::env::current_exe().and_then(fs::metadata).map(|m| format!("{}:{}", m.len(), mtime_ns(&m))).unwrap_or_default()
}

/// (relative path, content hash, record for large files) of every source file: site.yaml,
/// content/, templates/, static/ and themes/, sorted. A large file with the length and time
/// `known` recorded (and changed well before it was hashed then) keeps its hash unread.
fn source_digests(root: &Path, known: Option<Known>) -> Vec<(String, String, Option<FileRecord>)> {
    let mut paths: Vec<PathBuf> =
        ["site.yaml", "site.yml"].iter().map(|n| root.join(n)).filter(|p| p.is_file()).collect();
    for dir in ["content", "templates", "static", "themes"] {
        // The files the build reads (it reports the problems); hidden files are hashed too.
        paths.extend(crate::sources::walk(root, &root.join(dir), |_| false).files);
    }
    let mut digests: Vec<(String, String, Option<FileRecord>)> = paths
        .par_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/");
            let meta = fs::metadata(p).ok().filter(|m| m.len() >= RECORDED_SOURCE_LEN);
            let stat = meta.as_ref().map(|m| (m.len(), mtime_ns(m)));
            let unchanged = known.zip(stat).and_then(|(k, (len, mtime))| {
                let old = k.files.get(&rel)?;
                let settled = mtime.saturating_add(MTIME_SLACK_NS) < k.at_ns;
                (old.len == len && old.mtime_ns == mtime && settled).then(|| old.clone())
            });
            if let Some(old) = unchanged {
                return (rel, old.hash.clone(), Some(old));
            }
            let digest = fs::read(p).map_or_else(|_| blake3::hash(b"\0unreadable"), |b| blake3::hash(&b));
            let hash = digest.to_hex().to_string();
            let record = stat.map(|(len, mtime_ns)| FileRecord { len, mtime_ns, hash: hash.clone() });
            (rel, hash, record)
        })
        .collect();
    digests.sort_by(|a, b| a.0.cmp(&b.0));
    digests
}
