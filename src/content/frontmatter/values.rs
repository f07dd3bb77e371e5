//! Reading single front-matter values with diagnostics.
//!
//! Each reader takes a YAML value and its field path, returns the typed value or `None`, and
//! records an error (with the field's position in the file) when the value has the wrong
//! shape. `null` always reads as "absent".

use crate::content::model::Extra;
use crate::diagnostics::{Diagnostic, Text};
use crate::yaml::Scanned;
use crate::yaml::{Mapping, Value};
use chrono::{Datelike, NaiveDate};
use std::path::Path;

/// Per-file state while reading front matter.
pub struct Ctx<'a> {
    pub file: &'a Path,
    pub scanned: &'a Scanned,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub fn new(file: &'a Path, scanned: &'a Scanned) -> Self {
        Ctx { file, scanned, diags: Vec::new() }
    }

    /// (line, column) of `path`, falling back to its parents, then to the opening fence.
    pub fn pos(&self, path: &str) -> (usize, usize) {
        self.scanned.position(path)
    }

    /// An error at `path`'s position, naming the field.
    pub fn error(&mut self, code: &'static str, path: &str, message: impl Into<Text>) -> &mut Diagnostic {
        let (line, col) = self.pos(path);
        let d = Diagnostic::error(code, self.file, message).at(line, col).field(path);
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    /// A wrong-type error: `expected`, what was found, and a hint.
    pub fn invalid_type(&mut self, path: &str, expected: impl Into<Text>, found: &Value, hint: impl Into<Text>) {
        let (expected, found) = (expected.into(), describe(found));
        let message = Text::new(
            format!("`{path}` 应当是{}，这里却是{}", expected.zh, found.zh),
            format!("`{path}` should be {}, found {}", expected.en, found.en),
        );
        let d = self.error("invalid-type", path, message);
        d.expected = Some(expected);
        d.hint = Some(hint.into());
    }

    /// A plain scalar's text as written in the file (`1.50`, `007`), if it was plain.
    fn raw(&self, path: &str) -> Option<&str> {
        self.scanned.raw.get(path).map(String::as_str)
    }
}

/// A short description of a value for "found …" messages.
pub fn describe(v: &Value) -> Text {
    match v {
        Value::Null => Text::new("空值（null）", "nothing (null)"),
        Value::Bool(b) => Text::new(format!("布尔值 `{b}`"), format!("the boolean `{b}`")),
        Value::Number(n) => Text::new(format!("数字 `{n}`"), format!("the number `{n}`")),
        Value::String(s) => Text::new(format!("文字 `{}`", clip(s)), format!("the text `{}`", clip(s))),
        Value::Sequence(_) => Text::new("一个列表", "a list"),
        Value::Mapping(_) => Text::new("一组 `字段: 值`", "a map of `key: value` pairs"),
        Value::Tagged(t) => Text::new(format!("带标签 `{}` 的值", t.tag), format!("a value tagged `{}`", t.tag)),
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// A value with any YAML tag (`!foo x`) removed.
fn untag(v: &Value) -> &Value {
    match v {
        Value::Tagged(t) => untag(&t.value),
        other => other,
    }
}

/// Text: a string, or a number or boolean kept as written (`title: 2021` is the text `2021`).
pub fn text(ctx: &mut Ctx, v: &Value, path: &str) -> Option<String> {
    match untag(v) {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(ctx.raw(path).map_or_else(|| n.to_string(), str::to_string)),
        Value::Bool(b) => Some(ctx.raw(path).map_or_else(|| b.to_string(), str::to_string)),
        other => {
            let example = format!("{}: 一段文字", last_key(path));
            ctx.invalid_type(
                path,
                ("一段文字", "a string"),
                other,
                (format!("写在同一行：`{example}`"), format!("write it on one line: `{example}`")),
            );
            None
        }
    }
}

/// Text that, when present, must not be empty.
pub fn nonempty_text(ctx: &mut Ctx, v: &Value, path: &str) -> Option<String> {
    text(ctx, v, path).filter(|s| !s.trim().is_empty())
}

/// A string or a list of strings; empty entries are dropped.
pub fn text_list(ctx: &mut Ctx, v: &Value, path: &str) -> Vec<String> {
    const EXPECTED: (&str, &str) = ("一段文字或文字列表", "a string or a list of strings");
    match untag(v) {
        Value::Null => Vec::new(),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let p = format!("{path}[{i}]");
                match untag(item) {
                    Value::Sequence(_) | Value::Mapping(_) => {
                        ctx.invalid_type(
                            &p,
                            ("一段文字", "a string"),
                            item,
                            ("列表的每一项写一个值：`- 广东省`", "each list entry is one plain value: `- 广东省`"),
                        );
                        None
                    }
                    _ => text(ctx, item, &p),
                }
            })
            .filter(|s| !s.trim().is_empty())
            .collect(),
        Value::Mapping(_) => {
            let key = last_key(path);
            ctx.invalid_type(
                path,
                EXPECTED,
                v,
                (
                    format!("写成 `{key}: 值` 或 `{key}: [值一, 值二]`；值里有 `字段: 值` 时要加引号"),
                    format!("write `{key}: 值` or `{key}: [值一, 值二]`; a `key: value` inside a value needs quotes"),
                ),
            );
            Vec::new()
        }
        _ => text(ctx, v, path).into_iter().filter(|s| !s.trim().is_empty()).collect(),
    }
}

