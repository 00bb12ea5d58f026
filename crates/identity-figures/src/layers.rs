//! The intermediate layers of ConvNets (Fig. 8, 19-21, 29, 30), randomly initialised or
//! trained, for one MNIST test digit: per layer the top singular vector across channels, the
//! channel most correlated with the input, and channel 0, each with its correlation to the
//! input and to the training digit.

use std::fmt::Write;

use burn::prelude::Device;
use identity_core::blur::blur;
use identity_core::data::{Image, Subset};
use identity_core::dead_units::dead_units;
use identity_core::layer_views::{LayerViews, layer_views};
use identity_core::layers::activations;
use identity_core::measure::pearson;
use identity_core::{ArchConfig, Network};
use serde::{Deserialize, Serialize};

use crate::answers::cell;
use crate::claim::{BLUR_MARGIN, Claim, LIKE, RECOVERY_MARGIN, WIPED_OUT, mean};
use crate::net::Net;
use crate::picture::Picture;
use crate::plan::{Networks, Planned, Setting};
use crate::scale::Scale;
use crate::sweeps::{conv, named_depth};

/// The MNIST test digit shown: index 1 of the bundled test subset, not the training digit.
pub const INPUT_DIGIT: usize = 1;

/// Dead units are counted over the first this many MNIST test digits: a unit is dead when
/// it is zero for all of them.
pub const DEAD_UNIT_INPUTS: usize = 32;

/// Whether a network is shown as drawn at initialisation or after training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// The random initialisation (of the network that is then trained).
    Initial,
    /// After training on the digit.
    Trained,
}

/// A network whose layers a figure shows.
#[derive(Debug, Clone)]
pub struct LayerNet {
    /// The row label's part.
    pub label: String,
    /// The architecture (trained; the initial state is that network before its first step).
    pub arch: ArchConfig,
    /// Which state is shown.
    pub state: State,
}

impl LayerNet {
    /// The scale's ConvNet of `depth` layers (at most 2 at test scale) in `state`.
    pub fn new(scale: Scale, depth: usize, state: State) -> Self {
        let depth = named_depth(scale, depth);
        let what = match state {
            State::Initial => "random",
            State::Trained => "trained",
        };
        LayerNet {
            label: format!("{what} {depth}"),
            arch: conv(scale, depth),
            state,
        }
    }

    /// Labelled architectures in one state.
    pub fn rows(rows: Vec<(String, ArchConfig)>, state: State) -> Vec<Self> {
        rows.into_iter()
            .map(|(label, arch)| LayerNet { label, arch, state })
            .collect()
    }
}

/// A layers figure's numbers and pictures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layers {
    /// The input's id (`mnist:1`).
    pub input: String,
    /// Its label (the digit it is).
    pub input_label: u8,
    /// Its picture.
    pub input_picture: Picture,
    /// Whether the figure draws the three views of each layer, or the top singular vector.
    pub all_views: bool,
    /// The networks, each with its layers.
    pub networks: Vec<LayerNetwork>,
}

/// One network's layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerNetwork {
    /// The network.
    pub network: Net,
    /// Shown as initialised or as trained.
    pub state: State,
    /// Its layers, bottom first; the last is the output.
    pub layers: Vec<Layer>,
}

/// One layer's three views, and its dead units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    /// The fraction of its units (channels) that are zero for each of the first
    /// [`DEAD_UNIT_INPUTS`] MNIST test digits; `None` for the output layer (no ReLU) and in
    /// files made before it was measured.
    #[serde(default)]
    pub dead: Option<f32>,
    /// The top singular vector across channels.
    pub top_singular: View,
    /// The channel most correlated with the input.
    pub max_correlated: View,
    /// Channel 0.
    pub channel0: View,
}

/// A view of a layer: a map, where it comes from and how it correlates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// The channel shown (none for the singular vector, which mixes them).
    pub channel: Option<usize>,
    /// Correlation to the input.
    pub corr_input: f32,
    /// Correlation to the training digit.
    pub corr_training: f32,
    /// How blurred the map is ([`identity_core::blur::blur`]: near 1 smooth, lower sharp;
    /// `None` for a flat map and in files made before it was measured).
    #[serde(default)]
    pub blur: Option<f32>,
    /// The map, stretched to [0, 1].
    pub picture: Picture,
}

impl Layer {
    /// The views with their CSV names and short labels, in order.
    pub fn views(&self) -> [(&'static str, &'static str, &View); 3] {
        [
            ("top_singular", "top SV", &self.top_singular),
            ("max_correlated", "best ch", &self.max_correlated),
            ("channel0", "ch 0", &self.channel0),
        ]
    }
}

