//! Themes: templates and static files from `themes/<name>/`, overridden file by file by the
//! site's own `templates/` and `static/`. The default theme is embedded in the binary, so an
//! installed `xianfeng` builds a site that has no themes/ folder.

use crate::diagnostics::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// Problems met reading the folders (a link out of the site, a loop).
    pub diagnostics: Vec<Diagnostic>,
}

pub fn load_theme(site_root: &Path, name: &str) -> Result<Theme, Diagnostic> {
    let mut theme = Theme { templates: BTreeMap::new(), statics: BTreeMap::new(), diagnostics: Vec::new() };
    let theme_dir = site_root.join("themes").join(name);
    let collect = |dir: PathBuf, statics: bool, theme: &mut Theme| {
        let into = if statics { &mut theme.statics } else { &mut theme.templates };
        theme.diagnostics.extend(collect_disk(site_root, &dir, into));
    };
    if theme_dir.is_dir() {
        collect(theme_dir.join("templates"), false, &mut theme);
        collect(theme_dir.join("static"), true, &mut theme);
    } else if name == "default" {
        collect_embedded(&DEFAULT_THEME, "templates", &mut theme.templates);
        collect_embedded(&DEFAULT_THEME, "static", &mut theme.statics);
    } else {
        let yaml = std::fs::read_to_string(site_root.join("site.yaml")).unwrap_or_default();
        let (line, column) = crate::config::setting_position(&yaml, "theme");
        return Err(Diagnostic::error(
            "missing-theme",
            "site.yaml",
            (
                format!("在 {} 找不到主题 `{name}`", theme_dir.display()),
                format!("theme `{name}` not found at {}", theme_dir.display()),
            ),
        )
        .at(line, column)
        .field("theme")
        .expected((
            "一个里面有 templates/ 的 themes/<主题名>/ 文件夹，或 `default`",
            "a folder themes/<name>/ with templates/ inside, or `default`",
        ))
        .hint((
            "从 site.yaml 里删去 `theme:`，就用内置的默认主题",
            "remove `theme:` from site.yaml to use the built-in default theme",
        )));
    }
    collect(site_root.join("templates"), false, &mut theme);
    collect(site_root.join("static"), true, &mut theme);
    Ok(theme)
}

/// The files of `dir` (see `sources::walk`: links are followed only inside the site).
fn collect_disk(site_root: &Path, dir: &Path, into: &mut BTreeMap<String, Origin>) -> Vec<Diagnostic> {
    let found = crate::sources::walk(site_root, dir, is_hidden_or_temp);
    for path in found.files {
        if let Ok(rel) = path.strip_prefix(dir) {
            into.insert(rel.to_string_lossy().replace('\\', "/"), Origin::Disk(path));
        }
    }
    found.diagnostics
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

fn is_hidden_or_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || (name.starts_with('#') && name.ends_with('#'))
}
