//! The command line: argument parsing and the thin commands over `pipeline`.
//!
//! Exit codes: 0 success, 1 content or template errors, 2 usage errors (clap's own).

use crate::diagnostics::{Diagnostic, Diagnostics};
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
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { site, output, base_url, drafts, no_cache } => {
            let opts =
                BuildOptions { site_root: site, output_dir: output, base_url, drafts, no_cache, ..Default::default() };
            build(&opts)
        }
        Command::Serve { site, port, bind, open, drafts } => {
            crate::serve::run(crate::serve::ServeOptions { site, port, bind, open, drafts })
        }
        Command::Check { site, format, external, drafts } => check(&site, format, external, drafts),
        Command::New { slug, site, compilation, title, brand, org } => {
            let fields = ask_missing(crate::scaffold::NewFields { title, brand, org }, compilation);
            report(crate::scaffold::new_content(&site, &slug, compilation, &fields))
        }
        Command::Init { dir } => report(crate::scaffold::init_site(&dir)),
    }
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

fn build(opts: &BuildOptions) -> ExitCode {
    let spinner = progress("构建中 building");
    let result = pipeline::build(opts);
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    match result {
        Ok(built) => {
            print_diagnostics(&built.warnings);
            for w in &built.cached_warnings {
                eprintln!("{w}\n");
            }
            eprintln!("{} → {}", built.summary(), opts.output_dir().display());
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            // A refused output folder or option: nothing was built, nothing touched.
            let had_output = opts.output_dir().is_dir();
            let consequence = if had_output { "the previous output was left unchanged" } else { "nothing was written" };
            fail(&diagnostics, consequence)
        }
    }
}

fn check(site: &Path, format: Format, external: bool, drafts: bool) -> ExitCode {
    let opts = BuildOptions { site_root: site.to_path_buf(), drafts, strict_links: true, ..Default::default() };
    let external = external.then(ExternalOptions::default);
    let diagnostics = pipeline::check(&opts, external.as_ref());
    match format {
        Format::Json => {
            for d in &diagnostics.0 {
                println!("{}", d.to_json());
            }
        }
        Format::Text => print_diagnostics(&diagnostics.0),
    }
    let errors = diagnostics.errors().count();
    if errors > 0 {
        if format == Format::Text && !is_usage_error(&diagnostics) {
            eprintln!("check failed: {}", count_summary(&diagnostics));
        }
        exit_code(&diagnostics)
    } else {
        if format == Format::Text {
            eprintln!("check passed: {}", count_summary(&diagnostics));
        }
        ExitCode::SUCCESS
    }
}

fn fail(diagnostics: &Diagnostics, consequence: &str) -> ExitCode {
    print_diagnostics(&diagnostics.0);
    // A usage error is one message: nothing was built to sum up.
    if !is_usage_error(diagnostics) {
        eprintln!("build failed: {}; {consequence}", count_summary(diagnostics));
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

fn count_summary(d: &Diagnostics) -> String {
    let errors = d.errors().count();
    let warnings = d.warnings().count();
    format!("{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Every diagnostic, one block each; diagnostics of one group (every link to one missing
/// page) as one block listing each place.
fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for block in crate::diagnostics::grouped(diagnostics) {
        eprintln!("{block}\n");
    }
}

fn report(result: Result<String, Diagnostic>) -> ExitCode {
    match result {
        Ok(message) => {
            eprintln!("{message}");
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}");
            ExitCode::from(1)
        }
    }
}

/// A spinner on a terminal; nothing in CI or when output is piped.
fn progress(message: &'static str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}
