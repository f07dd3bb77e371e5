//! `site.yaml`: the site's settings, with defaults for everything but the title.
//!
//! A site without `site.yaml` still builds (with a warning), so a folder of cases is enough to
//! try xianfeng. Unknown keys warn like unknown front-matter keys do.

pub mod fields;

use crate::diagnostics::{line_col, Diagnostic, Text};
pub use fields::{FieldDecl, FieldType, CASE_KEYS};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    /// Absolute URL of the site root, possibly with a path: `https://host/jgdj/showcase`.
    pub base_url: String,
    pub language: String,
    pub timezone: String,
    pub theme: String,
    pub organiser: Option<String>,
    pub icp: Option<String>,
    pub police_record: Option<String>,
    /// 网站标识码, the code a government site is registered under (shown in the footer).
    pub site_code: Option<String>,
    /// 党政机关网站标识: the red badge, a local image linking to the site's registration page.
    pub gov_badge: Option<GovBadge>,
    pub noindex: bool,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub search: bool,
    pub markdown: MarkdownConfig,
    /// The site's own case fields, in the order the case page shows them (see [`fields`]).
    pub fields: Vec<FieldDecl>,
    /// Cases per list page (term pages, /cases/).
    pub paginate: usize,
    /// Cards per page of the brand gallery.
    pub paginate_brands: usize,
    /// Entries in atom.xml.
    pub feed_limit: usize,
    /// Whether each compilation is also typeset as a PDF (`/compilations/<slug>/<slug>.pdf`).
    pub pdf: bool,
    /// The look of those PDFs.
    pub pdf_style: PdfStyle,
    /// Font families the PDFs prefer, per role, before the built-in choices.
    pub pdf_fonts: PdfFonts,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `pdf_style:` of site.yaml.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PdfStyle {
    /// A4 booklet in the theme's colours.
    #[default]
    Booklet,
    /// 公文-like after GB/T 9704-2012: 3号仿宋, 22 lines of 28 characters.
    Gbt9704,
}

/// `pdf_fonts:` of site.yaml: family names per role, each a name or a list of names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PdfFonts {
    /// The text (宋体, 仿宋).
    #[serde(deserialize_with = "one_or_many")]
    pub body: Vec<String>,
    /// Chapter and case headings (黑体).
    #[serde(deserialize_with = "one_or_many")]
    pub heading: Vec<String>,
    /// Subheadings and notes (楷体).
    #[serde(deserialize_with = "one_or_many")]
    pub kai: Vec<String>,
    /// The cover title (小标宋).
    #[serde(deserialize_with = "one_or_many")]
    pub title: Vec<String>,
}

/// `body: 仿宋` or `body: [仿宋, 宋体]`.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(name) => vec![name],
        OneOrMany::Many(names) => names,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// The front-matter field and URL segment: `org`, `region`, `tags`.
    pub key: String,
    /// Display name: 单位, 地区, 主题.
    pub name: String,
}

/// The 党政机关网站标识 badge: an image of the site's own `static/` folder (no outside script
/// or image: intranet sites are offline) and the address it links to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GovBadge {
    /// Path under `static/`: `images/dzjg.png`.
    pub image: String,
    /// The registration page the badge opens (the 开办者 record of the site).
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarkdownConfig {
    pub allow_html: bool,
}

/// The taxonomies a site has unless site.yaml lists its own.
pub const DEFAULT_TAXONOMIES: [(&str, &str); 8] = [
    ("org", "单位"),
    ("region", "地区"),
    ("type", "类型"),
    ("sector", "行业系统"),
    ("level", "层级"),
    ("year", "年度"),
    ("tags", "主题"),
    ("honours", "荣誉"),
];

/// Front-matter fields that can be taxonomies.
pub const TAXONOMY_FIELDS: [&str; 8] = ["org", "region", "type", "sector", "level", "year", "tags", "honours"];

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "机关党建品牌展示".into(),
            description: String::new(),
            base_url: "http://127.0.0.1:1111".into(),
            language: "zh-CN".into(),
            timezone: "Asia/Shanghai".into(),
            theme: "default".into(),
            organiser: None,
            icp: None,
            police_record: None,
            site_code: None,
            gov_badge: None,
            noindex: false,
            taxonomies: DEFAULT_TAXONOMIES
                .iter()
                .map(|(key, name)| TaxonomyConfig { key: key.to_string(), name: name.to_string() })
                .collect(),
            search: true,
            markdown: MarkdownConfig::default(),
            fields: Vec::new(),
            paginate: 30,
            paginate_brands: 120,
            feed_limit: 30,
            pdf: true,
            pdf_style: PdfStyle::default(),
            pdf_fonts: PdfFonts::default(),
            extra: Default::default(),
        }
    }
}

