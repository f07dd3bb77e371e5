//! Loading a site's `content/` folder: find the files, decode them, parse them in parallel.
//!
//! Every `.md` file becomes a [`SourceFile`] whose kind follows from where it sits; every
//! other file is an asset. Problems of all files are collected together (a broken file never
//! stops the others from being read), and unknown-key warnings are merged into one per key.

use crate::config::FieldDecl;
use crate::content::frontmatter::{parse_file, ParsedFile};
use crate::content::model::{Kind, SourceFile};
use crate::diagnostics::{line_col, Diagnostic, Diagnostics, Text};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `serve`'s memo of parsed files: a content file's front matter and body as parsed, by path,
/// for the hash of its bytes and of the site's declared fields (its kind follows from the
/// path, so these decide the result).
pub type ParseMemo = crate::memo::Table<PathBuf, Parse>;

/// A content file as parsed, and the diagnostics parsing gave.
pub type Parse = (Option<ParsedFile>, Vec<Diagnostic>);

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Content files that parsed, sorted by `rel_path`.
    pub files: Vec<SourceFile>,
    /// Non-Markdown files under `content/`, relative to `content/`, sorted.
    pub assets: Vec<PathBuf>,
    /// Content files that could not be read or parsed (`content/cases/a.md`), sorted: they
    /// still exist for links and relations, so what names them is not reported again.
    pub failed: Vec<PathBuf>,
    /// All errors and warnings of all files, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads `site_root/content`; cases may hold the site's `declared` fields (site.yaml `fields:`).
pub fn load_content(site_root: &Path, declared: &[FieldDecl], memo: Option<&ParseMemo>) -> Loaded {
    let root = site_root.canonicalize().unwrap_or_else(|_| site_root.to_path_buf());
    let content = root.join("content");
    let mut loaded = Loaded::default();
    if !content.is_dir() {
        loaded.diagnostics.push(
            Diagnostic::error(
                "missing-content-dir",
                "content",
                (
                    format!("{} 里没有 content/ 文件夹", site_root.display()),
                    format!("no content/ folder in {}", site_root.display()),
                ),
            )
            .expected((
                "site.yaml 旁边有一个 `content/` 文件夹，其中 `cases/` 里每个案例一个 .md 文件",
                "a folder `content/` next to site.yaml, with `cases/` holding one .md file per case",
            ))
            .hint((
                "运行 `xianfeng init <文件夹>` 得到一个能直接构建的示例，或者让命令指向网站所在的文件夹",
                "run `xianfeng init <dir>` for a working example, or point the command at the site's folder",
            )),
        );
        return loaded;
    }

    let mut markdown = Vec::new();
    let mut diags = Diagnostics::default();
    let found = crate::sources::walk(&root, &content, is_ignored);
    diags.extend(found.diagnostics);
    for path in found.files {
        let rel = path.strip_prefix(&content).unwrap_or(&path).to_path_buf();
        if is_markdown(&rel) {
            markdown.push(rel);
        } else {
            loaded.assets.push(rel);
        }
    }

    let results: Vec<(Option<SourceFile>, Vec<Diagnostic>)> =
        markdown.par_iter().map(|rel| load_file(&root, &content, rel, declared, memo)).collect();
    for ((file, file_diags), rel) in results.into_iter().zip(&markdown) {
        match file {
            Some(file) => loaded.files.push(file),
            None => loaded.failed.push(Path::new("content").join(rel)),
        }
        diags.extend(file_diags);
    }
    loaded.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    loaded.assets.sort();
    diags.0 = merge_unknown_fields(diags.0);
    diags.sort();
    loaded.diagnostics = diags.0;
    loaded
}

/// Loads one content file, `rel` being relative to `site_root/content` (`serve`, after an
/// edit), exactly as [`load_content`] loads it.
pub fn load_one(
    site_root: &Path,
    rel: &Path,
    declared: &[FieldDecl],
    memo: Option<&ParseMemo>,
) -> (Option<SourceFile>, Vec<Diagnostic>) {
    let root = site_root.canonicalize().unwrap_or_else(|_| site_root.to_path_buf());
    let content = root.join("content");
    load_file(&root, &content, rel, declared, memo)
}

/// Hidden files and folders, and the temporary files editors leave behind.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with("~$") // Word/WPS lock files
}

