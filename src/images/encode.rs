//! One raster image in, its published files out: decoded under limits (a decompression bomb
//! or a truncated file is an error, never an out-of-memory kill), turned upright by its EXIF
//! orientation, scaled down to the widths of [`WIDTHS`] (never up) and encoded again.
//!
//! Encoding again is what strips EXIF (GPS position, camera, time): the encoders write only
//! the pixels and the colour profile. The file published under the original name is one of
//! these re-encoded files, never the original bytes.
//!
//! WebP: the `image` crate's WebP encoder is lossless only. A lossless WebP of a photo is
//! several times larger than its JPEG, so JPEG sources get no WebP; PNG sources get a WebP
//! beside each width where it is smaller than the PNG (screenshots and charts mostly are).

use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, Limits};
use std::io::Cursor;

/// Widths published for every raster image wider than them; the widest published copy is at
/// most the last.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// Largest width or height accepted (a 100-megapixel camera is 12,000 wide).
const MAX_SIDE: u32 = 20_000;

/// Largest decoder allocation: an 8,000 × 6,000 photo with alpha takes 192 MB.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// JPEG quality of the published copies (visually the same as a camera's, a third of its size).
const JPEG_QUALITY: u8 = 82;

/// Format of a raster image, from its file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    pub fn of_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }
}

/// One encoded file: its width and height and bytes.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    pub webp: bool,
    pub bytes: Vec<u8>,
}

/// Why an image could not be processed, in an editor's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub zh: String,
    pub en: String,
}

/// Decodes `bytes` and encodes every published copy, smallest first; the widest copy in
/// `format` is the one published under the original name.
pub fn process(bytes: &[u8], format: Format) -> Result<Vec<Encoded>, Unreadable> {
    let (image, icc) = decode(bytes)?;
    let image = upright_pixels(image);
    let (width, height) = (image.width(), image.height());
    let mut out = Vec::new();
    // Widest first, each smaller copy scaled from the one before (cheaper than from the
    // full photo, and as sharp: each step is less than 2.5×).
    let mut previous: Option<DynamicImage> = None;
    let mut encoded = Vec::new();
    for target in targets(width).into_iter().rev() {
        let h = scaled_height(width, height, target);
        let scaled = match &previous {
            _ if target == width => image.clone(),
            Some(p) => resize(p, target, h)?,
            None => resize(&image, target, h)?,
        };
        let main = encode(&scaled, format, icc.as_deref())?;
        // A lossless WebP pays for drawings, never for photos (see the module docs).
        let webp = match format {
            Format::Png => Some(encode(&scaled, Format::Webp, icc.as_deref())?).filter(|w| w.len() < main.len()),
            Format::Jpeg | Format::Webp => None,
        };
        let mut copies = vec![Encoded { width: target, height: h, webp: false, bytes: main }];
        copies.extend(webp.map(|webp| Encoded { width: target, height: h, webp: true, bytes: webp }));
        encoded.push(copies);
        previous = Some(scaled);
    }
    out.extend(encoded.into_iter().rev().flatten());
    Ok(out)
}

/// Width and height of an image without decoding its pixels (GIFs, which are published as
/// they are); None when the header cannot be read.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?.into_dimensions().ok()
}

/// The widths to publish for an image `width` wide: those of [`WIDTHS`] below it, and its own
/// width (at most the widest of them).
fn targets(width: u32) -> Vec<u32> {
    let widest = width.min(WIDTHS[WIDTHS.len() - 1]);
    let mut out: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < widest).collect();
    out.push(widest);
    out
}

fn scaled_height(width: u32, height: u32, target: u32) -> u32 {
    ((u64::from(height) * u64::from(target) + u64::from(width) / 2) / u64::from(width)).max(1) as u32
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// The pixels, turned by the EXIF orientation, and the colour profile.
fn decode(bytes: &[u8]) -> Result<(DynamicImage, Option<Vec<u8>>), Unreadable> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| io_error(&e))?;
    if reader.format().is_none() {
        return Err(Unreadable {
            zh: "文件内容不是 JPEG、PNG 或 WebP 图片（可能只是改了扩展名）".into(),
            en: "the file's contents are not a JPEG, PNG or WebP image (perhaps only its extension was changed)".into(),
        });
    }
    if reader.format() == Some(image::ImageFormat::Jpeg) && !jpeg_is_complete(bytes) {
        return Err(Unreadable {
            zh: "图片已损坏或不完整，无法解码：JPEG 文件在图像数据结束前就断了（可能没传完）".into(),
            en: "the image is damaged or incomplete and cannot be decoded: the JPEG ends before its image data does (perhaps an unfinished upload)".into(),
        });
    }
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| image_error(&e))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(&e))?;
    image.apply_orientation(orientation);
    Ok((image, icc))
}

/// Whether a JPEG's last scan is followed by its end marker. The decoder fills a truncated
/// file's missing rows with grey instead of failing; inside scan data every 0xFF byte is
/// followed by 0x00 or a restart marker, so an end marker after the last scan start means
/// the data is all there.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    last_scan.is_some_and(|start| bytes[start..].windows(2).any(|w| w == [0xFF, 0xD9]))
}

/// 8-bit RGB, or RGBA when the image has transparency: what the encoders and the resizer take.
fn upright_pixels(image: DynamicImage) -> DynamicImage {
    if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    }
}

