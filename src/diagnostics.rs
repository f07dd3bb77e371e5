//! Diagnostics: every problem xianfeng finds in a site, with where it is and what to do.
//!
//! One type for content errors, template errors and warnings. The same value is printed for the
//! terminal, as JSON for `check --format json`, and as the browser overlay of `serve`.

pub use crate::lang::{Lang, Text};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// Codes of errors in the command line rather than in the site: the output folder, a
/// `--base-url`, a site folder that is not one.
const USAGE_CODES: [&str; 3] = ["output-dir", "base-url", "no-site"];

/// Codes of problems that stop a whole file or the site (besides the `yaml-*` ones).
const ROOT_CAUSE_CODES: [&str; 12] = [
    "read-error",
    "not-utf8",
    "unterminated-front-matter",
    "missing-front-matter",
    "invalid-front-matter",
    "config",
    "unreadable-config",
    "missing-content-dir",
    "missing-theme",
    "outside-site",
    "symlink-loop",
    "no-site",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a source file (1-based line and column, counted in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable machine-readable code, e.g. `missing-field`, `invalid-date`, `yaml-syntax`.
    pub code: &'static str,
    /// Path as the user would type it, relative to the site root where possible.
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The front-matter field concerned (`org`, `honours[1].year`), if any.
    pub field: Option<String>,
    pub message: Text,
    /// What would have been accepted.
    pub expected: Option<Text>,
    pub hint: Option<Text>,
    /// Diagnostics of one cause share a group (every link to one missing page), so the
    /// terminal lists their places under one message; JSON keeps one object each.
    pub group: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: impl Into<PathBuf>, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.into(),
            line: 0,
            column: 0,
            field: None,
            message: message.into(),
            expected: None,
            hint: None,
            group: None,
        }
    }

    pub fn warning(code: &'static str, file: impl Into<PathBuf>, message: impl Into<Text>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, file, message) }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn expected(mut self, expected: impl Into<Text>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<Text>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A problem that keeps a whole file (or the site) from being read, so that others may
    /// follow from it.
    pub fn stops_a_file(&self) -> bool {
        ROOT_CAUSE_CODES.contains(&self.code) || self.code.starts_with("yaml-")
    }

    /// An error in how xianfeng was called rather than in the site (exit code 2).
    pub fn is_usage(&self) -> bool {
        USAGE_CODES.contains(&self.code)
    }

    /// `file:line:column`, leaving out what is unknown.
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => format!("{file}"),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }

    /// Makes `file` relative to `root` for display.
    pub fn relative_to(mut self, root: &Path) -> Self {
        if let Ok(rel) = self.file.strip_prefix(root) {
            self.file = rel.to_path_buf();
        }
        self
    }

    /// One JSON object, as printed by `check --format json`. A line or column that is not
    /// known (a problem of a whole file) is `null`, never 0.
    pub fn to_json(&self, lang: Lang) -> String {
        let known = |n: usize| (n > 0).then_some(n);
        serde_json::json!({
            "file": self.file.to_string_lossy(),
            "line": known(self.line),
            "column": known(self.line).and(known(self.column)),
            "severity": self.severity,
            "code": self.code,
            "field": self.field,
            "message": self.message.get(lang),
            "expected": self.expected.as_ref().map(|t| t.get(lang)),
            "hint": self.hint.as_ref().map(|t| t.get(lang)),
        })
        .to_string()
    }
}

impl Diagnostic {
    /// The terminal block in `lang`: `错误[code]：message` (`error[code]: message`), then
    /// location, field, expectation and hint.
    pub fn display(&self, lang: Lang) -> String {
        let labels = Labels::of(lang);
        let label = match self.severity {
            Severity::Error => labels.error,
            Severity::Warning => labels.warning,
        };
        let sep = labels.colon;
        let mut out = format!("{label}[{}]{sep}{}\n  --> {}", self.code, self.message.get(lang), self.location());
        for line in self.details(lang) {
            out.push_str(&format!("\n  {line}"));
        }
        out
    }

