//! `xianfeng new` and `xianfeng init`: files written from commented templates.
//! Neither ever overwrites an existing file.

use crate::diagnostics::{Diagnostic, Text};
use std::fs;
use std::path::Path;

const CASE_TEMPLATE: &str = r#"---
# 必填 required ------------------------------------------------------------
title: "{title}"            # 案例标题
brand: "{brand}"            # 品牌名称
org: "{org}"            # 单位（可写列表：[市财政局, 市税务局]）
date: {date}            # 发布日期，格式 YYYY-MM-DD
draft: true                 # 草稿不发布；写完后删去这一行（xianfeng build --drafts 可预览）
# 选填 optional ------------------------------------------------------------
# subtitle: 副标题
# description: 一句话简介，显示在卡片和搜索结果里
# type: 党建工作法          # 或列表：[党建品牌, 工作机制]
# region: [广东省, 珠海市]   # 从省到市县
# level: 市级
# sector: 财政
# party_org: 某某局机关党委
# tags: [党建+业务融合, 模范机关创建]
# honours:
#   - 全市优秀党建品牌
#   - {name: 全省最具传播影响力案例, year: 2023, level: 省级}
# metrics:
#   - {label: 先锋班组, value: 33, unit: 个}
# sources:
#   - {title: 原文标题, publication: 机关党建杂志, issue: 2021年第5期, published: 2021-05-20,
#      credits: {editor: 编辑姓名, responsible_editor: 责任编辑姓名}}
# 品牌“五有”：名称、标识、内涵、载体、影响 brand identity ----------------------
# slogan: 党员先上、困难先扛          # 品牌口号
# logo: {src: logo.png, meaning: 标识释义}   # 标识（图片放在案例文件夹 cases/<slug>/ 里）
# meaning: 品牌内涵释义
# framework:                       # 理念体系
#   - {name: 思想上先学, text: 说明}
# carriers: [财政月讲堂, {name: 先锋岗, text: 说明}]   # 载体、平台
# highlights:                      # 子品牌、支部工作法
#   - {name: 子品牌名称, org: 某某党支部, text: 一句话介绍}
# people:                          # 人物
#   - {name: 姓名, role: 党支部书记}
# status: 存目                     # 或 资料不全；完整的案例不写
# related: [another-case-slug]
# featured: false
{declared}---

## 背景

**一是……。**在此写正文。

## 主要做法

## 工作成效

## 经验启示
"#;

const COMPILATION_TEMPLATE: &str = r#"---
title: "{title}"            # 汇编标题
date: {date}
description: 一句话介绍这本案例汇编
# subtitle: 副标题
# edition: 2024年版
numbering: chinese          # chinese（一、二、）或 arabic（1. 2.）
chapters:
  - title: 党建工作法
    intro: 本部分收录……
    cases:
{cases}---

在此写前言。
"#;

/// Today in the site's timezone (`timezone:`), the day the build judges "future" cases by.
fn today_in(config: &crate::config::SiteConfig) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&config.tz()).date_naive()
}

/// What `xianfeng new` puts into a case; a value not given is asked for on a terminal and
/// otherwise left as the template's placeholder (which `check` points at).
#[derive(Debug, Default, Clone)]
pub struct NewFields {
    pub title: Option<String>,
    pub brand: Option<String>,
    pub org: Option<String>,
}

