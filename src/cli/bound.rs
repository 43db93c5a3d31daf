//! The `itsa bound MODEL --param value … --minimize RATE` arguments. The binary prints the
//! returned text and maps the status to an exit code.

use clap::{Args, Subcommand};
use std::process::ExitCode;

use itsa::progress::Progress;
use num_rational::BigRational;

use itsa::bound::problem::Model;
use itsa::bound::{models, run as solve, BoundError, Query, Report};

#[derive(Debug, Args)]
pub struct BoundArgs {
    #[command(subcommand)]
    pub model: BoundModel,
}

#[derive(Debug, Subcommand)]
pub enum BoundModel {
    /// One-round secure summation, K users, no dropouts. Variables W1.., Z1.., X1.., S.
    /// Rates: RX (H(X_k)), RZ (H(Z_k)), RZsum (H(Z1..ZK)).
    Summation {
        /// K: number of users (2..=5).
        #[arg(long, value_name = "K")]
        users: u32,
        #[command(flatten)]
        q: QueryArgs,
    },
    /// Zhao–Sun two-round aggregation with dropouts. Variables W1.., Z1.., X1.., Y{k}@{U1},
    /// S{U1}. Rates: R1 (H(X_k)), R2 (H(Y_k@U1)). Needs --restrict (22 variables at K=3).
    Dropout {
        /// K: number of users (2..=4).
        #[arg(long, value_name = "K")]
        users: u32,
        /// U: minimum number of users responding in each round.
        #[arg(long, value_name = "U")]
        min_survivors: u32,
        /// T: maximum number of users colluding with the server.
        #[arg(long, value_name = "T")]
        colluders: u32,
        #[command(flatten)]
        q: QueryArgs,
    },
    /// Multi-server aggregation with user collusion. Variables W{u}{v}, Z{u}{v}, ZS, X{u}{v},
    /// Y{u}, S. Rates: RX, RY, RZ, RZS (H(ZS), the source key).
    MultiServer {
        /// U: number of servers.
        #[arg(long, value_name = "U")]
        servers: u32,
        /// V: users per server (UV ≤ 4).
        #[arg(long, value_name = "V")]
        users_per_server: u32,
        /// T: users colluding with any one server.
        #[arg(long, value_name = "T")]
        colluders: u32,
        #[command(flatten)]
        q: QueryArgs,
    },
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// What to minimise: a rate name (e.g. R2), a comma list of variables for their joint
    /// entropy (e.g. Z1,Z2,Z3), or a sum of those with '+'.
    #[arg(long, value_name = "RATE|VARS")]
    pub minimize: String,
    /// Keep only these variables (comma list); constraints are projected or dropped, so
    /// the LP is a relaxation and its bound stays valid.
    #[arg(long, value_name = "VARS")]
    pub restrict: Option<String>,
    /// Try to prove this lower bound (e.g. 1/2); exit 1 if it is not proved.
    #[arg(long, value_name = "VALUE")]
    pub claim: Option<String>,
    /// Print one JSON object (exact rationals as strings).
    #[arg(long)]
    pub json: bool,
    /// Print the certificate as a proof, one weighted inequality per line.
    #[arg(long)]
    pub proof: bool,
    /// Look for a shorter certificate (minimum total weight; solves a second LP).
    #[arg(long)]
    pub shorten: bool,
}

/// `itsa bound …`: print the answer; exit 0 proved, 1 not proved.
pub fn run(ctx: &super::Context, args: &BoundArgs) -> Result<ExitCode, super::CliError> {
    let (text, report) = compute(args, &ctx.progress)?;
    super::print(&text);
    Ok(super::code(report.status == itsa::bound::Status::Proved))
}

/// Run the command; returns the text to print and the report (for the exit code).
pub fn compute(args: &BoundArgs, progress: &Progress) -> Result<(String, Report), BoundError> {
    let (model, q): (Model, &QueryArgs) = match &args.model {
        BoundModel::Summation { users, q } => (models::summation(*users)?, q),
        BoundModel::Dropout {
            users,
            min_survivors,
            colluders,
            q,
        } => (models::dropout(*users, *min_survivors, *colluders)?, q),
        BoundModel::MultiServer {
            servers,
            users_per_server,
            colluders,
            q,
        } => (
            models::multi_server(*servers, *users_per_server, *colluders)?,
            q,
        ),
    };
    let query = query(&model, q)?;
    // A spinner on stderr (after a second; hidden when stderr is not a terminal).
    let spinner = progress.task(
        &format!("{}: building, solving and certifying the LP", model.title),
        None,
    );
    let report = solve(&model, &query);
    drop(spinner);
    let report = report?;
    let text = if q.json {
        super::json_text(&report).map_err(|e| BoundError::Usage(format!("{e:?}")))?
    } else {
        itsa::bound::report::render_text(&report, q.proof)
    };
    Ok((text, report))
}

/// Parse the query flags against a model.
pub fn query(model: &Model, q: &QueryArgs) -> Result<Query, BoundError> {
    let claim = q
        .claim
        .as_deref()
        .map(|c| {
            c.trim().parse::<BigRational>().map_err(|_| {
                BoundError::Usage(format!("--claim: '{c}' is not a rational like 3 or 1/2"))
            })
        })
        .transpose()?;
    Ok(Query {
        objective: model.parse_objective(&q.minimize)?,
        objective_text: q.minimize.clone(),
        keep: q
            .restrict
            .as_deref()
            .map(|r| model.parse_set(r))
            .transpose()?,
        claim,
        shorten: q.shorten,
    })
}
