//! Content types by file extension, with `charset=utf-8` for every text type (the output is
//! UTF-8 throughout; without the charset, some browsers guess GBK for Chinese pages).

/// The `Content-Type` for an output key.
pub fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

pub fn is_html(key: &str) -> bool {
    content_type(key).starts_with("text/html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_carry_the_charset() {
        for key in
            ["index.html", "style.css", "search/search.js", "brands/brands.json", "atom.xml", "robots.txt", "logo.svg"]
        {
            assert!(content_type(key).ends_with("charset=utf-8"), "{key}");
        }
        assert_eq!(content_type("search/search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("cases/a/cover.JPG"), "image/jpeg");
        assert_eq!(content_type("fonts/x.woff2"), "font/woff2");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
        assert_eq!(content_type("a.b/c"), "application/octet-stream");
    }
}
