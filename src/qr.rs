//! 扫码阅读: a QR code of a page's address, drawn at build time as inline SVG (no script, no
//! image request, no outside service), so a leader reading the printed case or a PC screen
//! can open the page on a phone.

use fast_qr::{QRBuilder, ECL};
use std::fmt::Write;

/// The QR code of `url` as an `<svg>` element with one path, scaled by CSS; None when `url`
/// is not an absolute http(s) address (a site without `base_url` has nothing to scan to).
pub fn svg(url: &str, label: &str) -> Option<String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    // fast_qr rather than qrcode: qrcode boxes a closure per module while it scores the eight
    // masks, 380 µs a code against fast_qr's 50 µs, and a site has one code per case page.
    let code = QRBuilder::new(url).ecl(ECL::M).build().ok()?;
    let width = code.size;
    // The standard quiet zone: four light modules around the symbol.
    let size = width + 8;
    let mut path = String::with_capacity(width * width);
    for y in 0..width {
        let row = &code[y][..width];
        let mut x = 0;
        while x < width {
            if row[x].value() {
                let run = row[x..].iter().take_while(|m| m.value()).count();
                // Written in place: a code has a few hundred runs, one page per case.
                let _ = write!(path, "M{} {}h{run}v1h-{run}z", x + 4, y + 4);
                x += run;
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        r##"<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="{}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##,
        crate::html_escape::escape_html(label)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_becomes_one_svg_path_with_a_quiet_zone() {
        let svg = svg("https://dj.example.cn/cases/a/", "扫码阅读“让我先来”").unwrap();
        assert!(svg.starts_with("<svg class=\"qr\""));
        assert!(svg.contains("aria-label=\"扫码阅读“让我先来”\""));
        // Version 2 or 3 for an address of this length: 25 or 29 modules, plus 8 of quiet zone.
        assert!(svg.contains("viewBox=\"0 0 33 33\"") || svg.contains("viewBox=\"0 0 37 37\""), "{svg}");
        // The finder pattern's top row: seven dark modules from the quiet zone's edge.
        assert!(svg.contains("M4 4h7v1h-7z"), "{svg}");
    }

    #[test]
    fn a_relative_address_has_no_code_and_a_label_cannot_break_out() {
        assert_eq!(svg("/cases/a/", "x"), None);
        assert!(!svg("https://a.cn/", "\"><script>").unwrap().contains("<script>"));
    }
}
