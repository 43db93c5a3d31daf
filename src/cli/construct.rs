//! `itsa construct MODEL --param value …`: build a paper's optimal scheme, verify it, and
//! print the report or write the spec.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use itsa::construct::ConstructError;
use itsa::verify::{self, Options, Verdict};

use super::{print, print_json, CliError, Context};

#[derive(Subcommand)]
pub enum ConstructModel {
    /// Zhao–Sun Cauchy construction (models.md §2.5.3); needs U > T and a prime p ≥ K + U.
    Dropout {
        /// K: number of users.
        #[arg(long, value_name = "K")]
        users: u32,
        /// U: minimum number of users responding in each round.
        #[arg(long, value_name = "U")]
        min_survivors: u32,
        /// T: maximum number of colluding users.
        #[arg(long, value_name = "T")]
        colluders: u32,
        #[command(flatten)]
        common: ConstructCommon,
    },
    /// Multi-server zero-sum key construction (models.md §3.3): random keys of dimension
    /// min{U+V+T−2, UV−1}, re-drawn (each draw verified) until one passes.
    MultiServer {
        /// U: number of servers.
        #[arg(long, value_name = "U")]
        servers: u32,
        /// V: users per server.
        #[arg(long, value_name = "V")]
        users_per_server: u32,
        /// T: maximum number of users colluding with a server.
        #[arg(long, value_name = "T")]
        colluders: u32,
        #[command(flatten)]
        random: RandomDraw,
        #[command(flatten)]
        common: ConstructCommon,
    },
    /// Weng et al. hierarchical scheme: polynomial ComEffGC with random zero-sum keys for
    /// 0 ≤ s < d ≤ K−1 (models.md §4.4), or the independent-key variant for d = K (§4.5).
    Hierarchical {
        /// K: number of clients (and of relays).
        #[arg(long, value_name = "K")]
        clients: u32,
        /// d: relays per client.
        #[arg(long, value_name = "d")]
        relays_per_client: u32,
        /// s: relay failures tolerated.
        #[arg(long, value_name = "s")]
        failures: u32,
        #[command(flatten)]
        random: RandomDraw,
        #[command(flatten)]
        common: ConstructCommon,
    },
    /// Threshold key-sharing skeleton (models.md §5.6): threshold Joye–Libert or Bonawitz et al.
    ThresholdSharing {
        /// n: number of clients.
        #[arg(long, value_name = "n")]
        clients: u32,
        /// t: Shamir threshold (shares needed to reconstruct).
        #[arg(long, value_name = "t")]
        threshold: u32,
        /// |C|: corrupted clients colluding with the server [default: n − t, the paper's convention].
        #[arg(long, value_name = "C")]
        corrupted: Option<u32>,
        /// Which protocol's skeleton: tjl (seed 001) or bonawitz (CCS'17).
        #[arg(long, default_value = "tjl", value_parser = ["tjl", "bonawitz"])]
        scheme: String,
        /// m: input dimension (symbols per input).
        #[arg(long, value_name = "m", default_value_t = 1)]
        input_length: usize,
        #[command(flatten)]
        common: ConstructCommon,
    },
}

#[derive(clap::Args)]
pub struct RandomDraw {
    /// Seed of the first random draw (draw i uses seed + i).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Draws tried before giving up (each is verified exhaustively).
    #[arg(long, default_value_t = 10, value_name = "N")]
    attempts: u32,
    /// Use this key dimension instead of the optimal one: one draw (--seed), reported as it
    /// is. Below the optimum it must violate security — a computational check of the converse.
    #[arg(long, value_name = "N")]
    key_dim: Option<u32>,
}

/// One random draw of a construction at a key dimension.
type Draw<'a> = Box<dyn Fn(u32, &mut itsa::construct::SplitMix64) -> String + 'a>;

/// What a construct command builds: a fixed spec, or one drawn at random from seeds.
enum Recipe<'a> {
    Fixed(String),
    Random {
        random: &'a RandomDraw,
        optimal_dim: u32,
        make: Draw<'a>,
    },
}

impl Recipe<'_> {
    /// The key dimension of a random recipe: --key-dim, or the optimal one.
    fn key_dim(random: &RandomDraw, optimal: u32) -> Result<u32, ConstructError> {
        match random.key_dim {
            Some(0) => Err(ConstructError::Parameter(
                "--key-dim: at least one key symbol (0 would be no key at all)".into(),
            )),
            Some(dim) => Ok(dim),
            None => Ok(optimal),
        }
    }

    /// The spec text without verifying it (--no-verify): for a random recipe, the draw at --seed.
    fn unverified(&self) -> Result<String, ConstructError> {
        match self {
            Recipe::Fixed(spec) => Ok(spec.clone()),
            Recipe::Random {
                random,
                optimal_dim,
                make,
            } => {
                let dim = Self::key_dim(random, *optimal_dim)?;
                Ok(make(dim, &mut itsa::construct::SplitMix64(random.seed)))
            }
        }
    }

    /// Build and verify: the optimal random construction is re-drawn until a draw verifies;
    /// with --key-dim one draw is made and reported as it is.
    fn build(&self, opts: &Options) -> Result<itsa::construct::Construction, ConstructError> {
        match self {
            Recipe::Fixed(spec) => itsa::construct::deterministic(spec.clone(), opts),
            Recipe::Random {
                random,
                optimal_dim,
                make,
            } => {
                let dim = Self::key_dim(random, *optimal_dim)?;
                if random.key_dim.is_some() {
                    let mut c = itsa::construct::deterministic(self.unverified()?, opts)?;
                    c.seed = Some(random.seed);
                    Ok(c)
                } else {
                    itsa::construct::first_verified(random.seed, random.attempts, opts, |rng| {
                        make(dim, rng)
                    })
                }
            }
        }
    }
}

