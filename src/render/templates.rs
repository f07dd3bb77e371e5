//! The Tera instance: theme and site templates, xianfeng's functions and filters, and
//! template errors that name the template, the line and the missing variable.

use super::memo::TemplateMemo;
use crate::chinese;
use crate::diagnostics::Diagnostic;
use crate::theme::Theme;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tera::{Tera, Value};

pub struct TemplateSet {
    tera: Tera,
    /// Template name → (source text, where it came from) for error locations.
    sources: Sources,
    /// Per template: what a page rendered with it depends on besides its context (see
    /// `memo`). Absent when the template calls an impure Tera function.
    fingerprints: HashMap<String, blake3::Hash>,
    /// Per template, the length of the last page rendered with it (a buffer size hint).
    sizes: HashMap<String, std::sync::atomic::AtomicUsize>,
}

impl TemplateSet {
    /// Reads and parses every template (all parse errors are reported together). With a
    /// memo (`serve`) the previous set is reused when nothing it is made of changed, so an
    /// edit to a case does not parse the templates again, and each template gets its
    /// fingerprint for the page memo.
    pub fn load(
        theme: &Theme,
        base_path: &str,
        asset_urls: HashMap<String, String>,
        memo: Option<&TemplateMemo>,
    ) -> Result<Arc<TemplateSet>, Vec<Diagnostic>> {
        let read = read_sources(theme);
        let Some(memo) = memo.filter(|_| read.1.is_empty()) else {
            return TemplateSet::from_sources(read, base_path, asset_urls, false).map(Arc::new);
        };
        let key = sources_hash(&read.0, base_path, &asset_urls);
        memo.get_or_load(key, || TemplateSet::from_sources(read, base_path, asset_urls, true))
    }

