//! The cache of processed images, `SITE/.xianfeng/images/`: one folder per hash of an
//! image's bytes (and the stage's settings), holding its copies and `meta.json` listing them;
//! `index.json` remembers each source file's length, time and hash, so an untouched file is
//! found without being read. A folder is written under a temporary name and renamed when
//! complete, so a build killed halfway leaves no half entry; folders no image used in the last
//! build are removed when it saves the index.

use super::encode::Encoded;
use crate::output::Entry;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

/// One copy of an image, as the build publishes it.
pub struct Copy {
    pub width: u32,
    pub height: u32,
    pub webp: bool,
    pub entry: Entry,
}

impl Copy {
    pub fn in_memory(e: Encoded) -> Copy {
        Copy { width: e.width, height: e.height, webp: e.webp, entry: Entry::Bytes(e.bytes.into()) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stat {
    len: u64,
    mtime_ns: u64,
    hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct MetaFile {
    file: String,
    width: u32,
    height: u32,
    webp: bool,
}

const INDEX: &str = "index.json";
const META: &str = "meta.json";

/// The index of the last build, and what this build used.
pub struct Index {
    previous: HashMap<String, Stat>,
    /// When the previous index was written: a file changed less than two seconds before is
    /// read again (a file system with coarse times could hide an edit made just after).
    saved_at_ns: u64,
    used: Mutex<HashMap<String, Stat>>,
}

impl Index {
    pub fn open(dir: &Path) -> Index {
        let previous = fs::read(dir.join(INDEX)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let saved_at_ns = fs::metadata(dir.join(INDEX)).ok().and_then(|m| ns(m.modified().ok()?)).unwrap_or(0);
        Index { previous, saved_at_ns, used: Mutex::new(HashMap::new()) }
    }

    /// The copies of `file` when it is untouched since it was processed.
    pub fn lookup(&self, dir: &Path, file: &Path) -> Option<Vec<Copy>> {
        let stat = stat_of(file, String::new())?;
        let settled = stat.mtime_ns.saturating_add(2_000_000_000) < self.saved_at_ns;
        let old = self.previous.get(&file_key(file)).filter(|o| o.len == stat.len && o.mtime_ns == stat.mtime_ns)?;
        if !settled {
            return None;
        }
        let hash = old.hash.clone();
        self.lookup_hash(dir, file, &hash)
    }

    /// The copies of an image whose bytes hash to `hash`, if cached.
    pub fn lookup_hash(&self, dir: &Path, file: &Path, hash: &str) -> Option<Vec<Copy>> {
        let entry = dir.join(hash);
        let meta: Vec<MetaFile> = serde_json::from_slice(&fs::read(entry.join(META)).ok()?).ok()?;
        let copies = meta
            .into_iter()
            .map(|m| {
                let path = entry.join(&m.file);
                path.is_file().then_some(Copy {
                    width: m.width,
                    height: m.height,
                    webp: m.webp,
                    entry: Entry::Copy(path),
                })
            })
            .collect::<Option<Vec<Copy>>>()?;
        self.note(file, hash);
        Some(copies)
    }

    /// Stores the copies of `file` under `hash`; in memory when the cache cannot be written.
    pub fn store(&self, dir: &Path, file: &Path, hash: &str, encoded: Vec<Encoded>) -> Vec<Copy> {
        let entry = dir.join(hash);
        let tmp = dir.join(format!(".tmp-{}-{hash}", std::process::id()));
        let meta: Vec<MetaFile> = encoded
            .iter()
            .map(|e| MetaFile {
                file: format!("{}.{}", e.width, if e.webp { "webp" } else { "img" }),
                width: e.width,
                height: e.height,
                webp: e.webp,
            })
            .collect();
        let written = (|| -> std::io::Result<()> {
            fs::create_dir_all(&tmp)?;
            for (m, e) in meta.iter().zip(&encoded) {
                fs::write(tmp.join(&m.file), &e.bytes)?;
            }
            fs::write(tmp.join(META), serde_json::to_vec(&meta).map_err(std::io::Error::other)?)?;
            match fs::rename(&tmp, &entry) {
                // Another build stored the same image first: its copy is the same.
                Err(_) if entry.join(META).is_file() => {
                    let _ = fs::remove_dir_all(&tmp);
                    Ok(())
                }
                other => other,
            }
        })();
        if written.is_err() {
            let _ = fs::remove_dir_all(&tmp);
            return encoded.into_iter().map(Copy::in_memory).collect();
        }
        self.note(file, hash);
        meta.into_iter()
            .map(|m| Copy { width: m.width, height: m.height, webp: m.webp, entry: Entry::Copy(entry.join(m.file)) })
            .collect()
    }

    fn note(&self, file: &Path, hash: &str) {
        if let Some(stat) = stat_of(file, hash.to_string()) {
            self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(file_key(file), stat);
        }
    }

    /// Writes the index of this build and removes the entries it did not use (best effort:
    /// a cache that cannot be written is no error).
    pub fn save(self, dir: &Path) {
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let kept: HashSet<&str> = used.values().map(|s| s.hash.as_str()).collect();
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let is_entry = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
                if is_entry && !kept.contains(name.as_str()) {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let Ok(json) = serde_json::to_vec(&used) else { return };
        let tmp = dir.join(format!("{INDEX}.{}", std::process::id()));
        if fs::create_dir_all(dir)
            .and_then(|()| fs::write(&tmp, json))
            .and_then(|()| fs::rename(&tmp, dir.join(INDEX)))
            .is_err()
        {
            let _ = fs::remove_file(&tmp);
        }
    }
}

fn file_key(file: &Path) -> String {
    file.to_string_lossy().into_owned()
}

fn stat_of(file: &Path, hash: String) -> Option<Stat> {
    let m = fs::metadata(file).ok()?;
    Some(Stat { len: m.len(), mtime_ns: ns(m.modified().ok()?)?, hash })
}

fn ns(t: std::time::SystemTime) -> Option<u64> {
    Some(t.duration_since(UNIX_EPOCH).ok()?.as_nanos() as u64)
}

/// The cache folder of a site.
pub fn folder(site_root: &Path) -> PathBuf {
    site_root.join(".xianfeng").join("images")
}
