//! A Word .docx: a zip whose `word/document.xml` holds the paragraphs. The zip is checked
//! before anything is extracted (at most 10,000 entries and 200 MB uncompressed in all, no
//! entry path that climbs out with `../` or starts at the root), then the document is read as
//! Markdown lines: headings (Title, Heading 1–3, 标题), paragraphs, bold runs, list items,
//! tables and images. An image is referenced where it stands (`![descr](rIdN)`, its
//! relationship id) and extracted from `word/media` under the same caps: the bytes read from
//! the zip, document and images together, never pass 200 MB whatever its directory declares.

use super::images::{Found, Source};
use crate::lang::Text;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

pub const MAX_ENTRIES: usize = 10_000;
pub const MAX_UNCOMPRESSED: u64 = 200 * 1024 * 1024;

/// A Word file's text and the images it references.
#[derive(Debug)]
pub struct Docx {
    pub markdown: String,
    pub images: Vec<Found>,
}

/// The document's text as Markdown lines and its images, or why the file cannot be read.
pub fn read(bytes: &[u8]) -> Result<Docx, Text> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        Text::new(
            "不是有效的 .docx（不是 zip 压缩包，可能是改了扩展名的旧版 .doc）；请在 Word 中重新“另存为”.docx",
            "not a valid .docx (not a zip; perhaps an old .doc renamed); save it again as .docx in Word",
        )
    })?;
    check_entries(&mut zip)?;
    let mut budget = MAX_UNCOMPRESSED;
    let xml = entry(&mut zip, "word/document.xml", &mut budget)?.ok_or_else(|| {
        Text::new(
            "这个 .docx 里没有正文（缺少 word/document.xml）",
            "this .docx holds no document (no word/document.xml)",
        )
    })?;
    let rels = match entry(&mut zip, "word/_rels/document.xml.rels", &mut budget)? {
        Some(xml) => relationships(&xml),
        None => HashMap::new(),
    };
    let (markdown, referenced) = markdown(&xml);
    let mut images = Vec::new();
    for (rid, _) in referenced {
        if images.iter().any(|f: &Found| f.key == rid) {
            continue;
        }
        let (original, source) = match rels.get(&rid) {
            Some(Target::Internal(path)) => {
                let source = match entry(&mut zip, path, &mut budget)? {
                    Some(bytes) => Source::Bytes(bytes),
                    None => Source::Refused(Text::new("压缩包中没有这个文件", "the zip holds no such file")),
                };
                (path.clone(), source)
            }
            Some(Target::External(url)) => (
                url.clone(),
                Source::Refused(Text::new(
                    "是指向外部的链接图片，未下载；需要时请下载后放在案例文件夹中",
                    "it is linked from outside the file and was not downloaded; download it into the case's folder if needed",
                )),
            ),
            None => (
                rid.clone(),
                Source::Refused(Text::new("文档引用的图片不在文件中", "the document references an image the file does not hold")),
            ),
        };
        images.push(Found { key: rid, original, source });
    }
    Ok(Docx { markdown, images })
}

/// One entry's bytes, or None if the zip has no such entry. The read stops at the budget
/// left (the sizes in the zip's directory can lie); going past it refuses the whole file.
fn entry<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str, budget: &mut u64) -> Result<Option<Vec<u8>>, Text> {
    let Ok(file) = zip.by_name(name) else { return Ok(None) };
    let mut bytes = Vec::new();
    file.take(*budget + 1).read_to_end(&mut bytes).map_err(|e| {
        Text::new(format!("无法解压 .docx 中的“{name}”：{e}"), format!("cannot decompress `{name}` in the .docx: {e}"))
    })?;
    if bytes.len() as u64 > *budget {
        return Err(bomb());
    }
    *budget -= bytes.len() as u64;
    Ok(Some(bytes))
}

/// Where a relationship points: a part of the zip (its path from the root) or an outside URL.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Internal(String),
    External(String),
}

