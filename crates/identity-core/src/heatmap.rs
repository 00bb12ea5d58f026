//! The heatmaps of Fig. 5 and 7: mean correlation to the identity and to the constant map
//! over rho test inputs, one column per rho.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::Image;
use crate::error::Error;
use crate::measure::{answers, mean_answer};
use crate::nets::Network;
use crate::rho::{Probes, rho_probes};

/// One network's row of the heatmap: a value per rho.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatmapRow {
    /// Mean correlation to the identity, per rho (`None` where undefined for every probe: a
    /// dead network's flat output).
    pub identity: Vec<Option<f32>>,
    /// Mean correlation to the constant map, per rho (`None` likewise).
    pub constant: Vec<Option<f32>>,
    /// Mean edge score (correlation to the input's edge map), per rho (`None` likewise;
    /// empty in files made before it was measured).
    #[serde(default)]
    pub edges: Vec<Option<f32>>,
    /// Mean MSE to the identity, per rho (App. I).
    pub mse_identity: Vec<f32>,
    /// Mean MSE to the constant map, per rho (App. I).
    pub mse_constant: Vec<f32>,
}

/// Measures `network` on `n_per_rho` rho probes (in the sense of `probes`) for each of `rhos`
/// (seeded by `seed`).
pub async fn heatmap(
    network: &Network,
    training: &Image,
    rhos: &[f32],
    n_per_rho: usize,
    probes: Probes,
    seed: u64,
    device: &Device,
) -> Result<HeatmapRow, Error> {
    if n_per_rho == 0 {
        return Err(Error::Input(
            "the heatmap needs at least one probe per rho".into(),
        ));
    }
    let mut row = HeatmapRow {
        identity: vec![],
        constant: vec![],
        edges: vec![],
        mse_identity: vec![],
        mse_constant: vec![],
    };
    for (i, &rho) in rhos.iter().enumerate() {
        let inputs = rho_probes(
            training,
            rho,
            n_per_rho,
            seed.wrapping_add(i as u64),
            probes,
        )?;
        let mean = mean_answer(&answers(network, &inputs, training, device).await?);
        row.identity.push(mean.identity);
        row.constant.push(mean.constant);
        row.edges.push(mean.edges);
        row.mse_identity.push(mean.mse_identity);
        row.mse_constant.push(mean.mse_constant);
    }
    Ok(row)
}
