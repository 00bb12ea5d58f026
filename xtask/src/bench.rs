//! `cargo xtask bench`: milliseconds per training step of the benchmark networks on the CPU,
//! ours (`identity-crisis bench`, burn's flex backend) beside the same networks in PyTorch, on
//! one and on two threads, a table for each with the ratios (rounds alternating ours and
//! PyTorch; each cell the median and the spread over the rounds); then, in headless Chromium, the same
//! steps in our wasm beside TensorFlow.js and jax-js (`tests/bench/peers.mjs`), the page's
//! start (`tests/e2e/bench.mjs`: first answer, bytes, loading at a phone's and a desktop's
//! size, the main thread while training, the example post) and Lighthouse's numbers for the
//! page and the post (`tests/bench/lighthouse.mjs`). Not part of `cargo
//! xtask test`: it installs PyTorch (a 5 GB virtual environment under the target dir, made
//! once) and the browser peers (npm, `tests/bench`), and takes several minutes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use serde_json::Value;

use crate::{build, sh};

/// The PyTorch release the numbers are taken against (from PyPI; its CUDA libraries come with
/// it, unused).
const TORCH: &str = "torch==2.15.0";

/// The thread counts compared.
const THREADS: [usize; 2] = [1, 2];

/// Options of `bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Timed steps per network of the CPU table (after 5 warm-up steps; the browser peers time
    /// their own counts, `tests/bench/peers.mjs`).
    #[arg(long, default_value_t = 20)]
    steps: usize,
    /// Milliseconds timed per network of the CPU table, at least (more steps than `--steps`
    /// for a fast network; by default `identity-crisis bench`'s own); PyTorch times as long.
    #[arg(long)]
    min_ms: Option<u64>,
    /// Rounds of the CPU table: each round times ours and then PyTorch on one thread, then
    /// both on two, so a machine whose speed drifts slows both sides alike; the table gives
    /// each cell's median and the spread over the rounds.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Leave PyTorch out (ours only).
    #[arg(long)]
    no_torch: bool,
    /// Leave the browser benchmark out.
    #[arg(long)]
    no_browser: bool,
}

/// One network's milliseconds per step over the rounds, per thread count: ours and PyTorch's.
struct Row {
    config: String,
    ours: Vec<Vec<f64>>,
    torch: Vec<Vec<f64>>,
}

/// The median of `values` and their spread, `(median, min, max)`; `None` when empty.
fn spread(values: &[f64]) -> Option<(f64, f64, f64)> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    Some((median, sorted[0], sorted[n - 1]))
}

/// A cell of the table: the median and, over several rounds, the spread.
fn cell(values: &[f64], digits: usize) -> String {
    match spread(values) {
        None => "-".to_string(),
        Some((median, ..)) if values.len() == 1 => format!("{median:.digits$}"),
        Some((median, min, max)) => format!("{median:.digits$} ({min:.digits$}-{max:.digits$})"),
    }
}

/// One run of `identity-crisis bench --json` on `threads` threads.
fn ours_run(
    cli: &std::path::Path,
    (steps, min_ms): (usize, Option<u64>),
    threads: usize,
) -> anyhow::Result<Value> {
    let mut command = Command::new(cli);
    command.args(["bench", "--json", "--steps", &steps.to_string()]);
    if let Some(min_ms) = min_ms {
        command.args(["--min-ms", &min_ms.to_string()]);
    }
    let output = command
        .env("RAYON_NUM_THREADS", threads.to_string())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", cli.display()))?;
    if !output.status.success() {
        bail!("identity-crisis bench failed on {threads} thread(s)");
    }
    serde_json::from_slice(&output.stdout).context("identity-crisis bench --json")
}

