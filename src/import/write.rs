//! Writing a draft case: the front matter with a `# 来自：…` comment after each guessed value
//! and a placeholder (with its line number reported) for each required field not found; the
//! slug in pinyin; the file created new, never overwriting.

use super::guess::{Fields, Guess};
use super::images::Image;
use super::metrics::Metric;
use super::syllables::syllables;
use crate::lang::Text;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A required field the editor must fill, and the line of the file to fill it in.
#[derive(Debug, Clone)]
pub struct Missing {
    pub field: &'static str,
    pub what: Text,
    pub line: usize,
}

/// The text of a case file, and what was left to fill.
#[derive(Debug)]
pub struct Draft {
    pub text: String,
    pub missing: Vec<Missing>,
}

/// A YAML string in single quotes: nothing in the article can break out of it.
fn quote(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("'{}'", one_line.replace('\'', "''"))
}

fn comment(from: &Text) -> String {
    format!("  # 来自：{}", from.zh)
}

struct Lines {
    lines: Vec<String>,
    missing: Vec<Missing>,
}

impl Lines {
    fn field(&mut self, indent: &str, key: &str, g: &Option<Guess>, value: impl Fn(&str) -> String) {
        if let Some(g) = g {
            self.lines.push(format!("{indent}{key}: {}{}", value(&g.value), comment(&g.from)));
        }
    }

    fn required(&mut self, key: &'static str, g: &Option<Guess>, placeholder: &str, what: (&str, &str)) {
        match g {
            Some(_) => self.field("", key, g, quote),
            None => {
                self.lines.push(format!("{key}: {placeholder}  # 未找到{}，请填写", what.0));
                // +1: the opening `---` is line 1.
                self.missing.push(Missing { field: key, what: Text::new(what.0, what.1), line: self.lines.len() + 1 });
            }
        }
    }
}

/// Where `metrics:` come from, for its comment and the report.
pub fn metrics_from() -> Text {
    Text::new("正文中的两列表格行与“名称：数字”行", "two-column table rows and `label: figure` lines in the text")
}

/// The case file for the fields, figures and body; `today` fills a date not found.
pub fn draft(fields: &Fields, metrics: &[Metric], body: &[String], today: &str) -> Draft {
    let mut l = Lines { lines: Vec::new(), missing: Vec::new() };
    l.required("title", &fields.title, "待填写", ("标题", "the title"));
    l.required("brand", &fields.brand, "待填写", ("品牌名称", "the brand name"));
    l.required("org", &fields.org, "待填写", ("单位名称", "the organisation"));
    match &fields.date {
        Some(g) => l.field("", "date", &Some(g.clone()), str::to_string),
        None => {
            l.lines.push(format!("date: {today}  # 未找到发布日期，暂填导入日期，请改为原文发布日期"));
            l.missing
                .push(Missing { field: "date", what: Text::new("发布日期", "the date"), line: l.lines.len() + 1 });
        }
    }
    l.field("", "description", &fields.description, quote);
    l.field("", "type", &fields.kind, quote);
    l.field("", "region", &fields.region, str::to_string);
    l.field("", "lang", &fields.hant, str::to_string);
    if !metrics.is_empty() {
        l.lines.push(format!("metrics:{}", comment(&metrics_from())));
        for m in metrics {
            // The value is digits and a point only (the pattern that found it): safe unquoted.
            l.lines.push(format!("  - {{label: {}, value: {}, unit: {}}}", quote(&m.label), m.value, quote(&m.unit)));
        }
    }
    l.lines.push("draft: true  # 导入的草稿：核对全部字段后删去此行".to_string());
    let has_source = fields.source_title.is_some() || fields.publication.is_some() || fields.url.is_some();
    if has_source {
        l.lines.push("sources:".to_string());
        let mut first = true;
        let mut item = |l: &mut Lines, key: &str, g: &Option<Guess>, value: &dyn Fn(&str) -> String| {
            if g.is_some() {
                let indent = if first { "  - " } else { "    " };
                first = false;
                l.field(indent, key, g, value);
            }
        };
        item(&mut l, "title", &fields.source_title, &quote);
        item(&mut l, "publication", &fields.publication, &quote);
        item(&mut l, "url", &fields.url, &quote);
        item(&mut l, "issue", &fields.issue, &quote);
        item(&mut l, "published", &fields.date, &str::to_string);
        if fields.editor.is_some() || fields.responsible_editor.is_some() {
            l.lines.push("    credits:".to_string());
            l.field("      ", "editor", &fields.editor, quote);
            l.field("      ", "responsible_editor", &fields.responsible_editor, quote);
        }
    }
    let mut text = String::from("---\n");
    for line in &l.lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("---\n\n");
    text.push_str(&body.join("\n\n"));
    text.push('\n');
    Draft { text, missing: l.missing }
}

/// Place names whose first reading in the dictionary is not the one the place is called.
const PLACE_READINGS: &[(&str, &str)] = &[
    ("长", "chang"),
    ("長", "chang"),
    ("重庆", "chongqing"),
    ("重慶", "chongqing"),
    ("厦门", "xiamen"),
    ("廈門", "xiamen"),
    ("六安", "luan"),
];

fn place_pinyin(place: &str) -> String {
    for (name, reading) in PLACE_READINGS {
        if let Some(rest) = place.strip_prefix(name) {
            return format!("{reading}{}", syllables(rest).concat());
        }
    }
    syllables(place).concat()
}

