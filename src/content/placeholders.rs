//! Words of `xianfeng new`'s template left in a case that is about to be published
//! (某某市某某局, 在此写正文): a warning at each, so a leader never reads a placeholder.
//! Drafts are not checked: an editor fills them in over days.

use super::model::{CaseMeta, SourceFile};
use crate::diagnostics::{line_col, Diagnostic};

/// The template's placeholders, as an editor would leave them.
pub const PLACEHOLDERS: [&str; 8] = [
    "某某市某某局",
    "某某局",
    "在此写正文",
    "一句话简介",
    "原文标题",
    "编辑姓名",
    "在此写前言",
    "一句话介绍这本案例汇编",
];

/// One warning per placeholder left in a published case's front matter or body.
pub fn placeholders_left(meta: &CaseMeta, file: &SourceFile) -> Vec<Diagnostic> {
    if meta.draft {
        return Vec::new();
    }
    let org = meta
        .org
        .iter()
        .enumerate()
        .map(|(i, o)| (if meta.org.len() == 1 { "org".to_string() } else { format!("org[{i}]") }, o.as_str()));
    let fields = [("title".to_string(), meta.title.as_str()), ("brand".to_string(), meta.brand.as_str())]
        .into_iter()
        .chain(org)
        .chain(meta.description.as_deref().map(|d| ("description".to_string(), d)))
        .chain(meta.subtitle.as_deref().map(|d| ("subtitle".to_string(), d)))
        .chain(meta.party_org.as_deref().map(|d| ("party_org".to_string(), d)));
    let mut out = Vec::new();
    for (field, value) in fields {
        if let Some(word) = placeholder_in(value) {
            let (line, column) = file.positions.get(&field);
            out.push(warning(file, word).at(line, column).field(field));
        }
    }
    if let Some((at, word)) = first_placeholder(&file.body) {
        let (line, column) = line_col(&file.body, at);
        out.push(warning(file, word).at(file.body_line + line - 1, column));
    }
    out
}

/// The first placeholder in `text` and its byte offset, in one pass over the text (not one
/// search per placeholder): only a character that starts one is looked at twice.
fn first_placeholder(text: &str) -> Option<(usize, &'static str)> {
    text.char_indices().filter(|&(_, c)| starts_a_placeholder(c)).find_map(|(at, _)| {
        let rest = &text[at..];
        PLACEHOLDERS.iter().copied().find(|w| rest.starts_with(w)).map(|w| (at, w))
    })
}

/// The first characters of [`PLACEHOLDERS`].
fn starts_a_placeholder(c: char) -> bool {
    matches!(c, '某' | '在' | '一' | '原' | '编')
}

fn placeholder_in(value: &str) -> Option<&'static str> {
    PLACEHOLDERS.iter().copied().find(|w| value.contains(w))
}

fn warning(file: &SourceFile, word: &str) -> Diagnostic {
    Diagnostic::warning(
        "placeholder",
        &file.rel_path,
        (format!("模板里的占位文字“{word}”还没有改"), format!("the template's placeholder `{word}` is still here")),
    )
    .hint((
        "换成真实内容；还没写完的案例加上 `draft: true`，就不会发布",
        "replace it with the real text, or mark the case `draft: true` until it is finished",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_placeholder_of_a_body_is_found_in_one_pass() {
        for w in PLACEHOLDERS {
            assert!(starts_a_placeholder(w.chars().next().unwrap()), "{w}");
        }
        let body = "一支部一特色。\n在此写正文，原文标题见下。某某市某某局";
        assert_eq!(first_placeholder(body), Some((body.find("在此写正文").unwrap(), "在此写正文")));
        assert_eq!(first_placeholder("某某市某某局的做法"), Some((0, "某某市某某局")));
        assert_eq!(first_placeholder("市财政局“让我先来”"), None);
    }
}
