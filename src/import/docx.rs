//! A Word .docx: a zip whose `word/document.xml` holds the paragraphs. The zip is checked
//! before anything is extracted (at most 10,000 entries and 200 MB uncompressed in all, no
//! entry path that climbs out with `../` or starts at the root), then the document is read as
//! Markdown lines: headings (Title, Heading 1–3, 标题), paragraphs, bold runs, list items and
//! tables.

use crate::lang::Text;
use quick_xml::events::{BytesStart, Event};
use std::io::{Cursor, Read};

pub const MAX_ENTRIES: usize = 10_000;
pub const MAX_UNCOMPRESSED: u64 = 200 * 1024 * 1024;

/// The document's text as Markdown lines, or why the file cannot be read.
pub fn read(bytes: &[u8]) -> Result<String, Text> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        Text::new(
            "不是有效的 .docx（不是 zip 压缩包，可能是改了扩展名的旧版 .doc）；请在 Word 中重新“另存为”.docx",
            "not a valid .docx (not a zip; perhaps an old .doc renamed); save it again as .docx in Word",
        )
    })?;
    check_entries(&mut zip)?;
    let mut xml = Vec::new();
    let entry = zip.by_name("word/document.xml").map_err(|_| {
        Text::new(
            "这个 .docx 里没有正文（缺少 word/document.xml）",
            "this .docx holds no document (no word/document.xml)",
        )
    })?;
    // The sizes in the zip's directory can lie: the read itself stops at the cap too.
    entry.take(MAX_UNCOMPRESSED + 1).read_to_end(&mut xml).map_err(|e| {
        Text::new(format!("无法解压 .docx 的正文：{e}"), format!("cannot decompress the .docx document: {e}"))
    })?;
    if xml.len() as u64 > MAX_UNCOMPRESSED {
        return Err(bomb());
    }
    Ok(markdown(&xml))
}

fn bomb() -> Text {
    Text::new(
        "这个 .docx 解压后超过 200 MB 或多于 10,000 个文件，疑似压缩炸弹，已拒绝",
        "this .docx would unpack to over 200 MB or over 10,000 files (a zip bomb); refused",
    )
}

/// Entry count, total declared size and entry paths, before any entry is decompressed.
fn check_entries<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Result<(), Text> {
    if zip.len() > MAX_ENTRIES {
        return Err(bomb());
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| Text::new(format!("压缩包已损坏：{e}"), format!("the zip is damaged: {e}")))?;
        let name = entry.name().replace('\\', "/");
        if name.starts_with('/') || name.split('/').any(|part| part == "..") || name.contains(':') {
            return Err(Text::new(
                format!("这个 .docx 含有指向外部的路径“{name}”，已拒绝"),
                format!("this .docx holds an entry path that climbs out (`{name}`); refused"),
            ));
        }
        total = total.saturating_add(entry.size());
        if total > MAX_UNCOMPRESSED {
            return Err(bomb());
        }
    }
    Ok(())
}

/// One paragraph being read.
#[derive(Default)]
struct Para {
    style: String,
    listed: bool,
    text: String,
    bold_run: bool,
}

