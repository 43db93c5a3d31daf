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
    /// The resource budget every command checks before it starts (docs/cli.md).
    #[command(flatten)]
    pub budget: BudgetArgs,
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

/// The command-line flags of the budget (every subcommand accepts them).
#[derive(Debug, Clone, clap::Args)]
pub struct BudgetArgs {
    /// Refuse runs with more checks than this (model checks, brute-force index sets).
    #[arg(long, global = true, value_name = "N", default_value_t = itsa::budget::Resource::Checks.default_limit())]
    pub max_checks: u128,
    /// Refuse specs and constructions with more dense matrix entries (rows × columns) than this.
    #[arg(long, global = true, value_name = "N", default_value_t = itsa::budget::Resource::Cells.default_limit())]
    pub max_cells: u128,
    /// Refuse more Monte Carlo trials than this in one command.
    #[arg(long, global = true, value_name = "N", default_value_t = itsa::budget::Resource::Trials.default_limit())]
    pub max_trials: u128,
    /// Refuse sweeps with more points than this.
    #[arg(long, global = true, value_name = "N", default_value_t = itsa::budget::Resource::Points.default_limit())]
    pub max_points: u128,
    /// Lift every limit above (the run may take hours or exhaust memory).
    #[arg(long, global = true)]
    pub force: bool,
}

impl BudgetArgs {
    pub fn budget(&self) -> itsa::budget::Budget {
        itsa::budget::Budget {
            checks: self.max_checks,
            cells: self.max_cells,
            trials: self.max_trials,
            points: self.max_points,
            force: self.force,
        }
    }
}
