//! Recursion in a theme: an error with a place, never a stack overflow.
//!
//! Tera 2 bounds most of it itself: it refuses an `{% include %}` cycle and an `{% extends %}`
//! cycle when the templates load, and stops a component that calls itself after 20 levels with
//! an error. One cycle it does not see: a parent that includes one of its children
//! (`base.html` includes `case.html`, which extends `base.html`), which would recur until the
//! stack overflows and abort the process (`serve` dies). So before Tera loads them, the
//! templates' `include` and `extends` tags are read into a graph and every cycle is an error
//! at the tag that closes it. And when Tera stops a component, the error names the component
//! that calls itself, at that call.

use crate::diagnostics::{line_col, Diagnostic};
use std::collections::BTreeMap;

/// Template name → (source text, path to show).
type Sources = BTreeMap<String, (String, String)>;

/// An `include` or `extends` tag: the template it names and where the name starts.
struct Reference<'a> {
    to: &'a str,
    at: usize,
}

/// One error per `include`/`extends` cycle, found before Tera is given the templates.
pub fn check(sources: &Sources) -> Vec<Diagnostic> {
    let graph: BTreeMap<&str, Vec<Reference>> =
        sources.iter().map(|(name, (text, _))| (name.as_str(), references(text))).collect();
    let mut errors = Vec::new();
    let mut reported: Vec<Vec<&str>> = Vec::new();
    for start in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, start) {
            let mut key = cycle.clone();
            key.sort();
            if !reported.contains(&key) {
                reported.push(key);
                errors.push(cycle_error(sources, &graph, &cycle));
            }
        }
    }
    errors
}

