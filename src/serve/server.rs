//! The HTTP side: one fallback handler answering from the current snapshot, plus the reload
//! endpoints. GET and HEAD only; every response is `Cache-Control: no-store` so a browser never
//! shows a page older than the last build.

use super::overlay::{fallback_page, inject};
use super::paths::{resolve, Resolution};
use super::{mime, reload, Snapshot, State};
use crate::lang::Lang;
use axum::body::Body;
use axum::extract::State as Extract;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::process::ExitCode;
use std::sync::Arc;

/// Serves until Ctrl-C.
pub fn run(listener: std::net::TcpListener, state: Arc<State>, lang: Lang) -> ExitCode {
    let cannot_start = |e: &dyn std::fmt::Display| match lang {
        Lang::Zh => eprintln!("错误：无法启动服务器：{e}"),
        Lang::En => eprintln!("error: cannot start the server: {e}"),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            cannot_start(&e);
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let listener = match listener.set_nonblocking(true).and_then(|()| tokio::net::TcpListener::from_std(listener)) {
            Ok(l) => l,
            Err(e) => {
                cannot_start(&e);
                return ExitCode::from(1);
            }
        };
        // Open event streams never end, so a graceful shutdown would wait forever: Ctrl-C
        // simply stops serving.
        tokio::select! {
            result = axum::serve(listener, router(state)) => match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    match lang {
                        Lang::Zh => eprintln!("错误：服务器停止了：{e}"),
                        Lang::En => eprintln!("error: the server stopped: {e}"),
                    }
                    ExitCode::from(1)
                }
            },
            _ = tokio::signal::ctrl_c() => {
                eprintln!("{}", lang.pick("已停止", "stopped"));
                ExitCode::SUCCESS
            }
        }
    })
}

pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(reload::EVENTS_PATH, get(reload::events))
        .route(reload::WORKER_PATH, get(worker))
        .fallback(site_file)
        .with_state(state)
}

async fn worker() -> Response {
    respond(StatusCode::OK, "text/javascript; charset=utf-8", reload::WORKER.as_bytes().to_vec())
}

/// Any other path: a file of the site, a redirect, or the 404 page.
async fn site_file(Extract(state): Extract<Arc<State>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = (StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n").into_response();
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let snapshot = state.current();
    match resolve(uri.path(), |k| snapshot.contains(k)) {
        Resolution::File(key) => file(&state, &snapshot, &key, StatusCode::OK),
        Resolution::AddSlash(location) => redirect(&location, uri.query()),
        Resolution::NotFound => not_found(&state, &snapshot),
        Resolution::BadRequest => {
            respond(StatusCode::BAD_REQUEST, "text/plain; charset=utf-8", b"400 bad request\n".to_vec())
        }
    }
}

fn file(state: &State, snapshot: &Snapshot, key: &str, status: StatusCode) -> Response {
    let Some(entry) = snapshot.get(key) else { return not_found(state, snapshot) };
    let bytes = match entry.read() {
        Ok(b) => b,
        // A static file deleted since the build: the rebuild is on its way.
        Err(_) => return not_found(state, snapshot),
    };
    let content_type = mime::content_type(key);
    let body = if mime::is_html(key) { page(state, snapshot, &bytes) } else { bytes.into_owned() };
    respond(status, content_type, body)
}

fn page(state: &State, snapshot: &Snapshot, html: &[u8]) -> Vec<u8> {
    inject(html, &snapshot.overlay, &reload::script(state.server_id, snapshot.version))
}

/// The site's own 404.html with status 404, or a stand-in (which still carries the overlay and
/// the reload script, so a first build that failed shows its errors and recovers by itself).
fn not_found(state: &State, snapshot: &Snapshot) -> Response {
    if snapshot.contains("404.html") {
        return file(state, snapshot, "404.html", StatusCode::NOT_FOUND);
    }
    let stand_in = if snapshot.output.is_empty() && !snapshot.errors.is_empty() {
        fallback_page("构建失败", "网站还没有构建成功，请看上面列出的错误。")
    } else {
        fallback_page("404 页面不存在", "这个地址没有页面。")
    };
    respond(StatusCode::NOT_FOUND, "text/html; charset=utf-8", page(state, snapshot, &stand_in))
}

fn redirect(location: &str, query: Option<&str>) -> Response {
    let target = match query {
        Some(q) => format!("{location}?{q}"),
        None => location.to_string(),
    };
    let mut r = respond(StatusCode::MOVED_PERMANENTLY, "text/plain; charset=utf-8", Vec::new());
    if let Ok(v) = HeaderValue::from_str(&target) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn respond(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}
