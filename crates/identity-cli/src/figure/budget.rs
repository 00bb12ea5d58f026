//! The time a figure run takes: every planned network's step time is measured before the
//! run, the expected total is printed first, and each figure gets a progress bar whose
//! length is its networks' full step budgets in milliseconds, so that the bar's time left
//! rests on measured speeds rather than on step counts of networks of very different sizes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use burn::prelude::*;
use identity_core::data::Image;
use identity_core::{ArchConfig, TrainConfig, Trained};
use indicatif::{ProgressBar, ProgressStyle};

use identity_figures::{Planned, Scale};

use super::{Context, shelf_key};
use crate::common::{CliError, flag_value};
use crate::progress::{Timing, bar, ms_per_step, train_reporting, train_with_bar};

/// Steps timed per network: two to warm up (the first allocates), four measured.
const TIMING: Timing = Timing {
    warmup: 2,
    steps: 4,
    min_ms: 0,
};

/// Measured step times and the bar of the figure being made.
#[derive(Default)]
pub struct Budget {
    /// Milliseconds per step, by [`Planned::key`].
    step_ms: BTreeMap<String, f64>,
    /// The running figure's bar, in milliseconds of expected training.
    bar: Option<ProgressBar>,
}

impl Budget {
    /// Starts the bar of a figure (or a shard), `prefix` on its left, `total_ms` long.
    pub fn start(&mut self, prefix: String, total_ms: f64) {
        let bar = ProgressBar::new(total_ms.max(1.0) as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:30}] {percent:>3}% {msg} ({elapsed} < {eta} left)",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        bar.set_prefix(prefix);
        self.bar = Some(bar);
    }

    /// Ends the running bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    /// Trains `arch`, moving the figure's bar by each step's measured time (a bar of its own
    /// when no figure runs or the network was not planned).
    pub fn train(
        &mut self,
        key: &str,
        arch: &ArchConfig,
        image: &Image,
        config: TrainConfig,
        device: &Device,
    ) -> Result<Trained, CliError> {
        let (Some(bar), Some(&ms)) = (&self.bar, self.step_ms.get(key)) else {
            return train_with_bar(arch, image, config, device);
        };
        let start = bar.position();
        let steps = config.steps;
        let trained = train_reporting(arch, image, config, device, |p| {
            bar.set_position(start + (p.step as f64 * ms) as u64);
            bar.set_message(format!("{} loss {:.1e}", arch.name(), p.loss));
        });
        // An early stop leaves the rest of the network's share done.
        bar.set_position(start + (steps as f64 * ms) as u64);
        trained
    }
}

/// Times a few steps of every network the plans train on some of `seeds` (not saved by an
/// earlier run) that is not timed yet, on the run's device, with the config it will be
/// trained with.
pub fn time_steps(
    ctx: &mut Context,
    plans: &[Vec<Planned>],
    seeds: &[u64],
) -> Result<(), CliError> {
    let mut untimed: Vec<&Planned> = Vec::new();
    for planned in plans.iter().flatten() {
        let key = planned.key();
        if !ctx.networks.budget.step_ms.contains_key(&key)
            && !untimed.iter().any(|p| p.key() == key)
            && !seeds.iter().all(|&seed| ctx.is_saved(planned, seed))
        {
            untimed.push(planned);
        }
    }
    let timing = bar(untimed.len() as u64, "timing the networks");
    for planned in untimed {
        timing.set_message(planned.arch.name());
        let image = ctx.setting.training_at(planned.side)?;
        let (ms, _) = ms_per_step(
            &planned.arch,
            &image,
            ctx.setting.config(&planned.arch),
            TIMING,
            &ctx.setting.device,
        )?;
        ctx.networks.budget.step_ms.insert(planned.key(), ms);
        timing.inc(1);
    }
    timing.finish_and_clear();
    Ok(())
}

/// The expected training time of each figure in milliseconds, in run order, over `seeds`: a
/// network trained by an earlier figure with the same seed (or already trained, or saved by
/// an earlier run) costs nothing again.
pub fn expected(ctx: &Context, plans: &[Vec<Planned>], seeds: &[u64]) -> Vec<f64> {
    let mut seen: BTreeSet<String> = ctx.networks.trained.keys().cloned().collect();
    plans
        .iter()
        .map(|plan| {
            seeds
                .iter()
                .flat_map(|&seed| plan.iter().map(move |p| (p, seed)))
                .filter(|(p, seed)| seen.insert(shelf_key(p, *seed)) && !ctx.is_saved(p, *seed))
                .map(|(p, _)| cost_ms(ctx, p))
                .sum()
        })
        .collect()
}

/// A network's full step budget times its measured step time.
pub fn cost_ms(ctx: &Context, planned: &Planned) -> f64 {
    let ms = ctx
        .networks
        .budget
        .step_ms
        .get(&planned.key())
        .copied()
        .unwrap_or(0.0);
    ms * ctx.setting.config(&planned.arch).steps as f64
}

/// The lines printed before the run: the total and each figure's share (`numbers`, `plans` and
/// `expected_ms` in run order).
pub fn summary(
    scale: Scale,
    seeds: &[u64],
    numbers: &[u32],
    plans: &[Vec<Planned>],
    expected_ms: &[f64],
) -> String {
    let networks: BTreeSet<String> = plans.iter().flatten().map(Planned::key).collect();
    let total: f64 = expected_ms.iter().sum();
    let seed_list: Vec<String> = seeds.iter().map(u64::to_string).collect();
    let mut text = format!(
        "figures at {} scale: {} figure(s), {} network(s) to train on each of {} seed(s) ({}); expected training time at most {} here (step times measured just now; every network's full step budget; early stops shorten it; the measurements after training come on top)",
        flag_value(&scale),
        numbers.len(),
        networks.len(),
        seeds.len(),
        seed_list.join(", "),
        duration(total)
    );
    if numbers.len() > 1 {
        text.push_str("\nper figure:");
        for (n, ms) in numbers.iter().zip(expected_ms) {
            write!(text, " {n} {},", duration(*ms)).ok();
        }
        text.pop();
    }
    text
}

/// Milliseconds as seconds, minutes or hours.
fn duration(ms: f64) -> String {
    // An empty sum is -0.0.
    let s = if ms > 0.0 { ms / 1e3 } else { 0.0 };
    if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 5400.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_in_the_right_unit() {
        assert_eq!(duration(12_000.0), "12 s");
        assert_eq!(duration(600_000.0), "10 min");
        assert_eq!(duration(9_000_000.0), "2.5 h");
    }
}
