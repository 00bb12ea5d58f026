//! `identity-crisis figure N --out DIR [--scale quick|paper]`: a figure of the paper as
//! numbers (JSON, CSV) and a PNG, with its claims judged from the numbers (`claims`).
//! Finished figures are kept: a rerun (after Ctrl-C, say) skips every figure whose JSON
//! exists unless `--force`. Before training, a few steps of every network are timed and the
//! expected run time printed (`--estimate` stops there); each figure shows a bar with the
//! time left.

mod budget;
pub mod claims;
pub mod figures;
mod input_sizes;
mod intermediate_layers;
mod plot;
mod representation_collapse;
mod sweeps;
mod training_sizes;
mod upper_subnetworks;
mod weight_change;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use burn::prelude::*;
use clap::ValueEnum;
use identity_core::data::{Image, default_training_image};
use identity_core::{ArchConfig, TrainConfig, Trained};
use serde_json::{Value, json};
use web_time::Instant;

use self::budget::Budget;
use crate::common::{Backend, CliError, CliResult, flag_value, open_device};

/// How big the networks are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    /// Tiny networks for the test suite (seconds).
    Test,
    /// Reduced widths (32 channels), every figure in minutes on 2 CPU cores.
    Quick,
    /// The paper's sizes (128 channels); hours on a CPU, meant for a GPU.
    Paper,
}

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
    /// Random seed (weights, test inputs).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Redo figures whose files exist.
    #[arg(long)]
    force: bool,
    /// Time a few steps of every network the figures train, print the expected run time and
    /// stop.
    #[arg(long)]
    estimate: bool,
}

/// What one figure produced.
pub struct Output {
    /// The numbers, written as `figN.json` (with the figure's claims and run time added).
    pub json: Value,
    /// The same numbers as a table, written as `figN.csv`.
    pub csv: String,
}

/// A network a figure trains: its architecture and the side of its training image (the
/// default digit, resampled when the side is not 28).
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The architecture.
    pub arch: ArchConfig,
    /// The training image's side.
    pub side: usize,
}

impl Planned {
    /// A network trained on the 28 x 28 digit.
    pub fn at_28(arch: ArchConfig) -> Self {
        Planned { arch, side: 28 }
    }

    /// The name networks are shared under between figures.
    fn key(&self) -> String {
        format!("{} @ {}px", self.arch.name(), self.side)
    }
}

/// What every figure needs: the device, the scale, the training image and the networks
/// trained so far (figures share them).
pub struct Context {
    device: Device,
    scale: Scale,
    seed: u64,
    training: Image,
    trained: BTreeMap<String, Trained>,
    budget: Budget,
}

impl Context {
    /// A context with no network trained yet, training on the paper's digit.
    fn new(device: Device, scale: Scale, seed: u64) -> Result<Self, CliError> {
        Ok(Context {
            device,
            scale,
            seed,
            training: default_training_image()?,
            trained: BTreeMap::new(),
            budget: Budget::default(),
        })
    }

    /// Trains `arch` on the 28 x 28 digit, or returns the network already trained by an
    /// earlier figure.
    pub fn trained(&mut self, arch: &ArchConfig) -> Result<&Trained, CliError> {
        self.trained_at(&Planned::at_28(arch.clone()))
    }

    /// Trains the planned network with its default config (shorter at test scale), or
    /// returns the one already trained by an earlier figure.
    pub fn trained_at(&mut self, planned: &Planned) -> Result<&Trained, CliError> {
        let key = planned.key();
        if !self.trained.contains_key(&key) {
            let image = self.training_image(planned.side)?;
            let config = self.config(&planned.arch);
            let trained = self
                .budget
                .train(&key, &planned.arch, &image, config, &self.device)?;
            self.trained.insert(key.clone(), trained);
        }
        Ok(&self.trained[&key])
    }

    /// The training digit at `side` pixels.
    fn training_image(&self, side: usize) -> Result<Image, CliError> {
        Ok(if side == self.training.side() {
            self.training.clone()
        } else {
            self.training.resample(side)?
        })
    }

    /// The default training config of `arch` with the run's seed (30 steps at test scale).
    fn config(&self, arch: &ArchConfig) -> TrainConfig {
        let mut config = TrainConfig {
            seed: self.seed,
            ..TrainConfig::for_arch(arch)
        };
        if self.scale == Scale::Test {
            config.steps = config.steps.min(30);
        }
        config
    }
}