    /// The labelled lines under the message, in `lang`: `字段：org`, `应为：…`, `提示：…` (for
    /// what the diagnostic has). The terminal and the serve overlay both print these.
    pub fn details(&self, lang: Lang) -> Vec<String> {
        let labels = Labels::of(lang);
        let lines = [
            (labels.field, self.field.as_deref()),
            (labels.expected, self.expected.as_ref().map(|t| t.get(lang))),
            (labels.hint, self.hint.as_ref().map(|t| t.get(lang))),
        ];
        lines.into_iter().filter_map(|(label, text)| Some(format!("{label}{}{}", labels.colon, text?))).collect()
    }
}

/// The words around a diagnostic's own, in each language.
struct Labels {
    error: &'static str,
    warning: &'static str,
    field: &'static str,
    expected: &'static str,
    hint: &'static str,
    also_at: &'static str,
    colon: &'static str,
}

impl Labels {
    fn of(lang: Lang) -> Labels {
        match lang {
            Lang::Zh => Labels {
                error: "错误",
                warning: "警告",
                field: "字段",
                expected: "应为",
                hint: "提示",
                also_at: "另见",
                colon: "：",
            },
            Lang::En => Labels {
                error: "error",
                warning: "warning",
                field: "field",
                expected: "expected",
                hint: "hint",
                also_at: "also at",
                colon: ": ",
            },
        }
    }
}

impl fmt::Display for Diagnostic {
    /// The terminal block in Chinese, the default language; printers that know the run's
    /// language use [`Diagnostic::display`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display(Lang::Zh))
    }
}

