//! A build's output folder while it is written, and the one step that publishes it.
//!
//! The rules that keep a live site safe are all kept here:
//! - **Files are created, never written again.** Every file of a staging folder is made with
//!   `create_new` (or hard-linked from the live output when its bytes are the same), so no
//!   write can go through a file the live output shares.
//! - **One atomic swap.** The finished folder and the live one trade places in one
//!   `renameat2(RENAME_EXCHANGE)` (Linux; `RENAME_SWAP` on macOS): a build killed at any
//!   instant leaves the old tree or the new one. Where the system or file system has no
//!   exchange, two renames are the fallback, and a kill between them leaves the old output in
//!   the `.NAME.xianfeng-old-PID` folder beside it (the next build removes it again).
//! - **A marker names what xianfeng wrote.** Every output folder holds [`MARKER`], listing
//!   its files. A non-empty folder without one is never replaced, one holding files the list
//!   does not name is refused, and an output is removed file by file from its list: a file
//!   xianfeng did not write is never deleted.
//! - **Debris of dead builds goes.** Staging folders of builds that were killed are removed
//!   by the next build beside them.

use super::{write_tree, Output, Writer};
use crate::cache::{FileRecord, Reuse};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The marker file of every folder xianfeng writes (an output, or a staging folder).
pub const MARKER: &str = ".xianfeng-output";

/// First line of the marker of a finished output; the files follow, one per line.
const OUTPUT_HEADER: &str =
    "xianfeng output folder: every `xianfeng build` replaces it. The files listed below are the ones xianfeng wrote;";
const OUTPUT_HEADER_2: &str =
    "xianfeng never deletes a file that is not listed, and refuses to replace a folder holding one.";

/// The whole marker of a staging folder: everything in it was written by that build.
const STAGING_HEADER: &str =
    "xianfeng staging folder of a build in progress: removed when the build ends, or by the next build if it died.";

/// Why an existing folder may not be replaced by a build.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Something other than a folder is at the output path.
    NotAFolder,
    /// A non-empty folder without the marker: not written by xianfeng.
    NotOurs,
    /// An output of xianfeng's, holding files it did not write (relative paths, sorted).
    ForeignFiles(Vec<String>),
}

/// Whether a build may replace `target`: it is missing, empty, or an output of xianfeng's
/// holding only what xianfeng wrote there.
pub fn check_replaceable(target: &Path) -> Result<(), Refusal> {
    let meta = match fs::metadata(target) {
        Ok(m) => m,
        Err(_) => return Ok(()),
    };
    if !meta.is_dir() {
        return Err(Refusal::NotAFolder);
    }
    let empty = fs::read_dir(target).map(|mut d| d.next().is_none()).unwrap_or(false);
    if empty {
        return Ok(());
    }
    let Some(Marker::Output(listed)) = read_marker(target) else { return Err(Refusal::NotOurs) };
    let foreign: Vec<String> = files_under(target).into_iter().filter(|rel| !listed.contains(rel)).collect();
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(Refusal::ForeignFiles(foreign))
    }
}

/// A build's output folder while it is being written: beside the target, swapped in by
/// [`Staging::commit`], removed if dropped before (a failed build leaves the target as it was).
pub struct Staging {
    writer: Writer,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// A staging folder beside `target`; `record` keeps what the build cache needs of each file
    /// (`reuse`, the previous build's files, comes from that cache: `None` without one). The
    /// staging folders of builds beside it that died are removed first.
    pub fn create(target: &Path, reuse: Option<Reuse>, record: bool) -> io::Result<Staging> {
        let target = resolved_target(target);
        let parent = parent_of(&target);
        fs::create_dir_all(&parent)?;
        let name = folder_name(&target);
        remove_dead_builds_debris(&parent, &name);
        let dir = parent.join(format!(".{name}.xianfeng-new-{}", std::process::id()));
        // A folder of this name is left by an earlier process with this process's id, which
        // is therefore no longer running.
        if fs::symlink_metadata(&dir).is_ok() {
            remove_debris(&dir);
        }
        fs::create_dir(&dir)?;
        let started = process_start(std::process::id()).map(|t| format!("started: {t}\n")).unwrap_or_default();
        create_new(&dir.join(MARKER), format!("{STAGING_HEADER}\n{started}").as_bytes())?;
        let writer = Writer::new(dir, reuse, record);
        Ok(Staging { writer, target, committed: false })
    }

    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// Writes what is not written yet and the marker listing every file, then swaps the
    /// folder in for the target. Returns every file of the new output.
    ///
    /// The previous output is removed, or, given `set_aside`, moved into that folder for a
    /// later build to remove while it works: removing tens of thousands of files from a disk
    /// takes longer than a second, and the new output is complete without waiting for it.
    pub fn commit(mut self, output: &Output, set_aside: Option<&Path>) -> io::Result<BTreeMap<String, FileRecord>> {
        write_tree(output, &self.writer)?;
        let root = self.writer.root().to_path_buf();
        write_output_marker(&root, output.files.keys().map(String::as_str))?;
        self.writer.note_written(MARKER)?;
        let previous = swap_in(&root, &self.target)?;
        self.committed = true;
        if let Some(previous) = previous {
            let moved = set_aside.is_some_and(|dir| move_into(&previous, dir));
            if !moved {
                remove_output(&previous);
            }
        }
        Ok(self.writer.records())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Made by this build alone (`create_dir` above), so everything in it is its own.
            let _ = fs::remove_dir_all(self.writer.root());
        }
    }
}