/// `word/_rels/document.xml.rels`: relationship id → target, image relationships only.
fn relationships(xml: &[u8]) -> HashMap<String, Target> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut rels = HashMap::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let is_image = attr(&e, b"Type").is_some_and(|t| t.ends_with("/image"));
                if let (true, Some(id), Some(target)) = (is_image, attr(&e, b"Id"), attr(&e, b"Target")) {
                    let target = if attr(&e, b"TargetMode").as_deref() == Some("External") {
                        Target::External(target)
                    } else {
                        // Relative to word/, or from the package root with a leading slash.
                        Target::Internal(match target.strip_prefix('/') {
                            Some(root) => root.to_string(),
                            None => format!("word/{target}"),
                        })
                    };
                    rels.insert(id, target);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    rels
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
    /// Images in the paragraph, as Markdown references, placed after its text.
    images: Vec<String>,
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
    /// The description (alt text) of the drawing being read.
    alt: Option<String>,
    /// Every image referenced, in order: relationship id and alt text.
    images: Vec<(String, String)>,
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn markdown(xml: &[u8]) -> (String, Vec<(String, String)>) {
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
    (s.lines.join("\n"), s.images)
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
        // <wp:docPr descr="…" title="…"> precedes the drawing's <a:blip r:embed="rIdN">.
        b"docPr" => s.alt = attr(e, b"descr").or_else(|| attr(e, b"title")).filter(|a| !a.trim().is_empty()),
        b"blip" => {
            if let Some(rid) = attr(e, b"embed") {
                let alt = s.alt.take().unwrap_or_default();
                image(s, rid, alt);
            }
        }
        // An older Word's VML picture: <v:imagedata r:id="rIdN" o:title="…">.
        b"imagedata" => {
            if let Some(rid) = attr(e, b"id") {
                let alt = attr(e, b"title").unwrap_or_default();
                image(s, rid, alt);
            }
        }
        _ => {}
    }
}

/// An image where it stands: after its paragraph's text (inside a table cell, in the cell).
fn image(s: &mut State, rid: String, alt: String) {
    // The alt text on one line, without the brackets that would end it.
    let alt: String = alt.split_whitespace().collect::<Vec<_>>().join(" ").replace(['[', ']'], "");
    let alt = if alt.is_empty() { "图片".to_string() } else { alt };
    let reference = format!("![{alt}]({rid})");
    s.images.push((rid, alt));
    match s.para.as_mut() {
        Some(p) => p.images.push(reference),
        None => {
            s.lines.push(String::new());
            s.lines.push(reference);
        }
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
                        for part in std::iter::once(p.text.replace('|', "\\|")).chain(p.images) {
                            if !cell.is_empty() && !part.is_empty() {
                                cell.push(' ');
                            }
                            cell.push_str(&part);
                        }
                    }
                    None => {
                        for block in std::iter::once(line).chain(p.images).filter(|b| !b.is_empty()) {
                            s.lines.push(String::new());
                            s.lines.push(block);
                        }
                    }
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
            markdown(xml.as_bytes()).0.trim(),
            "# 珠海市财政局“让我先来”\n\n## 主要做法\n\n**一是明确理念。**党员是主体 & 关键。\n\n- 立根工程"
        );
    }

    #[test]
    fn an_image_is_referenced_after_its_paragraph_with_its_description() {
        let xml = r#"<w:document><w:body>
<w:p><w:r><w:t>第一段。</w:t></w:r><w:r><w:drawing><wp:docPr id="1" descr="党员 [志愿] 服务"/><a:blip r:embed="rId7"/></w:drawing></w:r></w:p>
<w:p><w:r><w:pict><v:imagedata r:id="rId8" o:title=""/></w:pict></w:r></w:p>
</w:body></w:document>"#;
        let (md, images) = markdown(xml.as_bytes());
        assert_eq!(md.trim(), "第一段。\n\n![党员 志愿 服务](rId7)\n\n![图片](rId8)");
        assert_eq!(images.iter().map(|(rid, _)| rid.as_str()).collect::<Vec<_>>(), ["rId7", "rId8"]);
    }

    #[test]
    fn image_relationships_are_read_relative_to_word_or_from_the_root() {
        let rels =
            br#"<Relationships><Relationship Id="rId1" Type="http://x/relationships/image" Target="media/a.png"/>
<Relationship Id="rId2" Type="http://x/relationships/image" Target="/word/media/b.png"/>
<Relationship Id="rId3" Type="http://x/relationships/image" Target="https://a.cn/c.png" TargetMode="External"/>
<Relationship Id="rId4" Type="http://x/relationships/styles" Target="styles.xml"/></Relationships>"#;
        let rels = relationships(rels);
        assert_eq!(rels.get("rId1"), Some(&Target::Internal("word/media/a.png".into())));
        assert_eq!(rels.get("rId2"), Some(&Target::Internal("word/media/b.png".into())));
        assert_eq!(rels.get("rId3"), Some(&Target::External("https://a.cn/c.png".into())));
        assert_eq!(rels.get("rId4"), None);
    }
}
