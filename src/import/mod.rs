//! `xianfeng import`: articles (.txt, .html, .md, .docx) become draft cases in
//! `content/cases/<slug>.md`, or `content/cases/<slug>/index.md` with the article's images
//! beside it, never overwriting.
//!
//! One stage per module, data flowing one way: [`read`] refuses what is not an article and
//! decodes the text, [`docx`] reads a Word file after checking its zip, [`html`] takes a
//! page's main content and head facts, [`images`] checks and names the images they found,
//! [`clean`] drops chrome and repeats and marks the structure, [`guess`] fills the front
//! matter with where each value came from, [`write`] renders the files and creates them.

pub mod clean;
pub mod docx;
pub mod guess;
pub mod html;
pub mod images;
pub mod metrics;
pub mod read;
mod syllables;
pub mod write;

use crate::lang::{Lang, Text};
use std::path::{Path, PathBuf};

/// What the command was asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub inputs: Vec<PathBuf>,
    pub site: PathBuf,
    pub dry_run: bool,
}

/// One field filled, and where from.
#[derive(Debug, Clone)]
pub struct Filled {
    pub field: &'static str,
    pub value: String,
    pub from: Text,
}

/// What became of one input file.
#[derive(Debug)]
pub struct Outcome {
    pub file: PathBuf,
    pub result: Result<Imported, Text>,
}

#[derive(Debug)]
pub struct Imported {
    pub written: write::Written,
    pub filled: Vec<Filled>,
    pub missing: Vec<write::Missing>,
    pub warnings: Vec<Text>,
    /// The images written (or that would be) beside the case, by file name.
    pub images: Vec<String>,
    /// The file's text (what was or would be written).
    pub text: String,
}

/// The patterns of every stage, compiled once per run.
#[derive(Default)]
struct Stages {
    rules: clean::Rules,
    patterns: guess::Patterns,
    metrics: metrics::Patterns,
}

/// The files named, folders walked for .txt/.html/.htm/.md/.docx, in a stable order.
pub fn collect(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(input)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && read::is_importable(e.path()))
                .map(|e| e.into_path())
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    files
}

/// Imports every file; each file's failure is its own, the others still go in.
pub fn run(opts: &ImportOptions, files: &[PathBuf], mut progress: impl FnMut(&Path)) -> Vec<Outcome> {
    let stages = Stages::default();
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive().to_string();
    let cases = opts.site.join("content").join("cases");
    files
        .iter()
        .map(|file| {
            progress(file);
            Outcome { file: file.clone(), result: import_one(&stages, &cases, file, opts.dry_run, &today) }
        })
        .collect()
}

fn import_one(stages: &Stages, cases: &Path, file: &Path, dry_run: bool, today: &str) -> Result<Imported, Text> {
    let kind = read::kind(file)?;
    let mut warnings = Vec::new();
    let (article, page_facts, found) = match kind {
        read::Kind::Docx => {
            let docx = docx::read(&read::bytes(file)?)?;
            (docx.markdown, Vec::new(), docx.images)
        }
        read::Kind::Html => {
            let folder = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let page = html::read(&read::text(file)?, folder);
            for src in &page.remote_images {
                warnings.push(Text::new(
                    format!("图片未下载，保留为链接：{src}"),
                    format!("image not downloaded, kept as a link: {src}"),
                ));
            }
            (page.markdown, page.facts, page.images)
        }
        read::Kind::Markdown => (without_front_matter(&read::text(file)?).to_string(), Vec::new(), Vec::new()),
        read::Kind::Text => (read::text(file)?, Vec::new(), Vec::new()),
    };
    let gathered = images::gather(&article, found);
    warnings.extend(gathered.warnings);
    let article = gathered.markdown;
    let cleaned = clean::clean(&stages.rules, &article);
    if cleaned.blocks.is_empty() {
        return Err(Text::new(
            "去掉页面杂项后没有正文可导入",
            "no article text is left once the page chrome is removed",
        ));
    }
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("import");
    let fields = guess::fields(&stages.patterns, &cleaned, &page_facts, stem);
    let figures = metrics::find(&stages.metrics, &cleaned.blocks);
    let draft = write::draft(&fields, &figures, &cleaned.blocks, today);
    let slug = write::slug(
        fields.org.as_ref().map(|g| g.value.as_str()),
        fields.brand.as_ref().map(|g| g.value.as_str()),
        fields.title.as_ref().map_or(stem, |g| g.value.as_str()),
    );
    let bundle = !gathered.images.is_empty();
    let (path, already) = write::place(cases, &slug, &draft, bundle)?;
    let written = if already {
        write::Written::AlreadyImported(path)
    } else if dry_run {
        write::Written::WouldCreate(path)
    } else if bundle {
        write::create_bundle(&path, &draft.text, &gathered.images)?;
        write::Written::Created(path)
    } else {
        write::create(&path, &draft.text)?;
        write::Written::Created(path)
    };
    let images = gathered.images.into_iter().map(|i| i.name).collect();
    let mut filled = filled(&fields);
    if !figures.is_empty() {
        let listed: Vec<String> = figures.iter().map(|m| format!("{} {}{}", m.label, m.value, m.unit)).collect();
        filled.push(Filled { field: "metrics", value: listed.join("；"), from: write::metrics_from() });
    }
    Ok(Imported { written, filled, missing: draft.missing, warnings, images, text: draft.text })
}