/// The last key of a field path: `honours[1].year` → `year`.
pub fn last_key(path: &str) -> &str {
    let p = path.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit());
    let p = p.strip_suffix('[').unwrap_or(p);
    p.rsplit('.').next().unwrap_or(p)
}

/// A year: an integer, or a string of digits (`"2021"`, `2021年`).
pub fn year(ctx: &mut Ctx, v: &Value, path: &str) -> Option<i32> {
    const EXPECTED: (&str, &str) = ("四位数的年份，例如 2021", "an integer year like 2021");
    let parsed = match untag(v) {
        Value::Null => return None,
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().trim_end_matches('年').trim().parse::<i64>().ok(),
        _ => None,
    };
    match parsed {
        Some(y) if (1000..=9999).contains(&y) => Some(y as i32),
        _ => {
            let key = last_key(path);
            ctx.invalid_type(
                path,
                EXPECTED,
                v,
                (format!("年份写成四位数：`{key}: 2021`"), format!("write the year as four digits: `{key}: 2021`")),
            );
            None
        }
    }
}

/// A list of years (`years: [2019, 2021]`), or a single year.
pub fn years(ctx: &mut Ctx, v: &Value, path: &str) -> Vec<i32> {
    match untag(v) {
        Value::Sequence(items) => {
            items.iter().enumerate().filter_map(|(i, item)| year(ctx, item, &format!("{path}[{i}]"))).collect()
        }
        _ => year(ctx, v, path).into_iter().collect(),
    }
}

/// An integer (`weight: 10`); numeric strings are accepted.
pub fn integer(ctx: &mut Ctx, v: &Value, path: &str) -> Option<i64> {
    let parsed = match untag(v) {
        Value::Null => return None,
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    if parsed.is_none() {
        let key = last_key(path);
        ctx.invalid_type(
            path,
            ("整数", "an integer"),
            v,
            (format!("写一个整数：`{key}: 10`"), format!("write a whole number: `{key}: 10`")),
        );
    }
    parsed
}

/// A non-negative count (`count: 3`).
pub fn count(ctx: &mut Ctx, v: &Value, path: &str) -> Option<u32> {
    let n = integer(ctx, v, path)?;
    match u32::try_from(n) {
        Ok(c) => Some(c),
        Err(_) => {
            ctx.invalid_type(
                path,
                ("0 或更大的整数", "a whole number of 0 or more"),
                v,
                ("写次数，例如 `count: 3`", "write how many times, e.g. `count: 3`"),
            );
            None
        }
    }
}

/// A boolean; `yes`/`no`, `on`/`off`, `是`/`否` are forgiven.
pub fn boolean(ctx: &mut Ctx, v: &Value, path: &str) -> Option<bool> {
    let parsed = match untag(v) {
        Value::Null => return None,
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "是" => Some(true),
            "false" | "no" | "off" | "否" => Some(false),
            _ => None,
        },
        _ => None,
    };
    if parsed.is_none() {
        let key = last_key(path);
        ctx.invalid_type(
            path,
            ("true 或 false", "true or false"),
            v,
            (format!("写成 `{key}: true` 或 `{key}: false`"), format!("write `{key}: true` or `{key}: false`")),
        );
    }
    parsed
}

