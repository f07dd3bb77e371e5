//! Images of cases, through the real binary: covers and body images published in several
//! widths with their size, srcset and WebP copies, EXIF stripped, titles as figcaptions,
//! hostile files refused with an error naming them, GIF and SVG published as they are.

mod common;

use common::{case, TestSite};
use std::io::Cursor;

/// Stands for the GPS position a phone writes into a photo's EXIF.
const GPS_MARK: &[u8] = b"GPSLatitude=22.27N;GPSLongitude=113.57E;Model=PhoneCam";

/// A noisy photo `w` × `h` as JPEG, with an EXIF block holding [`GPS_MARK`].
fn photo_with_gps(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 61;
        image::Rgb([(x % 190) as u8 + n as u8, (y % 180) as u8 + n as u8, 90])
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
    // APP1 "Exif" right after SOI: a big-endian TIFF header, an empty IFD, then the mark.
    let mut payload = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
    payload.extend_from_slice(GPS_MARK);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A flat drawing as PNG (what a chart or a screenshot is like).
fn drawing_png(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(
            w,
            h,
            |x, _| if x < w / 2 { image::Rgb([200, 16, 46]) } else { image::Rgb([255, 255, 255]) },
        );
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// A tiny PNG declaring 100,000 × 100,000 pixels (30 GB once decoded).
fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, &vec![0u8; 1 << 20]).unwrap();
    png_chunk(&mut out, b"IDAT", &z.finish().unwrap());
    png_chunk(&mut out, b"IEND", b"");
    out
}

fn gif_animation() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        enc.set_repeat(image::codecs::gif::Repeat::Infinite).unwrap();
        for shade in [0u8, 255] {
            let frame = image::RgbaImage::from_pixel(20, 10, image::Rgba([shade, 0, 0, 255]));
            enc.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    out
}

fn folder_case(site: &TestSite, extra: &str, body: &str) {
    site.write("content/cases/x/index.md", &case("先锋案例", "先锋品牌", "某机关党委", "2024-05-01", extra, body));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every `<img …>` tag of a page.
fn img_tags(html: &str) -> Vec<&str> {
    html.match_indices("<img ").map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()]).collect()
}

#[test]
fn a_cover_is_published_in_three_widths_with_its_size_and_without_its_gps() {
    let site = TestSite::new(&[]);
    folder_case(&site, "cover: {src: cover.jpg, alt: 活动现场}\n", "正文。\n");
    site.write_bytes("content/cases/x/cover.jpg", &photo_with_gps(2000, 1125));
    site.build_ok(&[]);
    let published = std::fs::read(site.public().join("cases/x/cover.jpg")).unwrap();
    assert!(!contains(&published, GPS_MARK) && !contains(&published, b"Exif\0\0"), "EXIF left in cover.jpg");
    let decoded = image::load_from_memory(&published).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1600, 900), "widest copy is 1600 wide");
    for (file, width) in [("cover.480w.jpg", 480), ("cover.960w.jpg", 960)] {
        let bytes = std::fs::read(site.public().join("cases/x").join(file)).unwrap();
        assert_eq!(image::load_from_memory(&bytes).unwrap().width(), width, "{file}");
        assert!(!contains(&bytes, GPS_MARK));
    }
    let page = site.read("cases/x/index.html");
    let cover = img_tags(&page).into_iter().find(|t| t.contains("cover.jpg")).expect("cover img");
    assert!(cover.contains("width=\"1600\" height=\"900\""), "{cover}");
    assert!(
        cover.contains("/cases/x/cover.480w.jpg 480w, /cases/x/cover.960w.jpg 960w, /cases/x/cover.jpg 1600w"),
        "{cover}"
    );
    // A photo gets no lossless WebP: it would be several times the JPEG.
    assert!(!site.exists("cases/x/cover.1600w.webp"));
}

#[test]
fn every_img_of_a_case_page_has_a_size_and_a_title_becomes_a_figcaption() {
    let site = TestSite::new(&[]);
    let body = "正文。\n\n![组织架构图](chart.png \"图1 组织架构\")\n\n行内![小图](dot.png)图。\n\n![动图](anim.gif)\n\n![标志](logo.svg)\n";
    folder_case(&site, "cover: {src: cover.jpg}\n", body);
    site.write_bytes("content/cases/x/cover.jpg", &photo_with_gps(1280, 720));
    site.write_bytes("content/cases/x/chart.png", &drawing_png(1200, 800));
    site.write_bytes("content/cases/x/dot.png", &drawing_png(40, 40));
    site.write_bytes("content/cases/x/anim.gif", &gif_animation());
    site.write(
        "content/cases/x/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 120 60\"><rect width=\"120\" height=\"60\"/></svg>",
    );
    site.build_ok(&[]);
    let page = site.read("cases/x/index.html");
    let tags = img_tags(&page);
    assert!(tags.len() >= 5, "{page}");
    for tag in &tags {
        assert!(tag.contains(" width=\"") && tag.contains(" height=\""), "img without a size: {tag}");
    }
    assert!(
        page.contains(
            "<figure class=\"figure\"><picture><source type=\"image/webp\" srcset=\"/cases/x/chart.480w.webp 480w"
        ),
        "{page}"
    );
    assert!(page.contains("<figcaption>图1 组织架构</figcaption></figure>"), "{page}");
    assert!(page
        .contains("srcset=\"/cases/x/chart.480w.png 480w, /cases/x/chart.960w.png 960w, /cases/x/chart.png 1200w\""));
    // The lossless WebP of a drawing is smaller than its PNG: it is published beside it.
    let webp = std::fs::read(site.public().join("cases/x/chart.1200w.webp")).unwrap();
    assert!(webp.len() < std::fs::read(site.public().join("cases/x/chart.png")).unwrap().len());
    // An image among text keeps its paragraph.
    assert!(
        page.contains("<p>行内<picture><source type=\"image/webp\" srcset=\"/cases/x/dot.40w.webp 40w\""),
        "{page}"
    );
    // GIF and SVG are published byte for byte, with the size they declare.
    assert_eq!(std::fs::read(site.public().join("cases/x/anim.gif")).unwrap(), gif_animation());
    assert!(page.contains("src=\"/cases/x/anim.gif\" width=\"20\" height=\"10\""), "{page}");
    assert!(page.contains("src=\"/cases/x/logo.svg\" width=\"120\" height=\"60\""), "{page}");
}

