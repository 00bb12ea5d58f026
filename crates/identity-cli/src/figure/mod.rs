//! `identity-crisis figure N --out DIR [--scale quick|paper] [--seeds 0,1,2]`: a figure of
//! the paper as numbers (JSON, CSV) and a PNG, measured on each seed, with its claims judged
//! on every seed ("holds on k of n seeds"). Finished figures are kept: a rerun (after Ctrl-C,
//! say) skips every figure whose JSON exists unless `--force`. Before training, a few steps of
//! every network are timed and the expected run time printed (`--estimate` stops there);
//! each figure shows a bar with the time left.

mod budget;
mod draw;
mod plot;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};

use burn::prelude::*;
use identity_core::Trained;
use identity_core::data::default_training_image;
use identity_figures::claim::OverSeeds;
use identity_figures::data::{Recorded, Run};
use identity_figures::{Figure, Networks, Planned, Scale, Setting, seeds};
use web_time::Instant;

use self::budget::Budget;
use crate::common::{Backend, CliError, CliResult, flag_value, open_device};

/// The most seeds one run takes.
const MAX_SEEDS: usize = 16;

/// Options of `figure`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The figure's number in the paper, several separated by commas (`6,7,33`), or `all`.
    figure: String,
    /// Where the JSON, CSV and PNG files go.
    #[arg(long)]
    out: PathBuf,
    /// Network sizes.
    #[arg(long, value_enum, default_value_t = Scale::Quick)]
    scale: Scale,
    /// Compute backend.
    #[arg(long, value_enum, default_value_t = Backend::Flex)]
    backend: Backend,
    /// Seeds (weights, test inputs), separated by commas; each figure is measured on each.
    /// Default: 0,1,2 at quick scale, 0 at the others.
    #[arg(long, value_delimiter = ',')]
    seeds: Option<Vec<u64>>,
    /// Redo figures whose files exist.
    #[arg(long)]
    force: bool,
    /// Time a few steps of every network the figures train, print the expected run time and
    /// stop.
    #[arg(long)]
    estimate: bool,
}

/// The seeds of a run: as given (distinct, at most [`MAX_SEEDS`]), else the scale's default.
fn seeds_of(args: &Args) -> Result<Vec<u64>, CliError> {
    let seeds = args.seeds.clone().unwrap_or_else(|| match args.scale {
        Scale::Quick => vec![0, 1, 2],
        Scale::Test | Scale::Paper => vec![0],
    });
    let distinct: BTreeSet<u64> = seeds.iter().copied().collect();
    if seeds.is_empty() || seeds.len() > MAX_SEEDS || distinct.len() != seeds.len() {
        return Err(CliError::Usage(format!(
            "--seeds takes 1 to {MAX_SEEDS} distinct seeds, got {}",
            seeds.len()
        )));
    }
    Ok(seeds)
}

/// The networks trained in a run, shared between its figures (per seed), trained with bars
/// whose time left rests on measured step times.
#[derive(Default)]
pub struct Shelf {
    trained: BTreeMap<String, Trained>,
    budget: Budget,
}

/// The shelf's name of a network trained with a seed.
fn shelf_key(planned: &Planned, seed: u64) -> String {
    format!("{} seed {seed}", planned.key())
}

impl Networks for Shelf {
    type Error = CliError;

    /// Trains the planned network with the setting's seed (blocking, with its bar), or returns
    /// the one an earlier figure trained.
    fn trained(
        &mut self,
        setting: &Setting,
        planned: &Planned,
    ) -> impl Future<Output = Result<Trained, CliError>> {
        let key = shelf_key(planned, setting.seed);
        let got = match self.trained.get(&key) {
            Some(trained) => Ok(trained.clone()),
            None => setting
                .training_at(planned.side)
                .map_err(CliError::from)
                .and_then(|image| {
                    let config = setting.config(&planned.arch);
                    self.budget.train(
                        &planned.key(),
                        &planned.arch,
                        &image,
                        config,
                        &setting.device,
                    )
                })
                .inspect(|trained| {
                    self.trained.insert(key.clone(), trained.clone());
                }),
        };
        std::future::ready(got)
    }
}

