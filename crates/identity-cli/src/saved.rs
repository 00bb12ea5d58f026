//! Saved networks on disk (`train --save`, `predict --model`, `figure --save-models`): the
//! core's file format (`identity_core::saved`), written atomically so that an interrupted
//! run never leaves half a file where a finished network is expected.

use std::fs;
use std::path::Path;

use burn::prelude::Device;
use identity_core::data::Image;
use identity_core::saved::{self, Precision, Saved};
use identity_core::{ArchConfig, TrainConfig, Trained};

use crate::common::{CliError, CliResult, read_regular};

/// Checks that a network can be written at `path`, so that a bad `--save` is refused before
/// training rather than after.
pub fn check_writable(path: &Path) -> CliResult {
    let refuse =
        |why: String| CliError::Usage(format!("{} cannot be written: {why}", path.display()));
    if path.is_dir() {
        return Err(refuse("it is a folder".into()));
    }
    let partial = partial(path);
    fs::write(&partial, b"").map_err(|e| refuse(e.to_string()))?;
    fs::remove_file(&partial).map_err(|e| refuse(e.to_string()))
}

/// Where a network is written before it is renamed into place.
fn partial(path: &Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".partial-{}", std::process::id()));
    path.with_file_name(name)
}

/// Writes `trained` (trained with `config` on `training` on `backend`) to `path`.
pub fn write(
    path: &Path,
    trained: &Trained,
    arch: &ArchConfig,
    config: &TrainConfig,
    training: &Image,
    backend: &str,
    precision: Precision,
) -> CliResult {
    let bytes = pollster::block_on(saved::to_bytes(
        &trained.network,
        trained.progress,
        arch,
        config,
        training,
        backend,
        precision,
    ))?;
    let cannot = |e: std::io::Error| CliError::Run(format!("cannot write {}: {e}", path.display()));
    // Written beside its place, then renamed: the file is whole or absent.
    let partial = partial(path);
    fs::write(&partial, &bytes).map_err(cannot)?;
    fs::rename(&partial, path).map_err(|e| {
        let _ = fs::remove_file(&partial);
        cannot(e)
    })
}

/// The largest network file read (the paper's largest network, the 2-layer ReLU FCN of
/// 16,384 hidden units, is about 100 MB in f32).
const MAX_NETWORK_BYTES: u64 = 1 << 30;

/// Reads the network at `path` onto `device`, naming the file in any refusal.
pub fn read(path: &Path, device: &Device) -> Result<Saved, CliError> {
    // A file the user named that cannot be used is a bad argument (exit status 2).
    let bytes = read_regular(path, MAX_NETWORK_BYTES, "a network file", true)
        .map_err(|e| CliError::Usage(e.to_string()))?
        .ok_or_else(|| CliError::Usage(format!("{}: no such file", path.display())))?;
    pollster::block_on(saved::from_bytes(&bytes, device))
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}
