//! The compilation PDFs (案例汇编): each compilation typeset by typst, as a library, into
//! `/compilations/<slug>/<slug>.pdf`, from the same site model as its web page.
//!
//! - `data` gathers what the PDF shows as plain values, `nodes` turns each body into a tree
//!   of nodes, and the template built into the binary (`template.typ`) walks them: text from
//!   content never reaches typst as code.
//! - `world` serves typst only that template, the data and the images the build published.
//! - `fonts` picks Chinese fonts from the machine; without any, the build warns (naming
//!   what to install) and makes no PDF, and the rest of the site is built as always.
//!
//! A PDF that cannot be made (a typst error, an image it cannot embed) is a warning naming
//! the compilation; it never stops the HTML site. Two builds of the same site give the same
//! bytes: the PDF's date is the compilation's `date`, its identifier its slug. A PDF whose
//! inputs did not change is taken from `SITE/.xianfeng/pdf/` (keyed by their hash) instead of
//! being typeset again; like the other caches, the folder is safe to delete.

mod data;
mod fonts;
mod nodes;
mod world;

pub use fonts::FONT_DIR_ENV;

use crate::diagnostics::Diagnostic;
use crate::output::Entry;
use crate::site::{Compilation, Site};
use fonts::Fonts;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use typst::foundations::Smart;
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;

