//! Building the typed metadata (case, compilation, page) from a parsed YAML mapping.
//!
//! Known keys are read with the readers of `values`; unknown keys become `unknown-field`
//! warnings and their values go to `extra`. A case or compilation whose required fields are
//! missing or unreadable yields `None` (the errors say why); any other bad field is reported
//! and left at its default, so later stages still see the file.

use super::values::{self as v, Ctx};
use crate::config::FieldDecl;
use crate::content::model::{
    CaseMeta, Chapter, ChapterEntry, CompilationMeta, Cover, Credits, Extra, Honour, Lang, Metric, Numbering, PageMeta,
    Source,
};
use crate::content::model::{DeclaredValue, CASE_KEYS};
use crate::lang::Text;
use crate::yaml::{Mapping, Value};

const COMPILATION_KEYS: &[&str] = &[
    "title",
    "date",
    "description",
    "slug",
    "subtitle",
    "edition",
    "numbering",
    "chapters",
    "lang",
    "draft",
    "weight",
    "aliases",
    "extra",
];
const PAGE_KEYS: &[&str] = &["title", "date", "description", "slug", "template", "weight", "draft", "aliases", "extra"];
const HONOUR_KEYS: &[&str] = &["name", "year", "years", "level", "recipient", "count"];
const METRIC_KEYS: &[&str] = &["label", "value", "unit", "qualifier", "year"];
const SOURCE_KEYS: &[&str] = &["title", "publisher", "publication", "issue", "published", "url", "credits"];
const CREDIT_KEYS: &[&str] = &["editor", "responsible_editor"];
const COVER_KEYS: &[&str] = &["src", "alt", "caption"];
const CHAPTER_KEYS: &[&str] = &["title", "intro", "cases"];
const ENTRY_KEYS: &[&str] = &["slug", "note", "numbered"];
const LOGO_KEYS: &[&str] = &["src", "alt", "meaning"];
const NAMED_TEXT_KEYS: &[&str] = &["name", "text"];
const HIGHLIGHT_KEYS: &[&str] = &["name", "org", "text"];
const PERSON_KEYS: &[&str] = &["name", "role"];

/// Names editors reach for, mapped to the key they mean (checked before edit distance).
const ALIASES: &[(&str, &str)] = &[
    ("标题", "title"),
    ("品牌", "brand"),
    ("品牌名称", "brand"),
    ("单位", "org"),
    ("日期", "date"),
    ("类型", "type"),
    ("地区", "region"),
    ("层级", "level"),
    ("领域", "sector"),
    ("标签", "tags"),
    ("荣誉", "honours"),
    ("来源", "sources"),
    ("封面", "cover"),
    ("简介", "description"),
    ("摘要", "description"),
    ("副标题", "subtitle"),
    ("口号", "slogan"),
    ("标识", "logo"),
    ("内涵", "meaning"),
    ("内涵释义", "meaning"),
    ("理念体系", "framework"),
    ("载体", "carriers"),
    ("平台", "carriers"),
    ("亮点", "highlights"),
    ("人物", "people"),
    ("状态", "status"),
    ("honors", "honours"),
    ("honor", "honours"),
    ("category", "type"),
    ("categories", "type"),
    ("types", "type"),
    ("organization", "org"),
    ("organisation", "org"),
    ("unit", "org"),
    ("summary", "description"),
    ("source", "sources"),
    ("metric", "metrics"),
    ("image", "cover"),
    ("chapter", "chapters"),
    ("alias", "aliases"),
    ("tag", "tags"),
];

/// The known key closest to `key`, if it is close enough to be a likely typo.
pub fn suggest(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let lower = key.to_lowercase();
    if let Some((_, k)) = ALIASES.iter().find(|(a, k)| *a == lower && known.contains(k)) {
        return Some(k);
    }
    let (best, dist) = known.iter().map(|k| (*k, strsim::damerau_levenshtein(&lower, k))).min_by_key(|(_, d)| *d)?;
    // One edit for short keys (`org`), about a third of the letters for longer ones.
    (dist <= (best.chars().count() / 3).max(1)).then_some(best)
}

/// The known fields of one mapping, plus its unknown ones as `extra`.
struct Fields<'v> {
    path: String,
    known: Vec<(&'static str, &'v Value)>,
    /// Values of the site's declared fields: (index of the declaration, value).
    declared: Vec<(usize, &'v Value)>,
    extra: Extra,
}