/// The networks of `nets` as a plan.
pub fn plan(nets: Vec<LayerNet>) -> Vec<Planned> {
    nets.into_iter().map(|n| Planned::at_28(n.arch)).collect()
}

/// Measures the layers of `nets`.
pub async fn measure<N: Networks>(
    setting: &Setting,
    networks: &mut N,
    nets: Vec<LayerNet>,
    all_views: bool,
) -> Result<Layers, N::Error> {
    let probe = LayerProbe::new()?;
    let mut measured = Vec::new();
    for net in nets {
        let trained = setting.trained(networks, &net.arch).await?;
        let network: &Network = match net.state {
            State::Initial => &trained.initial,
            State::Trained => &trained.network,
        };
        let layers = probe
            .layers(network, &setting.training, &setting.device)
            .await?;
        measured.push(LayerNetwork {
            network: Net::new(net.label, &net.arch, &trained),
            state: net.state,
            layers,
        });
    }
    Ok(Layers {
        input: format!("mnist:{INPUT_DIGIT}"),
        input_label: probe.input_label,
        input_picture: Picture::of(&probe.input),
        all_views,
        networks: measured,
    })
}

/// What the layers of a network are looked at with: the MNIST test digit shown
/// ([`INPUT_DIGIT`]) and the digits dead units are counted over ([`DEAD_UNIT_INPUTS`]).
pub struct LayerProbe {
    /// The digit fed to the network.
    pub input: Image,
    /// Its label.
    pub input_label: u8,
    dead_unit_inputs: Vec<Image>,
}

