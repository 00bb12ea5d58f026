//! `identity-crisis figure N --out DIR [--scale quick|paper] [--seeds 0,1,2]`: a figure of
//! the paper as numbers (JSON, CSV) and a PNG, measured on each seed, with its claims judged
//! on every seed ("holds on k of n seeds"). Finished figures are kept: a rerun (after Ctrl-C,
//! say) skips every figure whose JSON exists unless `--force`. Before training, a few steps of
//! every network are timed and the expected run time printed (`--estimate` stops there);
//! each figure shows a bar with the time left.
//!
//! With `--save-models DIR` every network is written to `DIR` as it is trained (named by its
//! [`network_id`]) and taken from there by later runs. With `--shard m/n` as well, the run only
//! trains the networks whose id falls in shard `m` of `n` (a stable hash, so every machine
//! agrees) and saves them; `identity-crisis merge` then measures the figures from the saved
//! networks of all shards.

mod budget;
mod draw;
pub mod merge;
mod plot;
mod shard;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};

use burn::prelude::*;
use identity_core::Trained;
use identity_core::data::default_training_image;
use identity_core::saved::{Precision, network_id};
use identity_figures::claim::OverSeeds;
use identity_figures::data::{Recorded, Run};
use identity_figures::{Figure, Networks, Planned, Scale, Setting, seeds};
use web_time::Instant;

use self::budget::Budget;
pub use self::shard::Shard;
use crate::common::{Backend, CliError, CliResult, flag_value, open_device};
use crate::saved;

/// The most seeds one run takes.
const MAX_SEEDS: usize = 16;

/// Options of `figure`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    run: RunArgs,
    /// Where the JSON, CSV and PNG files go (a shard writes none).
    #[arg(long, required_unless_present = "shard")]
    out: Option<PathBuf>,
    /// Time a few steps of every network the figures train, print the expected run time and
    /// stop.
    #[arg(long)]
    estimate: bool,
    /// Keep every trained network in this folder (one file each, named by a hash of its
    /// configuration); networks found there are loaded instead of trained again.
    #[arg(long, value_name = "DIR")]
    save_models: Option<PathBuf>,
    /// With --save-models: store the weights as 16-bit floats (half the bytes; what the page
    /// ships). A run measures the networks it trains as trained, and those it loads as
    /// stored.
    #[arg(long, requires = "save_models")]
    half: bool,
    /// Train only shard M of N of the run's networks (a stable hash of each network's
    /// configuration picks its shard) into --save-models, and measure nothing; then
    /// `identity-crisis merge` makes the figures from all shards' networks.
    #[arg(long, value_name = "M/N", requires = "save_models", conflicts_with_all = ["estimate", "out"])]
    shard: Option<Shard>,
}

/// What a figure run, a shard and a merge share: which figures, at which scale and seeds.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The figure's number in the paper, several separated by commas (`6,7,33`), `all`, or
    /// `shipping` (the figures whose networks the site ships).
    figure: String,
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
    /// Leave out the ConvNets of the channel sweeps (Fig. 15, 27) wider than N channels (the
    /// paper's 512 and 1,024 take hours each on a CPU); at least the scale's width, which every
    /// other ConvNet has (128 at paper scale). The figures' files say so.
    #[arg(long, value_name = "N")]
    widest: Option<usize>,
}

/// The seeds of a run: as given (distinct, at most [`MAX_SEEDS`]), else the scale's default.
fn seeds_of(args: &RunArgs) -> Result<Vec<u64>, CliError> {
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

/// The run's seeds and `--widest`, checked.
fn checked(args: &RunArgs) -> Result<(Vec<u64>, Option<usize>), CliError> {
    Ok((seeds_of(args)?, widest_of(args)?))
}

/// The run's `--widest`, checked: every ConvNet outside the channel sweeps keeps its width.
fn widest_of(args: &RunArgs) -> Result<Option<usize>, CliError> {
    let width = identity_figures::sweeps::conv_width(args.scale);
    match args.widest {
        Some(widest) if widest < width => Err(CliError::Usage(format!(
            "--widest {widest}: every ConvNet at {} scale but the channel sweeps' has {width} channels; give at least {width}",
            flag_value(&args.scale)
        ))),
        widest => Ok(widest),
    }
}

/// The networks trained in a run, shared between its figures (per seed), trained with bars
/// whose time left rests on measured step times, and kept in a [`Store`] when there is one.
#[derive(Default)]
pub struct Shelf {
    trained: BTreeMap<String, Trained>,
    budget: Budget,
    store: Option<Store>,
}

/// A folder of saved networks, one file per network named by its [`network_id`].
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// The backend written in the files' manifests.
    backend: String,
    /// Load only: a network not in the folder is an error, never trained (`merge`).
    load_only: bool,
    /// How the weights of a network trained here are written.
    precision: Precision,
}

