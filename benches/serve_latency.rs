//! Save → changed page served, over real HTTP, on a generated site; and the server's memory
//! over many successive edits.
//!
//! `cargo bench --bench serve_latency -- [--cases 1000] [--edits 200] [--title]
//! [--corpus PATH/gen_corpus.py] [--templates DIR]` (`--templates` copies a templates folder into
//! the site, for when the default theme is incomplete or to time another theme).
//!
//! Each edit appends a unique marker to one case file's text (or, with `--title`, puts it in
//! the case's title, which every list showing the case prints too), written like an editor's
//! atomic save, and polls `/cases/<slug>/` until the marker is served. Reports median, p90 and max latency, and
//! the server's resident memory (VmRSS, Linux) after the first edits and at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    cases: usize,
    edits: usize,
    corpus: PathBuf,
    templates: Option<PathBuf>,
    title: bool,
}

fn args() -> Args {
    let mut a = Args {
        cases: 1000,
        edits: 200,
        corpus: PathBuf::from("/work/shared/bench/gen_corpus.py"),
        templates: None,
        title: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--cases" => a.cases = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.cases),
            "--edits" => a.edits = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.edits),
            "--corpus" => a.corpus = it.next().map(PathBuf::from).unwrap_or(a.corpus),
            "--templates" => a.templates = it.next().map(PathBuf::from),
            "--title" => a.title = true,
            // cargo bench passes `--bench`; ignore what is not ours.
            _ => {}
        }
    }
    a
}

fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("temp dir");
    let site = generate(&args, dir.path());
    let mut server = Server::start(&site);
    let slugs: Vec<String> = (0..args.cases.min(50)).map(|i| format!("case-{i:05}")).collect();
    for s in &slugs {
        let r = get(server.port, &format!("/cases/{s}/"));
        assert!(r.0 == 200, "/cases/{s}/ is {} before any edit; is the theme complete?", r.0);
    }
    let mut latencies = Vec::with_capacity(args.edits);
    let mut rss_early = 0;
    for i in 0..args.edits {
        let slug = &slugs[i % slugs.len()];
        latencies.push(edit_and_wait(&site, server.port, slug, i, args.title));
        if i == 9 {
            rss_early = rss_kib(server.child.id());
        }
    }
    let rss_end = rss_kib(server.child.id());
    report(&args, &mut latencies, rss_early, rss_end);
    server.stop();
}

/// The corpus from the shared generator, plus a site.yaml.
fn generate(args: &Args, dir: &Path) -> PathBuf {
    let status = Command::new("python3")
        .arg(&args.corpus)
        .arg(args.cases.to_string())
        .arg(dir)
        .stdout(Stdio::null())
        .status()
        .expect("run python3");
    assert!(status.success(), "corpus generator failed");
    let site = dir.join("site");
    std::fs::write(site.join("site.yaml"), "title: 基准站点\nbase_url: https://bench.example.cn\n").expect("site.yaml");
    if let Some(templates) = &args.templates {
        let into = site.join("templates");
        std::fs::create_dir_all(&into).expect("templates folder");
        for entry in std::fs::read_dir(templates).expect("read --templates").flatten() {
            std::fs::copy(entry.path(), into.join(entry.file_name())).expect("copy template");
        }
    }
    site
}

/// Puts a marker into the case's text (or title), saved atomically; returns ms until the page
/// shows it.
fn edit_and_wait(site: &Path, port: u16, slug: &str, i: usize, title: bool) -> f64 {
    let path = site.join("content/cases").join(format!("{slug}.md"));
    let mut text = std::fs::read_to_string(&path).expect("read case");
    let marker = format!("基准标记{i}号");
    if title {
        let line = text.lines().find(|l| l.starts_with("title:")).expect("a title line").to_string();
        text = text.replacen(&line, &format!("title: \"{marker}\""), 1);
    } else {
        text.push_str(&format!("\n{marker}\n"));
    }
    let temp = path.with_file_name(format!(".{slug}.md.tmp"));
    let started = Instant::now();
    std::fs::write(&temp, &text).expect("write temp");
    std::fs::rename(&temp, &path).expect("rename");
    let url = format!("/cases/{slug}/");
    loop {
        let (status, body) = get(port, &url);
        if status == 200 && body.contains(&marker) {
            return started.elapsed().as_secs_f64() * 1000.0;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "edit {i} not served after 30 s");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn report(args: &Args, latencies: &mut [f64], rss_early: u64, rss_end: u64) {
    latencies.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "serve latency, {} cases, {} {} edits: median {:.0} ms, p90 {:.0} ms, min {:.0} ms, max {:.0} ms",
        args.cases,
        latencies.len(),
        if args.title { "title" } else { "text" },
        at(0.5),
        at(0.9),
        at(0.0),
        at(1.0)
    );
    println!(
        "server RSS: {} MiB after 10 edits, {} MiB after {} edits",
        rss_early / 1024,
        rss_end / 1024,
        latencies.len()
    );
}

/// Resident memory in KiB (Linux; 0 elsewhere).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(site: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_xianfeng"))
            .arg("serve")
            .arg(site)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start xianfeng serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read address");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Server { child, port }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn get(port: u16, path: &str) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return (0, String::new()) };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}