/// The PDFs of a build and what went wrong making them.
#[derive(Default)]
pub struct Made {
    /// Output path → PDF bytes.
    pub files: Vec<(String, Vec<u8>)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The PDFs `serve` last served, by output path: a build deferring its PDFs (see
/// `BuildOptions::defer_pdfs`) serves these until they are made again.
#[derive(Default)]
pub struct LastPdfs(std::sync::Mutex<HashMap<String, bytes::Bytes>>);

impl LastPdfs {
    /// Remembers the PDFs of `site` that `output` serves, forgetting the others.
    pub fn remember(&self, site: &Site, output: &crate::output::Output) {
        let served = planned_paths(site).into_iter().filter_map(|(path, _)| {
            let bytes = match output.get(&path)? {
                Entry::Bytes(shared) => shared.clone(),
                other => bytes::Bytes::from(other.read().ok()?.into_owned()),
            };
            Some((path, bytes))
        });
        *self.lock() = served.collect();
    }

    /// The remembered PDFs of `site`'s compilations, as if made now.
    pub fn served(&self, site: &Site) -> Made {
        let last = self.lock();
        let files = planned_paths(site).into_iter().filter_map(|(path, _)| {
            let bytes = last.get(&path)?.to_vec();
            Some((path, bytes))
        });
        Made { files: files.collect(), diagnostics: Vec::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, bytes::Bytes>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The output paths the PDFs of `site` may take (for the build's check of output paths).
pub fn planned_paths(site: &Site) -> Vec<(String, &Compilation)> {
    if !site.config.pdf {
        return Vec::new();
    }
    site.compilations.iter().map(|c| (c.pdf_path(), c)).collect()
}

/// Makes the PDF of every compilation of `site` (none with `pdf: false`). `images` are the
/// build's processed images; `root` the site folder; `cache` the PDF cache folder, if kept.
pub fn make_all(site: &Site, images: &ServedImages, cache: Option<&Path>) -> Made {
    make(site, images, cache, &(0..site.compilations.len()).collect::<Vec<_>>())
}

/// Makes the PDFs of compilations `which` (indexes into `site.compilations`), as `make_all`
/// does (`serve`, after an edit to cases they print).
pub fn make(site: &Site, served: &ServedImages, cache: Option<&Path>, which: &[usize]) -> Made {
    let mut made = Made::default();
    if !site.config.pdf || which.is_empty() {
        return made;
    }
    let fonts = Fonts::discover();
    if !fonts.has_cjk() {
        made.diagnostics.push(no_font_warning(site));
        return made;
    }
    let own = &site.config.pdf_fonts;
    let missing = fonts.missing(own);
    if !missing.is_empty() {
        made.diagnostics.push(missing_font_warning(&served.root, &missing));
    }
    let chosen = fonts.choose(site.config.pdf_style, own);
    let hant = fonts.traditional(&chosen);
    let library = LazyHash::new(Library::default());
    let mut used = Vec::new();
    for c in which.iter().filter_map(|&i| site.compilations.get(i)) {
        let fonts_of = || (chosen.clone(), hant.clone());
        let none = BTreeSet::new();
        let book = data::book(site, c, fonts_of(), &data::Links::new(site, &served.by_url, &none));
        let json = match serde_json::to_vec(&book) {
            Ok(json) => json,
            Err(e) => {
                made.diagnostics.push(failed(c, &e.to_string()));
                continue;
            }
        };
        let key = cache_key(&json, &served.files);
        if let Some(bytes) = cache.and_then(|dir| std::fs::read(dir.join(format!("{key}.pdf"))).ok()) {
            used.push(key);
            made.files.push((c.pdf_path(), bytes));
            continue;
        }
        // An image typst cannot decode is left out (its description printed), not the PDF.
        let bad = undecodable_images(&book, served);
        let json = if bad.is_empty() {
            json
        } else {
            made.diagnostics.extend(bad.iter().map(|b| bad_image(site, c, b)));
            let urls: BTreeSet<String> = bad.into_iter().map(|b| b.url).collect();
            let book = data::book(site, c, fonts_of(), &data::Links::new(site, &served.by_url, &urls));
            serde_json::to_vec(&book).unwrap_or(json)
        };
        // Typst is not expected to panic; if it does, this compilation has no PDF and the
        // build goes on.
        let typeset = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            typeset(&library, &fonts, json, &served.files, c)
        }))
        .unwrap_or_else(|_| Err(failed(c, "typst stopped with an internal error")));
        match typeset {
            Ok(bytes) => {
                if let Some(dir) = cache {
                    store(dir, &key, &bytes);
                }
                used.push(key);
                made.files.push((c.pdf_path(), bytes));
            }
            Err(d) => made.diagnostics.push(d),
        }
    }
    // Only a build of every PDF knows which cached ones are still wanted.
    if let Some(dir) = cache.filter(|_| which.len() == site.compilations.len()) {
        sweep(dir, &used);
    }
    made
}

/// An image of a compilation that typst cannot decode, and the case showing it (None: the
/// compilation's own preface).
struct BadImage {
    case: Option<usize>,
    url: String,
    why: String,
}

/// The images `book` shows that typst cannot decode (each decoded once).
fn undecodable_images(book: &data::Book, served: &ServedImages) -> Vec<BadImage> {
    let shown =
        book.chapters.iter().flat_map(|ch| &ch.entries).flat_map(|e| e.images.iter().map(|u| (Some(e.case), u)));
    let mut verdicts: HashMap<&str, Option<String>> = HashMap::new();
    let mut bad = Vec::new();
    for (case, url) in book.preface_images.iter().map(|u| (None, u)).chain(shown) {
        let why = verdicts.entry(url.as_str()).or_insert_with(|| {
            let entry = served.by_url.get(url).and_then(|path| served.files.get(path));
            match entry.map(|e| e.read()) {
                Some(Ok(bytes)) => world::undecodable(&bytes),
                Some(Err(e)) => Some(e.to_string()),
                None => Some("not found".into()),
            }
        });
        if let Some(why) = why {
            bad.push(BadImage { case, url: url.clone(), why: why.clone() });
        }
    }
    bad
}

/// Changes whenever the same data would give a different PDF.
const PIPELINE_VERSION: &str = "pdf-1";

/// What a PDF is made from: its data (which names its fonts), the template, the typst
/// version, and the images it may show (a processed copy's path is named by its hash).
fn cache_key(json: &[u8], images: &HashMap<String, Entry>) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(PIPELINE_VERSION.as_bytes());
    hasher.update(world::TEMPLATE.as_bytes());
    hasher.update(json);
    let mut served: Vec<(&String, &Entry)> = images.iter().collect();
    served.sort_by_key(|(path, _)| *path);
    for (path, entry) in served {
        hasher.update(path.as_bytes());
        match entry {
            Entry::Copy(p) if p.components().any(|c| c.as_os_str() == ".xianfeng") => {
                hasher.update(p.to_string_lossy().as_bytes());
            }
            other => {
                hasher.update(&other.read().map(|b| b.into_owned()).unwrap_or_default());
            }
        }
    }
    hasher.finalize().to_hex().to_string()
}

/// Keeps a PDF in the cache folder: written under a temporary name and renamed, so a build
/// killed halfway leaves no half file (best effort: a cache that cannot be written is no error).
fn store(dir: &Path, key: &str, bytes: &[u8]) {
    let tmp = dir.join(format!(".tmp-{}-{key}", std::process::id()));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, dir.join(format!("{key}.pdf"))));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Removes the cached PDFs this build did not use.
fn sweep(dir: &Path, used: &[String]) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(key) = name.strip_suffix(".pdf") else { continue };
        let is_entry = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
        if is_entry && !used.iter().any(|u| u == key) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The cache folder of a site's PDFs.
pub fn cache_folder(site_root: &Path) -> std::path::PathBuf {
    site_root.join(".xianfeng").join("pdf")
}

/// The images of the site as the PDFs may show them: each at its widest processed copy
/// (print resolution), never a file outside the site folder.
pub struct ServedImages {
    root: std::path::PathBuf,
    /// Image URL on the site → served path.
    by_url: BTreeMap<String, String>,
    /// Served path → the file.
    files: HashMap<String, Entry>,
}

impl ServedImages {
    /// The images of `site` (in the folder `root`) from the build's processed `images`.
    pub fn of(site: &Site, root: &Path, images: &crate::images::ImageSet) -> ServedImages {
        let mut served = ServedImages { root: root.to_path_buf(), by_url: BTreeMap::new(), files: HashMap::new() };
        let content = root.join("content");
        let site_root = std::fs::canonicalize(root).ok();
        for (src, out) in &site.assets {
            let ext = out.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
            if !matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "gif" | "webp" | "svg") {
                continue;
            }
            let key = src.strip_prefix(&content).unwrap_or(src).to_string_lossy().replace('\\', "/");
            let widest = images
                .images
                .get(&key)
                .and_then(|p| p.files.iter().filter(|f| !f.webp).max_by_key(|f| f.width))
                .map(|f| f.entry.clone());
            let entry = widest.unwrap_or_else(|| Entry::Copy(src.clone()));
            // A file (or a link) leading out of the site folder is never read.
            if let Entry::Copy(path) = &entry {
                let inside =
                    site_root.as_ref().is_some_and(|r| std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(r)));
                if !inside {
                    continue;
                }
            }
            let path = format!("/images/{}.{ext}", served.files.len());
            served.by_url.insert(site.url(out), path.clone());
            served.files.insert(path, entry);
        }
        served
    }
}

