//! Fuzzing the built binary with hostile inputs, driven by a seeded generator (no nightly
//! toolchain or cargo-fuzz needed).
//!
//! * `replay_the_corpus` (a normal test) re-runs every input in tests/fuzz-corpus/ — inputs
//!   that once crashed, hung or lost their location — and checks the invariants below.
//! * `fuzz` (ignored; `.ci/run` runs it for a bounded time) mutates every spec in specs/
//!   structurally (TOML and JSON renderings: values replaced by boundary numbers, names and
//!   expressions edited token-wise, keys deleted or duplicated, types swapped, text truncated
//!   or its bytes broken) and the CLI's numeric flags (boundary and huge numbers), for
//!   `ITSA_FUZZ_SECONDS` (default 120) from `ITSA_FUZZ_SEED` (default: the clock; printed);
//!   and shard files of a violated spec (values, entries and parts edited, text damaged),
//!   merged with `--audit all`: a merge that accepts edited shards must print exactly the
//!   honest merged report.
//!
//! Invariants, for every run (each child under an address-space limit of
//! `ITSA_FUZZ_MEMORY_MB`, default 4096, via `ulimit -v`, and a 60 s timeout): the exit code
//! is 0, 1 or 2 (no panic = 101, no abort = 134, no signal, no hang); stderr has no
//! "panicked"; an exit-2 error about a spec file names it as `file:line:col:` (or is a budget
//! refusal, which is about the instance, not a place in the file). Failing inputs are written
//! to target/fuzz-failures/ with the command that failed; copy them into tests/fuzz-corpus/
//! once fixed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use itsa::construct::SplitMix64;