/// All diagnostics of a run, kept in a stable order (file, line, column) for reproducible output.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Root causes first: errors before warnings; among errors, what stops a whole file or
    /// the site (unreadable files, YAML syntax, the configuration, templates that do not
    /// parse) before everything else; then by file, line and column.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (a.severity, !a.stops_a_file(), &a.file, a.line, a.column, &a.message).cmp(&(
                b.severity,
                !b.stops_a_file(),
                &b.file,
                b.line,
                b.column,
                &b.message,
            ))
        });
        // One problem per place: two stages that find the same broken link (the site's
        // anchor check and the page's link check) report it once.
        self.0.dedup_by(|a, b| {
            (a.severity, a.code, &a.file, a.line, a.column, &a.field)
                == (b.severity, b.code, &b.file, b.line, b.column, &b.field)
                && (a.line > 0 || a.message == b.message)
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `2 个错误，1 个警告` (`2 errors, 1 warning`), as the summary lines print it.
    pub fn count_summary(&self, lang: Lang) -> String {
        let (errors, warnings) = (self.errors().count(), self.warnings().count());
        match lang {
            Lang::Zh => format!("{errors} 个错误，{warnings} 个警告"),
            Lang::En => {
                let plural = |n: usize| if n == 1 { "" } else { "s" };
                format!("{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings))
            }
        }
    }
}

/// The terminal's blocks: one per diagnostic, except that a group (see
/// [`Diagnostic::group`]) is one block, its first diagnostic in full and every further
/// place on an `另见` (`also at`) line, in the order the diagnostics come.
pub fn grouped(diagnostics: &[Diagnostic], lang: Lang) -> Vec<String> {
    let labels = Labels::of(lang);
    let mut blocks: Vec<(&Diagnostic, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<(&str, &str), usize> = std::collections::HashMap::new();
    for d in diagnostics {
        let key = d.group.as_deref().map(|g| (d.code, g));
        match key.and_then(|k| index.get(&k)) {
            Some(&i) => blocks[i].1.push(d.location()),
            None => {
                if let Some(k) = key {
                    index.insert(k, blocks.len());
                }
                blocks.push((d, Vec::new()));
            }
        }
    }
    blocks
        .into_iter()
        .map(|(d, also)| {
            let text = d.display(lang);
            // The further places go right under the first one (`  --> file:line:col`).
            let (head, rest) = match text.match_indices('\n').nth(1) {
                Some((at, _)) => text.split_at(at),
                None => (text.as_str(), ""),
            };
            let places: String = also.iter().map(|l| format!("\n  {}{}{l}", labels.also_at, labels.colon)).collect();
            format!("{head}{places}{rest}")
        })
        .collect()
}

/// Line and column (1-based, in characters) of byte offset `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    line_col_bytes(text.as_bytes(), floor_char_boundary(text, offset.min(text.len())))
}

/// [`line_col`] of UTF-8 `bytes` (a rendered page), counted on the bytes: a page has many
/// links and each takes its position, so it is not decoded for each.
pub fn line_col_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    // One character per byte that does not continue a multi-byte sequence.
    let column = before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "---\ntitle: 让我先来\n";
        let at = text.find("先").unwrap();
        assert_eq!(line_col(text, at), (2, 10));
        assert_eq!(line_col_bytes(text.as_bytes(), at), (2, 10));
        assert_eq!(line_col_bytes(text.as_bytes(), 0), (1, 1));
        assert_eq!(line_col_bytes(text.as_bytes(), 999), line_col(text, 999));
        // Inside a character: the character's own position.
        assert_eq!(line_col(text, at + 1), (2, 10));
    }

    #[test]
    fn a_group_is_one_block_naming_every_place() {
        let d = |file: &str, line| {
            Diagnostic::error("broken-link", file, ("链接到 `/x/`", "links to `/x/`"))
                .at(line, 3)
                .hint(("提示", "h"))
                .group("x")
        };
        let other = Diagnostic::error("missing-field", "content/cases/c.md", ("缺少 `org`", "missing `org`")).at(1, 1);
        let all = [d("content/cases/a.md", 4), other, d("content/cases/b.md", 9)];
        let blocks = grouped(&all, Lang::En);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            blocks[0],
            "error[broken-link]: links to `/x/`\n  --> content/cases/a.md:4:3\n  also at: content/cases/b.md:9:3\n  hint: h"
        );
        assert_eq!(
            grouped(&all, Lang::Zh)[0],
            "错误[broken-link]：链接到 `/x/`\n  --> content/cases/a.md:4:3\n  另见：content/cases/b.md:9:3\n  提示：提示"
        );
    }

    #[test]
    fn an_unknown_location_is_null_in_json() {
        let d = Diagnostic::error("read-error", "content/cases/a.md", ("无法读取", "cannot read"));
        let json: serde_json::Value = serde_json::from_str(&d.to_json(Lang::Zh)).unwrap();
        assert!(json["line"].is_null() && json["column"].is_null(), "{json}");
        assert_eq!(json["message"], "无法读取");
        let json: serde_json::Value = serde_json::from_str(&d.at(3, 0).to_json(Lang::En)).unwrap();
        assert_eq!(json["message"], "cannot read");
        assert_eq!((json["line"].as_u64(), json["column"].as_u64()), (Some(3), None));
    }

    #[test]
    fn display_names_location_field_and_hint() {
        let d = Diagnostic::error(
            "missing-field",
            "content/cases/a.md",
            ("缺少必填字段 `org`", "missing required field `org`"),
        )
        .at(1, 1)
        .field("org")
        .hint(("在前言中加上 `org: 珠海市财政局`", "add `org: 珠海市财政局`"));
        let s = d.display(Lang::En);
        assert!(s.contains("content/cases/a.md:1:1"), "{s}");
        assert!(s.contains("field: org"), "{s}");
        assert!(s.contains("hint: add"), "{s}");
        let s = d.display(Lang::Zh);
        assert!(s.starts_with("错误[missing-field]：缺少必填字段 `org`"), "{s}");
        assert!(s.contains("字段：org") && s.contains("提示：在前言中加上"), "{s}");
    }
}
