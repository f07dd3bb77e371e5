//! The Tera 2 instance: theme and site templates, xianfeng's functions, filters and tests,
//! and template errors that name the template, the line, the column and the missing variable.

use super::memo::TemplateMemo;
use crate::chinese;
use crate::diagnostics::Diagnostic;
use crate::html_escape::write_escaped_html;
use crate::theme::Theme;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tera::{ErrorKind, Kwargs, State, Tera, Value};

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
        tera.set_escape_fn(write_escaped_html);
        register(&mut tera, base_path, asset_urls);
        if errors.is_empty() {
            // Before any page: a template that includes its own parent would recur without end.
            errors.extend(super::recursion::check(&sources));
        }
        if errors.is_empty() {
            let all = sources.iter().map(|(n, (t, _))| (n.as_str(), t.as_str()));
            if let Err(e) = tera.add_raw_templates(all) {
                errors.extend(load_errors(&tera, &sources, &e));
            }
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
    pub fn render(&self, name: &str, context: &RenderContext) -> Result<String, Diagnostic> {
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
    pub fn render_bytes(&self, name: &str, context: &RenderContext) -> Result<Vec<u8>, Diagnostic> {
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
        self.tera.render_to(name, &context.0, &mut out).map_err(|e| self.render_error(name, &e))?;
        self.note_size(name, out.len());
        Ok(out)
    }

    /// A render error at the template (and line) Tera names, which may be a template `name`
    /// extends, includes, or whose component it calls.
    fn render_error(&self, name: &str, e: &tera::Error) -> Diagnostic {
        if is_component_depth_error(e) {
            return super::recursion::component_depth_error(&self.sources, name);
        }
        let at = report_of(e).map(|r| r.filename()).filter(|f| self.sources.contains_key(*f)).unwrap_or(name);
        let (text, origin) = &self.sources[at];
        template_error(at, origin, text, e)
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

/// What a page's template sees: its variables (`case`, `site`, …), so the renderer does not
/// name Tera.
pub struct RenderContext(tera::Context);

/// A value as templates hold it, made once and shared by every page showing it (`site`, a
/// listed case): Tera's strings, lists and maps are reference-counted, so a page takes it
/// without copying it.
#[derive(Clone)]
pub struct TemplateValue(tera::Value);

impl TemplateValue {
    pub fn of(json: &serde_json::Value) -> TemplateValue {
        TemplateValue(tera_value(json, &|_| None))
    }
}

/// `json` as Tera's value, the same one `Context::from_serialize` makes, except that each
/// object `substitute` knows is replaced by what it gives (already made, so not copied).
fn tera_value(
    json: &serde_json::Value,
    substitute: &dyn Fn(&serde_json::Map<String, serde_json::Value>) -> Option<TemplateValue>,
) -> tera::Value {
    use serde_json::Value as Json;
    match json {
        Json::Null => tera::Value::none(),
        Json::Bool(b) => (*b).into(),
        Json::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into(),
            (None, Some(i)) => i.into(),
            _ => n.as_f64().unwrap_or(f64::NAN).into(),
        },
        Json::String(text) => text.as_str().into(),
        Json::Array(items) => items.iter().map(|x| tera_value(x, substitute)).collect::<Vec<_>>().into(),
        Json::Object(map) => match substitute(map) {
            Some(made) => made.0,
            None => {
                let entries = map.iter().map(|(k, v)| (k.clone(), tera_value(v, substitute)));
                entries.collect::<indexmap::IndexMap<String, tera::Value>>().into()
            }
        },
    }
}

impl RenderContext {
    /// A page's context from its variables `vars` (a JSON object), each object `substitute`
    /// knows replaced by what it gives (the listed cases), and the `shared` values added.
    pub fn of_page(
        vars: &serde_json::Value,
        substitute: &dyn Fn(&serde_json::Map<String, serde_json::Value>) -> Option<TemplateValue>,
        shared: &[(&'static str, TemplateValue)],
    ) -> RenderContext {
        let mut context = tera::Context::new();
        if let serde_json::Value::Object(map) = vars {
            for (key, value) in map {
                context.insert_value(key.clone(), tera_value(value, substitute));
            }
        }
        for (key, value) in shared {
            context.insert_value(*key, value.0.clone());
        }
        RenderContext(context)
    }
}

/// The functions, filters and tests themes use besides Tera's own. Registered before the
/// templates are added: Tera 2 checks at load time that every one a template names exists.
fn register(tera: &mut Tera, base_path: &str, asset_urls: HashMap<String, String>) {
    let base = base_path.to_string();
    tera.register_function("url", move |args: Kwargs, _: &State| -> tera::TeraResult<String> {
        let path = args.get::<&str>("path")?.unwrap_or("");
        Ok(format!("{base}/{}", path.trim_start_matches('/')))
    });
    let base = base_path.to_string();
    tera.register_function("asset", move |args: Kwargs, _: &State| -> tera::TeraResult<String> {
        let path = args.get::<&str>("path")?.unwrap_or("").trim_start_matches('/');
        let out = asset_urls.get(path).map_or(path, String::as_str);
        Ok(format!("{base}/{out}"))
    });
    tera.register_filter("cn_number", |value: &Value, _: Kwargs, _: &State| {
        let n = value.as_u64().or_else(|| value.as_str().and_then(|s| s.parse().ok()));
        n.map_or_else(|| value.to_string(), chinese::cn_number)
    });
    tera.register_filter("zh_date", |value: &Value, _: Kwargs, _: &State| {
        value.as_str().map_or_else(|| value.to_string(), chinese::zh_date)
    });
    // For theme authors: a URL taken from data (`extra`, say) is printed only if the URL
    // sanitiser allows it, else as "" (so `{% if x | safe_url %}` leaves the link out).
    tera.register_filter("safe_url", |value: &Value, _: Kwargs, _: &State| {
        let url = value.as_str().unwrap_or("");
        if crate::urls::is_safe_url(url) {
            url.to_string()
        } else {
            String::new()
        }
    });
    tera.register_filter("tile_class", |value: &Value, _: Kwargs, _: &State| tile_class(value.as_str().unwrap_or("")));
    // Tera 1 had these built in; Tera 2 keeps them in its contrib crate.
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_test("matching", tera_contrib::regex::Matching::default());
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

/// Tera's error and all its causes on one line (a report's source excerpt left out: the
/// diagnostic shows the line itself).
fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![report_of(e).map_or_else(|| e.to_string(), |r| r.message().to_string())];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// The located part of a syntax or render error.
fn report_of(e: &tera::Error) -> Option<&tera::ReportError> {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    }
}

fn is_component_depth_error(e: &tera::Error) -> bool {
    matches!(e.kind(), ErrorKind::Msg(m) if m.starts_with("Maximum render recursion depth"))
}

/// Every error of a set of templates that did not load. Tera stops at the first template
/// that does not parse, so each is parsed alone too: every broken one is reported.
fn load_errors(tera: &Tera, sources: &Sources, e: &tera::Error) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, (text, origin)) in sources {
        let mut alone = Tera::default();
        alone.register_from(tera);
        if let Err(e) = alone.add_raw_template(name, text) {
            if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                errors.push(template_error(name, origin, text, &e));
            }
        }
    }
    if errors.is_empty() {
        errors.push(set_error(sources, e));
    }
    errors
}

/// An error between templates (a missing parent, an unknown filter or component, an
/// include or extends cycle), at the template and line it names when it names one.
fn set_error(sources: &Sources, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        ErrorKind::CircularInclude { include_chain: chain, .. }
        | ErrorKind::CircularExtend { inheritance_chain: chain, .. } => {
            return super::recursion::chain_error(sources, chain);
        }
        ErrorKind::MissingParent { current, parent } => {
            let (text, origin) = sources.get(current).map_or(("", current.as_str()), |(t, o)| (t.as_str(), o.as_str()));
            let (line, col) = text.find(parent.as_str()).map_or((0, 0), |at| crate::diagnostics::line_col(text, at));
            return Diagnostic::error(
                "template",
                origin,
                (
                    format!("“{current}”继承的模板“{parent}”不存在"),
                    format!("`{current}` extends `{parent}`, which does not exist"),
                ),
            )
            .at(line, col)
            .hint((
                "检查 {% extends %} 里的模板名，或把这个模板加到网站的 templates/ 文件夹",
                "check the name in {% extends %}, or add that template to your site's templates/ folder",
            ));
        }
        _ => {}
    }
    let message = e.to_string();
    // Reference errors come as reports joined into one message: `--> name:line:col`.
    let located = report_position(&message).filter(|(name, ..)| sources.contains_key(*name));
    let Some((name, line, col)) = located else {
        let chain = error_chain(e);
        return Diagnostic::error("template", "templates", (format!("模板有误：{chain}"), chain)).hint((
            "检查 {% extends %}、{% include %} 的模板名和所用的组件、过滤器",
            "check the names in {% extends %} and {% include %} and the components and filters used",
        ));
    };
    let first = message.lines().find_map(|l| l.strip_prefix("error: ")).unwrap_or(&message).to_string();
    Diagnostic::error("template", &sources[name].1, (format!("模板有误：{first}"), first))
        .at(line, col)
        .hint(unknown_name_hint(&message))
}

