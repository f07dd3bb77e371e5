//! Heading ids that keep Chinese: `## 一、总体要求` → `一总体要求`, GitHub style.

use std::collections::HashSet;

/// GitHub-style anchor: ASCII lowercased, letters/digits (any script, CJK included), `-` and `_`
/// kept, whitespace turned into `-`, everything else (ASCII and full-width punctuation, symbols)
/// dropped. An empty result becomes `section`.
pub fn slugify(title: &str) -> String {
    let mut id = String::with_capacity(title.len());
    for c in title.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            id.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() {
            id.push('-');
        }
    }
    if id.is_empty() {
        id.push_str("section");
    }
    id
}

/// The ids already used on a page; hands out unique ones (`x`, `x-1`, `x-2`, …).
#[derive(Debug, Default)]
pub struct IdSet {
    used: HashSet<String>,
}

impl IdSet {
    /// Reserves an explicit id (`{#id}`); returns false if the page already had it.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_owned())
    }

    /// A unique id based on `base`.
    pub fn unique(&mut self, base: String) -> String {
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let mut n = 1usize;
        loop {
            let candidate = format!("{base}-{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_chinese_and_drops_full_width_punctuation() {
        assert_eq!(slugify("一、总体要求"), "一总体要求");
        assert_eq!(slugify("“让我先来”工作法（试行）"), "让我先来工作法试行");
        assert_eq!(slugify("《党章》学习：第1课！"), "党章学习第1课");
        assert_eq!(slugify("「黨建」『品牌』，。；？"), "黨建品牌");
    }

    #[test]
    fn ascii_is_github_like() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("API v2_beta-1"), "api-v2_beta-1");
        assert_eq!(slugify("“”。"), "section");
    }

    #[test]
    fn ids_are_unique() {
        let mut ids = IdSet::default();
        assert!(ids.reserve("x-1"));
        assert_eq!(ids.unique("x".into()), "x");
        assert_eq!(ids.unique("x".into()), "x-2");
        assert_eq!(ids.unique("x".into()), "x-3");
    }
}