impl Store {
    /// The folder `dir`, created if needed and checked writable unless `load_only`.
    pub fn open(dir: &Path, backend: Backend, load_only: bool) -> Result<Self, CliError> {
        Self::with_precision(dir, backend, load_only, Precision::F32)
    }

    /// [`Store::open`], writing the weights of networks trained here in `precision`.
    pub fn with_precision(
        dir: &Path,
        backend: Backend,
        load_only: bool,
        precision: Precision,
    ) -> Result<Self, CliError> {
        if load_only {
            if !dir.is_dir() {
                return Err(CliError::Usage(format!(
                    "--models {}: no such folder",
                    dir.display()
                )));
            }
        } else {
            check_writable(dir, "--save-models")?;
        }
        Ok(Store {
            dir: dir.to_path_buf(),
            backend: flag_value(&backend),
            load_only,
            precision,
        })
    }

    /// Where the network `id` is kept.
    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.bpk"))
    }
}

/// The id of `planned` trained with `seed` in `setting`'s run.
fn planned_id(setting: &Setting, planned: &Planned, seed: u64) -> Result<String, CliError> {
    let image = setting.training_at(planned.side)?;
    let config = identity_core::TrainConfig {
        seed,
        ..setting.config(&planned.arch)
    };
    Ok(network_id(&planned.arch, &config, &image))
}

/// The shelf's name of a network trained with a seed.
fn shelf_key(planned: &Planned, seed: u64) -> String {
    format!("{} seed {seed}", planned.key())
}

impl Networks for Shelf {
    type Error = CliError;

    /// Returns the planned network trained with the setting's seed: the one an earlier figure
    /// trained, else the one saved in the store, else trains it (blocking, with its bar) and
    /// saves it in the store.
    fn trained(
        &mut self,
        setting: &Setting,
        planned: &Planned,
    ) -> impl Future<Output = Result<Trained, CliError>> {
        let key = shelf_key(planned, setting.seed);
        let got = match self.trained.get(&key) {
            Some(trained) => Ok(trained.clone()),
            None => self.get(setting, planned).inspect(|trained| {
                self.trained.insert(key.clone(), trained.clone());
            }),
        };
        std::future::ready(got)
    }
}

impl Shelf {
    /// The planned network from the store, or trained (and then saved).
    fn get(&mut self, setting: &Setting, planned: &Planned) -> Result<Trained, CliError> {
        let image = setting.training_at(planned.side)?;
        let config = setting.config(&planned.arch);
        let Some(store) = &self.store else {
            return self.budget.train(
                &planned.key(),
                &planned.arch,
                &image,
                config,
                &setting.device,
            );
        };
        let id = network_id(&planned.arch, &config, &image);
        let path = store.path(&id);
        if path.exists() {
            let saved = saved::read(&path, &setting.device)?;
            let m = &saved.manifest;
            if m.arch != planned.arch || m.config != config || m.training != image.pixels() {
                return Err(CliError::Run(format!(
                    "{} holds {}, not the {} (seed {}) its name says: remove it",
                    path.display(),
                    m.arch.name(),
                    planned.key(),
                    setting.seed
                )));
            }
            return Ok(saved.trained);
        }
        if store.load_only {
            return Err(CliError::Run(format!(
                "{} (seed {}) is not in {} ({id}.bpk)",
                planned.key(),
                setting.seed,
                store.dir.display()
            )));
        }
        let trained = self.budget.train(
            &planned.key(),
            &planned.arch,
            &image,
            config.clone(),
            &setting.device,
        )?;
        saved::write(
            &path,
            &trained,
            &planned.arch,
            &config,
            &image,
            &store.backend,
            store.precision,
        )?;
        Ok(trained)
    }
}

/// What every figure needs: the run's setting and the networks trained so far.
pub struct Context {
    setting: Setting,
    networks: Shelf,
}

