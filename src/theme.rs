//! Themes: templates and static files from `themes/<name>/`, overridden file by file by the
//! site's own `templates/` and `static/`. The default theme is embedded in the binary, so an
//! installed `xianfeng` builds a site that has no themes/ folder.

use crate::diagnostics::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a template or static file comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

impl Origin {
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Origin::Embedded(bytes) => Ok(bytes.to_vec()),
            Origin::Disk(path) => std::fs::read(path),
        }
    }

    /// Display name for messages.
    pub fn describe(&self, name: &str) -> String {
        match self {
            Origin::Embedded(_) => format!("(built-in default theme) templates/{name}"),
            Origin::Disk(path) => path.display().to_string(),
        }
    }
}

/// The merged view of theme and site files.
pub struct Theme {
    /// Template name (`case.html`, `partials/card.html`) → source.
    pub templates: BTreeMap<String, Origin>,
    /// Output path relative to the output root (`style.css`) → source.
    pub statics: BTreeMap<String, Origin>,
}

pub fn load_theme(site_root: &Path, name: &str) -> Result<Theme, Diagnostic> {
    let mut theme = Theme { templates: BTreeMap::new(), statics: BTreeMap::new() };
    let theme_dir = site_root.join("themes").join(name);
    if theme_dir.is_dir() {
        collect_disk(&theme_dir.join("templates"), &mut theme.templates);
        collect_disk(&theme_dir.join("static"), &mut theme.statics);
    } else if name == "default" {
        collect_embedded(&DEFAULT_THEME, "templates", &mut theme.templates);
        collect_embedded(&DEFAULT_THEME, "static", &mut theme.statics);
    } else {
        return Err(Diagnostic::error(
            "missing-theme",
            "site.yaml",
            format!("theme `{name}` not found at {}", theme_dir.display()),
        )
        .field("theme")
        .expected("a folder themes/<name>/ with templates/ inside, or `default`")
        .hint("remove `theme:` from site.yaml to use the built-in default theme"));
    }
    collect_disk(&site_root.join("templates"), &mut theme.templates);
    collect_disk(&site_root.join("static"), &mut theme.statics);
    Ok(theme)
}

fn collect_disk(dir: &Path, into: &mut BTreeMap<String, Origin>) {
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() || is_hidden_or_temp(entry.path(), dir) {
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(dir) {
            into.insert(rel.to_string_lossy().replace('\\', "/"), Origin::Disk(entry.path().to_path_buf()));
        }
    }
}

fn collect_embedded(root: &'static Dir<'static>, sub: &str, into: &mut BTreeMap<String, Origin>) {
    let Some(dir) = root.get_dir(sub) else { return };
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for file in d.files() {
            if let Ok(rel) = file.path().strip_prefix(sub) {
                into.insert(rel.to_string_lossy().replace('\\', "/"), Origin::Embedded(file.contents()));
            }
        }
        stack.extend(d.dirs());
    }
}

fn is_hidden_or_temp(path: &Path, root: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        s.starts_with('.') || s.ends_with('~') || s.ends_with(".swp") || (s.starts_with('#') && s.ends_with('#'))
    })
}
