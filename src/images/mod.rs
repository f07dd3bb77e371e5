//! The images stage: every image under `content/` (covers, images in case bodies) processed
//! before the Markdown is rendered, so pages know each image's widths, size and WebP copies.
//!
//! - JPEG, PNG and WebP are decoded under limits, scaled to the widths of [`WIDTHS`] (never
//!   up) and encoded again, which strips their EXIF (GPS position, camera); the file published
//!   under the original name is the re-encoded widest copy (see `encode`).
//! - GIFs (often animated) are published as they are; only their size is read.
//! - SVGs are published as they are when they hold no script: an SVG opened on its own runs
//!   its `<script>` and `on…=` handlers on the site's origin, so such a file is an error.
//! - An image that cannot be decoded is an error naming the file (and, once the site model
//!   knows, the case using it: [`name_cases`]); the build reports it with all other errors.
//!
//! Results are kept in `SITE/.xianfeng/images/<hash>/`, keyed by a hash of the file's bytes
//! and of this stage's settings, so a rebuild does not redo them; `index.json` beside them
//! remembers each file's length, time and hash, so an untouched file is not even read again.
//! Like the build cache, the folder is always safe to delete, and `--no-cache` leaves it alone.

mod cache;
mod encode;

pub use cache::folder as cache_folder;
pub use encode::{Format, WIDTHS};

use crate::content::model::CaseMeta;
use crate::diagnostics::Diagnostic;
use crate::output::Entry;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Changes whenever `encode` publishes different files for the same input.
const PIPELINE_VERSION: &str = "images-1";

/// One file published for an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// File name in the image's output folder (`a.480w.jpg`; the widest copy keeps `a.jpg`).
    pub name: String,
    pub width: u32,
    pub height: u32,
    /// A WebP copy beside the original format.
    pub webp: bool,
    pub entry: Entry,
}

/// What the build publishes for one image file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// Of the file published under the original name; None for an SVG without a size.
    pub size: Option<(u32, u32)>,
    /// Every file published, smallest first, the original name among them; empty when the
    /// file is published as it is (GIF, SVG).
    pub files: Vec<Published>,
}

/// The processed images, by content path (`cases/x/cover.jpg`).
#[derive(Debug, Default)]
pub struct ImageSet {
    pub images: HashMap<String, Arc<Processed>>,
    /// Images that could not be processed (their error is among the diagnostics).
    pub failed: Vec<String>,
}

/// An image as a page shows it: its URL, size and the `srcset`s of its copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `a.480w.jpg 480w, a.jpg 1600w`; empty when there is one copy.
    pub srcset: String,
    /// The same for the WebP copies; empty when there are none.
    pub webp_srcset: String,
}

/// `sizes` of an image in a case's text column, and of a case cover.
pub const BODY_SIZES: &str = "(max-width: 48rem) 100vw, 48rem";

impl Processed {
    /// The picture of this image published at `src` (a URL ending with its file name).
    pub fn picture(&self, src: &str) -> Picture {
        let dir = src.rfind('/').map_or("", |i| &src[..=i]);
        let srcset = |webp: bool| {
            let files: Vec<&Published> = self.files.iter().filter(|f| f.webp == webp).collect();
            if files.len() < 2 && !webp {
                return String::new();
            }
            let encoded = |name: &str| percent_encoding::utf8_percent_encode(name, SRCSET_UNSAFE).to_string();
            files.iter().map(|f| format!("{dir}{} {}w", encoded(&f.name), f.width)).collect::<Vec<_>>().join(", ")
        };
        Picture {
            src: src.to_string(),
            width: self.size.map(|s| s.0),
            height: self.size.map(|s| s.1),
            srcset: srcset(false),
            webp_srcset: srcset(true),
        }
    }
}

/// Characters a file name cannot keep inside `srcset` (spaces and commas separate its parts).
const SRCSET_UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ').add(b',').add(b'"');

/// What kind of file an asset is, from its extension.
enum Kind {
    Raster(Format),
    Gif,
    Svg,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?;
    if let Some(format) = Format::of_extension(ext) {
        return Some(Kind::Raster(format));
    }
    match ext.to_ascii_lowercase().as_str() {
        "gif" => Some(Kind::Gif),
        "svg" => Some(Kind::Svg),
        _ => None,
    }
}