/// What every figure needs: the run's setting and the networks trained so far.
pub struct Context {
    setting: Setting,
    networks: Shelf,
}

impl Context {
    /// A context with no network trained yet, training on the paper's digit.
    fn new(device: Device, scale: Scale, seed: u64) -> Result<Self, CliError> {
        Ok(Context {
            setting: Setting {
                scale,
                seed,
                device,
                training: default_training_image()?,
            },
            networks: Shelf::default(),
        })
    }

    /// Measures `figure` with `seed`, training what it needs.
    fn measure(
        &mut self,
        figure: &Figure,
        seed: u64,
    ) -> Result<identity_figures::FigureData, CliError> {
        self.setting.seed = seed;
        pollster::block_on(figure.measure(&self.setting, &mut self.networks))
    }
}

pub fn run(args: Args) -> CliResult {
    let all = identity_figures::all();
    let chosen = choose(&all, &args.figure)?;
    let seeds = seeds_of(&args)?;
    // An estimate writes nothing; a run finds out before any training that it can write.
    if !args.estimate {
        check_writable(&args.out)?;
    }
    let mut ctx = Context::new(open_device(args.backend)?, args.scale, seeds[0])?;
    let mut todo = Vec::new();
    for figure in chosen {
        let json_path = args.out.join(format!("fig{}.json", figure.number));
        if json_path.exists() && !args.force {
            eprintln!(
                "figure {}: {} exists, skipped (--force redoes it)",
                figure.number,
                json_path.display()
            );
        } else {
            todo.push(figure);
        }
    }
    if todo.is_empty() {
        eprintln!("figure: nothing to do; --force redoes the figures");
        return Ok(());
    }
    let plans: Vec<Vec<Planned>> = todo.iter().map(|f| f.plan(args.scale)).collect();
    budget::time_steps(&mut ctx, &plans)?;
    let expected = budget::expected(&ctx, &plans, &seeds);
    let numbers: Vec<u32> = todo.iter().map(|f| f.number).collect();
    eprintln!(
        "{}",
        budget::summary(args.scale, &seeds, &numbers, &plans, &expected)
    );
    if args.estimate {
        return Ok(());
    }
    for (i, (figure, plan)) in todo.iter().zip(&plans).enumerate() {
        eprintln!("figure {}: {}", figure.number, figure.about);
        let started = Instant::now();
        let stem = args.out.join(format!("fig{}", figure.number));
        let cost = budget::expected(&ctx, std::slice::from_ref(plan), &seeds)[0];
        ctx.networks.budget.start_figure(figure.number, cost);
        let mut runs = Vec::new();
        let mut per_seed = Vec::new();
        for &seed in &seeds {
            let data = match ctx.measure(figure, seed) {
                Ok(data) => data,
                Err(e) => {
                    ctx.networks.budget.finish_figure();
                    return Err(e);
                }
            };
            per_seed.push((seed, identity_figures::claims(&data)));
            runs.push(Run { seed, data });
        }
        ctx.networks.budget.finish_figure();
        // Networks no later figure uses are freed (a paper-scale run would hold gigabytes).
        let later: BTreeSet<String> = plans[i + 1..]
            .iter()
            .flatten()
            .flat_map(|p| seeds.iter().map(|&s| shelf_key(p, s)))
            .collect();
        ctx.networks.trained.retain(|key, _| later.contains(key));
        draw::figure(&stem.with_extension("png"), figure.title, &runs)?;
        let claims = OverSeeds::group(&per_seed);
        for claim in &claims {
            eprintln!("figure {}: {}", figure.number, claim.line());
        }
        write(&stem.with_extension("csv"), &seeds::csv(&runs))?;
        if runs.len() > 1 {
            // The seeds' numbers side by side are in the JSON and the CSV whatever happens
            // here: a spread that cannot be taken is said, and the run goes on.
            match seeds::spread_csv(&runs) {
                Ok(spread) => write(
                    &args.out.join(format!("fig{}-spread.csv", figure.number)),
                    &spread,
                )?,
                Err(why) => eprintln!("figure {}: no spread file: {why}", figure.number),
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let recorded = Recorded {
            figure: figure.number,
            scale: args.scale,
            backend: flag_value(&args.backend),
            seconds,
            runs,
            claims,
        };
        // The JSON is written last: its presence marks the figure as finished.
        let json = serde_json::to_string_pretty(&recorded)
            .map_err(|e| CliError::Run(format!("cannot write figure {}: {e}", figure.number)))?;
        write(&stem.with_extension("json"), &json)?;
        eprintln!(
            "figure {}: wrote {} (.json, .csv, .png) in {seconds:.0} s",
            figure.number,
            stem.display(),
        );
    }
    Ok(())
}

/// The figures named by `which` (`all`, `N` or `N,M,...`), in the paper's order: networks
/// are shared between the figures of one run.
fn choose<'a>(all: &'a [Figure], which: &str) -> Result<Vec<&'a Figure>, CliError> {
    if which == "all" {
        return Ok(all.iter().collect());
    }
    let mut numbers = Vec::new();
    for part in which.split(',') {
        let number: u32 = part.trim().parse().map_err(|_| {
            CliError::Usage(format!(
                "figure must be a number, numbers separated by commas or 'all', got '{which}'"
            ))
        })?;
        if !all.iter().any(|f| f.number == number) {
            let known: Vec<String> = all.iter().map(|f| f.number.to_string()).collect();
            return Err(CliError::Usage(format!(
                "no figure {number}; the figures are {}",
                known.join(", ")
            )));
        }
        numbers.push(number);
    }
    Ok(all.iter().filter(|f| numbers.contains(&f.number)).collect())
}

