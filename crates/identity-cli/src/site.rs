//! `identity-crisis site --from DIR --networks DIR... --out DIR`: the page's figures, made from
//! a finished run of every figure (`figure all`, `cargo xtask paper`): each figure's file with
//! the first seed's data and the claims over every seed, the networks those data name (as far
//! as they are saved and fit the size limits below), and the registry with each file
//! (`index.json`, [`SiteIndex`]), which the page and the embed read.
//!
//! The limits are the site's: a reader fetches a figure's file when it comes near the
//! window, and the shipped networks live in the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::PathBuf;

use identity_core::data::MNIST_SIDE;
use identity_figures::data::Recorded;
use identity_figures::registry::{Entry, SiteFigure, SiteIndex};

use crate::common::{CliError, CliResult, read_regular};
use crate::report::read_recorded;

/// The largest network file the site ships.
const MAX_NETWORK_BYTES: u64 = 5 << 20;

/// The most bytes of network files the site ships, all together.
const MAX_NETWORKS_BYTES: u64 = 25 << 20;

/// The most bytes a figure's file may take gzipped (as the server sends it): a reader on a
/// phone waits for it before the figure shows.
const MAX_FIGURE_GZIP_BYTES: u64 = 300_000;

/// The list of the shipped networks' ids, in the site's `models/` folder (read by
/// `www/js/paper/shipped-networks.js`).
const SHIPPED_LIST: &str = "shipped.json";

/// Options of `site`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder of a finished run of every figure (`figN.json`).
    #[arg(long)]
    from: PathBuf,
    /// Folders of saved networks (`<id>.bpk`, from `--save-models`), searched in order; the
    /// site's own `models/` may be one of them.
    #[arg(long = "networks")]
    networks: Vec<PathBuf>,
    /// The site's folder of figures (e.g. `www/paper`): its figure files, `models/` and
    /// `index.json` are replaced.
    #[arg(long)]
    out: PathBuf,
    /// Also write the rules the page applies (limits, defaults, thresholds) from the Rust
    /// constants as a JavaScript module here (the site's is `www/js/rules.js`).
    #[arg(long)]
    rules: Option<PathBuf>,
}

/// A figure's site file, made.
struct Made {
    entry: Entry,
    text: String,
    gzip_bytes: u64,
    ids: BTreeSet<String>,
}

