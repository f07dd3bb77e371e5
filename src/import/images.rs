//! An article's images: the ones a .docx embeds or a saved page keeps beside it
//! (`页面_files/…`) are checked and named for the case's folder. Only the header is read for
//! the size (PNG, JPEG, GIF, WebP; nothing is decoded): an image over [`MAX_PIXELS`], with a
//! zero side, in another format or over [`MAX_IMAGE_BYTES`] is refused with a warning naming
//! it, and its reference leaves the Markdown. File names are sanitised to ASCII
//! (`图片 1.PNG` → `image.png`, repeats numbered), so nothing is written outside the case's
//! folder whatever the article names its images.

use crate::lang::Text;
use regex::Regex;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// More pixels than any photograph in an article needs (a 50-megapixel camera's full frame).
pub const MAX_PIXELS: u64 = 50_000_000;
/// One image's bytes, the same cap as an article file's.
pub const MAX_IMAGE_BYTES: u64 = super::read::MAX_BYTES;

/// Where an image referenced in the Markdown (`![alt](key)`) comes from.
#[derive(Debug)]
pub enum Source {
    /// Extracted from the .docx (already within the caps).
    Bytes(Vec<u8>),
    /// A local file beside the saved page, not read yet.
    File(PathBuf),
    /// Could not be taken; the reason.
    Refused(Text),
}

/// An image an article references: its key in the Markdown, the name it had, its bytes.
#[derive(Debug)]
pub struct Found {
    pub key: String,
    pub original: String,
    pub source: Source,
}

/// An image to write beside the case: its sanitised file name and bytes.
#[derive(Debug, Clone)]
pub struct Image {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The Markdown with the kept images' references pointing at their new names.
#[derive(Debug, Default)]
pub struct Gathered {
    pub markdown: String,
    pub images: Vec<Image>,
    pub warnings: Vec<Text>,
}

/// An image reference the readers write: `![alt](key)`, alone or inside a paragraph.
fn reference() -> Regex {
    Regex::new(r"!\[([^\]\n]*)\]\(([^)\s]+)\)").expect("a valid pattern")
}

/// Checks every found image, names the kept ones and rewrites their references; a refused
/// image's reference is removed and a warning names it.
pub fn gather(markdown: &str, found: Vec<Found>) -> Gathered {
    let mut out = Gathered::default();
    let mut named: Vec<(String, Option<String>)> = Vec::new();
    let mut taken = HashSet::new();
    for f in found {
        let checked = match f.source {
            Source::Bytes(bytes) => check(bytes),
            Source::File(path) => super::read::bytes(&path).and_then(check),
            Source::Refused(why) => Err(why),
        };
        match checked {
            Ok((bytes, ext)) => {
                let name = file_name(&f.original, ext, &mut taken);
                out.images.push(Image { name: name.clone(), bytes });
                named.push((f.key, Some(name)));
            }
            Err(why) => {
                out.warnings.push(Text::new(
                    format!("图片“{}”未导入：{}", f.original, why.zh),
                    format!("image `{}` not imported: {}", f.original, why.en),
                ));
                named.push((f.key, None));
            }
        }
    }
    out.markdown = reference()
        .replace_all(markdown, |c: &regex::Captures| match named.iter().find(|(key, _)| key == &c[2]) {
            Some((_, Some(name))) => format!("![{}]({name})", &c[1]),
            Some((_, None)) => String::new(),
            None => c[0].to_string(),
        })
        .into_owned();
    out
}

/// The image's format from its header, and its size, without decoding it.
fn check(bytes: Vec<u8>) -> Result<(Vec<u8>, &'static str), Text> {
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(Text::new("文件超过 50 MB", "the file is over 50 MB"));
    }
    let ext =
        match imagesize::image_type(&bytes) {
            Ok(imagesize::ImageType::Png) => "png",
            Ok(imagesize::ImageType::Jpeg) => "jpg",
            Ok(imagesize::ImageType::Gif) => "gif",
            Ok(imagesize::ImageType::Webp) => "webp",
            _ => return Err(Text::new(
                "不是网页可显示的 PNG、JPEG、GIF 或 WebP 图片；请另存为其中一种后放在案例文件夹中",
                "not a PNG, JPEG, GIF or WebP image a browser shows; save it as one of these into the case's folder",
            )),
        };
    let size = imagesize::blob_size(&bytes).map_err(|_| {
        Text::new("图片文件头已损坏，读不出尺寸", "the image's header is damaged: its size cannot be read")
    })?;
    let pixels = (size.width as u64).saturating_mul(size.height as u64);
    if size.width == 0 || size.height == 0 {
        return Err(Text::new(
            format!("文件头声明的尺寸 {}×{} 不合理", size.width, size.height),
            format!("its header declares an absurd size, {}×{}", size.width, size.height),
        ));
    }
    if pixels > MAX_PIXELS {
        return Err(Text::new(
            format!(
                "文件头声明的尺寸 {}×{}（{} 万像素）超过上限 5000 万像素；请缩小后放在案例文件夹中",
                size.width,
                size.height,
                pixels / 10_000
            ),
            format!(
                "its header declares {}×{} ({} megapixels), over the 50-megapixel limit; scale it down and put it in the case's folder",
                size.width,
                size.height,
                pixels / 1_000_000
            ),
        ));
    }
    Ok((bytes, ext))
}

