//! `identity-crisis rejudge --dir DIR`: the claims of the figures in DIR judged again by this
//! version's judges, from the numbers the files hold (nothing is trained or measured): each
//! `figN.json` is written back with its new claims, and every verdict that changed is listed.
//! Run `report` after it for `paper-report.md`, and `site` for the page's figures.

use std::fs;
use std::path::PathBuf;

use identity_figures::claim::OverSeeds;
use identity_figures::data::Recorded;

use crate::common::{CliError, CliResult};
use crate::report::read_recorded;

/// Options of `rejudge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder `identity-crisis figure ... --out` wrote.
    #[arg(long)]
    dir: PathBuf,
}

pub fn run(args: Args) -> CliResult {
    if !args.dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is not a folder of figures (identity-crisis figure all --out DIR makes one)",
            args.dir.display()
        )));
    }
    let (mut figures, mut changed) = (0, 0);
    for figure in identity_figures::all() {
        let Some(recorded) = read_recorded(&args.dir, &figure)? else {
            continue;
        };
        let per_seed: Vec<_> = recorded
            .runs
            .iter()
            .map(|run| (run.seed, identity_figures::claims(&run.data)))
            .collect();
        let claims = OverSeeds::group(&per_seed);
        for line in differences(&recorded.claims, &claims) {
            eprintln!("figure {}: {line}", figure.number);
            changed += 1;
        }
        let rejudged = Recorded { claims, ..recorded };
        let path = args.dir.join(format!("fig{}.json", figure.number));
        let json = serde_json::to_string_pretty(&rejudged)
            .map_err(|e| CliError::Run(format!("cannot write figure {}: {e}", figure.number)))?;
        fs::write(&path, json)
            .map_err(|e| CliError::Run(format!("cannot write {}: {e}", path.display())))?;
        figures += 1;
    }
    if figures == 0 {
        return Err(CliError::Usage(format!(
            "no figN.json in {}",
            args.dir.display()
        )));
    }
    eprintln!(
        "rejudge: {figures} figures judged again in {}; {changed} claims changed",
        args.dir.display()
    );
    Ok(())
}

/// What changed from `before` to `after`, a line per claim: new, gone, or its verdicts.
fn differences(before: &[OverSeeds], after: &[OverSeeds]) -> Vec<String> {
    let verdicts = |c: &OverSeeds| {
        c.verdicts
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = Vec::new();
    for claim in after {
        match before.iter().find(|b| b.claim == claim.claim) {
            None => lines.push(format!(
                "new claim \"{}\": {} ({})",
                claim.claim,
                verdicts(claim),
                claim.measured.join("; ")
            )),
            Some(old) if old.verdicts != claim.verdicts => lines.push(format!(
                "\"{}\": {} -> {} ({})",
                claim.claim,
                verdicts(old),
                verdicts(claim),
                claim.measured.join("; ")
            )),
            Some(_) => {}
        }
    }
    for old in before {
        if !after.iter().any(|c| c.claim == old.claim) {
            lines.push(format!(
                "claim gone \"{}\" (was {})",
                old.claim,
                verdicts(old)
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use identity_figures::claim::Verdict;

    use super::*;

    fn over(claim: &str, verdicts: &[Verdict]) -> OverSeeds {
        OverSeeds {
            claim: claim.into(),
            seeds: (0..verdicts.len() as u64).collect(),
            verdicts: verdicts.to_vec(),
            measured: vec!["m".into(); verdicts.len()],
        }
    }

    #[test]
    fn differences_name_new_gone_and_changed_claims_only() {
        let before = [
            over("same", &[Verdict::Holds]),
            over("flips", &[Verdict::Holds, Verdict::Holds]),
            over("old", &[Verdict::Holds]),
        ];
        let after = [
            over("same", &[Verdict::Holds]),
            over("flips", &[Verdict::Holds, Verdict::DoesNotHold]),
            over("fresh", &[Verdict::DoesNotHold]),
        ];
        let lines = differences(&before, &after);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("\"flips\": Holds, Holds -> Holds, DoesNotHold"));
        assert!(lines[1].starts_with("new claim \"fresh\""));
        assert!(lines[2].starts_with("claim gone \"old\""));
    }
}