/// Generic endings that make an org name long without telling units apart.
const ORG_ENDINGS: &[&str] = &["委员会", "委員會", "工委", "局", "厅", "廳", "办公室", "辦公室", "委"];

/// `珠海市财政局` + `让我先来` → `zhuhai-caizheng-rang-wo-xian-lai`.
pub fn slug(org: Option<&str>, brand: Option<&str>, title: &str) -> String {
    let mut parts = Vec::new();
    if let Some(org) = org {
        let (place, rest) = match org.char_indices().find(|(i, c)| *i >= 6 && "市省县縣区區".contains(*c)) {
            Some((i, c)) => (&org[..i], &org[i + c.len_utf8()..]),
            None => ("", org),
        };
        let rest = ORG_ENDINGS.iter().find_map(|e| rest.strip_suffix(e)).unwrap_or(rest);
        if !place.is_empty() {
            parts.push(place_pinyin(place));
        }
        let mut rest = syllables(rest);
        // 市直机关, 市级机关: 市 belongs to the unit's name (shizhi-jiguan), not to the city.
        if org[place.len()..].starts_with('市') && matches!(rest.first().map(String::as_str), Some("zhi" | "ji")) {
            parts.push(format!("shi{}", rest.remove(0)));
        }
        // Two characters to a word (财政, 机关), as the demo slugs write them.
        for pair in rest.chunks(2).take(3) {
            parts.push(pair.concat());
        }
    }
    let named = brand.unwrap_or(title);
    parts.extend(syllables(named).into_iter().take(6));
    let slug = parts.join("-");
    if slug.is_empty() {
        "import".to_string()
    } else {
        slug
    }
}

/// What happened to a case file.
#[derive(Debug)]
pub enum Written {
    Created(PathBuf),
    /// This article was imported before: the file that holds it.
    AlreadyImported(PathBuf),
    /// `--dry-run`: the path it would be written to.
    WouldCreate(PathBuf),
}

/// Picks `slug.md`, `slug-2.md`… (`slug/index.md` for a case with images): a file that
/// holds the same article is named, not duplicated; a folder of that name, even without an
/// `index.md`, is taken, so no image lands among files already there.
pub fn place(cases: &Path, slug: &str, draft: &Draft, bundle: bool) -> Result<(PathBuf, bool), Text> {
    for n in 1..1000 {
        let name = if n == 1 { slug.to_string() } else { format!("{slug}-{n}") };
        let file = cases.join(format!("{name}.md"));
        let folder = cases.join(&name);
        let index = folder.join("index.md");
        let existing = [&file, &index].into_iter().find(|p| p.exists());
        match existing {
            None if bundle && folder.exists() => {}
            None => return Ok((if bundle { index } else { file }, false)),
            Some(found) => {
                if same_article(found, draft) {
                    return Ok((found.clone(), true));
                }
            }
        }
    }
    Err(Text::new("找不到可用的文件名（已有 999 个同名案例）", "no free file name (999 cases of this name exist)"))
}

/// The same article: the existing file has the same body.
fn same_article(existing: &Path, draft: &Draft) -> bool {
    let body = |t: &str| t.splitn(3, "---\n").nth(2).map(|b| b.trim().to_string());
    fs::read_to_string(existing).ok().and_then(|t| body(&t)) == body(&draft.text)
}

/// Creates the file; fails, rather than overwrite, if it appeared meanwhile.
pub fn create(path: &Path, text: &str) -> Result<(), Text> {
    let fail = |e: std::io::Error| {
        Text::new(format!("无法写入 {}：{e}", path.display()), format!("cannot write {}: {e}", path.display()))
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)
}

/// Creates the case's folder (which must be new), its images, then its `index.md`; each
/// file created new. The image names are already sanitised (no separator, no `..`).
pub fn create_bundle(index: &Path, text: &str, images: &[Image]) -> Result<(), Text> {
    let folder = index.parent().unwrap_or(Path::new("."));
    let fail = |path: &Path, e: std::io::Error| {
        Text::new(format!("无法写入 {}：{e}", path.display()), format!("cannot write {}: {e}", path.display()))
    };
    if let Some(cases) = folder.parent() {
        fs::create_dir_all(cases).map_err(|e| fail(cases, e))?;
    }
    fs::create_dir(folder).map_err(|e| fail(folder, e))?;
    for image in images {
        let path = folder.join(&image.name);
        let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| fail(&path, e))?;
        file.write_all(&image.bytes).map_err(|e| fail(&path, e))?;
    }
    create(index, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slug_is_the_pinyin_of_org_and_brand() {
        assert_eq!(slug(Some("珠海市财政局"), Some("让我先来"), ""), "zhuhai-caizheng-rang-wo-xian-lai");
        assert_eq!(
            slug(Some("长春市直机关工委"), Some("五个精准发力"), ""),
            "changchun-shizhi-jiguan-wu-ge-jing-zhun-fa-li"
        );
        assert_eq!(slug(Some("天津市級機關工委"), Some("雙示範"), ""), "tianjin-shiji-jiguan-shuang-shi-fan");
    }

    #[test]
    fn quoted_values_cannot_break_the_yaml() {
        assert_eq!(quote("a'b: #c\nd"), "'a''b: #c d'");
    }
}
