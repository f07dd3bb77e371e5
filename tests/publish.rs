//! Publishing: the demo served from a subpath and crawled, the CI workflows, fingerprinted
//! assets, link checking (internal and, against a local server, external) and noindex.

mod common;
use common::*;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use xianfeng::linkcheck::{classify, scan, Target};

const BASE_PATH: &str = "/jgdj/showcase";

/// A static file server on 127.0.0.1 serving `root` under `base_path` only, like a host that
/// publishes the site in a subfolder. Requests outside it get 404 and are recorded.
struct Server {
    port: u16,
    outside: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Binds first, so the port is known before the site is built for it.
    fn bind() -> (TcpListener, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        (listener, port)
    }

    fn start(listener: TcpListener, root: PathBuf, base_path: &'static str) -> Server {
        let port = listener.local_addr().unwrap().port();
        let outside = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = outside.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let seen = seen.clone();
                std::thread::spawn(move || handle(stream, &root, base_path, &seen));
            }
        });
        Server { port, outside }
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn handle(mut stream: TcpStream, root: &Path, base_path: &str, outside: &std::sync::Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path);
    let (status, body, location) = match decoded.strip_prefix(base_path) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => resolve(root, rest, path),
        _ => {
            outside.lock().unwrap().push(target.to_string());
            (404, b"outside the base path".to_vec(), None)
        }
    };
    let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    if let Some(loc) = location {
        head.push_str(&format!("location: {loc}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

/// `rest` (decoded, after the base path) → status, body, redirect.
fn resolve(root: &Path, rest: &str, raw_path: &str) -> (u16, Vec<u8>, Option<String>) {
    if rest.split('/').any(|s| s == "..") {
        return (404, Vec::new(), None);
    }
    let file = root.join(rest.trim_start_matches('/'));
    if file.is_dir() {
        if !raw_path.ends_with('/') {
            return (301, Vec::new(), Some(format!("{raw_path}/")));
        }
        return read(&file.join("index.html"));
    }
    read(&file)
}

fn read(file: &Path) -> (u16, Vec<u8>, Option<String>) {
    match fs::read(file) {
        Ok(b) => (200, b, None),
        Err(_) => (404, Vec::new(), None),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// GET over the network; (status, body). Redirects are followed.
fn get(url: &str) -> (u16, Vec<u8>) {
    match ureq::get(url).call() {
        Ok(mut resp) => (resp.status().as_u16(), resp.body_mut().read_to_vec().unwrap()),
        Err(ureq::Error::StatusCode(code)) => (code, Vec::new()),
        Err(e) => panic!("GET {url}: {e}"),
    }
}

/// Builds the demo (the repository root) for `base_url` into a temp folder.
fn build_demo(base_url: &str) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let result = xianfeng()
        .arg("build")
        .arg(repo_root())
        .arg("--no-cache")
        .arg("-o")
        .arg(&public)
        .arg("--base-url")
        .arg(base_url)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    (out, public)
}

/// Everything a visitor's browser would request from one page: links, assets, the data files
/// scripts fetch (`data-src`), and what stylesheets name in `url(...)`.
fn page_urls(html: &str) -> Vec<String> {
    let mut urls: Vec<String> = scan(html.as_bytes()).refs.into_iter().map(|r| r.url).collect();
    let mut rest = html;
    while let Some(i) = rest.find("data-src=\"") {
        rest = &rest[i + 10..];
        let end = rest.find('"').unwrap_or(0);
        urls.push(xianfeng::linkcheck::decode_entities(&rest[..end]));
    }
    urls
}

fn css_urls(css: &str) -> Vec<String> {
    css.split("url(")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .map(|u| u.trim().trim_matches(['"', '\'']).to_string())
        .filter(|u| !u.starts_with("data:"))
        .collect()
}

/// The search client's requests after the manifest, as `xianfeng-search.js` makes them
/// (relative to its own URL, with `?v=<version>`): the fold-map blocks, facet columns,
/// every shard and every excerpt fragment.
fn search_urls(manifest: &serde_json::Value, search_dir: &str) -> Vec<String> {
    let v = manifest["version"].as_str().unwrap_or("");
    let mut files = Vec::new();
    match &manifest["t2s"] {
        serde_json::Value::Array(blocks) => files.extend(blocks.iter().map(|b| format!("t2s/{b}.json"))),
        serde_json::Value::String(f) => files.push(f.clone()),
        _ => {}
    }
    if let Some(facets) = manifest["facets"].as_array() {
        files.extend((0..facets.len()).map(|i| format!("facets/{i}.bin")));
    }
    if let Some(n) = manifest["shards"].as_u64() {
        files.extend((0..n).map(|i| format!("shards/{i}.bin")));
    }
    if let Some(docs) = manifest["docs"].as_u64() {
        files.extend((0..docs).map(|i| format!("fragments/{i}.json")));
    }
    files.into_iter().map(|f| format!("{search_dir}{f}?v={v}")).collect()
}

#[test]
fn demo_under_a_subpath_has_no_broken_link_asset_or_search_request() {
    let (listener, port) = Server::bind();
    let base_url = format!("http://127.0.0.1:{port}{BASE_PATH}/");
    let (_tmp, public) = build_demo(&base_url);
    let server = Server::start(listener, public.clone(), BASE_PATH);
    let origin = server.origin();

    let mut queue: VecDeque<(String, String)> = VecDeque::from([(format!("{BASE_PATH}/"), "(start)".to_string())]);
    let mut seen: HashSet<String> = HashSet::new();
    let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
    let mut fragments: Vec<(String, String, String)> = Vec::new(); // (page path, fragment, from)
    let mut broken: BTreeSet<String> = BTreeSet::new();
    let mut fetched = 0;
    while let Some((path, from)) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let (status, body) = get(&format!("{origin}{path}"));
        fetched += 1;
        if status != 200 {
            broken.insert(format!("{path} → {status} (linked from {from})"));
            continue;
        }
        // The page's own output path, for resolving relative URLs.
        let page = percent_decode(path.strip_prefix(BASE_PATH).unwrap().trim_start_matches('/'));
        let page = if page.is_empty() || page.ends_with('/') { format!("{page}index.html") } else { page };
        let text = String::from_utf8_lossy(&body);
        let mut urls = Vec::new();
        if page.ends_with(".html") {
            ids.insert(path.clone(), scan(text.as_bytes()).ids);
            urls = page_urls(&text);
        } else if page.ends_with(".css") {
            urls = css_urls(&text);
        } else if page == "sitemap.xml" || page == "atom.xml" {
            for loc in text.split("<loc>").skip(1).chain(text.split("href=\"").skip(1)) {
                let url = loc.split(['<', '"']).next().unwrap();
                assert!(url.starts_with(&base_url), "{page} names {url}, outside {base_url}");
                urls.push(url.to_string());
            }
        } else if page == "search/manifest.json" {
            let manifest: serde_json::Value = serde_json::from_slice(&body).unwrap();
            urls = search_urls(&manifest, &format!("{BASE_PATH}/search/"));
        }
        if page == "search/index.html" {
            // What the search client fetches first.
            urls.push(format!("{BASE_PATH}/search/manifest.json"));
        }
        for url in urls {
            match classify(&url, &page, BASE_PATH, base_url.trim_end_matches('/')) {
                Target::Internal { path: out_path, fragment } => {
                    let next = format!("{BASE_PATH}/{}", out_path.strip_suffix("index.html").unwrap_or(&out_path));
                    if let Some(f) = fragment.filter(|f| !f.is_empty() && f != "top") {
                        fragments.push((next.clone(), f, path.clone()));
                    }
                    queue.push_back((next, path.clone()));
                }
                Target::Escape => {
                    broken.insert(format!("{url} escapes {BASE_PATH}/ (on {path})"));
                }
                Target::External(u) => assert!(!u.contains("127.0.0.1"), "absolute link to another local site: {u}"),
                Target::Skip => {}
            }
        }
    }
    for (page, fragment, from) in &fragments {
        if let Some(page_ids) = ids.get(page) {
            if !page_ids.contains(fragment) {
                broken.insert(format!("{page}#{fragment}: no such id (linked from {from})"));
            }
        }
    }
    for must in ["sitemap.xml", "atom.xml"] {
        let (status, _) = get(&format!("{origin}{BASE_PATH}/{must}"));
        assert_eq!(status, 200, "{must}");
    }
    assert!(broken.is_empty(), "broken under {BASE_PATH}/:\n{}", broken.into_iter().collect::<Vec<_>>().join("\n"));
    assert!(server.outside.lock().unwrap().is_empty(), "requests outside the subpath: {:?}", server.outside);
    if public.join("search/manifest.json").is_file() {
        let shards = seen.iter().filter(|p| p.starts_with(&format!("{BASE_PATH}/search/shards/"))).count();
        assert!(shards > 0, "the search index was fetched as the client would");
    }
    let cases = fs::read_dir(repo_root().join("content/cases")).unwrap().count();
    assert!(fetched > cases + 20, "the crawl reached every page ({fetched} fetched)");
    for case in fs::read_dir(repo_root().join("content/cases")).unwrap() {
        let slug = case.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned();
        assert!(seen.contains(&format!("{BASE_PATH}/cases/{slug}/")), "case {slug} is reachable from the home page");
    }
}

#[test]
fn robots_and_sitemap_stay_under_the_subpath() {
    let (_tmp, public) = build_demo("https://intranet.example/jgdj/showcase/");
    let robots = fs::read_to_string(public.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://intranet.example/jgdj/showcase/sitemap.xml"), "{robots}");
    let atom = fs::read_to_string(public.join("atom.xml")).unwrap();
    assert!(atom.contains("href=\"https://intranet.example/jgdj/showcase/atom.xml\""), "{atom}");
}

/// Every CI file in examples/ci and .github/workflows.
fn workflows() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for dir in ["examples/ci", ".github/workflows"] {
        for entry in fs::read_dir(repo_root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                let text = fs::read_to_string(&path).unwrap();
                files.push((path, text));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn workflows_are_valid_yaml_and_check_before_building_under_the_base_url() {
    let files = workflows();
    assert!(files.len() >= 3, "github-pages.yml, gitlab-ci.yml and release.yml: {files:?}");
    for (path, text) in &files {
        let doc = load_yaml(text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
        assert!(doc.as_hash().is_some_and(|m| !m.is_empty()), "{} is empty", path.display());
    }
    for name in ["github-pages.yml", "gitlab-ci.yml"] {
        let (path, text) = files.iter().find(|(p, _)| p.ends_with(name)).unwrap();
        let commands = run_lines(text);
        let check = commands.iter().position(|c| c.contains("xianfeng check"));
        let build = commands.iter().position(|c| c.contains("xianfeng build"));
        assert!(check.is_some() && build.is_some(), "{}: {commands:?}", path.display());
        assert!(check < build, "{} checks before building", path.display());
        let build_cmd = &commands[build.unwrap()];
        assert!(build_cmd.contains("--base-url"), "{}: {build_cmd}", path.display());
        assert!(!text.contains("cargo install") && !text.contains("cargo build"), "sites do not compile xianfeng");
    }
    let github = &files.iter().find(|(p, _)| p.ends_with("github-pages.yml")).unwrap().1;
    for action in ["actions/upload-pages-artifact", "actions/deploy-pages", "steps.pages.outputs.base_url"] {
        assert!(github.contains(action), "github-pages.yml uses {action}");
    }
    let gitlab = &files.iter().find(|(p, _)| p.ends_with("gitlab-ci.yml")).unwrap().1;
    let doc = load_yaml(gitlab).unwrap();
    assert!(doc["pages"]["artifacts"]["paths"][0].as_str() == Some("public"), "GitLab publishes public/");
    assert!(gitlab.contains("--base-url \"$CI_PAGES_URL\" -o public"));
    let release = &files.iter().find(|(p, _)| p.ends_with("release.yml")).unwrap().1;
    for target in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl", "SHA256SUMS", "v*"] {
        assert!(release.contains(target), "release.yml names {target}");
    }
}

/// A workflow file's one document, read by a YAML library of its own (not xianfeng's reader).
fn load_yaml(text: &str) -> Result<yaml_rust2::Yaml, String> {
    let mut docs = yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    (docs.len() == 1).then(|| docs.remove(0)).ok_or_else(|| format!("{} documents", docs.len()))
}

/// The shell lines a workflow runs: `run:` values (GitHub) and `script:` items (GitLab), in order.
fn run_lines(text: &str) -> Vec<String> {
    use yaml_rust2::Yaml;
    fn walk(v: &Yaml, out: &mut Vec<String>) {
        match v {
            Yaml::Hash(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        (Some("run"), Yaml::String(s)) => out.push(s.clone()),
                        (Some("script"), Yaml::Array(items)) => {
                            out.extend(items.iter().filter_map(|i| i.as_str().map(String::from)))
                        }
                        _ => walk(v, out),
                    }
                }
            }
            Yaml::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let doc = load_yaml(text).unwrap();
    let mut out = Vec::new();
    walk(&doc, &mut out);
    out
}

#[test]
fn minimal_example_builds_and_passes_check() {
    let out = tempfile::tempdir().unwrap();
    let result = xianfeng()
        .arg("build")
        .arg(repo_root().join("examples/minimal"))
        .arg("--no-cache")
        .arg("-o")
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(out.path().join("public/cases/rang-wo-xian-lai/index.html").is_file());
    let check = xianfeng().arg("check").arg(repo_root().join("examples/minimal")).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}

/// Output paths of a built site, relative and sorted.
fn files(public: &Path) -> Vec<String> {
    tree(public).into_iter().map(|(p, _)| p).collect()
}

#[test]
fn theme_assets_are_fingerprinted_and_pages_link_the_fingerprinted_names() {
    let site = TestSite::new(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "", "正文"))]);
    site.build_ok(&["--base-url", "https://host/jgdj/showcase/"]);
    let all = files(&site.public());
    let css: Vec<&String> = all.iter().filter(|p| p.starts_with("style.") && p.ends_with(".css")).collect();
    assert_eq!(css.len(), 1, "one stylesheet, fingerprinted: {all:?}");
    let name = css[0];
    let hash = name.trim_start_matches("style.").trim_end_matches(".css");
    assert!(hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
    let bytes = fs::read(site.public().join(name)).unwrap();
    assert_eq!(&blake3::hash(&bytes).to_hex()[..8], hash, "the name is the content's hash");
    assert!(!site.exists("style.css"), "nothing links the plain name, so it is not written");
    let home = site.read("index.html");
    assert!(
        home.contains(&format!("/jgdj/showcase/{name}"))
            || home.contains(&format!("&#x2F;jgdj&#x2F;showcase&#x2F;{name}")),
        "the page links {name}"
    );
    assert!(
        all.iter().all(|p| !p.starts_with("search/") || !p.contains(".js") || !is_hashed(p)),
        "search/ keeps names"
    );

    // A site's own stylesheet replaces the theme's, and the name follows the content.
    site.write("static/style.css", "body { color: #b71c1c; }\n");
    site.build_ok(&[]);
    let expected = format!("style.{}.css", &blake3::hash(b"body { color: #b71c1c; }\n").to_hex()[..8]);
    assert!(site.exists(&expected), "{:?}", files(&site.public()));
}

fn is_hashed(path: &str) -> bool {
    let parts: Vec<&str> = path.rsplit('/').next().unwrap().split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() == 8
        && parts[parts.len() - 2].chars().all(|c| c.is_ascii_hexdigit())
}

#[test]
fn a_plain_name_linked_from_content_is_kept_beside_the_fingerprinted_one() {
    let body = "![标识](/logo.svg)";
    let site = TestSite::new(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "", body))]);
    site.write("static/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.build_ok(&[]);
    assert!(site.exists("logo.svg"), "content links it by its plain name");
    assert!(files(&site.public()).iter().any(|p| p.starts_with("logo.") && is_hashed(p)));
}

#[test]
fn two_builds_under_a_subpath_are_byte_identical() {
    let (_a, first) = build_demo("https://host/jgdj/showcase/");
    let (_b, second) = build_demo("https://host/jgdj/showcase/");
    let (a, b) = (tree(&first), tree(&second));
    assert_eq!(a.len(), b.len());
    for ((pa, ba), (pb, bb)) in a.iter().zip(&b) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds");
    }
}

fn check(site: &TestSite, args: &[&str]) -> (bool, String, String) {
    let out = xianfeng().arg("check").arg(site.root()).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A site with an about page, so the default theme's own links all resolve.
fn linked_site(files: &[(&str, &str)]) -> TestSite {
    let site = TestSite::new(files);
    site.write("content/about.md", "---\ntitle: 关于\n---\n关于本站。\n");
    site
}

#[test]
fn a_broken_content_link_fails_build_and_check_naming_the_file_and_line() {
    let body = "正文。\n\n详见[另一个案例](/cases/missing/)。";
    let site = linked_site(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "", body))]);
    let (ok, stderr) = site.build(&[]);
    assert!(!ok, "a broken link in content fails the build");
    assert!(stderr.contains("error[broken-link]"), "{stderr}");
    assert!(stderr.contains("content/cases/a.md:10"), "names the .md file and line:\n{stderr}");
    assert!(stderr.contains("/cases/missing/"), "{stderr}");
    let (ok, stdout, _) = check(&site, &["--format", "json"]);
    assert!(!ok);
    let diag: serde_json::Value = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|d| d["code"] == "broken-link")
        .unwrap();
    assert_eq!(diag["file"], "content/cases/a.md");
    assert_eq!(diag["severity"], "error");
    assert_eq!(diag["line"], 10);
}

