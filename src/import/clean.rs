//! Cleaning an article's lines: page chrome (breadcrumbs, 浏览次数, 分享到, 上一篇…) is
//! dropped, the facts some chrome lines carry (日期, 来源, 编辑) are kept as [`Fact`]s, repeated
//! copies of the text or of a paragraph are dropped, pinyin annotations (`創(chuàng)新`) are
//! removed, and the structure is marked: section lines become `##` headings, `一是…。`
//! leads become bold.

use crate::lang::Text;
use regex::Regex;
use std::collections::HashSet;

/// A value found in the article, with where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub field: &'static str,
    pub value: String,
    pub from: Text,
}

/// An article after cleaning.
#[derive(Debug, Default)]
pub struct Cleaned {
    /// The first line, when it reads as a title (short, not a sentence).
    pub title: Option<String>,
    /// Markdown paragraphs and headings, in order.
    pub blocks: Vec<String>,
    pub facts: Vec<Fact>,
}

/// The patterns, compiled once per run.
pub struct Rules {
    chrome: Regex,
    pinyin: Regex,
    pub_date: Regex,
    labelled_date: Regex,
    source: Regex,
    issue: Regex,
    breadcrumb_issue: Regex,
    credit: Regex,
    known_heading: Regex,
    numbered_heading: Regex,
    lead: Regex,
    inner_lead: Regex,
    ascii_punct: Regex,
    quote_space: Regex,
}

impl Default for Rules {
    fn default() -> Self {
        let re = |p: &str| Regex::new(p).expect("a valid pattern");
        Rules {
            chrome: re(concat!(
                r"首页\s*[>＞›»]|首頁\s*[>＞›»]|浏览次数|瀏覽次數|阅读次数|閱讀次數|字号[:：]?\s*[\[【]|字號[:：]?\s*[\[【]",
                r"|分享到|上一篇|下一篇|投稿邮箱|投稿郵箱|我已经到底线啦|我已經到底線啦|暂时没有评论|暫時沒有評論",
                r"|版权所有|版權所有|ICP备|ICP備|公网安备|公網安備|转载请注明|轉載請注明|扫一扫|掃一掃|返回顶部|返回頂部",
                r"|^[\s•·\-—|]*(关闭|關閉|打印|【打印】|【关闭】|收藏|顶部|TOP)?[\s•·\-—|]*$"
            )),
            pinyin: re(r"(\p{Han})\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+)\)"),
            pub_date: re(r"^\s*(\S{2,16})\s+(\d{4})-(\d{1,2})-(\d{1,2})(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$"),
            labelled_date: re(
                r"(日期|发布时间|發布時間|发布日期|發布日期|时间|時間)[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})",
            ),
            source: re(r"^\s*[(（]?\s*(来源|來源|稿源)[:：]\s*(.+?)\s*[)）]?\s*$"),
            issue: re(r"(\d{4})\s*年\s*第\s*(\d{1,2})\s*期"),
            breadcrumb_issue: re(r"[>＞›»]\s*([^>＞›»]{2,20}?)\s*[>＞›»]\s*(\d{4}\s*年\s*第\s*\d{1,2}\s*期)"),
            credit: re(r"(责任编辑|責任編輯|编辑|編輯|作者|审核|審核|签发|簽發|送签|送簽)\s*[:：]\s*([^\s()（）:：]+)"),
            known_heading: re(concat!(
                r"^(作品背景|背景|基本情况|基本情況|作品的创新点|作品的創新點|创新点|創新點|主要做法|工作成效|取得成效",
                r"|经验启示|經驗啟示|经验做法|經驗做法|工作背景|实施效果|實施效果|案例简介|案例簡介|主要成效)[:：]?$"
            )),
            // 一、…, （一）…, 第一部分：…, and 实招一：… / 举措二：… as news features number them.
            numbered_heading: re(concat!(
                r"^(?:[一二三四五六七八九十]{1,3}[、.．]|（[一二三四五六七八九十]{1,3}）",
                r"|(?:第[一二三四五六七八九十]{1,3}[部分章节个条]{0,2}|\p{Han}{1,3}[一二三四五六七八九十]{1,2})[：:、])\S"
            )),
            // After a Chinese character or closing quote, before one, an opening quote or the end.
            // A figure after the mark (转型,2018年) or a percentage before it (13.13%,其中) too.
            ascii_punct: re(r"([\p{Han}”》）%])([,;:!?])\s?([\p{Han}“”《》（）\d]|$)"),
            // Chinese sets no space before an opening quote or after a closing one (深入 “三大攻坚战”).
            quote_space: re(r"(\p{Han}|[，。；：！？、])[ \t]+([“《（])|([”》）])[ \t]+(\p{Han})"),
            inner_lead: re(r"([。；！？])([一二三四五六七八九十]{1,2}是[^。！？，,；;]{1,30}[。！？])"),
            lead: re(r"^((?:[一二三四五六七八九十]{1,2}是|\d{1,2}[.．、])[^。！？]{1,40}?[。！？])(.)"),
        }
    }
}