fn unknown_name_hint(message: &str) -> (String, String) {
    if message.contains("omponent") {
        (
            "这个组件没有定义：检查名字，或在 components.html 里用 {% component 名字(参数) %} 定义它".into(),
            "this component is not defined: check its name, or define it with {% component name(args) %} in components.html".into(),
        )
    } else {
        (
            "检查名字的拼写；xianfeng 提供的函数、过滤器和测试见 docs/templates.md".into(),
            "check the spelling; docs/templates.md lists the functions, filters and tests xianfeng provides".into(),
        )
    }
}

/// A diagnostic naming the template, the line and column (of the parse error, or of the
/// missing variable) and the variable, with a hint in the reader's language.
fn template_error(name: &str, origin: &str, text: &str, e: &tera::Error) -> Diagnostic {
    let message = error_chain(e);
    let d = Diagnostic::error("template", origin, (format!("模板有误：{message}"), message.clone()));
    let Some(report) = report_of(e) else { return d };
    let span = report.span();
    let d = d.at(span.start_line, span.start_col + 1);
    if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
        return d.hint((
            "改正这一处的模板语法；Tera 2 与 Tera 1 的不同见 docs/tera2-migration.md",
            "fix the template syntax here; docs/tera2-migration.md lists what Tera 2 changed",
        ));
    }
    let Some(var) = missing_variable(report.message(), expression_at(text, span.range.clone())) else {
        return d;
    };
    d.field(&var).hint((
        format!("{name} 里没有 `{var}`：用 {{% if {var} %}} 包起来，或写成 `{var} | default(value=\"\")`；docs/templates.md 列出了每个模板的变量"),
        format!("`{var}` is not set for {name}: guard it with {{% if {var} %}} or use `{var} | default(value=\"\")`; docs/templates.md lists each template's variables"),
    ))
}

