//! A trained network as a file: its weights in burn's own format (burnpack, through
//! `burn-store`) and a [`Manifest`] that describes it completely (architecture, training
//! configuration and seed, training image, how training went, the backend, the format
//! version and a checksum of the weights), so that the network answers exactly as it did
//! when it was saved, on any device.
//!
//! Saving reads the weights back asynchronously first (a synchronous read panics on WebGPU in
//! the browser), so it works from every backend. Loading checks everything a file can get
//! wrong and says which: not a network file, truncated, another format version, weights of
//! another shape, a checksum that does not match, weights that are not finite.

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use burn::store::burn_pack::Reader;
use burn::store::{BurnpackStore, HalfPrecisionAdapter, ModuleSnapshot};
use burn::tensor::{Bytes, f16};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::arch::ArchConfig;
use crate::data::Image;
use crate::error::{Error, read_floats};
use crate::nets::Network;
use crate::train::{Progress, TrainConfig, Trained, initial_network};

/// The version of the file layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The burnpack metadata key the manifest is stored under.
const MANIFEST_KEY: &str = "identity-crisis";

/// How the weights are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 32-bit floats: the network answers exactly as trained.
    #[default]
    F32,
    /// 16-bit floats (burn-store's half-precision adapter), half the bytes; the answers move
    /// slightly (the tests bound the change).
    F16,
}

impl Precision {
    /// The precision a `--half` flag asks for: 16 bits when set, else 32.
    pub fn half_if(half: bool) -> Self {
        if half { Precision::F16 } else { Precision::F32 }
    }
}

/// Everything about a saved network but its weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The file layout's version ([`FORMAT_VERSION`] when written by this build).
    pub format: u32,
    /// The architecture.
    pub arch: ArchConfig,
    /// How it was trained, seed included (the initial weights follow from it).
    pub config: TrainConfig,
    /// The training image's side.
    pub side: usize,
    /// The training image's pixels, row-major.
    pub training: Vec<f32>,
    /// How training ended: steps, final loss, time, why it stopped.
    pub progress: Progress,
    /// The backend it was trained on (`flex`, `wgpu`).
    pub backend: String,
    /// How the weights are stored.
    pub precision: Precision,
    /// SHA-256 of the weights as loaded (little-endian f32, layer by layer, weight then
    /// bias), in hex.
    pub checksum: String,
}

impl Manifest {
    /// The training image.
    pub fn training_image(&self) -> Result<Image, Error> {
        Ok(Image::new(self.side, self.training.clone())?)
    }
}

/// A network and its manifest.
#[derive(Debug, Clone)]
pub struct Saved {
    /// What the file says of the network.
    pub manifest: Manifest,
    /// The network, its initial weights (rebuilt from the seed) and its training progress.
    pub trained: Trained,
}

/// The file's bytes for `network`, trained as `progress` says with `config` on `training` on
/// `backend`.
pub async fn to_bytes(
    network: &Network,
    progress: Progress,
    arch: &ArchConfig,
    config: &TrainConfig,
    training: &Image,
    backend: &str,
    precision: Precision,
) -> Result<Vec<u8>, Error> {
    let network = to_cpu(network).await?;
    let (checksum, _) = weights_checksum(&network, precision).await?;
    let manifest = Manifest {
        format: FORMAT_VERSION,
        arch: arch.clone(),
        config: config.clone(),
        side: training.side(),
        training: training.pixels().to_vec(),
        progress,
        backend: backend.to_string(),
        precision,
        checksum,
    };
    write(&network, &manifest)
}

/// The file of the CPU network `network` under `manifest` (its checksum as given).
fn write(network: &Network, manifest: &Manifest) -> Result<Vec<u8>, Error> {
    let text = serde_json::to_string(manifest)
        .map_err(|e| Error::File(format!("cannot write the manifest: {e}")))?;
    let mut store = BurnpackStore::from_bytes(None).metadata(MANIFEST_KEY, text);
    if manifest.precision == Precision::F16 {
        store = store.with_to_adapter(HalfPrecisionAdapter::new());
    }
    network
        .save_into(&mut store)
        .map_err(|e| Error::File(format!("cannot write the weights: {e}")))?;
    let bytes = store
        .get_bytes()
        .map_err(|e| Error::File(format!("cannot write the weights: {e}")))?;
    Ok(bytes.to_vec())
}

