//! Reading one input file into text: refuses what cannot be an article (old Word, PDF,
//! images, empty, binary or oversized files) with one message naming the file, and decodes
//! UTF-8 or GB18030 text.

use crate::lang::Text;
use std::fs;
use std::io::Read;
use std::path::Path;

/// Files over this size are refused before they are read (no article is 50 MB of text).
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// What a file holds, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Markdown,
    Html,
    Docx,
}

/// The extensions a folder walk picks up.
pub fn is_importable(path: &Path) -> bool {
    matches!(extension(path).as_str(), "txt" | "md" | "markdown" | "html" | "htm" | "docx")
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// The kind of article a file is, or why it cannot be imported.
pub fn kind(path: &Path) -> Result<Kind, Text> {
    match extension(path).as_str() {
        "txt" | "text" => Ok(Kind::Text),
        "md" | "markdown" => Ok(Kind::Markdown),
        "html" | "htm" | "xhtml" => Ok(Kind::Html),
        "doc" => Err(Text::new(
            "这是旧版 Word（.doc）文件，无法读取；请在 Word 中“另存为”.docx 或纯文本后再导入",
            "an old binary Word (.doc) file cannot be read; save it as .docx or plain text in Word, then import that",
        )),
        "docx" => Ok(Kind::Docx),
        "pdf" => Err(Text::new(
            "PDF 文件无法导入；请复制其中的文字存为 .txt 后再导入",
            "a PDF cannot be imported; copy its text into a .txt file and import that",
        )),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" | "tif" | "tiff" | "svg" => Err(Text::new(
            "这是图片，不是文章；图片请放在案例文件旁，在正文中引用",
            "this is an image, not an article; put images beside the case file and reference them in the body",
        )),
        other => Err(Text::new(
            format!("不认识的文件类型“.{other}”；可导入 .txt、.html、.htm、.md"),
            format!("unknown file type `.{other}`; .txt, .html, .htm and .md can be imported"),
        )),
    }
}

/// The file's text: size-checked before reading, UTF-8 (with or without BOM) or GB18030.
pub fn text(path: &Path) -> Result<String, Text> {
    decode(&bytes(path)?)
}

/// The file's bytes, size-checked before reading.
pub fn bytes(path: &Path) -> Result<Vec<u8>, Text> {
    let io = |e: std::io::Error| Text::new(format!("无法读取：{e}"), format!("cannot be read: {e}"));
    let size = fs::metadata(path).map_err(io)?.len();
    if size > MAX_BYTES {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read at most one byte past the cap: the file may have grown since the size was taken.
    fs::File::open(path).map_err(io)?.take(MAX_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if bytes.is_empty() {
        return Err(Text::new("文件是空的，没有可导入的文字", "the file is empty: there is no text to import"));
    }
    Ok(bytes)
}

fn too_large(size: u64) -> Text {
    let mb = size / (1024 * 1024);
    Text::new(
        format!("文件过大（{mb} MB，上限 50 MB），不像一篇文章；请只保留正文后再导入"),
        format!(
            "the file is too large ({mb} MB, the limit is 50 MB) to be one article; keep only the text and import that"
        ),
    )
}

/// UTF-8 first (what editors' tools save today), else GB18030 (older Windows Notepad).
pub fn decode(bytes: &[u8]) -> Result<String, Text> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Text::new("文件是空的，没有可导入的文字", "the file is empty: there is no text to import"));
    }
    if looks_binary(bytes) {
        return Err(Text::new(
            "这不是文本文件（含二进制数据）；请另存为 .txt 或 .html 后再导入",
            "this is not a text file (it holds binary data); save it as .txt or .html and import that",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err(Text::new(
            "文字编码无法识别（既不是 UTF-8 也不是 GB18030）；请另存为 UTF-8 后再导入",
            "the text encoding is neither UTF-8 nor GB18030; save the file as UTF-8 and import that",
        ));
    }
    Ok(text.into_owned())
}

/// NUL bytes or many control characters in the first 8 KB: not text.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head.iter().filter(|&&b| b < 0x09 || (0x0E..0x20).contains(&b)).count();
    head.contains(&0) || controls * 20 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb18030_text_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("珠海市财政局“让我先来”");
        assert_eq!(decode(&bytes).unwrap(), "珠海市财政局“让我先来”");
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert!(decode(b"  \n").is_err());
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0\0").is_err());
    }
}