impl Context {
    /// A context with no network trained yet, training on the paper's digit, its channel
    /// sweeps at most `widest` channels wide, keeping its networks in `store` if given.
    fn new(
        device: Device,
        scale: Scale,
        widest: Option<usize>,
        seed: u64,
        store: Option<Store>,
    ) -> Result<Self, CliError> {
        Ok(Context {
            setting: Setting {
                scale,
                widest,
                seed,
                device,
                training: default_training_image()?,
            },
            networks: Shelf {
                store,
                ..Shelf::default()
            },
        })
    }

    /// The context of the run of `args` (its backend and scale, `widest` and the first of
    /// `seeds`, both [`checked`]).
    fn of_run(
        args: &RunArgs,
        (seeds, widest): (&[u64], Option<usize>),
        store: Option<Store>,
    ) -> Result<Self, CliError> {
        let device = open_device(args.backend)?;
        Context::new(device, args.scale, widest, seeds[0], store)
    }

    /// The networks `figure` trains in this run.
    fn plan(&self, figure: &Figure) -> Vec<Planned> {
        figure.plan(self.setting.scale, self.setting.widest)
    }

    /// The run's `--widest` where it leaves rows of `figure` out (what its file records).
    fn widest_in(&self, figure: &Figure) -> Option<usize> {
        let whole = figure.plan(self.setting.scale, None);
        self.setting.widest.filter(|_| self.plan(figure) != whole)
    }