/// The network in `bytes`, on `device`, with its manifest; a file that cannot be used is
/// refused with a message that says why.
pub async fn from_bytes(bytes: &[u8], device: &Device) -> Result<Saved, Error> {
    load(bytes, manifest_of(bytes)?, device).await
}

/// [`from_bytes`] for a caller that has read the file's manifest already ([`manifest_of`]: to
/// decide where the network goes before its weights are read).
pub async fn load(bytes: &[u8], manifest: Manifest, device: &Device) -> Result<Saved, Error> {
    manifest.arch.validate(manifest.side)?;
    manifest.config.validate()?;
    let id = network_id(
        &manifest.arch,
        &manifest.config,
        &manifest.training_image()?,
    );
    let cpu = Device::flex();
    let mut network = initial_network(&manifest.arch, manifest.side, &manifest.config, &cpu)?;
    let mut store = BurnpackStore::from_bytes(Some(Bytes::from_bytes_vec(bytes.to_vec())));
    if manifest.precision == Precision::F16 {
        store = store.with_from_adapter(HalfPrecisionAdapter::new());
    }
    network.load_from(&mut store).map_err(|e| {
        Error::File(format!(
            "the weights do not fit a {} network at {} px: {e}",
            manifest.arch.name(),
            manifest.side
        ))
    })?;
    let (checksum, non_finite) = weights_checksum(&network, Precision::F32).await?;
    if let Some(layer) = non_finite {
        return Err(Error::File(format!(
            "layer {layer} has weights that are not finite numbers"
        )));
    }
    if checksum != manifest.checksum {
        return Err(Error::File(
            "the weights do not match the manifest's checksum: the file is damaged".into(),
        ));
    }
    let initial = initial_network(&manifest.arch, manifest.side, &manifest.config, device)?;
    Ok(Saved {
        trained: Trained {
            network: network.to_device(device),
            initial,
            progress: manifest.progress,
            id,
        },
        manifest,
    })
}

/// Reads the manifest alone (no weights), checking the format version first so that a file
/// of another version is named as such even when its manifest has another shape.
pub fn manifest_of(bytes: &[u8]) -> Result<Manifest, Error> {
    let reader = Reader::from_bytes(Bytes::from_bytes_vec(bytes.to_vec())).map_err(|e| {
        Error::File(format!(
            "not a network file, or a truncated one (burnpack: {e})"
        ))
    })?;
    let text = reader.metadata().get(MANIFEST_KEY).ok_or_else(|| {
        Error::File("a burnpack file, but not an identity-crisis network (no manifest)".into())
    })?;
    #[derive(Deserialize)]
    struct Version {
        format: u32,
    }
    let version: Version = serde_json::from_str(text)
        .map_err(|e| Error::File(format!("the manifest cannot be read: {e}")))?;
    if version.format != FORMAT_VERSION {
        return Err(Error::File(format!(
            "format version {} (this build reads version {FORMAT_VERSION})",
            version.format
        )));
    }
    serde_json::from_str(text).map_err(|e| Error::File(format!("the manifest cannot be read: {e}")))
}

/// The identity of the network that `config` trains from `arch` on `training`: everything that
/// decides its weights (the seed included), hashed (SHA-256 of their JSON, 16 hex digits).
/// Equal configurations give equal ids on every machine, so runs split across machines agree
/// on which network is which.
pub fn network_id(arch: &ArchConfig, config: &TrainConfig, training: &Image) -> String {
    #[derive(Serialize)]
    struct Identity<'a> {
        arch: &'a ArchConfig,
        config: &'a TrainConfig,
        side: usize,
        training: &'a [f32],
    }
    let text = serde_json::to_string(&Identity {
        arch,
        config,
        side: training.side(),
        training: training.pixels(),
    })
    .expect("plain data serializes");
    hex(&Sha256::digest(text.as_bytes())[..8])
}

/// Bytes as lower-case hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A copy of `network` on the CPU backend, its weights read back asynchronously.
async fn to_cpu(network: &Network) -> Result<Network, Error> {
    let cpu = Device::flex();
    Ok(match network {
        Network::Fcn(fcn) => {
            let mut layers = Vec::with_capacity(fcn.layers.len());
            for layer in &fcn.layers {
                layers.push(Linear {
                    weight: param_on(&layer.weight, &cpu).await?,
                    bias: bias_on(&layer.bias, &cpu).await?,
                });
            }
            Network::Fcn(crate::nets::Fcn {
                layers,
                relu: fcn.relu,
            })
        }
        Network::Conv(conv) => {
            let mut layers = Vec::with_capacity(conv.layers.len());
            for layer in &conv.layers {
                layers.push(Conv2d {
                    weight: param_on(&layer.weight, &cpu).await?,
                    bias: bias_on(&layer.bias, &cpu).await?,
                    ..layer.clone()
                });
            }
            Network::Conv(crate::nets::ConvNet { layers })
        }
    })
}

