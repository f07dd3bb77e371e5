//! Snapshot of a representative case document: headings, lists, table, footnote, code, bold lead
//! sentences, Traditional text and an `@/` link. Review changes to the `.snap` files by eye.

use std::path::Path;
use xianfeng::markdown::{render, LinkResolver, MarkdownOptions, ResolvedLink};

const CASE: &str = r#"# “让我先来”工作法

珠海市财政局机关党委聚焦**“让我先来”**品牌，推动党建和业务深度融合。

## 一、主要做法

**一是明确一个理念。**机关党建的主体是全体党员，*关键在于*落实。
**二是建立一套机制。**每月开展“三会一课”，详见[相关案例](@/cases/x.md#主要做法)。

1. 建立“党员先锋岗”；
2. 推行**《工作清单》**制度[^1]；
3. ~~旧做法~~已废止。

### （一）數據統計

| 指标 | 2023年 | 2024年 |
| :--- | :---: | ---: |
| 党员人数 | 120 | 135 |
| 志愿服务（小时） | 3,200 | 4,100 |

### （二）系統配置 {#config}

```yaml
title: 让我先来
year: 2024
```

> **黨建引領，業務發展。**這是**「讓我先來」**工作法的核心。

![党员志愿服务队合影](images/team.jpg)

## 二、取得成效

成效显著，参见[人民网](http://www.people.com.cn/)报道。

[^1]: 来源：《珠海特区报》2024年第3期。
"#;

struct Site;

impl LinkResolver for Site {
    fn resolve(&self, dest: &str, _is_image: bool) -> Result<ResolvedLink, xianfeng::lang::Text> {
        match dest.strip_prefix("@/") {
            Some(rest) => {
                let (path, anchor) = rest.split_once('#').unwrap_or((rest, ""));
                let anchor = (!anchor.is_empty()).then(|| anchor.to_owned());
                let url = format!("/cases/x/{}", anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default());
                Ok(ResolvedLink { url, internal: Some((path.to_owned(), anchor)), picture: None })
            }
            None => Ok(ResolvedLink { url: dest.to_owned(), internal: None, picture: None }),
        }
    }
}

#[test]
fn case_document() {
    let r = render(CASE, &MarkdownOptions::default(), &Site, Path::new("content/cases/rang-wo-xian-lai.md"), 8);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    insta::assert_snapshot!("case_html", r.html);
    insta::assert_snapshot!("case_toc", serde_json::to_string_pretty(&r.toc).unwrap());
    insta::assert_snapshot!("case_text", r.text);
    let meta = format!(
        "heading_ids: {:?}\ninternal_links: {}\nhas_code: {}",
        r.heading_ids,
        serde_json::to_string(&r.internal_links).unwrap(),
        r.has_code
    );
    insta::assert_snapshot!("case_meta", meta);
}
