//! Reading the values of the fields a site declares in site.yaml (`fields:`), each by its
//! declared type, with the same typed errors as the built-in fields (file, line, column,
//! field, expected, hint).

use super::values::{self as v, Ctx};
use crate::config::{FieldDecl, FieldType};
use crate::content::model::FieldValue;
use crate::lang::Text;
use crate::yaml::Value;

/// The value of declared field `decl` at `path`, or `None` (absent, empty, or an error
/// reported in `ctx`).
pub fn read(ctx: &mut Ctx, decl: &FieldDecl, val: &Value, path: &str) -> Option<FieldValue> {
    let value = match decl.kind() {
        FieldType::Text => one_line_text(ctx, decl, val, path).map(FieldValue::Text),
        FieldType::List => Some(FieldValue::List(v::text_list(ctx, val, path))),
        FieldType::Number => number(ctx, decl, val, path),
        FieldType::Date => v::date(ctx, val, path).map(FieldValue::Date),
        FieldType::Url => url(ctx, decl, val, path).map(FieldValue::Url),
        FieldType::Map => map(ctx, decl, val, path).map(FieldValue::Map),
    }?;
    let empty = match &value {
        FieldValue::Text(t) | FieldValue::Url(t) => t.trim().is_empty(),
        FieldValue::List(items) => items.is_empty(),
        FieldValue::Map(pairs) => pairs.is_empty(),
        FieldValue::Number { .. } | FieldValue::Date(_) => false,
    };
    (!empty).then_some(value)
}

fn untag(val: &Value) -> &Value {
    match val {
        Value::Tagged(t) => untag(&t.value),
        other => other,
    }
}

/// Text, refusing a list or a map with a hint that names the field's label and type.
fn one_line_text(ctx: &mut Ctx, decl: &FieldDecl, val: &Value, path: &str) -> Option<String> {
    match untag(val) {
        Value::Sequence(_) | Value::Mapping(_) => {
            let key = &decl.key;
            ctx.invalid_type(
                path,
                (format!("一段文字（{}）", decl.label), format!("a string ({})", decl.label)),
                val,
                (
                    format!(
                        "site.yaml 把 `{key}` 声明为 text（一段文字）：写成 `{key}: 文字`；要写多项，把声明改成 `type: list`"
                    ),
                    format!(
                        "site.yaml declares `{key}` as text: write `{key}: some text`; for several values declare it `type: list`"
                    ),
                ),
            );
            None
        }
        _ => v::text(ctx, val, path),
    }
}

/// A number (`12`, `1.5`, `"3000"`), kept as written for display.
fn number(ctx: &mut Ctx, decl: &FieldDecl, val: &Value, path: &str) -> Option<FieldValue> {
    let parsed = match untag(val) {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()).map(|f| (f, v::text(ctx, val, path))),
        Value::String(s) => {
            s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| (f, Some(s.trim().to_string())))
        }
        _ => None,
    };
    match parsed {
        Some((number, written)) => {
            Some(FieldValue::Number { number, written: written.unwrap_or_else(|| number.to_string()) })
        }
        None => {
            let key = &decl.key;
            ctx.invalid_type(
                path,
                (format!("一个数字（{}）", decl.label), format!("a number ({})", decl.label)),
                val,
                (
                    format!("用阿拉伯数字写，例如 `{key}: 12`；“人”“个”等单位和说明不写在值里"),
                    format!("write the figure in digits, e.g. `{key}: 12`, without units or notes"),
                ),
            );
            None
        }
    }
}

/// An http(s) address (or a path of this site), checked by the one URL sanitiser.
fn url(ctx: &mut Ctx, decl: &FieldDecl, val: &Value, path: &str) -> Option<String> {
    let text = one_line_text(ctx, decl, val, path)?;
    let url = text.trim();
    if url.is_empty() {
        return None;
    }
    let site_path = url.starts_with('/') && !url.starts_with("//");
    let web = url.starts_with("http://") || url.starts_with("https://") || site_path;
    let refused = crate::urls::check(url).err().map(|why| why.describe());
    if web && refused.is_none() {
        return Some(url.to_string());
    }
    let why = refused.unwrap_or_else(|| {
        Text::new(
            "网址要以 http:// 或 https:// 开头（本站的页面以 / 开头）",
            "an address starts with http:// or https:// (a page of this site with /)",
        )
    });
    let key = &decl.key;
    let d = ctx.error(
        "invalid-url",
        path,
        (format!("`{path}` 不是可用的网址：{}", why.zh), format!("`{path}` is not a usable address: {}", why.en)),
    );
    d.expected = Some(Text::new(
        format!("一个网址（{}），例如 https://www.example.gov.cn/", decl.label),
        format!("a web address ({}), e.g. https://www.example.gov.cn/", decl.label),
    ));
    // `www.example.gov.cn/dj/` is an address without its scheme: say what it should read.
    let example =
        if scheme_free_address(url) { format!("https://{url}") } else { "https://www.example.gov.cn/dj/".into() };
    d.hint = Some(Text::new(
        format!("写完整的网址：`{key}: {example}`"),
        format!("write the full address: `{key}: {example}`"),
    ));
    None
}

/// `www.example.gov.cn/dj/`: a host and path written without `https://`.
fn scheme_free_address(url: &str) -> bool {
    let host = url.split('/').next().unwrap_or("");
    !url.contains(':') && !url.contains(char::is_whitespace) && host.contains('.') && !host.starts_with('.')
}

/// Named texts: `{联系人: 张三, 电话: 0756-1234567}`, in the order written.
fn map(ctx: &mut Ctx, decl: &FieldDecl, val: &Value, path: &str) -> Option<Vec<(String, String)>> {
    let key = &decl.key;
    let example = format!("{key}: {{联系人: 张三, 电话: 0756-1234567}}");
    let Value::Mapping(m) = untag(val) else {
        ctx.invalid_type(
            path,
            (format!("一组“名称: 文字”（{}）", decl.label), format!("a map of names to texts ({})", decl.label)),
            val,
            (
                format!("site.yaml 把 `{key}` 声明为 map：照这样写 `{example}`，或者下一行起缩进写 `名称: 文字`"),
                format!(
                    "site.yaml declares `{key}` as a map: write `{example}`, or indented `name: text` lines below it"
                ),
            ),
        );
        return None;
    };
    let mut pairs = Vec::new();
    for (k, item) in m {
        let name = v::key_text(k);
        let item_path = format!("{path}.{name}");
        match untag(item) {
            Value::Null => {}
            Value::Sequence(_) | Value::Mapping(_) => ctx.invalid_type(
                &item_path,
                ("一段文字", "a string"),
                item,
                (
                    format!("`{key}` 里每个名称后面写一段文字：`{name}: 文字`"),
                    format!("each name in `{key}` takes one text: `{name}: some text`"),
                ),
            ),
            _ => {
                if let Some(text) = v::text(ctx, item, &item_path).filter(|t| !t.trim().is_empty()) {
                    pairs.push((name, text));
                }
            }
        }
    }
    Some(pairs)
}