impl SiteConfig {
    /// `https://host/showcase` (no trailing slash).
    pub fn base_url_trimmed(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// The path part of base_url, without trailing slash: `""` or `"/showcase"`.
    pub fn base_path(&self) -> String {
        let url = self.base_url_trimmed();
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].trim_end_matches('/').to_string(),
            None => String::new(),
        }
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// The taxonomies of the site: those of `taxonomies:`, then the declared fields with
    /// `facet: true`, as (key, name).
    pub fn all_taxonomies(&self) -> impl Iterator<Item = (&str, &str)> {
        let listed = self.taxonomies.iter().map(|t| (t.key.as_str(), t.name.as_str()));
        listed.chain(self.fields.iter().filter(|f| f.facet).map(|f| (f.key.as_str(), f.label.as_str())))
    }

    /// The declaration of the site's field `key`, if it declares one.
    pub fn field(&self, key: &str) -> Option<&FieldDecl> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// Reads `SITE/site.yaml` (or `site.yml`). Returns the config and any diagnostics.
pub fn load_config(site_root: &Path) -> (SiteConfig, Vec<Diagnostic>) {
    let Some(path) = ["site.yaml", "site.yml"].iter().map(|n| site_root.join(n)).find(|p| p.exists()) else {
        let warning = Diagnostic::warning(
            "missing-config",
            "site.yaml",
            ("没有 site.yaml：按默认设置构建", "no site.yaml: building with default settings"),
        )
        .hint((
            "运行 `xianfeng init` 得到一份带注释的 site.yaml，或自己建一个，至少写上 `title:`",
            "run `xianfeng init` for a commented site.yaml, or create one with at least `title:`",
        ));
        return (SiteConfig::default(), vec![warning]);
    };
    let rel = PathBuf::from(path.file_name().unwrap_or_default());
    if !path.is_file() {
        let name = rel.display();
        let d =
            Diagnostic::error("unreadable-config", &rel, (format!("{name} 不是文件"), format!("{name} is not a file")))
                .hint((
                    "site.yaml 必须是 content/ 旁边的一个设置文本文件；删掉这个文件夹或给它改名",
                    "site.yaml must be a text file of settings beside content/; remove or rename the folder",
                ));
        return (SiteConfig::default(), vec![d]);
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(
                "unreadable-config",
                rel,
                (format!("无法读取网站设置：{e}"), format!("cannot read site configuration: {e}")),
            )
            .hint(("site.yaml 必须是 UTF-8 编码的文本文件", "site.yaml must be a UTF-8 text file"));
            return (SiteConfig::default(), vec![d]);
        }
    };
    parse_config(&text, &rel)
}

