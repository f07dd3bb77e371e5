//! `metrics:` from the few places an article states a figure with its label on its own: a
//! two-column table row (`| 先锋班组 | 33个 |`) and a line or list item that is only
//! `标签：数字+单位` (`培训人次：1700人次`). Figures inside sentences (`先后提炼出35个…`) are
//! left alone: which words name the figure there is a reading, not a fact, and a wrong label
//! on a figure is worse than none.

use regex::Regex;

/// One figure and its label, as the article writes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub label: String,
    pub value: String,
    pub unit: String,
}

/// At most this many: a case's figures, not a statistics table.
const MAX_METRICS: usize = 8;

/// The patterns, compiled once per run.
pub struct Patterns {
    figure: Regex,
    labelled: Regex,
    label: Regex,
}

impl Default for Patterns {
    fn default() -> Self {
        let re = |p: &str| Regex::new(p).expect("a valid pattern");
        let figure = r"(\d{1,9}(?:\.\d{1,3})?)\s*(万元|亿元|人次|个|名|人|项|家|次)";
        Patterns {
            figure: re(&format!(r"^{figure}$")),
            labelled: re(&format!(r"^(?:[-*+]\s+)?([^：:|]{{2,16}})[：:]\s*{figure}[。；;]?$")),
            // A label is words: Chinese (letters, digits inside) without sentence punctuation.
            label: re(r"^[\p{Han}A-Za-z][\p{Han}A-Za-z0-9（）()·]{1,15}$"),
        }
    }
}

/// The metrics the blocks state plainly, first mention of each label kept.
pub fn find(p: &Patterns, blocks: &[String]) -> Vec<Metric> {
    let mut found: Vec<Metric> = Vec::new();
    for line in blocks.iter().flat_map(|b| b.lines()).map(str::trim) {
        let Some(metric) = table_row(p, line).or_else(|| labelled_line(p, line)) else { continue };
        if !found.iter().any(|m| m.label == metric.label) {
            found.push(metric);
        }
        if found.len() == MAX_METRICS {
            break;
        }
    }
    found
}

fn metric(p: &Patterns, label: &str, value: &str, unit: &str) -> Option<Metric> {
    let label = label.trim().replace("**", "");
    p.label.is_match(&label).then(|| Metric { label, value: value.to_string(), unit: unit.to_string() })
}

fn table_row(p: &Patterns, line: &str) -> Option<Metric> {
    let cells: Vec<&str> = line.strip_prefix('|')?.strip_suffix('|')?.split('|').map(str::trim).collect();
    let [label, figure] = cells.as_slice() else { return None };
    let c = p.figure.captures(figure)?;
    metric(p, label, &c[1], &c[2])
}

fn labelled_line(p: &Patterns, line: &str) -> Option<Metric> {
    let c = p.labelled.captures(line)?;
    metric(p, &c[1], &c[2], &c[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(blocks: &[&str]) -> Vec<(String, String, String)> {
        let blocks: Vec<String> = blocks.iter().map(|b| b.to_string()).collect();
        find(&Patterns::default(), &blocks).into_iter().map(|m| (m.label, m.value, m.unit)).collect()
    }

    #[test]
    fn a_two_column_table_row_and_a_labelled_line_give_metrics() {
        assert_eq!(
            found(&[
                "| 指标 | 数量 |\n| --- | --- |\n| 先锋班组 | 33个 |",
                "- 奖励激励资金：300万元",
                "培训人次：1700人次。"
            ]),
            [
                ("先锋班组".into(), "33".into(), "个".into()),
                ("奖励激励资金".into(), "300".into(), "万元".into()),
                ("培训人次".into(), "1700".into(), "人次".into())
            ]
        );
    }

    #[test]
    fn figures_inside_sentences_are_left_alone() {
        assert!(found(&[
            "党建工作格局，先后提炼出35个党建品牌。",
            "2019年以来，该局共有1名党员获评优秀共产党员。",
            "| 2019年以来，该局共有 | 1名 |",
            "| 一 | 二 | 三个 |",
        ])
        .is_empty());
    }
}
