//! What every command shares: the backend and seed flags, the architecture and training
//! flags, and the error type that picks the exit status.

use std::fmt;

use burn::prelude::*;
use clap::{Args, ValueEnum};
use identity_core::train::{SGD_MOMENTUM, TrainOverrides};
use identity_core::{ArchConfig, Init, Optimizer, TrainConfig};

/// A failure, with the exit status it deserves.
#[derive(Debug)]
pub enum CliError {
    /// Bad arguments (exit status 2).
    Usage(String),
    /// A failure while running (exit status 1).
    Run(String),
}

impl CliError {
    /// 2 for bad arguments, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Run(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Run(m) => f.write_str(m),
        }
    }
}

impl From<identity_core::Error> for CliError {
    fn from(err: identity_core::Error) -> Self {
        match err {
            identity_core::Error::Config(e) => CliError::Usage(e.to_string()),
            other => CliError::Run(other.to_string()),
        }
    }
}

impl From<identity_core::ConfigError> for CliError {
    fn from(err: identity_core::ConfigError) -> Self {
        CliError::Usage(err.to_string())
    }
}

impl From<identity_core::data::DataError> for CliError {
    fn from(err: identity_core::data::DataError) -> Self {
        CliError::Run(err.to_string())
    }
}

/// How `value` is written on the command line (`flex`, `quick`): the name clap accepts.
pub fn flag_value(value: &impl ValueEnum) -> String {
    value
        .to_possible_value()
        .expect("no variant is skipped")
        .get_name()
        .to_string()
}

/// The result of a command.
pub type CliResult = Result<(), CliError>;

/// Where the tensors live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// burn's flex CPU backend.
    Flex,
    /// wgpu: Vulkan or Metal on the default adapter.
    Wgpu,
}

/// The flags every command takes.
#[derive(Debug, Args)]
pub struct Common {
    /// Compute backend.
    #[arg(long, value_enum, default_value_t = Backend::Flex)]
    pub backend: Backend,
    /// Random seed (weights, test inputs).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Print machine-readable JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

impl Common {
    /// Opens the device, with a clear error when no adapter is there.
    pub fn device(&self) -> Result<Device, CliError> {
        open_device(self.backend)
    }
}

/// Opens a device of `backend`.
pub fn open_device(backend: Backend) -> Result<Device, CliError> {
    match backend {
        Backend::Flex => Ok(Device::flex()),
        Backend::Wgpu => Device::wgpu_options().init().map_err(|e| {
            CliError::Run(format!(
                "no wgpu device: {e} (install a Vulkan driver, e.g. Debian mesa-vulkan-drivers)"
            ))
        }),
    }
}

/// Architecture families on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Family {
    /// Linear FCN (no activation, no bias).
    Linear,
    /// ReLU FCN.
    Relu,
    /// ConvNet.
    Conv,
}

/// Flags of the architecture (depth given separately where a command sweeps it).
#[derive(Debug, Args)]
pub struct ArchArgs {
    /// Architecture family.
    #[arg(long, value_enum, default_value_t = Family::Conv)]
    pub arch: Family,
    /// Width of every FCN hidden layer.
    #[arg(long, default_value_t = 784)]
    pub hidden: usize,
    /// ConvNet channels.
    #[arg(long, default_value_t = 32)]
    pub channels: usize,
    /// ConvNet kernel side (odd).
    #[arg(long, default_value_t = 5)]
    pub kernel: usize,
    /// ReLU FCN: train only the bottom layer (eq. 2; needs depth 1).
    #[arg(long)]
    pub train_bottom_only: bool,
}

impl ArchArgs {
    /// The architecture at `depth`: conv layers for ConvNets, hidden layers for FCNs (0 is the
    /// 1-layer linear net).
    pub fn at_depth(&self, depth: usize) -> Result<ArchConfig, CliError> {
        if self.train_bottom_only && self.arch != Family::Relu {
            return Err(CliError::Usage(
                "--train-bottom-only is for --arch relu (eq. 2)".into(),
            ));
        }
        // The FCN constructors check the layer count before allocating the layers.
        Ok(match self.arch {
            Family::Linear => ArchConfig::linear(self.hidden, depth)?,
            Family::Relu => ArchConfig::relu(self.hidden, depth, self.train_bottom_only)?,
            Family::Conv => ArchConfig::Conv {
                depth,
                channels: self.channels,
                kernel: self.kernel,
            },
        })
    }
}