/// Quotes a value for a double-quoted YAML string.
fn yaml_quoted(value: &str) -> String {
    let value: String = value.trim().chars().filter(|c| !c.is_control()).collect();
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

fn fill_case(
    slug: &str,
    fields: &NewFields,
    declared: &[crate::config::FieldDecl],
    today: chrono::NaiveDate,
) -> String {
    let title = fields.title.as_deref().unwrap_or(slug);
    CASE_TEMPLATE
        .replace("{declared}", &declared_lines(declared))
        .replace("{title}", &yaml_quoted(title))
        .replace("{brand}", &yaml_quoted(fields.brand.as_deref().unwrap_or(title)))
        .replace("{org}", &yaml_quoted(fields.org.as_deref().unwrap_or("某某市某某局")))
        .replace("{date}", &today.to_string())
}

/// The site's own fields (site.yaml `fields:`), commented out with an example of their type.
fn declared_lines(declared: &[crate::config::FieldDecl]) -> String {
    use crate::config::FieldType;
    if declared.is_empty() {
        return String::new();
    }
    let mut out = String::from("# 本站自己的字段（site.yaml 的 fields:）site's own fields -----------------\n");
    for f in declared {
        let (example, what) = match f.kind() {
            FieldType::Text => ("一段文字", "文字"),
            FieldType::List => ("[第一项, 第二项]", "列表"),
            FieldType::Number => ("0", "数字"),
            FieldType::Date => ("2021-05-01", "日期 YYYY-MM-DD"),
            FieldType::Url => ("https://www.example.gov.cn/", "网址"),
            FieldType::Map => ("{名称: 文字}", "“名称: 文字”"),
        };
        // One comment line each, whatever site.yaml holds.
        let one_line = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
        out.push_str(&format!("# {}: {example}    # {}（{what}）\n", one_line(&f.key), one_line(&f.label)));
    }
    out
}

/// A compilation whose one chapter lists the site's cases (so it builds at once), or none
/// with a comment saying how to add them.
fn fill_compilation(slug: &str, title: Option<&str>, cases: &[String], today: chrono::NaiveDate) -> String {
    let listed: String = if cases.is_empty() {
        "      []  # 还没有案例：用 xianfeng new <slug> 写一个，再把它的 slug 列在这里\n".to_string()
    } else {
        cases.iter().map(|c| format!("      - {c}\n")).collect::<String>()
            + "      # - {slug: another-slug, numbered: false, note: 存目}\n"
    };
    COMPILATION_TEMPLATE
        .replace("{title}", &yaml_quoted(title.unwrap_or(slug)))
        .replace("{date}", &today.to_string())
        .replace("{cases}", &listed)
}

/// Slugs of the site's published cases, read as the build reads them (so a `slug:`, a draft
/// or a future date count as they do there), in slug order.
fn existing_cases(site: &Path, config: &crate::config::SiteConfig) -> Vec<String> {
    let today = today_in(config);
    let loaded = crate::content::load_content(site, &config.fields, None);
    let mut slugs: Vec<String> = loaded
        .files
        .iter()
        .filter(|f| crate::site::is_published(f, false, today))
        .filter_map(crate::site::case_slug)
        .collect();
    slugs.sort();
    slugs
}

/// The build's rule for a slug (`urls::check_segment`: no `/ ? # % \\`, spaces, control
/// characters or leading `.`, at most 255 bytes), and no `..` anywhere in a name `new` writes.
fn valid_slug(slug: &str) -> bool {
    crate::urls::check_segment(slug).is_ok() && !slug.contains("..")
}

/// Writes `content/cases/<slug>.md` (or `content/compilations/<slug>.md`).
pub fn new_content(site: &Path, slug: &str, compilation: bool, fields: &NewFields) -> Result<Text, Diagnostic> {
    if !valid_slug(slug) {
        return Err(Diagnostic::error(
            "invalid-slug",
            slug,
            (format!("`{slug}` 不能用作 slug"), format!("`{slug}` cannot be a slug")),
        )
        .expected((
            "不含空格、`/`、`\\` 或 `..` 的文件名，例如 zhuhai-caizheng-rang-wo-xian-lai",
            "a file name without spaces, `/`, `\\` or `..`, e.g. zhuhai-caizheng-rang-wo-xian-lai",
        ))
        .hint(("slug 会成为网址：/cases/<slug>/", "slugs become URLs: /cases/<slug>/")));
    }
    let folder = if compilation { "compilations" } else { "cases" };
    let path = site.join("content").join(folder).join(format!("{slug}.md"));
    if path.exists() || site.join("content").join(folder).join(slug).join("index.md").exists() {
        return Err(Diagnostic::error(
            "exists",
            &path,
            (
                "用这个 slug 的文件已经存在；没有写入任何文件",
                "a file with this slug already exists; nothing was written",
            ),
        )
        .hint(("换一个 slug，或者直接编辑已有的文件", "choose another slug, or edit the existing file")));
    }
    let config = crate::config::load_config(site).0;
    let today = today_in(&config);
    let text = if compilation {
        fill_compilation(slug, fields.title.as_deref(), &existing_cases(site, &config), today)
    } else {
        fill_case(slug, fields, &config.fields, today)
    };
    write_new(&path, &text)?;
    Ok(Text::new(format!("已创建 {}", path.display()), format!("created {}", path.display())))
}

fn write_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| io_error(path, e))
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error("write", path, (format!("无法写入：{e}"), format!("could not write: {e}")))
        .hint(("检查文件夹是否存在、是否可写", "check the folder exists and is writable"))
}

