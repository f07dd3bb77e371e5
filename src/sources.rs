//! Walking the site's own folders (content/, templates/, static/, themes/): every file that
//! xianfeng reads as a source or publishes as it is comes through [`walk`], which keeps to
//! the site folder.
//!
//! Links are followed while they stay inside the site (a shared `images/` folder linked into
//! two cases, say). A link whose target is outside the site folder is an error naming the
//! link and its target, and is neither read nor followed: `ln -s /etc/passwd content/x.md`
//! publishes nothing. A loop of links is reported once, never followed forever.

use crate::diagnostics::Diagnostic;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The files found under a folder, and the problems met on the way.
#[derive(Debug, Default)]
pub struct Found {
    /// Absolute paths (as walked: through any link inside the site), sorted by name.
    pub files: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every file under `dir` (which may be missing), leaving out names `skip` rejects (hidden
/// and temporary files) and everything under them. `site_root` is the site folder; paths in
/// diagnostics are relative to it.
pub fn walk(site_root: &Path, dir: &Path, skip: impl Fn(&str) -> bool) -> Found {
    let mut found = Found::default();
    if !dir.is_dir() {
        return found;
    }
    let root = site_root.canonicalize().unwrap_or_else(|_| site_root.to_path_buf());
    let rel = |p: &Path| p.strip_prefix(site_root).or_else(|_| p.strip_prefix(&root)).unwrap_or(p).to_path_buf();
    let mut outside = Vec::new();
    let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
        if e.depth() > 0 && skip(&e.file_name().to_string_lossy()) {
            return false;
        }
        if !e.path_is_symlink() {
            return true;
        }
        match e.path().canonicalize() {
            Ok(target) if target.starts_with(&root) => true,
            Ok(target) => {
                outside.push((e.path().to_path_buf(), target));
                false
            }
            // A broken link: walkdir reports it as an error below.
            Err(_) => true,
        }
    });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => found.files.push(e.into_path()),
            Ok(_) => {}
            Err(err) => found.diagnostics.push(walk_error(&err, &rel)),
        }
    }
    for (link, target) in outside {
        found.diagnostics.push(
            Diagnostic::error(
                "outside-site",
                rel(&link),
                (
                    format!(
                        "`{}` 是指向 {} 的链接，在网站文件夹之外：不会发布",
                        rel(&link).display(),
                        target.display()
                    ),
                    format!(
                        "`{}` is a link to {}, outside the site folder: it is not published",
                        rel(&link).display(),
                        target.display()
                    ),
                ),
            )
            .hint((
                "把文件复制进网站文件夹，不要用链接；只在网站文件夹内部跟随链接",
                "copy the file into the site folder instead of linking it; links are followed only inside the site",
            )),
        );
    }
    found
}

fn walk_error(err: &walkdir::Error, rel: &dyn Fn(&Path) -> PathBuf) -> Diagnostic {
    let path = err.path().map(rel).unwrap_or_else(|| PathBuf::from("content"));
    if let Some(ancestor) = err.loop_ancestor() {
        return Diagnostic::error(
            "symlink-loop",
            &path,
            (
                format!("`{}` 是指回 {} 的链接：形成了循环，不再跟随", path.display(), rel(ancestor).display()),
                format!("`{}` is a link back to {}: a loop, not followed", path.display(), rel(ancestor).display()),
            ),
        )
        .hint((
            "删掉这个链接，或让它指向不包含它自己的文件夹",
            "remove the link, or point it at a folder that does not contain it",
        ));
    }
    let broken = err.io_error().is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    if broken {
        return Diagnostic::error(
            "read-error",
            &path,
            (
                format!("`{}` 是一个空链接（它指向的文件已经不在了）", path.display()),
                format!("`{}` is a link to nothing (its target is gone)", path.display()),
            ),
        )
        .hint(("删掉这个链接，或恢复它指向的文件", "remove the link or restore its target"));
    }
    Diagnostic::error("read-error", &path, (format!("无法读取：{err}"), format!("cannot read: {err}")))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_the_site_are_followed_and_links_out_of_it_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "private").unwrap();
        let site = tempfile::tempdir().unwrap();
        let content = site.path().join("content");
        std::fs::create_dir_all(content.join("shared")).unwrap();
        std::fs::write(content.join("shared/a.png"), "png").unwrap();
        symlink(content.join("shared"), content.join("linked")).unwrap();
        symlink(outside.path().join("secret.txt"), content.join("leak.md")).unwrap();
        symlink(outside.path(), content.join("outdir")).unwrap();
        symlink(content.join("missing"), content.join("dangling.md")).unwrap();
        std::fs::create_dir(content.join("loop")).unwrap();
        symlink(&content, content.join("loop/back")).unwrap();
        let found = walk(site.path(), &content, |_| false);
        let names: Vec<String> =
            found.files.iter().map(|p| p.strip_prefix(&content).unwrap().display().to_string()).collect();
        assert_eq!(names, ["linked/a.png", "shared/a.png"]);
        let mut codes: Vec<(&str, String)> =
            found.diagnostics.iter().map(|d| (d.code, d.file.display().to_string())).collect();
        codes.sort();
        assert_eq!(
            codes,
            [
                ("outside-site", "content/leak.md".to_string()),
                ("outside-site", "content/outdir".to_string()),
                ("read-error", "content/dangling.md".to_string()),
                ("symlink-loop", "content/loop/back".to_string()),
            ]
        );
    }
}
