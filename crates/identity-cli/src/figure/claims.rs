//! The paper's claims (DESIGN section 5), judged from a figure's JSON numbers with thresholds
//! fixed here, before any run: a mean correlation of at least [`LIKE`] counts as "learns the
//! identity" or "learns the constant". A claim whose numbers are missing at a scale (test
//! scale drops rows) is left out; a figure that only shows pictures gets a claim with no
//! verdict that says so.

use identity_core::ArchConfig;
use identity_core::train::FIT_LOSS;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A mean correlation at least this high counts as learning that map.
pub const LIKE: f64 = 0.8;

/// A claim of the paper, what was measured, and whether it holds (`None`: not judged by a
/// number).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The paper's claim, as tested.
    pub claim: String,
    /// The numbers the verdict rests on.
    pub measured: String,
    /// Holds, does not hold, or not judged.
    pub holds: Option<bool>,
}

impl Claim {
    fn judged(claim: &str, measured: String, holds: bool) -> Self {
        Claim {
            claim: claim.into(),
            measured,
            holds: Some(holds),
        }
    }

    fn pictures_only(claim: &str) -> Self {
        Claim {
            claim: claim.into(),
            measured: "pictures only: no number is judged".into(),
            holds: None,
        }
    }

    /// The verdict as a word.
    pub fn verdict(&self) -> &'static str {
        match self.holds {
            Some(true) => "holds",
            Some(false) => "does not hold",
            None => "not judged",
        }
    }

    /// One line for the terminal.
    pub fn line(&self) -> String {
        format!("{}: {} ({})", self.verdict(), self.claim, self.measured)
    }
}

/// The claims of figure `number`, judged from its JSON.
pub fn judge(number: u32, json: &Value) -> Vec<Claim> {
    let judged = match number {
        1 => eq1(json),
        2 => linear_depth(json),
        3 => two_layer(json),
        4 => relu_depth(json, Source::TestRow),
        5 => [linear_trend(json), relu_depth(json, Source::RhoZero)].concat(),
        6 => conv_depth(json, Source::TestRow),
        7 => conv_depth(json, Source::RhoZero),
        8 => random_and_trained_layers(json),
        9 => collapse(json),
        10 => small_and_large_inputs(json),
        11 => constant_range(json),
        12 => change_near_15(json),
        13 => training_sizes(json),
        14 | 26 => kernels(json, Source::TestRow),
        25 => kernels(json, Source::RhoZero),
        15 => channels(json, Source::TestRow),
        27 => channels(json, Source::RhoZero),
        16..=18 => lower_layers_change_less(json),
        19 => output_layer(json, 7, "outputs its input", ("corr_input", true)),
        20 => output_layer(
            json,
            14,
            "does not learn the identity",
            ("corr_input", false),
        ),
        21 => output_layer(
            json,
            20,
            "outputs the training digit",
            ("corr_training", true),
        ),
        22 => larger_inputs(json),
        23 => vec![Some(Claim::pictures_only(
            "the top two layers show how each network finishes its answer",
        ))],
        24 => upper_half_constructs(json),
        28 => three_channels(json),
        29 => vec![Some(Claim::pictures_only(
            "at initialisation, many channels smooth the input more evenly than 3",
        ))],
        30 => narrow_and_wide(json),
        31..=33 => mse_pattern(json),
        _ => vec![],
    };
    judged.into_iter().flatten().collect()
}

/// Which numbers of a row a claim reads.
#[derive(Clone, Copy)]
enum Source {
    /// Prediction grids: the mean over the test row, without the training digit and the mix.
    TestRow,
    /// Heatmaps: the rho = 0 column (inputs uncorrelated with the training digit).
    RhoZero,
}

/// One row of a figure, with its architecture and its two correlations.
struct Row<'a> {
    json: &'a Value,
    arch: Option<ArchConfig>,
    identity: f64,
    constant: f64,
}