/// A date `YYYY-MM-DD` (a YAML datetime is accepted and cut to its date).
pub fn date(ctx: &mut Ctx, v: &Value, path: &str) -> Option<NaiveDate> {
    let written = match untag(v) {
        Value::Null => return None,
        Value::String(s) => s.trim().to_string(),
        Value::Number(_) => text(ctx, v, path)?,
        other => {
            ctx.invalid_type(
                path,
                ("YYYY-MM-DD 格式的日期", "a date YYYY-MM-DD"),
                other,
                ("日期写在同一行：`date: 2021-05-01`", "write the date on one line: `date: 2021-05-01`"),
            );
            return None;
        }
    };
    match parse_date(&written) {
        Ok(d) => Some(d),
        Err(hint) => {
            let written = clip(&written);
            let message =
                Text::new(format!("`{path}` 不是日期：`{written}`"), format!("`{path}` is not a date: `{written}`"));
            let d = ctx.error("invalid-date", path, message);
            d.expected = Some(Text::new("YYYY-MM-DD，例如 2024-03-01", "YYYY-MM-DD"));
            d.hint = Some(hint);
            None
        }
    }
}

/// Reads `YYYY-MM-DD`, optionally followed by a time; on failure, a hint for the editor.
pub fn parse_date(s: &str) -> Result<NaiveDate, Text> {
    let b = s.as_bytes();
    let shaped = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    let time_ok = |rest: &str| {
        rest.is_empty()
            || (rest.starts_with(['T', 't', ' ']) && rest[1..].trim_start().starts_with(|c: char| c.is_ascii_digit()))
    };
    if shaped && time_ok(&s[10..]) {
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        let (y, m, d) = (num(0..4) as i32, num(5..7), num(8..10));
        return NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
            Text::new(
                format!("日历上没有 {y:04}-{m:02}-{d:02} 这一天；检查月份和日子"),
                format!("{y:04}-{m:02}-{d:02} is not a day in the calendar; check the month and the day"),
            )
        });
    }
    Err(date_hint(s))
}

/// Recognises the usual ways dates get written and says how to write them.
fn date_hint(s: &str) -> Text {
    let nums: Vec<u32> =
        s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect();
    let example = |y: u32, m: u32, d: u32| format!("{y:04}-{m:02}-{d:02}");
    if s.contains('期') {
        let year = nums.first().map_or("2021".to_string(), |y| y.to_string());
        return Text::new(
            format!(
                "`{s}` 像是刊物的期号，不是日期：写到 `sources: [{{issue: \"{s}\"}}]` 里，\
                 发布日期写成 YYYY-MM-DD，例如 `date: {year}-05-01`"
            ),
            format!(
                "`{s}` looks like a publication issue, not a date: put it under `sources: [{{issue: \"{s}\"}}]` \
                 and give the publish date as YYYY-MM-DD, e.g. `date: {year}-05-01`"
            ),
        );
    }
    match nums.as_slice() {
        [y, m, d] if *y >= 1000 && (1..=12).contains(m) && (1..=31).contains(d) => {
            let date = example(*y, *m, *d);
            Text::new(format!("日期写成 `date: {date}`"), format!("write it as `date: {date}`"))
        }
        [ymd] if s.len() == 8 && (1000..=9999).contains(&(ymd / 10_000)) => {
            let (y, m, d) = (ymd / 10000, ymd / 100 % 100, ymd % 100);
            let date = example(y, m, d);
            Text::new(format!("日期写成 `date: {date}`"), format!("write it as `date: {date}`"))
        }
        [y] if *y >= 1000 && *y <= 9999 => Text::new(
            format!("只有年份不算日期：写完整的日期，例如 `date: {y}-01-01`（只知道年份时，另加 `year: {y}`）"),
            format!(
                "a year alone is not a date: write the full date, e.g. `date: {y}-01-01` \
                     (and `year: {y}` if only the year is known)"
            ),
        ),
        [y, m] if *y >= 1000 && (1..=12).contains(m) => {
            let date = example(*y, *m, 1);
            Text::new(
                format!("还要写上日子，例如 `date: {date}`"),
                format!("give the day as well, e.g. `date: {date}`"),
            )
        }
        _ => Text::new(
            "日期按“年-月-日”写，月和日不足两位时前面补 0，例如 `date: 2021-05-01`",
            "write the date as year-month-day with leading zeros, e.g. `date: 2021-05-01`",
        ),
    }
}