/// Writes `output` to `target` atomically: into `target`'s sibling staging folder first, then
/// swapped in. On error the previous `target` is left as it was.
pub fn write_atomically(output: &Output, target: &Path) -> io::Result<()> {
    Staging::create(target, None, false)?.commit(output, None).map(|_| ())
}

/// Removes an output folder xianfeng wrote: the files its marker lists, then the folders
/// left empty. Anything else stays where it is. Returns what was left (empty when the
/// folder is gone); a folder without an output marker is left whole.
pub fn remove_output(dir: &Path) -> Vec<String> {
    let Some(Marker::Output(listed)) = read_marker(dir) else { return files_under(dir) };
    for rel in &listed {
        let _ = fs::remove_file(dir.join(rel));
    }
    // The marker goes last: a removal cut short is finished by the next one.
    remove_empty_folders(dir, false);
    let _ = fs::remove_file(dir.join(MARKER));
    remove_empty_folders(dir, true);
    if fs::symlink_metadata(dir).is_ok() {
        files_under(dir)
    } else {
        Vec::new()
    }
}

/// Removes the outputs set aside in `dir` by earlier builds, on a thread of its own: the
/// removal waits on the disk while the build works the processors. Join the handle before
/// setting another output aside there.
pub fn remove_outputs_in(dir: PathBuf) -> Option<std::thread::JoinHandle<()>> {
    if !dir.is_dir() {
        return None;
    }
    let remove = move || {
        for entry in fs::read_dir(&dir).into_iter().flatten().filter_map(Result::ok) {
            remove_output(&entry.path());
        }
        let _ = fs::remove_dir(&dir);
    };
    std::thread::Builder::new().name("xianfeng-remove".into()).spawn(remove).ok()
}

/// A symlinked output folder is written where the link points (the link stays a link).
fn resolved_target(target: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf())
    } else {
        target.to_path_buf()
    }
}

fn parent_of(target: &Path) -> PathBuf {
    target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
}

fn folder_name(target: &Path) -> String {
    target.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned())
}

/// What a marker says about its folder.
enum Marker {
    /// A build in progress, with its process's start time where the system tells it.
    Staging { started: Option<u64> },
    /// A finished output, with the files xianfeng wrote there.
    Output(BTreeSet<String>),
}

fn read_marker(dir: &Path) -> Option<Marker> {
    // Read only when the marker is a file of its own (not a link to one elsewhere).
    let path = dir.join(MARKER);
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    let mut lines = text.lines();
    match lines.next()? {
        STAGING_HEADER => {
            let started = lines.next().and_then(|l| l.strip_prefix("started: ")).and_then(|t| t.parse().ok());
            Some(Marker::Staging { started })
        }
        OUTPUT_HEADER if lines.next() == Some(OUTPUT_HEADER_2) => {
            Some(Marker::Output(lines.filter(|l| !l.is_empty()).map(String::from).collect()))
        }
        _ => None,
    }
}

/// Replaces a staging folder's marker by the list of the output's files (a new file renamed
/// over it: files are never written twice).
fn write_output_marker<'a>(dir: &Path, files: impl Iterator<Item = &'a str>) -> io::Result<()> {
    let mut text = format!("{OUTPUT_HEADER}\n{OUTPUT_HEADER_2}\n");
    for rel in files {
        text.push_str(rel);
        text.push('\n');
    }
    let tmp = dir.join(format!("{MARKER}.new"));
    create_new(&tmp, text.as_bytes())?;
    fs::rename(tmp, dir.join(MARKER))
}