fn rows(json: &Value, source: Source) -> Vec<Row<'_>> {
    let inputs: Vec<&str> = json["inputs"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let value = |row: &Value, key: &str| match source {
        Source::TestRow => {
            let values: Vec<f64> = numbers(&row[key])
                .into_iter()
                .zip(&inputs)
                .filter(|(_, name)| !matches!(**name, "training" | "mix"))
                .map(|(v, _)| v)
                .collect();
            mean(&values)
        }
        Source::RhoZero => numbers(&row[key]).first().copied().unwrap_or(f64::NAN),
    };
    json["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| Row {
                    json: row,
                    arch: serde_json::from_value(row["arch"].clone()).ok(),
                    identity: value(row, "identity"),
                    constant: value(row, "constant"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

fn label<'a>(row: &'a Row) -> &'a str {
    row.json["network"].as_str().unwrap_or("?")
}

/// The depth of a ConvNet, or the hidden layers of an FCN.
fn depth(arch: &ArchConfig) -> usize {
    match arch {
        ArchConfig::Conv { depth, .. } => *depth,
        ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => hidden.len(),
    }
}

/// The rows of one family, shallowest first.
fn family<'a>(rows: &'a [Row<'a>], keep: impl Fn(&ArchConfig) -> bool) -> Vec<&'a Row<'a>> {
    let mut kept: Vec<&Row> = rows
        .iter()
        .filter(|r| r.arch.as_ref().is_some_and(&keep))
        .collect();
    kept.sort_by_key(|r| r.arch.as_ref().map(depth));
    kept
}

fn ends<T>(items: &[T]) -> Option<(&T, &T)> {
    match items {
        [first, .., last] => Some((first, last)),
        _ => None,
    }
}

fn eq1(json: &Value) -> Vec<Option<Claim>> {
    // The blank input maps to a blank output under both: no correlation is defined.
    let agreement: Vec<f64> = json["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter(|r| r["input"] != "blank")
                .filter_map(|r| r["corr_to_eq1"].as_f64())
                .collect()
        })
        .unwrap_or_default();
    let least = agreement.iter().copied().fold(f64::INFINITY, f64::min);
    vec![(!agreement.is_empty()).then(|| {
        Claim::judged(
            "the trained 1-layer linear net equals eq. (1) on every test input but the blank one (correlation >= 0.99)",
            format!("lowest correlation to eq. (1): {least:.4}"),
            least >= 0.99,
        )
    })]
}

fn linear_depth(json: &Value) -> Vec<Option<Claim>> {
    let rows = rows(json, Source::TestRow);
    let named = |name: &str| rows.iter().find(|r| label(r) == name);
    let width = |r: &Row| match &r.arch {
        Some(ArchConfig::Linear { hidden }) => hidden.first().copied(),
        _ => None,
    };
    let base_width = rows.first().and_then(width);
    let same: Vec<&Row> = family(&rows, |_| true)
        .into_iter()
        .filter(|r| width(r) == base_width)
        .collect();
    let deeper = ends(&same).map(|(a, b)| {
        Claim::judged(
            "deeper linear FCNs answer more like the constant",
            format!(
                "mean constant correlation {} {:.2}, {} {:.2}",
                label(a),
                a.constant,
                label(b),
                b.constant
            ),
            b.constant > a.constant,
        )
    });
    let width_vs_depth = named("3 x 784").zip(named("1 x 2048")).map(|(deep, wide)| {
        Claim::judged(
            "depth matters more than width: 3 x 784 is more constant than 1 x 2048",
            format!(
                "mean constant correlation 3 x 784 {:.2}, 1 x 2048 {:.2}",
                deep.constant, wide.constant
            ),
            deep.constant > wide.constant,
        )
    });
    vec![deeper, width_vs_depth]
}