/// Cleans the lines of a text article (or of Markdown converted from HTML).
pub fn clean(rules: &Rules, text: &str) -> Cleaned {
    let mut out = Cleaned::default();
    let mut seen = HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = rules.pinyin.replace_all(raw, "$1");
        let line = line.trim().trim_start_matches('\u{3000}').trim();
        if line.is_empty() {
            continue;
        }
        // A table's rows and a list's items stay one block: the separator row `| --- |` and
        // an item repeated in another list are neither chrome nor a repeat.
        if let Some(kind) = row_kind(line) {
            let item_is_chrome = kind == RowKind::List
                && (take_facts(rules, line, line_no, &mut out.facts) || rules.chrome.is_match(line));
            if item_is_chrome {
                continue;
            }
            match out.blocks.last_mut() {
                Some(last) if row_kind(last.lines().last().unwrap_or("")) == Some(kind) => {
                    last.push('\n');
                    last.push_str(line);
                }
                _ => out.blocks.push(line.to_string()),
            }
            continue;
        }
        // An image the reader placed (`![alt](name)`) is neither chrome, title nor a heading.
        if is_image_line(line) {
            out.blocks.push(line.to_string());
            continue;
        }
        if take_facts(rules, line, line_no, &mut out.facts) || rules.chrome.is_match(line) {
            continue;
        }
        let line = &*full_width(rules, line);
        // A second copy of the whole text, or of one paragraph, adds nothing.
        if !seen.insert(normalise(line)) {
            continue;
        }
        // A picture before the headline (a Word file's banner) does not stop it being the title.
        let only_images = out.blocks.iter().all(|b| is_image_line(b));
        if out.title.is_none() && only_images && reads_as_title(line) {
            out.title = Some(line.trim_start_matches('#').trim().to_string());
            continue;
        }
        out.blocks.push(structure(rules, line));
    }
    out
}

/// ASCII punctuation between Chinese characters (`财政,党建`, `能动性!珠海`), as many sites and
/// converters leave it, in the full-width forms Chinese text is set in; URLs and figures, with
/// no Chinese on both sides, are left alone.
fn full_width(rules: &Rules, line: &str) -> String {
    // Twice: a match takes the character after the mark, which may precede the next mark (甲,乙,丙).
    let once = widen(rules, line);
    let twice = widen(rules, &once);
    rules.quote_space.replace_all(&twice, "$1$2$3$4").into_owned()
}

fn widen(rules: &Rules, line: &str) -> String {
    rules
        .ascii_punct
        .replace_all(line, |c: &regex::Captures| {
            let wide = match &c[2] {
                "," => '，',
                ";" => '；',
                ":" => '：',
                "!" => '！',
                "?" => '？',
                _ => return c[0].to_string(),
            };
            format!("{}{wide}{}", &c[1], &c[3])
        })
        .into_owned()
}

/// Table rows and list items, whose lines belong together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Table,
    List,
}

fn row_kind(line: &str) -> Option<RowKind> {
    let line = line.trim_start();
    if line.starts_with('|') && line.trim_end().ends_with('|') && line.len() > 2 {
        Some(RowKind::Table)
    } else if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) && line.chars().count() > 2 {
        Some(RowKind::List)
    } else {
        None
    }
}