/// The parameter's value read back and put on `device`.
async fn param_on<const D: usize>(
    param: &Param<Tensor<D>>,
    device: &Device,
) -> Result<Param<Tensor<D>>, Error> {
    let data = param
        .val()
        .into_data_async()
        .await
        .map_err(|e| Error::Read(e.to_string()))?;
    Ok(Param::from_tensor(Tensor::from_data(data, device)))
}

/// The bias, if there is one, read back and put on `device`.
async fn bias_on(
    bias: &Option<Param<Tensor<1>>>,
    device: &Device,
) -> Result<Option<Param<Tensor<1>>>, Error> {
    Ok(match bias {
        Some(bias) => Some(param_on(bias, device).await?),
        None => None,
    })
}

/// The SHA-256 of the weights as `precision` stores them, and the first layer (1-based)
/// with a weight that is not finite.
async fn weights_checksum(
    network: &Network,
    precision: Precision,
) -> Result<(String, Option<usize>), Error> {
    let mut hash = Sha256::new();
    let mut non_finite = None;
    for (i, layer) in network.layer_parameters().into_iter().enumerate() {
        for tensor in std::iter::once(layer.weight).chain(layer.bias) {
            for value in read_floats(tensor).await? {
                let value = match precision {
                    Precision::F32 => value,
                    Precision::F16 => f16::from_f32(value).to_f32(),
                };
                if !value.is_finite() {
                    non_finite.get_or_insert(i + 1);
                }
                hash.update(value.to_le_bytes());
            }
        }
    }
    Ok((hex(&hash.finalize()), non_finite))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::correlation;
    use crate::train::train;

    fn trained(arch: &ArchConfig) -> (Trained, TrainConfig, Image) {
        let image = crate::data::default_training_image().unwrap();
        let config = TrainConfig {
            steps: 20,
            seed: 3,
            ..TrainConfig::for_arch(arch)
        };
        let device = Device::flex();
        let trained = pollster::block_on(train(arch, &image, config.clone(), &device, |_| {
            std::ops::ControlFlow::Continue(())
        }))
        .unwrap();
        (trained, config, image)
    }

    fn answer(network: &Network, image: &Image) -> Vec<f32> {
        let x = crate::train::image_batch(std::slice::from_ref(image), &Device::flex()).unwrap();
        pollster::block_on(read_floats(network.forward(x))).unwrap()
    }

    fn conv() -> ArchConfig {
        ArchConfig::Conv {
            depth: 3,
            channels: 4,
            kernel: 5,
        }
    }

    fn save(
        trained: &Trained,
        arch: &ArchConfig,
        config: &TrainConfig,
        image: &Image,
        precision: Precision,
    ) -> Vec<u8> {
        pollster::block_on(to_bytes(
            &trained.network,
            trained.progress,
            arch,
            config,
            image,
            "flex",
            precision,
        ))
        .unwrap()
    }

    fn load(bytes: &[u8]) -> Result<Saved, Error> {
        pollster::block_on(from_bytes(bytes, &Device::flex()))
    }

    fn refusal(bytes: &[u8]) -> String {
        match load(bytes) {
            Ok(_) => panic!("a bad file was loaded"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_saved_network_answers_exactly_as_before_with_its_manifest() {
        let probe = crate::data::Subset::MnistTest
            .load()
            .unwrap()
            .image(1)
            .unwrap();
        for arch in [
            conv(),
            ArchConfig::Linear { hidden: vec![32] },
            ArchConfig::Relu {
                hidden: vec![16, 16],
                train_bottom_only: false,
            },
        ] {
            let (trained, config, image) = trained(&arch);
            let bytes = save(&trained, &arch, &config, &image, Precision::F32);
            let saved = load(&bytes).unwrap();
            assert_eq!(
                answer(&saved.trained.network, &probe),
                answer(&trained.network, &probe)
            );
            assert!(
                answer(&saved.trained.initial, &probe) == answer(&trained.initial, &probe),
                "{}",
                arch.name()
            );
            let m = &saved.manifest;
            assert_eq!((&m.arch, &m.config, m.side), (&arch, &config, 28));
            assert_eq!(m.training_image().unwrap(), image);
            assert_eq!(m.progress, trained.progress);
            assert_eq!(
                (m.format, m.backend.as_str(), m.precision),
                (FORMAT_VERSION, "flex", Precision::F32)
            );
            assert_eq!(m.checksum.len(), 64);
        }
    }

    #[test]
    fn a_network_id_changes_with_everything_that_decides_the_weights() {
        let image = crate::data::default_training_image().unwrap();
        let arch = conv();
        let config = TrainConfig::for_arch(&arch);
        let id = network_id(&arch, &config, &image);
        assert_eq!(id.len(), 16);
        assert_eq!(id, network_id(&arch, &config.clone(), &image.clone()));
        let other_seed = TrainConfig {
            seed: 1,
            ..config.clone()
        };
        let other_rate = TrainConfig {
            learning_rate: 0.5,
            ..config.clone()
        };
        let other_arch = ArchConfig::Conv {
            depth: 4,
            channels: 4,
            kernel: 5,
        };
        let other_image = image.resample(14).unwrap();
        for other in [
            network_id(&arch, &other_seed, &image),
            network_id(&arch, &other_rate, &image),
            network_id(&other_arch, &config, &image),
            network_id(&arch, &config, &other_image),
        ] {
            assert_ne!(other, id);
        }
    }

    #[test]
    fn half_precision_halves_the_file_and_keeps_the_answers_within_0_01_correlation() {
        let probes = crate::data::Subset::MnistTest.load().unwrap();
        for arch in [conv(), ArchConfig::Linear { hidden: vec![64] }] {
            let (trained, config, image) = trained(&arch);
            let full = save(&trained, &arch, &config, &image, Precision::F32);
            let half = save(&trained, &arch, &config, &image, Precision::F16);
            let params = arch.param_count(28) as usize;
            assert!(
                full.len() >= 4 * params && half.len() < full.len() - params,
                "{} {}",
                full.len(),
                half.len()
            );
            let loaded = load(&half).unwrap();
            assert_eq!(loaded.manifest.precision, Precision::F16);
            for i in 0..10 {
                let probe = probes.image(i).unwrap();
                let a = answer(&trained.network, &probe);
                let b = answer(&loaded.trained.network, &probe);
                let r = correlation(&a, &b).unwrap();
                assert!(r > 0.99, "{} probe {i}: {r}", arch.name());
            }
        }
    }

    #[test]
    fn a_file_that_does_not_fit_is_refused_with_the_reason() {
        let arch = conv();
        let (trained, config, image) = trained(&arch);
        let bytes = save(&trained, &arch, &config, &image, Precision::F32);
        let manifest = manifest_of(&bytes).unwrap();
        let network = pollster::block_on(to_cpu(&trained.network)).unwrap();

        assert!(refusal(b"not a network").contains("not a network file"));
        for cut in (1..16).map(|k| bytes.len() * k / 16) {
            let why = refusal(&bytes[..cut]);
            assert!(
                why.contains("truncated") || why.contains("do not fit"),
                "cut at {cut}: {why}"
            );
        }
        let other_version = Manifest {
            format: FORMAT_VERSION + 1,
            ..manifest.clone()
        };
        let why = refusal(&write(&network, &other_version).unwrap());
        assert!(why.contains("format version 2"), "{why}");
        let other_shape = Manifest {
            arch: ArchConfig::Conv {
                depth: 3,
                channels: 8,
                kernel: 5,
            },
            ..manifest.clone()
        };
        let why = refusal(&write(&network, &other_shape).unwrap());
        assert!(why.contains("do not fit"), "{why}");
        let damaged = Manifest {
            checksum: "0".repeat(64),
            ..manifest.clone()
        };
        let why = refusal(&write(&network, &damaged).unwrap());
        assert!(why.contains("damaged"), "{why}");

        let Network::Conv(mut nan) = network else {
            unreachable!()
        };
        let weight = nan.layers[1].weight.val();
        nan.layers[1].weight = Param::from_tensor(weight.mul_scalar(f32::NAN));
        let why = refusal(&write(&Network::Conv(nan), &manifest).unwrap());
        assert!(
            why.contains("layer 2") && why.contains("not finite"),
            "{why}"
        );
    }
}