/// Optimiser names on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OptimizerName {
    /// SGD with momentum 0.9.
    Sgd,
    /// Adam.
    Adam,
}

/// Initialisation names on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitName {
    /// burn's (= PyTorch's) default uniform initialisation.
    Default,
    /// Glorot uniform weights, zero biases.
    Glorot,
}

/// Training flags; unset ones take the architecture's defaults (`TrainConfig::for_arch`).
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Step budget.
    #[arg(long)]
    pub steps: Option<usize>,
    /// Learning rate.
    #[arg(long, allow_negative_numbers = true)]
    pub lr: Option<f64>,
    /// Optimiser.
    #[arg(long, value_enum)]
    pub optimizer: Option<OptimizerName>,
    /// Weight initialisation.
    #[arg(long, value_enum)]
    pub init: Option<InitName>,
    /// Stop once the training loss is below this.
    #[arg(long)]
    pub tolerance: Option<f32>,
}

impl TrainArgs {
    /// The training configuration for `arch`: its defaults, overridden by the flags given.
    pub fn config(&self, arch: &ArchConfig, seed: u64) -> Result<TrainConfig, CliError> {
        let overrides = TrainOverrides {
            optimizer: self.optimizer.map(|name| match name {
                OptimizerName::Sgd => Optimizer::Sgd {
                    momentum: SGD_MOMENTUM,
                },
                OptimizerName::Adam => Optimizer::Adam,
            }),
            learning_rate: self.lr,
            steps: self.steps,
            tolerance: self.tolerance,
            loss_every: None,
            init: self.init.map(|name| match name {
                InitName::Default => Init::Default,
                InitName::Glorot => Init::GlorotZeroBias,
            }),
            seed: Some(seed),
        };
        Ok(TrainConfig::for_arch_with(arch, &overrides)?)
    }
}

/// The most items a comma-separated list takes (a rho grid in steps of 0.01 has 101).
pub const MAX_LIST_ITEMS: usize = 128;

/// Parses a comma-separated list of at most [`MAX_LIST_ITEMS`], naming the bad item.
pub fn parse_list<T: std::str::FromStr>(what: &str, text: &str) -> Result<Vec<T>, CliError> {
    let items = text.split(',').count();
    if items > MAX_LIST_ITEMS {
        return Err(CliError::Usage(format!(
            "{what}: at most {MAX_LIST_ITEMS} values, got {items}"
        )));
    }
    text.split(',')
        .map(|item| {
            item.trim()
                .parse()
                .map_err(|_| CliError::Usage(format!("{what}: '{item}' is not a valid value")))
        })
        .collect()
}

/// A correlation to `digits` decimals, or "n/a" where it is undefined (a flat image).
pub fn shown(value: Option<f32>, digits: usize) -> String {
    value.map_or_else(|| "n/a".into(), |v| format!("{v:.digits$}"))
}

/// Prints `value` as JSON on stdout.
pub fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// The bytes of `path`, `None` when absent. Only a regular file is read, and only up to
/// `max_bytes` (`what` names it in the message): a pipe would block forever. With
/// `follow_links` false a link is refused too (it could point anywhere: for folders of files
/// this program wrote). The file is opened once, without waiting on a pipe, and judged by what
/// was opened (no window for a swap between a check and the read).
pub fn read_regular(
    path: &std::path::Path,
    max_bytes: u64,
    what: &str,
    follow_links: bool,
) -> Result<Option<Vec<u8>>, CliError> {
    use std::io::Read;
    let fail = |why: String| CliError::Run(format!("cannot read {}: {why}", path.display()));
    let not_regular = || fail("not a regular file (a link, a pipe or a folder)".into());
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let no_follow = if follow_links { 0 } else { libc::O_NOFOLLOW };
        options.custom_flags(no_follow | libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // O_NOFOLLOW on a link.
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Err(not_regular()),
        Err(e) => return Err(fail(e.to_string())),
    };
    let meta = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !meta.file_type().is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > max_bytes {
        return Err(fail(format!(
            "more than the {max_bytes} bytes {what} can have"
        )));
    }
    Ok(Some(bytes))
}
