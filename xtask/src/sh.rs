//! Running commands: each step logs one line and fails with the command it ran.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .into()
}

/// Runs `cmd` in the workspace root, logging it first; fails if it exits non-zero.
pub fn run(what: &str, cmd: &mut Command) -> anyhow::Result<()> {
    eprintln!("xtask: {what}");
    cmd.current_dir(root());
    let status = cmd
        .status()
        .with_context(|| format!("could not start {cmd:?}"))?;
    if !status.success() {
        bail!("{what} failed ({status}): {cmd:?}");
    }
    Ok(())
}

/// Runs a `cargo test` command like [`run`], passing its output through, and returns the
/// passed and failed counts summed over its "test result:" lines.
pub fn run_tests(what: &str, cmd: &mut Command) -> anyhow::Result<(usize, usize)> {
    eprintln!("xtask: {what}");
    cmd.current_dir(root()).stdout(Stdio::piped());
    let mut child = cmd
        .spawn()
        .with_context(|| format!("could not start {cmd:?}"))?;
    let (mut passed, mut failed) = (0, 0);
    let stdout = child.stdout.take().context("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            passed += count(rest, " passed");
            failed += count(rest, " failed");
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{what} failed ({status}): {cmd:?}");
    }
    Ok((passed, failed))
}

/// The number before `label` in a line like "ok. 5 passed; 0 failed; ...".
fn count(line: &str, label: &str) -> usize {
    line.split(';')
        .find_map(|part| {
            part.trim_start_matches("ok.")
                .trim_start_matches("FAILED.")
                .trim()
                .strip_suffix(label.trim())
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Installs Debian packages with apt-get (updating the lists first).
pub fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    run(
        "apt-get update",
        Command::new("apt-get").args(["update", "-qq"]),
    )?;
    run(
        &format!("apt-get install {}", packages.join(" ")),
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages),
    )
}