impl<'v> Fields<'v> {
    /// Splits `map` into known keys and the rest; warns about the rest. `keeps` says whether
    /// unknown values are passed on (`extra`) or dropped (where the struct has no `extra`).
    fn read(ctx: &mut Ctx, map: &'v Mapping, path: &str, known: &[&'static str], keeps: bool) -> Self {
        Fields::read_declaring(ctx, map, path, known, &[], keeps)
    }

    /// [`Fields::read`], where the keys of `declared` (site.yaml's `fields:`) are known too.
    fn read_declaring(
        ctx: &mut Ctx,
        map: &'v Mapping,
        path: &str,
        known: &[&'static str],
        declared: &[FieldDecl],
        keeps: bool,
    ) -> Self {
        let mut f = Fields { path: path.to_string(), known: Vec::new(), declared: Vec::new(), extra: Extra::new() };
        let mut explicit_extra = None;
        for (k, val) in map {
            let key = v::key_text(k);
            match known.iter().find(|n| **n == key) {
                Some(&"extra") => explicit_extra = Some(val),
                Some(name) => f.known.push((name, val)),
                None if declared.iter().any(|d| d.key == key) => {
                    let i = declared.iter().position(|d| d.key == key).unwrap_or_default();
                    f.declared.push((i, val));
                }
                None => {
                    unknown_key(ctx, &f.child(&key), &key, known, declared, keeps);
                    if keeps {
                        f.extra.insert(key, v::to_json(val));
                    }
                }
            }
        }
        if let Some(val) = explicit_extra {
            let p = f.child("extra");
            v::merge_extra(ctx, val, &p, &mut f.extra);
        }
        f
    }

    fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`, unless absent or `null`.
    fn get(&self, key: &str) -> Option<(&'v Value, String)> {
        self.known.iter().find(|(k, val)| *k == key && !val.is_null()).map(|(k, val)| (*val, self.child(k)))
    }

    fn text(&self, ctx: &mut Ctx, key: &str) -> Option<String> {
        self.get(key).and_then(|(val, p)| v::text(ctx, val, &p))
    }

    fn list(&self, ctx: &mut Ctx, key: &str) -> Vec<String> {
        self.get(key).map(|(val, p)| v::text_list(ctx, val, &p)).unwrap_or_default()
    }

    fn bool(&self, ctx: &mut Ctx, key: &str) -> Option<bool> {
        self.get(key).and_then(|(val, p)| v::boolean(ctx, val, &p))
    }

    fn int(&self, ctx: &mut Ctx, key: &str) -> Option<i64> {
        self.get(key).and_then(|(val, p)| v::integer(ctx, val, &p))
    }

    fn year(&self, ctx: &mut Ctx, key: &str) -> Option<i32> {
        self.get(key).and_then(|(val, p)| v::year(ctx, val, &p))
    }

    /// A required text field; reports `missing-field` with an example when absent or empty.
    fn required_text(&self, ctx: &mut Ctx, key: &str, what: (&str, &str), example: &str) -> Option<String> {
        let got = self.get(key).and_then(|(val, p)| v::nonempty_text(ctx, val, &p));
        if got.is_none() && !self.reported(ctx, key) {
            let path = self.child(key);
            let expected = Text::new(format!("一段文字（{}）", what.0), format!("a string ({})", what.1));
            missing(ctx, &path, expected, example);
            if self.get(key).is_some() {
                // Present but blank (`title: ""`): say so rather than "missing".
                if let Some(d) = ctx.diags.last_mut() {
                    d.message =
                        Text::new(format!("必填字段 `{key}` 是空的"), format!("required field `{key}` is empty"));
                }
            }
        }
        got
    }

    /// Whether an error was already raised for `key` (wrong type), to avoid a second one.
    fn reported(&self, ctx: &Ctx, key: &str) -> bool {
        let p = self.child(key);
        ctx.diags
            .iter()
            .any(|d| d.is_error() && d.field.as_deref().is_some_and(|f| f == p || f.starts_with(&format!("{p}["))))
    }

    fn slug(&self, ctx: &mut Ctx) -> Option<String> {
        let (val, p) = self.get("slug")?;
        let slug = v::text(ctx, val, &p)?;
        match crate::urls::check_segment(&slug) {
            Ok(()) => Some(slug),
            Err(problem) => {
                let problem = problem.describe(&slug);
                let message =
                    Text::new(format!("slug 不可用：{}", problem.zh), format!("invalid slug: {}", problem.en));
                let d = ctx.error("invalid-slug", &p, message);
                d.expected = Some(Text::new(
                    "一个文件夹名，由字母、数字、汉字、`-` 和 `_` 组成，例如 `rang-wo-xian-lai` 或 `让我先来`",
                    "one folder name of letters, digits, Chinese, `-` and `_`, e.g. `rang-wo-xian-lai` or `让我先来`",
                ));
                d.hint = Some(Text::new(
                    "slug 是页面在 /cases/ 下的文件夹名；用连字符连接的拼音，网址短而好读",
                    "a slug names the page's folder under /cases/; pinyin with hyphens keeps addresses short and readable",
                ));
                None
            }
        }
    }

    fn aliases(&self, ctx: &mut Ctx) -> Vec<String> {
        let Some((val, p)) = self.get("aliases") else {
            return Vec::new();
        };
        let list = v::text_list(ctx, val, &p);
        let single = !matches!(val, Value::Sequence(_));
        list.into_iter()
            .enumerate()
            .filter(|(i, alias)| {
                let Err(problem) = crate::urls::alias_path(alias) else {
                    return true;
                };
                let at = if single { p.clone() } else { format!("{p}[{i}]") };
                let problem = problem.describe(alias);
                let message =
                    Text::new(format!("别名不可用：{}", problem.zh), format!("invalid alias: {}", problem.en));
                let d = ctx.error("invalid-alias", &at, message);
                d.expected = Some(Text::new(
                    "本站的一个旧路径，例如 `/old/cases/rang-wo-xian-lai/` 或 `/old/x.html`",
                    "an old path of this site, e.g. `/old/cases/rang-wo-xian-lai/` or `/old/x.html`",
                ));
                d.hint = Some(Text::new(
                    "别名是这个页面的旧网址，访问它会转到这里；不要写域名、?查询 或 #锚点",
                    "an alias is an old address of this page that should lead here; write it without the host, ?query or #fragment",
                ));
                false
            })
            .map(|(_, a)| a)
            .collect()
    }

    /// A list of items (`honours`, `metrics`, …); a single item is taken as a list of one.
    fn items(&self, key: &str) -> Vec<(&'v Value, String)> {
        match self.get(key) {
            None => Vec::new(),
            Some((Value::Sequence(items), p)) => items
                .iter()
                .enumerate()
                .filter(|(_, i)| !i.is_null())
                .map(|(i, item)| (item, format!("{p}[{i}]")))
                .collect(),
            Some((single, p)) => vec![(single, p)],
        }
    }
}

fn missing(ctx: &mut Ctx, path: &str, expected: impl Into<Text>, example: &str) {
    let key = v::last_key(path);
    let d =
        ctx.error("missing-field", path, (format!("缺少必填字段 `{key}`"), format!("missing required field `{key}`")));
    d.expected = Some(expected.into());
    d.hint =
        Some(Text::new(format!("在前言中加上 `{example}`"), format!("add it to the front matter, e.g. `{example}`")));
}

fn unknown_key(ctx: &mut Ctx, path: &str, key: &str, known: &[&'static str], declared: &[FieldDecl], keeps: bool) {
    let fate = if keeps {
        Text::new(
            format!("它的值仍以 `extra.{key}` 交给模板"),
            format!("its value is still passed to templates as `extra.{key}`"),
        )
    } else {
        Text::new("这个字段不起作用", "it is ignored")
    };
    let near_declared = || {
        let lower = key.to_lowercase();
        declared
            .iter()
            .map(|d| (d.key.as_str(), strsim::damerau_levenshtein(&lower, &d.key.to_lowercase())))
            .filter(|(k, dist)| *dist <= (k.chars().count() / 3).max(1))
            .min_by_key(|(_, dist)| *dist)
            .map(|(k, _)| k)
    };
    let hint = match suggest(key, known).or_else(near_declared) {
        Some(k) => {
            Text::new(format!("是不是要写 `{k}`？（{}）", fate.zh), format!("did you mean `{k}`? ({})", fate.en))
        }
        None => Text::new(
            format!("如果这是自己加的字段，把它放到 `extra:` 下面（{}）", fate.zh),
            format!("if this is your own field, put it under `extra:` ({})", fate.en),
        ),
    };
    let (line, col) = ctx.pos(path);
    let known: Vec<&str> = known.iter().copied().chain(declared.iter().map(|d| d.key.as_str())).collect();
    let known = known.join(", ");
    let d = crate::diagnostics::Diagnostic::warning(
        "unknown-field",
        ctx.file,
        (format!("未知字段 `{key}`"), format!("unknown field `{key}`")),
    )
    .at(line, col)
    .field(path)
    .expected((format!("以下之一：{known}"), format!("one of: {known}")))
    .hint(hint);
    ctx.diags.push(d);
}

/// The mapping at `path`, or an `invalid-type` error.
fn as_map<'v>(ctx: &mut Ctx, val: &'v Value, path: &str, example: &str) -> Option<&'v Mapping> {
    match val {
        Value::Mapping(m) => Some(m),
        Value::Tagged(t) => as_map(ctx, &t.value, path, example),
        other => {
            // A list field given one bad value (`sources: 人民网`) wants a list of maps.
            let expected = if ["honours", "metrics", "sources", "chapters"].contains(&path) {
                ("由多组 `字段: 值` 组成的列表", "a list of `key: value` maps")
            } else {
                ("一组 `字段: 值`", "a map of `key: value` pairs")
            };
            ctx.invalid_type(
                path,
                expected,
                other,
                (format!("照这样写：`{example}`"), format!("write it like `{example}`")),
            );
            None
        }
    }
}

/// A required date field.
fn required_date(ctx: &mut Ctx, f: &Fields, key: &str) -> Option<chrono::NaiveDate> {
    match f.get(key) {
        Some((val, p)) => v::date(ctx, val, &p),
        None => {
            let expected = ("YYYY-MM-DD 格式的日期", "a date YYYY-MM-DD");
            missing(ctx, &f.child(key), expected, &format!("{key}: 2021-05-01"));
            None
        }
    }
}

fn optional_date(ctx: &mut Ctx, f: &Fields, key: &str) -> Option<chrono::NaiveDate> {
    f.get(key).and_then(|(val, p)| v::date(ctx, val, &p))
}

/// `lang`: `zh-Hans` or `zh-Hant`, with the common region tags mapped onto them.
fn lang(ctx: &mut Ctx, f: &Fields) -> Lang {
    let Some(text) = f.text(ctx, "lang") else {
        return Lang::default();
    };
    match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "zh-hans" | "zh-cn" | "zh" | "zh-sg" | "zh-hans-cn" => Lang::Hans,
        "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" | "zh-hant-tw" | "zh-hant-hk" => Lang::Hant,
        _ => {
            let d = ctx.error(
                "invalid-value",
                "lang",
                (format!("未知的语言 `{text}`"), format!("unknown language `{text}`")),
            );
            d.expected = Some(Text::new("zh-Hans 或 zh-Hant", "zh-Hans or zh-Hant"));
            d.hint = Some(Text::new(
                "繁体字写的案例用 `lang: zh-Hant`；简体字的不用写",
                "`lang: zh-Hant` for a case written in Traditional script; leave it out for Simplified",
            ));
            Lang::default()
        }
    }
}

fn numbering(ctx: &mut Ctx, f: &Fields) -> Numbering {
    let Some(text) = f.text(ctx, "numbering") else {
        return Numbering::default();
    };
    match text.trim().to_ascii_lowercase().as_str() {
        "chinese" => Numbering::Chinese,
        "arabic" => Numbering::Arabic,
        _ => {
            let d = ctx.error(
                "invalid-value",
                "numbering",
                (format!("未知的编号方式 `{text}`"), format!("unknown numbering `{text}`")),
            );
            d.expected = Some(Text::new("chinese 或 arabic", "chinese or arabic"));
            d.hint = Some(Text::new(
                "`numbering: chinese` 编成“第一部分”和“一、二、”；`numbering: arabic` 编成“1. 2.”",
                "`numbering: chinese` gives 第一部分 and 一、二、; `numbering: arabic` gives 1. 2.",
            ));
            Numbering::default()
        }
    }
}

/// Front matter of a case; `declared` are the site's own fields (site.yaml `fields:`).
pub fn case(ctx: &mut Ctx, map: &Mapping, declared: &[FieldDecl]) -> Option<CaseMeta> {
    let f = Fields::read_declaring(ctx, map, "", CASE_KEYS, declared, true);
    let title = f.required_text(ctx, "title", ("标题", "title"), "title: 让我先来");
    let brand = f.required_text(ctx, "brand", ("品牌名称", "brand name"), "brand: 让我先来");
    let org = f.list(ctx, "org");
    if org.is_empty() && !f.reported(ctx, "org") {
        let expected = ("一段文字或文字列表（单位）", "a string or a list of strings (单位)");
        missing(ctx, "org", expected, "org: 珠海市财政局");
    }
    let date = required_date(ctx, &f, "date");
    let year = f.year(ctx, "year");
    let meta = CaseMeta {
        title: String::new(),
        brand: String::new(),
        org: Vec::new(),
        date: chrono::NaiveDate::default(),
        year: 0,
        slug: f.slug(ctx),
        subtitle: f.text(ctx, "subtitle"),
        description: f.text(ctx, "description"),
        types: f.list(ctx, "type"),
        region: f.list(ctx, "region"),
        level: f.list(ctx, "level"),
        sector: f.list(ctx, "sector"),
        party_org: f.text(ctx, "party_org"),
        branch: f.text(ctx, "branch"),
        tags: f.list(ctx, "tags"),
        honours: f.items("honours").into_iter().filter_map(|(val, p)| honour(ctx, val, &p)).collect(),
        metrics: f.items("metrics").into_iter().filter_map(|(val, p)| metric(ctx, val, &p)).collect(),
        sources: f.items("sources").into_iter().filter_map(|(val, p)| source(ctx, val, &p)).collect(),
        cover: f.get("cover").and_then(|(val, p)| cover(ctx, val, &p)),
        related: f.list(ctx, "related"),
        lang: lang(ctx, &f),
        featured: f.bool(ctx, "featured").unwrap_or(false),
        weight: f.int(ctx, "weight").unwrap_or(0),
        draft: f.bool(ctx, "draft").unwrap_or(false),
        aliases: f.aliases(ctx),
        identity: identity(ctx, &f),
        status: status(ctx, &f),
        fields: declared_values(ctx, &f, declared),
        extra: f.extra.clone(),
    };
    let (title, brand, date) = (title?, brand?, date?);
    if org.is_empty() {
        return None;
    }
    Some(CaseMeta { title, brand, org, date, year: year.unwrap_or_else(|| v::year_of(date)), ..meta })
}

/// The values of the site's declared fields, in declaration order.
fn declared_values(ctx: &mut Ctx, f: &Fields, declared: &[FieldDecl]) -> Vec<DeclaredValue> {
    let mut given = f.declared.clone();
    given.sort_by_key(|(i, _)| *i);
    given
        .into_iter()
        .filter_map(|(i, val)| {
            let decl = &declared[i];
            let value = super::declared::read(ctx, decl, val, &decl.key)?;
            Some(DeclaredValue { key: decl.key.clone(), value })
        })
        .collect()
}

/// The brand identity fields of a case.
fn identity(ctx: &mut Ctx, f: &Fields) -> crate::content::model::Identity {
    use crate::content::model::{Highlight, Identity, NamedText, Person};
    let named = |ctx: &mut Ctx, key: &str, example: &str| -> Vec<NamedText> {
        f.items(key)
            .into_iter()
            .filter_map(|(val, p)| {
                let g = named_item(ctx, val, &p, NAMED_TEXT_KEYS, example)?;
                let text = g.text(ctx, "text");
                Some(NamedText { name: g.name, text })
            })
            .collect()
    };
    Identity {
        slogan: f.text(ctx, "slogan"),
        logo: f.get("logo").and_then(|(val, p)| logo(ctx, val, &p)),
        meaning: f.text(ctx, "meaning"),
        framework: named(ctx, "framework", "- {name: 让我先来, text: 党员先锋的精神内核}"),
        carriers: named(ctx, "carriers", "- {name: 财政月讲堂, text: 每月一期}"),
        highlights: f
            .items("highlights")
            .into_iter()
            .filter_map(|(val, p)| {
                let g = named_item(ctx, val, &p, HIGHLIGHT_KEYS, "- {name: 红色账本, org: 预算科党支部, text: …}")?;
                let (org, text) = (g.text(ctx, "org"), g.text(ctx, "text"));
                Some(Highlight { name: g.name, org, text })
            })
            .collect(),
        people: f
            .items("people")
            .into_iter()
            .filter_map(|(val, p)| {
                let g = named_item(ctx, val, &p, PERSON_KEYS, "- {name: 张三, role: 党支部书记}")?;
                let role = g.text(ctx, "role");
                Some(Person { name: g.name, role })
            })
            .collect(),
    }
}

/// An item with a required `name`: a plain string is its name alone.
struct NamedItem<'v> {
    name: String,
    fields: Option<Fields<'v>>,
}

impl NamedItem<'_> {
    fn text(&self, ctx: &mut Ctx, key: &str) -> Option<String> {
        self.fields.as_ref().and_then(|f| f.text(ctx, key))
    }
}

fn named_item<'v>(
    ctx: &mut Ctx,
    val: &'v Value,
    path: &str,
    keys: &[&'static str],
    example: &str,
) -> Option<NamedItem<'v>> {
    if !matches!(val, Value::Mapping(_) | Value::Sequence(_) | Value::Tagged(_)) {
        return v::nonempty_text(ctx, val, path).map(|name| NamedItem { name, fields: None });
    }
    let map = as_map(ctx, val, path, example)?;
    let f = Fields::read(ctx, map, path, keys, false);
    let name = f.required_text(ctx, "name", ("名称", "the name"), "name: 让我先来");
    Some(NamedItem { name: name?, fields: Some(f) })
}

fn logo(ctx: &mut Ctx, val: &Value, path: &str) -> Option<crate::content::model::Logo> {
    use crate::content::model::Logo;
    if !matches!(val, Value::Mapping(_) | Value::Sequence(_)) {
        return v::nonempty_text(ctx, val, path).map(|src| Logo { src, ..Logo::default() });
    }
    let map = as_map(ctx, val, path, "logo: {src: logo.png, meaning: 标识由党徽和……组成}")?;
    let f = Fields::read(ctx, map, path, LOGO_KEYS, false);
    let src = f.required_text(ctx, "src", ("图片路径", "the image path"), "src: logo.png");
    Some(Logo { src: src?, alt: f.text(ctx, "alt"), meaning: f.text(ctx, "meaning") })
}

/// `status`: 存目 (listed only) or 资料不全 (material incomplete); absent for a full case.
fn status(ctx: &mut Ctx, f: &Fields) -> crate::content::model::CaseStatus {
    use crate::content::model::CaseStatus;
    let Some(text) = f.text(ctx, "status") else {
        return CaseStatus::Full;
    };
    match text.trim().to_ascii_lowercase().as_str() {
        "存目" | "listed" => CaseStatus::Listed,
        "资料不全" | "資料不全" | "incomplete" => CaseStatus::Incomplete,
        "完整" | "full" => CaseStatus::Full,
        _ => {
            let d = ctx.error(
                "invalid-value",
                "status",
                (format!("不认识的状态“{text}”"), format!("unknown status `{text}`")),
            );
            d.expected = Some(
                (
                    "存目 或 资料不全（完整的案例不写 status）",
                    "存目 (listed) or 资料不全 (incomplete); leave it out for a full case",
                )
                    .into(),
            );
            d.hint = Some(
                (
                    "只收录标题、正文待补的案例写 `status: 存目`；材料还不全的写 `status: 资料不全`",
                    "`status: 存目` for a case listed by title only; `status: 资料不全` while material is missing",
                )
                    .into(),
            );
            CaseStatus::Full
        }
    }
}

fn honour(ctx: &mut Ctx, val: &Value, path: &str) -> Option<Honour> {
    if !matches!(val, Value::Mapping(_) | Value::Sequence(_)) {
        return v::nonempty_text(ctx, val, path).map(|name| Honour { name, ..Honour::default() });
    }
    let map = as_map(ctx, val, path, "- {name: 全国先进基层党组织, year: 2021}")?;
    let f = Fields::read(ctx, map, path, HONOUR_KEYS, true);
    let name = f.get("name").and_then(|(val, p)| v::nonempty_text(ctx, val, &p));
    if name.is_none() && !f.reported(ctx, "name") {
        // `- 全国先进基层党组织: 2021` is a one-key map; most likely a colon that needed quotes.
        let example = match map.iter().next() {
            Some((k, _)) if map.len() == 1 && !HONOUR_KEYS.contains(&v::key_text(k).as_str()) => {
                let k = v::key_text(k);
                format!(
                    "name: {k}` — or, if `{k}: …` is the honour's name, put the whole item in quotes: `- \"{k}: …\""
                )
            }
            _ => "name: 全国先进基层党组织".to_string(),
        };
        missing(ctx, &f.child("name"), ("一段文字（荣誉名称）", "a string (荣誉名称)"), &example);
    }
    Some(Honour {
        name: name?,
        year: f.year(ctx, "year"),
        years: f.get("years").map(|(val, p)| v::years(ctx, val, &p)).unwrap_or_default(),
        level: f.text(ctx, "level"),
        recipient: f.text(ctx, "recipient"),
        count: f.get("count").and_then(|(val, p)| v::count(ctx, val, &p)),
        extra: f.extra,
    })
}

