//! Recursion in a theme, found before any page is rendered.
//!
//! Tera 1 follows `{% include %}`, `{% extends %}` and macro calls without a depth limit: a
//! template that includes itself, or a macro that calls itself with nothing to stop it, runs
//! until the stack overflows, and a stack overflow aborts the whole process (no error, no
//! cleanup, `serve` dies). So the templates' call graph is read from Tera's parsed templates
//! and every cycle that cannot end is a template error naming the template and the line.
//!
//! A cycle can end only through a macro call that is guarded (inside `{% if %}` or
//! `{% for %}`) and passes an argument that changes (`self::toc_list(items=i.children)`, not
//! `x=x`): that is how a tree is walked, and the default theme does it. Such calls are allowed;
//! a guarded call that still never ends is beyond what can be seen without running it (Tera 2
//! bounds the depth at run time).

use crate::diagnostics::{line_col, Diagnostic};
use std::collections::{BTreeMap, HashMap};
use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// A template, or a macro of a template file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Vertex {
    Template(String),
    Macro { file: String, name: String },
}

impl Vertex {
    fn file(&self) -> &str {
        match self {
            Vertex::Template(name) | Vertex::Macro { file: name, .. } => name,
        }
    }

    fn describe(&self) -> String {
        match self {
            Vertex::Template(name) => name.clone(),
            Vertex::Macro { file, name } => format!("{file}::{name}"),
        }
    }
}

/// A call that can recur without end, and the words to find it by in its file's source.
#[derive(Debug, Clone)]
struct Edge {
    to: Vertex,
    needle: String,
}

type Graph = BTreeMap<Vertex, Vec<Edge>>;

/// One error per cycle that cannot end. `sources`: template name → (text, path to show).
pub fn check(tera: &Tera, sources: &BTreeMap<String, (String, String)>) -> Vec<Diagnostic> {
    let graph = unbounded_calls(tera);
    cycles(&graph).into_iter().map(|cycle| cycle_error(&cycle, sources)).collect()
}

/// Every include, extends and unguarded (or unchanging) macro call of every template.
fn unbounded_calls(tera: &Tera) -> Graph {
    let mut graph = Graph::new();
    for (name, template) in &tera.templates {
        let imports: HashMap<&str, &str> =
            template.imported_macro_files.iter().map(|(file, ns)| (ns.as_str(), file.as_str())).collect();
        let walker = Walker { file: name, imports: &imports };
        let mut edges = Vec::new();
        if let Some(parent) = &template.parent {
            edges.push(Edge { to: Vertex::Template(parent.clone()), needle: "extends".into() });
        }
        walker.nodes(&template.ast, false, &mut edges);
        graph.insert(Vertex::Template(name.clone()), edges);
        for (macro_name, definition) in &template.macros {
            let mut edges = Vec::new();
            walker.nodes(&definition.body, false, &mut edges);
            graph.insert(Vertex::Macro { file: name.clone(), name: macro_name.clone() }, edges);
        }
    }
    graph
}

struct Walker<'a> {
    file: &'a str,
    /// Namespace → macro file, from the template's `{% import %}` tags.
    imports: &'a HashMap<&'a str, &'a str>,
}

impl Walker<'_> {
    fn nodes(&self, nodes: &[Node], guarded: bool, out: &mut Vec<Edge>) {
        for node in nodes {
            match node {
                Node::Include(_, names, _) => out
                    .extend(names.iter().map(|n| Edge { to: Vertex::Template(n.clone()), needle: format!("\"{n}\"") })),
                Node::VariableBlock(_, e) => self.expr(e, guarded, out),
                Node::Set(_, set) => self.expr(&set.value, guarded, out),
                Node::MacroDefinition(_, def, _) => self.nodes(&def.body, false, out),
                Node::FilterSection(_, section, _) => {
                    section.filter.args.values().for_each(|e| self.expr(e, guarded, out));
                    self.nodes(&section.body, guarded, out);
                }
                Node::Block(_, block, _) => self.nodes(&block.body, guarded, out),
                Node::Forloop(_, for_loop, _) => {
                    self.expr(&for_loop.container, guarded, out);
                    self.nodes(&for_loop.body, true, out);
                    if let Some(empty) = &for_loop.empty_body {
                        self.nodes(empty, true, out);
                    }
                }
                Node::If(branches, _) => {
                    for (_, condition, body) in &branches.conditions {
                        self.expr(condition, guarded, out);
                        self.nodes(body, true, out);
                    }
                    if let Some((_, body)) = &branches.otherwise {
                        self.nodes(body, true, out);
                    }
                }
                _ => {}
            }
        }
    }

    fn expr(&self, e: &Expr, guarded: bool, out: &mut Vec<Edge>) {
        for filter in &e.filters {
            filter.args.values().for_each(|a| self.expr(a, guarded, out));
        }
        match &e.val {
            ExprVal::MacroCall(call) => {
                call.args.values().for_each(|a| self.expr(a, guarded, out));
                let file = if call.namespace == "self" {
                    Some(self.file)
                } else {
                    self.imports.get(call.namespace.as_str()).copied()
                };
                // A guarded call that hands on something new can end; it is left out of the graph.
                let changes = call.args.iter().any(|(key, value)| !passes_on(key, value));
                if let (Some(file), false) = (file, guarded && changes) {
                    out.push(Edge {
                        to: Vertex::Macro { file: file.to_string(), name: call.name.clone() },
                        needle: format!("{}::{}", call.namespace, call.name),
                    });
                }
            }
            ExprVal::FunctionCall(call) => call.args.values().for_each(|a| self.expr(a, guarded, out)),
            ExprVal::Math(m) => [&m.lhs, &m.rhs].into_iter().for_each(|a| self.expr(a, guarded, out)),
            ExprVal::Logic(l) => [&l.lhs, &l.rhs].into_iter().for_each(|a| self.expr(a, guarded, out)),
            ExprVal::In(i) => [&i.lhs, &i.rhs].into_iter().for_each(|a| self.expr(a, guarded, out)),
            ExprVal::Test(t) => t.args.iter().for_each(|a| self.expr(a, guarded, out)),
            ExprVal::Array(items) => items.iter().for_each(|a| self.expr(a, guarded, out)),
            _ => {}
        }
    }
}