fn two_layer(json: &Value) -> Vec<Option<Claim>> {
    let rows = rows(json, Source::TestRow);
    let find =
        |what: &str, width: usize| rows.iter().find(|r| label(r) == format!("{what}, {width}"));
    let widths: Vec<usize> = rows
        .iter()
        .filter_map(|r| match &r.arch {
            Some(ArchConfig::Relu { hidden, .. }) => hidden.first().copied(),
            _ => None,
        })
        .collect();
    let widest = widths.iter().copied().max();
    let mut claims: Vec<Option<Claim>> = Vec::new();
    let mut seen = Vec::new();
    for w in widths {
        if seen.contains(&w) {
            continue;
        }
        seen.push(w);
        claims.push(find("bottom", w).zip(find("both", w)).map(|(bottom, both)| {
            Claim::judged(
                &format!("width {w}: training both layers answers more like the '7' than training the bottom layer only"),
                format!("mean constant correlation: both {:.2}, bottom only {:.2}", both.constant, bottom.constant),
                both.constant > bottom.constant,
            )
        }));
    }
    if let Some(w) = widest {
        claims.push(find("both", w).map(|r| {
            Claim::judged(
                &format!("width {w}, both layers trained: the '7' everywhere (constant >= {LIKE})"),
                format!("mean constant correlation {:.2}", r.constant),
                r.constant >= LIKE,
            )
        }));
        claims.push(find("bottom", w).map(|r| {
            Claim::judged(
                &format!("width {w}, bottom layer only: noise off the digit, not the constant (constant < {LIKE})"),
                format!("mean constant correlation {:.2}, identity {:.2}", r.constant, r.identity),
                r.constant < LIKE,
            )
        }));
    }
    claims
}

fn source_words(source: Source) -> &'static str {
    match source {
        Source::TestRow => "mean over the test row",
        Source::RhoZero => "at rho = 0",
    }
}

fn relu_depth(json: &Value, source: Source) -> Vec<Option<Claim>> {
    let rows = rows(json, source);
    let relu = family(&rows, |a| matches!(a, ArchConfig::Relu { .. }));
    let Some((shallow, deep)) = ends(&relu) else {
        return vec![];
    };
    let at = source_words(source);
    vec![
        Some(Claim::judged(
            &format!(
                "the deepest ReLU FCN learns the constant (constant >= {LIKE}) and is more constant than the shallowest"
            ),
            format!(
                "{at}: {} constant {:.2}, {} constant {:.2}",
                label(deep),
                deep.constant,
                label(shallow),
                shallow.constant
            ),
            deep.constant >= LIKE && deep.constant > shallow.constant,
        )),
        Some(Claim::judged(
            &format!("the shallowest ReLU FCN learns neither map (both < {LIKE})"),
            format!(
                "{at}: {} identity {:.2}, constant {:.2}",
                label(shallow),
                shallow.identity,
                shallow.constant
            ),
            shallow.identity < LIKE && shallow.constant < LIKE,
        )),
    ]
}

fn linear_trend(json: &Value) -> Vec<Option<Claim>> {
    let rows = rows(json, Source::RhoZero);
    let linear = family(&rows, |a| matches!(a, ArchConfig::Linear { .. }));
    vec![ends(&linear).map(|(shallow, deep)| {
        Claim::judged(
            "deeper linear FCNs are more constant",
            format!(
                "at rho = 0: {} constant {:.2}, {} constant {:.2}",
                label(shallow),
                shallow.constant,
                label(deep),
                deep.constant
            ),
            deep.constant > shallow.constant,
        )
    })]
}

fn conv_depth(json: &Value, source: Source) -> Vec<Option<Claim>> {
    let rows = rows(json, source);
    let convs = family(&rows, |a| matches!(a, ArchConfig::Conv { .. }));
    let at = source_words(source);
    let shallow: Vec<&&Row> = convs
        .iter()
        .filter(|r| r.arch.as_ref().is_some_and(|a| depth(a) <= 5))
        .collect();
    let least = shallow
        .iter()
        .map(|r| (r.identity, label(r)))
        .fold((f64::INFINITY, ""), |m, v| if v.0 < m.0 { v } else { m });
    let identity = (!shallow.is_empty()).then(|| {
        Claim::judged(
            &format!("ConvNets of up to 5 layers learn the identity (identity >= {LIKE})"),
            format!("{at}: lowest identity {:.2} ({})", least.0, least.1),
            least.0 >= LIKE,
        )
    });
    let deepest = convs
        .last()
        .filter(|r| r.arch.as_ref().is_some_and(|a| depth(a) >= 15))
        .map(|deep| {
            Claim::judged(
                &format!("the deepest ConvNet learns the constant (constant >= {LIKE})"),
                format!(
                    "{at}: {} constant {:.2}, identity {:.2}",
                    label(deep),
                    deep.constant,
                    deep.identity
                ),
                deep.constant >= LIKE,
            )
        });
    vec![identity, deepest]
}

