//! Fig. 9: representation collapse. Per layer, the error rate on MNIST of the paper's
//! correlation-weighted averaging classifier, for trained ConvNets of several depths, each
//! also at its initialization (the deepest one's is the paper's untrained reference).

use std::fmt::Write;

use identity_core::collapse::{CHANCE_ERROR, collapse_curve};
use identity_core::data::Subset;
use serde::{Deserialize, Serialize};

use crate::claim::{Claim, ERROR_MARGIN};
use crate::plan::{Networks, Planned, Setting};
use crate::scale::Scale;
use crate::sweeps::{conv, conv_depths, conv_plan};

/// Fig. 9's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collapse {
    /// MNIST test images whose labels vote (the paper's training examples).
    pub references: usize,
    /// Further MNIST test images classified by their votes (the paper's test examples).
    pub queries: usize,
    /// One curve per trained network, shallowest first.
    pub curves: Vec<Curve>,
}

/// One network's error rate per layer, layer 0 being the raw pixels, trained and at
/// initialization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// What a reader sees.
    pub label: String,
    /// The ConvNet's depth.
    pub depth: usize,
    /// The final training loss.
    pub final_loss: f32,
    /// Error rate per layer of the trained network.
    pub error_rate: Vec<f32>,
    /// Error rate per layer of the same network before training.
    pub initial_error_rate: Vec<f32>,
}

/// The trained ConvNets of Fig. 9: every depth of the sweep from 2 on.
fn depths(scale: Scale) -> Vec<usize> {
    conv_depths(scale).into_iter().filter(|&d| d >= 2).collect()
}

/// The networks Fig. 9 trains.
pub fn plan(scale: Scale) -> Vec<Planned> {
    conv_plan(scale, depths(scale))
}

/// References, and as many queries, at each scale.
fn image_count(scale: Scale) -> usize {
    match scale {
        Scale::Test => 20,
        Scale::Quick => 200,
        Scale::Paper => 500,
    }
}

/// Measures Fig. 9.
pub async fn measure<N: Networks>(
    setting: &Setting,
    networks: &mut N,
) -> Result<Collapse, N::Error> {
    let count = image_count(setting.scale);
    let mnist = Subset::MnistTest
        .load()
        .map_err(identity_core::Error::from)?;
    let images = mnist
        .images_except(2 * count, None)
        .map_err(identity_core::Error::from)?;
    let labels = &mnist.labels()[..2 * count];
    let mut curves = Vec::new();
    for d in depths(setting.scale) {
        let trained = setting.trained(networks, &conv(setting.scale, d)).await?;
        let curve = |network| collapse_curve(network, &images, labels, count, &setting.device);
        curves.push(Curve {
            label: crate::net::layers(d),
            depth: d,
            final_loss: trained.progress.loss,
            error_rate: curve(&trained.network).await?,
            initial_error_rate: curve(&trained.initial).await?,
        });
    }
    Ok(Collapse {
        references: count,
        queries: count,
        curves,
    })
}

impl Collapse {
    /// `network,layer,error_rate,initial_error_rate`, one line per network and layer.
    pub fn csv(&self) -> String {
        let mut csv = String::from("network,layer,error_rate,initial_error_rate\n");
        for curve in &self.curves {
            for (layer, (e, e0)) in curve
                .error_rate
                .iter()
                .zip(&curve.initial_error_rate)
                .enumerate()
            {
                writeln!(csv, "{},{layer},{e},{e0}", curve.label).ok();
            }
        }
        csv
    }