/// Creates `path` with `bytes`; fails if anything is there already.
pub(super) fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)
}

/// Every file (and symlink, and anything that is not a folder) under `dir` but the marker,
/// relative and `/`-separated, sorted; links are not followed.
fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| Some(e.path().strip_prefix(dir).ok()?.to_string_lossy().replace('\\', "/")))
        .filter(|rel| rel != MARKER)
        .collect();
    files.sort();
    files
}

/// Removes the empty folders under `dir`, deepest first, and (with `itself`) `dir` if it ends
/// up empty.
fn remove_empty_folders(dir: &Path, itself: bool) {
    let min_depth = if itself { 0 } else { 1 };
    let folders =
        walkdir::WalkDir::new(dir).min_depth(min_depth).contents_first(true).into_iter().filter_map(Result::ok);
    for entry in folders.filter(|e| e.file_type().is_dir()) {
        // Fails, as it should, on a folder that still holds something.
        let _ = fs::remove_dir(entry.path());
    }
}

/// Removes the staging folders of builds beside `target` (named NAME) that are no longer
/// running: left by a kill, a crash or a power cut.
fn remove_dead_builds_debris(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefix = format!(".{name}.xianfeng-");
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else { continue };
        let pid = rest.strip_prefix("new-").or_else(|| rest.strip_prefix("old-")).and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !still_running(p, &entry.path())) {
            remove_debris(&entry.path());
        }
    }
}

/// Removes a folder a dead build left: a staging folder whole (everything in it is that
/// build's), an output by its list; a folder with neither marker only if it is empty.
fn remove_debris(dir: &Path) {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return;
    }
    match read_marker(dir) {
        Some(Marker::Staging { .. }) => remove_staging_folder(dir),
        Some(Marker::Output(_)) => {
            remove_output(dir);
        }
        // Folders only (what a removal cut short leaves), or a marker the build was killed
        // while writing: removing them deletes nothing anyone else wrote.
        None => {
            if files_under(dir).is_empty() {
                for name in [MARKER.to_string(), format!("{MARKER}.new")] {
                    let _ = fs::remove_file(dir.join(name));
                }
            }
            remove_empty_folders(dir, true)
        }
    }
}

/// Removes a dead build's staging folder, its marker last: a removal cut short (this build
/// killed too) leaves a folder the next build still knows as a staging folder.
fn remove_staging_folder(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_name() == MARKER {
            continue;
        }
        let path = entry.path();
        let _ = match entry.file_type() {
            Ok(t) if t.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
    }
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
}

/// Whether the build that made `dir` runs: its process exists and, where the marker recorded
/// when that process started, is the same process (process ids are reused: a machine running
/// many short processes hands a dead build's id to another within minutes).
fn still_running(pid: u32, dir: &Path) -> bool {
    if !is_running(pid) {
        return false;
    }
    match (read_marker(dir), process_start(pid)) {
        (Some(Marker::Staging { started: Some(then) }), Some(now)) => then == now,
        _ => true,
    }
}

/// When process `pid` started, in clock ticks since boot (field 22 of `/proc/PID/stat`);
/// None where there is no /proc.
fn process_start(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else { return false };
    let Some(pid) = rustix::process::Pid::from_raw(pid) else { return false };
    // EPERM: it runs, as another user.
    !matches!(rustix::process::test_kill_process(pid), Err(rustix::io::Errno::SRCH))
}

#[cfg(not(unix))]
fn is_running(_pid: u32) -> bool {
    // Unknown: keep the folder.
    true
}

/// Moves the folder `from` into `dir` under a name of its own; false if it cannot (on another
/// file system, say), and then `from` is where it was.
fn move_into(from: &Path, dir: &Path) -> bool {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let to = dir.join(format!("{}-{nanos}", std::process::id()));
    fs::create_dir_all(dir).and_then(|()| fs::rename(from, to)).is_ok()
}

/// Puts the finished folder `staging` in the place of `target`; on error `target` is as it
/// was. Returns where the previous output now is, if there was one.
fn swap_in(staging: &Path, target: &Path) -> io::Result<Option<PathBuf>> {
    if fs::symlink_metadata(target).is_err() {
        fs::rename(staging, target)?;
        return Ok(None);
    }
    match exchange(staging, target) {
        Ok(()) => Ok(Some(staging.to_path_buf())),
        Err(e) if exchange_unsupported(&e) => swap_by_two_renames(staging, target).map(Some),
        Err(e) => Err(e),
    }
}