fn metric(ctx: &mut Ctx, val: &Value, path: &str) -> Option<Metric> {
    let map = as_map(ctx, val, path, "- {label: 服务群众, value: 3000, unit: 人次}")?;
    let f = Fields::read(ctx, map, path, METRIC_KEYS, true);
    let label = f.required_text(ctx, "label", ("指标名称", "the metric's name"), "label: 服务群众");
    let value = f.required_text(ctx, "value", ("数值，照原样保留", "the figure, kept as written"), "value: 3000");
    Some(Metric {
        label: label?,
        value: value?,
        unit: f.text(ctx, "unit"),
        qualifier: f.text(ctx, "qualifier"),
        year: f.year(ctx, "year"),
        extra: f.extra,
    })
}

fn source(ctx: &mut Ctx, val: &Value, path: &str) -> Option<Source> {
    let map = as_map(ctx, val, path, "- {title: 文章标题, publication: 机关党建研究, issue: 2021年第5期}")?;
    let f = Fields::read(ctx, map, path, SOURCE_KEYS, true);
    let credits = f.get("credits").and_then(|(val, p)| credits(ctx, val, &p)).unwrap_or_default();
    Some(Source {
        title: f.text(ctx, "title"),
        publisher: f.text(ctx, "publisher"),
        publication: f.text(ctx, "publication"),
        issue: f.text(ctx, "issue"),
        published: f.text(ctx, "published"),
        url: f.text(ctx, "url"),
        credits,
        extra: f.extra,
    })
}

