//! `serve`'s memo of rendered Markdown: a file's body rendered again only when its text, its
//! place or the answers its links got changed.
//!
//! An entry is found by the file and fingerprinted by its body, its first line and the
//! Markdown options. Rendering also asks the site's link resolver about every destination
//! (`@/cases/x.md` → a URL); those questions and answers are recorded with the entry and asked
//! again on a hit, so a renamed or deleted target renders the files linking to it again.

use crate::markdown::{self, LinkResolver, MarkdownOptions, Rendered, ResolvedLink};
use crate::memo::Fingerprint;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One question to the link resolver and its answer: (destination, is_image, answer).
type LinkAnswer = (String, bool, Result<ResolvedLink, crate::lang::Text>);

/// A rendered body and what its links were resolved to.
#[derive(Clone)]
pub struct Recorded {
    links: Vec<LinkAnswer>,
    rendered: Rendered,
}

pub type MarkdownMemo = crate::memo::Table<PathBuf, Recorded>;

/// `markdown::render`, through `memo` when there is one.
pub fn render_markdown(
    source: &str,
    opts: &MarkdownOptions,
    resolver: &dyn LinkResolver,
    file: &Path,
    first_line: usize,
    memo: Option<&MarkdownMemo>,
) -> Rendered {
    let Some(memo) = memo else { return markdown::render(source, opts, resolver, file, first_line) };
    let fingerprint = fingerprint(source, opts, file, first_line);
    // Same text; the links must still resolve the same way (targets renamed, deleted, added).
    let same_links =
        |r: &Recorded| r.links.iter().all(|(dest, image, answer)| resolver.resolve(dest, *image) == *answer);
    if let Some(hit) = memo.get_if(&file.to_path_buf(), &fingerprint, same_links) {
        return hit.rendered;
    }
    let recorder = Recorder { inner: resolver, calls: Mutex::new(Vec::new()) };
    let rendered = markdown::render(source, opts, &recorder, file, first_line);
    let links = recorder.calls.into_inner().unwrap_or_else(|e| e.into_inner());
    memo.put(file.to_path_buf(), fingerprint, Recorded { links, rendered: rendered.clone() });
    rendered
}

fn fingerprint(source: &str, opts: &MarkdownOptions, file: &Path, first_line: usize) -> Fingerprint {
    let mut h = blake3::Hasher::new();
    h.update(file.as_os_str().as_encoded_bytes());
    h.update(&[0]);
    h.update(&(first_line as u64).to_le_bytes());
    h.update(&[u8::from(opts.allow_html)]);
    h.update(source.as_bytes());
    *h.finalize().as_bytes()
}

/// Records what the resolver answers while a file renders.
struct Recorder<'a> {
    inner: &'a dyn LinkResolver,
    calls: Mutex<Vec<LinkAnswer>>,
}

impl LinkResolver for Recorder<'_> {
    fn resolve(&self, dest: &str, is_image: bool) -> Result<ResolvedLink, crate::lang::Text> {
        let answer = self.inner.resolve(dest, is_image);
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).push((dest.to_string(), is_image, answer.clone()));
        answer
    }
}
