//! Front matter: from the text of one content file to its typed metadata and body.
//!
//! [`parse_file`] splits the file ([`split_front_matter`]), reads the YAML in one pass
//! ([`crate::yaml`]), maps YAML syntax errors to lines of the .md file (with hints for the mistakes editors make
//! most: an unquoted `: ` in a value, tabs, a full-width colon after a key), records where
//! each field sits ([`FieldPositions`]) and reads the fields into `CaseMeta`,
//! `CompilationMeta` or `PageMeta`, reporting every wrong value it finds.

mod declared;
mod meta;
mod split;
mod values;

pub use split::{normalise, split_front_matter, Split, SplitError};

use crate::config::FieldDecl;
use crate::content::model::{FieldPositions, Kind, Meta};
use crate::diagnostics::{Diagnostic, Text};
use crate::yaml::{Document, Mapping, SyntaxError, Value};
use std::path::Path;

/// One file's front matter, read and checked, with its body.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub meta: Meta,
    /// The Markdown after the front matter (LF line ends).
    pub body: String,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
    /// Where each field sits in the file (`title`, `honours[1].year`, `related[0]`).
    pub positions: FieldPositions,
}

const MINIMAL_CASE: &str = "---\ntitle: 让我先来\nbrand: 让我先来\norg: 珠海市财政局\ndate: 2021-05-01\n---";
const MINIMAL_COMPILATION: &str = "---\ntitle: 机关党建品牌案例汇编\ndate: 2021-05-01\n---";

/// Parses the text of the file at `rel_path` (used in messages) as a file of kind `kind`;
/// a case may also hold the site's `declared` fields (site.yaml `fields:`).
///
/// Returns the parsed file, unless it cannot be understood at all (no or broken front matter,
/// a required field missing or unreadable), and every diagnostic found. Fields with errors are
/// left at their defaults; the errors fail the build anyway. A BOM and CRLF line ends are
/// accepted.
pub fn parse_file(
    kind: Kind,
    rel_path: &Path,
    text: &str,
    declared: &[FieldDecl],
) -> (Option<ParsedFile>, Vec<Diagnostic>) {
    let text = normalise(text);
    let split = match split_front_matter(&text) {
        Ok(split) => split,
        Err(SplitError::Unterminated) => return (None, vec![unterminated(rel_path)]),
    };
    let Some(yaml) = split.yaml else {
        return without_front_matter(kind, rel_path, &text);
    };
    let (doc, yaml, syntax_errors) = if is_blank_yaml(yaml) {
        let empty = Document { value: Value::Null, scanned: Default::default() };
        (empty, std::borrow::Cow::Borrowed(yaml), Vec::new())
    } else {
        match parse_yaml(rel_path, yaml, split.yaml_line) {
            Ok(parsed) => parsed,
            Err(errors) => return (None, errors),
        }
    };
    let Document { value, scanned } = doc;
    let map = match value {
        Value::Null => Mapping::new(),
        Value::Mapping(m) => m,
        other => return (None, vec![not_a_mapping(rel_path, &yaml, split.yaml_line, &other)]),
    };
    let mut ctx = values::Ctx::new(rel_path, &scanned);
    let meta = match kind {
        Kind::Case => meta::case(&mut ctx, &map, declared).map(|m| Meta::Case(Box::new(m))),
        Kind::Compilation => meta::compilation(&mut ctx, &map).map(|m| Meta::Compilation(Box::new(m))),
        Kind::Page | Kind::Section => {
            let mut page = meta::page(&mut ctx, &map);
            if kind == Kind::Page && page.title.trim().is_empty() {
                page.title = fallback_title(split.body, rel_path);
            }
            Some(Meta::Page(Box::new(page)))
        }
    };
    let mut diags = ctx.diags;
    // Top to bottom, as the editor reads the file.
    diags.sort_by_key(|d| (d.line, d.column));
    if !syntax_errors.is_empty() {
        // Read with the colons quoted, to report the file's other problems in the same run;
        // still a file that fails, until the editor quotes them.
        let mut all = syntax_errors;
        all.extend(diags);
        return (None, all);
    }
    let parsed = meta.map(|meta| ParsedFile {
        meta,
        body: split.body.to_string(),
        body_line: split.body_line,
        positions: FieldPositions(scanned.positions),
    });
    (parsed, diags)
}