/// Parses site.yaml text; errors carry the line and column in site.yaml.
pub fn parse_config(text: &str, rel: &Path) -> (SiteConfig, Vec<Diagnostic>) {
    let text = text.trim_start_matches('\u{feff}');
    let doc = match crate::yaml::parse_keyed(text, 1) {
        Ok(doc) if doc.value.is_null() => return (SiteConfig::default(), vec![]),
        Ok(doc) => doc,
        Err(e) => {
            let cause = &e.message;
            let d =
                Diagnostic::error("config", rel, (format!("site.yaml 有误：{cause}"), format!("site.yaml: {cause}")))
                    .at(e.line, e.column)
                    .hint(e.duplicate_key.as_deref().map_or_else(syntax_hint, crate::yaml::given_twice_hint));
            return (SiteConfig::default(), vec![d]);
        }
    };
    match crate::yaml::de::from_document::<SiteConfig>(&doc) {
        Ok(config) => {
            let diagnostics = validate(&config, &doc.scanned, rel);
            (config, diagnostics)
        }
        Err(e) => {
            let (line, column) = e.position(&doc.scanned);
            let message = e.to_string();
            let cause = message.as_str();
            let mut d =
                Diagnostic::error("config", rel, (format!("site.yaml 有误：{cause}"), format!("site.yaml: {cause}")))
                    .at(line, column);
            if let Some(field) = unknown_field_name(&message) {
                // Inside a `fields:` entry serde lists the declaration's keys instead.
                let in_decl = message.contains("expected one of `key`");
                let names: &[&'static str] = if in_decl { &fields::DECL_KEYS } else { &KNOWN_SETTINGS };
                let known = names.join(", ");
                let closest = closest_setting(field, names);
                d = d.field(field).hint((
                    format!(
                        "可用的设置：{known}{}",
                        closest.map(|s| format!("（是不是要写 `{s}`？）")).unwrap_or_default()
                    ),
                    format!(
                        "known settings: {known}{}",
                        closest.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
                    ),
                ));
            }
            (SiteConfig::default(), vec![d])
        }
    }
}

fn validate(config: &SiteConfig, scanned: &crate::yaml::Scanned, rel: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A setting's key (line, 1), as for an unknown setting; 1:1 when it is not written.
    let at = |key: &str| scanned.keys.get(key).copied().unwrap_or((1, 1));
    if let Err(problem) = crate::urls::check_base_url(&config.base_url) {
        let (l, c) = at("base_url");
        out.push(base_url_error(problem, rel, "config").at(l, c).field("base_url"));
    }
    if config.timezone.parse::<chrono_tz::Tz>().is_err() {
        let (l, c) = at("timezone");
        out.push(
            Diagnostic::error(
                "config",
                rel,
                (format!("未知的时区 `{}`", config.timezone), format!("unknown timezone `{}`", config.timezone)),
            )
            .at(l, c)
            .field("timezone")
            .expected(("IANA 时区名", "an IANA timezone name"))
            .hint(("国内的网站一般写 `timezone: Asia/Shanghai`", "most sites want `timezone: Asia/Shanghai`")),
        );
    }
    for t in &config.taxonomies {
        if !TAXONOMY_FIELDS.contains(&t.key.as_str()) {
            let (l, c) = at("taxonomies");
            out.push(
                Diagnostic::error(
                    "config",
                    rel,
                    (format!("未知的分类 `{}`", t.key), format!("unknown taxonomy `{}`", t.key)),
                )
                .at(l, c)
                .field("taxonomies")
                .expected((
                    format!("以下之一：{}", TAXONOMY_FIELDS.join(", ")),
                    format!("one of {}", TAXONOMY_FIELDS.join(", ")),
                ))
                .hint((
                    "分类按案例前言里的某个字段把案例归类；自己的字段要做分类，在 `fields:` 里声明它并写上 `facet: true`",
                    "a taxonomy groups cases by one of their front-matter fields; to group by a field of your own, declare it under `fields:` with `facet: true`",
                )),
            );
        }
    }
    if let Some(badge) = &config.gov_badge {
        out.extend(gov_badge_problems(badge, rel, at("gov_badge")));
    }
    out.extend(fields::validate(&config.fields, scanned, rel));
    for (key, value) in [("paginate", config.paginate), ("paginate_brands", config.paginate_brands)] {
        if value == 0 {
            let (l, c) = at(key);
            let message = (format!("`{key}` 至少是 1"), format!("{key} must be at least 1"));
            out.push(
                Diagnostic::error("config", rel, message)
                    .at(l, c)
                    .field(key)
                    .hint((format!("每页显示几条，例如 `{key}: 12`"), format!("how many per page, e.g. `{key}: 12`"))),
            );
        }
    }
    out
}

/// The badge's image must be the site's own (a path under `static/`, not an outside address
/// or one climbing out), and its link an http(s) address the URL sanitiser accepts.
fn gov_badge_problems(badge: &GovBadge, rel: &Path, (line, column): (usize, usize)) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let image = badge.image.trim_start_matches('/');
    let local = !image.is_empty()
        && !image.contains("://")
        && !image.starts_with("//")
        && image.split('/').all(|s| !s.is_empty() && s != "..")
        && crate::urls::check(image).is_ok();
    if !local {
        out.push(
            Diagnostic::error(
                "config",
                rel,
                (
                    format!("标识图片 `{}` 不是本站的文件", badge.image),
                    format!("the badge image `{}` is not a file of the site", badge.image),
                ),
            )
            .at(line, column)
            .field("gov_badge.image")
            .expected(("static/ 下的路径，例如 `images/dzjg.png`", "a path under static/, such as `images/dzjg.png`"))
            .hint((
                "把标识图片下载后放进 static/ 文件夹；内网站点打不开外部图片和脚本",
                "download the badge image into static/: intranet sites cannot load outside images or scripts",
            )),
        );
    }
    let url = badge.url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) || crate::urls::check(url).is_err() {
        out.push(
            Diagnostic::error(
                "config",
                rel,
                (format!("标识链接 `{url}` 有误"), format!("the badge link `{url}` is not valid")),
            )
            .at(line, column)
            .field("gov_badge.url")
            .expected(("以 https:// 开头的网址", "an address starting with https://"))
            .hint((
                "填写网站标识管理机构给本站的查询网址（开办者信息页）",
                "give the address of the site's record that the registration body issued",
            )),
        );
    }
    out
}