/// `x=x`: the argument is handed on unchanged.
fn passes_on(key: &str, value: &Expr) -> bool {
    value.filters.is_empty() && !value.negated && matches!(&value.val, ExprVal::Ident(name) if name == key)
}

/// The cycles of the graph, each as its vertices in call order, each found once (from its
/// smallest vertex, so the report is the same on every run).
fn cycles(graph: &Graph) -> Vec<Vec<(Vertex, Edge)>> {
    let mut found: Vec<Vec<(Vertex, Edge)>> = Vec::new();
    for start in graph.keys() {
        walk(graph, start, start, &mut Vec::new(), &mut found);
    }
    found
}

/// Depth-first from `at`, looking for a way back to `start` through vertices greater than it
/// (the smaller ones were starts before: each cycle is found from its smallest vertex only).
fn walk(
    graph: &Graph,
    start: &Vertex,
    at: &Vertex,
    path: &mut Vec<(Vertex, Edge)>,
    found: &mut Vec<Vec<(Vertex, Edge)>>,
) {
    for edge in graph.get(at).into_iter().flatten() {
        if &edge.to == start {
            let mut cycle = path.clone();
            cycle.push((at.clone(), edge.clone()));
            if !found.iter().any(|c| same_cycle(c, &cycle)) {
                found.push(cycle);
            }
        } else if edge.to > *start && &edge.to != at && !path.iter().any(|(v, _)| v == &edge.to) {
            path.push((at.clone(), edge.clone()));
            walk(graph, start, &edge.to, path, found);
            path.pop();
        }
    }
}

fn same_cycle(a: &[(Vertex, Edge)], b: &[(Vertex, Edge)]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|((x, _), (y, _))| x == y)
}

/// The error, at the call that closes the cycle (the one back to where it started).
fn cycle_error(cycle: &[(Vertex, Edge)], sources: &BTreeMap<String, (String, String)>) -> Diagnostic {
    let (from, closing) = cycle.last().expect("a cycle has a call");
    let chain: Vec<String> =
        cycle.iter().map(|(v, _)| v.describe()).chain(std::iter::once(closing.to.describe())).collect();
    let chain = chain.join(" → ");
    let (text, origin) = sources.get(from.file()).map(|(t, o)| (t.as_str(), o.as_str())).unwrap_or(("", from.file()));
    let (line, column) = text.find(&closing.needle).map_or((0, 0), |at| line_col(text, at));
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
        "去掉这一处调用；宏要递归时，把调用放在 {% if %} 或 {% for %} 里，并传入会变化的参数（例如 items=i.children）",
        "remove this call; a macro that recurses must call itself inside {% if %} or {% for %} with an argument that changes (e.g. items=i.children)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(templates: &[(&str, &str)]) -> Vec<Diagnostic> {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied()).expect("templates parse");
        let sources =
            templates.iter().map(|(n, t)| (n.to_string(), (t.to_string(), format!("templates/{n}")))).collect();
        check(&tera, &sources)
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
    fn a_macro_calling_itself_unguarded_or_unchanged_is_an_error() {
        let unguarded = "{% macro m(x) %}{{ self::m(x=x + 1) }}{% endmacro m %}";
        let unchanged = "{% macro m(x) %}{% if x %}{{ self::m(x=x) }}{% endif %}{% endmacro m %}";
        for text in [unguarded, unchanged] {
            let e = errors(&[("macros.html", text), ("page.html", "{% import \"macros.html\" as k %}{{ k::m(x=1) }}")]);
            assert_eq!(e.len(), 1, "{text}: {e:?}");
            assert!(e[0].message.en.contains("macros.html::m → macros.html::m"), "{}", e[0].message.en);
        }
    }

    #[test]
    fn a_guarded_macro_walking_a_tree_is_allowed() {
        let tree = "{% macro toc(items) %}{% for i in items %}{% if i.children %}{{ self::toc(items=i.children) }}{% endif %}{% endfor %}{% endmacro toc %}";
        assert!(errors(&[("macros.html", tree)]).is_empty());
    }

    #[test]
    fn a_parent_including_its_child_is_an_error() {
        let e = errors(&[
            ("base.html", "{% block b %}{% endblock b %}{% include \"case.html\" %}"),
            ("case.html", "{% extends \"base.html\" %}"),
        ]);
        assert_eq!(e.len(), 1, "{e:?}");
    }
}