/// Computes a figure's numbers and draws its PNG at the given path.
pub type Make = Box<dyn Fn(&mut Context, &Path) -> Result<Output, CliError>>;

/// The networks a figure trains at a scale.
pub type Plan = Box<dyn Fn(Scale) -> Vec<Planned>>;

/// A figure: its number, a one-line description, the networks it trains and the function
/// that makes it.
pub struct Figure {
    /// The paper's figure number.
    pub number: u32,
    /// What it shows.
    pub about: &'static str,
    /// The networks it trains (timed before the run for the estimate and the progress bar).
    pub plan: Plan,
    /// Computes the numbers and draws the PNG at the given path.
    pub make: Make,
}

impl Figure {
    /// A figure from its plan and its maker.
    pub fn new(
        number: u32,
        about: &'static str,
        plan: impl Fn(Scale) -> Vec<Planned> + 'static,
        make: impl Fn(&mut Context, &Path) -> Result<Output, CliError> + 'static,
    ) -> Figure {
        Figure {
            number,
            about,
            plan: Box::new(plan),
            make: Box::new(make),
        }
    }
}

pub fn run(args: Args) -> CliResult {
    let all = figures::all();
    let chosen = choose(&all, &args.figure)?;
    // An estimate writes nothing; a run finds out before any training that it can write.
    if !args.estimate {
        check_writable(&args.out)?;
    }
    let mut ctx = Context::new(open_device(args.backend)?, args.scale, args.seed)?;
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
    let plans: Vec<Vec<Planned>> = todo.iter().map(|f| (f.plan)(args.scale)).collect();
    budget::time_steps(&mut ctx, &plans)?;
    let expected = budget::expected(&ctx, &plans);
    let numbers: Vec<u32> = todo.iter().map(|f| f.number).collect();
    eprintln!(
        "{}",
        budget::summary(args.scale, &numbers, &plans, &expected)
    );
    if args.estimate {
        return Ok(());
    }
    for (figure, plan) in todo.into_iter().zip(&plans) {
        eprintln!("figure {}: {}", figure.number, figure.about);
        let started = Instant::now();
        let stem = args.out.join(format!("fig{}", figure.number));
        let cost = budget::expected(&ctx, std::slice::from_ref(plan))[0];
        ctx.budget.start_figure(figure.number, cost);
        let made = (figure.make)(&mut ctx, &stem.with_extension("png"));
        ctx.budget.finish_figure();
        let Output { mut json, csv } = made?;
        let seconds = started.elapsed().as_secs_f64();
        let verdicts = claims::judge(figure.number, &json);
        for claim in &verdicts {
            eprintln!("figure {}: {}", figure.number, claim.line());
        }
        json["scale"] = json!(flag_value(&args.scale));
        json["backend"] = json!(flag_value(&args.backend));
        json["seed"] = json!(args.seed);
        json["seconds"] = json!(seconds);
        json["claims"] = json!(verdicts);
        write(&stem.with_extension("csv"), &csv)?;
        // The JSON is written last: its presence marks the figure as finished.
        write(
            &stem.with_extension("json"),
            &serde_json::to_string_pretty(&json).expect("JSON values serialise"),
        )?;
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
    use std::collections::BTreeSet;

    use super::*;
    use crate::common::Backend;

    #[test]
    fn figures_are_chosen_by_number_list_or_all() {
        let all = figures::all();
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
    fn every_figure_trains_just_the_networks_it_plans() {
        let dir = std::env::temp_dir().join(format!("identity-plan-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for figure in figures::all() {
            let device = open_device(Backend::Flex).unwrap();
            let mut ctx = Context::new(device, Scale::Test, 0).unwrap();
            let png = dir.join(format!("fig{}.png", figure.number));
            if let Err(e) = (figure.make)(&mut ctx, &png) {
                panic!("figure {}: {e}", figure.number);
            }
            let trained: BTreeSet<String> = ctx.trained.keys().cloned().collect();
            let planned: BTreeSet<String> = (figure.plan)(Scale::Test)
                .iter()
                .map(Planned::key)
                .collect();
            assert_eq!(trained, planned, "figure {}", figure.number);
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