    fn from_sources(
        (sources, mut errors): (Sources, Vec<Diagnostic>),
        base_path: &str,
        asset_urls: HashMap<String, String>,
        memoised: bool,
    ) -> Result<TemplateSet, Vec<Diagnostic>> {
        let fingerprints = if memoised { fingerprints(&sources, base_path, &asset_urls) } else { HashMap::new() };
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".htm"]);
        tera.set_escape_fn(escape_html);
        register(&mut tera, base_path, asset_urls);
        if errors.is_empty() {
            let all = sources.iter().map(|(n, (t, _))| (n.as_str(), t.as_str()));
            if let Err(e) = tera.add_raw_templates(all) {
                // Parse one by one so every broken template is reported, not just the first;
                // when each parses alone, the problem is between them.
                for (name, (text, origin)) in &sources {
                    if let Err(e) = tera::Template::new(name, None, text) {
                        errors.push(template_error(name, origin, text, &e));
                    }
                }
                if errors.is_empty() {
                    errors.push(
                        Diagnostic::error("template", "templates", {
                            let chain = error_chain(&e);
                            (format!("模板有误：{chain}"), chain)
                        })
                        .hint((
                            "检查 {% extends %}、{% import %} 和各个 block 的名字",
                            "check {% extends %}, {% import %} and block names",
                        )),
                    );
                }
            }
        }
        if errors.is_empty() {
            // Before any page: a template that calls itself without end would abort the process.
            errors.extend(super::recursion::check(&tera, &sources));
        }
        if errors.is_empty() {
            let sizes = sources.keys().map(|name| (name.clone(), Default::default())).collect();
            Ok(TemplateSet { tera, sources, fingerprints, sizes })
        } else {
            Err(errors)
        }
    }

    /// Hash of the sources `name` is made of (itself and every template it extends, includes
    /// or imports, transitively), the base path and the asset URLs: editing a template
    /// changes the keys of the pages using it and no others. None when one of those templates
    /// calls an impure Tera function, so such pages are never served from the `serve` cache.
    pub fn fingerprint(&self, name: &str) -> Option<blake3::Hash> {
        self.fingerprints.get(name).copied()
    }

    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Renders `name` to text.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        let bytes = self.render_bytes(name, context)?;
        String::from_utf8(bytes).map_err(|e| {
            Diagnostic::error(
                "template",
                format!("templates/{name}"),
                (format!("模板输出的不是 UTF-8 文本：{e}"), format!("the template's output is not UTF-8 text: {e}")),
            )
        })
    }

    /// Renders `name` to the bytes of a page (UTF-8, as everything Tera writes is; left
    /// unchecked, since pages go to files and the link scanner reads bytes).
    pub fn render_bytes(&self, name: &str, context: &tera::Context) -> Result<Vec<u8>, Diagnostic> {
        if !self.sources.contains_key(name) {
            return Err(Diagnostic::error(
                "template",
                format!("templates/{name}"),
                (format!("模板 `{name}` 不存在"), format!("template `{name}` does not exist")),
            )
            .hint((
                "把它加到网站的 templates/ 文件夹里，或检查页面前言里的 `template:`",
                "add it to your site's templates/ folder, or check `template:` in the page's front matter",
            )));
        }
        // Rendered into a buffer sized like the previous page of this template, so a page
        // is not copied again each time Tera's own small buffer fills up.
        let mut out = Vec::with_capacity(self.size_hint(name));
        self.tera.render_to(name, context, &mut out).map_err(|e| {
            let (text, origin) = &self.sources[name];
            template_error(name, origin, text, &e)
        })?;
        self.note_size(name, out.len());
        Ok(out)
    }

    fn size_hint(&self, name: &str) -> usize {
        self.sizes.get(name).map_or(4096, |s| s.load(std::sync::atomic::Ordering::Relaxed) + 1024)
    }

    fn note_size(&self, name: &str, len: usize) {
        if let Some(s) = self.sizes.get(name) {
            s.store(len, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// [`TemplateSet::fingerprint`] of every template (computed only for the page memo).
fn fingerprints(
    sources: &Sources,
    base_path: &str,
    asset_urls: &HashMap<String, String>,
) -> HashMap<String, blake3::Hash> {
    let mut settings = blake3::Hasher::new();
    hash_settings(&mut settings, base_path, asset_urls);
    let mut out = HashMap::new();
    for name in sources.keys() {
        let used = templates_used(sources, name);
        if used.iter().any(|n| super::memo::is_impure_template(&sources[*n].0)) {
            continue;
        }
        let mut h = settings.clone();
        for n in used {
            hash_source(&mut h, n, &sources[n].0);
        }
        out.insert(name.clone(), h.finalize());
    }
    out
}

/// `name` and the templates it extends, includes or imports, transitively, sorted.
fn templates_used<'a>(sources: &'a Sources, name: &'a str) -> std::collections::BTreeSet<&'a str> {
    let mut used = std::collections::BTreeSet::new();
    let mut queue = vec![name];
    while let Some(n) = queue.pop() {
        let Some((key, (text, _))) = sources.get_key_value(n) else { continue };
        if used.insert(key.as_str()) {
            queue.extend(referenced_templates(text));
        }
    }
    used
}

/// Template names in a source's `{% extends %}`, `{% include %}` and `{% import %}` tags
/// (Tera takes only string literals there, or a list of them for `include`).
fn referenced_templates(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for tag in text.split("{%").skip(1) {
        let tag = tag.split("%}").next().unwrap_or("").trim_start_matches('-').trim_start();
        let Some(keyword) = ["extends", "include", "import"].iter().find(|k| tag.starts_with(*k)) else { continue };
        let mut rest = &tag[keyword.len()..];
        if keyword == &"import" {
            rest = rest.split(" as ").next().unwrap_or("");
        }
        // Every quoted string of the tag: one name, or a list for `include [...]`.
        let mut parts = rest.split(['"', '\'']);
        parts.next();
        names.extend(parts.step_by(2));
    }
    names
}

/// Hash of every template source, the base path and the asset URLs.
fn sources_hash(sources: &Sources, base_path: &str, asset_urls: &HashMap<String, String>) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for (name, (text, _)) in sources {
        hash_source(&mut h, name, text);
    }
    hash_settings(&mut h, base_path, asset_urls);
    h.finalize()
}

/// A template's name and text, each with its length so no two sets of sources hash alike.
fn hash_source(h: &mut blake3::Hasher, name: &str, text: &str) {
    for part in [name, text] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
}

/// What every template's output depends on besides the sources: the base path and the asset
/// URLs.
fn hash_settings(h: &mut blake3::Hasher, base_path: &str, asset_urls: &HashMap<String, String>) {
    h.update(base_path.as_bytes());
    h.update(&[0]);
    let mut assets: Vec<_> = asset_urls.iter().collect();
    assets.sort();
    for (from, to) in assets {
        for part in [from, to] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
    }
}

/// Template name → (source text, where it came from).
type Sources = BTreeMap<String, (String, String)>;

/// Reads every template of the theme; unreadable ones are errors.
fn read_sources(theme: &Theme) -> (Sources, Vec<Diagnostic>) {
    let mut sources = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, origin) in &theme.templates {
        match origin.read().map(String::from_utf8) {
            Ok(Ok(text)) => {
                sources.insert(name.clone(), (text, origin.describe(name)));
            }
            _ => errors.push(Diagnostic::error(
                "template",
                origin.describe(name),
                ("模板读不出来，或不是 UTF-8 文本", "template is not readable UTF-8 text"),
            )),
        }
    }
    (sources, errors)
}

fn register(tera: &mut Tera, base_path: &str, asset_urls: HashMap<String, String>) {
    let base = base_path.to_string();
    tera.register_function("url", move |args: &HashMap<String, Value>| {
        let path = args.get("path").and_then(Value::as_str).unwrap_or("");
        Ok(Value::String(format!("{base}/{}", path.trim_start_matches('/'))))
    });
    let base = base_path.to_string();
    tera.register_function("asset", move |args: &HashMap<String, Value>| {
        let path = args.get("path").and_then(Value::as_str).unwrap_or("").trim_start_matches('/');
        let out = asset_urls.get(path).map_or(path, String::as_str);
        Ok(Value::String(format!("{base}/{out}")))
    });
    tera.register_filter("cn_number", |value: &Value, _: &HashMap<String, Value>| {
        let n = value.as_u64().or_else(|| value.as_str().and_then(|s| s.parse().ok()));
        Ok(Value::String(n.map_or_else(|| value.to_string(), chinese::cn_number)))
    });
    tera.register_filter("zh_date", |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(value.as_str().map_or_else(|| value.to_string(), chinese::zh_date)))
    });
    // For theme authors: a URL taken from data (`extra`, say) is printed only if the URL
    // sanitiser allows it, else as "" (so `{% if x | safe_url %}` leaves the link out).
    tera.register_filter("safe_url", |value: &Value, _: &HashMap<String, Value>| {
        let url = value.as_str().unwrap_or("");
        Ok(Value::String(if crate::urls::is_safe_url(url) { url.to_string() } else { String::new() }))
    });
    tera.register_filter("tile_class", |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(tile_class(value.as_str().unwrap_or(""))))
    });
}