fn credits(ctx: &mut Ctx, val: &Value, path: &str) -> Option<Credits> {
    let map = as_map(ctx, val, path, "credits: {editor: 张三, responsible_editor: 李四}")?;
    let f = Fields::read(ctx, map, path, CREDIT_KEYS, true);
    Some(Credits {
        editor: f.text(ctx, "editor"),
        responsible_editor: f.text(ctx, "responsible_editor"),
        extra: f.extra,
    })
}

fn cover(ctx: &mut Ctx, val: &Value, path: &str) -> Option<Cover> {
    if !matches!(val, Value::Mapping(_) | Value::Sequence(_)) {
        return v::nonempty_text(ctx, val, path).map(|src| Cover { src, ..Cover::default() });
    }
    let map = as_map(ctx, val, path, "cover: {src: cover.jpg, alt: 活动现场}")?;
    let f = Fields::read(ctx, map, path, COVER_KEYS, true);
    let src = f.required_text(ctx, "src", ("图片路径", "the image path"), "src: cover.jpg");
    Some(Cover { src: src?, alt: f.text(ctx, "alt"), caption: f.text(ctx, "caption"), extra: f.extra })
}

/// Front matter of a compilation.
pub fn compilation(ctx: &mut Ctx, map: &Mapping) -> Option<CompilationMeta> {
    let f = Fields::read(ctx, map, "", COMPILATION_KEYS, true);
    let title = f.required_text(ctx, "title", ("标题", "title"), "title: 机关党建品牌案例汇编");
    let date = required_date(ctx, &f, "date");
    let meta = CompilationMeta {
        title: String::new(),
        date: chrono::NaiveDate::default(),
        description: f.text(ctx, "description"),
        slug: f.slug(ctx),
        subtitle: f.text(ctx, "subtitle"),
        edition: f.text(ctx, "edition"),
        numbering: numbering(ctx, &f),
        lang: lang(ctx, &f),
        chapters: f.items("chapters").into_iter().filter_map(|(val, p)| chapter(ctx, val, &p)).collect(),
        draft: f.bool(ctx, "draft").unwrap_or(false),
        weight: f.int(ctx, "weight").unwrap_or(0),
        aliases: f.aliases(ctx),
        extra: f.extra.clone(),
    };
    Some(CompilationMeta { title: title?, date: date?, ..meta })
}