fn is_image_line(line: &str) -> bool {
    line.starts_with("![") && line.ends_with(')') && !line[2..].contains("![")
}

/// Whitespace and punctuation differences do not make a paragraph new.
fn normalise(line: &str) -> String {
    line.chars().filter(|c| !c.is_whitespace() && *c != '*' && *c != '#').collect()
}

fn reads_as_title(line: &str) -> bool {
    let n = line.chars().count();
    (4..=60).contains(&n) && !line.ends_with(['。', '；', ';', '：', ':']) && !line.starts_with(['-', '*', '>'])
}

/// Takes the facts a chrome line carries (a date, the source, the editors); true when the line
/// was only such facts and is no part of the text.
fn take_facts(rules: &Rules, line: &str, line_no: usize, facts: &mut Vec<Fact>) -> bool {
    let short = line.chars().count() <= 80;
    let at = |what: &str, en: &str| {
        let quoted: String = line.chars().take(30).collect();
        Text::new(format!("第 {line_no} 行{what}“{quoted}”"), format!("line {line_no}{en} `{quoted}`"))
    };
    if let Some(c) = rules.pub_date.captures(line).filter(|c| !c[1].ends_with([':', '：'])) {
        facts.push(Fact { field: "publication", value: c[1].to_string(), from: at("", "") });
        facts.push(Fact { field: "date", value: ymd(&c[2], &c[3], &c[4]), from: at("", "") });
        return true;
    }
    let mut found = false;
    // 首页 > 党建研究 > 机关党建杂志 > 2016年第9期 > …: the magazine and its issue.
    if let Some(issue) = rules.chrome.is_match(line).then(|| rules.breadcrumb_issue.captures(line)).flatten() {
        facts.push(Fact {
            field: "publication",
            value: issue[1].trim().to_string(),
            from: at("（栏目路径）", " (breadcrumbs)"),
        });
        facts.push(Fact {
            field: "issue",
            value: issue[2].trim().to_string(),
            from: at("（栏目路径）", " (breadcrumbs)"),
        });
        return true;
    }
    if short {
        if let Some(c) = rules.labelled_date.captures(line) {
            facts.push(Fact { field: "date", value: ymd(&c[2], &c[3], &c[4]), from: at("", "") });
            found = true;
        }
        if let Some(c) = rules.source.captures(line) {
            let named = &c[2];
            if let Some(issue) = rules.issue.find(named) {
                facts.push(Fact { field: "issue", value: issue.as_str().to_string(), from: at("", "") });
            }
            let publication = rules.issue.replace(named, "");
            let publication = publication.trim().trim_start_matches('《').trim_end_matches('》').trim();
            if !publication.is_empty() {
                facts.push(Fact { field: "publication", value: publication.to_string(), from: at("", "") });
            }
            found = true;
        }
        for c in rules.credit.captures_iter(line) {
            let field = match &c[1] {
                "责任编辑" | "責任編輯" => "responsible_editor",
                "编辑" | "編輯" => "editor",
                // 作者, 审核, 签发 have no field in the schema; the line still goes.
                _ => continue,
            };
            let name = c[2].trim_end_matches(['）', ')']).to_string();
            facts.push(Fact { field, value: name, from: at("", "") });
            found = true;
        }
        if !found && rules.credit.is_match(line) {
            found = true;
        }
    }
    found
}

fn ymd(y: &str, m: &str, d: &str) -> String {
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    format!("{}-{:02}-{:02}", y, n(m), n(d))
}

