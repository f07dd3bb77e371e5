//! `site.yaml` `fields:`: the case fields a site declares beyond the built-in ones.
//!
//! Zola's `extra` and Hugo's params take anything and check nothing; a declared field has a
//! type, so a case that writes `branch_count: 十二` is an error naming the file, line and
//! field, like a built-in field's. Each declaration gives the front-matter key, the label a
//! reader sees (Chinese), the type, and optionally `facet: true` (a taxonomy of its own: term
//! pages and a search facet) and `search: true` (its text goes into the search index).
//!
//! This module reads and checks the declarations; `content::frontmatter` reads the values.

use crate::diagnostics::Diagnostic;
use crate::lang::Text;
use crate::yaml::Scanned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Every built-in key of a case's front matter (a site's declared `fields:` may not reuse one;
/// the content stage reads cases by it).
pub const CASE_KEYS: &[&str] = &[
    "title",
    "brand",
    "org",
    "date",
    "slug",
    "subtitle",
    "description",
    "year",
    "type",
    "region",
    "level",
    "sector",
    "party_org",
    "branch",
    "tags",
    "honours",
    "metrics",
    "sources",
    "cover",
    "related",
    "lang",
    "featured",
    "weight",
    "draft",
    "aliases",
    "slogan",
    "logo",
    "meaning",
    "framework",
    "carriers",
    "highlights",
    "people",
    "status",
    "extra",
];

/// One declared field, as written in site.yaml.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct FieldDecl {
    /// The front-matter key: `branch_count`.
    pub key: String,
    /// What a reader sees: 党员人数.
    pub label: String,
    /// The type's name as written (`text`, `list`, …); see [`FieldDecl::kind`].
    #[serde(rename = "type")]
    pub type_name: String,
    /// A taxonomy of its own: term pages under `/<key>/` and a search facet.
    pub facet: bool,
    /// Its text goes into the search index.
    pub search: bool,
}

/// The keys a declaration takes, for the hint of an unknown one.
pub const DECL_KEYS: [&str; 5] = ["key", "label", "type", "facet", "search"];

/// What a declared field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// A list of texts (one text is a list of one).
    List,
    /// A number, shown as written.
    Number,
    /// A date YYYY-MM-DD.
    Date,
    /// An http(s) address, shown as a link.
    Url,
    /// Named texts: `{联系人: 张三, 电话: 0756-1234567}`.
    Map,
}

impl FieldType {
    pub const ALL: [FieldType; 6] =
        [FieldType::Text, FieldType::List, FieldType::Number, FieldType::Date, FieldType::Url, FieldType::Map];

    pub fn parse(name: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.name() == name.trim().to_ascii_lowercase())
    }

    /// The name written in site.yaml.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::List => "list",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Url => "url",
            FieldType::Map => "map",
        }
    }

    /// Whether its values can be terms of a taxonomy: short texts a reader browses by.
    pub fn can_be_facet(self) -> bool {
        matches!(self, FieldType::Text | FieldType::List | FieldType::Number)
    }
}

impl FieldDecl {
    /// The declared type. A name [`validate`] refused reads as text: the build fails on
    /// that error anyway, and the case files are still checked in the same run.
    pub fn kind(&self) -> FieldType {
        FieldType::parse(&self.type_name).unwrap_or(FieldType::Text)
    }
}

/// Output folders a facet's term pages may not take (`/brands/`, `/search/`, …).
const RESERVED_FOLDERS: [&str; 9] =
    ["brands", "cases", "compilations", "search", "page", "static", "assets", "css", "js"];

/// Checks the declarations; errors name site.yaml's line and column (`scanned` is site.yaml's).
pub fn validate(fields: &[FieldDecl], scanned: &Scanned, rel: &Path) -> Vec<Diagnostic> {
    let at = |path: &str| scanned.position(path);
    let mut out = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, f) in fields.iter().enumerate() {
        let item = format!("fields[{i}]");
        let error = |sub: &str, message: Text| {
            let path = if sub.is_empty() { item.clone() } else { format!("{item}.{sub}") };
            let (line, column) = at(&path);
            Diagnostic::error("config", rel, message).at(line, column).field(path)
        };
        let key = f.key.trim();
        if let Some(d) = key_problem(key, i).map(|(m, h)| error("key", m).hint(h)) {
            out.push(d.expected((
                "英文字母开头、由字母、数字和 `_` 组成、不与内置字段重名的字段名",
                "a name of letters, digits and `_`, starting with a letter, that no built-in field has",
            )));
        } else if let Some(first) = seen.insert(key, i) {
            let (line, _) = at(&format!("fields[{first}].key"));
            out.push(
                error(
                    "key",
                    Text::new(format!("字段 `{key}` 声明了两次"), format!("the field `{key}` is declared twice")),
                )
                .hint((
                    format!("第 {line} 行已经声明过 `{key}`；删去一处，或给其中一个换个名字"),
                    format!("line {line} declares `{key}` already; remove one, or rename one of them"),
                )),
            );
        }
        if f.label.trim().is_empty() {
            out.push(
                error(
                    "label",
                    Text::new(format!("字段 `{key}` 缺少 `label`"), format!("the field `{key}` has no `label`")),
                )
                .expected((
                    "案例页上显示的名称，例如 `label: 党员人数`",
                    "the name shown on the case page, e.g. `label: 党员人数`",
                ))
                .hint((
                    "每个字段都要写 `label:`，读者看到的是它，不是 key",
                    "give every field a `label:`: readers see it, not the key",
                )),
            );
        }
        match FieldType::parse(&f.type_name) {
            None => {
                let (message, hint) = type_error(&f.type_name, key);
                out.push(error("type", message).expected(type_list()).hint(hint));
            }
            Some(kind) if f.facet && !kind.can_be_facet() => out.push(
                error(
                    "facet",
                    Text::new(
                        format!("`{}` 类型的字段 `{key}` 不能做分类（facet）", kind.name()),
                        format!("the field `{key}` of type `{}` cannot be a facet", kind.name()),
                    ),
                )
                .expected(("facet 只用于 text、list 或 number 类型的字段", "facet: true only on a text, list or number field"))
                .hint((
                    "分类按一个个短词归类案例（如“创建类型”）；日期、网址和键值表不适合做分类，删去 `facet: true`",
                    "a facet groups cases by short terms (such as a kind of programme); dates, addresses and maps do not group, so remove `facet: true`",
                )),
            ),
            Some(_) if f.facet && RESERVED_FOLDERS.contains(&key) => out.push(
                error(
                    "key",
                    Text::new(
                        format!("分类字段 `{key}` 的页面会占用网站已有的 /{key}/ 文件夹"),
                        format!("the facet `{key}` would put its pages in /{key}/, which the site already uses"),
                    ),
                )
                .hint(("给这个字段换个名字，例如 `{key}_type`", "rename the field, e.g. `{key}_type`")),
            ),
            Some(_) => {}
        }
    }
    out
}