#[test]
fn a_missing_anchor_is_an_error() {
    let a = case("甲", "甲", "某局", "2021-05-01", "", "## 背景\n\n正文。");
    let b = case("乙", "乙", "某局", "2021-06-01", "", "见[甲的做法](/cases/a/#做法)。");
    let site = linked_site(&[("content/cases/a.md", &a), ("content/cases/b.md", &b)]);
    let (ok, stderr) = site.build(&[]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("error[broken-anchor]") && stderr.contains("content/cases/b.md"), "{stderr}");
    assert!(stderr.contains("做法"), "{stderr}");
    site.write("content/cases/b.md", &case("乙", "乙", "某局", "2021-06-01", "", "见[甲的背景](/cases/a/#背景)。"));
    site.build_ok(&[]);
}

#[test]
fn a_missing_cover_names_the_field() {
    let site = linked_site(&[(
        "content/cases/a.md",
        &case("甲", "甲", "某局", "2021-05-01", "cover: {src: cover.jpg, alt: 封面}\n", "正文"),
    )]);
    let (ok, stderr) = site.build(&[]);
    assert!(!ok);
    assert!(stderr.contains("error[missing-cover]") && stderr.contains("field: cover.src"), "{stderr}");
    assert!(stderr.contains("content/cases/a.md:6"), "{stderr}");
}