/// A way from `start` back to itself, as the templates in call order, if there is one.
fn cycle_from<'a>(graph: &BTreeMap<&'a str, Vec<Reference<'a>>>, start: &'a str) -> Option<Vec<&'a str>> {
    let mut path = vec![start];
    let mut seen = vec![start];
    fn walk<'a>(
        graph: &BTreeMap<&'a str, Vec<Reference<'a>>>,
        start: &str,
        path: &mut Vec<&'a str>,
        seen: &mut Vec<&'a str>,
    ) -> bool {
        let at = *path.last().expect("the path starts with a template");
        for next in graph.get(at).into_iter().flatten() {
            if next.to == start {
                return true;
            }
            if !seen.contains(&next.to) && graph.contains_key(next.to) {
                seen.push(next.to);
                path.push(next.to);
                if walk(graph, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    walk(graph, start, &mut path, &mut seen).then_some(path)
}

/// The error at the tag that closes the cycle (the last template's reference to the first).
fn cycle_error(sources: &Sources, graph: &BTreeMap<&str, Vec<Reference>>, cycle: &[&str]) -> Diagnostic {
    let last = cycle[cycle.len() - 1];
    let at = graph[last].iter().find(|r| r.to == cycle[0]).map_or(0, |r| r.at);
    let chain: Vec<String> = cycle.iter().chain(std::iter::once(&cycle[0])).map(|s| s.to_string()).collect();
    recursion_error(sources, last, at, &chain.join(" → "))
}

/// Tera's own include or extends cycle (`chain` ends where it started), at the last tag.
pub fn chain_error(sources: &Sources, chain: &[String]) -> Diagnostic {
    let (from, to) = match chain {
        [.., from, to] => (from.as_str(), to.as_str()),
        _ => (chain.first().map_or("", String::as_str), chain.first().map_or("", String::as_str)),
    };
    let at =
        sources.get(from).and_then(|(text, _)| references(text).into_iter().find(|r| r.to == to)).map_or(0, |r| r.at);
    recursion_error(sources, from, at, &chain.join(" → "))
}

fn recursion_error(sources: &Sources, file: &str, at: usize, chain: &str) -> Diagnostic {
    let (text, origin) = sources.get(file).map_or(("", file), |(t, o)| (t.as_str(), o.as_str()));
    let (line, column) = if text.is_empty() { (0, 0) } else { line_col(text, at) };
    Diagnostic::error(
        "template-recursion",
        origin,
        (
            format!("模板的调用绕回自身，永无止境：{chain}"),
            format!("the templates call themselves without end: {chain}"),
        ),
    )
    .at(line, column)
    .hint((
        "去掉这一处 include 或 extends：一个模板不能包含它自己，也不能包含继承它的模板",
        "remove this include or extends: a template cannot include itself or a template that extends it",
    ))
}

/// Tera stopped a component 20 calls deep: the error is at the first component that calls
/// itself (in `render`ed template order), or at the page's template when none visibly does.
pub fn component_depth_error(sources: &Sources, rendered: &str) -> Diagnostic {
    let found =
        sources.iter().find_map(|(name, (text, _))| self_call(text).map(|(component, at)| (name, component, at)));
    let (file, at, what) = match found {
        Some((name, component, at)) => (name.as_str(), Some(at), component),
        None => (rendered, None, rendered.to_string()),
    };
    let (text, origin) = sources.get(file).map_or(("", file), |(t, o)| (t.as_str(), o.as_str()));
    let (line, column) = at.map_or((0, 0), |at| line_col(text, at));
    Diagnostic::error(
        "template-recursion",
        origin,
        (
            format!("组件“{what}”调用自身超过 20 层，没有停下来"),
            format!("the component `{what}` calls itself more than 20 levels deep without stopping"),
        ),
    )
    .at(line, column)
    .hint((
        "组件要递归时，把调用放在 {% if %} 或 {% for %} 里，并传入会变化的参数（例如 items={i.children}）",
        "a component that recurses must call itself inside {% if %} or {% for %} with an argument that changes (e.g. items={i.children})",
    ))
}

/// The first component of `text` whose body calls it (`{{<toc …/>}}` inside
/// `{% component toc(…) %}`): its name and where the call starts.
fn self_call(text: &str) -> Option<(String, usize)> {
    let code = without_comments_and_raw(text);
    for (start, tag) in tags(&code) {
        let Some(rest) = tag.strip_prefix("component") else { continue };
        let name: String =
            rest.trim_start().chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.')).collect();
        if name.is_empty() {
            continue;
        }
        let body_start = start + code[start..].find("%}").map_or(0, |e| e + 2);
        let body_end = code[body_start..].find("endcomponent").map_or(code.len(), |e| body_start + e);
        let body = &code[body_start..body_end];
        let call = format!("<{name}");
        let mut from = 0;
        while let Some(i) = body[from..].find(&call) {
            let after = body[from + i + call.len()..].chars().next();
            if matches!(after, Some(c) if c.is_whitespace() || c == '/' || c == '>') {
                return Some((name, body_start + from + i));
            }
            from += i + call.len();
        }
    }
    None
}

/// The `include` and `extends` tags of a template (comments and raw blocks skipped).
fn references(text: &str) -> Vec<Reference<'_>> {
    let code = without_comments_and_raw(text);
    let mut out = Vec::new();
    for (start, tag) in tags(&code) {
        let Some(keyword) = ["extends", "include"].into_iter().find(|k| tag.starts_with(k)) else { continue };
        let tag_at = start + code[start..].find(keyword).unwrap_or(0);
        let rest = &tag[keyword.len()..];
        // Every quoted string of the tag: one name, or a list for `include [...]`.
        let mut offset = tag_at + keyword.len();
        let mut parts = rest.split(['"', '\'']);
        offset += parts.next().map_or(0, |p| p.len() + 1);
        for (i, part) in parts.enumerate() {
            if i % 2 == 0 {
                out.push(Reference { to: &text[offset..offset + part.len()], at: offset - 1 });
            }
            offset += part.len() + 1;
        }
    }
    out
}

/// `{% … %}` tags as (offset of `{%`, trimmed content without the whitespace dashes).
fn tags(code: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = code[from..].find("{%") {
        let start = from + i;
        let Some(len) = code[start..].find("%}") else { break };
        let inner = code[start + 2..start + len].trim_start_matches('-').trim_end_matches('-').trim();
        out.push((start, inner));
        from = start + len + 2;
    }
    out
}

/// `text` with comments and `{% raw %}` blocks blanked out, offsets kept.
fn without_comments_and_raw(text: &str) -> String {
    let mut out = text.to_string();
    for (open, close) in [("{#", "#}"), ("{% raw", "endraw")] {
        let mut from = 0;
        while let Some(i) = out[from..].find(open) {
            let start = from + i;
            let end = out[start..].find(close).map_or(out.len(), |e| start + e + close.len());
            // Same length in bytes: each character becomes spaces of its own width.
            let blank: String = out[start..end]
                .chars()
                .map(|c| if c == '\n' { "\n".into() } else { " ".repeat(c.len_utf8()) })
                .collect();
            out.replace_range(start..end, &blank);
            from = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(templates: &[(&str, &str)]) -> Vec<Diagnostic> {
        let sources: Sources =
            templates.iter().map(|(n, t)| (n.to_string(), (t.to_string(), format!("templates/{n}")))).collect();
        check(&sources)
    }

    #[test]
    fn a_template_that_includes_itself_is_an_error_at_the_include() {
        let e = errors(&[("case.html", "<h1>x</h1>\n{% include \"case.html\" %}")]);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].code, e[0].file.to_str(), e[0].line), ("template-recursion", Some("templates/case.html"), 2));
        assert!(e[0].message.en.contains("case.html → case.html"), "{}", e[0].message.en);
    }

    #[test]
    fn an_include_cycle_through_two_templates_is_one_error() {
        let e = errors(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% if x %}{% include \"a.html\" %}{% endif %}"),
        ]);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].message.en.contains("a.html → b.html → a.html"), "{}", e[0].message.en);
    }

    #[test]
    fn a_parent_including_its_child_is_an_error() {
        let e = errors(&[
            ("base.html", "{% block b %}{% endblock b %}\n{%- include 'case.html' %}"),
            ("case.html", "{% extends \"base.html\" %}"),
        ]);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].file.to_str(), e[0].line), (Some("templates/case.html"), 1));
    }

    #[test]
    fn includes_in_comments_and_raw_blocks_and_plain_includes_are_not_cycles() {
        let e = errors(&[
            ("case.html", "{# {% include \"case.html\" %} #}{% raw %}{% include \"case.html\" %}{% endraw %}"),
            ("index.html", "{% extends \"base.html\" %}{% include \"partials/nav.html\" %}"),
            ("base.html", "{% include \"partials/nav.html\" %}"),
            ("partials/nav.html", "<nav></nav>"),
        ]);
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn the_component_that_calls_itself_is_found_at_its_call() {
        let sources: Sources = [
            ("case.html".to_string(), ("{{<again n={1} />}}".to_string(), "templates/case.html".to_string())),
            (
                "again.html".to_string(),
                (
                    "\n{% component again(n) %}{{<again n={n + 1} />}}{% endcomponent again %}\n".to_string(),
                    "templates/again.html".to_string(),
                ),
            ),
        ]
        .into();
        let e = component_depth_error(&sources, "case.html");
        assert_eq!((e.code, e.file.to_str(), e.line), ("template-recursion", Some("templates/again.html"), 2));
        assert!(e.message.en.contains("`again`"), "{}", e.message.en);
    }
}
