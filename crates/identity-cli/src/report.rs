//! `identity-crisis report --dir DIR`: `paper-report.md` from the figures in DIR (the
//! `figN.json` files `figure` wrote): every claim with its configuration, measured numbers
//! and verdict, each figure's PNG linked, and how long each figure took.

use std::fmt::Write;
use std::fs;
use std::path::PathBuf;

use identity_figures::claim::THRESHOLDS;
use identity_figures::claim::{OverSeeds, Overall};
use identity_figures::data::Recorded;

use crate::common::{CliError, CliResult, flag_value, read_regular};

/// Options of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder `identity-crisis figure ... --out` wrote; the report goes there too.
    #[arg(long)]
    dir: PathBuf,
}

/// One figure found in the folder.
struct Found {
    number: u32,
    about: &'static str,
    recorded: Recorded,
}

pub fn run(args: Args) -> CliResult {
    if !args.dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is not a folder; make the figures first: identity-crisis figure all --out {}",
            args.dir.display(),
            args.dir.display()
        )));
    }
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for figure in identity_figures::all() {
        let Some(recorded) = read_recorded(&args.dir, &figure)? else {
            missing.push(figure.number);
            continue;
        };
        found.push(Found {
            number: figure.number,
            about: figure.about,
            recorded,
        });
    }
    if found.is_empty() {
        return Err(CliError::Usage(format!(
            "no figN.json in {}; make the figures first: identity-crisis figure all --out {}",
            args.dir.display(),
            args.dir.display()
        )));
    }
    let text = markdown(&found, &missing);
    let path = args.dir.join("paper-report.md");
    fs::write(&path, text)
        .map_err(|e| CliError::Run(format!("cannot write {}: {e}", path.display())))?;
    let t = tally(&found);
    eprintln!(
        "report: wrote {} ({} figures; claims: {} hold, {} do not, {} mixed, {} did not train, {} not judged)",
        path.display(),
        found.len(),
        t.hold,
        t.fail,
        t.mixed,
        t.untrained,
        t.unjudged,
    );
    Ok(())
}

/// The largest `figN.json` read (the largest written, Fig. 11's at quick scale over three
/// seeds, is about 5 MB).
const MAX_FIGURE_BYTES: u64 = 64 << 20;

/// The `figN.json` of `figure` in `dir`, `None` when absent: a file of another shape or of
/// another figure is an error.
pub fn read_recorded(
    dir: &std::path::Path,
    figure: &identity_figures::Figure,
) -> Result<Option<Recorded>, CliError> {
    let path = dir.join(format!("fig{}.json", figure.number));
    let Some(text) = read_figure(&path)? else {
        return Ok(None);
    };
    // A file of another shape (another version, a hand edit) is an error, never a figure
    // read partly.
    let recorded: Recorded = serde_json::from_str(&text).map_err(|e| {
        CliError::Run(format!(
            "{} is not a figure this version of identity-crisis wrote ({e}); make it again \
             with: identity-crisis figure {} --force --out {}",
            path.display(),
            figure.number,
            dir.display()
        ))
    })?;
    if let Some(other) = std::iter::once(recorded.figure)
        .chain(recorded.runs.iter().map(|r| r.data.figure))
        .find(|&n| n != figure.number)
    {
        return Err(CliError::Run(format!(
            "{} holds figure {other}, not {}",
            path.display(),
            figure.number
        )));
    }
    Ok(Some(recorded))
}

/// The text of a `figN.json`, `None` when absent (see [`read_regular`]).
fn read_figure(path: &std::path::Path) -> Result<Option<String>, CliError> {
    let Some(bytes) = read_regular(path, MAX_FIGURE_BYTES, "a figure's JSON", false)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| CliError::Run(format!("cannot read {}: not UTF-8 text", path.display())))
}

/// `text` in a cell of a Markdown table: its bars (a |correlation|) escaped, so that they do
/// not end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// How many claims came out each way over their seeds.
struct Tally {
    hold: usize,
    fail: usize,
    mixed: usize,
    untrained: usize,
    unjudged: usize,
}

fn tally(found: &[Found]) -> Tally {
    let claims = found.iter().flat_map(|f| &f.recorded.claims);
    let count = |overall: Overall| claims.clone().filter(|c| c.overall() == overall).count();
    Tally {
        hold: count(Overall::Holds),
        fail: count(Overall::DoesNotHold),
        mixed: count(Overall::Mixed),
        untrained: count(Overall::DidNotTrain),
        unjudged: count(Overall::NotJudged),
    }
}

