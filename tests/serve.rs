//! `xianfeng serve` for real: the binary on an ephemeral port of 127.0.0.1, files edited on
//! disk, pages fetched over HTTP with a raw client (so traversal attempts reach the server
//! exactly as written). Every wait is bounded; the server is killed when a test ends.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xianfeng::pipeline::{build_output, BuildOptions};
use xianfeng::serve::{INJECT_END, INJECT_START};

const WAIT: Duration = Duration::from_secs(20);

/// Templates that do not depend on the default theme: every page names its template and shows
/// base_url, so tests can tell pages apart and see the local base_url.
fn templates() -> Vec<(String, String)> {
    let names = [
        "index",
        "brands",
        "cases",
        "case",
        "taxonomy_list",
        "taxonomy_term",
        "compilations",
        "compilation",
        "page",
        "search",
        "404",
        "alias",
    ];
    names
        .iter()
        .map(|n| {
            let body = match *n {
                "case" => "<article><h2>{{ case.title }}</h2>{{ case.content | safe }}</article>",
                "index" => "{% for c in latest %}<a href=\"{{ c.url }}\">{{ c.title }}</a>{% endfor %}",
                _ => "",
            };
            let html = format!(
                "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{{{ site.title }}}}</title>\
                 <link rel=\"stylesheet\" href=\"{{{{ asset(path='style.css') }}}}\"></head><body><h1>{n}</h1>{body}\
                 <p class=\"base\">{{{{ site.base_url | safe }}}}</p></body></html>\n"
            );
            (format!("templates/{n}.html"), html)
        })
        .collect()
}

fn site() -> TestSite {
    let site = TestSite::new(&[]);
    for (path, text) in templates() {
        site.write(&path, &text);
    }
    site.write("static/style.css", "body { color: #b00; }\n");
    site.write("content/cases/a.md", &case("让我先来", "先锋", "珠海市财政局", "2021-05-01", "", "甲案例正文 v1"));
    site.write("content/cases/b.md", &case("乙案例", "红帆", "珠海市税务局", "2022-03-01", "", "乙案例正文"));
    site
}