#[test]
fn hostile_images_are_errors_naming_each_file_and_the_case_reported_together() {
    let site = TestSite::new(&[]);
    folder_case(&site, "cover: {src: bomb.png}\n", "![截断](cut.jpg)\n\n![假图](fake.jpg)\n\n![脚本](evil.svg)\n");
    site.write_bytes("content/cases/x/bomb.png", &png_bomb());
    let jpeg = photo_with_gps(800, 600);
    site.write_bytes("content/cases/x/cut.jpg", &jpeg[..jpeg.len() / 3]);
    site.write("content/cases/x/fake.jpg", "<html>这不是图片</html>");
    site.write("content/cases/x/evil.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");
    let (ok, stderr) = site.build(&[]);
    assert!(!ok, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for file in ["bomb.png", "cut.jpg", "fake.jpg", "evil.svg"] {
        assert!(stderr.contains(&format!("content/cases/x/{file}")), "{file} not named:\n{stderr}");
    }
    assert!(stderr.contains("decompression bomb"), "{stderr}");
    assert!(stderr.contains("damaged or incomplete"), "{stderr}");
    assert!(stderr.contains("not a JPEG, PNG or WebP image"), "{stderr}");
    assert!(stderr.contains("the SVG holds a script"), "{stderr}");
    assert_eq!(
        stderr.matches("(in the case “先锋案例”, content/cases/x/index.md)").count(),
        4,
        "the case is named:\n{stderr}"
    );
    assert!(!site.exists("cases/x/index.html"), "a failed build publishes nothing");
}

#[test]
fn image_errors_are_in_chinese_by_default() {
    let site = TestSite::new(&[]);
    folder_case(&site, "", "![假图](fake.jpg)\n");
    site.write("content/cases/x/fake.jpg", "not an image");
    let out = common::xianfeng_zh().arg("build").arg(site.root()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("图片 content/cases/x/fake.jpg 无法处理：文件内容不是 JPEG、PNG 或 WebP 图片"), "{stderr}");
    assert!(stderr.contains("案例“先锋案例”（content/cases/x/index.md）的图片"), "{stderr}");
}

#[test]
fn a_rebuild_takes_the_processed_images_from_the_cache() {
    let site = TestSite::new(&[]);
    folder_case(&site, "cover: {src: cover.jpg}\n", "正文。\n");
    site.write_bytes("content/cases/x/cover.jpg", &photo_with_gps(1000, 600));
    site.build_ok(&[]);
    let cache = site.root().join(".xianfeng/images");
    let entries: Vec<_> = std::fs::read_dir(&cache).unwrap().flatten().filter(|e| e.path().is_dir()).collect();
    assert_eq!(entries.len(), 1, "one cached image");
    let meta = entries[0].path().join("meta.json");
    let stored = std::fs::metadata(&meta).unwrap().modified().unwrap();
    folder_case(&site, "cover: {src: cover.jpg}\n", "正文改了。\n");
    site.build_ok(&[]);
    assert_eq!(std::fs::metadata(&meta).unwrap().modified().unwrap(), stored, "processed again");
    assert!(site.read("cases/x/index.html").contains("正文改了"));
    // A changed image is processed again, and the old entry goes.
    site.write_bytes("content/cases/x/cover.jpg", &photo_with_gps(700, 400));
    site.build_ok(&[]);
    assert!(!meta.exists(), "the old entry is removed");
    assert!(site.read("cases/x/index.html").contains("width=\"700\" height=\"400\""));
}

/// Sets a file's modification time `secs_ago` seconds in the past.
fn age(path: &std::path::Path, secs_ago: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(secs_ago);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(when).unwrap();
}

#[test]
fn an_untouched_large_photo_is_not_read_again_but_an_edit_of_the_same_length_is_seen() {
    let site = TestSite::new(&[]);
    folder_case(&site, "cover: {src: cover.jpg}\n", "正文。\n");
    let photo = photo_with_gps(1200, 900);
    assert!(photo.len() >= 256 * 1024, "large enough to be recorded by length and time");
    site.write_bytes("content/cases/x/cover.jpg", &photo);
    let cover = site.root().join("content/cases/x/cover.jpg");
    age(&cover, 3600);
    site.build_ok(&[]);
    assert!(site.build_ok(&[]).contains("nothing changed"), "an untouched site is not built again");
    // Same length, other pixels, another time: built again with the new image.
    let mut edited = photo.clone();
    let middle = edited.len() / 2;
    edited[middle..middle + 64].iter_mut().for_each(|b| *b = if *b == 0xFF { 0xFE } else { *b ^ 0x01 });
    site.write_bytes("content/cases/x/cover.jpg", &edited);
    age(&cover, 1800);
    let second = site.build_ok(&[]);
    assert!(!second.contains("nothing changed"), "{second}");
}