#[test]
fn duplicate_brands_across_organisations_warn() {
    let site = linked_site(&[
        ("content/cases/a.md", &case("甲", "红色先锋", "财政局", "2021-05-01", "", "正文")),
        ("content/cases/b.md", &case("乙", "紅色先鋒", "审计局", "2021-06-01", "", "正文")),
        ("content/cases/c.md", &case("丙", "红色先锋", "财政局", "2022-06-01", "", "正文")),
    ]);
    let stderr = site.build_ok(&[]);
    assert!(stderr.contains("warning[duplicate-brand]"), "{stderr}");
    assert!(stderr.contains("content/cases/b.md") && stderr.contains("审计局"), "{stderr}");
    let (ok, _, _) = check(&site, &[]);
    assert!(ok, "a warning does not fail check");
}

#[test]
fn template_links_to_missing_pages_warn_in_build_and_fail_check() {
    let site = TestSite::new(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "", "正文"))]);
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<a href=\"{{ url(path='nowhere/') }}\">x</a>{% endblock main %}",
    );
    site.write("content/about.md", "---\ntitle: 关于\n---\n关于本站。\n");
    let stderr = site.build_ok(&[]);
    assert!(stderr.contains("warning[broken-link]") && stderr.contains("(output) about/index.html"), "{stderr}");
    let (ok, _, stderr) = check(&site, &[]);
    assert!(!ok, "check is strict about template links:\n{stderr}");
    assert!(stderr.contains("error[broken-link]"), "{stderr}");
}

