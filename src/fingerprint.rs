//! Fingerprinted static files: `style.css` is published as `style.<8 hex of blake3>.css`, and
//! templates get that name from `asset(path="style.css")`. A new deploy then never serves new
//! HTML with an old stylesheet (or the reverse) from a cache, and hosts can cache these files
//! for a year.
//!
//! Which files: `*.css`, `*.svg`, and `*.js` not under `search/`. The search client is an ES
//! module that finds its index (and any sibling module) relative to `import.meta.url`, so its
//! files keep their names; its data is versioned by the search index itself. Images keep
//! their names too (content links them by path).
//!
//! The original name is written as well only when something still uses it: a page linking
//! the file by its plain path (content linking `/favicon.svg`), or a fingerprinted stylesheet
//! naming it in `url(...)`.

use crate::output::Output;
use crate::theme::Origin;
use std::collections::{BTreeMap, HashSet};

/// Whether a static file (path relative to the output root) gets a fingerprint.
pub fn is_fingerprinted(path: &str) -> bool {
    if path.starts_with("search/") {
        return false;
    }
    let file = path.rsplit('/').next().unwrap_or(path);
    // Already fingerprinted or hidden-ish names are left alone.
    !file.starts_with('.') && (file.ends_with(".css") || file.ends_with(".svg") || file.ends_with(".js"))
}

/// `css/style.css` + bytes → `css/style.3f2a9c1d.css`.
pub fn fingerprinted_name(path: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let short = &hash.as_str()[..8];
    let (dir, file) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    match file.rfind('.') {
        Some(dot) if dot > 0 => format!("{dir}{}.{short}{}", &file[..dot], &file[dot..]),
        _ => format!("{dir}{file}.{short}"),
    }
}

/// Original path → fingerprinted path, for every static file that gets one.
/// Unreadable files are left out (the copy step reports them).
pub fn plan(statics: &BTreeMap<String, Origin>) -> BTreeMap<String, String> {
    statics
        .iter()
        .filter(|(path, _)| is_fingerprinted(path))
        .filter_map(|(path, origin)| Some((path.clone(), fingerprinted_name(path, &origin.read().ok()?))))
        .collect()
}

/// Adds the fingerprinted copies to `output` (the plain names are already there).
pub fn add_copies(output: &mut Output, plan: &BTreeMap<String, String>) {
    for (original, fingerprinted) in plan {
        if let Some(entry) = output.get(original).cloned() {
            output.insert(fingerprinted.clone(), entry);
        }
    }
}

/// Removes the plain-named copies that nothing references. `referenced` holds the output paths
/// the HTML pages link; stylesheets' `url(...)`s are read here.
pub fn remove_unused_originals(output: &mut Output, plan: &BTreeMap<String, String>, referenced: &HashSet<String>) {
    let mut used: HashSet<String> = referenced.clone();
    for fingerprinted in plan.values().filter(|p| p.ends_with(".css")) {
        let Some(Ok(bytes)) = output.get(fingerprinted).map(|e| e.read().map(|b| b.into_owned())) else {
            continue;
        };
        let css = String::from_utf8_lossy(&bytes);
        used.extend(css_urls(&css).into_iter().filter_map(|u| resolve_relative(fingerprinted, &u)));
    }
    for original in plan.keys() {
        if !used.contains(original) {
            output.files.remove(original);
        }
    }
}

/// The targets of `url(...)` in a stylesheet (quotes removed).
fn css_urls(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        rest = &rest[i + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        let url = rest[..end].trim().trim_matches(['"', '\'']).trim();
        if !url.is_empty() && !url.starts_with("data:") {
            out.push(url.to_string());
        }
        rest = &rest[end..];
    }
    out
}

/// A stylesheet-relative URL → output path; `None` for absolute and external URLs.
fn resolve_relative(css_path: &str, url: &str) -> Option<String> {
    if url.contains(':') || url.starts_with('/') || url.starts_with('#') {
        return None;
    }
    let url = url.split(['?', '#']).next()?;
    let dir = css_path.rfind('/').map_or("", |i| &css_path[..=i]);
    let joined = format!("{dir}{url}");
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Entry;

    #[test]
    fn names_carry_eight_hex_of_blake3() {
        let name = fingerprinted_name("style.css", b"body{}");
        let hex = &blake3::hash(b"body{}").to_hex()[..8];
        assert_eq!(name, format!("style.{hex}.css"));
        assert_eq!(fingerprinted_name("a/b.min.js", b"x").len(), "a/b.min.".len() + 8 + 3);
        assert!(fingerprinted_name("a/b.min.js", b"x").starts_with("a/b.min."));
    }

    #[test]
    fn which_files_are_fingerprinted() {
        assert!(is_fingerprinted("style.css") && is_fingerprinted("favicon.svg") && is_fingerprinted("brands.js"));
        assert!(!is_fingerprinted("search/xianfeng-search.js"));
        assert!(!is_fingerprinted("images/a.png") && !is_fingerprinted("x.mjs"));
    }

    #[test]
    fn originals_stay_only_when_used() {
        let mut out = Output::default();
        out.insert_bytes("style.css".into(), b"a{background:url('img/bg.svg')}".to_vec());
        out.insert_bytes("img/bg.svg".into(), b"<svg/>".to_vec());
        out.insert_bytes("brands.js".into(), b"1".to_vec());
        out.insert_bytes("favicon.svg".into(), b"<svg></svg>".to_vec());
        let statics: BTreeMap<String, Origin> = ["style.css", "img/bg.svg", "brands.js", "favicon.svg"]
            .iter()
            .map(|p| (p.to_string(), Origin::Embedded(b"")))
            .collect();
        let mut plan = plan(&statics);
        // Real hashes come from the bytes; the test only needs distinct names.
        for (k, v) in plan.iter_mut() {
            *v = fingerprinted_name(k, k.as_bytes());
        }
        add_copies(&mut out, &plan);
        let referenced = HashSet::from(["favicon.svg".to_string()]);
        remove_unused_originals(&mut out, &plan, &referenced);
        assert!(out.get("style.css").is_none() && out.get("brands.js").is_none());
        assert!(out.get("img/bg.svg").is_some(), "kept: named by the stylesheet");
        assert!(out.get("favicon.svg").is_some(), "kept: linked by a page");
        assert!(matches!(out.get(&plan["style.css"]), Some(Entry::Bytes(_))));
    }
}
