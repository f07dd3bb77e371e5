//! Rebuilding on change: one thread takes the watcher's batches, coalesces whatever queued up
//! while it was building, and swaps the result in.
//!
//! An edit that only changes existing cases' text or display fields patches the last good build
//! (`patch`): the case's page and what shows it are rendered again. Anything else runs the full
//! `build_output`, so the served site is what `xianfeng build` would write for the same sources
//! (created, deleted and renamed files included); tests hold both paths to that. A failed build
//! keeps the previous output and records the errors for the overlay.

use super::patch::{self, Patched};
use super::watcher::{relevant_paths, Watch};
use super::{overlay, Snapshot, State};
use crate::diagnostics::Diagnostic;
use crate::lang::Lang;
use crate::output::Output;
use crate::pipeline::{build_output, search_output, BuildMemo, BuildOptions, Built, Kept};
use crate::search::SearchDoc;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// What the rebuild thread carries from one build to the next: the last good build's state,
/// for patching it (see `patch`), its search documents and its warnings as printed.
#[derive(Default)]
pub struct Session {
    /// What each stage made, for the next full build (see `memo`).
    memo: BuildMemo,
    kept: Option<Box<Kept>>,
    search_docs: Vec<Arc<SearchDoc>>,
    warnings: Vec<Diagnostic>,
    /// The warnings of the PDFs made after the last build, as printed.
    pdf_warnings: Vec<Diagnostic>,
}

/// The first build, before the server answers, PDFs included (there are none to serve
/// meanwhile). A failure still serves (the overlay).
pub fn initial(opts: &BuildOptions) -> (Snapshot, Session) {
    let memo = BuildMemo::default();
    match build_output(&BuildOptions { defer_pdfs: false, ..opts.clone() }, Some(&memo)) {
        Ok(built) => {
            memo.finish_build();
            print_all(&built.warnings, opts.lang);
            eprintln!("{}", built.summary(opts.lang));
            let search = Arc::new(search_output(&built.search_docs));
            let snapshot =
                Snapshot { output: Arc::new(built.output), search, errors: Vec::new(), overlay: "".into(), version: 1 };
            let session = Session {
                memo,
                kept: built.kept,
                search_docs: built.search_docs,
                warnings: built.warnings,
                pdf_warnings: Vec::new(),
            };
            (snapshot, session)
        }
        Err(diagnostics) => {
            print_all(&diagnostics.0, opts.lang);
            let counts = diagnostics.count_summary(opts.lang);
            match opts.lang {
                Lang::Zh => eprintln!("构建失败：{counts}；改正后保存文件，服务器继续监视改动"),
                Lang::En => eprintln!("build failed: {counts}; fix and save, the server keeps watching"),
            }
            let errors: Vec<Diagnostic> = diagnostics.errors().cloned().collect();
            let snapshot = Snapshot {
                output: Arc::new(Output::default()),
                search: Arc::new(Output::default()),
                overlay: overlay::render(&errors, &opts.site_root, opts.lang).into(),
                errors,
                version: 1,
            };
            (snapshot, Session { memo, ..Session::default() })
        }
    }
}

/// Starts the rebuild thread; it ends with the process.
pub fn spawn(state: Arc<State>, opts: BuildOptions, watch: Watch, session: Session) {
    let opts_lang = opts.lang;
    let spawned =
        std::thread::Builder::new().name("xianfeng-rebuild".into()).spawn(move || run(&state, &opts, watch, session));
    if let Err(e) = spawned {
        match opts_lang {
            Lang::Zh => eprintln!("警告：无法启动重新构建的线程（{e}），改动不会生效"),
            Lang::En => eprintln!("warning: cannot start the rebuild thread ({e}); changes will not be picked up"),
        }
    }
}

fn run(state: &Arc<State>, opts: &BuildOptions, mut watch: Watch, mut session: Session) {
    let indexer = Indexer::spawn(state.clone(), opts.lang);
    while let Ok(first) = watch.events.recv() {
        let mut batch = Batch::default();
        batch.add(&watch.root, first, opts.lang);
        // Builds are slower than saves: everything that arrived meanwhile goes into one build.
        while let Ok(more) = watch.events.try_recv() {
            batch.add(&watch.root, more, opts.lang);
        }
        if watch.refresh(&batch.changed) {
            // A source folder was replaced: what changed in it before its new watch went unheard.
            batch.watcher_failed = true;
        }
        if batch.changed.is_empty() && !batch.watcher_failed {
            continue;
        }
        rebuild(state, opts, &batch, &mut session, &indexer);
    }
}

/// Builds the search index of each good build on a thread of its own, one core at most, so
/// the next edit's pages are not held up by the index of the previous one. Documents that
/// queued up while it worked are skipped for the newest.
struct Indexer {
    jobs: std::sync::mpsc::Sender<Vec<Arc<SearchDoc>>>,
}

