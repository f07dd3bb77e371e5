//! YAML, read once: front matter in a .md file, or site.yaml.
//!
//! One pass over yaml-rust2's events builds the value and, at the same time, records where
//! each field sits (its field path, `title`, `honours[1].year`, `chapters[0].cases[2]`, to a
//! 1-based line and character column of the file) and the raw text of plain scalars, so
//! numbers can be kept as written (`value: 1.50` stays `1.50`). Plain scalars resolve as
//! serde_yaml resolved them (YAML 1.2 core: `null`/`~`, `true`/`false`, integers with
//! `0x`/`0o`/`0b`, floats with `.inf`/`.nan`; a leading zero keeps `007` a string), so a site
//! reads exactly as before the parser changed.
//!
//! Why not serde_yaml: its libyaml port (unsafe-libyaml) is unmaintained (RUSTSEC-2025-0068),
//! and its values carry no positions, which took a second parse. [`de`] gives site.yaml's
//! typed settings the same serde behaviour, with errors at the setting's line.

pub mod de;
mod load;
mod value;

pub use load::{parse, parse_keyed, Document, SyntaxError};
pub use value::{Mapping, Number, Tagged, Value};

use crate::lang::Text;
use std::collections::BTreeMap;

/// Positions and raw plain-scalar text by field path.
#[derive(Debug, Default, Clone)]
pub struct Scanned {
    /// Where each value sits (a collection under a key: at its key), in file coordinates.
    pub positions: BTreeMap<String, (usize, usize)>,
    /// Where each mapping key sits, by the path of its value (only from [`parse_keyed`]).
    pub keys: BTreeMap<String, (usize, usize)>,
    /// The text of each plain scalar as written, by path.
    pub raw: BTreeMap<String, String>,
}

impl Scanned {
    /// (line, column) of `path`, falling back to its parents, then to (1, 1).
    pub fn position(&self, path: &str) -> (usize, usize) {
        let mut p = path;
        loop {
            if let Some(&at) = self.positions.get(p) {
                return at;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }
}

/// The hint for a key given twice in one mapping ([`SyntaxError::duplicate_key`]), in front
/// matter or site.yaml.
pub fn given_twice_hint(key: &str) -> Text {
    Text::new(
        format!("`{key}` 写了两次；两行 `{key}:` 只留一行"),
        format!("`{key}` is given twice; keep one of the two `{key}:` lines"),
    )
}

/// `parent.key`, or `key` at the top.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests;