/// A section line becomes a `##` heading; a `一是…。` lead becomes bold.
fn structure(rules: &Rules, line: &str) -> String {
    if line.starts_with('#') || line.starts_with("- ") || line.starts_with("* ") || line.starts_with('|') {
        return line.to_string();
    }
    let n = line.chars().count();
    let bare = line.trim_end_matches([':', '：']);
    let sentence = line.contains(['。', '！', '？', '；']);
    if rules.known_heading.is_match(line) || (rules.numbered_heading.is_match(line) && n <= 40 && !sentence) {
        return format!("## {bare}");
    }
    if line.ends_with([':', '：']) && n <= 24 {
        return format!("## {bare}");
    }
    let line = match rules.lead.captures(line) {
        Some(c) => {
            let lead = c.get(1).map_or("", |m| m.as_str());
            format!("**{lead}**{}", &line[lead.len()..])
        }
        None => line.to_string(),
    };
    // 一是…。二是…。 inside a paragraph: each lead that is a whole short sentence.
    rules.inner_lead.replace_all(&line, "$1**$2**").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_punctuation_in_chinese_text_is_made_full_width() {
        let c = clean(
            &Rules::default(),
            "示例标题文字\n发挥党员能动性!珠海市财政局,让我先来;甲,乙,丙;一是:见 https://a.cn/x?y=1,2。\n促转型,2018年增长13.13%,其中1,000元。\n深入 “三大攻坚战” 一线,怎样了啊?”",
        );
        assert_eq!(
            c.blocks,
            [
                "发挥党员能动性！珠海市财政局，让我先来；甲，乙，丙；一是：见 https://a.cn/x?y=1,2。",
                "促转型，2018年增长13.13%，其中1,000元。",
                "深入“三大攻坚战”一线，怎样了啊？”"
            ]
        );
    }

    #[test]
    fn a_table_and_a_list_stay_whole() {
        let c = clean(
            &Rules::default(),
            "示例标题文字\n| 指标 | 数量 |\n| --- | --- |\n| 党员 | 30 |\n\n- 要点\n- 要点二\n\n正文。\n\n- 要点",
        );
        assert_eq!(c.blocks, ["| 指标 | 数量 |\n| --- | --- |\n| 党员 | 30 |", "- 要点\n- 要点二", "正文。", "- 要点"]);
    }

    #[test]
    fn pinyin_annotations_are_removed() {
        let c = clean(&Rules::default(), "示例標題文字\n創(chuàng)新案例，樹典型示範引領(lǐng)。兩鋒(風)行動。");
        assert_eq!(c.blocks, ["創新案例，樹典型示範引領。兩鋒(風)行動。"]);
    }

    #[test]
    fn chrome_goes_and_its_facts_stay() {
        let text = "首页 > 党建研究 > 文章\n全国机关党建理论研讨会交流发言\n日期: 2016-12-02 15:09:00 浏览次数: 字号:[ ]\n正文第一段。\n编辑:周晓晴 责任编辑:宋显晖\n分享到微信";
        let c = clean(&Rules::default(), text);
        assert_eq!(c.title.as_deref(), Some("全国机关党建理论研讨会交流发言"));
        assert_eq!(c.blocks, ["正文第一段。"]);
        let fields: Vec<_> = c.facts.iter().map(|f| (f.field, f.value.as_str())).collect();
        assert_eq!(fields, [("date", "2016-12-02"), ("editor", "周晓晴"), ("responsible_editor", "宋显晖")]);
    }

    #[test]
    fn an_image_before_the_headline_is_kept_and_the_headline_is_still_the_title() {
        let c = clean(&Rules::default(), "![横幅](banner.png)\n示例标题文字\n正文第一段。");
        assert_eq!(c.title.as_deref(), Some("示例标题文字"));
        assert_eq!(c.blocks, ["![横幅](banner.png)", "正文第一段。"]);
    }

    #[test]
    fn sections_become_headings_and_leads_bold() {
        let c = clean(&Rules::default(), "示例标题文字\n主要做法\n一是明确一个理念。机关党建的主体是全体党员。");
        assert_eq!(c.blocks, ["## 主要做法", "**一是明确一个理念。**机关党建的主体是全体党员。"]);
        let c = clean(
            &Rules::default(),
            "示例标题文字\n实招一：月讲堂，上党课\n（二）评标兵\n第三部分：成效\n其中一：这是一句话。还有一句。",
        );
        assert_eq!(
            c.blocks,
            ["## 实招一：月讲堂，上党课", "## （二）评标兵", "## 第三部分：成效", "其中一：这是一句话。还有一句。"]
        );
    }
}
