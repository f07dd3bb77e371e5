//! Build time of a site with many phone photos, with the image cache cold and warm.
//!
//! `cargo bench --bench images -- [--photos 200] [--width 4000] [--height 3000] [--keep DIR]`
//!
//! Generates `--photos` noisy JPEGs (4000 × 3000 by default: what a phone takes) as covers and
//! body images of folder cases, then times, with the real binary (release):
//! 1. the first build (every photo decoded, scaled to three widths, encoded again);
//! 2. a build after one case's text changed (the photos come from `.xianfeng/images/`);
//! 3. the same build of the same site without photos, for what the images add to it.
//!
//! With `--keep DIR` the site is generated there and left for a look in a browser.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Args {
    photos: usize,
    width: u32,
    height: u32,
    keep: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args { photos: 200, width: 4000, height: 3000, keep: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut number = |d: usize| it.next().and_then(|v| v.parse().ok()).unwrap_or(d);
        match flag.as_str() {
            "--photos" => a.photos = number(a.photos),
            "--width" => a.width = number(a.width as usize) as u32,
            "--height" => a.height = number(a.height as usize) as u32,
            "--keep" => a.keep = it.next().map(PathBuf::from),
            // cargo bench passes `--bench`; ignore what is not ours.
            _ => {}
        }
    }
    a
}

/// A photo-like JPEG: smooth gradients under per-pixel noise, so it does not compress to
/// nothing (about what a phone writes at this size).
fn photo(seed: u32, w: u32, h: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 48) as i32 - 24;
        let shade = |base: u32, step: u32| ((base + step) % 200) as i32 + 28 + noise;
        let c = |v: i32| v.clamp(0, 255) as u8;
        image::Rgb([c(shade(x / 16, seed * 7)), c(shade(y / 12, seed * 13)), c(shade((x + y) / 24, seed))])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    image::DynamicImage::ImageRgb8(img).write_with_encoder(encoder).expect("encode photo");
    out
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// A site with `cases` folder cases; with photos, each case has a cover and a body image
/// (`photos` in all).
fn generate(root: &Path, args: &Args, with_photos: bool) {
    write(&root.join("site.yaml"), "title: 图片基准\nbase_url: https://dj.example.cn\n".as_bytes());
    let cases = args.photos.div_ceil(2);
    for i in 0..cases {
        let dir = root.join(format!("content/cases/case-{i:04}"));
        let has_body_photo = with_photos && 2 * i + 1 < args.photos;
        let cover = if with_photos { "cover: {src: cover.jpg, alt: 活动现场}\n" } else { "" };
        let body = if has_body_photo { "![现场](photo.jpg \"活动现场\")\n" } else { "" };
        let md = format!(
            "---\ntitle: 案例{i}\nbrand: 品牌{i}\norg: 机关{i}\ndate: 2024-05-01\n{cover}---\n\n正文第{i}篇。\n\n{body}"
        );
        write(&dir.join("index.md"), md.as_bytes());
        if with_photos {
            write(&dir.join("cover.jpg"), &photo(2 * i as u32, args.width, args.height));
        }
        if has_body_photo {
            write(&dir.join("photo.jpg"), &photo(2 * i as u32 + 1, args.width, args.height));
        }
    }
}

fn build(root: &Path) -> f64 {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_xianfeng")).arg("build").arg(root).output().expect("run xianfeng");
    let secs = started.elapsed().as_secs_f64();
    assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
    secs
}

/// Changes one case's text, so the next build is not skipped as unchanged.
fn touch_text(root: &Path, n: usize) {
    let file = root.join("content/cases/case-0000/index.md");
    let text = std::fs::read_to_string(&file).expect("read case");
    std::fs::write(&file, format!("{text}\n改动{n}。\n")).expect("write case");
}

fn main() {
    let args = args();
    let temp = tempfile::tempdir().expect("temp dir");
    let root = args.keep.clone().unwrap_or_else(|| temp.path().join("photos"));
    let started = Instant::now();
    generate(&root, &args, true);
    let bytes: u64 = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jpg"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "generated {} photos of {}×{} ({:.0} MB) in {:.1} s",
        args.photos,
        args.width,
        args.height,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("cores available: {cores} (a shared machine: other processes may take some)");
    let cold = build(&root);
    println!("first build (images processed):           {cold:.2} s");
    let mut warm = Vec::new();
    for n in 0..3 {
        touch_text(&root, n);
        warm.push(build(&root));
    }
    let unchanged = build(&root);
    let plain = temp.path().join("plain");
    generate(&plain, &args, false);
    build(&plain);
    let mut without = Vec::new();
    for n in 0..3 {
        touch_text(&plain, n);
        without.push(build(&plain));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (warm, without) = (median(&mut warm), median(&mut without));
    println!("rebuild after a text edit (images cached): {warm:.2} s (median of 3)");
    println!("same rebuild of the site without photos:  {without:.2} s (median of 3)");
    println!("what the cached images add to a rebuild:  {:.2} s", warm - without);
    println!("build with nothing changed (skipped):      {unchanged:.2} s");
}