/// The fallback where folders cannot be exchanged in one step: the target is renamed aside,
/// then the staging folder renamed in (a kill between the two leaves the previous output in
/// the `-old-` folder, which the next build removes).
fn swap_by_two_renames(staging: &Path, target: &Path) -> io::Result<PathBuf> {
    let previous = staging.with_file_name(format!(".{}.xianfeng-old-{}", folder_name(target), std::process::id()));
    fs::rename(target, &previous)?;
    if let Err(e) = fs::rename(staging, target) {
        let _ = fs::rename(&previous, target);
        return Err(e);
    }
    Ok(previous)
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos", target_os = "ios"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos", target_os = "ios")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The system or the file system has no atomic exchange (old kernels, some network file
/// systems): `EINVAL`, `ENOSYS`, `ENOTSUP`.
fn exchange_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(code) if [libc_einval(), libc_enosys(), libc_enotsup()].contains(&code))
}

#[cfg(unix)]
fn libc_einval() -> i32 {
    rustix::io::Errno::INVAL.raw_os_error()
}
#[cfg(unix)]
fn libc_enosys() -> i32 {
    rustix::io::Errno::NOSYS.raw_os_error()
}
#[cfg(unix)]
fn libc_enotsup() -> i32 {
    rustix::io::Errno::NOTSUP.raw_os_error()
}
#[cfg(not(unix))]
fn libc_einval() -> i32 {
    -1
}
#[cfg(not(unix))]
fn libc_enosys() -> i32 {
    -1
}
#[cfg(not(unix))]
fn libc_enotsup() -> i32 {
    -1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output_of(files: &[(&str, &str)]) -> Output {
        let mut out = Output::default();
        for (path, text) in files {
            out.insert_bytes(path.to_string(), text.as_bytes().to_vec());
        }
        out
    }

    fn siblings(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_write_keeps_the_previous_output_and_leaves_no_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        write_atomically(&output_of(&[("index.html", "old")]), &target).unwrap();
        let mut out = Output::default();
        out.insert("a.txt".into(), super::super::Entry::Copy(dir.path().join("does-not-exist")));
        assert!(write_atomically(&out, &target).is_err());
        assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "old");
        assert_eq!(siblings(dir.path()), ["public"]);
    }

    #[test]
    fn a_build_replaces_the_whole_tree_and_marks_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        write_atomically(&output_of(&[("stale.html", "old")]), &target).unwrap();
        write_atomically(&output_of(&[("cases/a/index.html", "new")]), &target).unwrap();
        assert!(!target.join("stale.html").exists());
        assert_eq!(fs::read_to_string(target.join("cases/a/index.html")).unwrap(), "new");
        assert!(matches!(read_marker(&target), Some(Marker::Output(l)) if l.contains("cases/a/index.html")));
        assert_eq!(siblings(dir.path()), ["public"], "the previous output is gone, and nothing else is left");
    }

    #[test]
    fn a_folder_xianfeng_did_not_write_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("mine");
        fs::create_dir_all(&mine).unwrap();
        fs::write(mine.join("thesis.docx"), "a user's file").unwrap();
        assert_eq!(check_replaceable(&mine), Err(Refusal::NotOurs));
        fs::write(dir.path().join("file"), "x").unwrap();
        assert_eq!(check_replaceable(&dir.path().join("file")), Err(Refusal::NotAFolder));
        assert_eq!(check_replaceable(&dir.path().join("missing")), Ok(()));
        fs::create_dir(dir.path().join("empty")).unwrap();
        assert_eq!(check_replaceable(&dir.path().join("empty")), Ok(()));
    }

    #[test]
    fn a_file_dropped_into_an_output_is_refused_and_never_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        write_atomically(&output_of(&[("index.html", "x")]), &target).unwrap();
        assert_eq!(check_replaceable(&target), Ok(()));
        fs::write(target.join("thesis.docx"), "a user's file").unwrap();
        assert_eq!(check_replaceable(&target), Err(Refusal::ForeignFiles(vec!["thesis.docx".into()])));
        assert_eq!(remove_output(&target), ["thesis.docx"]);
        assert_eq!(fs::read_to_string(target.join("thesis.docx")).unwrap(), "a user's file");
        assert!(!target.join("index.html").exists(), "what xianfeng wrote is removed");
    }

    #[test]
    fn a_second_write_of_one_path_fails_instead_of_writing_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.html");
        fs::write(&live, "live page").unwrap();
        let staged = dir.path().join("staged.html");
        fs::hard_link(&live, &staged).unwrap();
        assert!(create_new(&staged, b"other bytes").is_err());
        assert_eq!(fs::read_to_string(&live).unwrap(), "live page");
    }

    #[cfg(unix)]
    #[test]
    fn staging_folders_of_dead_builds_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".public.xianfeng-new-999999999");
        fs::create_dir_all(dead.join("cases")).unwrap();
        fs::write(dead.join(MARKER), format!("{STAGING_HEADER}\n")).unwrap();
        fs::write(dead.join("cases/x.html"), "half a build").unwrap();
        let empty_dead = dir.path().join(".public.xianfeng-old-999999998");
        fs::create_dir(&empty_dead).unwrap();
        let unmarked = dir.path().join(".public.xianfeng-old-999999997");
        fs::create_dir(&unmarked).unwrap();
        fs::write(unmarked.join("note.txt"), "not ours").unwrap();
        let parent_pid = std::os::unix::process::parent_id();
        let alive = dir.path().join(format!(".public.xianfeng-new-{parent_pid}"));
        fs::create_dir(&alive).unwrap();
        fs::write(alive.join(MARKER), format!("{STAGING_HEADER}\n")).unwrap();
        write_atomically(&output_of(&[("index.html", "x")]), &dir.path().join("public")).unwrap();
        assert!(!dead.exists() && !empty_dead.exists());
        assert!(unmarked.join("note.txt").exists(), "a folder without a marker is not xianfeng's to remove");
        assert!(alive.exists(), "a running build's folder is kept");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_dead_builds_folder_goes_even_when_its_process_id_is_reused() {
        let dir = tempfile::tempdir().unwrap();
        // A live process (this test's parent) now holds the id; the marker says the build
        // started at another time, so that build is dead.
        let parent_pid = std::os::unix::process::parent_id();
        let started = process_start(parent_pid).expect("linux has /proc");
        let reused = dir.path().join(format!(".public.xianfeng-new-{parent_pid}"));
        fs::create_dir(&reused).unwrap();
        fs::write(reused.join(MARKER), format!("{STAGING_HEADER}\nstarted: {}\n", started + 1)).unwrap();
        let alive = dir.path().join(format!(".site.xianfeng-new-{parent_pid}"));
        fs::create_dir(&alive).unwrap();
        fs::write(alive.join(MARKER), format!("{STAGING_HEADER}\nstarted: {started}\n")).unwrap();
        write_atomically(&output_of(&[("index.html", "x")]), &dir.path().join("public")).unwrap();
        write_atomically(&output_of(&[("index.html", "x")]), &dir.path().join("site")).unwrap();
        assert!(!reused.exists(), "the id is another process's now");
        assert!(alive.exists(), "the same process: still building");
    }

    #[test]
    fn a_dead_builds_folder_cut_short_in_its_removal_is_still_removed() {
        let dir = tempfile::tempdir().unwrap();
        // A staging folder half removed by a build that was killed too: its marker is kept
        // to the end, so the folder is still known as a dead build's staging folder.
        let dead = dir.path().join(format!(".public.xianfeng-new-{}", u32::MAX - 1));
        fs::create_dir_all(dead.join("cases/a")).unwrap();
        fs::write(dead.join("cases/a/index.html"), "x").unwrap();
        fs::write(dead.join(MARKER), format!("{STAGING_HEADER}\n")).unwrap();
        // A build killed while writing its marker leaves only a partial marker.
        let killed = dir.path().join(format!(".public.xianfeng-new-{}", u32::MAX - 2));
        fs::create_dir(&killed).unwrap();
        fs::write(killed.join(MARKER), "").unwrap();
        write_atomically(&output_of(&[("index.html", "x")]), &dir.path().join("public")).unwrap();
        assert!(!dead.exists(), "the dead build's staging folder goes");
        assert!(!killed.exists(), "a folder holding only a partial marker goes");
    }

    #[test]
    fn a_folder_with_a_partial_marker_and_other_files_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join(format!(".public.xianfeng-new-{}", u32::MAX - 3));
        fs::create_dir(&odd).unwrap();
        fs::write(odd.join(MARKER), "not a marker").unwrap();
        fs::write(odd.join("notes.txt"), "someone's file").unwrap();
        write_atomically(&output_of(&[("index.html", "x")]), &dir.path().join("public")).unwrap();
        assert_eq!(fs::read_to_string(odd.join("notes.txt")).unwrap(), "someone's file");
    }
}
