//! `cargo xtask build`: the deployable site in `www/`.
//!
//! 1. adds the `wasm32-unknown-unknown` target with rustup when missing;
//! 2. builds `identity-wasm` with the size-tuned `wasm-release` profile ([`wasm_command`]);
//! 3. runs wasm-bindgen through the `wasm-bindgen-cli-support` library, after checking that
//!    it is the version of the `wasm-bindgen` crate in Cargo.lock (a mismatch makes broken
//!    glue);
//! 4. runs `wasm-opt -Oz` when it is installed (Debian `binaryen`) and asked for;
//! 5. writes the wasm and its glue gzipped beside them (`.gz`, which `cargo xtask serve` sends
//!    to browsers that take gzip, as static hosts compress) and prints the wasm's two sizes;
//! 6. writes `www/precache.js`: the files the service worker (`www/sw.js`) keeps for offline
//!    use, and a version made from their content hashes (a new deploy gets a new cache).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::sh;

/// Options of `cargo xtask build` (also flattened into `serve`'s, hence the group id).
#[derive(clap::Args, Clone, Copy)]
#[group(id = "build_args")]
pub struct Args {
    /// Also shrink the wasm with `wasm-opt -Oz` (Debian `binaryen`; minutes on 2 cores).
    #[arg(long)]
    pub wasm_opt: bool,
}

/// The version of `wasm-bindgen-cli-support` this xtask is built with (pinned in
/// xtask/Cargo.toml).
const BINDGEN_VERSION: &str = "0.2.130";
pub const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";

/// Where the generated JavaScript glue and wasm go.
pub fn pkg_dir() -> PathBuf {
    sh::root().join("www/pkg")
}

/// Builds the site; returns the path of the wasm it wrote.
pub fn run(args: Args) -> anyhow::Result<PathBuf> {
    add_wasm_target()?;
    check_bindgen_version()?;
    sh::run(WASM_STEP, &mut wasm_command())?;
    site(args)
}

/// The name of the step that compiles the bindings for the browser.
pub const WASM_STEP: &str = "identity-wasm for wasm32 (profile wasm-release)";

/// The cargo command that compiles `identity-wasm` for the browser (the slow part of the site
/// build); [`site`] does the rest once it has run.
pub fn wasm_command() -> Command {
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args([
        "build",
        "-p",
        "identity-wasm",
        "--target",
        TARGET,
        "--profile",
        PROFILE,
    ]);
    cargo
}

/// The site from the compiled bindings (after [`wasm_command`]): wasm-bindgen, wasm-opt when
/// asked, the gzipped copies and the offline list; returns the path of the wasm it wrote.
pub fn site(args: Args) -> anyhow::Result<PathBuf> {
    let input = target_dir()
        .join(TARGET)
        .join(PROFILE)
        .join("identity_wasm.wasm");
    eprintln!("xtask: wasm-bindgen {BINDGEN_VERSION} -> www/pkg");
    let out = pkg_dir();
    std::fs::create_dir_all(&out).with_context(|| format!("could not create {}", out.display()))?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .web(true)
        .context("wasm-bindgen refused the web target")?
        .out_name("identity_wasm")
        .omit_default_module_path(false)
        .typescript(true)
        .remove_name_section(true)
        .generate(&out)
        .with_context(|| format!("wasm-bindgen failed on {}", input.display()))?;
    let wasm = out.join("identity_wasm_bg.wasm");
    if args.wasm_opt {
        if sh::installed("wasm-opt") {
            sh::run(
                "wasm-opt -Oz",
                Command::new("wasm-opt")
                    .args(["-Oz", "--enable-simd", "--enable-bulk-memory", "-o"])
                    .arg(&wasm)
                    .arg(&wasm),
            )?;
        } else {
            eprintln!("xtask: wasm-opt not found (apt-get install binaryen); skipped");
        }
    }
    report_size(&wasm)?;
    precompress(&out.join("identity_wasm.js"))?;
    write_precache(&sh::root().join("www"))?;
    Ok(wasm)
}

