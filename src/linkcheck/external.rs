//! `check --external`: every http(s) link of the output, requested once, a few at a time.
//!
//! Off by default: a check must not need the network, and intranet CI often has none. Uses a
//! small blocking client (ureq) with short timeouts. HEAD first (cheap); servers that refuse
//! HEAD (405, 501, some 403/404) are asked again with GET. A status of 400 or more, or no
//! answer, is an error on the first page linking the URL.

use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Connect and whole-request timeout, each.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions { timeout: Duration::from_secs(10), concurrency: 8 }
    }
}

/// Checks `links` (URL → the file to report a problem on, as in [`super::LinkReport`]).
pub fn check_external(links: &BTreeMap<String, String>, opts: &ExternalOptions) -> Vec<Diagnostic> {
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(opts.timeout))
        .timeout_global(Some(opts.timeout))
        .max_redirects(5)
        .user_agent(concat!("xianfeng-linkcheck/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let urls: Vec<(&String, &String)> = links.iter().collect();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..opts.concurrency.clamp(1, 32).min(urls.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((url, page)) = urls.get(i) else { break };
                if let Err(why) = probe(&agent, url) {
                    failures.lock().unwrap_or_else(|e| e.into_inner()).push(((*url).clone(), (*page).clone(), why));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort();
    failures
        .into_iter()
        .map(|(url, page, why)| {
            Diagnostic::error(
                "external-link",
                page,
                (format!("外部链接 `{url}` 打不开：{why}"), format!("external link `{url}`: {why}")),
            )
            .hint((
                "改正或删去这个链接；如果对方网站屏蔽了自动检查，可以手动打开确认后保留",
                "fix or remove the link; a site that blocks robots can be checked by hand and the link kept",
            ))
        })
        .collect()
}

/// `Ok` when the URL answers with a status below 400.
fn probe(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    match agent.head(url).call() {
        Ok(_) => Ok(()),
        Err(ureq::Error::StatusCode(403 | 404 | 405 | 501)) => get(agent, url),
        Err(e) => Err(describe(e)),
    }
}

fn get(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    agent.get(url).call().map(|_| ()).map_err(describe)
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::StatusCode(code) => {
            let reason = ureq::http::StatusCode::from_u16(code).ok().and_then(|s| s.canonical_reason());
            let reason = reason.map_or(String::new(), |r| format!(" {r}"));
            format!("HTTP {code}{reason}")
        }
        other => format!("no answer ({other})"),
    }
}