const SITE_YAML: &str = r#"# xianfeng 站点配置 site configuration
title: 机关党建品牌展示
description: 一支部一特色、一单位一品牌
base_url: https://dj.example.cn     # 发布地址，可带子路径：https://host/jgdj/showcase
language: zh-CN
timezone: Asia/Shanghai
theme: default                      # 内置默认主题；themes/<name>/ 可放自定义主题
organiser: 某某市直机关工委           # 主办单位
# icp: 粤ICP备00000000号            # ICP 备案号
# police_record: 粤公网安备00000000000000号
# site_code: '0000000000'          # 网站标识码
# gov_badge:                       # 党政机关网站标识：图片放在 static/ 下
#   image: images/dzjg.png
#   url: https://bszs.conac.cn/sitename?method=show&id=…
noindex: false                      # 内网站点设为 true
search: true
markdown:
  allow_html: false
# taxonomies 默认为：单位 org、地区 region、类型 type、行业系统 sector、层级 level、年度 year、主题 tags、荣誉 honours
"#;

const SAMPLE_CASE: &str = r#"---
title: 示例单位“先锋在行动”党建工作法
brand: 先锋在行动
org: 示例单位
date: 2024-01-15
description: 以党员先锋岗为抓手，推动党建与业务深度融合。
type: 党建工作法
region: [广东省, 珠海市]
level: 市级
tags: [党建+业务融合, 先锋班组]
honours:
  - {name: 市直机关优秀党建工作法, year: 2023, level: 市级}
metrics:
  - {label: 党员先锋岗, value: 12, unit: 个}
---

## 背景

这是 `xianfeng init` 生成的示例案例，可直接修改或删除。

## 主要做法

**一是明确一个理念。**党员是机关党建的主体。

**二是建立一套机制。**以“先锋在行动”为载体，推动党建与业务同谋划、同部署。

## 工作成效

示例单位设立党员先锋岗 12 个。
"#;

const SAMPLE_COMPILATION: &str = r#"---
title: 示例案例汇编
date: 2024-02-01
description: xianfeng init 生成的示例汇编
numbering: chinese
chapters:
  - title: 党建工作法
    intro: 本部分收录示例案例。
    cases:
      - xianfeng-shili
---

这是前言：案例汇编把多个案例按部分编排，可打印为 A4 文档。
"#;

/// Creates a new site in `dir`, which must be missing or empty.
pub fn init_site(dir: &Path) -> Result<Text, Diagnostic> {
    if dir.exists() {
        let non_empty = fs::read_dir(dir).map_err(|e| io_error(dir, e))?.next().is_some();
        if non_empty {
            return Err(Diagnostic::error(
                "init-not-empty",
                dir,
                ("文件夹不是空的；没有写入任何文件", "the folder is not empty; nothing was written"),
            )
            .expected(("不存在的或空的文件夹", "a missing or empty folder"))
            .hint((
                "换一个新的文件夹名，例如 `xianfeng init my-site`",
                "choose a new folder name, e.g. `xianfeng init my-site`",
            )));
        }
    }
    let files = [
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: 机关党建品牌展示\n---\n\n欢迎访问机关党建品牌展示。\n"),
        ("content/about.md", "---\ntitle: 关于本站\n---\n\n本站展示各单位党建品牌与工作法。\n"),
        ("content/cases/xianfeng-shili.md", SAMPLE_CASE),
        ("content/compilations/shili-huibian.md", SAMPLE_COMPILATION),
        (".gitignore", "/public\n/.xianfeng\n"),
    ];
    for (rel, text) in files {
        write_new(&dir.join(rel), text)?;
    }
    let shown = dir.display();
    Ok(Text::new(
        format!("已在 {shown} 新建网站\n下一步：cd {shown} && xianfeng build"),
        format!("created a new site in {shown}\nnext: cd {shown} && xianfeng build"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_that_would_leave_the_folder_are_refused() {
        for bad in ["", "../x", "a/b", "a b", ".hidden", "a\\b"] {
            assert!(!valid_slug(bad), "{bad:?}");
        }
        assert!(valid_slug("zhuhai-caizheng"));
        assert!(valid_slug("让我先来"));
    }
}