/// Why `key` cannot name a field, with a hint; `None` when it can.
fn key_problem(key: &str, i: usize) -> Option<(Text, Text)> {
    let n = i + 1;
    if key.is_empty() {
        return Some((
            Text::new(format!("第 {n} 个字段缺少 `key`"), format!("field {n} has no `key`")),
            Text::new(
                "写上前言里用的字段名，例如 `key: branch_count`",
                "give the front-matter key, e.g. `key: branch_count`",
            ),
        ));
    }
    if CASE_KEYS.contains(&key) {
        return Some((
            Text::new(format!("字段 `{key}` 与内置字段重名"), format!("the field `{key}` is a built-in field")),
            Text::new(
                format!("`{key}` 已经是案例的内置字段，会照常校验和显示；自己的字段换个名字，例如 `{key}_extra`"),
                format!("`{key}` is already a built-in case field, checked and shown as such; give yours another name, e.g. `{key}_extra`"),
            ),
        ));
    }
    let mut chars = key.chars();
    let well_formed =
        chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    (!well_formed).then(|| {
        (
            Text::new(format!("字段名 `{key}` 不可用"), format!("`{key}` cannot name a field")),
            Text::new(
                "字段名只用英文字母、数字和 `_`（它也是分类页的网址），中文名称写在 `label:` 里，例如 `key: branch_count`、`label: 党支部数`",
                "a key uses only letters, digits and `_` (it is also the facet's URL); put the Chinese name in `label:`, e.g. `key: branch_count`, `label: 党支部数`",
            ),
        )
    })
}

fn type_list() -> Text {
    let names: Vec<&str> = FieldType::ALL.iter().map(|t| t.name()).collect();
    Text::new(format!("以下之一：{}", names.join("、")), format!("one of {}", names.join(", ")))
}

/// The message and hint for a type name that is not one of [`FieldType::ALL`].
fn type_error(written: &str, key: &str) -> (Text, Text) {
    let closest = FieldType::ALL
        .iter()
        .map(|t| (strsim::jaro_winkler(&written.to_ascii_lowercase(), t.name()), t.name()))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name);
    let message = if written.trim().is_empty() {
        Text::new(format!("字段 `{key}` 缺少 `type`"), format!("the field `{key}` has no `type`"))
    } else {
        Text::new(
            format!("字段 `{key}` 的类型 `{written}` 不存在"),
            format!("the field `{key}` has an unknown type `{written}`"),
        )
    };
    let guide = "text 一段文字，list 文字列表，number 数字，date 日期（YYYY-MM-DD），url 网址，map 一组“名称: 文字”";
    let guide_en =
        "text: one text, list: texts, number: a figure, date: YYYY-MM-DD, url: a web address, map: named texts";
    let hint = match closest {
        Some(name) => Text::new(
            format!("是不是要写 `type: {name}`？（{guide}）"),
            format!("did you mean `type: {name}`? ({guide_en})"),
        ),
        None => Text::new(guide, guide_en),
    };
    (message, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(key: &str, type_name: &str) -> FieldDecl {
        FieldDecl { key: key.into(), label: "标签".into(), type_name: type_name.into(), ..Default::default() }
    }

    #[test]
    fn type_names_read_case_insensitively_and_facets_only_on_short_values() {
        assert_eq!(FieldType::parse("Text"), Some(FieldType::Text));
        assert_eq!(FieldType::parse("string"), None);
        assert!(FieldType::List.can_be_facet());
        assert!(!FieldType::Map.can_be_facet() && !FieldType::Url.can_be_facet() && !FieldType::Date.can_be_facet());
    }

    #[test]
    fn keys_must_be_identifiers_and_not_built_in() {
        assert!(key_problem("branch_count", 0).is_none());
        assert!(key_problem("tags", 0).is_some());
        assert!(key_problem("党员人数", 0).is_some());
        assert!(key_problem("2x", 0).is_some());
        let yaml = crate::yaml::parse("fields:\n  - key: a\n    label: 标签\n    type: txt\n", 1).unwrap();
        let ds = validate(&[decl("a", "txt")], &yaml.scanned, Path::new("site.yaml"));
        assert_eq!((ds[0].line, ds[0].column, ds[0].field.as_deref()), (4, 11, Some("fields[0].type")));
        assert!(ds[0].hint.as_ref().unwrap().en.contains("did you mean `type: text`"));
    }
}
