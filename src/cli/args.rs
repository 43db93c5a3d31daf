//! Argument groups shared by several commands (declared once, flattened where used).

/// Flags every command takes (`itsa --quiet verify …` or `itsa verify … --quiet`).
#[derive(Debug, clap::Args)]
pub struct Global {
    /// No progress bars and no notes on stderr; errors are still printed, stdout is unchanged.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Colour the verdicts and errors: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true, value_name = "WHEN")]
    pub color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// How a verification report is printed (verify and merge).
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Print one JSON object instead of the human report (docs/schema.md).
    #[arg(long)]
    pub json: bool,
    /// Print decoding coefficients of passing correctness checks.
    #[arg(long)]
    pub show_decoders: bool,
    /// Failures printed with witnesses, per condition family.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_failures: usize,
    /// Decoders printed per family with --show-decoders.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub max_decoders: usize,
}

impl ReportArgs {
    /// The library's report options, reporting progress to `progress`.
    pub fn options(&self, progress: itsa::progress::Progress) -> itsa::verify::Options {
        itsa::verify::Options {
            max_failures: self.max_failures,
            max_decoders: if self.show_decoders {
                self.max_decoders
            } else {
                0
            },
            progress,
        }
    }
}