    /// Whether `planned` trained with `seed` is in the store already.
    fn is_saved(&self, planned: &Planned, seed: u64) -> bool {
        let Some(store) = &self.networks.store else {
            return false;
        };
        planned_id(&self.setting, planned, seed).is_ok_and(|id| store.path(&id).exists())
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
    let store = match &args.save_models {
        Some(dir) => Some(Store::with_precision(
            dir,
            args.run.backend,
            false,
            Precision::half_if(args.half),
        )?),
        None => None,
    };
    match (args.shard, store, &args.out) {
        (Some(shard), Some(store), _) => shard::train(&args.run, shard, store).map(|_| ()),
        (_, store, Some(out)) => make(&args.run, out, store, args.estimate),
        (_, _, None) => Err(CliError::Usage("--out is needed".into())),
    }
}

/// Measures the figures of `args`, taking their networks from `store` when given (training
/// and saving there those it lacks, unless it is load-only), and writes their files into
/// `out`; with `estimate`, prints the expected time and stops.
pub fn make(args: &RunArgs, out: &Path, store: Option<Store>, estimate: bool) -> CliResult {
    let all = identity_figures::all();
    let chosen = choose(&all, &args.figure)?;
    // Every argument is checked before --out is made; --out before the device is opened.
    let (seeds, widest) = checked(args)?;
    // An estimate writes nothing; a run finds out before any training that it can write.
    if !estimate {
        check_writable(out, "--out")?;
    }
    let mut ctx = Context::of_run(args, (&seeds, widest), store)?;
    let mut todo = Vec::new();
    for figure in chosen {
        let json_path = out.join(format!("fig{}.json", figure.number));
        // A figure made with other rows (another --widest) is not this run's: made again.
        let widest = ctx.widest_in(figure);
        let made_with = |widest| match widest {
            Some(widest) => format!("--widest {widest}"),
            None => "every row".into(),
        };
        let other_rows = crate::report::read_recorded(out, figure)
            .ok()
            .flatten()
            .map(|r| r.widest)
            .filter(|&made| made != widest);
        if let Some(made) = other_rows {
            eprintln!(
                "figure {}: {} was made with {}, this run has {}: made again",
                figure.number,
                json_path.display(),
                made_with(made),
                made_with(widest)
            );
            todo.push(figure);
        } else if json_path.exists() && !args.force {
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
    let plans: Vec<Vec<Planned>> = todo.iter().map(|f| ctx.plan(f)).collect();
    budget::time_steps(&mut ctx, &plans, &seeds)?;
    let expected = budget::expected(&ctx, &plans, &seeds);
    let numbers: Vec<u32> = todo.iter().map(|f| f.number).collect();
    eprintln!(
        "{}",
        budget::summary(args.scale, &seeds, &numbers, &plans, &expected)
    );
    if estimate {
        return Ok(());
    }
    for (i, (figure, plan)) in todo.iter().zip(&plans).enumerate() {
        eprintln!("figure {}: {}", figure.number, figure.about);
        let started = Instant::now();
        let stem = out.join(format!("fig{}", figure.number));
        let cost = budget::expected(&ctx, std::slice::from_ref(plan), &seeds)[0];
        ctx.networks
            .budget
            .start(format!("figure {}", figure.number), cost);
        let mut runs = Vec::new();
        let mut per_seed = Vec::new();
        for &seed in &seeds {
            let data = match ctx.measure(figure, seed) {
                Ok(data) => data,
                Err(e) => {
                    ctx.networks.budget.finish();
                    return Err(e);
                }
            };
            per_seed.push((seed, identity_figures::claims(&data)));
            runs.push(Run { seed, data });
        }
        ctx.networks.budget.finish();
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
                    &out.join(format!("fig{}-spread.csv", figure.number)),
                    &spread,
                )?,
                Err(why) => eprintln!("figure {}: no spread file: {why}", figure.number),
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let recorded = Recorded {
            figure: figure.number,
            scale: args.scale,
            widest: ctx.widest_in(figure),
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

/// The figures named by `which` (`all`, `shipping`: those whose networks the site ships, `N`
/// or `N,M,...`), in the paper's order: networks are shared between the figures of one run.
fn choose<'a>(all: &'a [Figure], which: &str) -> Result<Vec<&'a Figure>, CliError> {
    match which {
        "all" => return Ok(all.iter().collect()),
        "shipping" => return Ok(all.iter().filter(|f| f.ships_networks).collect()),
        _ => {}
    }
    let mut numbers = Vec::new();
    for part in which.split(',') {
        let number: u32 = part.trim().parse().map_err(|_| {
            CliError::Usage(format!(
                "figure must be a number, numbers separated by commas, 'all' or 'shipping', got '{which}'"
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

/// Creates the folder `out` if needed and checks that a file can be written in it, so that a
/// bad `flag` is refused before hours of training rather than after.
fn check_writable(out: &Path, flag: &str) -> CliResult {
    let refuse = |e: std::io::Error| {
        CliError::Usage(format!("{flag} {} cannot be written: {e}", out.display()))
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
        assert_eq!(numbers("shipping"), [1, 4, 5, 6, 7, 8, 10, 11]);
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
            let mut ctx = Context::new(device, Scale::Test, None, 0, None).unwrap();
            let data = match ctx.measure(&figure, 0) {
                Ok(data) => data,
                Err(e) => panic!("figure {}: {e}", figure.number),
            };
            let png = dir.join(format!("fig{}.png", figure.number));
            draw::figure(&png, figure.title, &[Run { seed: 0, data }]).unwrap();
            let trained: BTreeSet<String> = ctx.networks.trained.keys().cloned().collect();
            let planned: BTreeSet<String> = figure
                .plan(Scale::Test, None)
                .iter()
                .map(|p| shelf_key(p, 0))
                .collect();
            assert_eq!(trained, planned, "figure {}", figure.number);
        }
        let _ = fs::remove_dir_all(&dir);
    }

    /// The run of figures `which` at test scale on seeds 0 and 1.
    fn test_run(which: &str) -> RunArgs {
        RunArgs {
            figure: which.into(),
            scale: Scale::Test,
            backend: Backend::Flex,
            seeds: Some(vec![0, 1]),
            force: false,
            widest: None,
        }
    }

    #[test]
    fn a_figure_made_with_other_rows_is_made_again_and_one_made_alike_is_kept() {
        let dir = std::env::temp_dir().join(format!("identity-widest-{}", std::process::id()));
        let run = test_run("27");
        make(&run, &dir, None, false).unwrap();
        let path = dir.join("fig27.json");
        let read = || serde_json::from_str::<Recorded>(&fs::read_to_string(&path).unwrap());
        // As if an earlier run had left rows out: this run (every row) makes it again.
        let mut cut = read().unwrap();
        cut.widest = Some(4);
        cut.seconds = -1.0;
        fs::write(&path, serde_json::to_string(&cut).unwrap()).unwrap();
        make(&run, &dir, None, false).unwrap();
        let again = read().unwrap();
        assert_eq!((again.widest, again.seconds >= 0.0), (None, true));
        // Made alike: kept as it is.
        let kept = fs::read_to_string(&path).unwrap();
        make(&run, &dir, None, false).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), kept);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn widest_leaves_out_only_the_wider_rows_of_the_channel_sweeps() {
        let paper = |widest| RunArgs {
            scale: Scale::Paper,
            widest,
            ..test_run("all")
        };
        let refused = checked(&paper(Some(64))).err().unwrap();
        assert!(
            matches!(&refused, CliError::Usage(why) if why.contains("at least 128")),
            "{refused}"
        );
        let (seeds, widest) = checked(&paper(Some(128))).unwrap();
        let ctx = Context::of_run(&paper(Some(128)), (&seeds, widest), None).unwrap();
        for figure in identity_figures::all() {
            let kept = ctx.plan(&figure);
            let left_out: Vec<String> = figure
                .plan(Scale::Paper, None)
                .into_iter()
                .filter(|p| !kept.contains(p))
                .map(|p| p.arch.name())
                .collect();
            let expected: &[&str] = match figure.number {
                15 | 27 => &["conv-d5-c512-k5", "conv-d5-c1024-k5"],
                _ => &[],
            };
            assert_eq!(left_out, expected, "figure {}", figure.number);
        }
    }

    /// The figure's measured runs and claims, as JSON (its time and backend left out).
    fn measured(path: &Path) -> (serde_json::Value, serde_json::Value) {
        let recorded: Recorded = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        (
            serde_json::to_value(&recorded.runs).unwrap(),
            serde_json::to_value(&recorded.claims).unwrap(),
        )
    }

    #[test]
    fn a_run_split_into_4_shards_and_merged_equals_the_unsharded_run() {
        // Every kind of figure: eq. (1), grids, heatmaps, layers, collapse, input sizes,
        // upper sub-networks, training sizes, weight change.
        let which = "1,3,5,6,8,9,10,12,13,16";
        let dir = std::env::temp_dir().join(format!("identity-shards-{}", std::process::id()));
        let (whole, merged, models) = (dir.join("whole"), dir.join("merged"), dir.join("models"));
        let run = test_run(which);
        make(&run, &whole, None, false).unwrap();

        let store = || Store::open(&models, Backend::Flex, false).unwrap();
        let trained: Vec<usize> = (1..=4)
            .map(|m| shard::train(&run, format!("{m}/4").parse().unwrap(), store()).unwrap())
            .collect();
        let saved = fs::read_dir(&models).unwrap().count();
        assert_eq!(trained.iter().sum::<usize>(), saved);
        assert!(
            trained.iter().all(|&n| n > 0),
            "every shard trains some: {trained:?}"
        );
        // A shard run again (after an interruption, say) trains only what is missing.
        fs::remove_file(
            fs::read_dir(&models)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap();
        let again: usize = (1..=4)
            .map(|m| shard::train(&run, format!("{m}/4").parse().unwrap(), store()).unwrap())
            .sum();
        assert_eq!(again, 1);

        let load_only = Store::open(&models, Backend::Flex, true).unwrap();
        make(&run, &merged, Some(load_only), false).unwrap();
        for number in which.split(',') {
            let name = format!("fig{number}.json");
            assert_eq!(
                measured(&merged.join(&name)),
                measured(&whole.join(&name)),
                "figure {number}"
            );
            // Every network row names its file in the folder.
            let recorded: Recorded =
                serde_json::from_str(&fs::read_to_string(merged.join(&name)).unwrap()).unwrap();
            for run in &recorded.runs {
                for net in run.data.body.nets() {
                    assert!(
                        models.join(format!("{}.bpk", net.id)).is_file(),
                        "figure {number}: {} names {:?}, not in the folder",
                        net.label,
                        net.id
                    );
                }
            }
        }
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn half_keeps_the_networks_of_a_run_in_16_bits() {
        let dir = std::env::temp_dir().join(format!("identity-half-{}", std::process::id()));
        let store = Store::with_precision(&dir, Backend::Flex, false, Precision::F16).unwrap();
        make(&test_run("2"), &dir.join("figures"), Some(store), false).unwrap();
        let files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "bpk"))
            .collect();
        assert!(!files.is_empty());
        for file in files {
            let manifest = identity_core::saved::manifest_of(&fs::read(&file).unwrap()).unwrap();
            assert_eq!(manifest.precision, Precision::F16, "{}", file.display());
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