impl LayerProbe {
    /// The probe's inputs, from the bundled MNIST test subset.
    pub fn new() -> Result<Self, identity_core::Error> {
        let mnist = Subset::MnistTest.load()?;
        Ok(LayerProbe {
            input: mnist.image(INPUT_DIGIT)?,
            input_label: mnist.labels()[INPUT_DIGIT],
            dead_unit_inputs: (0..DEAD_UNIT_INPUTS.min(mnist.len()))
                .map(|i| mnist.image(i))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Every layer of `network`, bottom first: its three views of the input, each correlated
    /// with the input and with `training`, and its fraction of dead units.
    pub async fn layers(
        &self,
        network: &Network,
        training: &Image,
        device: &Device,
    ) -> Result<Vec<Layer>, identity_core::Error> {
        let mut layers = layers_of(network, &self.input, training, device).await?;
        let dead = dead_units(network, &self.dead_unit_inputs, device).await?;
        for (layer, dead) in layers.iter_mut().zip(dead) {
            layer.dead = dead;
        }
        Ok(layers)
    }
}

/// Every layer of the ConvNet `network` for `input` (any side; on the page, the reader's
/// drawing), bottom first: its three views, each correlated with `input` and with `training`
/// (the training image at `input`'s side). Dead units are not counted (`None`).
pub async fn layers_of(
    network: &Network,
    input: &Image,
    training: &Image,
    device: &Device,
) -> Result<Vec<Layer>, identity_core::Error> {
    let maps = activations(network, input, device).await?;
    let view = |map: &[f32], channel: Option<usize>| -> Result<View, identity_core::Error> {
        Ok(View {
            channel,
            corr_input: pearson(map, input.pixels()),
            corr_training: pearson(map, training.pixels()),
            blur: blur(map, input.side()),
            picture: Picture::stretched(map)?,
        })
    };
    maps.iter()
        .map(|a| {
            let v: LayerViews = layer_views(a, input);
            Ok(Layer {
                dead: None,
                top_singular: view(&v.top_singular, None)?,
                max_correlated: view(&v.max_correlated, Some(v.max_correlated_channel))?,
                channel0: view(&v.channel0, Some(0))?,
            })
        })
        .collect()
}

impl Layers {
    /// `network,layer,view,channel,corr_input,corr_training,dead`, one line per view of a
    /// layer (`dead`, the layer's fraction of dead units, repeated on each; empty where
    /// undefined).
    pub fn csv(&self) -> String {
        let mut csv =
            String::from("network,layer,view,channel,corr_input,corr_training,blur,dead\n");
        for net in &self.networks {
            for (i, layer) in net.layers.iter().enumerate() {
                for (key, _, view) in layer.views() {
                    writeln!(
                        csv,
                        "{},{},{key},{},{},{},{},{}",
                        net.network.label,
                        i + 1,
                        cell(view.channel),
                        view.corr_input,
                        view.corr_training,
                        cell(view.blur),
                        cell(layer.dead)
                    )
                    .ok();
                }
            }
        }
        csv
    }

    /// The networks measured.
    pub fn nets(&self) -> Vec<&Net> {
        self.networks.iter().map(|n| &n.network).collect()
    }

    /// Network `index`'s blur per layer (of the top singular vector), NaN where undefined.
    fn blurs(&self, index: usize) -> Vec<f64> {
        self.networks.get(index).map_or_else(Vec::new, |n| {
            n.layers
                .iter()
                .map(|l| l.top_singular.blur.map_or(f64::NAN, f64::from))
                .collect()
        })
    }

    /// Fig. 8: after training, "the intermediate activations [of the 7-layer net] also become
    /// less blurry" (than the random net's same layers: the paper's footnote reads shallower
    /// random nets off the 20-layer one), and the 20-layer net's layer 8 is clearer than at
    /// initialization: mean blur lower by [`BLUR_MARGIN`]. Files without blur give none.
    pub fn less_blurry(&self) -> Vec<Claim> {
        let random = self.blurs(0);
        if self
            .networks
            .first()
            .is_none_or(|n| n.state != State::Initial)
            || random.iter().all(|b| b.is_nan())
        {
            return vec![];
        }
        let mut claims = Vec::new();
        for (index, net) in self.networks.iter().enumerate().skip(1) {
            let trained = self.blurs(index);
            let (layers, what) = match trained.len() {
                7 => (
                    1..=6,
                    "the trained 7-layer ConvNet's inner layers (1-6) are less blurry than the random net's same layers",
                ),
                20 => (
                    8..=8,
                    "the trained 20-layer ConvNet's layer 8 is clearer than at initialization",
                ),
                _ => continue,
            };
            if random.len() < *layers.end() {
                continue;
            }
            let pick = |b: &[f64]| mean(&b[layers.start() - 1..*layers.end()]);
            let (now, was) = (pick(&trained), pick(&random));
            claims.push(Claim::on(
                &[&net.network],
                &format!("{what} (mean blur lower by at least {BLUR_MARGIN})"),
                format!(
                    "blur of the top singular vector, layers {}-{}: trained {now:.2}, random 20-layer net {was:.2}",
                    layers.start(),
                    layers.end()
                ),
                now <= was - BLUR_MARGIN,
            ));
        }
        claims
    }

    /// Fig. 29: "the 128-channel ConvNet already behave[s] more smoothly than the 3-channel
    /// ConvNet at initialization": the wide net's layers blurrier on average by [`BLUR_MARGIN`].
    pub fn wide_smoother_at_initialization(&self) -> Vec<Claim> {
        let initial: Vec<(usize, &LayerNetwork)> = self
            .networks
            .iter()
            .enumerate()
            .filter(|(_, n)| n.state == State::Initial)
            .collect();
        let by_width = |wide: bool| {
            if wide {
                initial.iter().max_by_key(|(_, n)| n.network.channels())
            } else {
                initial.iter().min_by_key(|(_, n)| n.network.channels())
            }
        };
        let (Some(&(n, narrow)), Some(&(w, wide))) = (by_width(false), by_width(true)) else {
            return vec![];
        };
        let (narrow_blur, wide_blur) = (mean(&self.blurs(n)), mean(&self.blurs(w)));
        if n == w || narrow_blur.is_nan() && wide_blur.is_nan() {
            return vec![];
        }
        vec![Claim::judged(
            &format!(
                "at initialization, the {}-channel ConvNet's layers are smoother than the {}-channel one's (mean blur higher by at least {BLUR_MARGIN})",
                wide.network.channels(),
                narrow.network.channels()
            ),
            format!(
                "mean blur of the top singular vector over the layers: {} channels {wide_blur:.2}, {} channels {narrow_blur:.2}",
                wide.network.channels(),
                narrow.network.channels()
            ),
            wide_blur >= narrow_blur + BLUR_MARGIN,
        )]
    }

    /// Network `index`'s layers as (corr_input, corr_training) of the top singular vector.
    fn curve(&self, index: usize) -> Vec<(f64, f64)> {
        self.networks.get(index).map_or_else(Vec::new, |n| {
            n.layers
                .iter()
                .map(|l| {
                    (
                        f64::from(l.top_singular.corr_input),
                        f64::from(l.top_singular.corr_training),
                    )
                })
                .collect()
        })
    }

    /// Fig. 8: a random deep net wipes the input out by about layer 8; the trained 7-layer net
    /// outputs its input, the 14-layer one recovers what its initialisation lost, the 20-layer
    /// one constructs the digit.
    pub fn random_and_trained(&self) -> Vec<Claim> {
        let random = self.curve(0);
        let wiped = random
            .iter()
            .position(|(i, _)| i.abs() < WIPED_OUT)
            .map(|l| l + 1);
        let mut claims: Vec<Claim> = (random.len() >= 12)
            .then(|| {
                Claim::judged(
                    &format!("a random deep ConvNet wipes the input out by about layer 8 (its top singular vector's |correlation to the input| first falls below {WIPED_OUT} in layers 6 to 10)"),
                    match wiped {
                        Some(l) => format!("first below {WIPED_OUT} at layer {l}"),
                        None => format!("never below {WIPED_OUT}"),
                    },
                    wiped.is_some_and(|l| (6..=10).contains(&l)),
                )
            })
            .into_iter()
            .collect();
        for index in 1..self.networks.len() {
            let curve = self.curve(index);
            let Some(&(to_input, to_training)) = curve.last() else {
                continue;
            };
            let net = &self.networks[index].network;
            let claim = match curve.len() {
                7 => Claim::on(
                    &[net],
                    "the trained 7-layer ConvNet outputs its input",
                    format!("output's correlation to the input {to_input:.2}"),
                    to_input >= LIKE,
                ),
                14 => {
                    // Layers 8-13: past the random net's wipe-out, before the output (which
                    // training makes like the input whatever the layers below carry). A top
                    // singular vector's sign is arbitrary: its correlation counts by size.
                    let inner = |c: &[(f64, f64)]| {
                        c.iter()
                            .take(13)
                            .skip(7)
                            .map(|v| v.0.abs())
                            .fold(f64::NEG_INFINITY, f64::max)
                    };
                    let (trained, initial) = (inner(&curve), inner(&random));
                    Claim::on(
                        &[net],
                        "the trained 14-layer ConvNet recovers in its inner layers 8-13 the input its random initialisation lost",
                        format!(
                            "largest |correlation to the input| in layers 8-13: trained {trained:.2}, random 20-layer net {initial:.2} (margin {RECOVERY_MARGIN})"
                        ),
                        trained >= initial + RECOVERY_MARGIN,
                    )
                }
                20 => Claim::on(
                    &[net],
                    "the trained 20-layer ConvNet constructs the training digit from nothing",
                    format!(
                        "output's correlation to the training digit {to_training:.2}, to the input {to_input:.2}"
                    ),
                    to_training >= LIKE,
                ),
                _ => continue,
            };
            claims.push(claim);
        }
        claims
    }

    /// Fig. 19-21: the output layer of the one network, when it has the paper's `depth`: its
    /// correlation to the input (`to_input`) or to the training digit at least [`LIKE`]
    /// (`like`) or below.
    pub fn output_layer(
        &self,
        depth: usize,
        claim: &str,
        to_input: bool,
        like: bool,
    ) -> Vec<Claim> {
        let curve = self.curve(0);
        if curve.len() != depth {
            return vec![];
        }
        let Some(&(input, training)) = curve.last() else {
            return vec![];
        };
        let (v, what) = if to_input {
            (input, "input")
        } else {
            (training, "training digit")
        };
        vec![Claim::on(
            &[&self.networks[0].network],
            &format!(
                "the trained {depth}-layer ConvNet {claim} (output's correlation to the {what} {} {LIKE})",
                if like { ">=" } else { "<" }
            ),
            format!("output's correlation to the {what} {v:.2}"),
            (v >= LIKE) == like,
        )]
    }

    /// Fig. 30: trained, the 3-channel net misses the identity and the wide one learns it.
    pub fn narrow_and_wide(&self) -> Vec<Claim> {
        if self.networks.first().map(|n| n.network.channels()) != Some(3) {
            return vec![];
        }
        let output = |i: usize| self.curve(i).last().map(|v| v.0);
        let name = |i: usize| self.networks[i].network.label.clone();
        output(0)
            .zip(output(1))
            .map(|(narrow, wide)| {
                Claim::on(
                    &[&self.networks[0].network, &self.networks[1].network],
                    &format!("trained, the 3-channel net misses the identity and the wide one learns it (< and >= {LIKE})"),
                    format!("output's correlation to the input: {} {narrow:.2}, {} {wide:.2}", name(0), name(1)),
                    narrow < LIKE && wide >= LIKE,
                )
            })
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use identity_core::data::Image;

    use super::*;
    use crate::claim::Verdict;

    /// A layer whose top singular vector correlates `to_input` with the input.
    fn layer(to_input: f32) -> Layer {
        let view = View {
            channel: None,
            corr_input: to_input,
            corr_training: 0.0,
            blur: None,
            picture: Picture::of(&Image::new(7, vec![0.0; 49]).unwrap()),
        };
        Layer {
            dead: None,
            top_singular: view.clone(),
            max_correlated: view.clone(),
            channel0: view,
        }
    }

    /// A ConvNet of `curve.len()` layers in `state`, its layers correlating `curve` to the input.
    fn network(curve: &[f32], state: State) -> LayerNetwork {
        LayerNetwork {
            network: Net::conv_for_tests(curve.len()),
            state,
            layers: curve.iter().map(|&c| layer(c)).collect(),
        }
    }

    /// The 14-layer net's verdict beside a random net whose layers 8-13 carry 0.2 of the input,
    /// the trained net's layers 8-13 carrying `inner` and its output 0.9.
    fn fourteen(inner: f32) -> Verdict {
        let random = [vec![0.9; 7], vec![0.2; 13]].concat();
        let trained = [vec![0.9; 7], vec![inner; 6], vec![0.9]].concat();
        let data = Layers {
            input: "mnist:1".into(),
            input_label: 2,
            input_picture: Picture::of(&Image::new(7, vec![0.0; 49]).unwrap()),
            all_views: false,
            networks: vec![
                network(&random, State::Initial),
                network(&trained, State::Trained),
            ],
        };
        let claims = data.random_and_trained();
        let claim = claims
            .iter()
            .find(|c| c.claim.contains("14-layer"))
            .expect("a 14-layer claim");
        claim.verdict
    }

    #[test]
    fn the_fourteen_layer_net_recovers_only_in_its_inner_layers_and_by_a_margin() {
        assert_eq!(fourteen(0.6), Verdict::Holds);
        // A sign is arbitrary: an inverted inner layer carries the input as much.
        assert_eq!(fourteen(-0.6), Verdict::Holds);
        // The output alone like the input (0.9) is no recovery; neither is the random net's
        // wander.
        assert_eq!(fourteen(0.1), Verdict::DoesNotHold);
        assert_eq!(fourteen(0.25), Verdict::DoesNotHold);
    }

    /// A network in `state` whose layers' top singular vectors have these blurs.
    fn blurred(blurs: &[f32], state: State, channels: usize) -> LayerNetwork {
        let mut n = network(&vec![0.5; blurs.len()], state);
        for (layer, &b) in n.layers.iter_mut().zip(blurs) {
            layer.top_singular.blur = Some(b);
        }
        if let ArchConfig::Conv { channels: c, .. } = &mut n.network.arch {
            *c = channels;
        }
        n
    }

    fn layers_of(networks: Vec<LayerNetwork>) -> Layers {
        Layers {
            input: "mnist:1".into(),
            input_label: 2,
            input_picture: Picture::of(&Image::new(7, vec![0.0; 49]).unwrap()),
            all_views: false,
            networks,
        }
    }

    #[test]
    fn trained_layers_are_judged_less_blurry_against_the_random_nets_same_layers() {
        let random = blurred(&[0.9; 20], State::Initial, 8);
        let verdicts = |seven: f32, eighth: f32| -> Vec<Verdict> {
            let mut twenty = vec![0.9; 20];
            twenty[7] = eighth;
            layers_of(vec![
                random.clone(),
                blurred(&[seven; 7], State::Trained, 8),
                blurred(&twenty, State::Trained, 8),
            ])
            .less_blurry()
            .iter()
            .map(|c| c.verdict)
            .collect()
        };
        assert_eq!(verdicts(0.7, 0.8), [Verdict::Holds, Verdict::Holds]);
        assert_eq!(
            verdicts(0.88, 0.9),
            [Verdict::DoesNotHold, Verdict::DoesNotHold]
        );
    }

    #[test]
    fn the_wide_net_must_be_smoother_at_initialization() {
        let verdict = |narrow: f32, wide: f32| {
            layers_of(vec![
                blurred(&[narrow; 5], State::Initial, 3),
                blurred(&[wide; 5], State::Initial, 16),
                blurred(&[0.5; 5], State::Trained, 3),
            ])
            .wide_smoother_at_initialization()[0]
                .verdict
        };
        assert_eq!(verdict(0.6, 0.9), Verdict::Holds);
        assert_eq!(verdict(0.9, 0.6), Verdict::DoesNotHold);
    }
}