/// Budget flags for every fuzz run: keeps each child short, and exercises the budget.
const BUDGET: [&str; 8] = [
    "--max-checks",
    "5000",
    "--max-cells",
    "200000",
    "--max-trials",
    "200000",
    "--max-points",
    "40",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a run did wrong (None: every invariant holds).
fn run_checked(args: &[String], spec_file: Option<&Path>) -> Option<String> {
    let memory_kb: u64 = std::env::var("ITSA_FUZZ_MEMORY_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4096)
        * 1024;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {memory_kb} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .args(BUDGET)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn itsa");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.by_ref().take(1 << 20).read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let err = reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Some("no exit within 60 s (unbounded run)".into());
    };
    let code = match status.code() {
        Some(c) => c,
        None => return Some(format!("killed by a signal ({status}); stderr: {err}")),
    };
    if !(0..=2).contains(&code) || err.contains("panicked") {
        return Some(format!("exit {code}; stderr: {err}"));
    }
    if code == 2 {
        if let Some(f) = spec_file {
            let name = f.display().to_string();
            let first = err.lines().next().unwrap_or("");
            let located = first
                .strip_prefix(&format!("error: {name}:"))
                .and_then(|rest| {
                    let mut it = rest.splitn(3, ':');
                    let line = it.next()?.parse::<usize>().ok()?;
                    let col = it.next()?.parse::<usize>().ok()?;
                    (line >= 1 && col >= 1).then_some(())
                })
                .is_some();
            if !located && !first.contains(itsa::budget::MARK) {
                return Some(format!("exit-2 error without file:line:col: {first}"));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Structure-aware mutation of specs.

const NUMBERS: [i64; 16] = [
    0,
    1,
    2,
    3,
    -1,
    7,
    24,
    25,
    100_000,
    1_000_001,
    2_147_483_648,
    4_294_967_296,
    4_000_000_000,
    i64::MAX,
    i64::MIN,
    1 << 40,
];

const TOKENS: [&str; 30] = [
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "..",
    ",",
    "+",
    "-",
    "/",
    " ",
    "0",
    "1",
    "9",
    "4000000000",
    "18446744073709551616",
    "Θ",
    "é",
    "k",
    "U1",
    "W",
    "Z",
    "X[1]",
    "Z[1](1..2)",
    "1/0",
    "2 ",
    "[1..100000]",
    "{1..4000000000}",
    "\\",
];

fn pick<'a, T>(rng: &mut SplitMix64, v: &'a [T]) -> &'a T {
    &v[rng.below(v.len() as u64) as usize]
}

fn number(rng: &mut SplitMix64) -> i64 {
    if rng.below(3) == 0 {
        rng.below(40) as i64 - 5
    } else {
        *pick(rng, &NUMBERS)
    }
}

fn mutate_string(rng: &mut SplitMix64, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = rng.below(chars.len() as u64 + 1) as usize;
    let head: String = chars[..at].iter().collect();
    let tail: String = chars[at..].iter().collect();
    match rng.below(6) {
        0 => format!("{head}{}{tail}", pick(rng, &TOKENS)),
        1 => {
            let end = (at + 1 + rng.below(4) as usize).min(chars.len());
            let cut: String = chars[end.max(at)..].iter().collect();
            format!("{head}{cut}")
        }
        2 => head,
        3 => format!("{s} + {s}"),
        4 => {
            // replace a number inside the string by a boundary one
            let mut out = String::new();
            let mut done = false;
            let mut it = s.chars().peekable();
            while let Some(c) = it.next() {
                if c.is_ascii_digit() && !done && rng.below(2) == 0 {
                    while it.peek().is_some_and(|d| d.is_ascii_digit()) {
                        it.next();
                    }
                    out += &number(rng).unsigned_abs().to_string();
                    done = true;
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => format!("{}{tail}", pick(rng, &TOKENS)),
    }
}

/// A random value of another type (or a boundary number).
fn random_value(rng: &mut SplitMix64, like: &toml::Value) -> toml::Value {
    use toml::Value;
    match rng.below(6) {
        0 => Value::Integer(number(rng)),
        1 => Value::String(mutate_string(rng, &like.to_string())),
        2 => Value::Array(vec![like.clone(), Value::Integer(number(rng))]),
        3 => Value::Boolean(true),
        4 => Value::Float(1.5),
        _ => Value::Table(toml::Table::new()),
    }
}

/// Mutate one place of the document (a random path into it).
fn mutate_value(rng: &mut SplitMix64, v: &mut toml::Value, depth: usize) {
    use toml::Value;
    match v {
        Value::Table(t) if !t.is_empty() && (depth == 0 || rng.below(4) != 0) => {
            let keys: Vec<String> = t.keys().cloned().collect();
            let k = pick(rng, &keys).clone();
            match rng.below(10) {
                0 => {
                    t.remove(&k);
                }
                1 => {
                    let val = t[&k].clone();
                    t.insert(mutate_string(rng, &k), val);
                }
                2 => {
                    let val = t.remove(&k).expect("key");
                    t.insert(mutate_string(rng, &k), val);
                }
                _ => mutate_value(rng, t.get_mut(&k).expect("key"), depth + 1),
            }
        }
        Value::Array(a) if !a.is_empty() && rng.below(4) != 0 => {
            let i = rng.below(a.len() as u64) as usize;
            match rng.below(4) {
                0 => {
                    a.remove(i);
                }
                1 => {
                    let x = a[i].clone();
                    a.push(x);
                }
                _ => mutate_value(rng, &mut a[i], depth + 1),
            }
        }
        Value::Integer(i) if rng.below(3) != 0 => *i = number(rng),
        Value::String(s) if rng.below(4) != 0 => *s = mutate_string(rng, s),
        other => *other = random_value(rng, other),
    }
}

/// Raw-text damage after rendering: truncation (possibly inside a multi-byte character),
/// a broken byte, a duplicated line.
fn damage(rng: &mut SplitMix64, text: String) -> Vec<u8> {
    let mut b = text.into_bytes();
    match rng.below(8) {
        0 if !b.is_empty() => {
            let n = rng.below(b.len() as u64) as usize;
            b.truncate(n);
        }
        1 if !b.is_empty() => {
            let i = rng.below(b.len() as u64) as usize;
            b[i] = *pick(rng, &[0xff, 0xc3, 0x80, 0x00, b'"', b'\n', b'=', b'[']);
        }
        2 => {
            let s = String::from_utf8_lossy(&b).into_owned();
            let lines: Vec<&str> = s.lines().collect();
            if !lines.is_empty() {
                let l = *pick(rng, &lines);
                b.extend_from_slice(format!("\n{l}\n").as_bytes());
            }
        }
        _ => {}
    }
    b
}

struct Seeds {
    specs: Vec<(String, toml::Value)>,
}

fn seeds() -> Seeds {
    let mut specs = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("specs"))
        .expect("specs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml" || x == "json"))
        .collect();
    files.sort();
    for p in files {
        let text = std::fs::read_to_string(&p).expect("spec");
        let v: toml::Value = if p.extension().is_some_and(|x| x == "json") {
            let j: serde_json::Value = serde_json::from_str(&text).expect("JSON spec");
            toml::Value::try_from(j).expect("JSON spec as TOML")
        } else {
            toml::from_str(&text).expect("TOML spec")
        };
        specs.push((p.file_name().unwrap().to_string_lossy().into_owned(), v));
    }
    assert!(!specs.is_empty());
    Seeds { specs }
}

/// One mutated spec: (file name, bytes) in TOML or JSON.
fn mutated_spec(rng: &mut SplitMix64, seeds: &Seeds, n: u64) -> (String, Vec<u8>) {
    let (name, doc) = pick(rng, &seeds.specs);
    let mut doc = doc.clone();
    for _ in 0..1 + rng.below(3) {
        mutate_value(rng, &mut doc, 0);
    }
    let json = rng.below(3) == 0;
    let text = if json {
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    } else {
        toml::to_string(&doc).unwrap_or_default()
    };
    let stem = name.trim_end_matches(".toml").trim_end_matches(".json");
    let file = format!("{stem}-{n}.{}", if json { "json" } else { "toml" });
    (file, damage(rng, text))
}

// ---------------------------------------------------------------------------------------------
// Numeric CLI flags.

/// Command templates; `#` is replaced by a random number, `@` by a spec path.
const TEMPLATES: &[&str] = &[
    "verify @ --shard #/#",
    "verify @ --max-failures # --show-decoders --max-decoders #",
    "export @",
    "region dropout --users # --min-survivors # --colluders #",
    "region dropout --users # --min-survivors # --sweep colluders=#..#",
    "region multi-server --servers # --users-per-server # --colluders #",
    "region hierarchical --clients # --relays-per-client # --failures # --alphabet #",
    "region hierarchical-collusion --relays # --users-per-relay # --colluders #",
    "region decentralized --users # --min-survivors # --colluders #",
    "region threshold-sharing --clients #",
    "region threshold-sharing --sweep clients=#..#",
    "construct dropout --users # --min-survivors # --colluders #",
    "construct dropout --users # --min-survivors # --colluders # --prime #",
    "construct multi-server --servers # --users-per-server # --colluders # --key-dim # --seed #",
    "construct multi-server --servers # --users-per-server # --colluders # --attempts #",
    "construct hierarchical --clients # --relays-per-client # --failures # --key-dim #",
    "construct threshold-sharing --clients # --threshold # --corrupted # --input-length #",
    "lcc mis --workers # --unreliable # --data-blocks # --colluders #",
    "lcc pep --trials # --degree # --byzantine #",
    "lcc assign --objective mis --method brute --workers # --unreliable #",
    "lcc assign --objective pep --workers # --unreliable # --trials # --s0 #",
    "lcc tradeoff --steps # --trials #",
    "bound summation --users # --minimize RZsum",
    "bound dropout --users # --min-survivors # --colluders # --minimize R1",
];

const FLAG_NUMBERS: [&str; 16] = [
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "8",
    "-1",
    "24",
    "100000",
    "4294967295",
    "4294967296",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e3",
];

fn flag_number(rng: &mut SplitMix64) -> String {
    if rng.below(2) == 0 {
        rng.below(12).to_string()
    } else {
        pick(rng, &FLAG_NUMBERS).to_string()
    }
}

fn mutated_args(rng: &mut SplitMix64, spec_paths: &[String]) -> Vec<String> {
    let t = pick(rng, TEMPLATES);
    t.split(' ')
        .map(|w| {
            let mut out = String::new();
            for c in w.chars() {
                match c {
                    '#' => out += &flag_number(rng),
                    '@' => out += pick(rng, spec_paths).as_str(),
                    c => out.push(c),
                }
            }
            out
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Shard files: a merge that accepts edited shards must still tell the truth.

/// Mutate one place of a shard report (JSON).
fn mutate_json(rng: &mut SplitMix64, v: &mut serde_json::Value, depth: usize) {
    use serde_json::Value;
    match v {
        Value::Object(o) if !o.is_empty() && (depth == 0 || rng.below(4) != 0) => {
            let keys: Vec<String> = o.keys().cloned().collect();
            let k = pick(rng, &keys).clone();
            if rng.below(8) == 0 {
                o.remove(&k);
            } else {
                mutate_json(rng, o.get_mut(&k).expect("key"), depth + 1);
            }
        }
        Value::Array(a) if !a.is_empty() && rng.below(4) != 0 => {
            let i = rng.below(a.len() as u64) as usize;
            match rng.below(4) {
                0 => {
                    a.remove(i);
                }
                1 => {
                    let x = a[i].clone();
                    a.push(x);
                }
                _ => mutate_json(rng, &mut a[i], depth + 1),
            }
        }
        Value::Array(a) if rng.below(2) == 0 => {
            a.push(serde_json::json!([rng.below(40), 1 + rng.below(3)]))
        }
        Value::Number(_) => {
            *v = match rng.below(3) {
                0 => Value::from(rng.below(40)),
                1 => Value::from(*pick(rng, &NUMBERS)),
                _ => Value::from(u64::MAX - rng.below(2)),
            }
        }
        Value::String(s) => *s = mutate_string(rng, s),
        other => *other = Value::from(rng.below(5)),
    }
}

/// Honest shards of a violated spec and their merged report (without `audit`, `elapsed_seconds`).
struct ShardSeed {
    spec: String,
    shards: Vec<serde_json::Value>,
    merged: serde_json::Value,
}

fn strip(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("audit");
        o.remove("elapsed_seconds");
    }
    v
}

fn shard_seed() -> ShardSeed {
    let spec = root()
        .join("specs/broken-example1-against-t1.toml")
        .display()
        .to_string();
    let bin = env!("CARGO_BIN_EXE_itsa");
    let shards: Vec<serde_json::Value> = (1..=3)
        .map(|i| {
            let o = Command::new(bin)
                .args(["verify", &spec, "--shard", &format!("{i}/3")])
                .output()
                .expect("shard");
            serde_json::from_slice(&o.stdout).expect("shard JSON")
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp");
    let files: Vec<String> = shards
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let f = dir.path().join(format!("{i}.json"));
            std::fs::write(&f, s.to_string()).expect("write");
            f.display().to_string()
        })
        .collect();
    let o = Command::new(bin)
        .args(["merge", "--json"])
        .args(&files)
        .output()
        .expect("merge");
    assert_eq!(o.status.code(), Some(1), "the honest merge is VIOLATED");
    let merged = strip(serde_json::from_slice(&o.stdout).expect("merged JSON"));
    ShardSeed {
        spec,
        shards,
        merged,
    }
}

/// Merge a mutated set of shards with `--audit all`: a merge that is accepted must print the
/// honest report.
fn fuzz_merge(
    rng: &mut SplitMix64,
    seed: &ShardSeed,
    dir: &Path,
    n: u64,
) -> Option<(Vec<u8>, String)> {
    let mut shards = seed.shards.clone();
    let i = rng.below(shards.len() as u64) as usize;
    for _ in 0..1 + rng.below(2) {
        mutate_json(rng, &mut shards[i], 0);
    }
    if rng.below(5) == 0 {
        shards.remove(rng.below(shards.len() as u64) as usize);
    }
    let mut files = Vec::new();
    let mut edited = Vec::new();
    for (j, s) in shards.iter().enumerate() {
        let text = serde_json::to_string_pretty(s).unwrap_or_default();
        let bytes = if j == i {
            damage(rng, text)
        } else {
            text.into_bytes()
        };
        if j == i {
            edited = bytes.clone();
        }
        let f = dir.join(format!("shard-{n}-{j}.json"));
        std::fs::write(&f, &bytes).expect("write shard");
        files.push(f.display().to_string());
    }
    let mut args = vec![
        "merge".to_string(),
        "--json".into(),
        "--audit".into(),
        "all".into(),
        "--spec".into(),
        seed.spec.clone(),
    ];
    args.extend(files.iter().cloned());
    let bin = env!("CARGO_BIN_EXE_itsa");
    let why = run_checked(&args, None).or_else(|| {
        let o = Command::new(bin).args(&args).output().ok()?;
        let code = o.status.code()?;
        if code <= 1 {
            let got = strip(serde_json::from_slice(&o.stdout).ok()?);
            if got != seed.merged {
                return Some(format!(
                    "merge accepted edited shards (exit {code}) and printed another report"
                ));
            }
        }
        None
    });
    for f in &files {
        let _ = std::fs::remove_file(f);
    }
    why.map(|w| (edited, format!("itsa {}: {w}", args.join(" "))))
}

// ---------------------------------------------------------------------------------------------

fn save_failure(dir: &Path, name: &str, bytes: &[u8], args: &[String], why: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("target/fuzz-failures");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write failure");
    std::fs::write(
        dir.join(format!("{name}.why")),
        format!("itsa {}\n{why}\n", args.join(" ")),
    )
    .expect("write reason");
    p
}

#[test]
#[ignore = "bounded fuzzing for CI: cargo test --test fuzz -- --ignored"]
fn fuzz() {
    let seconds: u64 = std::env::var("ITSA_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let seed: u64 = std::env::var("ITSA_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    eprintln!("fuzz: seed {seed} (ITSA_FUZZ_SEED={seed} reproduces), {seconds} s");
    let seeds = seeds();
    let shard_seed = shard_seed();
    let work = tempfile::tempdir().expect("temp dir");
    let failures_dir = root().join("target/fuzz-failures");
    let spec_paths: Vec<String> = seeds
        .specs
        .iter()
        .map(|(n, _)| root().join("specs").join(n).display().to_string())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let threads = 2;
    let results: Vec<(u64, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|w| {
                let (seeds, work, failures_dir, spec_paths, shard_seed) =
                    (&seeds, work.path(), &failures_dir, &spec_paths, &shard_seed);
                s.spawn(move || {
                    let mut rng = SplitMix64(seed.wrapping_mul(31).wrapping_add(w));
                    let mut runs = 0u64;
                    let mut failed = Vec::new();
                    while Instant::now() < deadline && failed.len() < 20 {
                        runs += 1;
                        let n = runs * threads + w;
                        if rng.below(6) == 0 {
                            if let Some((bytes, why)) = fuzz_merge(&mut rng, shard_seed, work, n) {
                                let name = format!("shard-{seed}-{n}.json");
                                let p = save_failure(failures_dir, &name, &bytes, &[], &why);
                                failed.push(format!("{}: {why}", p.display()));
                            }
                        } else if rng.below(3) == 0 {
                            let args = mutated_args(&mut rng, spec_paths);
                            if let Some(why) = run_checked(&args, None) {
                                let name = format!("args-{seed}-{n}.args");
                                let p = save_failure(
                                    failures_dir,
                                    &name,
                                    args.join("\n").as_bytes(),
                                    &args,
                                    &why,
                                );
                                failed.push(format!(
                                    "{}: itsa {}: {why}",
                                    p.display(),
                                    args.join(" ")
                                ));
                            }
                        } else {
                            let (name, bytes) = mutated_spec(&mut rng, seeds, n);
                            let f = work.join(&name);
                            std::fs::write(&f, &bytes).expect("write spec");
                            let mut args = vec!["verify".to_string(), f.display().to_string()];
                            if rng.below(4) == 0 {
                                args.push("--json".into());
                            }
                            if let Some(why) = run_checked(&args, Some(&f)) {
                                let p = save_failure(failures_dir, &name, &bytes, &args, &why);
                                failed.push(format!("{}: {why}", p.display()));
                            }
                            let _ = std::fs::remove_file(&f);
                        }
                    }
                    (runs, failed)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("fuzz worker"))
            .collect()
    });
    let runs: u64 = results.iter().map(|r| r.0).sum();
    let failed: Vec<&String> = results.iter().flat_map(|r| &r.1).collect();
    eprintln!("fuzz: {runs} runs, {} failures", failed.len());
    assert!(
        failed.is_empty(),
        "fuzz (seed {seed}) found {} failing input(s), saved in target/fuzz-failures/:\n{}",
        failed.len(),
        failed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every input in tests/fuzz-corpus/: a spec (`*.toml`, `*.json`, verified) or a command
/// (`*.args`: one argument per line, `{specs}` standing for the specs/ directory).
#[test]
fn replay_the_corpus() {
    let dir = root().join("tests/fuzz-corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fuzz-corpus/")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let specs = root().join("specs").display().to_string();
    let mut failures = Vec::new();
    let mut replayed = 0;
    for f in &files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        let (args, spec_file) = match ext {
            "toml" | "json" => (
                vec!["verify".to_string(), f.display().to_string()],
                Some(f.as_path()),
            ),
            "args" => (
                std::fs::read_to_string(f)
                    .expect("args file")
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(|l| l.replace("{specs}", &specs))
                    .collect(),
                None,
            ),
            _ => continue,
        };
        replayed += 1;
        if let Some(why) = run_checked(&args, spec_file) {
            failures.push(format!("{}: {why}", f.display()));
        }
    }
    assert!(replayed >= 10, "the corpus has {replayed} inputs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
