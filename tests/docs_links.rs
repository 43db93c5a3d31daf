//! docs/ stands alone: every `FILE.md#anchor` that a report, a doc or the code cites resolves
//! to an anchor of that file in this repository, and nothing cites sections (`§`) of files
//! outside it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// GitHub's anchor of a heading: lower case, spaces to '-', punctuation dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Anchors of a markdown file: explicit `<a id="…">` and heading slugs.
fn anchors(md: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in md.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("id=\"") {
            rest = &rest[i + 4..];
            if let Some(j) = rest.find('"') {
                out.insert(rest[..j].to_string());
            }
        }
        if let Some(h) = line.strip_prefix('#') {
            out.insert(slug(h.trim_start_matches('#')));
        }
    }
    out
}

/// `(file, anchor)` pairs cited in `text` as `NAME.md#anchor` or `](#anchor)`.
fn citations(text: &str, own: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    for (i, _) in text.match_indices(".md#") {
        let start = text[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .map_or(0, |s| s + 1);
        let end = i
            + 4
            + text[i + 4..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(text.len() - i - 4);
        if start < i && end > i + 4 {
            out.push((
                format!("{}.md", &text[start..i]),
                text[i + 4..end].to_string(),
            ));
        }
    }
    for (i, _) in text.match_indices("](#") {
        let s = i + 3;
        let e = s + text[s..].find(')').unwrap_or(0);
        if e > s && b[e] == b')' {
            out.push((own.to_string(), text[s..e].to_string()));
        }
    }
    out
}

#[test]
fn every_cited_anchor_exists_in_docs() {
    let root = root();
    let mut sources = Vec::new();
    files(&root.join("src"), "rs", &mut sources);
    files(&root.join("docs"), "md", &mut sources);
    files(&root.join("specs"), "toml", &mut sources);
    sources.push(root.join("README.md"));
    let mut checked = 0;
    let mut broken = Vec::new();
    for f in &sources {
        let text = std::fs::read_to_string(f).unwrap();
        let own = f.file_name().unwrap().to_str().unwrap();
        for (file, anchor) in citations(&text, own) {
            let target = root.join("docs").join(&file);
            let Ok(md) = std::fs::read_to_string(&target) else {
                broken.push(format!("{}: {file}#{anchor}: no docs/{file}", f.display()));
                continue;
            };
            if !anchors(&md).contains(&anchor) {
                broken.push(format!("{}: {file}#{anchor}: no such anchor", f.display()));
            }
            checked += 1;
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert!(checked > 50, "only {checked} citations found");
}

#[test]
fn nothing_cites_sections_of_files_outside_the_repository() {
    let root = root();
    let mut sources = Vec::new();
    files(&root.join("src"), "rs", &mut sources);
    files(&root.join("docs"), "md", &mut sources);
    files(&root.join("docs"), "svg", &mut sources);
    // The notebook's stored outputs are what a reader sees on the web without running it.
    files(&root.join("docs"), "ipynb", &mut sources);
    files(&root.join("specs"), "toml", &mut sources);
    files(&root.join("models"), "toml", &mut sources);
    sources.push(root.join("README.md"));
    let mut bad = Vec::new();
    for f in &sources {
        for (n, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            if line.contains('§') || line.contains("shared/docs") || line.contains("../shared") {
                bad.push(format!("{}:{}: {line}", f.display(), n + 1));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_anchor_reader_can_fail() {
    let a = anchors("# `dropout` — two-round\n<a id=\"dropout-region\"></a>\n");
    assert!(a.contains("dropout-region"));
    assert!(a.contains("dropout--two-round"));
    assert!(!a.contains("dropout-regions"));
    assert_eq!(
        citations("see docs/models.md#dropout-region.", "x.md"),
        vec![("models.md".to_string(), "dropout-region".to_string())]
    );
}