/// Typesets one compilation; a warning naming it when typst cannot.
fn typeset(
    library: &LazyHash<Library>,
    fonts: &Fonts,
    json: Vec<u8>,
    images: &HashMap<String, Entry>,
    c: &Compilation,
) -> Result<Vec<u8>, Diagnostic> {
    let world = world::BookWorld::new(library, fonts, json, images, c.meta.date);
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        failed(c, &text.join("；"))
    })?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(format!("xianfeng-{}", c.slug)),
        creator: Smart::Custom(Some("xianfeng".into())),
        timestamp: None,
        page_ranges: None,
        standards: typst_pdf::PdfStandards::default(),
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        failed(c, &text.join("；"))
    })
}

fn failed(c: &Compilation, why: &str) -> Diagnostic {
    let title = &c.meta.title;
    Diagnostic::warning(
        "pdf",
        &c.rel_path,
        (
            format!("汇编《{title}》的 PDF 没有生成：{why}"),
            format!("the PDF of the compilation “{title}” was not made: {why}"),
        ),
    )
    .hint((
        "网页照常生成；检查汇编所收案例里的图片能否打开，改好后再构建一次",
        "the web pages are built as usual; check that the images of its cases open, then build again",
    ))
}

/// A warning on the case file (or the compilation's, for its preface) naming both.
fn bad_image(site: &Site, c: &Compilation, bad: &BadImage) -> Diagnostic {
    let BadImage { case, url, why } = bad;
    let title = &c.meta.title;
    let (file, zh_whose, en_whose) = match case.and_then(|i| site.cases.get(i)) {
        Some(case) => {
            let t = &case.meta.title;
            (case.rel_path.clone(), format!("案例《{t}》"), format!("the case “{t}”"))
        }
        None => (c.rel_path.clone(), "前言".to_string(), "the preface".to_string()),
    };
    Diagnostic::warning(
        "pdf-image",
        file,
        (
            format!("汇编《{title}》的 PDF 里，{zh_whose}的图片 `{url}` 无法嵌入（{why}），改印它的说明文字"),
            format!("in the PDF of the compilation “{title}”, the image `{url}` of {en_whose} cannot be embedded ({why}); its description is printed instead"),
        ),
    )
    .hint((
        "用图片软件打开这张图片，另存为 JPEG 或 PNG 后替换原文件；网页上的图片不受影响",
        "open the image in an image editor and save it again as JPEG or PNG; the web pages are not affected",
    ))
}

fn no_font_warning(site: &Site) -> Diagnostic {
    let first = site.compilations.first().map(|c| c.rel_path.clone()).unwrap_or_else(|| "site.yaml".into());
    Diagnostic::warning(
        "pdf-font",
        first,
        (
            "这台电脑上没有中文字体：案例汇编的 PDF 没有生成，网页照常生成",
            "this machine has no Chinese font: the compilations' PDFs were not made (the web pages are built as usual)",
        ),
    )
    .hint((
        "安装中文字体后再构建：Debian/Ubuntu 上运行 `apt-get install fonts-noto-cjk`，Windows 自带宋体、仿宋、黑体、楷体；不要 PDF 可在 site.yaml 写 `pdf: false`",
        "install Chinese fonts and build again: `apt-get install fonts-noto-cjk` on Debian/Ubuntu (Windows has SimSun, FangSong, SimHei and KaiTi); `pdf: false` in site.yaml turns the PDFs off",
    ))
}

fn missing_font_warning(root: &Path, missing: &[&str]) -> Diagnostic {
    let names = missing.join("、");
    let text = std::fs::read_to_string(root.join("site.yaml")).unwrap_or_default();
    let (line, column) = crate::config::setting_position(&text, "pdf_fonts");
    Diagnostic::warning(
        "pdf-font",
        "site.yaml",
        (
            format!("`pdf_fonts` 里的字体这台电脑上没有：{names}；PDF 改用其他中文字体"),
            format!("`pdf_fonts` names fonts this machine does not have: {names}; the PDF uses other Chinese fonts"),
        ),
    )
    .at(line, column)
    .field("pdf_fonts")
    .hint((
        "字体名要写字体自己的英文族名，例如 FangSong、SimSun、Noto Serif CJK SC（`fc-list : family` 可列出本机字体）",
        "write the font's own family name, e.g. FangSong, SimSun, Noto Serif CJK SC (`fc-list : family` lists the machine's fonts)",
    ))
}