/// The networks a figure measured.
fn configuration(recorded: &Recorded) -> String {
    let mut names: Vec<String> = Vec::new();
    let Some(first) = recorded.runs.first() else {
        return "no run".into();
    };
    for net in first.data.body.nets() {
        let name = net.arch.name();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let networks = if names.is_empty() {
        "the depth sweep of the scale (see the figure's JSON)".into()
    } else {
        names.join(", ")
    };
    match recorded.widest {
        Some(widest) => format!(
            "{networks} (made with `--widest {widest}`: no ConvNet wider than {widest} channels, \
             the sweep's wider rows left out)"
        ),
        None => networks,
    }
}

/// The distinct values of a run's field over the figures, joined (a folder may mix runs).
fn values(found: &[Found], field: impl Fn(&Recorded) -> String) -> String {
    let mut seen: Vec<String> = Vec::new();
    for f in found {
        let value = field(&f.recorded);
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen.join(" / ")
}

fn markdown(found: &[Found], missing: &[u32]) -> String {
    let seconds: f64 = found.iter().map(|f| f.recorded.seconds).sum();
    let t = tally(found);
    let mut md = String::new();
    writeln!(
        md,
        "# Identity Crisis: the paper's claims, measured\n\n\
         Written by `identity-crisis report` from the figures in this folder, made by \
         `identity-crisis figure` with `--scale {} --backend {} --seeds {}`. \
         Paper: Zhang, Bengio, Hardt, Mozer, Singer, \"Identity Crisis: Memorization and \
         Generalization under Extreme Overparameterization\", ICLR 2020.\n",
        values(found, |r| flag_value(&r.scale)),
        values(found, |r| r.backend.clone()),
        values(found, |r| {
            r.runs
                .iter()
                .map(|run| run.seed.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }),
    )
    .ok();
    writeln!(
        md,
        "- Figures: {} of {}; making them took {:.0} min in all (training included; each \
         figure's time is under its heading).\n\
         - Claims, each judged on every seed: **{} hold on every seed, {} on none**, {} on \
         some; {} rest on networks that did not fit their training image on every seed \
         (\"did not train\": no verdict either way); pictures only, not judged: {}.\n\
         - Thresholds (each one's reason is on its constant in `identity_figures::claim`; \
         the margins are the spread between seeds at the quick scale): {thresholds}. \
         \"Test row\" means the mean over the paper's \
         test inputs other than the training digit and its mix; \"rho = 0\" is the heatmap \
         column of inputs uncorrelated with the training digit (Pearson's correlation, after \
         centring); \"x̂ᵀx = 0\" inputs are orthogonal to it uncentred, as in eq. (2). Each \
         figure says which it uses.\n\
         - A claim that does not hold is reported as measured; nothing here is tuned to pass.",
        found.len(),
        found.len() + missing.len(),
        seconds / 60.0,
        t.hold,
        t.fail,
        t.mixed,
        t.untrained,
        t.unjudged,
        thresholds = THRESHOLDS
            .iter()
            .map(|(name, value, what)| format!("{name} {value} ({what})"))
            .collect::<Vec<_>>()
            .join("; "),
    )
    .ok();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(u32::to_string).collect();
        writeln!(md, "- Not made yet: figures {}.", list.join(", ")).ok();
    }
    md.push_str(
        "\n## Every claim\n\n| fig | claim | measured | verdict |\n| --- | --- | --- | --- |\n",
    );
    for f in found {
        if f.recorded.claims.is_empty() {
            writeln!(md, "| {} | (no claims at this scale) | | |", f.number).ok();
        }
        for c in &f.recorded.claims {
            writeln!(
                md,
                "| [{}](#figure-{}) | {} | {} | {} |",
                f.number,
                f.number,
                cell(&c.claim),
                cell(&measured(c)),
                verdict(c)
            )
            .ok();
        }
    }
    md.push_str("\n## The figures\n");
    for f in found {
        writeln!(
            md,
            "\n### Figure {}\n\n{} ({:.0} s). Networks: {}.\n\n![Figure {}](fig{}.png)\n\nNumbers: [fig{}.json](fig{}.json), [fig{}.csv](fig{}.csv).",
            f.number,
            f.about,
            f.recorded.seconds,
            configuration(&f.recorded),
            f.number,
            f.number,
            f.number,
            f.number,
            f.number,
            f.number,
        )
        .ok();
        if let Some(inputs) = f
            .recorded
            .runs
            .first()
            .and_then(|r| r.data.body.random_inputs())
        {
            writeln!(md, "\nRandom inputs: {inputs}.\n").ok();
        }
        for c in &f.recorded.claims {
            writeln!(md, "- {}: {} ({})", verdict(c), c.claim, measured(c)).ok();
        }
    }
    md
}

/// The verdict over the seeds, in bold when judged by numbers.
fn verdict(claim: &OverSeeds) -> String {
    match claim.overall() {
        Overall::DidNotTrain | Overall::NotJudged => claim.summary(),
        Overall::Holds | Overall::DoesNotHold | Overall::Mixed => {
            format!("**{}**", claim.summary())
        }
    }
}

/// What was measured on each seed ("seed 0: ...; seed 1: ..."), or the one measurement.
fn measured(claim: &OverSeeds) -> String {
    match claim.measured.as_slice() {
        [one] => one.clone(),
        all => claim
            .seeds
            .iter()
            .zip(all)
            .map(|(seed, m)| format!("seed {seed}: {m}"))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cell_keeps_its_bars_inside() {
        assert_eq!(
            super::cell("its |correlation| to the input"),
            "its \\|correlation\\| to the input"
        );
    }
}