/// One run of the PyTorch benchmark on the networks of `configs` on `threads` threads, each
/// timed over at least `steps` steps and as many milliseconds as ours were (`min_ms` in
/// `configs`).
fn torch_run(
    python: &std::path::Path,
    configs: &Value,
    steps: usize,
    threads: usize,
) -> anyhow::Result<Value> {
    let script = sh::root().join("tests/bench/torch_step.py");
    let min_ms = configs["min_ms"]
        .as_u64()
        .context("identity-crisis bench printed no min_ms")?;
    let mut child = Command::new(python)
        .arg(&script)
        .args(["--threads", &threads.to_string()])
        .args(["--steps", &steps.to_string()])
        .args(["--min-ms", &min_ms.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot run {}", python.display()))?;
    child
        .stdin
        .take()
        .context("no stdin")?
        .write_all(configs.to_string().as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!("the PyTorch benchmark failed on {threads} thread(s)");
    }
    serde_json::from_slice(&output.stdout).context("the PyTorch benchmark's JSON")
}

/// Each network's milliseconds per step in one run, in the order of its results.
fn ms_per_step(run: &Value) -> anyhow::Result<Vec<f64>> {
    Ok(results(run)?
        .iter()
        .map(|r| r["ms_per_step"].as_f64().unwrap_or(f64::NAN))
        .collect())
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if !(1..=10_000).contains(&args.steps) {
        bail!("--steps must be in 1..=10000, got {}", args.steps);
    }
    if !(1..=100).contains(&args.rounds) {
        bail!("--rounds must be in 1..=100, got {}", args.rounds);
    }
    sh::run(
        "build identity-crisis",
        Command::new(env!("CARGO")).args(["build", "--quiet", "--bin", "identity-crisis"]),
    )?;
    let cli = build::target_dir().join("debug").join("identity-crisis");
    let python = if args.no_torch {
        None
    } else {
        Some(torch_python()?)
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut configs = Value::Null;
    let mut torch_version = None;
    for round in 1..=args.rounds {
        eprintln!("xtask: round {round} of {}", args.rounds);
        for (t, threads) in THREADS.into_iter().enumerate() {
            let ours = ours_run(&cli, (args.steps, args.min_ms), threads)?;
            if rows.is_empty() {
                rows = results(&ours)?
                    .iter()
                    .map(|r| Row {
                        config: r["config"].as_str().unwrap_or("?").to_string(),
                        ours: vec![Vec::new(); THREADS.len()],
                        torch: vec![Vec::new(); THREADS.len()],
                    })
                    .collect();
                configs = ours.clone();
            }
            for (row, ms) in rows.iter_mut().zip(ms_per_step(&ours)?) {
                row.ours[t].push(ms);
            }
            if let Some(python) = &python {
                let torch = torch_run(python, &configs, args.steps, threads)?;
                torch_version = torch["torch"].as_str().map(str::to_string);
                for (row, ms) in rows.iter_mut().zip(ms_per_step(&torch)?) {
                    row.torch[t].push(ms);
                }
            }
        }
    }

    let torch = torch_version.map_or("PyTorch not run".to_string(), |v| {
        format!("PyTorch {v} on the CPU")
    });
    println!(
        "\nms per training step, one 28 x 28 image, each network's default optimiser \
         (identity-crisis bench, dev build, burn flex; {torch}), each timed over at least {} \
         steps and {} ms; the median of {} round(s), in brackets the lowest and highest",
        args.steps, configs["min_ms"], args.rounds
    );
    for (t, threads) in THREADS.into_iter().enumerate() {
        println!(
            "\n{threads} thread(s)\n{:<20} {:>22} {:>22} {:>18}",
            "network", "ours", "torch", "ratio"
        );
        for row in &rows {
            // Each round's ratio: ours against PyTorch timed right after it.
            let ratios: Vec<f64> = row.ours[t]
                .iter()
                .zip(&row.torch[t])
                .map(|(ours, torch)| ours / torch)
                .collect();
            println!(
                "{:<20} {:>22} {:>22} {:>18}",
                row.config,
                cell(&row.ours[t], 2),
                cell(&row.torch[t], 2),
                cell(&ratios, 2)
            );
        }
    }
    println!("(ratio: ours / PyTorch in the same round; below 1.0, ours is faster)");

    if !args.no_browser {
        let file = build::target_dir().join("bench-configs.json");
        std::fs::write(&file, configs.to_string())
            .with_context(|| format!("cannot write {}", file.display()))?;
        browser_bench(&file)?;
    }
    Ok(())
}

/// The `results` array of a benchmark's JSON.
fn results(run: &Value) -> anyhow::Result<&Vec<Value>> {
    run["results"]
        .as_array()
        .context("a benchmark printed JSON without results")
}

/// The Python of a virtual environment with PyTorch, under the target dir (made once).
fn torch_python() -> anyhow::Result<PathBuf> {
    let venv = build::target_dir().join("bench-venv");
    let python = venv.join("bin").join("python");
    let ready = Command::new(&python)
        .args(["-c", "import torch"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready {
        return Ok(python);
    }
    if !sh::installed("python3") {
        sh::apt_install(&["python3", "python3-venv"])?;
    }
    sh::run(
        "python3 -m venv",
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
    )?;
    sh::run(
        &format!("pip install {TORCH} (about 5 GB with its CUDA libraries)"),
        Command::new(venv.join("bin").join("pip")).args(["install", "--quiet", TORCH]),
    )?;
    Ok(python)
}

/// Builds the site and runs the browser benchmarks: the training step of the networks in
/// `configs` (`identity-crisis bench --json`) in our wasm beside TensorFlow.js and jax-js
/// (`tests/bench/peers.mjs`, its npm packages installed when missing), the page's start
/// (`npm run bench` in the browser tests), then Lighthouse on the page and the example post
/// (`tests/bench/lighthouse.mjs`). Each prints its numbers (`cargo xtask bench`).
fn browser_bench(configs: &std::path::Path) -> anyhow::Result<()> {
    build::run(build::Args { wasm_opt: false })?;
    let e2e = crate::test::browser_ready()?;
    let peers = crate::test::npm_packages(PEERS)?;
    let xtask = std::env::current_exe().context("cannot find the xtask binary")?;
    sh::run(
        "the training step in Chromium: ours, TensorFlow.js, jax-js",
        Command::new("node")
            .arg(peers.join("peers.mjs"))
            .arg(configs)
            .env("XTASK", &xtask),
    )?;
    sh::run(
        "the page's start in Chromium",
        Command::new("npm")
            .args(["run", "bench", "--prefix"])
            .arg(&e2e)
            .env("XTASK", &xtask),
    )?;
    sh::run(
        "Lighthouse on the page and the example post",
        Command::new("node")
            .arg(peers.join("lighthouse.mjs"))
            .env("XTASK", &xtask),
    )
}

/// The browser peers of `cargo xtask bench`, with their package.json.
const PEERS: &str = "tests/bench";