/// Tera's `urlencode` set (Python's `quote` with `/` kept), which `brands.js` mirrors.
const URLENCODE_SET: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/').remove(b'%');

/// `tile-0` … `tile-7`: a placeholder tile's colour, derived from the brand name so it is
/// stable across builds. Defined as the theme's first template version computed it (hex
/// digits of the URL-encoded name, read forwards and backwards), which `brands.js` repeats.
pub fn tile_class(name: &str) -> String {
    let hex: String = percent_encoding::utf8_percent_encode(name, URLENCODE_SET).to_string().replace('%', "");
    let reversed: String = hex.chars().rev().collect();
    let (a, b) = (leading_hex(&hex), leading_hex(&reversed));
    format!("tile-{}", (a % 251 + b % 241) % 8)
}

/// The first 12 characters read as hex, as Tera's `int(base=16, default=0)` reads them.
fn leading_hex(s: &str) -> i64 {
    let head: String = s.chars().take(12).collect();
    let head = head.trim().trim_start_matches("0x");
    match i64::from_str_radix(head, 16) {
        Ok(v) => v,
        Err(_) if head.contains('.') => head.parse::<f64>().map_or(0, |f| f as i64),
        Err(_) => 0,
    }
}

/// Escapes the five characters that matter in HTML text and quoted attributes. Tera's own
/// escaper also turns `/` into `&#x2F;`, which bloats every URL and breaks nothing it guards.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    let mut rest = input;
    // Copies the text between special characters in one piece; most values have none.
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// Tera's error and all its causes on one line.
fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// A diagnostic naming the template, the line (of the parse error, or of the first use of a
/// missing variable) and the variable.
fn template_error(name: &str, origin: &str, text: &str, e: &tera::Error) -> Diagnostic {
    let message = error_chain(e);
    let mut d = Diagnostic::error("template", origin, (format!("模板有误：{message}"), message.clone()));
    if let Some((line, col)) = parse_error_position(&message) {
        return d.at(line, col).hint(("改正这一行的模板语法", "fix the template syntax at this line"));
    }
    if let Some(var) = missing_variable(&message) {
        let (line, col) = first_use(text, var).unwrap_or((0, 0));
        d = d
            .at(line, col)
            .field(var)
            .hint((
                format!("{name} 里没有 `{var}`：用 {{% if {var} %}} 包起来，或写成 `{var} | default(value=\"\")`；docs/templates.md 列出了每个模板的变量"),
                format!("`{var}` is not set for {name}: guard it with {{% if {var} %}} or use `{var} | default(value=\"\")`; docs/templates.md lists each template's variables"),
            ));
    }
    d
}