impl Indexer {
    fn spawn(state: Arc<State>, lang: Lang) -> Indexer {
        let (jobs, queue) = std::sync::mpsc::channel::<Vec<Arc<SearchDoc>>>();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).thread_name(|_| "xianfeng-index".into()).build();
        let spawned = std::thread::Builder::new().name("xianfeng-search".into()).spawn(move || {
            while let Ok(mut docs) = queue.recv() {
                while let Ok(newer) = queue.try_recv() {
                    docs = newer;
                }
                let index = match &pool {
                    Ok(pool) => pool.install(|| search_output(&docs)),
                    Err(_) => search_output(&docs),
                };
                state.update_search(Arc::new(index));
            }
        });
        if let Err(e) = spawned {
            match lang {
                Lang::Zh => eprintln!("警告：无法启动搜索索引的线程（{e}），搜索不会跟上改动"),
                Lang::En => {
                    eprintln!("warning: cannot start the search index thread ({e}); search will not follow edits")
                }
            }
        }
        Indexer { jobs }
    }

    fn index(&self, docs: Vec<Arc<SearchDoc>>) {
        let _ = self.jobs.send(docs);
    }
}

/// What a group of watcher reports changed.
#[derive(Default)]
struct Batch {
    changed: BTreeSet<PathBuf>,
    /// The watcher lost events (e.g. inotify queue overflow): rebuild to be safe.
    watcher_failed: bool,
}

impl Batch {
    fn add(&mut self, root: &std::path::Path, result: notify_debouncer_full::DebounceEventResult, lang: Lang) {
        if let Err(errors) = &result {
            for e in errors {
                match lang {
                    Lang::Zh => eprintln!("警告：监视文件改动时出错：{e}"),
                    Lang::En => eprintln!("warning: file watcher: {e}"),
                }
            }
            self.watcher_failed = true;
        }
        self.changed.extend(relevant_paths(root, &result));
    }
}

fn rebuild(state: &State, opts: &BuildOptions, batch: &Batch, session: &mut Session, indexer: &Indexer) {
    let started = Instant::now();
    let previous = state.current();
    let version = previous.version + 1;
    let what = describe(&batch.changed, opts.lang);
    if let Some(patched) = try_patch(session, batch, opts, &previous) {
        let Patched { output, search_docs, warnings, rendered, reused, pdfs } = patched;
        publish_good(
            state,
            session,
            indexer,
            previous,
            Good { output, search_docs, warnings, css_only: false, lang: opts.lang },
        );
        let ms = started.elapsed().as_millis();
        // The page is served (and open tabs reload) before the PDFs printing it are made again.
        let pdf_note = remake_pdfs(state, session, opts, &pdfs);
        match opts.lang {
            Lang::Zh => eprintln!(
                "{} {what} → 已局部更新：{rendered} 个页面显示它（{reused} 个没有变化），用时 {ms} 毫秒{pdf_note}",
                clock()
            ),
            Lang::En => eprintln!(
                "{} {what} → patched: {rendered} pages showing it ({reused} unchanged) in {ms} ms{pdf_note}",
                clock()
            ),
        }
        return;
    }
    match build_output(opts, Some(&session.memo)) {
        Ok(built) => {
            session.memo.finish_build();
            let css_only =
                previous.errors.is_empty() && only_css(&batch.changed) && same_paths(&previous.output, &built.output);
            let Built { output, pages, rendered, search_docs, kept, warnings, deferred_pdfs, .. } = built;
            session.kept = kept;
            publish_good(
                state,
                session,
                indexer,
                previous,
                Good { output, search_docs, warnings, css_only, lang: opts.lang },
            );
            let ms = started.elapsed().as_millis();
            // As after a patch: the pages first, then the PDFs (from the cache when unchanged).
            let pdf_note = remake_pdfs(state, session, opts, &deferred_pdfs);
            match opts.lang {
                Lang::Zh => {
                    let how = if css_only { "，已替换样式" } else { "" };
                    eprintln!(
                        "{} {what} → {pages} 个页面（重新生成 {rendered} 个，其余不变），用时 {ms} 毫秒{how}{pdf_note}",
                        clock()
                    )
                }
                Lang::En => {
                    let how = if css_only { ", styles swapped" } else { "" };
                    eprintln!(
                        "{} {what} → {pages} pages ({rendered} rendered, the rest unchanged) in {ms} ms{how}{pdf_note}",
                        clock()
                    )
                }
            }
        }
        Err(diagnostics) => {
            print_all(&diagnostics.0, opts.lang);
            session.kept = None;
            let errors: Vec<Diagnostic> = diagnostics.errors().cloned().collect();
            let overlay = overlay::render(&errors, &opts.site_root, opts.lang).into();
            let (output, search) = (previous.output.clone(), previous.search.clone());
            drop(previous);
            state.publish(Snapshot { output, search, errors, overlay, version }, false);
            let counts = diagnostics.count_summary(opts.lang);
            match opts.lang {
                Lang::Zh => eprintln!("{} {what} → 构建失败：{counts}；继续提供上次构建成功的页面", clock()),
                Lang::En => eprintln!("{} {what} → build failed: {counts}; serving the last good pages", clock()),
            }
        }
    }
}

/// A good build's pages, search documents and warnings.
struct Good {
    output: Output,
    search_docs: Vec<Arc<SearchDoc>>,
    warnings: Vec<Diagnostic>,
    css_only: bool,
    lang: Lang,
}

