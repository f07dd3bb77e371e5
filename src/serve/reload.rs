//! Live reload: a server-sent-events stream of finished builds and the script that listens.
//!
//! Every tab shares one EventSource through a SharedWorker where available, because browsers
//! allow only six HTTP/1.1 connections per host: with one stream per tab, a seventh tab of the
//! site would hang. Each page knows the build version it was served from; a newer version
//! reloads it, unless only stylesheets changed, in which case they are swapped in place. On
//! connecting, the stream first sends the current version, so a build that finished between
//! the page load and the connection is not missed.

use super::{Change, State};
use axum::extract::State as Extract;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

pub const EVENTS_PATH: &str = "/__xianfeng/events";
pub const WORKER_PATH: &str = "/__xianfeng/worker.js";

/// The SSE endpoint: the current version at once, then one event per finished build.
pub async fn events(Extract(state): Extract<Arc<State>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.subscribe();
    let first = Change { version: state.current().version, css_only: false };
    let stream = stream::unfold((Some(first), receiver, state), |(pending, mut receiver, state)| async move {
        let change = match pending {
            Some(c) => c,
            None => match receiver.recv().await {
                Ok(c) => c,
                // Missed some builds: whatever they were, a reload is right.
                Err(RecvError::Lagged(_)) => Change { version: state.current().version, css_only: false },
                Err(RecvError::Closed) => return None,
            },
        };
        let event = Event::default().data(payload(&state, change));
        Some((Ok(event), (None, receiver, state)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn payload(state: &State, change: Change) -> String {
    format!("{{\"s\":{},\"v\":{},\"css\":{}}}", state.server_id, change.version, change.css_only)
}

/// The script injected into every HTML response, bound to the version the page was served at.
pub fn script(server_id: u64, version: u64) -> String {
    format!(
        "<script>{}</script>",
        CLIENT.replace("__S__", &server_id.to_string()).replace("__V__", &version.to_string())
    )
}

/// The SharedWorker holding the one EventSource of all tabs.
pub const WORKER: &str = r#"const ports = new Set(); let last = null;
const es = new EventSource("/__xianfeng/events");
es.onmessage = (e) => { last = e.data; for (const p of ports) p.postMessage(last); };
onconnect = (e) => {
  const p = e.ports[0]; ports.add(p);
  p.onmessage = (m) => { if (m.data === "bye") ports.delete(p); };
  if (last) p.postMessage(last);
};
"#;

const CLIENT: &str = r#"(() => {
  const server = __S__; let version = __V__;
  const swapStyles = (v) => {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("xianfeng-v", v);
      const fresh = link.cloneNode(); fresh.href = url.href;
      fresh.onload = fresh.onerror = () => link.remove();
      link.after(fresh);
    }
  };
  const on = (data) => {
    let d; try { d = JSON.parse(data); } catch (_) { return; }
    if (d.s !== server) { location.reload(); return; }
    if (d.v <= version) return;
    if (d.css && d.v === version + 1) { version = d.v; swapStyles(d.v); return; }
    location.reload();
  };
  addEventListener("pageshow", (e) => { if (e.persisted) location.reload(); });
  if (window.SharedWorker) {
    try {
      const w = new SharedWorker("/__xianfeng/worker.js", { name: "xianfeng-reload" });
      w.port.onmessage = (e) => on(e.data); w.port.start();
      addEventListener("pagehide", () => w.port.postMessage("bye"));
      return;
    } catch (_) {}
  }
  const es = new EventSource("/__xianfeng/events"); es.onmessage = (e) => on(e.data);
  addEventListener("pagehide", () => es.close());
})();"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_is_bound_to_server_and_version() {
        let s = script(42, 7);
        assert!(s.contains("const server = 42; let version = 7;"));
        assert!(s.starts_with("<script>") && s.ends_with("</script>"));
        assert!(!s.contains("__S__") && !s.contains("__V__"));
    }
}