/// The year of a date, for the `year` default.
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

/// A YAML value as JSON for templates (`extra`). Non-finite numbers become strings.
pub fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map_or_else(|| J::String(n.to_string()), J::Number)
            }
        }
        Value::String(s) => J::String(s.clone()),
        Value::Sequence(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Mapping(m) => J::Object(m.iter().map(|(k, v)| (key_text(k), to_json(v))).collect()),
        Value::Tagged(t) => to_json(&t.value),
    }
}

/// A mapping key as text (`2021: x` has the key `2021`).
pub fn key_text(k: &Value) -> String {
    match untag(k) {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        other => describe(other).en,
    }
}

/// Merges an explicit `extra:` map into `extra` (explicit entries win over unknown keys).
pub fn merge_extra(ctx: &mut Ctx, v: &Value, path: &str, extra: &mut Extra) {
    match untag(v) {
        Value::Null => {}
        Value::Mapping(m) => extend_from(m, extra),
        other => ctx.invalid_type(
            path,
            ("一组 `字段: 值`", "a map of `key: value` pairs"),
            other,
            ("先写一行 `extra:`，下面缩进写 `字段: 值`", "write `extra:` and, indented below it, `key: value` lines"),
        ),
    }
}

fn extend_from(m: &Mapping, extra: &mut Extra) {
    for (k, v) in m {
        extra.insert(key_text(k), to_json(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_table() {
        let ok = |s: &str| parse_date(s).map(|d| d.to_string());
        assert_eq!(ok("2021-05-01"), Ok("2021-05-01".into()));
        assert_eq!(ok("2021-05-01T08:00:00+08:00"), Ok("2021-05-01".into()));
        assert_eq!(ok("2021-05-01 08:00:00"), Ok("2021-05-01".into()));
        let hint = |s: &str| parse_date(s).unwrap_err().en;
        assert!(hint("2021-02-30").contains("not a day in the calendar"));
        assert!(hint("99999-99-99").contains("year-month-day"), "{}", hint("99999-99-99"));
        assert_eq!(hint("2021年5月1日"), "write it as `date: 2021-05-01`");
        assert_eq!(hint("2021/5/1"), "write it as `date: 2021-05-01`");
        assert_eq!(hint("2021-5-1"), "write it as `date: 2021-05-01`");
        assert_eq!(hint("20210501"), "write it as `date: 2021-05-01`");
        assert!(hint("2021年第5期").contains("sources: [{issue: \"2021年第5期\"}]"));
        assert!(hint("2021年5月").contains("2021-05-01"));
        assert!(hint("2021").contains("year: 2021"));
        assert_eq!(hint("2021-05-01x"), "write it as `date: 2021-05-01`");
        assert!(hint("下月").contains("year-month-day"));
    }

    #[test]
    fn last_key_of_paths() {
        assert_eq!(last_key("honours[1].year"), "year");
        assert_eq!(last_key("region[3]"), "region");
        assert_eq!(last_key("title"), "title");
    }
}