/// An ASCII file name from the image's own: Chinese in pinyin (`活动照片` → `huo-dong-zhao-pian`),
/// letters, digits and `_` kept, the rest dropped; `image` when nothing is left; numbered
/// when the name is taken.
pub fn file_name(original: &str, ext: &str, taken: &mut HashSet<String>) -> String {
    let file = original.rsplit(['/', '\\']).next().unwrap_or(original);
    let stem = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let mut clean = String::new();
    for word in stem.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let ascii: String = word.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let part = if !word.is_ascii() { super::syllables::syllables(word).join("-") } else { ascii };
        if !part.is_empty() {
            if !clean.is_empty() {
                clean.push('-');
            }
            clean.push_str(&part.to_ascii_lowercase());
        }
    }
    let clean: String = clean.trim_matches('-').chars().take(60).collect();
    let stem = if clean.is_empty() || clean == "index" { "image".to_string() } else { clean };
    let mut n = 1;
    loop {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem}-{n}.{ext}") };
        if taken.insert(name.clone()) {
            return name;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG's signature and IHDR chunk declaring the size; no pixels.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn file_names_are_ascii_and_never_repeat() {
        let mut taken = HashSet::new();
        assert_eq!(file_name("word/media/image1.PNG", "png", &mut taken), "image1.png");
        assert_eq!(file_name("../../图片 1.png", "png", &mut taken), "tu-pian-1.png");
        assert_eq!(file_name("图片1.png", "png", &mut taken), "tu-pian-1-2.png");
        assert_eq!(file_name("a b/c..d.jpeg", "jpg", &mut taken), "c-d.jpg");
        assert_eq!(file_name("index.png", "png", &mut taken), "image.png");
        assert_eq!(file_name("…….png", "png", &mut taken), "image-2.png");
    }

    #[test]
    fn an_image_over_the_pixel_limit_or_of_no_size_is_refused_from_its_header() {
        assert_eq!(check(png_header(800, 600)).map(|(_, ext)| ext), Ok("png"));
        let huge = check(png_header(100_000, 100_000)).unwrap_err();
        assert!(huge.zh.contains("100000×100000"), "{}", huge.zh);
        assert!(check(png_header(0, 600)).is_err());
        assert!(check(b"<svg onload=alert(1)>".to_vec()).is_err());
    }

    #[test]
    fn a_refused_image_leaves_the_markdown_and_a_kept_one_is_renamed() {
        let found = vec![
            Found { key: "rId1".into(), original: "media/a.png".into(), source: Source::Bytes(png_header(10, 10)) },
            Found {
                key: "rId2".into(),
                original: "media/b.png".into(),
                source: Source::Bytes(png_header(1 << 20, 1 << 20)),
            },
        ];
        let g = gather("正文\n\n![甲](rId1)\n\n![乙](rId2)", found);
        assert_eq!(g.markdown, "正文\n\n![甲](a.png)\n\n");
        assert_eq!(g.images.len(), 1);
        assert!(g.warnings[0].zh.contains("media/b.png"));
    }
}
