//! The binary's side of every command: argument types (clap), progress bars (indicatif),
//! colour and the one error type the binary prints. The library never sees any of these.

pub mod args;
#[cfg(feature = "bound")]
pub mod bound;
pub mod construct;
pub mod docs;
pub mod lcc;
pub mod param;
pub mod progress;
pub mod region;
pub mod suite;
pub mod verify;

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use itsa::scheme::SpecError;

/// `itsa --version`: the crate version and the git commit it was built from (build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("ITSA_GIT_HASH"), ")");

/// Everything a command may fail with: printed once, by `main`, with exit code 2.
#[derive(Debug)]
pub enum CliError {
    /// A spec that does not read: printed with the offending line and a caret.
    Spec(SpecError),
    /// Bad parameters, usage, or a file that cannot be read or written.
    Message(String),
}

impl CliError {
    pub fn msg(m: impl Into<String>) -> Self {
        CliError::Message(m.into())
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(2)
    }

    /// Print to stderr: `error: …`, and for a located spec error the line with a caret.
    pub fn print(&self) {
        let mut err = anstream::stderr();
        let red = anstyle::AnsiColor::Red.on_default().bold();
        let blue = anstyle::AnsiColor::Blue.on_default().bold();
        let message = match self {
            CliError::Spec(e) => e.to_string(),
            CliError::Message(m) => m.clone(),
        };
        let _ = writeln!(err, "{red}error{red:#}: {message}");
        if let CliError::Spec(SpecError::At {
            line,
            col,
            source_line,
            ..
        }) = self
        {
            let gutter = line.to_string();
            let w = gutter.len();
            let pad: String = source_line
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(err, "{blue}{:w$} |{blue:#}", "");
            let _ = writeln!(err, "{blue}{gutter} |{blue:#} {source_line}");
            let _ = writeln!(err, "{blue}{:w$} |{blue:#} {pad}{red}^{red:#}", "");
        }
    }
}

impl From<SpecError> for CliError {
    fn from(e: SpecError) -> Self {
        CliError::Spec(e)
    }
}

macro_rules! message_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::Message(e.to_string())
            }
        }
    )*};
}
message_errors!(
    itsa::region::RegionError,
    itsa::coded::CodedError,
    itsa::construct::ConstructError,
    itsa::verify::shard::ShardError
);
#[cfg(feature = "bound")]
message_errors!(itsa::bound::BoundError);

/// What every command gets from the global flags.
pub struct Context {
    /// --quiet: no progress and no notes on stderr (errors are still printed).
    pub quiet: bool,
    /// Where the library reports progress (nowhere with --quiet).
    pub progress: itsa::progress::Progress,
}

impl Context {
    pub fn new(g: &args::Global) -> Self {
        anstream::ColorChoice::write_global(match g.color {
            args::Color::Auto => anstream::ColorChoice::Auto,
            args::Color::Always => anstream::ColorChoice::Always,
            args::Color::Never => anstream::ColorChoice::Never,
        });
        Context {
            quiet: g.quiet,
            progress: if g.quiet {
                itsa::progress::Progress::none()
            } else {
                progress::bars()
            },
        }
    }

    /// A note on stderr (e.g. "wrote FILE"), unless --quiet.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(anstream::stderr(), "{text}");
        }
    }

    /// A note that only makes sense to a person watching a terminal (e.g. what the progress
    /// bar shows).
    pub fn tty_note(&self, text: &str) {
        if std::io::stderr().is_terminal() {
            self.note(text);
        }
    }
}

/// Print text to stdout, colouring verdict words (per --color / NO_COLOR). A closed pipe
/// (`| head`) is not an error.
pub fn print(text: &str) {
    let mut out = anstream::stdout();
    let _ = out.write_all(paint(text).as_bytes());
}

/// Print a JSON document (with `schema_version` first) to stdout.
pub fn print_json(value: impl serde::Serialize) -> Result<(), CliError> {
    print(&json_text(value)?);
    Ok(())
}

/// A JSON document (with `schema_version` first), pretty-printed with a final newline.
pub fn json_text(value: impl serde::Serialize) -> Result<String, CliError> {
    let v = serde_json::to_value(value)
        .map_err(|e| CliError::msg(format!("internal error: cannot serialise: {e}")))?;
    Ok(serde_json::to_string_pretty(&itsa::versioned(v)).unwrap_or_default() + "\n")
}

/// ANSI colours on the words a reader scans for; anstream strips them when colour is off.
fn paint(text: &str) -> String {
    use anstyle::AnsiColor::{Green, Red, Yellow};
    let green = Green.on_default().bold();
    let red = Red.on_default().bold();
    let yellow = Yellow.on_default().bold();
    let words: [(&str, anstyle::Style); 8] = [
        ("VERIFIED", green),
        ("PROVED", green),
        ("PASS", green),
        ("VIOLATED", red),
        ("FAIL", red),
        ("BELOW THE CONVERSE", red),
        ("ALARM", red),
        ("NOT PROVED", yellow),
    ];
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = &line[..line.len() - trimmed.len()];
        match words
            .iter()
            .find(|(w, _)| trimmed.starts_with(w) || trimmed.starts_with(&format!("!!! {w}")))
        {
            Some((w, style)) => {
                let at = trimmed.find(w).unwrap_or(0);
                let (before, rest) = trimmed.split_at(at);
                let rest = &rest[w.len()..];
                out.push_str(&format!("{lead}{before}{style}{w}{style:#}{rest}"));
            }
            None if line.contains("BELOW THE CONVERSE") => {
                out.push_str(&line.replace(
                    "BELOW THE CONVERSE",
                    &format!("{red}BELOW THE CONVERSE{red:#}"),
                ));
            }
            None => out.push_str(line),
        }
    }
    out
}

/// The text of a spec argument: the file, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<(String, String), CliError> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::msg(format!("cannot read standard input: {e}")))?;
        Ok((text, "<stdin>".into()))
    } else {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::msg(format!("{shown}: cannot read the spec: {e}")))?;
        Ok((text, shown))
    }
}

/// Load a spec argument (a file, or `-` for standard input) with its model.
pub fn load(path: &Path) -> Result<(itsa::scheme::Scheme, itsa::models::Model), CliError> {
    if path.as_os_str() == "-" {
        let (text, name) = read_input(path)?;
        Ok(itsa::load_str(&text, &name)?)
    } else {
        Ok(itsa::load(path)?)
    }
}

/// Write a file, naming it in the error.
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), CliError> {
    std::fs::write(path, contents)
        .map_err(|e| CliError::msg(format!("cannot write {}: {e}", path.display())))
}

/// Exit code 0 when `ok`, else 1.
pub fn code(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