/// The running server; killed on drop so a failed assertion never leaks a process.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &TestSite, extra: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("xianfeng"))
            .arg("serve")
            .arg(site.root())
            .args(["--port", "0"])
            .args(extra)
            .env_remove("CI")
            .env("XIANFENG_LANG", "en")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start xianfeng serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        let mut server = Server { child, port: 0, stderr };
        let port = line
            .trim()
            .strip_prefix("serving on http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|p| p.parse().ok());
        server.port = port.unwrap_or_else(|| panic!("unexpected first line {line:?}; stderr:\n{}", server.log()));
        server
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> Response {
        get(self.port, path)
    }

    /// Polls `path` until `check` holds; panics with the last response after WAIT.
    fn wait_for(&self, path: &str, what: &str, check: impl Fn(&Response) -> bool) -> Response {
        let started = Instant::now();
        loop {
            let r = self.get(path);
            if check(&r) {
                return r;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "timed out waiting for {what} at {path}; last: {} {}\nserver log:\n{}",
                    r.status,
                    r.text(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Polls the server's log until `check` holds; panics with the log after WAIT. The server
    /// logs a build after publishing it, and its stderr reaches the test through a pipe, so a
    /// page can be served before the line that tells how it was made has arrived here.
    fn wait_for_log(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let log = self.log();
            if check(&log) {
                return log;
            }
            if started.elapsed() > WAIT {
                panic!("timed out waiting for {what} in the server log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

/// A minimal HTTP/1.1 GET: the path goes on the wire as given.
fn get(port: u16, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse(&raw)
}

fn parse(raw: &[u8]) -> Response {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response { status, headers, body: raw[split + 4..].to_vec() }
}

/// The page as built, without what the server injects.
fn strip_injected(html: &str) -> String {
    let mut out = html.to_string();
    while let Some(start) = out.find(INJECT_START) {
        let Some(end) = out[start..].find(INJECT_END) else { break };
        out.replace_range(start..start + end + INJECT_END.len(), "");
    }
    out
}

/// Writes like an editor's atomic save: a temp file beside the target, renamed over it.
fn atomic_save(site: &TestSite, rel: &str, text: &str) {
    let target = site.root().join(rel);
    let temp = target.with_file_name(format!(".{}.tmp", target.file_name().unwrap().to_string_lossy()));
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, &target).unwrap();
}

#[test]
fn serves_pages_with_local_base_url_types_and_no_store() {
    let site = site();
    let server = Server::start(&site, &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", server.log());
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(home.header("cache-control"), "no-store");
    let text = home.text();
    assert!(text.contains(&format!("http://127.0.0.1:{}", server.port)), "base_url not rewritten: {text}");
    assert!(text.contains("/__xianfeng/events") || text.contains("/__xianfeng/worker.js"), "no reload script");
    assert!(!text.contains("xianfeng-overlay"));

    let case = server.get("/cases/a/");
    assert_eq!(case.status, 200);
    assert!(case.text().contains("甲案例正文 v1"));
    let css = server.get("/style.css");
    assert_eq!((css.status, css.header("content-type")), (200, "text/css; charset=utf-8"));
    assert_eq!(css.text(), "body { color: #b00; }\n");
    assert_eq!(server.get("/robots.txt").header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(server.get("/sitemap.xml").header("content-type"), "application/xml; charset=utf-8");
    assert_eq!(server.get("/__xianfeng/worker.js").header("content-type"), "text/javascript; charset=utf-8");

    let redirect = server.get("/cases/a?x=1");
    assert_eq!((redirect.status, redirect.header("location")), (301, "/cases/a/?x=1"));
}

#[test]
fn unknown_paths_get_the_404_page_with_status_404() {
    let site = site();
    let server = Server::start(&site, &[]);
    let r = server.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
    assert!(r.text().contains("<h1>404</h1>"), "{}", r.text());
    assert!(r.text().contains(INJECT_START), "the 404 page reloads too");
    assert_eq!(server.get("/missing.css").status, 404);
}

#[test]
fn traversal_attempts_are_refused() {
    let site = site();
    site.write("secret.txt", "TOP-SECRET");
    let server = Server::start(&site, &[]);
    for path in [
        "/../Cargo.toml",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsite.yaml",
        "/..%2Fsecret.txt",
        "/cases/..%2f..%2fsecret.txt",
        "/a\\..\\b",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/index.html%00",
        "/cases/../../secret.txt",
        "/site.yaml",
        "/content/cases/a.md",
        "/secret.txt",
    ] {
        let r = server.get(path);
        assert!(matches!(r.status, 400 | 404), "{path}: status {}", r.status);
        let text = r.text();
        assert!(
            !text.contains("TOP-SECRET") && !text.contains("[package]") && !text.contains("base_url:"),
            "{path} leaked: {text}"
        );
    }
}

#[test]
fn an_edit_is_served_and_matches_a_fresh_build_file_by_file() {
    let site = site();
    let server = Server::start(&site, &[]);
    assert!(server.get("/cases/a/").text().contains("v1"));
    atomic_save(
        &site,
        "content/cases/a.md",
        &case("让我先来", "先锋", "珠海市财政局", "2021-05-01", "", "甲案例正文 v2"),
    );
    server.wait_for("/cases/a/", "the edit", |r| r.text().contains("甲案例正文 v2"));
    site.write("content/cases/c.md", &case("丙案例", "丙", "珠海市教育局", "2020-01-01", "", "丙案例正文"));
    server.wait_for("/cases/c/", "a created case", |r| r.status == 200);
    site.write(
        "templates/case.html",
        "<!DOCTYPE html><html><body><h1>case v2</h1>{{ case.title }}{{ case.content | safe }}</body></html>\n",
    );
    server.wait_for("/cases/b/", "a template edit", |r| r.text().contains("case v2"));
    // A link to a page that does not exist yet: an error, then resolved once the page exists,
    // though the linking file did not change (the Markdown cache must notice).
    site.write(
        "content/cases/c.md",
        &case("丙案例", "丙", "珠海市教育局", "2020-01-01", "", "见[丁案例](@/cases/d.md)"),
    );
    server.wait_for("/cases/a/", "the broken link's overlay", |r| r.text().contains("xianfeng-overlay"));
    site.write("content/cases/d.md", &case("丁案例", "丁", "珠海市教育局", "2020-02-01", "", "丁案例正文"));
    server.wait_for("/cases/d/", "the link target", |r| r.status == 200 && !r.text().contains("xianfeng-overlay"));
    std::fs::rename(site.root().join("content/cases/d.md"), site.root().join("content/cases/e.md")).unwrap();
    server.wait_for("/cases/a/", "the renamed target's overlay", |r| r.text().contains("xianfeng-overlay"));
    site.write(
        "content/cases/c.md",
        &case("丙案例", "丙", "珠海市教育局", "2020-01-01", "", "见[戊案例](@/cases/e.md)"),
    );
    server.wait_for("/cases/c/", "the fixed link", |r| {
        r.text().contains("/cases/e/") && !r.text().contains("xianfeng-overlay")
    });

    let fresh = fresh_build(&site, &server);
    assert_serves_every_file_of(&server, &fresh);
}

#[test]
fn a_broken_file_shows_the_overlay_keeps_the_last_pages_and_recovers() {
    let site = site();
    let server = Server::start(&site, &[]);
    let good = server.get("/cases/b/").text();
    site.write(
        "content/cases/a.md",
        "---\ntitle: 让我先来\nbrand: [先锋\norg: 珠海市财政局\ndate: 2021-05-01\n---\n正文\n",
    );
    let broken = server.wait_for("/cases/b/", "the overlay", |r| r.text().contains("xianfeng-overlay"));
    let text = broken.text();
    assert_eq!(broken.status, 200, "the last good page is still served");
    assert!(text.contains("content/cases/a.md:"), "overlay names file:line: {text}");
    assert_eq!(strip_injected(&text), strip_injected(&good), "the last good page, unchanged");
    let overlay_at = text.find("xianfeng-overlay").unwrap();
    assert!(overlay_at < text.find("<h1>case</h1>").unwrap(), "overlay comes before the page's content");
    assert!(server.get("/no/such/").text().contains("xianfeng-overlay"), "the 404 page shows it too");
    server.wait_for_log("the terminal naming file:line", |log| log.contains("content/cases/a.md:"));

    site.write("content/cases/a.md", &case("让我先来", "先锋", "珠海市财政局", "2021-05-01", "", "修好了"));
    server.wait_for("/cases/a/", "the fix", |r| r.text().contains("修好了") && !r.text().contains("xianfeng-overlay"));
    assert!(!server.get("/").text().contains("xianfeng-overlay"));
}

#[test]
fn a_template_that_includes_itself_shows_the_overlay_and_the_server_keeps_serving() {
    let site = site();
    let server = Server::start(&site, &[]);
    site.write("templates/case.html", "<html><body>{{ case.title }}\n{% include \"case.html\" %}</body></html>\n");
    let r = server.wait_for("/cases/a/", "the overlay", |r| r.text().contains("xianfeng-overlay"));
    assert!(r.text().contains("templates/case.html:2:"), "{}", r.text());
    site.write("templates/case.html", "<html><body>fixed {{ case.title }}</body></html>\n");
    server.wait_for("/cases/a/", "the fix", |r| {
        r.text().contains("fixed 让我先来") && !r.text().contains("xianfeng-overlay")
    });
}

#[test]
fn a_template_error_shows_the_overlay_escaped() {
    let site = site();
    let server = Server::start(&site, &[]);
    site.write("templates/case.html", "<html><body>{{ case.title </body></html>\n");
    let r = server.wait_for("/cases/a/", "the overlay", |r| r.text().contains("xianfeng-overlay"));
    let text = r.text();
    assert!(text.contains("templates/case.html"), "{text}");
    let overlay = &text[text.find("xianfeng-overlay").unwrap()..text.find(INJECT_END).unwrap()];
    assert!(!overlay.contains("<body>{{"), "template source must be escaped in the overlay");
    site.write("templates/case.html", "<html><body>fixed {{ case.title }}</body></html>\n");
    server.wait_for("/cases/a/", "the fix", |r| {
        r.text().contains("fixed 让我先来") && !r.text().contains("xianfeng-overlay")
    });
}

#[test]
fn deleted_and_renamed_cases_disappear_and_move() {
    let site = site();
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/cases/b/").status, 200);
    std::fs::remove_file(site.root().join("content/cases/b.md")).unwrap();
    let gone = server.wait_for("/cases/b/", "the deletion", |r| r.status == 404);
    assert!(gone.text().contains("<h1>404</h1>"));
    std::fs::rename(site.root().join("content/cases/a.md"), site.root().join("content/cases/renamed.md")).unwrap();
    server.wait_for("/cases/renamed/", "the renamed case", |r| r.status == 200 && r.text().contains("甲案例正文"));
    assert_eq!(server.get("/cases/a/").status, 404);
}

#[test]
fn a_burst_of_files_is_picked_up_in_few_builds() {
    let site = site();
    let server = Server::start(&site, &[]);
    for i in 0..200 {
        site.write(
            &format!("content/cases/burst-{i:03}.md"),
            &case(&format!("批量 {i}"), "批", "珠海市", "2020-01-01", "", "x"),
        );
    }
    server.wait_for("/cases/burst-199/", "the last file of the burst", |r| r.status == 200);
    server.wait_for("/cases/burst-000/", "the first file of the burst", |r| r.status == 200);
    let rebuilds = server.log().lines().filter(|l| l.contains(" pages in ")).count();
    assert!(rebuilds <= 20, "{rebuilds} rebuilds for one burst:\n{}", server.log());
}

#[test]
fn editor_temp_files_do_not_trigger_builds() {
    let site = site();
    let server = Server::start(&site, &[]);
    site.write("content/cases/.a.md.swp", "junk");
    site.write("content/cases/a.md~", "junk");
    site.write("public/index.html", "junk");
    site.write(".xianfeng/cache", "junk");
    std::thread::sleep(Duration::from_millis(500));
    assert!(!server.log().contains(" pages in "), "{}", server.log());
}

#[test]
fn live_reload_stream_announces_builds() {
    let site = site();
    let server = Server::start(&site, &[]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(stream, "GET /__xianfeng/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut next_data = || loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            panic!("stream ended");
        }
        if let Some(data) = line.trim().strip_prefix("data:") {
            return data.trim().to_string();
        }
    };
    let hello = next_data();
    assert!(hello.contains("\"v\":1"), "{hello}");
    site.write("static/style.css", "body { color: #00b; }\n");
    let css = next_data();
    assert!(css.contains("\"v\":2") && css.contains("\"css\":true"), "{css}");
    site.write("content/cases/a.md", &case("让我先来", "先锋", "珠海市财政局", "2021-05-01", "", "v3"));
    let page = next_data();
    assert!(page.contains("\"v\":3") && page.contains("\"css\":false"), "{page}");
}

#[test]
fn a_port_in_use_is_one_clear_line_and_exit_1() {
    let site = site();
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let out = xianfeng().arg("serve").arg(site.root()).args(["--port", &port]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already in use") && stderr.contains("--port"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn a_redirect_to_add_a_slash_stays_on_this_host() {
    let site = site();
    let server = Server::start(&site, &[]);
    for path in ["/cases/a", "//cases/a", "///cases/a"] {
        let r = server.get(path);
        assert_eq!(r.status, 301, "{path}");
        assert_eq!(r.header("location"), "/cases/a/", "{path}");
    }
}

/// A source folder deleted and made again at once (a `git checkout`, a restore from a copy)
/// is another folder: the server watches the new one and builds what it holds.
#[test]
fn a_content_folder_replaced_at_once_is_still_watched() {
    let site = site();
    let pristine = tempfile::tempdir().unwrap();
    let copy = pristine.path().join("content");
    for entry in walkdir::WalkDir::new(site.root().join("content")).into_iter().filter_map(Result::ok) {
        let to = copy.join(entry.path().strip_prefix(site.root().join("content")).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    std::fs::write(copy.join("cases/a.md"), case("让我先来", "先锋", "珠海市财政局", "2021-05-01", "", "恢复的正文"))
        .unwrap();
    let server = Server::start(&site, &[]);
    for round in 0..3 {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("rm -rf '{0}/content' && cp -r '{1}' '{0}/content'", site.root().display(), copy.display()))
            .status()
            .unwrap();
        assert!(status.success());
        server.wait_for("/cases/a/", "the restored text", |r| r.text().contains("恢复的正文"));
        let mark = format!("替换后的编辑{round}");
        site.write("content/cases/b.md", &case("乙案例", "红帆", "珠海市税务局", "2022-03-01", "", &mark));
        server.wait_for("/cases/b/", "an edit after the folder was replaced", |r| r.text().contains(&mark));
        site.write(
            &format!("content/cases/new-{round}.md"),
            &case("新案例", "新", "珠海市", "2022-03-01", "", "新文件"),
        );
        server
            .wait_for(&format!("/cases/new-{round}/"), "a new file after the folder was replaced", |r| r.status == 200);
    }
}

#[test]
fn drafts_are_served_only_with_drafts() {
    let site = site();
    site.write("content/cases/d.md", &case("草稿案例", "草", "珠海市", "2021-01-01", "draft: true\n", "草稿正文"));
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/cases/d/").status, 404);
    drop(server);
    let server = Server::start(&site, &["--drafts"]);
    assert_eq!(server.get("/cases/d/").status, 200);
}

/// The demo site with the built-in default theme (search index included): after edits, every
/// served file equals a fresh full build, byte for byte (HTML without the injected markup).
#[test]
fn demo_site_with_default_theme_matches_a_fresh_build_after_edits() {
    let site = demo_site();
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/").status, 200, "{}", server.log());
    let first = std::fs::read_dir(site.root().join("content/cases"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let slug = first.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, format!("{text}\n\n新增一段：服务模式测试标记。\n")).unwrap();
    server.wait_for(&format!("/cases/{slug}/"), "the edit", |r| r.text().contains("服务模式测试标记"));

    let fresh = fresh_build(&site, &server);
    assert!(fresh.output.files.keys().any(|k| k.starts_with("search/")), "search index served too");
    assert_serves_every_file_of(&server, &fresh);
}

/// Edits to existing cases' text and display fields patch the last build instead of building
/// it all again; what is served after them, and after edits the patch must not take, equals a
/// fresh build file by file.
#[test]
fn case_edits_patch_the_build_and_match_a_fresh_build() {
    let site = demo_site();
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/").status, 200, "{}", server.log());
    assert!(!server.log().contains("warning"), "the demo site serves without warnings:\n{}", server.log());
    // The number of patched builds once the log has at least `n` of them (or anything else,
    // such as a full build, after the last one).
    let patched = |n: usize| {
        let log = server.wait_for_log("the build's log line", |log| {
            log.matches("→ patched: ").count() >= n || log.matches(" rendered, the rest unchanged) in ").count() > 0
        });
        log.matches("→ patched: ").count()
    };
    let edit = |rel: &str, change: &dyn Fn(String) -> String| {
        let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
        atomic_save(&site, rel, &change(text));
    };

    // The text of a case that a compilation prints in full.
    edit("content/cases/zhuhai-shengtai-huanjing-jian-bing-jian.md", &|t| t + "\n补充一段：补丁路径正文标记。\n");
    server.wait_for("/compilations/zhuhai-dianxing-anli/", "the compilation printing the new text", |r| {
        r.text().contains("补丁路径正文标记")
    });
    assert_eq!(patched(1), 1, "a text edit is patched: {}", server.log());
    // The compilation's PDF is made again after the pages are served, and the size its page
    // shows is the new PDF's (the full comparison below holds both to a fresh build).
    assert!(server.log().contains("1 compilation PDF(s) followed in "), "{}", server.log());
    assert_serves_every_file_of(&server, &fresh_build(&site, &server));

    // Title and description: every list showing the case changes too.
    let path = "content/cases/zhuhai-gongan-wu-li-gongcheng.md";
    edit(path, &|t| {
        t.replace("title: '“五力工程”党建工作法'", "title: '“五力工程”党建工作法（修订）'")
            .replace("现有资料仅载其获奖情况", "现有资料载其获奖情况")
    });
    server.wait_for("/cases/", "the new title in the case list", |r| r.text().contains("党建工作法（修订）"));
    assert_eq!(patched(2), 2, "a title edit is patched: {}", server.log());
    assert_serves_every_file_of(&server, &fresh_build(&site, &server));

    // A link to another case's heading, then that heading renamed: the anchor breaks.
    edit(path, &|t| t + "\n参见[主要做法](@/cases/zhuhai-gongan-si-rong-si-tong.md#主要做法)。\n");
    server.wait_for("/cases/zhuhai-gongan-wu-li-gongcheng/", "the anchor link", |r| {
        r.text().contains("si-rong-si-tong/#")
    });
    edit("content/cases/zhuhai-gongan-si-rong-si-tong.md", &|t| t.replace("## 主要做法", "## 具体做法"));
    server.wait_for("/", "the broken anchor's overlay", |r| {
        r.text().contains("xianfeng-overlay") && r.text().contains("主要做法")
    });
    edit("content/cases/zhuhai-gongan-si-rong-si-tong.md", &|t| t.replace("## 具体做法", "## 主要做法"));
    server.wait_for("/", "the overlay to go", |r| !r.text().contains("xianfeng-overlay"));

    // A new tag moves the case into another term: a full build. Its pages are served before
    // the PDF printing the case (whose text changed too) is made again, as after a patch.
    let full_builds = server.log().matches(" rendered, the rest unchanged) in ").count();
    edit(path, &|t| t.replacen("tags: [", "tags: [补丁测试标签, ", 1) + "\n全量构建正文标记。\n");
    server.wait_for("/tags/", "the new tag", |r| r.text().contains("补丁测试标签"));
    let log = server.wait_for_log("a full build for the tag edit", |log| {
        log.matches(" rendered, the rest unchanged) in ").count() > full_builds
    });
    let full = log.lines().rfind(|l| l.contains(" rendered, the rest unchanged) in ")).unwrap();
    assert!(full.contains("; 1 compilation PDF(s) followed in "), "{log}");
    assert_serves_every_file_of(&server, &fresh_build(&site, &server));
}

#[test]
fn a_template_edit_renders_again_only_the_pages_using_it() {
    let site = site();
    let server = Server::start(&site, &[]);
    site.write("templates/404.html", "<!DOCTYPE html><html><body><h1>404 v2</h1></body></html>\n");
    server.wait_for("/nope/", "the new 404 page", |r| r.status == 404 && r.text().contains("404 v2"));
    server.wait_for_log("the 404 page alone rendered", |log| log.contains("(1 rendered, the rest unchanged)"));
    site.write("templates/case.html", "<!DOCTYPE html><html><body><h1>case v2</h1>{{ case.title }}</body></html>\n");
    server.wait_for("/cases/b/", "the new case template", |r| r.text().contains("case v2"));
    server.wait_for_log("both cases and nothing else rendered", |log| log.contains("(2 rendered, the rest unchanged)"));
    assert_serves_every_file_of(&server, &fresh_build(&site, &server));
}

/// The demo site of the repository, copied into a temporary folder.
fn demo_site() -> TestSite {
    let site = TestSite::new(&[]);
    for entry in walkdir::WalkDir::new(repo_root().join("content")).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(repo_root()).unwrap();
            std::fs::create_dir_all(site.root().join(rel).parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), site.root().join(rel)).unwrap();
        }
    }
    std::fs::copy(repo_root().join("site.yaml"), site.root().join("site.yaml")).unwrap();
    site
}

/// A full build of `site` as `server` serves it: its base URL, and plain static names (no
/// fingerprints), as the served site has.
fn fresh_build(site: &TestSite, server: &Server) -> xianfeng::pipeline::Built {
    build_output(
        &BuildOptions {
            site_root: std::fs::canonicalize(site.root()).unwrap(),
            base_url: Some(format!("http://127.0.0.1:{}", server.port)),
            no_fingerprint: true,
            ..Default::default()
        },
        None,
    )
    .unwrap_or_else(|d| panic!("fresh build failed: {:?}", d.0))
}

/// Every file of a fresh full build is served with the same bytes (HTML compared without the
/// server's injected reload script and overlay).
fn assert_serves_every_file_of(server: &Server, fresh: &xianfeng::pipeline::Built) {
    // The search index is swapped in just after the pages: wait for this build's manifest.
    if let Some(manifest) = fresh.output.get("search/manifest.json") {
        let expected = manifest.read().unwrap().into_owned();
        server.wait_for("/search/manifest.json", "the new search index", |r| r.body == expected);
    }
    for (key, entry) in &fresh.output.files {
        let expected = entry.read().unwrap();
        let url = format!("/{}", key.strip_suffix("index.html").unwrap_or(key));
        let url: String = percent_encoding::utf8_percent_encode(&url, percent_encoding::CONTROLS).to_string();
        let r = server.get(&url);
        assert_eq!(r.status, 200, "{key}");
        if key.ends_with(".html") {
            assert_eq!(strip_injected(&r.text()), String::from_utf8_lossy(&expected), "{key} differs");
        } else {
            assert_eq!(r.body, expected.as_ref(), "{key} differs");
        }
    }
}

#[test]
fn the_overlay_and_the_log_speak_the_runs_language() {
    let site = site();
    let server = Server::start(&site, &["--lang", "zh"]);
    server.wait_for("/cases/a/", "the first good build", |r| r.status == 200);
    atomic_save(&site, "content/cases/a.md", "---\ntitle: 甲案例\nbrand: 甲\ndate: 2021-05-01\n---\n正文\n");
    let page = server.wait_for("/cases/a/", "the overlay", |r| r.text().contains("xianfeng-overlay"));
    let text = page.text();
    assert!(text.contains("构建失败：1 个错误") && text.contains("缺少必填字段 `org`"), "{text}");
    assert!(text.contains("提示：在前言中加上 `org: 珠海市财政局`"), "{text}");
    server.wait_for_log("the Chinese failure line", |log| {
        log.contains("构建失败：1 个错误，0 个警告；继续提供上次构建成功的页面")
    });
    drop(server);

    // The same broken site, English (the tests' XIANFENG_LANG=en): the same facts in English.
    let server = Server::start(&site, &[]);
    let text = server.wait_for("/", "the overlay", |r| r.text().contains("xianfeng-overlay")).text();
    assert!(text.contains("Build failed: 1 error") && text.contains("missing required field `org`"), "{text}");
    server.wait_for_log("the English failure line", |log| log.contains("build failed: 1 error, 0 warnings"));
}
