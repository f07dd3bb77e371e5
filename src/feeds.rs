//! Machine-read files: atom.xml, sitemap.xml and robots.txt.
//!
//! Absolute URLs here, as the standards ask. No build timestamps: the feed's `updated` is its
//! newest entry's date, so two builds of the same input are byte-identical.

use crate::site::Site;
use chrono::{NaiveDate, TimeZone};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Midnight of `date` in the site's timezone, as RFC 3339 (`2021-05-01T00:00:00+08:00`).
fn rfc3339(site: &Site, date: NaiveDate) -> String {
    let tz = site.config.tz();
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight).earliest() {
        Some(dt) => dt.to_rfc3339(),
        None => format!("{date}T00:00:00Z"),
    }
}

pub fn atom(site: &Site) -> String {
    let base = site.config.base_url_trimmed();
    let updated = site.cases.first().map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |c| rfc3339(site, c.meta.date));
    let mut out = String::with_capacity(4096);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n",
    );
    out.push_str(&format!("  <title>{}</title>\n", escape(&site.config.title)));
    if !site.config.description.is_empty() {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(&site.config.description)));
    }
    out.push_str(&format!("  <link href=\"{base}/atom.xml\" rel=\"self\" type=\"application/atom+xml\"/>\n"));
    out.push_str(&format!("  <link href=\"{base}/\"/>\n  <id>{base}/</id>\n  <updated>{updated}</updated>\n"));
    out.push_str("  <generator uri=\"https://crates.io/crates/xianfeng\">xianfeng</generator>\n");
    for case in site.cases.iter().take(site.config.feed_limit) {
        let link = site.permalink(&case.url);
        let date = rfc3339(site, case.meta.date);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", escape(&case.meta.title)));
        out.push_str(&format!("    <link href=\"{link}\"/>\n    <id>{link}</id>\n"));
        out.push_str(&format!("    <published>{date}</published>\n    <updated>{date}</updated>\n"));
        for org in &case.meta.org {
            out.push_str(&format!("    <author><name>{}</name></author>\n", escape(org)));
        }
        out.push_str(&format!("    <summary>{}</summary>\n", escape(&case.description)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Every HTML page of the output, with `lastmod` for cases.
pub fn sitemap(site: &Site, html_paths: &[(String, Option<NaiveDate>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, lastmod) in html_paths {
        out.push_str(&format!("  <url><loc>{}</loc>", escape(&site.permalink(url))));
        if let Some(d) = lastmod {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(site: &Site) -> String {
    if site.config.noindex {
        return "User-agent: *\nDisallow: /\n".to_string();
    }
    format!("User-agent: *\nAllow: /\nSitemap: {}/sitemap.xml\n", site.config.base_url_trimmed())
}