/// Prints the build's warnings if they changed, swaps its pages in (with the current search
/// index) and queues its index: an edited page is served without waiting for the index.
fn publish_good(state: &State, session: &mut Session, indexer: &Indexer, previous: Arc<Snapshot>, good: Good) {
    let Good { output, search_docs, warnings, css_only, lang } = good;
    show_warnings(session, warnings, lang);
    let snapshot = Snapshot {
        output: Arc::new(output),
        search: previous.search.clone(),
        errors: Vec::new(),
        overlay: "".into(),
        version: previous.version + 1,
    };
    drop(previous);
    state.publish(snapshot, css_only);
    session.search_docs.clone_from(&search_docs);
    indexer.index(search_docs);
}

/// After the pages of a patch or a full build are published, the PDFs of the compilations
/// `which` made again and swapped in without reloading open tabs (the pages they would reload
/// are the ones just served). Returns the log line's note of it, empty when there was nothing
/// to make. Should a page linking them fail to render, the next edit makes a full build.
fn remake_pdfs(state: &State, session: &mut Session, opts: &BuildOptions, which: &[usize]) -> String {
    if which.is_empty() {
        return String::new();
    }
    let started = Instant::now();
    if let Some(mut kept) = session.kept.take() {
        let current = state.current();
        if let Some((output, warnings)) = patch::remake_pdfs(&mut kept, which, opts, &current.output, &session.memo) {
            session.kept = Some(kept);
            if warnings != session.pdf_warnings {
                print_all(&warnings, opts.lang);
                session.pdf_warnings = warnings;
            }
            state.swap_output(current, Arc::new(output));
        }
    }
    let (n, t) = (which.len(), started.elapsed().as_millis());
    match opts.lang {
        Lang::Zh => format!("；{n} 本汇编的 PDF 随后更新，用时 {t} 毫秒"),
        Lang::En => format!("; {n} compilation PDF(s) followed in {t} ms"),
    }
}

/// The fast path: patches the last good build when the batch only edited cases (see
/// `patch`). The kept state is used up either way; a full build makes it again.
fn try_patch(session: &mut Session, batch: &Batch, opts: &BuildOptions, previous: &Snapshot) -> Option<Patched> {
    let mut kept = session.kept.take()?;
    if batch.watcher_failed || !previous.errors.is_empty() {
        return None;
    }
    let patched = patch::patch(&mut kept, &batch.changed, opts, &previous.output, &session.search_docs, &session.memo)?;
    session.kept = Some(kept);
    Some(patched)
}

/// Prints the warnings of a build when they differ from the last ones printed.
fn show_warnings(session: &mut Session, warnings: Vec<Diagnostic>, lang: Lang) {
    if warnings != session.warnings {
        print_all(&warnings, lang);
        session.warnings = warnings;
    }
}

/// `content/cases/a.md, site.yaml (+4 more)`.
fn describe(changed: &BTreeSet<PathBuf>, lang: Lang) -> String {
    if changed.is_empty() {
        return lang.pick("（文件监视丢失了改动）", "(watcher lost events)").into();
    }
    let shown: Vec<String> = changed.iter().take(3).map(|p| p.to_string_lossy().replace('\\', "/")).collect();
    let more = changed.len().saturating_sub(3);
    match (more, lang) {
        (0, _) => shown.join(", "),
        (_, Lang::Zh) => format!("{} 等（另有 {more} 个）", shown.join(", ")),
        (_, Lang::En) => format!("{} (+{more} more)", shown.join(", ")),
    }
}

/// Only stylesheets of the theme or site changed.
fn only_css(changed: &BTreeSet<PathBuf>) -> bool {
    !changed.is_empty()
        && changed.iter().all(|p| {
            let in_static = p.components().any(|c| c.as_os_str() == "static");
            in_static && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("css"))
        })
}

/// Same output paths: a stylesheet whose URL is fingerprinted changes paths, and then the pages
/// pointing at it changed too and need a reload.
fn same_paths(a: &Output, b: &Output) -> bool {
    a.files.len() == b.files.len() && a.files.keys().eq(b.files.keys())
}

fn print_all(diagnostics: &[Diagnostic], lang: Lang) {
    for block in crate::diagnostics::grouped(diagnostics, lang) {
        eprintln!("{block}\n");
    }
}

fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(paths: &[&str]) -> BTreeSet<PathBuf> {
        paths.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn describes_up_to_three_files() {
        assert_eq!(describe(&set(&["a.md"]), Lang::En), "a.md");
        assert_eq!(describe(&set(&["a", "b", "c", "d", "e"]), Lang::En), "a, b, c (+2 more)");
        assert_eq!(describe(&set(&["a", "b", "c", "d", "e"]), Lang::Zh), "a, b, c 等（另有 2 个）");
    }

    #[test]
    fn css_only_changes() {
        assert!(only_css(&set(&["static/style.css", "themes/default/static/print.CSS"])));
        assert!(!only_css(&set(&["static/style.css", "content/cases/a.md"])));
        assert!(!only_css(&set(&["templates/x.css"])));
        assert!(!only_css(&set(&[])));
    }
}