/// Creates `out` if needed and checks that a file can be written in it, so that a bad
/// `--out` is refused before hours of training rather than after.
fn check_writable(out: &Path) -> CliResult {
    let refuse = |e: std::io::Error| {
        CliError::Usage(format!("--out {} cannot be written: {e}", out.display()))
    };
    fs::create_dir_all(out).map_err(refuse)?;
    let probe = out.join(format!(
        ".identity-crisis-write-test-{}",
        std::process::id()
    ));
    fs::write(&probe, b"").map_err(refuse)?;
    fs::remove_file(&probe).map_err(refuse)
}

fn write(path: &Path, text: &str) -> CliResult {
    fs::write(path, text)
        .map_err(|e| CliError::Run(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_chosen_by_number_list_or_all() {
        let all = identity_figures::all();
        let numbers = |which: &str| -> Vec<u32> {
            choose(&all, which)
                .unwrap()
                .iter()
                .map(|f| f.number)
                .collect()
        };
        assert_eq!(numbers("7"), [7]);
        assert_eq!(numbers("33, 6,7"), [6, 7, 33]);
        assert_eq!(numbers("all").len(), 33);
        for bad in ["", "7,", "x", "34", "6,99"] {
            assert!(
                matches!(choose(&all, bad), Err(CliError::Usage(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_figure_trains_just_the_networks_it_plans_and_draws() {
        let dir = std::env::temp_dir().join(format!("identity-plan-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for figure in identity_figures::all() {
            let device = open_device(Backend::Flex).unwrap();
            let mut ctx = Context::new(device, Scale::Test, 0).unwrap();
            let data = match ctx.measure(&figure, 0) {
                Ok(data) => data,
                Err(e) => panic!("figure {}: {e}", figure.number),
            };
            let png = dir.join(format!("fig{}.png", figure.number));
            draw::figure(&png, figure.title, &[Run { seed: 0, data }]).unwrap();
            let trained: BTreeSet<String> = ctx.networks.trained.keys().cloned().collect();
            let planned: BTreeSet<String> = figure
                .plan(Scale::Test)
                .iter()
                .map(|p| shelf_key(p, 0))
                .collect();
            assert_eq!(trained, planned, "figure {}", figure.number);
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