    /// Fig. 9: the untrained deep net's layers beyond 6 are nearly useless; after training,
    /// nets of 5 to 14 layers lower their output's error and form concave curves; the
    /// 20-layer net's bottom layers improve a little.
    pub fn claims(&self) -> Vec<Claim> {
        let floats = |e: &[f32]| -> Vec<f64> { e.iter().map(|&e| f64::from(e)).collect() };
        let deepest = self.curves.iter().max_by_key(|c| c.depth);
        let useless = deepest
            .filter(|c| c.initial_error_rate.len() > 8)
            .map(|c| {
                let random = floats(&c.initial_error_rate);
                let raw = random[0];
                let bar = (raw + CHANCE_ERROR) / 2.0;
                let least = random[7..].iter().copied().fold(f64::INFINITY, f64::min);
                Claim::judged(
                    &format!("the untrained deep ConvNet's layers beyond 6 are nearly useless to the classifier (error at least halfway from the raw pixels' to chance, {CHANCE_ERROR})"),
                    format!("{} at initialization: raw pixels {raw:.2}; lowest error in layers 7 and up {least:.2} (bar {bar:.2})", c.label),
                    least >= bar,
                )
            });
        let mut concave = Vec::new();
        for c in &self.curves {
            let (errors, initial) = (floats(&c.error_rate), floats(&c.initial_error_rate));
            let layers = errors.len().saturating_sub(1);
            if !(5..=14).contains(&layers) || initial.len() != errors.len() {
                continue;
            }
            let (first, last, was) = (errors[0], errors[layers], initial[layers]);
            let peak = errors[1..layers]
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            let holds = last <= was - ERROR_MARGIN && peak >= first.max(last) + ERROR_MARGIN;
            concave.push((
                c,
                holds,
                format!("{layers} layers: {first:.2} / peak {peak:.2} / output {last:.2} (at initialization {was:.2})"),
            ));
        }
        let shape = (!concave.is_empty()).then(|| {
            Claim::on_losses(
                concave.iter().map(|(c, ..)| (c.label.as_str(), c.final_loss)),
                &format!("after training, ConvNets of 5 to 14 layers lower their output's error (by {ERROR_MARGIN} against the same net at initialization) and form concave curves (a middle layer worse than both ends by {ERROR_MARGIN})"),
                concave.iter().map(|(.., m)| m.as_str()).collect::<Vec<_>>().join("; "),
                concave.iter().all(|c| c.1),
            )
        });
        let bottom = deepest.filter(|c| c.depth >= 15 && c.error_rate.len() == c.initial_error_rate.len()).map(|c| {
            let (errors, initial) = (floats(&c.error_rate), floats(&c.initial_error_rate));
            let (layer, gain) = (1..=5)
                .map(|l| (l, initial[l] - errors[l]))
                .fold((0, f64::NEG_INFINITY), |best, x| if x.1 > best.1 { x } else { best });
            Claim::on_losses(
                [(c.label.as_str(), c.final_loss)],
                &format!("the deepest net's bottom layers (1-5) improve a little on its initialization (at least {ERROR_MARGIN} lower error at one of them)"),
                format!(
                    "{}: largest fall in error at layers 1-5 {gain:.3} (layer {layer}: {:.2} at initialization, {:.2} trained)",
                    c.label, initial[layer], errors[layer]
                ),
                gain >= ERROR_MARGIN,
            )
        });
        useless.into_iter().chain(shape).chain(bottom).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Verdict;

    fn curve(error_rate: Vec<f32>, initial_error_rate: Vec<f32>) -> Curve {
        Curve {
            label: format!("{} layers", error_rate.len() - 1),
            depth: error_rate.len() - 1,
            final_loss: 1e-5,
            error_rate,
            initial_error_rate,
        }
    }

    fn verdicts(curves: Vec<Curve>) -> Vec<Verdict> {
        let data = Collapse {
            references: 20,
            queries: 20,
            curves,
        };
        data.claims().iter().map(|c| c.verdict).collect()
    }

    /// A 10-layer net at initialization: its layers beyond 6 at `tail`.
    fn random(tail: f32) -> Vec<f32> {
        let mut e = vec![0.5, 0.7, 0.72, 0.75];
        e.extend([tail; 7]);
        e
    }

    #[test]
    fn the_untrained_layers_beyond_6_are_judged_against_halfway_to_chance() {
        let trained = vec![0.5, 0.7, 0.75, 0.8, 0.8, 0.8, 0.8, 0.8, 0.75, 0.7, 0.55];
        assert_eq!(
            verdicts(vec![curve(trained.clone(), random(0.9))])[0],
            Verdict::Holds
        );
        // Layers beyond 6 that still classify well: the claim fails.
        assert_eq!(
            verdicts(vec![curve(trained, random(0.6))])[0],
            Verdict::DoesNotHold
        );
    }

    #[test]
    fn a_concave_curve_needs_its_output_to_fall_with_training() {
        let concave = vec![0.5, 0.72, 0.75, 0.72, 0.6, 0.52];
        // Same curve, the output at initialization 0.9: training lowered it.
        let fell = vec![0.5, 0.72, 0.75, 0.8, 0.85, 0.9];
        assert_eq!(
            verdicts(vec![curve(concave.clone(), fell)])[0],
            Verdict::Holds
        );
        // The same net was as good at initialization: the concave shape is not training's doing.
        assert_eq!(
            verdicts(vec![curve(concave.clone(), concave.clone())])[0],
            Verdict::DoesNotHold
        );
        // The output no better than the middle: not concave.
        let flat = vec![0.5, 0.72, 0.75, 0.72, 0.74, 0.74];
        assert_eq!(
            verdicts(vec![curve(flat, vec![0.5, 0.72, 0.75, 0.8, 0.85, 0.9])])[0],
            Verdict::DoesNotHold
        );
    }

    #[test]
    fn the_deepest_nets_bottom_layers_must_improve_on_its_initialization() {
        let initial: Vec<f32> = [0.5, 0.72, 0.74, 0.76, 0.86]
            .into_iter()
            .chain([0.9; 16])
            .collect();
        let mut improved = initial.clone();
        improved[3] = 0.7;
        let claims = |trained: Vec<f32>| verdicts(vec![curve(trained, initial.clone())]);
        // Claims: layers beyond 6 useless, then the bottom layers (no 5-14-layer net here).
        assert_eq!(claims(improved)[1], Verdict::Holds);
        // The trained curve equal to the untrained one: no improvement.
        assert_eq!(claims(initial.clone())[1], Verdict::DoesNotHold);
    }
}
