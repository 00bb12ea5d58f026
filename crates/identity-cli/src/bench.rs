//! `identity-crisis bench`: milliseconds per training step and peak memory of the benchmark
//! networks (ConvNets of depth 3 and 5 at 32 channels, depth 5 at 128 channels, a ReLU FCN of
//! 3 x 784, the 1-layer linear net).
//!
//! Each configuration runs in a child process of its own, so that its peak resident memory
//! (Linux `VmHWM`) is its alone.

use std::process::Command;

use identity_core::data::default_training_image;
use identity_core::{ArchConfig, TrainConfig};
use serde_json::{Value, json};

use crate::common::{Backend, CliError, CliResult, flag_value, open_device, print_json};
use crate::progress::{Timing, ms_per_step};

/// Untimed steps before the timed ones, and the steps between two reads of the loss.
const WARMUP: usize = 5;

/// The most milliseconds `--min-ms` may ask per configuration: ten minutes.
const MAX_MIN_MS: u64 = 600_000;

/// Options of `bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Backends to measure, comma-separated (e.g. `flex,wgpu`).
    #[arg(long = "backend", value_delimiter = ',', default_value = "flex")]
    backends: Vec<Backend>,
    /// Random seed of the weights.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Timed steps per configuration, at least (after 5 warm-up steps; the loss is read every
    /// 5 steps, so they are timed 5 at a time).
    #[arg(long, default_value_t = 20)]
    steps: usize,
    /// Milliseconds timed per configuration, at least: a fast network runs more steps than
    /// `--steps` (0: `--steps` alone).
    #[arg(long, default_value_t = 1000)]
    min_ms: u64,
    /// Print machine-readable JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Run one configuration in this process (used by the parent).
    #[arg(long, hide = true)]
    only: Option<String>,
}

/// The benchmark networks, by name.
fn configurations() -> Vec<ArchConfig> {
    vec![
        ArchConfig::Conv {
            depth: 3,
            channels: 32,
            kernel: 5,
        },
        ArchConfig::Conv {
            depth: 5,
            channels: 32,
            kernel: 5,
        },
        ArchConfig::Conv {
            depth: 5,
            channels: 128,
            kernel: 5,
        },
        ArchConfig::Relu {
            hidden: vec![784; 3],
            train_bottom_only: false,
        },
        ArchConfig::Linear { hidden: vec![] },
    ]
}

pub fn run(args: Args) -> CliResult {
    if !(1..=10_000).contains(&args.steps) {
        return Err(CliError::Usage(format!(
            "--steps must be in 1..=10000, got {}",
            args.steps
        )));
    }
    if args.min_ms > MAX_MIN_MS {
        return Err(CliError::Usage(format!(
            "--min-ms must be in 0..={MAX_MIN_MS}, got {}",
            args.min_ms
        )));
    }
    let timing = Timing {
        warmup: WARMUP,
        steps: args.steps,
        min_ms: args.min_ms,
    };
    if let Some(name) = &args.only {
        let arch = configurations().into_iter().find(|a| &a.name() == name);
        let arch =
            arch.ok_or_else(|| CliError::Usage(format!("--only: no configuration named {name}")))?;
        let backend = *args
            .backends
            .first()
            .ok_or_else(|| CliError::Usage("--backend is empty".into()))?;
        println!("{}", measure(&arch, backend, timing, args.seed)?);
        return Ok(());
    }
    let exe = std::env::current_exe()
        .map_err(|e| CliError::Run(format!("cannot find this program: {e}")))?;
    let mut results = Vec::new();
    for backend in &args.backends {
        for arch in configurations() {
            let backend_name = flag_value(backend);
            let output = Command::new(&exe)
                .args([
                    "bench",
                    "--only",
                    &arch.name(),
                    "--backend",
                    &backend_name,
                    "--steps",
                    &args.steps.to_string(),
                    "--min-ms",
                    &args.min_ms.to_string(),
                    "--seed",
                    &args.seed.to_string(),
                ])
                .output()
                .map_err(|e| CliError::Run(format!("cannot run the benchmark child: {e}")))?;
            if !output.status.success() {
                return Err(CliError::Run(format!(
                    "{} on {backend_name} failed: {}",
                    arch.name(),
                    String::from_utf8_lossy(&output.stderr).trim()
                )));
            }
            let result: Value = serde_json::from_slice(&output.stdout)
                .map_err(|e| CliError::Run(format!("the benchmark child printed no JSON: {e}")))?;
            eprintln!(
                "{:<22} {:<5} {:>9.2} ms/step  peak {:>6.0} MiB",
                arch.name(),
                backend_name,
                result["ms_per_step"].as_f64().unwrap_or(f64::NAN),
                result["peak_rss_mib"].as_f64().unwrap_or(f64::NAN)
            );
            results.push(result);
        }
    }
    if args.json {
        print_json(&json!({
            "threads": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            "min_ms": args.min_ms,
            "results": results,
        }));
    }
    Ok(())
}

/// Times training steps of `arch` on `backend` as `timing` says.
fn measure(
    arch: &ArchConfig,
    backend: Backend,
    timing: Timing,
    seed: u64,
) -> Result<Value, CliError> {
    let device = open_device(backend)?;
    let image = default_training_image()?;
    let config = TrainConfig {
        seed,
        ..TrainConfig::for_arch(arch)
    };
    let (ms, steps) = ms_per_step(arch, &image, config.clone(), timing, &device)?;
    Ok(json!({
        "config": arch.name(),
        "arch": arch,
        "train": config,
        "backend": flag_value(&backend),
        "ms_per_step": ms,
        "steps_timed": steps,
        "peak_rss_mib": peak_rss_mib(),
        "params": arch.param_count(28),
    }))
}

/// Peak resident memory of this process in MiB (Linux), or null elsewhere.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