/// The layers of network `index` of a layers figure: (corr_input, corr_training) of the top
/// singular vector.
fn layer_curve(json: &Value, index: usize) -> Vec<(f64, f64)> {
    json["networks"][index]["layers"]
        .as_array()
        .map(|layers| {
            layers
                .iter()
                .map(|l| {
                    let v = &l["top_singular"];
                    (
                        v["corr_input"].as_f64().unwrap_or(f64::NAN),
                        v["corr_training"].as_f64().unwrap_or(f64::NAN),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn random_and_trained_layers(json: &Value) -> Vec<Option<Claim>> {
    let random = layer_curve(json, 0);
    let wiped = random
        .iter()
        .position(|(i, _)| i.abs() < 0.3)
        .map(|l| l + 1);
    let mut claims = vec![(random.len() >= 12).then(|| {
        Claim::judged(
            "a random deep ConvNet wipes the input out after about 8 layers (top singular vector's |correlation to the input| < 0.3 by layer 10)",
            match wiped {
                Some(l) => format!("first below 0.3 at layer {l}"),
                None => "never below 0.3".into(),
            },
            wiped.is_some_and(|l| l <= 10),
        )
    })];
    let nets = json["networks"].as_array().map_or(0, Vec::len);
    for index in 1..nets {
        let curve = layer_curve(json, index);
        let Some(&(to_input, to_training)) = curve.last() else {
            continue;
        };
        let claim = match curve.len() {
            7 => Claim::judged(
                "the trained 7-layer ConvNet outputs its input",
                format!("output's correlation to the input {to_input:.2}"),
                to_input >= LIKE,
            ),
            14 => {
                let upper = |c: &[(f64, f64)]| {
                    c.iter()
                        .skip(7)
                        .take(7)
                        .map(|v| v.0)
                        .fold(f64::NEG_INFINITY, f64::max)
                };
                let (trained, initial) = (upper(&curve), upper(&random[..random.len().min(14)]));
                Claim::judged(
                    "the trained 14-layer ConvNet recovers in layers 8-14 the input its random initialisation lost",
                    format!(
                        "best correlation to the input in layers 8-14: trained {trained:.2}, random 20-layer net {initial:.2}"
                    ),
                    trained > initial,
                )
            }
            20 => Claim::judged(
                "the trained 20-layer ConvNet constructs the training digit from nothing",
                format!(
                    "output's correlation to the training digit {to_training:.2}, to the input {to_input:.2}"
                ),
                to_training >= LIKE,
            ),
            _ => continue,
        };
        claims.push(Some(claim));
    }
    claims
}

fn collapse(json: &Value) -> Vec<Option<Claim>> {
    let Some(curves) = json["curves"].as_array() else {
        return vec![];
    };
    let curve = |c: &Value| numbers(&c["error_rate"]);
    let chance = 0.9;
    let random = curves.first().map(curve).unwrap_or_default();
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
    for c in &curves[1..] {
        let errors = curve(c);
        let layers = errors.len() - 1;
        if !(5..=14).contains(&layers) {
            continue;
        }
        let (first, last) = (errors[0], errors[layers]);
        let peak = errors[1..layers]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        concave.push((
            layers,
            peak > first + 0.05 && peak > last + 0.05,
            first,
            peak,
            last,
        ));
    }
    let shape = (!concave.is_empty()).then(|| {
        Claim::judged(
            "trained ConvNets of 5 to 14 layers have concave error curves (a middle layer worse than both ends by 0.05)",
            concave
                .iter()
                .map(|(l, _, a, p, b)| format!("{l} layers: {a:.2} / peak {p:.2} / {b:.2}"))
                .collect::<Vec<_>>()
                .join("; "),
            concave.iter().all(|c| c.1),
        )
    });
    vec![useless, shape]
}

/// Per row of a sizes figure: (depth, means of identity and constant per side).
fn size_rows(json: &Value) -> Vec<(u64, Vec<f64>, Vec<f64>)> {
    json["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r["depth"].as_u64().unwrap_or(0),
                        numbers(&r["mean_identity_unseen"]),
                        numbers(&r["mean_constant_unseen"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn sides(json: &Value) -> Vec<u64> {
    json["sides"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

fn small_and_large_inputs(json: &Value) -> Vec<Option<Claim>> {
    let sides = sides(json);
    let Some((_, identity, _)) = size_rows(json).into_iter().find(|r| r.0 == 5) else {
        return vec![];
    };
    let at = |side: u64| sides.iter().position(|&s| s == side).map(|i| identity[i]);
    vec![
        at(112).map(|v| {
            Claim::judged(
                &format!(
                    "the 5-layer ConvNet's identity holds on 112 x 112 inputs (identity >= {LIKE})"
                ),
                format!("identity {v:.2}"),
                v >= LIKE,
            )
        }),
        at(7).map(|v| {
            Claim::judged(
                &format!("but not on 7 x 7 inputs (identity < {LIKE})"),
                format!("identity {v:.2}"),
                v < LIKE,
            )
        }),
    ]
}

fn larger_inputs(json: &Value) -> Vec<Option<Claim>> {
    let sides = sides(json);
    let Some((_, identity, _)) = size_rows(json).into_iter().find(|r| r.0 == 5) else {
        return vec![];
    };
    let large: Vec<String> = sides
        .iter()
        .zip(&identity)
        .filter(|(s, _)| **s >= 28)
        .map(|(s, v)| format!("{s}: {v:.2}"))
        .collect();
    let holds = sides
        .iter()
        .zip(&identity)
        .filter(|(s, _)| **s >= 28)
        .all(|(_, v)| *v >= LIKE);
    vec![Some(Claim::judged(
        &format!(
            "the 5-layer ConvNet's identity holds on every input of 28 px and larger (identity >= {LIKE})"
        ),
        format!("identity by side {}", large.join(", ")),
        holds,
    ))]
}

fn constant_range(json: &Value) -> Vec<Option<Claim>> {
    let sides = sides(json);
    let rows = size_rows(json);
    let deep = rows.iter().find(|r| r.0 == 20);
    let shallow = rows.iter().find(|r| r.0 == 5);
    let count = |values: &[f64]| values.iter().filter(|&&v| v >= LIKE).count();
    let at_28 = sides.iter().position(|&s| s == 28);
    vec![
        deep.zip(shallow).map(|(deep, shallow)| {
            let (c, i) = (count(&deep.2), count(&shallow.1));
            Claim::judged(
                "the 20-layer net's constant map holds on fewer input sizes than the 5-layer net's identity",
                format!("of {} sides: constant >= {LIKE} on {c}, identity >= {LIKE} on {i}", sides.len()),
                c < i,
            )
        }),
        deep.zip(at_28).map(|(deep, i)| {
            Claim::judged(
                &format!("the 20-layer net answers the training digit at 28 x 28 (constant >= {LIKE})"),
                format!("constant {:.2}", deep.2[i]),
                deep.2[i] >= LIKE,
            )
        }),
    ]
}

fn change_near_15(json: &Value) -> Vec<Option<Claim>> {
    let rows = rows(json, Source::TestRow);
    let mut by_depth: Vec<(usize, f64)> = rows
        .iter()
        .filter_map(|r| Some((r.json["depth"].as_u64()? as usize, r.identity)))
        .collect();
    by_depth.sort_by_key(|r| r.0);
    if by_depth.last().is_none_or(|r| r.0 < 15) {
        return vec![];
    }
    let biggest = by_depth
        .windows(2)
        .map(|w| (w[0].0, w[1].0, (w[1].1 - w[0].1).abs()))
        .fold((0, 0, -1.0), |m, v| if v.2 > m.2 { v } else { m });
    let curve: Vec<String> = by_depth
        .iter()
        .map(|(d, v)| format!("{d}: {v:.2}"))
        .collect();
    vec![Some(Claim::judged(
        "the top layer alone changes most around depth 15 (the biggest step in its identity correlation lies between depths 10 and 20)",
        format!(
            "identity of the top layer by depth {}; biggest step {:.2} between {} and {}",
            curve.join(", "),
            biggest.2,
            biggest.0,
            biggest.1
        ),
        biggest.0 >= 10 && biggest.1 <= 20,
    ))]
}

fn training_sizes(json: &Value) -> Vec<Option<Claim>> {
    let Some(curves) = json["curves"].as_array() else {
        return vec![];
    };
    let by_side: Vec<(u64, f64, f64)> = curves
        .iter()
        .map(|c| {
            (
                c["side"].as_u64().unwrap_or(0),
                mean(&numbers(&c["mean_identity"])),
                mean(&numbers(&c["mean_constant"])),
            )
        })
        .collect();
    let small = by_side.iter().min_by_key(|c| c.0);
    let at_28 = by_side.iter().find(|c| c.0 == 28);
    let Some((small, base)) = small.zip(at_28).filter(|(s, b)| s.0 < b.0) else {
        return vec![];
    };
    vec![
        Some(Claim::judged(
            "ConvNets trained on smaller images are more constant (mean over depths and rho)",
            format!(
                "constant {} px {:.2}, 28 px {:.2}",
                small.0, small.2, base.2
            ),
            small.2 > base.2,
        )),
        Some(Claim::judged(
            "and less identity",
            format!(
                "identity {} px {:.2}, 28 px {:.2}",
                small.0, small.1, base.1
            ),
            small.1 < base.1,
        )),
    ]
}

fn sweep_ends<'a>(
    rows: &'a [Row<'a>],
    key: fn(&ArchConfig) -> usize,
) -> Option<(&'a Row<'a>, &'a Row<'a>)> {
    let least = rows.iter().min_by_key(|r| r.arch.as_ref().map(key))?;
    let most = rows.iter().max_by_key(|r| r.arch.as_ref().map(key))?;
    (!std::ptr::eq(least, most)).then_some((least, most))
}

fn kernel(arch: &ArchConfig) -> usize {
    match arch {
        ArchConfig::Conv { kernel, .. } => *kernel,
        _ => 0,
    }
}

fn channel_count(arch: &ArchConfig) -> usize {
    match arch {
        ArchConfig::Conv { channels, .. } => *channels,
        _ => 0,
    }
}

fn kernels(json: &Value, source: Source) -> Vec<Option<Claim>> {
    let rows = rows(json, source);
    let Some((small, large)) = sweep_ends(&rows, kernel) else {
        return vec![];
    };
    let at = source_words(source);
    vec![
        Some(Claim::judged(
            "larger kernels answer less like the identity (blurrier)",
            format!(
                "{at}: identity {} {:.2}, {} {:.2}",
                label(small),
                small.identity,
                label(large),
                large.identity
            ),
            large.identity < small.identity,
        )),
        Some(Claim::judged(
            &format!(
                "the largest kernel no longer learns the identity, like an FCN (identity < {LIKE})"
            ),
            format!(
                "{at}: {} identity {:.2}, constant {:.2}",
                label(large),
                large.identity,
                large.constant
            ),
            large.identity < LIKE,
        )),
    ]
}

fn channels(json: &Value, source: Source) -> Vec<Option<Claim>> {
    let rows = rows(json, source);
    let Some((narrow, wide)) = sweep_ends(&rows, channel_count) else {
        return vec![];
    };
    if narrow.arch.as_ref().map(channel_count) != Some(3) {
        return vec![];
    }
    let at = source_words(source);
    vec![
        Some(Claim::judged(
            &format!("3 channels fail to learn the identity (identity < {LIKE})"),
            format!(
                "{at}: identity {:.2}; final loss {:.1e}",
                narrow.identity,
                narrow.json["final_loss"].as_f64().unwrap_or(f64::NAN)
            ),
            narrow.identity < LIKE,
        )),
        Some(Claim::judged(
            &format!(
                "the most channels do not overfit: they learn the identity (identity >= {LIKE})"
            ),
            format!("{at}: {} identity {:.2}", label(wide), wide.identity),
            wide.identity >= LIKE,
        )),
    ]
}

fn lower_layers_change_less(json: &Value) -> Vec<Option<Claim>> {
    let Some(rows) = json["rows"].as_array() else {
        return vec![];
    };
    let deepest = rows
        .iter()
        .max_by_key(|r| r["changes"].as_array().map_or(0, Vec::len));
    let Some(row) = deepest else {
        return vec![];
    };
    let changes: Vec<f64> = row["changes"]
        .as_array()
        .map(|c| c.iter().filter_map(|l| l["weight"].as_f64()).collect())
        .unwrap_or_default();
    if changes.len() < 4 {
        return vec![];
    }
    let half = changes.len() / 2;
    let (lower, upper) = (mean(&changes[..half]), mean(&changes[half..]));
    let least = changes.iter().copied().fold(f64::INFINITY, f64::min);
    vec![Some(Claim::judged(
        "in the deepest net the lower layers change less than the upper ones, but not zero",
        format!(
            "{}: mean relative change lower half {lower:.3}, upper half {upper:.3}, smallest {least:.2e}",
            row["network"].as_str().unwrap_or("?")
        ),
        lower < upper && least > 0.0,
    ))]
}

/// The output layer of the one network of Fig. 19-21, when it has the paper's `depth`.
fn output_layer(
    json: &Value,
    depth: usize,
    claim: &str,
    (key, like): (&str, bool),
) -> Vec<Option<Claim>> {
    let layers = json["networks"][0]["layers"].as_array();
    let last = layers
        .filter(|l| l.len() == depth)
        .and_then(|l| l.last())
        .and_then(|l| l["top_singular"][key].as_f64());
    vec![last.map(|v| {
        let what = if key == "corr_input" { "input" } else { "training digit" };
        Claim::judged(
            &format!("the trained {depth}-layer ConvNet {claim} (output's correlation to the {what} {} {LIKE})", if like { ">=" } else { "<" }),
            format!("output's correlation to the {what} {v:.2}"),
            (v >= LIKE) == like,
        )
    })]
}

fn upper_half_constructs(json: &Value) -> Vec<Option<Claim>> {
    let rows = rows(json, Source::TestRow);
    let used = |r: &Row| r.json["layers_used"].as_u64();
    let three = rows.iter().find(|r| used(r) == Some(3));
    let ten = rows.iter().find(|r| used(r) == Some(10));
    vec![three.zip(ten).map(|(three, ten)| {
        Claim::judged(
            "the upper 10 layers of the 20-layer net already construct the '7' more than the upper 3",
            format!("mean constant correlation: top 10 {:.2}, top 3 {:.2}", ten.constant, three.constant),
            ten.constant > three.constant,
        )
    })]
}

fn three_channels(json: &Value) -> Vec<Option<Claim>> {
    let rows = rows(json, Source::TestRow);
    let loss = |r: &Row| r.json["final_loss"].as_f64().unwrap_or(f64::NAN);
    let depth_of = |r: &Row| r.arch.as_ref().map_or(0, depth);
    let deep: Vec<&Row> = rows.iter().filter(|r| depth_of(r) > 8).collect();
    if deep.is_empty() {
        return vec![];
    }
    let listing = rows
        .iter()
        .map(|r| format!("{}: {:.1e}", depth_of(r), loss(r)))
        .collect::<Vec<_>>()
        .join(", ");
    vec![Some(Claim::judged(
        &format!(
            "3-channel ConvNets beyond 8 layers fail to fit the digit (final loss > {FIT_LOSS:.0e})"
        ),
        format!("final loss by depth {listing}"),
        deep.iter().all(|r| loss(r) > f64::from(FIT_LOSS)),
    ))]
}

fn narrow_and_wide(json: &Value) -> Vec<Option<Claim>> {
    if json["networks"][0]["arch"]["channels"].as_u64() != Some(3) {
        return vec![];
    }
    let output = |i: usize| layer_curve(json, i).last().map(|v| v.0);
    let name = |i: usize| {
        json["networks"][i]["network"]
            .as_str()
            .unwrap_or("?")
            .to_string()
    };
    vec![output(0).zip(output(1)).map(|(narrow, wide)| {
        Claim::judged(
            &format!("trained, the 3-channel net misses the identity and the wide one learns it (< and >= {LIKE})"),
            format!("output's correlation to the input: {} {narrow:.2}, {} {wide:.2}", name(0), name(1)),
            narrow < LIKE && wide >= LIKE,
        )
    })]
}

fn mse_pattern(json: &Value) -> Vec<Option<Claim>> {
    let rows = rows(json, Source::RhoZero);
    let sorted = family(&rows, |_| true);
    let Some((shallow, deep)) = ends(&sorted) else {
        return vec![];
    };
    vec![Some(Claim::judged(
        "in MSE too, deeper nets are nearer the constant than shallower ones",
        format!(
            "at rho = 0, MSE to the constant: {} {:.4}, {} {:.4}",
            label(shallow),
            shallow.constant,
            label(deep),
            deep.constant
        ),
        deep.constant < shallow.constant,
    ))]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn conv_row(depth: usize, identity: f64, constant: f64) -> Value {
        json!({
            "network": format!("{depth} layers"),
            "arch": { "arch": "conv", "depth": depth, "channels": 8, "kernel": 5 },
            "identity": [identity, 0.0], "constant": [constant, 0.0],
        })
    }

    #[test]
    fn the_conv_depth_claims_read_the_rho_zero_column() {
        let holds = json!({ "rows": [conv_row(1, 0.95, 0.1), conv_row(5, 0.85, 0.2), conv_row(20, 0.1, 0.9)] });
        let verdicts: Vec<_> = judge(7, &holds).iter().map(|c| c.holds).collect();
        assert_eq!(verdicts, [Some(true), Some(true)]);
        let fails = json!({ "rows": [conv_row(1, 0.95, 0.1), conv_row(5, 0.6, 0.2), conv_row(20, 0.3, 0.5)] });
        let verdicts: Vec<_> = judge(7, &fails).iter().map(|c| c.holds).collect();
        assert_eq!(verdicts, [Some(false), Some(false)]);
    }

    #[test]
    fn test_row_means_leave_out_the_training_digit_and_the_mix() {
        let json = json!({
            "inputs": ["training", "mix", "mnist:0", "noise"],
            "rows": [{ "network": "x", "identity": [1.0, 1.0, 0.2, 0.4], "constant": [0.0, 0.0, 0.0, 0.0] }],
        });
        let rows = rows(&json, Source::TestRow);
        assert!((rows[0].identity - 0.3).abs() < 1e-12);
    }

    #[test]
    fn missing_rows_give_no_claim_rather_than_a_verdict() {
        assert!(judge(7, &json!({ "rows": [] })).is_empty());
        assert!(judge(2, &json!({})).is_empty());
        assert_eq!(judge(23, &json!({}))[0].holds, None);
    }

    #[test]
    fn the_collapse_claim_compares_against_halfway_to_chance() {
        let mut random = vec![0.3; 3];
        random.extend([0.7; 8]);
        let json = json!({ "curves": [
            { "network": "random", "error_rate": random },
            { "network": "5 layers", "error_rate": [0.3, 0.5, 0.7, 0.5, 0.4, 0.3] },
        ]});
        let claims = judge(9, &json);
        assert_eq!(claims[0].holds, Some(true), "{}", claims[0].measured);
        assert_eq!(claims[1].holds, Some(true), "{}", claims[1].measured);
    }
}