/// Where the reader is in the document.
#[derive(Default)]
struct State {
    lines: Vec<String>,
    para: Option<Para>,
    in_text: bool,
    run_bold: bool,
    row: Option<Vec<String>>,
    cell: Option<String>,
    rows_in_table: usize,
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn markdown(xml: &[u8]) -> String {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut s = State::default();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => start(&mut s, &e),
            Ok(Event::Empty(e)) => {
                start(&mut s, &e);
                end(&mut s, e.local_name().as_ref());
            }
            Ok(Event::End(e)) => end(&mut s, e.local_name().as_ref()),
            Ok(Event::Text(t)) if s.in_text => {
                if let Ok(text) = t.decode() {
                    push_text(&mut s, &text);
                }
            }
            Ok(Event::GeneralRef(r)) if s.in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r {
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    push_text(&mut s, &c.to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    s.lines.join("\n")
}

fn start(s: &mut State, e: &BytesStart) {
    match e.local_name().as_ref() {
        b"p" => s.para = Some(Para::default()),
        b"pStyle" => {
            if let (Some(p), Some(v)) = (s.para.as_mut(), attr(e, b"val")) {
                p.style = v;
            }
        }
        b"numPr" => {
            if let Some(p) = s.para.as_mut() {
                p.listed = true;
            }
        }
        b"r" => s.run_bold = false,
        b"b" => s.run_bold = !matches!(attr(e, b"val").as_deref(), Some("0" | "false")),
        b"t" => s.in_text = true,
        b"tab" => push_text(s, " "),
        b"tr" => s.row = Some(Vec::new()),
        b"tc" => s.cell = Some(String::new()),
        b"tbl" => s.rows_in_table = 0,
        _ => {}
    }
}

fn push_text(s: &mut State, text: &str) {
    let Some(p) = s.para.as_mut() else { return };
    if s.run_bold != p.bold_run {
        // Close or open the bold span at the run's edge; adjacent bold runs merge.
        p.text.push_str("**");
        p.bold_run = s.run_bold;
    }
    p.text.push_str(text);
}

fn end(s: &mut State, name: &[u8]) {
    match name {
        b"t" => s.in_text = false,
        b"p" => {
            if let Some(mut p) = s.para.take() {
                if p.bold_run {
                    p.text.push_str("**");
                }
                let line = paragraph(&p);
                match s.cell.as_mut() {
                    Some(cell) => {
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(&p.text.replace('|', "\\|"));
                    }
                    None if !line.is_empty() => {
                        s.lines.push(String::new());
                        s.lines.push(line);
                    }
                    None => {}
                }
            }
        }
        b"tc" => {
            if let (Some(cell), Some(row)) = (s.cell.take(), s.row.as_mut()) {
                row.push(cell.trim().to_string());
            }
        }
        b"tr" => {
            if let Some(row) = s.row.take() {
                if s.rows_in_table == 0 {
                    s.lines.push(String::new());
                }
                s.lines.push(format!("| {} |", row.join(" | ")));
                if s.rows_in_table == 0 {
                    s.lines.push(format!("|{}", " --- |".repeat(row.len().max(1))));
                }
                s.rows_in_table += 1;
            }
        }
        _ => {}
    }
}

/// A paragraph as one Markdown line, by its style.
fn paragraph(p: &Para) -> String {
    let text = p.text.replace("****", "").trim().to_string();
    if text.is_empty() || text == "****" {
        return String::new();
    }
    let style = p.style.to_ascii_lowercase();
    let plain = text.replace("**", "");
    // Title (or 标题 without a number) is the article's title; Heading N / 标题 N a section.
    let is_title = style == "title" || (style.contains("标题") && !style.chars().any(|c| c.is_ascii_digit()));
    let section = style.strip_prefix("heading").or_else(|| style.strip_prefix("标题"));
    let level =
        if is_title { Some(1) } else { section.map(|n| n.trim().parse::<usize>().map_or(2, |n| (n + 1).min(4))) };
    match level {
        Some(n) => format!("{} {plain}", "#".repeat(n)),
        None if p.listed => format!("- {text}"),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_bold_runs_and_lists_become_markdown() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>珠海市财政局“让我先来”</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>主要做法</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>一是明确理念。</w:t></w:r><w:r><w:t>党员是主体 &amp; 关键。</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>立根工程</w:t></w:r></w:p>
</w:body></w:document>"#;
        assert_eq!(
            markdown(xml.as_bytes()).trim(),
            "# 珠海市财政局“让我先来”\n\n## 主要做法\n\n**一是明确理念。**党员是主体 & 关键。\n\n- 立根工程"
        );
    }
}
