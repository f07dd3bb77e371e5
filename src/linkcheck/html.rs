//! A small scanner for the HTML xianfeng itself writes: the URLs in `href`, `src`, `srcset`,
//! `poster` and `action`, and the `id`s (and `<a name>`s) a fragment can point at.
//!
//! Not a full HTML parser: it skips comments, doctype, and the raw text of `<script>` and
//! `<style>`, reads quoted and unquoted attribute values and decodes character references,
//! which is all that templates and the Markdown renderer produce. Tera's autoescape writes `/`
//! as `&#x2F;`, so decoding is needed before a URL can be resolved.

use std::collections::HashSet;

/// One URL found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub url: String,
    /// The attribute it came from (`href`, `src`, ...).
    pub attr: &'static str,
    /// Byte offset of the attribute in the page, for a line number.
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub refs: Vec<Ref>,
    pub ids: HashSet<String>,
}

/// Scans one page (UTF-8 bytes, as rendered). Runs on every page of every build, so it
/// allocates only for what it records (a URL, an id) and skips text with `memchr`.
pub fn scan(bytes: &[u8]) -> Scan {
    let mut out = Scan::default();
    let mut i = 0;
    while let Some(lt) = find(bytes, i, b"<") {
        let rest = &bytes[lt..];
        i = if rest.starts_with(b"<!--") {
            find(bytes, lt + 4, b"-->").map_or(bytes.len(), |e| e + 3)
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") || rest.starts_with(b"</") {
            find(bytes, lt, b">").map_or(bytes.len(), |e| e + 1)
        } else {
            scan_tag(bytes, lt, &mut out)
        };
    }
    out
}

/// Reads the tag starting at `lt`; returns where scanning goes on.
fn scan_tag(bytes: &[u8], lt: usize, out: &mut Scan) -> usize {
    let name_end = bytes[lt + 1..]
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
        .map_or(bytes.len(), |k| lt + 1 + k);
    let name = &bytes[lt + 1..name_end];
    if !name.first().is_some_and(u8::is_ascii_alphabetic) {
        return lt + 1;
    }
    let is_a = name.eq_ignore_ascii_case(b"a");
    let end = attributes(bytes, name_end, |key, value, offset| record(is_a, key, value, offset, out));
    // Raw text elements: their content is not markup.
    for raw in ["script", "style"] {
        if name.eq_ignore_ascii_case(raw.as_bytes()) {
            let close = format!("</{raw}");
            return find_ignore_case(bytes, end, close.as_bytes()).unwrap_or(bytes.len());
        }
    }
    end
}

fn record(is_a: bool, key: &'static str, value: String, offset: usize, out: &mut Scan) {
    match key {
        "id" => {
            out.ids.insert(value);
        }
        "name" if is_a => {
            out.ids.insert(value);
        }
        "href" | "src" | "poster" | "action" => out.refs.push(Ref { url: value, attr: key, offset }),
        "srcset" => {
            for candidate in value.split(',') {
                if let Some(url) = candidate.split_whitespace().next() {
                    out.refs.push(Ref { url: url.to_string(), attr: "srcset", offset });
                }
            }
        }
        _ => {}
    }
}

/// The attributes this scanner records; others are skipped without decoding.
const KEYS: [&str; 7] = ["href", "src", "srcset", "poster", "action", "id", "name"];

/// Hands each recorded attribute of a tag, from `from` up to its `>`, to `found` as (name,
/// decoded value, offset); returns the index after the tag.
fn attributes(bytes: &[u8], from: usize, mut found: impl FnMut(&'static str, String, usize)) -> usize {
    let mut i = from;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return i;
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
            i += 1;
        }
        let key = KEYS.iter().copied().find(|k| k.as_bytes().eq_ignore_ascii_case(&bytes[start..i]));
        let empty_key = start == i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (raw, next) = value(bytes, i);
            if let Some(key) = key {
                found(key, decode_entities(&String::from_utf8_lossy(raw)), start);
            }
            i = next;
        } else if let Some(key) = key {
            found(key, String::new(), start);
        } else if empty_key {
            i += 1;
        }
    }
}

/// An attribute value at `i` (quoted or not) and the index after it.
fn value(bytes: &[u8], i: usize) -> (&[u8], usize) {
    match bytes.get(i) {
        Some(&q) if q == b'"' || q == b'\'' => {
            let end = find(bytes, i + 1, &[q]).unwrap_or(bytes.len());
            (&bytes[i + 1..end], (end + 1).min(bytes.len()))
        }
        _ => {
            let end =
                (i..bytes.len()).find(|&k| bytes[k].is_ascii_whitespace() || bytes[k] == b'>').unwrap_or(bytes.len());
            (&bytes[i..end], end)
        }
    }
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut i = from;
    while i < hay.len() {
        i += memchr::memchr(first, &hay[i..])?;
        if hay[i + 1..].starts_with(rest) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `needle` is lowercase ASCII.
fn find_ignore_case(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(lt) = find(hay, i, b"<") {
        let candidate = hay.get(lt..lt + needle.len())?;
        if candidate.eq_ignore_ascii_case(needle) {
            return Some(lt);
        }
        i = lt + 1;
    }
    None
}

/// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and numeric references.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| Some((entity(&rest[1..semi])?, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_urls_and_ids_and_skips_scripts_and_comments() {
        let html = r#"<!doctype html><html><head><link rel="stylesheet" href="&#x2F;s&#x2F;style.css">
<SCRIPT>var x = '<a href="/no">';</Script><style>a[href="/no2"]{}</style></head>
<body><!-- <a href="/no3"> --><h2 id="背景">背景</h2><a name=top></a>
<a href='/s/cases/a/#背景' class=x>a</a><img src=/s/a.png alt="x > y"><img srcset="/s/1.png 1x, /s/2.png 2x">
<a href="?q=a&amp;b=c">q</a></body></html>"#;
        let s = scan(html.as_bytes());
        let urls: Vec<&str> = s.refs.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, ["/s/style.css", "/s/cases/a/#背景", "/s/a.png", "/s/1.png", "/s/2.png", "?q=a&b=c"]);
        assert!(s.ids.contains("背景") && s.ids.contains("top"));
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(decode_entities("a&amp;b&#47;c&#x2F;&unknown;&"), "a&b/c/&unknown;&");
    }
}
