//! Splitting a content file into its YAML front matter and its Markdown body.
//!
//! Works on text that is already decoded, BOM-free and LF-only (see [`normalise`]), so that
//! byte offsets turn into the same line numbers an editor shows for the file on disk.

use std::borrow::Cow;

/// The parts of a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences; `None` when the file has no front matter.
    pub yaml: Option<&'a str>,
    /// 1-based line (in the file) of the YAML's first line: 2 when there is front matter.
    pub yaml_line: usize,
    /// 1-based line of the closing fence (0 without front matter).
    pub close_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// 1-based line of the body's first line.
    pub body_line: usize,
}

/// Why the text could not be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// An opening `---` on line 1 without a closing `---` line.
    Unterminated,
}

/// Strips a UTF-8 BOM and turns CRLF (and lone CR) line ends into LF.
///
/// Line counts stay those of the file, so positions reported later match the editor.
pub fn normalise(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether `line` (without its `\n`) is a `---` fence; trailing spaces are forgiven.
fn is_fence(line: &str) -> bool {
    line.trim_end_matches([' ', '\t']) == "---"
}

/// Splits normalised text into front matter and body.
///
/// Front matter must start on line 1 with `---` and end with a line holding only `---`.
/// A `---` further down in the body (a Markdown rule) is part of the body.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Ok(Split { yaml: None, yaml_line: 0, close_line: 0, body: text, body_line: 1 });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line_no = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end]) {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: Some(&text[yaml_start..offset]),
                yaml_line: 2,
                close_line: line_no,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset = end + 1;
        line_no += 1;
    }
    Err(SplitError::Unterminated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, raw input, expected yaml, expected body, expected body_line) or Err.
    type Row = (&'static str, &'static str, Result<(Option<&'static str>, &'static str, usize), SplitError>);

    #[test]
    fn splits_table() {
        let rows: &[Row] = &[
            ("plain", "---\ntitle: a\n---\nbody\n", Ok((Some("title: a\n"), "body\n", 4))),
            ("bom", "\u{feff}---\ntitle: a\n---\nbody", Ok((Some("title: a\n"), "body", 4))),
            ("crlf", "---\r\ntitle: a\r\n---\r\nbody\r\n", Ok((Some("title: a\n"), "body\n", 4))),
            ("empty file", "", Ok((None, "", 1))),
            ("lone bom", "\u{feff}", Ok((None, "", 1))),
            ("only fences", "---\n---", Ok((Some(""), "", 3))),
            ("only fences nl", "---\n---\n", Ok((Some(""), "", 3))),
            ("fence with trailing space", "--- \ntitle: a\n---  \nx", Ok((Some("title: a\n"), "x", 4))),
            ("no front matter", "# 标题\n\n正文\n", Ok((None, "# 标题\n\n正文\n", 1))),
            ("rule in body", "---\na: 1\n---\n上文\n\n---\n\n下文\n", Ok((Some("a: 1\n"), "上文\n\n---\n\n下文\n", 4))),
            ("body starting with rule", "# t\n\n---\nx\n", Ok((None, "# t\n\n---\nx\n", 1))),
            ("four dashes is not a fence", "----\na: 1\n", Ok((None, "----\na: 1\n", 1))),
            ("no closing fence", "---\ntitle: a\nbody\n", Err(SplitError::Unterminated)),
            ("only opening fence", "---", Err(SplitError::Unterminated)),
            ("only opening fence nl", "---\n", Err(SplitError::Unterminated)),
        ];
        for (name, input, want) in rows {
            let text = normalise(input);
            let got = split_front_matter(&text).map(|s| (s.yaml, s.body, s.body_line));
            assert_eq!(&got, want, "row `{name}`");
        }
    }

    #[test]
    fn close_line_is_the_files_line() {
        let s = split_front_matter("---\na: 1\nb: 2\n---\nx").unwrap();
        assert_eq!((s.yaml_line, s.close_line, s.body_line), (2, 4, 5));
    }

    #[test]
    fn normalise_keeps_line_count() {
        assert_eq!(normalise("a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(normalise("\u{feff}x"), "x");
    }
}
