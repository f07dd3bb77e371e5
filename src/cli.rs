//! The command line: argument parsing and the thin commands over `pipeline`.
//!
//! Exit codes: 0 success, 1 content or template errors, 2 usage errors (clap's own).

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::import::ImportOptions;
use crate::lang::Lang;
use crate::linkcheck::external::ExternalOptions;
use crate::pipeline::{self, BuildOptions};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("XIANFENG_COMMIT"), ")");

#[derive(Parser)]
#[command(name = "xianfeng", version = VERSION, about = "先锋: static sites for party-building brand showcases and case compilations")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Language of messages: zh (default for a zh-* site) or en; also XIANFENG_LANG
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

impl LangArg {
    fn tag(self) -> &'static str {
        match self {
            LangArg::Zh => "zh",
            LangArg::En => "en",
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into SITE/public (or -o DIR)
    Build {
        /// The site folder (holding site.yaml and content/)
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder (default: SITE/public)
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Override base_url from site.yaml (e.g. https://host/jgdj/showcase)
        #[arg(long)]
        base_url: Option<String>,
        /// Include drafts and future-dated cases
        #[arg(long)]
        drafts: bool,
        /// Neither read nor write the build cache in SITE/.xianfeng/
        #[arg(long)]
        no_cache: bool,
    },
    /// Build into memory, serve, watch for changes, rebuild and live-reload open pages
    Serve {
        /// The site folder (holding site.yaml and content/)
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Port to listen on (0 picks a free one)
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; the default keeps the site (and drafts) on this machine
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in a browser
        #[arg(long)]
        open: bool,
        /// Include drafts and future-dated cases
        #[arg(long)]
        drafts: bool,
    },
    /// Validate everything the build validates; writes nothing
    Check {
        #[arg(default_value = ".")]
        site: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also check external (http/https) links: needs network; 10 s timeout, 8 at a time
        #[arg(long)]
        external: bool,
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new case (or compilation) from a commented template
    New {
        slug: String,
        #[arg(long, default_value = ".")]
        site: PathBuf,
        #[arg(long)]
        compilation: bool,
        /// 标题 (asked for on a terminal when left out)
        #[arg(long)]
        title: Option<String>,
        /// 品牌名称
        #[arg(long)]
        brand: Option<String>,
        /// 单位
        #[arg(long)]
        org: Option<String>,
    },
    /// Create a new site that builds as it is
    Init { dir: PathBuf },
    /// Turn articles (.txt, .html, .htm, .md; folders are walked) into draft cases
    Import {
        /// Files or folders to import
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The site folder (holding content/cases/)
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Print what would be written; write nothing
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let asked = cli.lang.map(LangArg::tag);
    match cli.command {
        Command::Build { site, output, base_url, drafts, no_cache } => {
            let lang = run_lang(asked, Some(&site));
            let opts = BuildOptions {
                site_root: site,
                output_dir: output,
                base_url,
                drafts,
                no_cache,
                lang,
                ..Default::default()
            };
            build(&opts)
        }
        Command::Serve { site, port, bind, open, drafts } => {
            let lang = run_lang(asked, Some(&site));
            crate::serve::run(crate::serve::ServeOptions { site, port, bind, open, drafts, lang })
        }
        Command::Check { site, format, external, drafts } => {
            let lang = run_lang(asked, Some(&site));
            check(&site, format, external, drafts, lang)
        }
        Command::New { slug, site, compilation, title, brand, org } => {
            let lang = run_lang(asked, Some(&site));
            let fields = ask_missing(crate::scaffold::NewFields { title, brand, org }, compilation);
            report(crate::scaffold::new_content(&site, &slug, compilation, &fields), lang)
        }
        Command::Init { dir } => report(crate::scaffold::init_site(&dir), run_lang(asked, None)),
        Command::Import { inputs, site, dry_run, format } => {
            let lang = run_lang(asked, Some(&site));
            import(&ImportOptions { inputs, site, dry_run }, format, lang)
        }
    }
}

/// The language of this run: `--lang`, else `XIANFENG_LANG`, else the `language` of the
/// site's site.yaml (read on its own: the build reads it again, with its diagnostics).
fn run_lang(asked: Option<&str>, site: Option<&Path>) -> Lang {
    let env = std::env::var("XIANFENG_LANG").ok();
    if let Some(lang) = asked.or(env.as_deref()).and_then(Lang::parse) {
        return lang;
    }
    let site_language = site.filter(|s| s.is_dir()).map(|s| crate::config::load_config(s).0.language);
    Lang::choose(None, None, site_language.as_deref())
}

/// On a terminal, asks for what `new` was not given (Enter leaves the template's placeholder);
/// in scripts and CI nothing is asked.
fn ask_missing(mut fields: crate::scaffold::NewFields, compilation: bool) -> crate::scaffold::NewFields {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return fields;
    }
    let ask = |slot: &mut Option<String>, label: &str| {
        if slot.is_some() {
            return;
        }
        eprint!("{label}（回车跳过）：");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).is_ok() && !line.trim().is_empty() {
            *slot = Some(line.trim().to_string());
        }
    };
    if compilation {
        ask(&mut fields.title, "汇编标题");
    } else {
        ask(&mut fields.title, "案例标题");
        ask(&mut fields.brand, "品牌名称");
        ask(&mut fields.org, "单位");
    }
    fields
}

fn import(opts: &ImportOptions, format: Format, lang: Lang) -> ExitCode {
    let files = crate::import::collect(&opts.inputs);
    let bar = progress_bar(files.len() as u64);
    let outcomes = crate::import::run(opts, &files, |file| {
        if let Some(b) = &bar {
            b.set_message(file.display().to_string());
            b.inc(1);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for outcome in &outcomes {
        match format {
            Format::Json => println!("{}", crate::import::to_json(outcome)),
            Format::Text => {
                eprintln!("{}", crate::import::describe(outcome, lang));
                if let (true, Ok(i)) = (opts.dry_run, &outcome.result) {
                    if matches!(i.written, crate::import::write::Written::WouldCreate(_)) {
                        println!("{}", i.text);
                    }
                }
            }
        }
    }
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    let skipped = outcomes
        .iter()
        .filter(
            |o| matches!(&o.result, Ok(i) if matches!(i.written, crate::import::write::Written::AlreadyImported(_))),
        )
        .count();
    if format == Format::Text {
        let done = outcomes.len() - failed - skipped;
        let (zh_done, en_done) = if opts.dry_run {
            ("篇将导入（演练）", "would be imported (dry run)")
        } else {
            ("篇已导入", "imported")
        };
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("导入完成：{done} {zh_done}，{skipped} 篇此前已导入，{failed} 篇失败"),
                Lang::En => format!("import finished: {done} {en_done}, {skipped} imported before, {failed} failed"),
            }
        );
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A progress bar over the files on a terminal; nothing in CI or when output is piped.
fn progress_bar(len: u64) -> Option<indicatif::ProgressBar> {
    if len < 2 || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    Some(indicatif::ProgressBar::new(len))
}

fn build(opts: &BuildOptions) -> ExitCode {
    let spinner = progress(opts.lang.pick("构建中……", "building…"));
    let result = pipeline::build(opts);
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    match result {
        Ok(built) => {
            print_diagnostics(&built.warnings, opts.lang);
            for w in &built.cached_warnings {
                eprintln!("{w}\n");
            }
            eprintln!("{} → {}", built.summary(opts.lang), opts.output_dir().display());
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            // A refused output folder or option: nothing was built, nothing touched.
            let had_output = opts.output_dir().is_dir();
            let consequence = match (opts.lang, had_output) {
                (Lang::Zh, true) => "上次的输出保持不变",
                (Lang::Zh, false) => "没有写入任何文件",
                (Lang::En, true) => "the previous output was left unchanged",
                (Lang::En, false) => "nothing was written",
            };
            fail(&diagnostics, consequence, opts.lang)
        }
    }
}

fn check(site: &Path, format: Format, external: bool, drafts: bool, lang: Lang) -> ExitCode {
    let opts = BuildOptions { site_root: site.to_path_buf(), drafts, strict_links: true, lang, ..Default::default() };
    let external = external.then(ExternalOptions::default);
    let diagnostics = pipeline::check(&opts, external.as_ref());
    match format {
        Format::Json => {
            for d in &diagnostics.0 {
                println!("{}", d.to_json(lang));
            }
            // The last line: what a script needs to know without counting the others.
            let summary = serde_json::json!({
                "summary": { "errors": diagnostics.errors().count(), "warnings": diagnostics.warnings().count() }
            });
            println!("{summary}");
        }
        Format::Text => print_diagnostics(&diagnostics.0, lang),
    }
    let errors = diagnostics.errors().count();
    let counts = diagnostics.count_summary(lang);
    if errors > 0 {
        if format == Format::Text && !is_usage_error(&diagnostics) {
            eprintln!("{}{counts}", lang.pick("检查未通过：", "check failed: "));
        }
        exit_code(&diagnostics)
    } else {
        if format == Format::Text {
            eprintln!("{}{counts}", lang.pick("检查通过：", "check passed: "));
        }
        ExitCode::SUCCESS
    }
}

fn fail(diagnostics: &Diagnostics, consequence: &str, lang: Lang) -> ExitCode {
    print_diagnostics(&diagnostics.0, lang);
    // A usage error is one message: nothing was built to sum up.
    if !is_usage_error(diagnostics) {
        let counts = diagnostics.count_summary(lang);
        match lang {
            Lang::Zh => eprintln!("构建失败：{counts}；{consequence}"),
            Lang::En => eprintln!("build failed: {counts}; {consequence}"),
        }
    }
    exit_code(diagnostics)
}

fn is_usage_error(diagnostics: &Diagnostics) -> bool {
    diagnostics.errors().all(Diagnostic::is_usage)
}

/// 2 when every error is in how xianfeng was called (a usage error), else 1.
fn exit_code(diagnostics: &Diagnostics) -> ExitCode {
    if is_usage_error(diagnostics) {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Every diagnostic, one block each; diagnostics of one group (every link to one missing
/// page) as one block listing each place.
fn print_diagnostics(diagnostics: &[Diagnostic], lang: Lang) {
    for block in crate::diagnostics::grouped(diagnostics, lang) {
        eprintln!("{block}\n");
    }
}

fn report(result: Result<crate::lang::Text, Diagnostic>, lang: Lang) -> ExitCode {
    match result {
        Ok(message) => {
            eprintln!("{}", message.get(lang));
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{}", d.display(lang));
            ExitCode::from(1)
        }
    }
}

/// A spinner on a terminal; nothing in CI or when output is piped.
fn progress(message: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}