pub fn run(args: Args) -> CliResult {
    if let Some(path) = &args.rules {
        fs::write(path, identity_figures::page_rules::module())
            .map_err(|e| CliError::Run(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("site: the page's rules in {}", path.display());
    }
    if !args.from.is_dir() {
        return Err(CliError::Usage(format!(
            "--from {} is not a folder; make every figure first: identity-crisis figure all --out {}",
            args.from.display(),
            args.from.display()
        )));
    }
    let mut made = Vec::new();
    let mut index_of: Option<(identity_figures::Scale, Vec<u64>)> = None;
    for figure in identity_figures::all() {
        let recorded = read_recorded(&args.from, &figure)?.ok_or_else(|| {
            CliError::Run(format!(
                "{} has no fig{}.json; make it with: identity-crisis figure {} --out {}",
                args.from.display(),
                figure.number,
                figure.number,
                args.from.display()
            ))
        })?;
        // Figures may be judged on different seeds (the narrow networks' on more), but the
        // page shows every figure's first seed at one scale: those must agree.
        let seeds: Vec<u64> = recorded.runs.iter().map(|r| r.seed).collect();
        match &mut index_of {
            None => index_of = Some((recorded.scale, seeds.clone())),
            Some((scale, all)) if *scale != recorded.scale || all.first() != seeds.first() => {
                return Err(CliError::Run(format!(
                    "fig{}.json was made at {:?} scale showing seed {:?}, the others at {scale:?} showing seed {:?}: the site's figures show one run",
                    figure.number,
                    recorded.scale,
                    seeds.first(),
                    all.first()
                )));
            }
            Some((_, all)) => {
                for seed in seeds {
                    if !all.contains(&seed) {
                        all.push(seed);
                    }
                }
            }
        }
        let Some(first) = recorded.runs.first() else {
            return Err(CliError::Run(format!(
                "fig{}.json has no run",
                figure.number
            )));
        };
        if !figure.kind.holds(&first.data.body) {
            return Err(CliError::Run(format!(
                "fig{}.json holds data of another kind than the figure's ({})",
                figure.number,
                figure.kind.name()
            )));
        }
        let ids: BTreeSet<String> = first
            .data
            .body
            .nets()
            .into_iter()
            .filter(|n| !n.id.is_empty())
            .map(|n| n.id.clone())
            .collect();
        // The page shows the first seed's data and every seed's verdicts.
        let mut shown = Recorded {
            runs: recorded.runs[..1].to_vec(),
            ..recorded
        };
        // Data made before networks were counted get their count from the architecture, so
        // that the page shows sizes without loading the network code (every FCN of the paper
        // trains on 28 x 28 images; a ConvNet's count does not depend on the side).
        for net in shown.runs[0].data.body.nets_mut() {
            net.params
                .get_or_insert_with(|| net.arch.param_count(MNIST_SIDE));
        }
        let text = serde_json::to_string(&shown)
            .map_err(|e| CliError::Run(format!("cannot write figure {}: {e}", figure.number)))?;
        let gzip_bytes = gzipped_len(text.as_bytes())?;
        if gzip_bytes > MAX_FIGURE_GZIP_BYTES {
            return Err(CliError::Run(format!(
                "figure {}'s file is {gzip_bytes} bytes gzipped, over the site's {MAX_FIGURE_GZIP_BYTES}: the page would make a reader wait for it",
                figure.number
            )));
        }
        made.push(Made {
            entry: Entry::of(&figure, recorded.scale, recorded.widest),
            text,
            gzip_bytes,
            ids,
        });
    }
    let (scale, seeds) = index_of.expect("the registry has figures");
    let Gathered {
        found: networks,
        left: too_big,
    } = gather(&args.networks, made.iter().flat_map(|m| &m.ids))?;
    let network_bytes: u64 = networks.values().map(|b| b.len() as u64).sum();
    if network_bytes > MAX_NETWORKS_BYTES {
        return Err(CliError::Run(format!(
            "the networks the figures name take {network_bytes} bytes, over the site's {MAX_NETWORKS_BYTES}: ship fewer figures' networks"
        )));
    }
    write_site(&args.out, &made, &networks, scale, seeds)?;
    let figure_bytes: usize = made.iter().map(|m| m.text.len()).sum();
    let gzip_bytes: u64 = made.iter().map(|m| m.gzip_bytes).sum();
    let largest = made.iter().max_by_key(|m| m.gzip_bytes).expect("figures");
    eprintln!(
        "site: {} figure files in {}: {figure_bytes} bytes, {gzip_bytes} gzipped (largest: Fig. {}, {} gzipped); {} networks shipped, {network_bytes} bytes; {} named but not shipped",
        made.len(),
        args.out.display(),
        largest.entry.figure,
        largest.gzip_bytes,
        networks.len(),
        too_big.len()
    );
    for (id, why) in &too_big {
        eprintln!("site:   {id}: {why} (its figures answer from their data and offer to train it)");
    }
    Ok(())
}

/// The networks the figures name, as [`gather`] found them.
struct Gathered {
    /// The file of each network shipped, by id.
    found: BTreeMap<String, Vec<u8>>,
    /// Each network not shipped, with why.
    left: Vec<(String, String)>,
}

/// The networks `ids` names, each read from the first folder of `dirs` that has it; with
/// those not shipped, why (none has it, or its file is over [`MAX_NETWORK_BYTES`]).
fn gather<'a>(
    dirs: &[PathBuf],
    ids: impl Iterator<Item = &'a String>,
) -> Result<Gathered, CliError> {
    let mut found = BTreeMap::new();
    let mut left = Vec::new();
    for id in ids.collect::<BTreeSet<_>>() {
        let Some(path) = dirs
            .iter()
            .map(|dir| dir.join(format!("{id}.bpk")))
            .find(|path| path.is_file())
        else {
            left.push((id.clone(), "saved in no --networks folder".into()));
            continue;
        };
        let len = fs::metadata(&path)
            .map_err(|e| CliError::Run(format!("cannot read {}: {e}", path.display())))?
            .len();
        if len > MAX_NETWORK_BYTES {
            left.push((id.clone(), format!("{len} bytes, over {MAX_NETWORK_BYTES}")));
            continue;
        }
        let bytes = read_regular(&path, MAX_NETWORK_BYTES, "a network file", true)?
            .ok_or_else(|| CliError::Run(format!("{} went away", path.display())))?;
        found.insert(id.clone(), bytes);
    }
    Ok(Gathered { found, left })
}

/// Writes the figure files, the networks (replacing `out/models`) and the index.
fn write_site(
    out: &std::path::Path,
    made: &[Made],
    networks: &BTreeMap<String, Vec<u8>>,
    scale: identity_figures::Scale,
    seeds: Vec<u64>,
) -> CliResult {
    let fail = |path: &std::path::Path, e: std::io::Error| {
        CliError::Run(format!("cannot write {}: {e}", path.display()))
    };
    let models = out.join("models");
    if models.exists() {
        fs::remove_dir_all(&models).map_err(|e| fail(&models, e))?;
    }
    fs::create_dir_all(&models).map_err(|e| fail(&models, e))?;
    for (id, bytes) in networks {
        let path = models.join(format!("{id}.bpk"));
        fs::write(&path, bytes).map_err(|e| fail(&path, e))?;
    }
    // The page reads this list before fetching a row's file: a network not shipped is known
    // as such without a failed request.
    let list = models.join(SHIPPED_LIST);
    let ids: Vec<&String> = networks.keys().collect();
    fs::write(
        &list,
        serde_json::to_string(&ids).expect("strings serialize"),
    )
    .map_err(|e| fail(&list, e))?;
    let mut figures = Vec::new();
    for m in made {
        let file = format!("fig{}.json", m.entry.figure);
        let path = out.join(&file);
        fs::write(&path, &m.text).map_err(|e| fail(&path, e))?;
        figures.push(SiteFigure {
            entry: m.entry.clone(),
            file,
            bytes: m.text.len() as u64,
            networks: m.ids.len(),
            shipped: m.ids.iter().filter(|id| networks.contains_key(*id)).count(),
        });
    }
    let index = SiteIndex {
        scale,
        seeds,
        figures,
    };
    let path = out.join("index.json");
    let text = serde_json::to_string(&index).expect("the index serializes");
    fs::write(&path, text).map_err(|e| fail(&path, e))
}

/// The length of `bytes` gzipped at the default level (as `cargo xtask serve` sends text).
fn gzipped_len(bytes: &[u8]) -> Result<u64, CliError> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map(|gz| gz.len() as u64)
        .map_err(|e| CliError::Run(format!("cannot gzip a figure's file: {e}")))
}
