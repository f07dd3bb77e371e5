//! `xianfeng serve`: build into memory, serve over HTTP, watch the sources, rebuild, live-reload.
//!
//! The served site is always a complete `Output` from `pipeline::build_output`, swapped in whole
//! after each successful build, so what `serve` shows is what `build` would write. A failed
//! build keeps the last good output and adds an error overlay to every HTML response.
//!
//! Concerns, one module each: `server` (HTTP), `paths` (request path → output key, the safety
//! boundary), `mime` (content types), `watcher` (notify + debouncer, what counts as a change),
//! `rebuild` (build, swap, terminal line), `reload` (SSE and the injected script), `overlay`
//! (the error overlay).

mod mime;
mod overlay;
mod patch;
pub mod paths;
mod rebuild;
mod reload;
mod server;
mod watcher;

pub use overlay::{INJECT_END, INJECT_START};

use crate::diagnostics::Diagnostic;
use crate::lang::{Lang, Text};
use crate::output::Output;
use crate::pipeline::BuildOptions;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// What `xianfeng serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site: PathBuf,
    /// 0 picks a free port (tests use it); the chosen address is printed on stdout.
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
    pub drafts: bool,
    /// The language of the terminal's lines and of the overlay.
    pub lang: crate::lang::Lang,
}

/// One state of the served site: the last good output, and the errors of the last build if it
/// failed.
pub struct Snapshot {
    pub output: Arc<Output>,
    /// The search index, built after the pages so an edited page is served without waiting
    /// for it (see `rebuild`).
    pub search: Arc<Output>,
    /// Errors of the latest build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
    /// The overlay of those errors, rendered once (empty when the build succeeded).
    pub overlay: Arc<str>,
    /// Increases with every finished build, good or bad; pages carry it to know they are stale.
    pub version: u64,
}

impl Snapshot {
    pub fn get(&self, key: &str) -> Option<&crate::output::Entry> {
        self.output.get(key).or_else(|| self.search.get(key))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// A finished build, as announced to open tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub version: u64,
    /// Only stylesheets changed: tabs can swap them without a reload.
    pub css_only: bool,
}

/// Shared between the HTTP handlers and the rebuild thread.
pub struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    changes: broadcast::Sender<Change>,
    /// Tells tabs of a previous server process that they must reload.
    pub server_id: u64,
}

impl State {
    fn new(snapshot: Snapshot) -> State {
        let (changes, _) = broadcast::channel(16);
        let server_id =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        State { snapshot: RwLock::new(Arc::new(snapshot)), changes, server_id }
    }

    /// The snapshot to answer a request from (cheap: one Arc clone).
    pub fn current(&self) -> Arc<Snapshot> {
        // A poisoned lock still holds a complete snapshot: the swap is a single assignment.
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Swaps in a new snapshot and tells every open tab.
    fn publish(&self, snapshot: Snapshot, css_only: bool) {
        let version = snapshot.version;
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
        // No receivers (no open tab) is not an error.
        let _ = self.changes.send(Change { version, css_only });
    }

    /// Swaps in `output` for the pages of snapshot `of`, without telling tabs (the PDFs made
    /// after a patch). Nothing is swapped if another build was published meanwhile (a new
    /// search index for the same pages keeps the version).
    fn swap_output(&self, of: Arc<Snapshot>, output: Arc<Output>) {
        let mut current = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        if current.version != of.version {
            return;
        }
        let next = Snapshot {
            output,
            search: current.search.clone(),
            errors: current.errors.clone(),
            overlay: current.overlay.clone(),
            version: current.version,
        };
        *current = Arc::new(next);
    }

    /// Swaps in a new search index for the current pages, without telling tabs: the pages
    /// did not change, and the search client fetches the manifest afresh for every page.
    fn update_search(&self, search: Arc<Output>) {
        let mut current = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let next = Snapshot {
            output: current.output.clone(),
            search,
            errors: current.errors.clone(),
            overlay: current.overlay.clone(),
            version: current.version,
        };
        *current = Arc::new(next);
    }

    fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }
}