fn resize(image: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage, Unreadable> {
    let (pixel_type, has_alpha) =
        if image.color().has_alpha() { (fr::PixelType::U8x4, true) } else { (fr::PixelType::U8x3, false) };
    let src = fr::images::ImageRef::new(image.width(), image.height(), image.as_bytes(), pixel_type)
        .map_err(|e| internal(&e))?;
    let mut dst = fr::images::Image::new(width, height, pixel_type);
    let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new().resize(&src, &mut dst, &options).map_err(|e| internal(&e))?;
    let buffer = dst.into_vec();
    let image = if has_alpha {
        image::RgbaImage::from_raw(width, height, buffer).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, buffer).map(DynamicImage::ImageRgb8)
    };
    image.ok_or_else(|| internal(&"resized buffer has the wrong size"))
}

fn encode(image: &DynamicImage, format: Format, icc: Option<&[u8]>) -> Result<Vec<u8>, Unreadable> {
    let mut out = Vec::new();
    let (w, h, colour) = (image.width(), image.height(), image.color().into());
    let result = match format {
        Format::Jpeg => {
            // JPEG has no alpha: a transparent JPEG source was made RGB by `upright_pixels`.
            let rgb;
            let pixels = if image.color().has_alpha() {
                rgb = DynamicImage::ImageRgb8(image.to_rgb8());
                &rgb
            } else {
                image
            };
            // jpeg-encoder (SIMD) takes a third of the time of `image`'s own JPEG encoder.
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
            if let Some(icc) = icc {
                let _ = encoder.add_icc_profile(icc);
            }
            let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
                return Err(internal(&"a JPEG is at most 65,535 pixels a side"));
            };
            let encoded = encoder.encode(pixels.as_bytes(), w16, h16, jpeg_encoder::ColorType::Rgb);
            return encoded.map(|()| out).map_err(|e| Unreadable {
                zh: format!("无法编码 JPEG：{e}"),
                en: format!("the JPEG cannot be encoded: {e}"),
            });
        }
        Format::Png => {
            let mut encoder = image::codecs::png::PngEncoder::new(&mut out);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder.write_image(image.as_bytes(), w, h, colour)
        }
        Format::Webp => {
            let mut encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder.write_image(image.as_bytes(), w, h, colour)
        }
    };
    result.map_err(|e| image_error(&e))?;
    Ok(out)
}

fn io_error(e: &std::io::Error) -> Unreadable {
    Unreadable { zh: format!("读不出文件：{e}"), en: format!("the file cannot be read: {e}") }
}

fn image_error(e: &image::ImageError) -> Unreadable {
    use image::error::{ImageError, LimitErrorKind};
    match e {
        ImageError::Limits(l) if matches!(l.kind(), LimitErrorKind::DimensionError) => Unreadable {
            zh: format!("图片声明的尺寸超过 {MAX_SIDE} × {MAX_SIDE} 像素，不予处理（可能是“解压炸弹”）"),
            en: format!(
                "the image declares a size beyond {MAX_SIDE} × {MAX_SIDE} pixels and is refused (it may be a decompression bomb)"
            ),
        },
        ImageError::Limits(_) => Unreadable {
            zh: format!("解码这张图片需要的内存超过 {} MB，不予处理", MAX_ALLOC / 1024 / 1024),
            en: format!("decoding this image needs more than {} MB and is refused", MAX_ALLOC / 1024 / 1024),
        },
        ImageError::Unsupported(_) => Unreadable {
            zh: format!("不支持这种图片格式：{e}"),
            en: format!("this kind of image is not supported: {e}"),
        },
        _ => Unreadable {
            zh: format!("图片已损坏或不完整，无法解码：{e}"),
            en: format!("the image is damaged or incomplete and cannot be decoded: {e}"),
        },
    }
}

fn internal(e: &dyn std::fmt::Display) -> Unreadable {
    Unreadable { zh: format!("缩放图片时出错：{e}"), en: format!("scaling the image failed: {e}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_never_upscaled() {
        assert_eq!(targets(4000), vec![480, 960, 1600]);
        assert_eq!(targets(1000), vec![480, 960, 1000]);
        assert_eq!(targets(960), vec![480, 960]);
        assert_eq!(targets(300), vec![300]);
    }

    #[test]
    fn heights_keep_the_aspect_ratio() {
        assert_eq!(scaled_height(4000, 3000, 480), 360);
        assert_eq!(scaled_height(1920, 1080, 960), 540);
        assert_eq!(scaled_height(5000, 1, 480), 1);
    }

    #[test]
    fn a_text_file_named_jpg_is_unreadable() {
        let err = process(b"hello, not an image", Format::Jpeg).unwrap_err();
        assert!(err.en.contains("not a JPEG"), "{err:?}");
    }

    #[test]
    fn a_png_is_reencoded_at_every_width() {
        let img = image::RgbImage::from_fn(1000, 500, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 7]));
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let out = process(&png, Format::Png).unwrap();
        let widths: Vec<(u32, u32, bool)> =
            out.iter().filter(|e| !e.webp).map(|e| (e.width, e.height, e.webp)).collect();
        assert_eq!(widths, vec![(480, 240, false), (960, 480, false), (1000, 500, false)]);
    }
}