/// What the service worker does not precache: itself and its list, the shipped networks (kept
/// as the views fetch them), the example post, the TypeScript declarations and the gzipped
/// copies (the browser asks for the files; the server picks the copy).
fn precached(relative: &str) -> bool {
    !(relative == "sw.js"
        || relative == "precache.js"
        || relative.starts_with("paper/models/")
        || relative.starts_with("examples/")
        || relative.ends_with(".d.ts")
        || relative.ends_with(".gz"))
}

/// Writes `www/precache.js` (`self.PRECACHE = {version, files}`, read by `sw.js`): every file
/// of the site to keep offline, and a version that changes with any of their contents.
fn write_precache(www: &Path) -> anyhow::Result<()> {
    use sha2::{Digest, Sha256};
    let mut files = vec![];
    let mut stack = vec![www.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(www)
                .expect("found under www")
                .to_string_lossy()
                .replace('\\', "/");
            if precached(&relative) {
                files.push(relative);
            }
        }
    }
    files.sort();
    let mut version = Sha256::new();
    for file in &files {
        let bytes = std::fs::read(www.join(file)).with_context(|| format!("cannot read {file}"))?;
        version.update(file.as_bytes());
        version.update(Sha256::digest(&bytes));
    }
    let version: String = version.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut list: Vec<String> = vec!["./".into()];
    list.extend(files);
    let script = format!(
        "// Written by `cargo xtask build`: the files sw.js keeps offline, and their version.\nself.PRECACHE = {};\n",
        serde_json::json!({ "version": version, "files": list })
    );
    let out = www.join("precache.js");
    std::fs::write(&out, script).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!(
        "xtask: {} lists {} files to keep offline (version {version})",
        out.display(),
        list.len()
    );
    Ok(())
}

/// Adds the wasm32 target with rustup when it is missing.
pub fn add_wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context(
            "could not run rustup, which adds the wasm32-unknown-unknown target: install that \
             target yourself, or skip the wasm steps with `cargo xtask test --no-wasm`",
        )?;
    if !String::from_utf8_lossy(&installed.stdout).contains(TARGET) {
        sh::run(
            "add the wasm32 target",
            Command::new("rustup").args(["target", "add", TARGET]),
        )?;
    }
    Ok(())
}

/// Fails unless Cargo.lock pins `wasm-bindgen` at [`BINDGEN_VERSION`].
pub fn check_bindgen_version() -> anyhow::Result<()> {
    let lock = std::fs::read_to_string(sh::root().join("Cargo.lock")).context("no Cargo.lock")?;
    let locked = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"wasm-bindgen\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
        .context("Cargo.lock has no wasm-bindgen")?;
    if locked != BINDGEN_VERSION {
        bail!(
            "Cargo.lock has wasm-bindgen {locked} but xtask uses wasm-bindgen-cli-support \
             {BINDGEN_VERSION}: pin both to one version"
        );
    }
    Ok(())
}

/// Cargo's target folder (`CARGO_TARGET_DIR`, else `target/` in the workspace).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| sh::root().join("target"))
}

/// Writes `path` gzipped beside it (`path.gz`); returns the gzipped size.
fn precompress(path: &Path) -> anyhow::Result<usize> {
    let bytes = std::fs::read(path).with_context(|| format!("no {}", path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    let gzipped = gz.finish()?;
    let mut name = path.as_os_str().to_owned();
    name.push(".gz");
    std::fs::write(&name, &gzipped).with_context(|| format!("cannot write {name:?}"))?;
    Ok(gzipped.len())
}

/// Precompresses the wasm ([`precompress`]) and prints its raw and gzipped size.
fn report_size(wasm: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::metadata(wasm)
        .with_context(|| format!("no {}", wasm.display()))?
        .len() as usize;
    let gzipped = precompress(wasm)?;
    let mb = |n: usize| n as f64 / 1e6;
    eprintln!(
        "xtask: {} is {:.1} MB, {:.1} MB gzipped",
        wasm.display(),
        mb(bytes),
        mb(gzipped)
    );
    Ok(())
}