/// Processes every image among `assets` (paths relative to `site_root/content`), in
/// parallel, through the cache folder `cache` when there is one.
pub fn process_assets(site_root: &Path, assets: &[PathBuf], cache: Option<&Path>) -> (ImageSet, Vec<Diagnostic>) {
    let content = site_root.join("content");
    let index = cache.map(cache::Index::open);
    let jobs: Vec<(&PathBuf, Kind)> = assets.iter().filter_map(|a| Some((a, kind_of(a)?))).collect();
    let results: Vec<(String, Result<Processed, Diagnostic>)> = jobs
        .into_par_iter()
        .map(|(rel, kind)| {
            let key = rel.to_string_lossy().replace('\\', "/");
            let file = content.join(rel);
            let result = match kind {
                Kind::Raster(format) => raster(&file, format, cache.zip(index.as_ref())),
                Kind::Gif => passthrough(&file),
                Kind::Svg => svg(&file),
            };
            let shown = Path::new("content").join(rel);
            (key, result.map_err(|why| unreadable(&shown, &why)))
        })
        .collect();
    let mut set = ImageSet::default();
    let mut diagnostics = Vec::new();
    for (key, result) in results {
        match result {
            Ok(processed) => {
                set.images.insert(key, Arc::new(processed));
            }
            Err(d) => {
                diagnostics.push(d);
                set.failed.push(key);
            }
        }
    }
    if let (Some(dir), Some(index)) = (cache, index) {
        index.save(dir);
    }
    (set, diagnostics)
}

/// A JPEG, PNG or WebP: its copies from the cache, or made now (and cached).
fn raster(file: &Path, format: Format, cache: Option<(&Path, &cache::Index)>) -> Result<Processed, encode::Unreadable> {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some(hit) = cache.and_then(|(dir, index)| index.lookup(dir, file)) {
        return Ok(published(&name, hit));
    }
    let bytes = read(file)?;
    let hash = content_key(&bytes, format);
    if let Some(hit) = cache.and_then(|(dir, index)| index.lookup_hash(dir, file, &hash)) {
        return Ok(published(&name, hit));
    }
    let encoded = encode::process(&bytes, format)?;
    drop(bytes);
    let copies = match cache {
        Some((dir, index)) => index.store(dir, file, &hash, encoded),
        None => encoded.into_iter().map(cache::Copy::in_memory).collect(),
    };
    Ok(published(&name, copies))
}

fn content_key(bytes: &[u8], format: Format) -> String {
    let mut h = blake3::Hasher::new();
    h.update(PIPELINE_VERSION.as_bytes());
    h.update(format!("{format:?}").as_bytes());
    h.update(bytes);
    h.finalize().to_hex().to_string()
}

/// The published files of an image named `name`: the widest copy in its own format keeps the
/// name, the others get their width in theirs (`a.480w.jpg`, `a.1600w.webp`).
fn published(name: &str, copies: Vec<cache::Copy>) -> Processed {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let widest = copies.iter().filter(|c| !c.webp).map(|c| c.width).max();
    let mut size = None;
    let files = copies
        .into_iter()
        .map(|c| {
            let name = if !c.webp && Some(c.width) == widest {
                size = Some((c.width, c.height));
                name.to_string()
            } else {
                let ext = if c.webp { "webp" } else { ext };
                format!("{stem}.{}w.{ext}", c.width)
            };
            Published { name, width: c.width, height: c.height, webp: c.webp, entry: c.entry }
        })
        .collect();
    Processed { size, files }
}

/// A GIF, published as it is (an animation stays one); its size is read from its header.
fn passthrough(file: &Path) -> Result<Processed, encode::Unreadable> {
    let size = encode::dimensions(&read(file)?);
    if size.is_none() {
        return Err(encode::Unreadable {
            zh: "文件内容不是 GIF 图片，或已损坏".into(),
            en: "the file's contents are not a GIF image, or it is damaged".into(),
        });
    }
    Ok(Processed { size, files: Vec::new() })
}

/// An SVG, published as it is unless it holds anything that runs (see the module docs).
fn svg(file: &Path) -> Result<Processed, encode::Unreadable> {
    let bytes = read(file)?;
    let text = String::from_utf8_lossy(&bytes);
    if svg_runs_code(&text) {
        return Err(encode::Unreadable {
            zh: "SVG 图片里有脚本、事件属性（on…=）、javascript: 链接或嵌入的网页（foreignObject），不予发布".into(),
            en: "the SVG holds a script, an event attribute (on…=), a javascript: link or embedded HTML (foreignObject), and is not published".into(),
        });
    }
    Ok(Processed { size: svg_size(&text), files: Vec::new() })
}

fn read(file: &Path) -> Result<Vec<u8>, encode::Unreadable> {
    std::fs::read(file)
        .map_err(|e| encode::Unreadable {
            zh: format!("读不出文件：{e}"), en: format!("the file cannot be read: {e}")
        })
}

/// Whether an SVG holds a script, an event handler, a `javascript:` URL or embedded HTML.
pub fn svg_runs_code(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let has_handler = lower.match_indices("on").any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after: String = lower[i + 2..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let rest = lower[i + 2 + after.len()..].trim_start();
        before.is_some_and(|c| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            && !after.is_empty()
            && rest.starts_with('=')
    });
    lower.contains("<script")
        || lower.contains("javascript:")
        || lower.contains("<foreignobject")
        || lower.contains("<!entity")
        || has_handler
}