#[derive(clap::Args)]
pub struct ConstructCommon {
    /// The field size p (default: the smallest prime the construction allows).
    #[arg(long)]
    prime: Option<u64>,
    /// Write the scheme as a spec to FILE (.toml or .json) instead of printing the report.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the verification report as JSON.
    #[arg(long)]
    json: bool,
    /// Only write the spec (needs -o), without verifying it: for benchmark instances too
    /// large to verify twice. Verify it afterwards with `itsa verify FILE`.
    #[arg(long, requires = "output")]
    no_verify: bool,
}
pub fn run(ctx: &Context, model: ConstructModel) -> Result<ExitCode, CliError> {
    use itsa::models::{hierarchical, multi_server};
    let (recipe, common) = match &model {
        ConstructModel::Dropout {
            users,
            min_survivors,
            colluders,
            common,
        } => (
            itsa::models::dropout::construct_spec(*users, *min_survivors, *colluders, common.prime)
                .map(Recipe::Fixed),
            common,
        ),
        ConstructModel::MultiServer {
            servers,
            users_per_server,
            colluders,
            random,
            common,
        } => {
            let (u, v, t) = (*servers, *users_per_server, *colluders);
            (
                multi_server::construct_params(u, v, t, common.prime).map(|p| Recipe::Random {
                    random,
                    optimal_dim: multi_server::optimal_key_dim(u, v, t),
                    make: Box::new(move |dim, rng| {
                        multi_server::construct_draw(u, v, t, p, dim, rng)
                    }),
                }),
                common,
            )
        }
        ConstructModel::Hierarchical {
            clients,
            relays_per_client,
            failures,
            random,
            common,
        } => {
            let (k, d, s) = (*clients, *relays_per_client, *failures);
            (
                hierarchical::construct_params(k, d, s, common.prime).map(|p| {
                    if d == k {
                        Recipe::Fixed(hierarchical::construct_full_spec(k, s, p))
                    } else {
                        Recipe::Random {
                            random,
                            optimal_dim: d.max(k - d),
                            make: Box::new(move |dim, rng| {
                                hierarchical::construct_draw(k, d, s, p, dim, rng)
                            }),
                        }
                    }
                }),
                common,
            )
        }
        ConstructModel::ThresholdSharing {
            clients,
            threshold,
            corrupted,
            scheme,
            input_length,
            common,
        } => {
            use itsa::models::threshold_sharing::{construct_spec, Protocol};
            let protocol = Protocol::parse(scheme).unwrap_or(Protocol::Tjl);
            let c = corrupted.unwrap_or(clients.saturating_sub(*threshold));
            (
                construct_spec(
                    protocol,
                    *clients,
                    *threshold,
                    c,
                    *input_length,
                    common.prime,
                )
                .map(Recipe::Fixed),
                common,
            )
        }
    };
    let json_spec = match common
        .output
        .as_ref()
        .map(|o| o.extension().and_then(|e| e.to_str()))
    {
        None | Some(Some("toml")) => false,
        Some(Some("json")) => true,
        Some(_) => {
            return Err(CliError::msg(
                "--output: write the spec to a .toml or .json file",
            ))
        }
    };
    let to_file = |spec: &str| -> Result<String, CliError> {
        if json_spec {
            Ok(itsa::scheme::toml_spec_to_json(spec)?)
        } else {
            Ok(spec.to_string())
        }
    };
    if common.no_verify {
        let out = common
            .output
            .as_ref()
            .ok_or_else(|| CliError::msg("--no-verify needs -o FILE"))?;
        let spec = recipe?.unverified()?;
        super::write_file(out, to_file(&spec)?)?;
        print(&format!("wrote {} (not verified)\n", out.display()));
        return Ok(ExitCode::SUCCESS);
    }
    let opts = Options {
        max_failures: 5,
        max_decoders: 0,
        progress: ctx.progress.clone(),
    };
    let c = recipe?.build(&opts)?;
    let ok =
        c.report.verdict == Verdict::Verified && !c.report.rates.as_ref().is_some_and(|r| r.alarm);
    let drawn = c.seed.map(|seed| {
        if c.report.verdict == Verdict::Verified {
            format!(
                "random draw: seed {seed}, accepted at attempt {}",
                c.attempts
            )
        } else {
            format!("random draw: seed {seed} (one draw at --key-dim, not re-drawn)")
        }
    });
    match &common.output {
        Some(out) => {
            super::write_file(out, to_file(&c.spec)?)?;
            let verdict = if ok { "verified" } else { "VIOLATED" };
            print(&format!(
                "wrote {} ({verdict}: {} checks, {} failed{})\n",
                out.display(),
                c.report.checks,
                c.report.failures,
                drawn.map(|d| format!("; {d}")).unwrap_or_default()
            ));
        }
        None if common.json => {
            let mut v = serde_json::to_value(&c.report)
                .map_err(|e| CliError::msg(format!("internal error: {e}")))?;
            if let (Some(obj), Some(seed)) = (v.as_object_mut(), c.seed) {
                obj.insert(
                    "construction".into(),
                    serde_json::json!({ "seed": seed, "attempts": c.attempts }),
                );
            }
            print_json(v)?;
        }
        None => {
            if let Some(d) = drawn {
                print(&format!("{d}\n"));
            }
            print(&verify::render_text(&c.report));
        }
    }
    Ok(super::code(ok))
}