/// The variable a render error is about: Tera names the variable (`Variable `x` is not
/// defined`) or only the field (`Field `foo` is not defined`), and its span covers the
/// expression, so the path is read from the source: `case.foo`, not just `foo`.
fn missing_variable(message: &str, spanned: &str) -> Option<String> {
    let (kind, rest) = ["Variable `", "Field `"].iter().find_map(|k| message.strip_prefix(k).map(|r| (*k, r)))?;
    let name = &rest[..rest.find('`')?];
    let path: String = spanned.chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.')).collect();
    let path = path.trim_end_matches('.');
    if kind == "Field `" && path.split('.').any(|part| part == name) {
        // Up to and including the missing field: `case.nonexistent` of `case.nonexistent.field`.
        let end = path.split('.').position(|part| part == name).unwrap_or(0);
        return Some(path.split('.').take(end + 1).collect::<Vec<_>>().join("."));
    }
    Some(name.to_string())
}

/// The dotted path around a span: Tera's span of a missing field starts at the field, so
/// the names before it (`case.`) are read back from the source.
fn expression_at(text: &str, range: std::ops::Range<usize>) -> &str {
    let Some(after) = text.get(range.start..) else { return "" };
    let before = &text[..range.start];
    let start = before.trim_end_matches(|c: char| c.is_alphanumeric() || matches!(c, '_' | '.')).len();
    let end =
        range.start + after.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.'))).unwrap_or(after.len());
    &text[start..end]
}

/// `--> case.html:3:7` in a report → ("case.html", 3, 7).
fn report_position(message: &str) -> Option<(&str, usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let rest = rest.lines().next()?;
    let mut parts = rest.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    Some((parts.next()?, line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_missing_variable_and_the_position_in_messages() {
        assert_eq!(missing_variable("Variable `title` is not defined.", "title"), Some("title".into()));
        let field = "Field `nonexistent` is not defined. Available fields: title";
        assert_eq!(missing_variable(field, "case.nonexistent.field"), Some("case.nonexistent".into()));
        assert_eq!(report_position("error: x\n --> partials/a.html:3:7\n  |"), Some(("partials/a.html", 3, 7)));
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
