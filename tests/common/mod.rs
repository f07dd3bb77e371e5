//! Helpers for integration tests: small sites written into temp folders, the real binary run on them.
#![allow(dead_code)]

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A site with site.yaml and the given files (path relative to the site root → text).
    pub fn new(files: &[(&str, &str)]) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let site = TestSite { dir };
        site.write("site.yaml", "title: 测试站点\nbase_url: https://dj.example.cn\n");
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }

    /// Runs `xianfeng build` on the site; returns (success, stderr).
    pub fn build(&self, extra: &[&str]) -> (bool, String) {
        let out = xianfeng().arg("build").arg(self.root()).args(extra).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    }

    pub fn build_ok(&self, extra: &[&str]) -> String {
        let (ok, stderr) = self.build(extra);
        assert!(ok, "build failed:\n{stderr}");
        stderr
    }
}

/// The binary, speaking English (`XIANFENG_LANG=en`): most tests read its English words;
/// the tests of the Chinese messages use [`xianfeng_zh`].
pub fn xianfeng() -> Command {
    let mut cmd = Command::cargo_bin("xianfeng").unwrap();
    cmd.env_remove("CI").env("XIANFENG_LANG", "en");
    cmd
}

/// The binary as a user runs it: no `XIANFENG_LANG`, so the site's language decides.
pub fn xianfeng_zh() -> Command {
    let mut cmd = Command::cargo_bin("xianfeng").unwrap();
    cmd.env_remove("CI").env_remove("XIANFENG_LANG");
    cmd
}

/// A valid case file.
pub fn case(title: &str, brand: &str, org: &str, date: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\nbrand: \"{brand}\"\norg: {org}\ndate: {date}\n{extra}---\n\n{body}\n")
}

/// Every file under `dir` with its bytes, relative paths sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
