//! The rules the page applies, written from the crates' constants into `www/js/rules.js` (by
//! `identity-crisis site --rules FILE`, which `cargo xtask models` runs), so that the page
//! restates none of them: the architecture and training limits of `identity-core`, SGD's
//! momentum, the image sides, and the thresholds the verdicts use. A test fails when the file
//! differs from what these constants write.

use std::fmt::Write;

use identity_core::arch::{MAX_CHANNELS, MAX_DEPTH, MAX_HIDDEN_LAYERS, MAX_KERNEL, MAX_WIDTH};
use identity_core::collapse::CHANCE_ERROR;
use identity_core::data::{MAX_SIDE, MIN_SIDE, MNIST_SIDE};
use identity_core::train::{MAX_LEARNING_RATE, MAX_STEPS, SGD_MOMENTUM};

use crate::claim::LIKE;
use crate::scale::Scale;

/// Each rule: its name in JavaScript, its value as JavaScript (and JSON) writes it, and what
/// it is.
fn rules() -> Vec<(&'static str, String, &'static str)> {
    // The lab measures as the site's figures do (quick scale).
    let scale = Scale::Quick;
    let (digits, fashion) = scale.test_row();
    let rhos: Vec<String> = scale.rhos().iter().map(|r| format!("{r:?}")).collect();
    vec![
        (
            "MAX_DEPTH",
            MAX_DEPTH.to_string(),
            "The most layers a ConvNet may have",
        ),
        (
            "MAX_CHANNELS",
            MAX_CHANNELS.to_string(),
            "The most channels a ConvNet layer may have",
        ),
        (
            "MAX_KERNEL",
            MAX_KERNEL.to_string(),
            "The largest (odd) kernel side",
        ),
        (
            "MAX_HIDDEN_LAYERS",
            MAX_HIDDEN_LAYERS.to_string(),
            "The most hidden layers an FCN may have",
        ),
        (
            "MAX_WIDTH",
            MAX_WIDTH.to_string(),
            "The widest an FCN's hidden layer may be",
        ),
        (
            "MAX_LEARNING_RATE",
            format!("{MAX_LEARNING_RATE:?}"),
            "The largest learning rate (the smallest is above 0)",
        ),
        (
            "MAX_STEPS",
            MAX_STEPS.to_string(),
            "The largest step budget",
        ),
        (
            "SGD_MOMENTUM",
            format!("{SGD_MOMENTUM:?}"),
            "SGD's momentum, wherever SGD is chosen",
        ),
        ("MIN_SIDE", MIN_SIDE.to_string(), "The smallest image side"),
        ("MAX_SIDE", MAX_SIDE.to_string(), "The largest image side"),
        (
            "MNIST_SIDE",
            MNIST_SIDE.to_string(),
            "The side of an MNIST image: the lab's training images, drawings and answers",
        ),
        (
            "MNIST_PIXELS",
            (MNIST_SIDE * MNIST_SIDE).to_string(),
            "The pixels of an MNIST image, one after another in a list of several",
        ),
        (
            "MATCH",
            format!("{LIKE:?}"),
            "A correlation at least this high counts as a match (identity or constant)",
        ),
        (
            "RHOS",
            format!("[{}]", rhos.join(", ")),
            "The rho columns of a heatmap row, as the figures measure them",
        ),
        (
            "PROBES_PER_RHO",
            scale.probes_per_rho().to_string(),
            "Random inputs averaged per rho, as the figures do",
        ),
        (
            "TEST_ROW_DIGITS",
            digits.to_string(),
            "MNIST test digits in the test row, as in the figures",
        ),
        (
            "TEST_ROW_FASHION",
            fashion.to_string(),
            "Fashion-MNIST images in the test row, as in the figures",
        ),
        (
            "CHANCE_ERROR",
            format!("{CHANCE_ERROR:?}"),
            "The error rate of a guess among the 10 digits (Fig. 9)",
        ),
    ]
}

/// The text of `www/js/rules.js`.
pub fn module() -> String {
    let mut js = String::from(
        "// Written by `identity-crisis site --rules` from the Rust constants (identity_figures::page_rules):\n\
         // change them there, not here. A test fails when this file differs.\n",
    );
    for (name, value, what) in rules() {
        writeln!(js, "\n/** {what}. */\nexport const {name} = {value};").ok();
    }
    js
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_rules_are_the_crates() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/js/rules.js");
        let page = std::fs::read_to_string(path).expect("www/js/rules.js is in the repository");
        assert_eq!(
            page,
            module(),
            "www/js/rules.js differs from the Rust constants: run `identity-crisis site --rules www/js/rules.js ...` (cargo xtask models --no-train)"
        );
    }

    #[test]
    fn every_rule_is_a_number_or_a_list_of_them() {
        for (name, value, _) in rules() {
            let parsed: serde_json::Value = serde_json::from_str(&value).unwrap();
            let numbers = match &parsed {
                serde_json::Value::Array(items) => items.iter().all(|v| v.is_number()),
                v => v.is_number(),
            };
            assert!(numbers, "{name} = {value}");
        }
    }
}