fn is_markdown(rel: &Path) -> bool {
    rel.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Kind of a file from its path relative to `content/`, and its asset folder if it has one.
pub fn classify(rel: &Path) -> (Kind, Option<PathBuf>) {
    let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
    let name = parts.last().copied().unwrap_or("");
    if name == "_index.md" {
        return (Kind::Section, None);
    }
    let kind = match parts.first().copied() {
        Some("cases") => Kind::Case,
        Some("compilations") => Kind::Compilation,
        _ => return (Kind::Page, None),
    };
    match parts.len() {
        2 => (kind, None),
        3 if name == "index.md" => (kind, Some(Path::new("content").join(parts[0]).join(parts[1]))),
        _ => (Kind::Page, None),
    }
}

/// Reads, decodes and parses one file.
fn load_file(
    root: &Path,
    content: &Path,
    rel: &Path,
    declared: &[FieldDecl],
    memo: Option<&ParseMemo>,
) -> (Option<SourceFile>, Vec<Diagnostic>) {
    let path = content.join(rel);
    let rel_path = Path::new("content").join(rel);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            let message = (format!("无法读取文件：{e}"), format!("cannot read the file: {e}"));
            return (None, vec![Diagnostic::error("read-error", rel_path, message)]);
        }
    };
    let hash = *blake3::hash(&bytes).as_bytes();
    let (kind, asset_dir) = classify(rel);
    let parse = || match decode(&bytes, &rel_path) {
        Ok(text) => parse_file(kind, &rel_path, &text, declared),
        Err(d) => (None, vec![*d]),
    };
    let (parsed, diags) = match memo {
        Some(memo) => memo.get_or_make(rel_path.clone(), memo_fingerprint(&hash, declared), parse),
        None => parse(),
    };
    let file = parsed.map(|ParsedFile { meta, body, body_line, positions }| SourceFile {
        path: root.join(&rel_path),
        rel_path,
        kind,
        meta,
        body,
        body_line,
        positions,
        asset_dir,
        hash,
    });
    (file, diags)
}

/// What a memoised parse depends on: the file's bytes and the site's declared fields.
fn memo_fingerprint(hash: &[u8; 32], declared: &[FieldDecl]) -> [u8; 32] {
    if declared.is_empty() {
        return *hash;
    }
    let mut h = blake3::Hasher::new();
    h.update(hash);
    h.update(serde_json::to_string(declared).unwrap_or_default().as_bytes());
    *h.finalize().as_bytes()
}

/// UTF-8 text of a file (a BOM is dropped later), or a `not-utf8` error saying where and why.
pub fn decode(bytes: &[u8], rel_path: &Path) -> Result<String, Box<Diagnostic>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Box::new(
            Diagnostic::error(
                "not-utf8",
                rel_path,
                (
                    "文件是 UTF-16 编码（记事本里的“Unicode”），不是 UTF-8",
                    "the file is UTF-16 (\"Unicode\" in Notepad), not UTF-8",
                ),
            )
            .at(1, 1)
            .expected(("UTF-8 编码的文本", "UTF-8 text"))
            .hint(("重新保存文件，编码选 UTF-8", "save the file again choosing the encoding UTF-8")),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let prefix = std::str::from_utf8(good).unwrap_or_default();
            let (line, column) = line_col(prefix, prefix.len());
            let hint = if looks_like_gb18030(bytes) {
                let name = rel_path.file_name().map_or("file.md".into(), |n| n.to_string_lossy().into_owned());
                Text::new(
                    format!(
                        "看起来是 GBK/GB18030 编码（WPS、Word 常见）：用 `iconv -f GB18030 -t UTF-8 {name} -o {name}` 转换，\
                         或另存为 UTF-8"
                    ),
                    format!(
                        "looks like GBK/GB18030 (common from WPS/Word): convert with `iconv -f GB18030 -t UTF-8 {name} -o {name}` \
                         or save as UTF-8"
                    ),
                )
            } else {
                Text::new("把文件另存为 UTF-8 编码", "save the file as UTF-8")
            };
            let byte = bytes[e.valid_up_to()];
            Err(Box::new(
                Diagnostic::error(
                    "not-utf8",
                    rel_path,
                    (
                        format!("文件不是 UTF-8 编码：字节 0x{byte:02X} 不是有效的 UTF-8"),
                        format!("the file is not UTF-8: byte 0x{byte:02X} is not valid UTF-8"),
                    ),
                )
                .at(line, column)
                .expected(("UTF-8 编码的文本", "UTF-8 text"))
                .hint(hint),
            ))
        }
    }
}

fn looks_like_gb18030(bytes: &[u8]) -> bool {
    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes).is_some()
}

/// One `unknown-field` warning per key (and place: `honours[].yeer` differs from `yeer`),
/// listing the files that use it, instead of one per file.
fn merge_unknown_fields(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut groups: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    let mut out = Vec::with_capacity(diags.len());
    for d in diags {
        if d.code == "unknown-field" {
            let key = strip_indices(d.field.as_deref().unwrap_or(""));
            groups.entry(key).or_default().push(d);
        } else {
            out.push(d);
        }
    }
    for (_, mut group) in groups {
        group.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        let mut files: Vec<String> = group.iter().map(|d| d.file.display().to_string()).collect();
        files.dedup();
        let mut first = group.swap_remove(0);
        if files.len() > 1 {
            let shown: Vec<&str> = files.iter().take(10).map(String::as_str).collect();
            let (n, shown) = (files.len(), shown.join(", "));
            let (more_zh, more_en) = match n.checked_sub(10).filter(|&m| m > 0) {
                Some(m) => (format!(" 等，另有 {m} 个"), format!(" and {m} more")),
                None => (String::new(), String::new()),
            };
            first.message = Text::new(
                format!("{}（见于 {n} 个文件：{shown}{more_zh}）", first.message.zh),
                format!("{} (in {n} files: {shown}{more_en})", first.message.en),
            );
        }
        out.push(first);
    }
    out
}

/// `honours[1].yeer` → `honours[].yeer`.
fn strip_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