/// Line and column of a top-level setting in site.yaml text (1:1 when it is not written).
pub fn setting_position(text: &str, key: &str) -> (usize, usize) {
    let text = text.trim_start_matches('\u{feff}');
    if text.starts_with(&format!("{key}:")) {
        return (1, 1);
    }
    text.find(&format!("\n{key}:")).map_or((1, 1), |i| line_col(text, i + 1))
}

/// The error for a base_url that [`crate::urls::check_base_url`] refuses, in site.yaml or
/// given with `--base-url` (code `base-url`, a usage error).
pub fn base_url_error(problem: Text, file: &Path, code: &'static str) -> Diagnostic {
    Diagnostic::error(code, file, (format!("base_url 有误：{}", problem.zh), format!("base_url {}", problem.en)))
        .expected((
            "完整的网址，例如 https://dj.example.cn 或 https://host/jgdj/showcase",
            "an absolute URL such as https://dj.example.cn or https://host/jgdj/showcase",
        ))
        .hint((
            "订阅、站点地图和规范链接都要用完整的网址；路径部分（/jgdj/showcase）会保留在每个链接里",
            "feeds, the sitemap and canonical links need the full address; the path part (/jgdj/showcase) is kept for every link",
        ))
}

/// The hint for a YAML syntax error in site.yaml (other than a setting given twice).
fn syntax_hint() -> Text {
    Text::new(
        "检查这一行和上一行的引号、括号和缩进；设置写成一行一个 `名称: 值`，用空格缩进",
        "check quotes, brackets and indentation on this line and the one above; settings are `name: value` lines, \
         indented with spaces",
    )
}

fn unknown_field_name(message: &str) -> Option<&str> {
    // `unknown field `x``, or `fields[0]: unknown field `x`` inside a list.
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    rest.split('`').next()
}

/// Every setting site.yaml takes, for the hint of an unknown one.
const KNOWN_SETTINGS: [&str; 23] = [
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "theme",
    "organiser",
    "icp",
    "police_record",
    "site_code",
    "gov_badge",
    "noindex",
    "taxonomies",
    "search",
    "markdown",
    "fields",
    "paginate",
    "paginate_brands",
    "feed_limit",
    "pdf",
    "pdf_style",
    "pdf_fonts",
    "extra",
];

fn closest_setting(name: &str, known: &[&'static str]) -> Option<&'static str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_the_url_path_without_trailing_slash() {
        let mut c = SiteConfig { base_url: "https://host/jgdj/showcase/".into(), ..Default::default() };
        assert_eq!(c.base_path(), "/jgdj/showcase");
        c.base_url = "https://host".into();
        assert_eq!(c.base_path(), "");
        c.base_url = "https://host/".into();
        assert_eq!(c.base_path(), "");
    }

    #[test]
    fn unknown_setting_names_the_closest_known_one() {
        let (_, ds) = parse_config("title: x\nbase_ur: https://a.cn\n", Path::new("site.yaml"));
        assert_eq!(ds.len(), 1);
        assert_eq!((ds[0].line, ds[0].field.as_deref()), (2, Some("base_ur")));
        assert!(
            ds[0].hint.as_ref().map(|t| t.en.as_str()).unwrap().contains("did you mean `base_url`"),
            "{:?}",
            ds[0].hint
        );
    }

    #[test]
    fn a_setting_given_twice_is_an_error_at_the_second() {
        let (_, ds) = parse_config("title: x\nbase_url: https://a.cn\ntitle: y\n", Path::new("site.yaml"));
        assert_eq!((ds.len(), ds[0].line, ds[0].column), (1, 3, 1), "{ds:?}");
        assert!(ds[0].hint.as_ref().unwrap().en.starts_with("`title` is given twice"), "{:?}", ds[0].hint);
        let (config, ds) = parse_config("# 只有注释\n", Path::new("site.yaml"));
        assert!(ds.is_empty() && config.title == SiteConfig::default().title, "{ds:?}");
    }

    #[test]
    fn relative_base_url_is_an_error_with_its_line() {
        let (_, ds) = parse_config("title: x\nbase_url: showcase\n", Path::new("site.yaml"));
        assert_eq!(ds[0].field.as_deref(), Some("base_url"));
        assert_eq!(ds[0].line, 2);
    }
}
