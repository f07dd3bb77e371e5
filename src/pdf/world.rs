//! The typst world of one compilation PDF: it serves the template built into the binary
//! (`/main.typ`), the compilation as data (`/data.json`) and the images the build registered
//! under `/images/…`, and nothing else: no other file of the machine, no package, nothing
//! from the network. A path typst asks for that is not among them is refused.

use super::fonts::Fonts;
use crate::output::Entry;
use std::collections::HashMap;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

/// The template every compilation PDF is typeset with.
pub const TEMPLATE: &str = include_str!("template.typ");

pub struct BookWorld<'a> {
    library: &'a LazyHash<Library>,
    fonts: &'a Fonts,
    main: Source,
    data: Bytes,
    /// Served path (`/images/3.jpg`) → the file, read when typst asks for it.
    images: &'a HashMap<String, Entry>,
    today: Option<Datetime>,
}

impl<'a> BookWorld<'a> {
    pub fn new(
        library: &'a LazyHash<Library>,
        fonts: &'a Fonts,
        data: Vec<u8>,
        images: &'a HashMap<String, Entry>,
        date: chrono::NaiveDate,
    ) -> BookWorld<'a> {
        use chrono::Datelike;
        BookWorld {
            library,
            fonts,
            main: Source::new(file_id("/main.typ"), TEMPLATE.to_string()),
            data: Bytes::new(data),
            images,
            today: Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8),
        }
    }
}

/// Why typst cannot decode the image `data`, if it cannot: it is then left out of the PDF
/// rather than failing it. Typst memoizes the decoding, so typesetting does not repeat it.
pub fn undecodable(data: &[u8]) -> Option<String> {
    use typst::visualize::{ImageFormat, RasterImage, SvgImage, VectorFormat};
    let bytes = Bytes::new(data.to_vec());
    match ImageFormat::detect(data) {
        Some(ImageFormat::Raster(format)) => RasterImage::plain(bytes, format).err().map(|e| e.to_string()),
        Some(ImageFormat::Vector(VectorFormat::Svg)) => SvgImage::new(bytes).err().map(|e| format!("{e:?}")),
        Some(ImageFormat::Vector(_)) | None => Some("not an image format typst reads".into()),
    }
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The served path of `id`: project files only, never a package's.
fn served_path(id: FileId) -> Option<&'static str> {
    let path: &'static RootedPath = id.get();
    match path.root() {
        VirtualRoot::Project => Some(path.vpath().get_with_slash()),
        VirtualRoot::Package(_) => None,
    }
}

impl World for BookWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match served_path(id) {
            Some("/main.typ") => Ok(Bytes::from_string(self.main.clone())),
            Some("/data.json") => Ok(self.data.clone()),
            Some(path) => {
                let entry = self.images.get(path).ok_or(FileError::AccessDenied)?;
                let bytes = entry.read().map_err(|e| FileError::from_io(e, std::path::Path::new(path)))?;
                Ok(Bytes::new(bytes.into_owned()))
            }
            None => Err(FileError::AccessDenied),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // The compilation's date: a PDF made twice is the same file.
        self.today
    }
}
