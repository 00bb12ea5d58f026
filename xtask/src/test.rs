//! `cargo xtask test`: every check, cheapest first. What `.ci/run` runs.
//!
//! 1. `cargo fmt --check`;
//! 2. clippy with warnings denied;
//! 3. the native test suite on flex;
//! 4. the GPU code path: the wgpu tests on lavapipe, Mesa's software Vulkan driver
//!    (installed with apt-get when missing);
//! 5. identity-core compiled for `wasm32-unknown-unknown` (the target is added with rustup
//!    when missing).

use std::process::Command;

use crate::sh;

/// Options of `cargo xtask test`.
#[derive(clap::Args)]
pub struct Args {
    /// Skip the wgpu tests (they need a Vulkan driver; lavapipe is installed when missing).
    #[arg(long)]
    no_wgpu: bool,
    /// Skip the wasm32 build check.
    #[arg(long)]
    no_wasm: bool,
}

/// The Vulkan ICD file that Debian's `mesa-vulkan-drivers` installs for lavapipe.
const LAVAPIPE_ICD: &str = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

pub fn run(args: Args) -> anyhow::Result<()> {
    // Every cargo call names the whole workspace and selects no single target: building one
    // package, or only test targets (`--lib`, `--test NAME`), unifies dependency features
    // differently and recompiles burn (12 to 25 minutes on 2 cores). So the wgpu tests run
    // as the workspace's only ignored tests.
    let cargo = || Command::new(env!("CARGO"));
    sh::run("fmt check", cargo().args(["fmt", "--all", "--check"]))?;
    sh::run(
        "clippy (warnings denied)",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    let (mut passed, mut failed) =
        sh::run_tests("native tests (flex)", cargo().args(["test", "--workspace"]))?;
    if !args.no_wgpu {
        if !std::path::Path::new(LAVAPIPE_ICD).exists() {
            sh::apt_install(&["mesa-vulkan-drivers"])?;
        }
        let (p, f) = sh::run_tests(
            "wgpu tests on lavapipe (software Vulkan)",
            cargo()
                .args(["test", "--workspace", "--", "--ignored"])
                .env("VK_ICD_FILENAMES", LAVAPIPE_ICD),
        )?;
        passed += p;
        failed += f;
    }
    if !args.no_wasm {
        let installed = Command::new("rustup")
            .args(["target", "list", "--installed"])
            .output()?;
        if !String::from_utf8_lossy(&installed.stdout).contains("wasm32-unknown-unknown") {
            sh::run(
                "add the wasm32 target",
                Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
            )?;
        }
        sh::run(
            "identity-core for wasm32-unknown-unknown",
            cargo().args([
                "check",
                "-p",
                "identity-core",
                "--target",
                "wasm32-unknown-unknown",
            ]),
        )?;
    }
    // One closing line for whoever reads the log: every test of both runs.
    println!("xtask: {passed} passed, {failed} failed");
    eprintln!("xtask: all checks passed");
    Ok(())
}