/// The size an SVG declares: its `viewBox`'s width and height, rounded.
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("viewBox=")? + "viewBox=".len();
    let quote = text[start..].chars().next()?;
    let rest = &text[start + 1..];
    let value = &rest[..rest.find(quote)?];
    let numbers: Vec<f64> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match numbers[..] {
        [_, _, w, h] if w >= 1.0 && h >= 1.0 && w < 1e6 && h < 1e6 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

fn unreadable(file: &Path, why: &encode::Unreadable) -> Diagnostic {
    let name = file.display();
    Diagnostic::error(
        "image-unreadable",
        file,
        (format!("图片 {name} 无法处理：{}", why.zh), format!("image {name} cannot be processed: {}", why.en)),
    )
    .hint((
        "用看图软件打开这张图片，另存为 JPEG 或 PNG 再放回原处；或从文章里去掉它",
        "open the image in an image viewer and save it again as JPEG or PNG in its place, or remove it from the text",
    ))
}

/// Adds to each image error the case that uses the image: the folder case it sits in, or the
/// case whose cover it is. `cases` is each case's source path and front matter: all this reads
/// of the site model, so images stays below the stage that builds it.
pub fn name_cases(diagnostics: &mut [Diagnostic], failed: &[String], cases: &[(&Path, &CaseMeta)]) {
    for d in diagnostics.iter_mut().filter(|d| d.code == "image-unreadable") {
        let key = d.file.strip_prefix("content").unwrap_or(&d.file).to_string_lossy().replace('\\', "/");
        if !failed.contains(&key) {
            continue;
        }
        let case = cases.iter().find(|(rel_path, meta)| {
            let case_key = rel_path.strip_prefix("content").unwrap_or(rel_path).to_string_lossy().replace('\\', "/");
            let folder = case_key.strip_suffix("index.md");
            let in_folder = folder.is_some_and(|f| key.starts_with(f));
            let dir = case_key.rsplit_once('/').map_or("", |(d, _)| d);
            let cover = meta.cover.as_ref().is_some_and(|cv| normalise_key(dir, &cv.src) == key);
            in_folder || cover
        });
        if let Some((rel_path, meta)) = case {
            let (title, path) = (&meta.title, rel_path.display());
            d.message.zh = format!("案例“{title}”（{path}）的{}", d.message.zh);
            d.message.en = format!("{} (in the case “{title}”, {path})", d.message.en);
        }
    }
}

/// `cases` + `img/../a.jpg` → `cases/a.jpg`.
fn normalise_key(dir: &str, src: &str) -> String {
    let mut parts: Vec<&str> = if src.starts_with('/') { Vec::new() } else { dir.split('/').collect() };
    for seg in src.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svgs_that_run_code_are_found() {
        assert!(svg_runs_code("<svg><script>alert(1)</script></svg>"));
        assert!(svg_runs_code("<svg onload=\"alert(1)\"></svg>"));
        assert!(svg_runs_code("<svg><a href=\"javascript:x\">a</a></svg>"));
        assert!(svg_runs_code("<svg><foreignObject><p>x</p></foreignObject></svg>"));
        assert!(!svg_runs_code(
            "<svg viewBox=\"0 0 10 10\"><path d=\"M0 0\" font=\"monospace\"/><text>online = yes</text></svg>"
        ));
    }

    #[test]
    fn svg_sizes_come_from_the_view_box() {
        assert_eq!(svg_size("<svg viewBox=\"0 0 120 60.4\">"), Some((120, 60)));
        assert_eq!(svg_size("<svg viewBox='0,0,10,20'>"), Some((10, 20)));
        assert_eq!(svg_size("<svg width=\"10\">"), None);
    }

    #[test]
    fn srcsets_list_every_copy_with_its_width() {
        let file = |name: &str, width, webp| Published {
            name: name.into(),
            width,
            height: width / 2,
            webp,
            entry: Entry::Bytes(Default::default()),
        };
        let processed = Processed {
            size: Some((1000, 500)),
            files: vec![file("a.480w.png", 480, false), file("a.480w.webp", 480, true), file("a 图.png", 1000, false)],
        };
        let p = processed.picture("/s/cases/x/a 图.png");
        assert_eq!(p.srcset, "/s/cases/x/a.480w.png 480w, /s/cases/x/a%20%E5%9B%BE.png 1000w");
        assert_eq!(p.webp_srcset, "/s/cases/x/a.480w.webp 480w");
        assert_eq!((p.width, p.height), (Some(1000), Some(500)));
    }

    #[test]
    fn cover_paths_resolve_like_links() {
        assert_eq!(normalise_key("cases/x", "cover.jpg"), "cases/x/cover.jpg");
        assert_eq!(normalise_key("cases", "../img/a.jpg"), "img/a.jpg");
    }
}
