//! `identity-crisis figure N --out DIR [--scale quick|paper]`: a figure of the paper as
//! numbers (JSON, CSV) and a PNG. Finished figures are kept: a rerun (after Ctrl-C, say)
//! skips every figure whose JSON exists unless `--force`.

mod figures;
mod input_sizes;
mod intermediate_layers;
mod plot;
mod representation_collapse;
mod upper_subnetworks;
mod weight_change;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use burn::prelude::*;
use clap::ValueEnum;
use identity_core::data::{Image, default_training_image};
use identity_core::{ArchConfig, TrainConfig, Trained};
use serde_json::Value;
use web_time::Instant;

use crate::common::{Backend, CliError, CliResult, open_device};
use crate::progress::train_with_bar;

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
    /// The figure's number in the paper, or `all`.
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
}

/// What one figure produced.
pub struct Output {
    /// The numbers, written as `figN.json`.
    pub json: Value,
    /// The same numbers as a table, written as `figN.csv`.
    pub csv: String,
}

/// What every figure needs: the device, the scale, the training image and the networks
/// trained so far (figures share them).
pub struct Context {
    device: Device,
    scale: Scale,
    seed: u64,
    training: Image,
    trained: BTreeMap<String, Trained>,
}

impl Context {
    /// Trains `arch` with its default config (shorter at test scale), or returns the
    /// network already trained by an earlier figure.
    pub fn trained(&mut self, arch: &ArchConfig) -> Result<&Trained, CliError> {
        let key = arch.name();
        if !self.trained.contains_key(&key) {
            let mut config = TrainConfig {
                seed: self.seed,
                ..TrainConfig::for_arch(arch)
            };
            if self.scale == Scale::Test {
                config.steps = config.steps.min(30);
            }
            let trained = train_with_bar(arch, &self.training, config, &self.device)?;
            self.trained.insert(key.clone(), trained);
        }
        Ok(&self.trained[&key])
    }
}

/// Computes a figure's numbers and draws its PNG at the given path.
pub type Make = Box<dyn Fn(&mut Context, &Path) -> Result<Output, CliError>>;

/// A figure: its number, a one-line description, and the function that makes it.
pub struct Figure {
    /// The paper's figure number.
    pub number: u32,
    /// What it shows.
    pub about: &'static str,
    /// Computes the numbers and draws the PNG at the given path.
    pub make: Make,
}

pub fn run(args: Args) -> CliResult {
    let all = figures::all();
    let chosen: Vec<&Figure> = if args.figure == "all" {
        all.iter().collect()
    } else {
        let number: u32 = args.figure.parse().map_err(|_| {
            CliError::Usage(format!(
                "figure must be a number or 'all', got '{}'",
                args.figure
            ))
        })?;
        let figure = all.iter().find(|f| f.number == number).ok_or_else(|| {
            let known: Vec<String> = all.iter().map(|f| f.number.to_string()).collect();
            CliError::Usage(format!(
                "no figure {number}; figures made so far: {}",
                known.join(", ")
            ))
        })?;
        vec![figure]
    };
    fs::create_dir_all(&args.out)
        .map_err(|e| CliError::Run(format!("cannot create {}: {e}", args.out.display())))?;
    let mut ctx = Context {
        device: open_device(args.backend)?,
        scale: args.scale,
        seed: args.seed,
        training: default_training_image()?,
        trained: BTreeMap::new(),
    };
    if args.scale == Scale::Paper {
        eprintln!(
            "figure: paper scale trains ConvNets of 128 channels up to depth 20 (about 1,000 steps each), and 5-layer ones with kernels up to 57 x 57 and up to 1,024 channels (Fig. 14, 15); expect hours on a CPU, minutes on a GPU"
        );
    }
    for figure in chosen {
        let stem = args.out.join(format!("fig{}", figure.number));
        let json_path = stem.with_extension("json");
        if json_path.exists() && !args.force {
            eprintln!(
                "figure {}: {} exists, skipped (--force redoes it)",
                figure.number,
                json_path.display()
            );
            continue;
        }
        eprintln!("figure {}: {}", figure.number, figure.about);
        let started = Instant::now();
        let png = stem.with_extension("png");
        let output = (figure.make)(&mut ctx, &png)?;
        write(&stem.with_extension("csv"), &output.csv)?;
        // The JSON is written last: its presence marks the figure as finished.
        write(
            &json_path,
            &serde_json::to_string_pretty(&output.json).expect("JSON values serialise"),
        )?;
        eprintln!(
            "figure {}: wrote {} (.json, .csv, .png) in {:.0} s",
            figure.number,
            stem.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> CliResult {
    fs::write(path, text)
        .map_err(|e| CliError::Run(format!("cannot write {}: {e}", path.display())))
}