#[test]
fn links_leaving_the_base_path_are_errors() {
    let site = linked_site(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "", "正文"))]);
    site.write("site.yaml", "title: 子路径\nbase_url: https://host/jgdj/showcase/\n");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<a href=\"/elsewhere/\">x</a>{% endblock main %}",
    );
    let stderr = site.build_ok(&[]);
    assert!(stderr.contains("warning[link-escapes-base]"), "{stderr}");
    let (ok, _, stderr) = check(&site, &[]);
    assert!(!ok);
    assert!(stderr.contains("error[link-escapes-base]") && stderr.contains("/elsewhere/"), "{stderr}");
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let (listener, port) = Server::bind();
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("ok")).unwrap();
    fs::write(tmp.path().join("ok/index.html"), "fine").unwrap();
    let _server = Server::start(listener, tmp.path().to_path_buf(), "/remote");
    let body = format!(
        "[好](http://127.0.0.1:{port}/remote/ok/) [坏](http://127.0.0.1:{port}/remote/gone/) [外](http://127.0.0.1:{port}/elsewhere)"
    );
    let site = linked_site(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "", &body))]);
    let (ok, _, stderr) = check(&site, &[]);
    assert!(ok, "without --external no request is made:\n{stderr}");
    let (ok, stdout, _) = check(&site, &["--external", "--format", "json"]);
    assert!(!ok);
    let errors: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|d: &serde_json::Value| d["code"] == "external-link")
        .collect();
    assert_eq!(errors.len(), 2, "{stdout}");
    assert!(errors.iter().all(|d| d["file"] == "content/cases/a.md" && d["message"].as_str().unwrap().contains("404")));
    assert!(errors.iter().any(|d| d["message"].as_str().unwrap().contains("/remote/gone/")));
}

#[test]
fn noindex_disallows_robots_and_marks_pages() {
    let site = TestSite::new(&[("content/cases/a.md", &case("甲", "甲", "某局", "2021-05-01", "", "正文"))]);
    site.write("site.yaml", "title: 内网站点\nbase_url: https://intranet.example/jgdj/showcase/\nnoindex: true\n");
    site.build_ok(&[]);
    assert_eq!(site.read("robots.txt"), "User-agent: *\nDisallow: /\n");
    for page in ["index.html", "cases/a/index.html"] {
        let html = site.read(page);
        assert!(html.contains("<meta name=\"robots\" content=\"noindex"), "{page} carries noindex");
    }
}