/// Tera parse errors print `--> 3:7`.
fn parse_error_position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let mut it = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// `Variable `case.foo` not found in context...` → `case.foo`.
fn missing_variable(message: &str) -> Option<&str> {
    let start = message.find("Variable `")? + "Variable `".len();
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

fn first_use(text: &str, var: &str) -> Option<(usize, usize)> {
    let at = text.find(var)?;
    Some(crate::diagnostics::line_col(text, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_html_characters_only() {
        assert_eq!(escape_html("让我先来"), "让我先来");
        assert_eq!(
            escape_html(r#"<a href="/x">'甲'&乙</a>"#),
            "&lt;a href=&quot;/x&quot;&gt;&#39;甲&#39;&amp;乙&lt;/a&gt;"
        );
    }

    #[test]
    fn finds_variable_and_position_in_messages() {
        assert_eq!(
            missing_variable("Variable `case.foo` not found in context while rendering 'case.html'"),
            Some("case.foo")
        );
        assert_eq!(parse_error_position("Failed to parse 'x'\n --> 3:7\n  |"), Some((3, 7)));
    }

    #[test]
    fn finds_the_templates_a_template_uses() {
        let text = r#"{% extends "base.html" %}{%- import 'macros.html' as m -%}
            {% include ["a.html", 'b.html'] ignore missing %}{% if x %}{{ "extends" }}{% endif %}"#;
        assert_eq!(referenced_templates(text), ["base.html", "macros.html", "a.html", "b.html"]);
        let source = |t: &str| (t.to_string(), String::new());
        let sources: Sources = [
            ("case.html".to_string(), source(r#"{% extends "base.html" %}"#)),
            ("base.html".to_string(), source(r#"{% include "partials/nav.html" %}"#)),
            ("partials/nav.html".to_string(), source("<nav></nav>")),
            ("cases.html".to_string(), source("{{ cases }}")),
        ]
        .into();
        let used: Vec<&str> = templates_used(&sources, "case.html").into_iter().collect();
        assert_eq!(used, ["base.html", "case.html", "partials/nav.html"]);
        assert_eq!(templates_used(&sources, "cases.html").len(), 1);
    }
}
