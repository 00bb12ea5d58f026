//! `cargo xtask models`: the shipped set, what the page's views of the paper's figures show
//! before any training. It makes the figures of [`SHIPPED_FIGURES`] on one seed with the CLI
//! (`identity-crisis figure ... --save-models --half`), then copies their data (`figN.json`)
//! and the trained networks they name (`models/<id>.bpk`, 16-bit weights) into the site.
//!
//! The repository stays light: a network file over [`MAX_FILE_BYTES`] is not shipped (its
//! view answers from the figure's data alone and offers to train it in the browser), and the
//! shipped networks together must stay under [`MAX_TOTAL_BYTES`]. The work folder
//! (`paper/models-<scale>/`, not in git) keeps every network, so a second run trains nothing
//! again; the figures are always measured anew.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::sh;

/// The figures whose views the page shows: the test row of ReLU FCNs (4) and ConvNets (6) by
/// depth, their rho heatmaps (5, 7), the linear net beside eq. (1) (1), the layers of the
/// 20-layer ConvNet (8) and ConvNets on inputs of other sizes (10, 11).
pub const SHIPPED_FIGURES: &str = "1,4,5,6,7,8,10,11";

/// The list of the shipped networks' ids, in the site's `models/` folder (read by
/// `www/js/paper/shipped-networks.js`).
const SHIPPED_LIST: &str = "shipped.json";

/// The largest network file the repository takes.
const MAX_FILE_BYTES: u64 = 5 << 20;

/// The most bytes of network files the repository takes, all together.
const MAX_TOTAL_BYTES: u64 = 25 << 20;

/// Options of `models`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// At quick scale the set goes into `www/paper` (in git); at paper scale it is published
    /// with the site, not kept in git.
    #[command(flatten)]
    run: crate::paper::RunArgs,
    /// Where the set goes (default `www/paper` at quick scale, `paper/site-paper` at paper
    /// scale).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let root = sh::root();
    let out = match args.out {
        Some(out) => std::path::absolute(&out)
            .with_context(|| format!("cannot resolve {}", out.display()))?,
        None if args.run.scale == "quick" => root.join("www/paper"),
        None => root.join("paper").join(format!("site-{}", args.run.scale)),
    };
    let work = root
        .join("paper")
        .join(format!("models-{}", args.run.scale));
    let (figures, networks) = (work.join("figures"), work.join("networks"));
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["run", "--quiet", "--bin", "identity-crisis", "--"])
        .args([
            "figure",
            SHIPPED_FIGURES,
            "--seeds",
            "0",
            "--force",
            "--half",
        ])
        .args(["--scale", &args.run.scale, "--backend", &args.run.backend])
        .arg("--save-models")
        .arg(&networks)
        .arg("--out")
        .arg(&figures);
    sh::run(
        &format!("figures {SHIPPED_FIGURES} at {} scale", args.run.scale),
        &mut cmd,
    )?;
    let shipped = ship(&figures, &networks, &out)?;
    eprintln!(
        "xtask: the shipped set in {}: {} figure files ({} bytes), {} networks ({} bytes); {} not shipped; {:.0} s",
        out.display(),
        shipped.figures,
        shipped.figure_bytes,
        shipped.networks,
        shipped.network_bytes,
        shipped.too_big.len(),
        started.elapsed().as_secs_f64()
    );
    for (id, bytes) in &shipped.too_big {
        eprintln!(
            "xtask:   {id}.bpk not shipped: {bytes} bytes, over {MAX_FILE_BYTES} (its view offers to train it)"
        );
    }
    Ok(())
}

/// What [`ship`] copied.
struct Shipped {
    figures: usize,
    figure_bytes: u64,
    networks: usize,
    network_bytes: u64,
    /// Networks the figures name that are over [`MAX_FILE_BYTES`], with their size.
    too_big: Vec<(String, u64)>,
}

/// Copies the figures' data from `figures` and the networks they name from `networks` into
/// `out` (networks under `out/models`, replacing what was there).
fn ship(figures: &Path, networks: &Path, out: &Path) -> anyhow::Result<Shipped> {
    let models = out.join("models");
    if models.exists() {
        std::fs::remove_dir_all(&models)
            .with_context(|| format!("cannot clear {}", models.display()))?;
    }
    std::fs::create_dir_all(&models)
        .with_context(|| format!("cannot create {}", models.display()))?;
    let mut shipped = Shipped {
        figures: 0,
        figure_bytes: 0,
        networks: 0,
        network_bytes: 0,
        too_big: vec![],
    };
    let mut ids = BTreeSet::new();
    let mut listed = vec![];
    for figure in SHIPPED_FIGURES.split(',') {
        let name = format!("fig{figure}.json");
        let text = std::fs::read_to_string(figures.join(&name))
            .with_context(|| format!("the run wrote no {name}"))?;
        let data: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{name} is not JSON"))?;
        network_ids(&data, &mut ids);
        // Compact: the page fetches it, and the indentation of long number arrays is most of
        // the pretty file.
        let text = data.to_string();
        std::fs::write(out.join(&name), &text)
            .with_context(|| format!("cannot write {}", out.join(&name).display()))?;
        shipped.figures += 1;
        shipped.figure_bytes += text.len() as u64;
    }
    for id in ids {
        let from = networks.join(format!("{id}.bpk"));
        let bytes = std::fs::metadata(&from)
            .with_context(|| {
                format!(
                    "the figures name {id}, which is not in {}",
                    networks.display()
                )
            })?
            .len();
        if bytes > MAX_FILE_BYTES {
            shipped.too_big.push((id, bytes));
            continue;
        }
        std::fs::copy(&from, models.join(format!("{id}.bpk")))
            .with_context(|| format!("cannot copy {}", from.display()))?;
        shipped.networks += 1;
        shipped.network_bytes += bytes;
        listed.push(serde_json::Value::String(id));
    }
    // The page reads this list before fetching a row's file: a network not shipped is known
    // as such without a failed request.
    let list = models.join(SHIPPED_LIST);
    std::fs::write(&list, serde_json::Value::Array(listed).to_string())
        .with_context(|| format!("cannot write {}", list.display()))?;
    if shipped.network_bytes > MAX_TOTAL_BYTES {
        bail!(
            "the shipped networks take {} bytes, over the repository's {MAX_TOTAL_BYTES}: ship fewer figures or smaller networks",
            shipped.network_bytes
        );
    }
    Ok(shipped)
}

/// The network ids a figure's data names (each network row's `id`: 16 hex digits).
fn network_ids(value: &serde_json::Value, ids: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields {
                match field.as_str() {
                    Some(id)
                        if key == "id"
                            && id.len() == 16
                            && id.bytes().all(|b| b.is_ascii_hexdigit()) =>
                    {
                        ids.insert(id.to_string());
                    }
                    _ => network_ids(field, ids),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| network_ids(item, ids)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_ids_are_read_from_the_rows_of_a_figure() {
        let json = r#"{"rows":[{"network":{"label":"1 layer","id":"00ff00ff00ff00ff"}},
            {"network": {"label": "2 layers", "id": "0123456789abcdef"}},
            {"network":{"label":"old row, no id"}}, {"id":"short"}]}"#;
        let mut ids = BTreeSet::new();
        network_ids(&serde_json::from_str(json).unwrap(), &mut ids);
        let ids: Vec<_> = ids.into_iter().collect();
        assert_eq!(ids, ["00ff00ff00ff00ff", "0123456789abcdef"]);
    }
}
