//! Fig. 9: representation collapse. Per layer, the error rate on MNIST of the
//! correlation-weighted averaging classifier, for trained ConvNets of several depths and an
//! untrained deep one.

use std::fmt::Write;

use identity_core::collapse::collapse_curve;
use identity_core::data::Subset;
use identity_core::train::initial_network;
use serde::{Deserialize, Serialize};

use crate::claim::Claim;
use crate::layers::State;
use crate::plan::{Networks, Planned, Setting};
use crate::scale::Scale;
use crate::sweeps::{conv, conv_depths, conv_plan};

/// Fig. 9's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collapse {
    /// MNIST test images classified.
    pub images: usize,
    /// One curve per network, the untrained one first.
    pub curves: Vec<Curve>,
}

/// One network's error rate per layer, layer 0 being the raw pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// What a reader sees.
    pub label: String,
    /// The ConvNet's depth.
    pub depth: usize,
    /// Untrained or trained.
    pub state: State,
    /// The final training loss (none for the untrained reference).
    pub final_loss: Option<f32>,
    /// Error rate per layer.
    pub error_rate: Vec<f32>,
}

/// The trained ConvNets of Fig. 9: every depth of the sweep from 2 on.
fn depths(scale: Scale) -> Vec<usize> {
    conv_depths(scale).into_iter().filter(|&d| d >= 2).collect()
}

/// The networks Fig. 9 trains.
pub fn plan(scale: Scale) -> Vec<Planned> {
    conv_plan(scale, depths(scale))
}

/// Images classified at each scale.
fn image_count(scale: Scale) -> usize {
    match scale {
        Scale::Test => 40,
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
        .images_except(count, None)
        .map_err(identity_core::Error::from)?;
    let labels = &mnist.labels()[..count];
    let depths = depths(setting.scale);
    let deepest = *depths.last().expect("every scale sweeps depth 2 and up");
    // The untrained reference, drawn on the CPU from the seed like every trained net.
    let reference = conv(setting.scale, deepest);
    let random = initial_network(&reference, 28, &setting.config(&reference), &setting.device)?;
    let mut curves = vec![Curve {
        label: format!("random {deepest} layers"),
        depth: deepest,
        state: State::Initial,
        final_loss: None,
        error_rate: collapse_curve(&random, &images, labels, &setting.device).await?,
    }];
    for d in depths {
        let trained = setting.trained(networks, &conv(setting.scale, d)).await?;
        curves.push(Curve {
            label: crate::net::layers(d),
            depth: d,
            state: State::Trained,
            final_loss: Some(trained.progress.loss),
            error_rate: collapse_curve(&trained.network, &images, labels, &setting.device).await?,
        });
    }
    Ok(Collapse {
        images: count,
        curves,
    })
}

impl Collapse {
    /// `network,layer,error_rate`, one line per network and layer.
    pub fn csv(&self) -> String {
        let mut csv = String::from("network,layer,error_rate\n");
        for curve in &self.curves {
            for (layer, e) in curve.error_rate.iter().enumerate() {
                writeln!(csv, "{},{layer},{e}", curve.label).ok();
            }
        }
        csv
    }

    /// Fig. 9: the random net's layers beyond 6 are nearly useless; trained nets of 5 to 14
    /// layers have concave curves.
    pub fn claims(&self) -> Vec<Claim> {
        let chance = 0.9;
        let curve =
            |c: &Curve| -> Vec<f64> { c.error_rate.iter().map(|&e| f64::from(e)).collect() };
        let random = self
            .curves
            .iter()
            .find(|c| c.state == State::Initial)
            .map(curve)
            .unwrap_or_default();
        let useless = (random.len() > 8).then(|| {
            let raw = random[0];
            let bar = (raw + chance) / 2.0;
            let least = random[7..].iter().copied().fold(f64::INFINITY, f64::min);
            Claim::judged(
                "the random deep ConvNet's layers beyond 6 are nearly useless to the classifier (error at least halfway from the raw pixels' to chance, 0.9)",
                format!("raw pixels {raw:.2}; lowest error in layers 7 and up {least:.2} (bar {bar:.2})"),
                least >= bar,
            )
        });
        let mut concave = Vec::new();
        for c in self.curves.iter().filter(|c| c.state == State::Trained) {
            let errors = curve(c);
            let layers = errors.len().saturating_sub(1);
            if !(5..=14).contains(&layers) {
                continue;
            }
            let (first, last) = (errors[0], errors[layers]);
            let peak = errors[1..layers]
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            concave.push((
                c,
                layers,
                peak > first + 0.05 && peak > last + 0.05,
                first,
                peak,
                last,
            ));
        }
        let shape = (!concave.is_empty()).then(|| {
            Claim::on_losses(
                concave
                    .iter()
                    .map(|(c, ..)| (c.label.as_str(), c.final_loss.unwrap_or(f32::NAN))),
                "trained ConvNets of 5 to 14 layers have concave error curves (a middle layer worse than both ends by 0.05)",
                concave
                    .iter()
                    .map(|(_, l, _, a, p, b)| format!("{l} layers: {a:.2} / peak {p:.2} / {b:.2}"))
                    .collect::<Vec<_>>()
                    .join("; "),
                concave.iter().all(|c| c.2),
            )
        });
        useless.into_iter().chain(shape).collect()
    }
}