/// Parses front-matter YAML (the positions are the file's). An unquoted `: ` in a value (the commonest slip: `title:
/// 珠海市财政局: 让我先来`) is reported and then read as if quoted, so the rest of the file is
/// still checked in the same run: Ok holds the value, the YAML it was read from, and those
/// errors. Any other syntax error stops the file: Err holds every error found up to it.
fn parse_yaml<'y>(
    rel_path: &Path,
    yaml: &'y str,
    first_line: usize,
) -> Result<(Document, std::borrow::Cow<'y, str>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut text = std::borrow::Cow::Borrowed(yaml);
    let mut errors = Vec::new();
    loop {
        let e = match crate::yaml::parse(&text, first_line) {
            Ok(doc) => return Ok((doc, text, errors)),
            Err(e) => e,
        };
        let d = syntax_error(rel_path, &text, first_line, &e);
        let repaired = (d.code == "yaml-unquoted-colon" && errors.len() < 50)
            .then(|| quote_value_on_line(&text, d.line + 1 - first_line))
            .flatten();
        errors.push(d);
        match repaired {
            Some(fixed) => text = std::borrow::Cow::Owned(fixed),
            None => return Err(errors),
        }
    }
}

/// `yaml` with the value on (1-based) line `n` put in quotes, if it is an unquoted colon's line.
fn quote_value_on_line(yaml: &str, n: usize) -> Option<String> {
    let mut lines: Vec<String> = yaml.lines().map(String::from).collect();
    let line = lines.get_mut(n.checked_sub(1)?)?;
    let (key, value) = unquoted_colon(line)?;
    let indent = &line[..line.len() - line.trim_start().len()];
    let dash = if line.trim_start().starts_with("- ") { "- " } else { "" };
    *line = format!("{indent}{dash}{key}: {}", quote(&value));
    Some(lines.join("\n") + "\n")
}