fn chapter(ctx: &mut Ctx, val: &Value, path: &str) -> Option<Chapter> {
    let map = as_map(ctx, val, path, "- {title: 第一部分标题, cases: [slug-a, slug-b]}")?;
    let f = Fields::read(ctx, map, path, CHAPTER_KEYS, true);
    let title = f.required_text(ctx, "title", ("章节标题", "the chapter's title"), "title: 党建引领");
    let cases = f.items("cases").into_iter().filter_map(|(val, p)| entry(ctx, val, &p)).collect();
    Some(Chapter { title: title?, intro: f.text(ctx, "intro"), cases, extra: f.extra })
}

fn entry(ctx: &mut Ctx, val: &Value, path: &str) -> Option<ChapterEntry> {
    let (line, column) = ctx.pos(path);
    let (slug, slug_path, note, numbered) = if matches!(val, Value::Mapping(_) | Value::Sequence(_)) {
        let map = as_map(ctx, val, path, "- {slug: rang-wo-xian-lai, numbered: false}")?;
        let f = Fields::read(ctx, map, path, ENTRY_KEYS, false);
        let slug = f.required_text(ctx, "slug", ("案例的 slug", "the case's slug"), "slug: rang-wo-xian-lai");
        (slug?, f.child("slug"), f.text(ctx, "note"), f.bool(ctx, "numbered").unwrap_or(true))
    } else {
        (v::nonempty_text(ctx, val, path)?, path.to_string(), None, true)
    };
    if let Err(problem) = crate::urls::check_segment(&slug) {
        let problem = problem.describe(&slug);
        let message =
            Text::new(format!("案例的 slug 不可用：{}", problem.zh), format!("invalid case slug: {}", problem.en));
        let d = ctx.error("invalid-slug", &slug_path, message);
        d.expected = Some(Text::new(
            "案例的 slug，例如 `rang-wo-xian-lai`（文件名去掉 .md）",
            "the slug of a case, e.g. `rang-wo-xian-lai` (the file name without .md)",
        ));
        d.hint = Some(Text::new(
            "只按 slug 列出案例：`cases/rang-wo-xian-lai.md` 写成 `rang-wo-xian-lai`",
            "list cases by slug only: `cases/rang-wo-xian-lai.md` is listed as `rang-wo-xian-lai`",
        ));
        return None;
    }
    Some(ChapterEntry { slug, note, numbered, line, column })
}

/// Front matter of a plain page or a section (`_index.md`); nothing is required.
pub fn page(ctx: &mut Ctx, map: &Mapping) -> PageMeta {
    let f = Fields::read(ctx, map, "", PAGE_KEYS, true);
    PageMeta {
        title: f.text(ctx, "title").unwrap_or_default(),
        date: optional_date(ctx, &f, "date"),
        description: f.text(ctx, "description"),
        slug: f.slug(ctx),
        template: f.text(ctx, "template"),
        weight: f.int(ctx, "weight").unwrap_or(0),
        draft: f.bool(ctx, "draft").unwrap_or(false),
        aliases: f.aliases(ctx),
        extra: f.extra,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("orgs", CASE_KEYS), Some("org"));
        assert_eq!(suggest("brnad", CASE_KEYS), Some("brand"));
        assert_eq!(suggest("honors", CASE_KEYS), Some("honours"));
        assert_eq!(suggest("单位", CASE_KEYS), Some("org"));
        assert_eq!(suggest("yeer", HONOUR_KEYS), Some("year"));
        assert_eq!(suggest("wechat_id", CASE_KEYS), None);
        assert_eq!(suggest("chapter", CASE_KEYS), None, "only keys known in this place");
    }
}