/// Runs the server until Ctrl-C. Exit 1 when the site folder or the port is unusable.
pub fn run(opts: ServeOptions) -> ExitCode {
    if let Err(d) = crate::pipeline::check_site_folder(&opts.site) {
        eprintln!("{}", d.display(opts.lang));
        return ExitCode::from(2);
    }
    let Ok(root) = std::fs::canonicalize(&opts.site) else {
        let site = opts.site.display();
        match opts.lang {
            Lang::Zh => eprintln!("错误：无法读取网站文件夹 {site}"),
            Lang::En => eprintln!("error: cannot read the site folder {site}"),
        }
        return ExitCode::from(2);
    };
    let listener = match bind(opts.bind, opts.port) {
        Ok(l) => l,
        Err(message) => {
            eprintln!("{}", message.get(opts.lang));
            return ExitCode::from(1);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            match opts.lang {
                Lang::Zh => eprintln!("错误：无法读取服务器的地址：{e}"),
                Lang::En => eprintln!("error: cannot read the server's address: {e}"),
            }
            return ExitCode::from(1);
        }
    };
    let build_opts = BuildOptions {
        site_root: root.clone(),
        base_url: Some(local_base_url(addr)),
        drafts: opts.drafts,
        no_fingerprint: true,
        defer_search: true,
        defer_pdfs: true,
        keep_state: true,
        lang: opts.lang,
        ..Default::default()
    };
    let (snapshot, session) = rebuild::initial(&build_opts);
    let state = Arc::new(State::new(snapshot));
    let watch = match watcher::start(&root) {
        Ok(w) => w,
        Err(e) => {
            let root = root.display();
            match opts.lang {
                Lang::Zh => eprintln!("错误：无法监视 {root} 的改动：{e}"),
                Lang::En => eprintln!("error: cannot watch {root}: {e}"),
            }
            return ExitCode::from(1);
        }
    };
    rebuild::spawn(state.clone(), build_opts, watch, session);
    announce(addr, &opts);
    server::run(listener, state, opts.lang)
}

/// Binds the socket, turning the usual failures into one actionable line.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, Text> {
    let addr = SocketAddr::new(ip, port);
    TcpListener::bind(addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            let next = port.wrapping_add(1).max(1024);
            Text::new(
                format!("错误：{ip} 的端口 {port} 已被占用（另一个 `xianfeng serve`？）；用 `--port` 换一个，例如 `--port {next}`"),
                format!(
                    "error: port {port} on {ip} is already in use (another `xianfeng serve`?); choose another with `--port`, e.g. `--port {next}`"
                ),
            )
        }
        std::io::ErrorKind::PermissionDenied => Text::new(
            format!("错误：不允许在 {addr} 上监听；用 `--port` 选一个大于 1023 的端口"),
            format!("error: not allowed to listen on {addr}; use a port above 1023 with `--port`"),
        ),
        std::io::ErrorKind::AddrNotAvailable => Text::new(
            format!("错误：{ip} 不是本机的地址；不写 `--bind` 就用 127.0.0.1"),
            format!("error: {ip} is not an address of this machine; leave out `--bind` to use 127.0.0.1"),
        ),
        _ => Text::new(format!("错误：无法在 {addr} 上监听：{e}"), format!("error: cannot listen on {addr}: {e}")),
    })
}

/// The base_url pages are built with: the address the browser uses.
fn local_base_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Prints the address on stdout (tests and scripts read it: the line stays `serving on URL`
/// in every language, like a JSON key), and opens a browser if asked.
fn announce(addr: SocketAddr, opts: &ServeOptions) {
    let url = format!("{}/", local_base_url(addr));
    println!("serving on {url}");
    let _ = std::io::stdout().flush();
    let ip = addr.ip();
    match opts.lang {
        Lang::Zh => {
            if !ip.is_loopback() {
                eprintln!("警告：在 {ip} 上监听，网络上的其他人也能看到这个网站（包括草稿）");
            }
            eprintln!("正在预览 {url}，保存文件后自动刷新；按 Ctrl-C 停止");
        }
        Lang::En => {
            if !ip.is_loopback() {
                eprintln!("warning: listening on {ip} makes the site (drafts included) visible to the network");
            }
            eprintln!("watching for changes; press Ctrl-C to stop");
        }
    }
    if opts.open {
        open_browser(&url, opts.lang);
    }
}

/// Best effort: a missing opener is not worth an error.
fn open_browser(url: &str, lang: Lang) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        match lang {
            Lang::Zh => eprintln!("提示：无法打开浏览器；请访问 {url}"),
            Lang::En => eprintln!("note: could not open a browser; visit {url}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_uses_loopback_for_unspecified_binds() {
        let addr: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(local_base_url(addr), "http://127.0.0.1:1111");
        let v6: SocketAddr = "[::1]:8080".parse().unwrap();
        assert_eq!(local_base_url(v6), "http://[::1]:8080");
    }

    #[test]
    fn port_in_use_is_one_clear_line() {
        let held = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = held.local_addr().unwrap().port();
        let message = bind(IpAddr::from([127, 0, 0, 1]), port).unwrap_err();
        assert!(message.en.contains("already in use") && message.en.contains("--port"), "{message:?}");
        assert!(message.zh.contains("已被占用") && message.zh.contains("--port"), "{message:?}");
        assert!(!message.en.contains('\n') && !message.zh.contains('\n'));
    }
}