/// Empty, or only comments: an empty mapping rather than a YAML error.
fn is_blank_yaml(yaml: &str) -> bool {
    yaml.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// A file without front matter: fine for pages, an error for cases and compilations.
fn without_front_matter(kind: Kind, rel_path: &Path, text: &str) -> (Option<ParsedFile>, Vec<Diagnostic>) {
    let minimal = match kind {
        Kind::Case => MINIMAL_CASE,
        Kind::Compilation => MINIMAL_COMPILATION,
        Kind::Page | Kind::Section => {
            let title = if kind == Kind::Page { fallback_title(text, rel_path) } else { String::new() };
            let meta = crate::content::model::PageMeta { title, ..Default::default() };
            let parsed = ParsedFile {
                meta: Meta::Page(Box::new(meta)),
                body: text.to_string(),
                body_line: 1,
                positions: FieldPositions::default(),
            };
            return (Some(parsed), Vec::new());
        }
    };
    let trimmed = text.trim_start();
    let (message, hint) = if trimmed.is_empty() {
        (
            Text::new("文件是空的", "the file is empty"),
            Text::new(format!("在文件开头写上前言：\n{minimal}"), format!("start it with front matter:\n{minimal}")),
        )
    } else if trimmed.starts_with("---") {
        (
            Text::new("前言没有从第一行开始", "the front matter does not start on the first line"),
            Text::new(
                "删去开头 `---` 上面的空行（或空格）",
                "remove the blank lines (or spaces) above the opening `---`",
            ),
        )
    } else if trimmed.starts_with("+++") {
        (
            Text::new("不支持 TOML 格式的前言（`+++`）", "TOML front matter (`+++`) is not supported"),
            Text::new(
                format!("改成写在两行 `---` 之间的 YAML：\n{minimal}"),
                format!("write it as YAML between `---` lines:\n{minimal}"),
            ),
        )
    } else {
        (
            Text::new("文件没有前言", "the file has no front matter"),
            Text::new(
                format!("在文件开头写上前言：\n{minimal}"),
                format!("start the file with front matter:\n{minimal}"),
            ),
        )
    };
    let (kind_zh, kind_en) = if kind == Kind::Case { ("案例", "case") } else { ("汇编", "compilation") };
    let message = Text::new(
        format!("{}；{kind_zh}文件必须有前言", message.zh),
        format!("{}; a {kind_en} needs front matter", message.en),
    );
    let d = Diagnostic::error("missing-front-matter", rel_path, message)
        .at(1, 1)
        .expected(("文件开头两行 `---` 之间的 YAML", "YAML between `---` lines at the top of the file"))
        .hint(hint);
    (None, vec![d])
}

fn unterminated(rel_path: &Path) -> Diagnostic {
    Diagnostic::error(
        "unterminated-front-matter",
        rel_path,
        ("第 1 行开始的前言没有结束", "the front matter opened on line 1 is never closed"),
    )
    .at(1, 1)
    .expected(("最后一个前言字段之后，单独一行 `---`", "a line holding only `---` after the last front-matter field"))
    .hint((
        "在最后一行 `字段: 值` 与正文之间加一行 `---`",
        "add a line `---` between the last `key: value` line and the Markdown text",
    ))
}

/// A page's title when the front matter has none: the first `# heading`, else the file name.
fn fallback_title(body: &str, rel_path: &Path) -> String {
    let heading = body.lines().find_map(|l| {
        let t = l.trim_start().strip_prefix("# ")?;
        let t = t.trim().trim_end_matches('#').trim();
        (!t.is_empty()).then(|| t.to_string())
    });
    heading.unwrap_or_else(|| {
        let stem = rel_path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if stem == "index" || stem == "_index" {
            let parent = rel_path.parent().and_then(|p| p.file_name()).and_then(|s| s.to_str());
            parent.unwrap_or(stem).to_string()
        } else {
            stem.to_string()
        }
    })
}

/// A YAML syntax error as a diagnostic at the file's line and column.
fn syntax_error(rel_path: &Path, yaml: &str, first_line: usize, err: &SyntaxError) -> Diagnostic {
    let offset = first_line - 1;
    let message = err.message.as_str();
    let lines: Vec<&str> = yaml.lines().collect();
    let (yaml_line, column) = tab_indent_at(message, &lines, err.line)
        .or_else(|| unfinished_key_at(message, &lines, err.line))
        .unwrap_or((err.line, err.column));
    let line = yaml_line + offset;
    let line_text = yaml_line.checked_sub(1).and_then(|i| lines.get(i)).copied().unwrap_or("");

    if message.contains("mapping values are not allowed") {
        if let Some((key, value)) = unquoted_colon(line_text) {
            let quoted = quote(&value);
            let full_width = value.replacen(": ", "：", 1);
            return Diagnostic::error(
                "yaml-unquoted-colon",
                rel_path,
                (
                    format!("`{key}` 的值里有半角冒号加空格 `: `，YAML 会把它当成另一个字段的开头"),
                    format!("the value of `{key}` contains `: `, which YAML reads as the start of another key"),
                ),
            )
            .at(line, column)
            .field(key.clone())
            .expected(("值里有 `: ` 时，整个值加引号", "a value in quotes when it contains `: `"))
            .hint((
                format!("给值加引号：{key}: {quoted}（或改用全角冒号：{key}: {full_width}）"),
                format!(
                    "put the value in quotes: {key}: {quoted} (or use the full-width colon ：: {key}: {full_width})"
                ),
            ));
        }
    }
    // An error in a `[…]` or `{…}` (often past the last line: it was never closed) is better
    // explained by the line the bracket opened on.
    let context_line = flow_opened_on(message, &lines, yaml_line);
    let key_line = if line_key(line_text).is_some() { Some(yaml_line) } else { context_line };
    let mut d = Diagnostic::error(
        "yaml-syntax",
        rel_path,
        (format!("前言不是有效的 YAML：{message}"), format!("front matter is not valid YAML: {message}")),
    )
    .at(line, column)
    .expected(("一行一个 `字段: 值`，用空格缩进", "`key: value` lines, indented with spaces"));
    if let Some(key) = key_line.and_then(|n| lines.get(n.checked_sub(1)?)).and_then(|l| line_key(l)) {
        d = d.field(key);
    }
    let hint = match &err.duplicate_key {
        Some(key) => Some(crate::yaml::given_twice_hint(key)),
        None => syntax_hint(message, &lines, yaml_line, context_line, offset),
    };
    d.hint(hint.unwrap_or_else(|| {
        Text::new(
            "检查这一行和上一行的引号、括号和缩进；值里有 `: ` 或 ` #`，或以 `[`、`{`、`*`、`&`、`!`、`|`、`>`、`@` \
             或引号开头时，要给整个值加引号",
            "check quotes, brackets and indentation on this line and the one above; a value containing `: ` or ` #`, \
             or starting with `[`, `{`, `*`, `&`, `!`, `|`, `>`, `@` or a quote, must be put in quotes",
        )
    }))
}

/// The parser reports a tab in the indentation of a line at the value before it; the line
/// (1-based) and column of that tab read better.
fn tab_indent_at(message: &str, lines: &[&str], yaml_line: usize) -> Option<(usize, usize)> {
    if !message.contains("tab") {
        return None;
    }
    let from = yaml_line.max(1);
    lines.iter().enumerate().skip(from - 1).find_map(|(i, l)| {
        let indent: String = l.chars().take_while(|c| c.is_whitespace()).collect();
        indent.find('\t').map(|at| (i + 1, indent[..at].chars().count() + 1))
    })
}

/// "simple key expect ':'" is reported where the `:` was due, the line after the key (often
/// `brand：b` with a full-width colon, or `brand:b` without a space): the key's line reads better.
fn unfinished_key_at(message: &str, lines: &[&str], yaml_line: usize) -> Option<(usize, usize)> {
    if !message.contains("simple key") {
        return None;
    }
    let above = (1..yaml_line.min(lines.len() + 1)).rev().find(|&n| !lines[n - 1].trim().is_empty())?;
    let text = lines[above - 1];
    Some((above, text.chars().take_while(|c| c.is_whitespace()).count() + 1))
}

/// For an error inside a flow collection, the (1-based) line of the nearest `[` (or `{`)
/// at or above `yaml_line` that its line does not close.
fn flow_opened_on(message: &str, lines: &[&str], yaml_line: usize) -> Option<usize> {
    let (open, close) = flow_brackets(message)?;
    let last = yaml_line.min(lines.len());
    (1..=last).rev().find(|&n| {
        let text = lines[n - 1];
        text.matches(open).count() > text.matches(close).count()
    })
}

/// The brackets of the flow collection a parser message is about.
fn flow_brackets(message: &str) -> Option<(char, char)> {
    if message.contains("flow sequence") || message.contains("']'") {
        Some(('[', ']'))
    } else if message.contains("flow mapping") || message.contains("'}'") {
        Some(('{', '}'))
    } else {
        None
    }
}

/// A hint for the common causes of a YAML syntax error. `yaml_line` is the error's line in
/// the YAML (1-based), `context` the line the failing construct started on; `offset` turns
/// YAML lines into file lines.
fn syntax_hint(message: &str, lines: &[&str], yaml_line: usize, context: Option<usize>, offset: usize) -> Option<Text> {
    let get = |n: usize| n.checked_sub(1).and_then(|i| lines.get(i)).copied();
    // Tabs, full-width colons and missing spaces, on this line or the one above.
    for n in [yaml_line.saturating_sub(1), yaml_line] {
        if let Some(hint) = get(n).and_then(|text| line_hint(text, n + offset)) {
            return Some(hint);
        }
    }
    let text = get(yaml_line).unwrap_or("");
    if let Some(hint) = get(yaml_line).and_then(quoted_prefix_hint) {
        return Some(hint);
    }
    if message.contains("mapping values are not allowed") {
        let indent = |l: &str| l.len() - l.trim_start().len();
        if let Some(prev) = get(yaml_line.saturating_sub(1)).filter(|p| indent(text) > indent(p)) {
            if let Some(key) = line_key(prev) {
                let (this, above) = (yaml_line + offset, yaml_line + offset - 1);
                return Some(Text::new(
                    format!(
                        "第 {this} 行比第 {above} 行缩进得多，YAML 把它当成 `{key}` 的值的一部分；\
                         让它和 `{key}:` 从同一列开始"
                    ),
                    format!(
                        "line {this} is indented more than line {above}, so YAML reads it as part of `{key}`'s value; \
                         start it in the same column as `{key}:`"
                    ),
                ));
            }
        }
    }
    if let Some((open, close)) = flow_brackets(message) {
        let at = context.map_or(String::new(), |n| format!(" on line {}", n + offset));
        let at_zh = context.map_or(String::new(), |n| format!("第 {} 行", n + offset));
        return Some(Text::new(
            format!(
                "{at_zh}的 `{open}` 没有在同一行用 `{close}` 关上，或者某一项里有 `,`、`{open}`、`{close}` 或 `: `：\
                 补上 `{close}`，或给那一项加引号"
            ),
            format!(
                "the `{open}` opened{at} is not closed with `{close}` on the same line, or an item contains `,`, \
                 `{open}`, `{close}` or `: `: close it, or put that item in quotes"
            ),
        ));
    }
    let value = text.split_once(": ").map(|(_, v)| v.trim_start()).unwrap_or("");
    if value.starts_with(['*', '&', '!', '@', '`', '%', '|', '>']) {
        let key = line_key(text).unwrap_or("key");
        let (first, quoted) = (value.chars().next().unwrap_or('*'), quote(value));
        return Some(Text::new(
            format!("以 `{first}` 开头的值在 YAML 里有特殊含义；给值加引号：{key}: {quoted}"),
            format!("a value starting with `{first}` has a special meaning in YAML; put it in quotes: {key}: {quoted}"),
        ));
    }
    None
}

/// `title: "让我先来"工作法`: a quoted start followed by more text; the usual fix is to quote it all.
fn quoted_prefix_hint(line: &str) -> Option<Text> {
    let (key, value) = line.trim_start().split_once(": ")?;
    let value = value.trim();
    let q = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let close = value[1..].find(q)? + 1;
    let after = value[close + 1..].trim();
    if after.is_empty() || after.starts_with('#') {
        return None;
    }
    let whole = if q == '"' { format!("'{}'", value.replace('\'', "''")) } else { format!("\"{value}\"") };
    Some(Text::new(
        format!("以引号开头的值必须以引号结尾；给整个值加引号：{key}: {whole}（或改用中文引号“…”）"),
        format!(
            "a value that starts with a quote must end with it; quote the whole value: {key}: {whole} \
             (or use Chinese quotes “…”)"
        ),
    ))
}

/// Hints for one line of YAML that looks wrong in a common way (`n` is its line in the file).
fn line_hint(text: &str, n: usize) -> Option<Text> {
    let indent: String = text.chars().take_while(|c| c.is_whitespace()).collect();
    if indent.contains('\t') {
        return Some(Text::new(
            format!("第 {n} 行用了制表符（Tab）缩进；YAML 只能用空格缩进，把 Tab 换成空格"),
            format!(
                "line {n} is indented with a tab; YAML indentation must use spaces, so replace the tab with spaces"
            ),
        ));
    }
    let t = text.trim_start().trim_start_matches("- ");
    if let Some((key, value)) = t.split_once('：') {
        if !key.contains(':') && !key.is_empty() && !key.contains(' ') {
            let value = value.trim();
            return Some(Text::new(
                format!("第 {n} 行字段名后面用了全角冒号“：”；改成半角冒号加一个空格：`{key}: {value}`"),
                format!(
                    "line {n} separates the key with a full-width colon ：; use an ASCII colon and a space: `{key}: {value}`"
                ),
            ));
        }
    }
    if let Some((key, value)) = t.split_once(':') {
        let plain_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain_key && !value.is_empty() && !value.starts_with([' ', '/']) {
            return Some(Text::new(
                format!("第 {n} 行的冒号后面要有一个空格：`{key}: {value}`"),
                format!("line {n} needs a space after the colon: `{key}: {value}`"),
            ));
        }
    }
    None
}

/// The key of a `key: value` line (or `- key: value` item), if the line has one.
fn line_key(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").unwrap_or(t);
    let key = t.split_once(':')?.0.trim();
    let plain = !key.is_empty() && !key.contains([' ', '"', '\'', '[', '{', '#']);
    plain.then_some(key)
}

/// `title: a: b` → (`title`, `a: b`) when the value is unquoted and holds another `: `.
fn unquoted_colon(line: &str) -> Option<(String, String)> {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").unwrap_or(t);
    let (key, value) = t.split_once(": ")?;
    let value = value.trim();
    let key = key.trim();
    if key.is_empty()
        || value.starts_with(['"', '\'', '[', '{', '|', '>'])
        || !(value.contains(": ") || value.ends_with(':'))
    {
        return None;
    }
    Some((key.to_string(), value.to_string()))
}

/// `value` in YAML quotes: double quotes unless it holds one, then single quotes.
fn quote(value: &str) -> String {
    if value.contains('"') || value.contains('\\') {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        format!("\"{value}\"")
    }
}

/// The front matter parsed, but is not a mapping (often `title：…` with a full-width colon).
fn not_a_mapping(rel_path: &Path, yaml: &str, first_line: usize, found: &Value) -> Diagnostic {
    let hint = yaml.lines().enumerate().find_map(|(i, l)| line_hint(l, i + first_line));
    let found = values::describe(found);
    Diagnostic::error(
        "invalid-front-matter",
        rel_path,
        (
            format!("前言应当是一行一个 `字段: 值`，这里却是{}", found.zh),
            format!("the front matter should be `key: value` lines, found {}", found.en),
        ),
    )
    .at(first_line, 1)
    .expected(("一行一个 `字段: 值`，例如 `title: 让我先来`", "`key: value` lines, e.g. `title: 让我先来`"))
    .hint(hint.unwrap_or_else(|| {
        Text::new(
            "每行写一个字段，格式是 `字段: 值`，例如 `title: 让我先来`",
            "write one field per line as `key: value`, e.g. `title: 让我先来`",
        )
    }))
}

#[cfg(test)]
mod tests;
