//! Records the git commit the binary is built from, for `itsa --version`. Without git (a
//! source tarball, a crate download) the version says so instead of failing the build.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    let hash = git(&["rev-parse", "--short=12", "HEAD"]);
    let version = match hash {
        Some(h) => format!("git {h}"),
        None => "git commit unknown".to_string(),
    };
    println!("cargo:rustc-env=ITSA_GIT_HASH={version}");
    // Rebuild when HEAD moves (commits, checkouts); a missing path would rebuild every time.
    let mut watched = vec!["HEAD".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for path in watched {
        if let Some(p) = git(&["rev-parse", "--git-path", &path]) {
            if std::path::Path::new(&p).exists() {
                println!("cargo:rerun-if-changed={p}");
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
