//! The fonts a compilation PDF is set in: found among the machine's fonts, chosen per role
//! (body 宋体/仿宋, headings 黑体, 楷体, the cover title), office fonts first (SimSun, FangSong,
//! SimHei, KaiTi), then Debian's Noto Serif/Sans CJK; site.yaml `pdf_fonts` puts its own
//! families in front.
//!
//! `XIANFENG_PDF_FONT_DIR` replaces the system font search with one folder (the tests point
//! it at an empty one to build on "a machine without Chinese fonts").

use crate::config::{PdfFonts, PdfStyle};
use serde::Serialize;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst_kit::fonts::FontStore;

/// The environment variable naming the only folder fonts are searched in.
pub const FONT_DIR_ENV: &str = "XIANFENG_PDF_FONT_DIR";

/// The machine's fonts, loaded lazily as typst asks for them.
pub struct Fonts {
    store: FontStore,
}

impl Fonts {
    /// The system's fonts, or those of `XIANFENG_PDF_FONT_DIR` when it is set.
    pub fn discover() -> Fonts {
        let mut store = FontStore::new();
        match std::env::var_os(FONT_DIR_ENV) {
            Some(dir) => store.extend(typst_kit::fonts::scan(std::path::Path::new(&dir))),
            None => store.extend(typst_kit::fonts::system()),
        }
        Fonts { store }
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    pub fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }

    /// Whether some font holds Chinese characters at all.
    pub fn has_cjk(&self) -> bool {
        let book = self.store.book();
        (0..).map_while(|i| book.info(i)).any(|info| info.coverage.contains('中' as u32))
    }

    /// Whether the machine has the family `name` (any case) holding Chinese characters.
    fn has_cjk_family(&self, name: &str) -> bool {
        let book = self.store.book();
        book.select_family(&name.to_lowercase())
            .any(|i| book.info(i).is_some_and(|info| info.coverage.contains('中' as u32)))
    }

    /// The families of each role, in the order typst tries them: those of site.yaml first,
    /// then the defaults of the style; only families the machine has.
    pub fn choose(&self, style: PdfStyle, own: &PdfFonts) -> Chosen {
        let pick = |own: &[String], defaults: &[&str]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for name in own.iter().map(String::as_str).chain(defaults.iter().copied()) {
                if self.has_cjk_family(name) && !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                    out.push(name.to_string());
                }
            }
            out
        };
        let body_defaults: &[&str] = match style {
            PdfStyle::Booklet => &BOOKLET_BODY,
            PdfStyle::Gbt9704 => &GBT_BODY,
        };
        Chosen {
            body: pick(&own.body, body_defaults),
            heading: pick(&own.heading, &HEADING),
            kai: pick(&own.kai, &KAI),
            title: pick(&own.title, &TITLE),
        }
    }

    /// The families of `own` the machine does not have (for a warning).
    pub fn missing<'a>(&self, own: &'a PdfFonts) -> Vec<&'a str> {
        let all = own.body.iter().chain(&own.heading).chain(&own.kai).chain(&own.title);
        all.map(String::as_str).filter(|name| !self.has_cjk_family(name)).collect()
    }
}

/// 宋体 for a booklet's text, 仿宋 for a 公文-like one.
const BOOKLET_BODY: [&str; 8] = [
    "SimSun",
    "NSimSun",
    "Songti SC",
    "STSong",
    "FangSong",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Noto Sans CJK SC",
];
const GBT_BODY: [&str; 8] = [
    "FangSong",
    "FangSong_GB2312",
    "STFangsong",
    "SimSun",
    "Songti SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Noto Sans CJK SC",
];
const HEADING: [&str; 6] =
    ["SimHei", "Heiti SC", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC"];
const KAI: [&str; 6] = ["KaiTi", "KaiTi_GB2312", "STKaiti", "Kaiti SC", "Noto Serif CJK SC", "Noto Sans CJK SC"];
/// 小标宋 for a 公文 title; a bold serif where it is missing.
const TITLE: [&str; 7] = [
    "FZXiaoBiaoSong-B05S",
    "FZXiaoBiaoSong-B05",
    "方正小标宋简体",
    "SimHei",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Noto Sans CJK SC",
];

/// The families of each role, as the template receives them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Chosen {
    pub body: Vec<String>,
    pub heading: Vec<String>,
    pub kai: Vec<String>,
    pub title: Vec<String>,
}

impl Fonts {
    /// The same roles for Traditional text: each Simplified Noto/Source family's Traditional
    /// sibling first (where the machine has it), so 臺 and 們 take their Traditional forms.
    pub fn traditional(&self, chosen: &Chosen) -> Chosen {
        let hant = |families: &[String]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for f in families {
                let sibling = f.strip_suffix(" SC").map(|base| format!("{base} TC"));
                if let Some(tc) = sibling.filter(|tc| self.has_cjk_family(tc)) {
                    out.push(tc);
                }
                out.push(f.clone());
            }
            out
        };
        Chosen {
            body: hant(&chosen.body),
            heading: hant(&chosen.heading),
            kai: hant(&chosen.kai),
            title: hant(&chosen.title),
        }
    }
}
