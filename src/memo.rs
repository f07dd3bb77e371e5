//! A memo table: what a stage computed last time, by name, kept while its inputs stay the
//! same. `serve` keeps one per stage between rebuilds (see `pipeline::BuildMemo`), so a full
//! rebuild after one edit redoes the expensive work only where its inputs changed; `build`
//! and `check` keep none.
//!
//! Generic on purpose: the tables' entries (parsed front matter, rendered Markdown, pages,
//! link checks) are defined beside the stage that makes them. Each entry is found by its
//! name (a file path, an output path) and is valid only for the fingerprint it was stored
//! with (a hash of everything it was made from). Entries the last successful build did not
//! use are dropped by [`Table::sweep`], so memory stays proportional to the site, not to the
//! number of edits.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// A hash of everything an entry was made from.
pub type Fingerprint = [u8; 32];

/// A memo table from names to values; safe to use from many threads.
pub struct Table<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// Counts successful builds; an entry remembers the last one that used it.
    generation: AtomicU64,
}

struct Entry<V> {
    fingerprint: Fingerprint,
    value: V,
    used: u64,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table { entries: Mutex::new(HashMap::new()), generation: AtomicU64::new(0) }
    }
}

impl<K: Hash + Eq, V: Clone> Table<K, V> {
    /// The value stored under `name` for `fingerprint`, if `still_valid` accepts it (for
    /// entries whose validity depends on more than their inputs, such as Markdown whose links
    /// must still resolve the same way).
    pub fn get_if(&self, name: &K, fingerprint: &Fingerprint, still_valid: impl FnOnce(&V) -> bool) -> Option<V> {
        let mut entries = self.lock();
        let entry = entries.get_mut(name).filter(|e| e.fingerprint == *fingerprint)?;
        if !still_valid(&entry.value) {
            return None;
        }
        entry.used = self.generation.load(Ordering::Relaxed);
        Some(entry.value.clone())
    }

    /// The value stored under `name` for `fingerprint`.
    pub fn get(&self, name: &K, fingerprint: &Fingerprint) -> Option<V> {
        self.get_if(name, fingerprint, |_| true)
    }

    /// Stores `value` under `name`, replacing what was there.
    pub fn put(&self, name: K, fingerprint: Fingerprint, value: V) {
        let used = self.generation.load(Ordering::Relaxed);
        self.lock().insert(name, Entry { fingerprint, value, used });
    }

    /// `get`, or `make` and `put`.
    pub fn get_or_make(&self, name: K, fingerprint: Fingerprint, make: impl FnOnce() -> V) -> V {
        if let Some(value) = self.get(&name, &fingerprint) {
            return value;
        }
        let value = make();
        self.put(name, fingerprint, value.clone());
        value
    }

    /// After a successful build: drops the entries it did not use (deleted files, pages that
    /// no longer exist). Not after a failed build, which may have stopped half-way.
    pub fn sweep(&self) {
        let current = self.generation.load(Ordering::Relaxed);
        self.lock().retain(|_, e| e.used == current);
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, Entry<V>>> {
        // A panic while holding the lock leaves at worst a stale entry, which fingerprints
        // still check.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_answers_only_for_its_fingerprint_and_goes_when_a_build_does_not_use_it() {
        let table: Table<&str, u32> = Table::default();
        table.put("a", [1; 32], 10);
        table.put("b", [2; 32], 20);
        assert_eq!(table.get(&"a", &[1; 32]), Some(10));
        assert_eq!(table.get(&"a", &[9; 32]), None, "another fingerprint");
        assert_eq!(table.get_if(&"b", &[2; 32], |v| *v > 100), None, "refused by the check");
        table.sweep();
        // The build after: only `a` is used, so `b` goes.
        assert_eq!(table.get(&"a", &[1; 32]), Some(10));
        table.sweep();
        assert_eq!((table.get(&"a", &[1; 32]), table.get(&"b", &[2; 32])), (Some(10), None));
        assert_eq!(table.get_or_make("a", [1; 32], || 11), 10);
        assert_eq!(table.get_or_make("c", [3; 32], || 30), 30);
        table.sweep();
        table.sweep();
        assert!(table.is_empty());
    }
}
