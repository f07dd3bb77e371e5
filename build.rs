//! Records the git commit so `xianfeng --version` can name it.
use std::process::Command;

fn main() {
    // Builds without .git (Docker contexts, source tarballs) pass the commit in the environment.
    let from_env = std::env::var("XIANFENG_COMMIT").ok().filter(|c| !c.is_empty() && c != "unknown");
    let commit = from_env
        .map(|c| c.chars().take(12).collect::<String>())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=XIANFENG_COMMIT={commit}");
    println!("cargo:rerun-if-env-changed=XIANFENG_COMMIT");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
}

fn git_commit() -> Option<String> {
    Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
}
