//! The figure registry as the site reads it: per figure of [`crate::all`], its number, kind,
//! titles, the networks' sizes at the scale its data was made at and at the paper's, and
//! whether its networks ship. The CLI's `site` command writes it, with each figure's file,
//! into the site's `paper/index.json` ([`SiteIndex`]); the page and the embed list no figure
//! of their own.

use std::collections::BTreeSet;

use identity_core::ArchConfig;
use serde::{Deserialize, Serialize};

use crate::figure::Figure;
use crate::scale::Scale;

/// One figure of the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The paper's figure number.
    pub figure: u32,
    /// The kind of its data (the `kind` tag of its file's runs).
    pub kind: String,
    /// Our title.
    pub title: String,
    /// The first sentence of the paper's caption.
    pub caption: String,
    /// Its networks at the scale its data was made at, in words.
    pub sizes: String,
    /// Its networks at the paper's sizes, in words.
    pub paper_sizes: String,
    /// Whether the site's set of networks trains its networks (see [`Figure::ships_networks`]).
    pub ships_networks: bool,
}

impl Entry {
    /// The registry's entry of `figure`, its sizes at `scale` (its channel sweep at most
    /// `widest` channels wide: [`crate::sweeps::within`]).
    pub fn of(figure: &Figure, scale: Scale, widest: Option<usize>) -> Self {
        Entry {
            figure: figure.number,
            kind: figure.kind.name().to_string(),
            title: figure.title.to_string(),
            caption: figure.caption.to_string(),
            sizes: sizes(figure, scale, widest),
            paper_sizes: sizes(figure, Scale::Paper, None),
            ships_networks: figure.ships_networks,
        }
    }
}

/// Every figure's entry, its sizes at `scale`, in the paper's order.
pub fn entries(scale: Scale) -> Vec<Entry> {
    crate::all()
        .iter()
        .map(|f| Entry::of(f, scale, None))
        .collect()
}

/// The site's `paper/index.json`: the registry at the scale of the site's data, and per
/// figure its file and networks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteIndex {
    /// The scale the site's figures were made at.
    pub scale: Scale,
    /// Every seed some figure's claims were judged on (each figure's claims name their own;
    /// every figure shows the first).
    pub seeds: Vec<u64>,
    /// Every figure, in the paper's order.
    pub figures: Vec<SiteFigure>,
}

/// A figure of the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteFigure {
    /// Its registry entry.
    #[serde(flatten)]
    pub entry: Entry,
    /// Its data file, beside the index (`figN.json`).
    pub file: String,
    /// The file's bytes.
    pub bytes: u64,
    /// The trained networks its data shows.
    pub networks: usize,
    /// How many of them ship (their files are in the site's `models/`).
    pub shipped: usize,
}

/// The sizes of a figure's networks at `scale` (at most `widest` channels), in words: the
/// ConvNets' channels and kernels, the FCNs' widths, and the training images' sides where not
/// all 28 x 28.
pub fn sizes(figure: &Figure, scale: Scale, widest: Option<usize>) -> String {
    let plan = figure.plan(scale, widest);
    let (mut channels, mut kernels, mut widths, mut sides) = (
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
    );
    // The one-layer net's size: pixels in, pixels out.
    let mut one_layer = None;
    for planned in &plan {
        sides.insert(planned.side);
        match &planned.arch {
            ArchConfig::Conv {
                channels: c,
                kernel: k,
                ..
            } => {
                channels.insert(*c);
                kernels.insert(*k);
            }
            ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => {
                if hidden.is_empty() {
                    one_layer = Some(planned.side * planned.side);
                }
                widths.extend(hidden.iter().copied())
            }
        }
    }
    let mut parts = Vec::new();
    if !channels.is_empty() {
        let kernels: Vec<String> = kernels.iter().map(|k| format!("{k}\u{d7}{k}")).collect();
        parts.push(format!(
            "ConvNets of {} channels, {} kernels",
            listed(&channels),
            words(&kernels)
        ));
    }
    if let Some(pixels) = one_layer {
        parts.push(format!("one linear layer, {pixels} \u{d7} {pixels}"));
    }
    if !widths.is_empty() {
        parts.push(format!("FCNs {} wide", listed(&widths)));
    }
    if sides.len() > 1 || sides.iter().any(|&s| s != 28) {
        parts.push(format!("trained at {} pixels a side", listed(&sides)));
    }
    parts.join("; ")
}

/// Numbers in words: "32", "3 and 8", "3, 8 and 16".
fn listed(values: &BTreeSet<usize>) -> String {
    let texts: Vec<String> = values.iter().map(usize::to_string).collect();
    words(&texts)
}

/// Items joined with commas and a final "and".
fn words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_has_an_entry_with_its_sizes_at_both_scales() {
        let entries = entries(Scale::Quick);
        assert_eq!(entries.len(), 33);
        let six = &entries[5];
        assert_eq!(six.figure, 6);
        assert_eq!(six.kind, "grid");
        assert_eq!(six.sizes, "ConvNets of 32 channels, 5\u{d7}5 kernels");
        assert_eq!(
            six.paper_sizes,
            "ConvNets of 128 channels, 5\u{d7}5 kernels"
        );
        assert!(
            entries
                .iter()
                .all(|e| !e.sizes.is_empty() && !e.caption.is_empty())
        );
        let thirteen = &entries[12];
        assert!(
            thirteen.sizes.contains("pixels a side"),
            "{}",
            thirteen.sizes
        );
    }

    #[test]
    fn the_site_index_is_what_the_registry_says() {
        // The site's index (www/paper/index.json, written by `identity-crisis site`) lists the
        // figures of `all()` with their current entries: a figure added, dropped or renamed in
        // Rust without the site made again fails here.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/paper/index.json");
        let text = std::fs::read_to_string(path).expect("the site's index is in the repository");
        let index: SiteIndex = serde_json::from_str(&text).expect("the index has its shape");
        let site: Vec<&Entry> = index.figures.iter().map(|f| &f.entry).collect();
        let rust = entries(index.scale);
        assert_eq!(site, rust.iter().collect::<Vec<_>>());
        for figure in &index.figures {
            assert_eq!(figure.file, format!("fig{}.json", figure.entry.figure));
            assert!(figure.shipped <= figure.networks);
        }
    }
}