/// A Markdown file's own front matter is not article text (its `title:` lines would become
/// paragraphs); the import writes a new one.
fn without_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return text;
    };
    match rest.find("\n---") {
        Some(end) => rest[end + 4..].trim_start_matches(['\r', '\n']),
        None => text,
    }
}

fn filled(f: &guess::Fields) -> Vec<Filled> {
    [
        ("title", &f.title),
        ("brand", &f.brand),
        ("org", &f.org),
        ("date", &f.date),
        ("description", &f.description),
        ("type", &f.kind),
        ("region", &f.region),
        ("lang", &f.hant),
        ("sources[0].title", &f.source_title),
        ("sources[0].publication", &f.publication),
        ("sources[0].url", &f.url),
        ("sources[0].issue", &f.issue),
        ("sources[0].credits.editor", &f.editor),
        ("sources[0].credits.responsible_editor", &f.responsible_editor),
    ]
    .into_iter()
    .filter_map(|(field, g)| g.as_ref().map(|g| Filled { field, value: g.value.clone(), from: g.from.clone() }))
    .collect()
}

/// The report of one file in the run's language, one line per fact.
pub fn describe(outcome: &Outcome, lang: Lang) -> String {
    let file = outcome.file.display();
    let imported = match &outcome.result {
        Err(why) => {
            return match lang {
                Lang::Zh => format!("错误：{file}：{}；未写入任何文件", why.zh),
                Lang::En => format!("error: {file}: {}; nothing was written for it", why.en),
            }
        }
        Ok(i) => i,
    };
    let mut out = match &imported.written {
        write::Written::Created(p) => format!("{} {file} → {}", lang.pick("已导入", "imported"), p.display()),
        write::Written::WouldCreate(p) => format!(
            "{} {file} → {}",
            lang.pick("将导入（演练，未写入）", "would import (dry run, nothing written)"),
            p.display()
        ),
        write::Written::AlreadyImported(p) => format!(
            "{} {file}：{} {}",
            lang.pick("跳过", "skipped"),
            lang.pick("这篇文章已导入过，见", "this article was imported before, see"),
            p.display()
        ),
    };
    if matches!(imported.written, write::Written::AlreadyImported(_)) {
        return out;
    }
    for f in &imported.filled {
        let limit = if f.field == "metrics" { 120 } else { 40 };
        let value: String = f.value.chars().take(limit).collect();
        out.push_str(&format!("\n  {}: {value}  ({}{})", f.field, lang.pick("来自：", "from: "), f.from.get(lang)));
    }
    for m in &imported.missing {
        out.push_str(&match lang {
            Lang::Zh => format!("\n  未找到{}，请在第 {} 行填写", m.what.zh, m.line),
            Lang::En => format!("\n  {} not found: fill it in on line {}", m.what.en, m.line),
        });
    }
    if !imported.images.is_empty() {
        out.push_str(&format!(
            "\n  {}{}",
            lang.pick("图片（与案例同文件夹）：", "images (in the case's folder): "),
            imported.images.join(lang.pick("、", ", "))
        ));
    }
    for w in &imported.warnings {
        out.push_str(&format!("\n  {}{}", lang.pick("提示：", "note: "), w.get(lang)));
    }
    out
}

/// The report of one file as one JSON object.
pub fn to_json(outcome: &Outcome) -> serde_json::Value {
    let file = outcome.file.display().to_string();
    match &outcome.result {
        Err(why) => serde_json::json!({"file": file, "status": "failed", "message": why.zh, "message_en": why.en}),
        Ok(i) => {
            let (status, case) = match &i.written {
                write::Written::Created(p) => ("imported", p),
                write::Written::WouldCreate(p) => ("dry-run", p),
                write::Written::AlreadyImported(p) => ("already-imported", p),
            };
            serde_json::json!({
                "file": file,
                "status": status,
                "case": case.display().to_string(),
                "filled": i.filled.iter().map(|f| serde_json::json!({"field": f.field, "value": f.value, "from": f.from.zh})).collect::<Vec<_>>(),
                "missing": i.missing.iter().map(|m| serde_json::json!({"field": m.field, "line": m.line})).collect::<Vec<_>>(),
                "images": i.images,
                "warnings": i.warnings.iter().map(|w| w.zh.clone()).collect::<Vec<_>>(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_markdown_files_front_matter_is_not_imported_as_text() {
        assert_eq!(without_front_matter("---\ntitle: x\n---\n\n# 标题\n正文"), "# 标题\n正文");
        assert_eq!(without_front_matter("# 标题\n---\n正文"), "# 标题\n---\n正文");
    }
}
