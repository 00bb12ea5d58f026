//! `cargo xtask test`: every check, cheapest first. What `.ci/run` runs.
//!
//! 1. `cargo fmt --check`;
//! 2. the site's wasm build (`identity-wasm` for wasm32, profile `wasm-release`), started at
//!    once beside the native steps: its long single-threaded link (fat LTO) and the native
//!    build's serial stretches then share the two cores;
//! 3. the page's JavaScript type-checked (`tsc --checkJs` from its JSDoc) and linted (ESLint):
//!    `npm run check` in `tests/e2e` (Chromium, Node and the npm packages installed when
//!    missing);
//! 4. the native build of every target (`cargo test --no-run`), then the native test suite on
//!    flex;
//! 5. the GPU code path: the wgpu tests on lavapipe, Mesa's software Vulkan driver
//!    (installed with apt-get when missing);
//! 6. the rest of the site build (wasm-bindgen, `www/precache.js`);
//! 7. the browser tests of `tests/e2e` in headless Chromium (Debian `chromium`, Node and the
//!    npm packages installed when missing).
//!
//! Clippy (warnings denied) lints our crates as those builds compile them ([`linted`]), natively
//! for every target and for wasm32, instead of a separate `cargo clippy` per target: clippy's
//! checks compile the whole dependency tree again (burn with wgpu, twice), which took a third of
//! a cold run.

use std::process::Command;

use anyhow::{Context, bail};

use crate::{build, sh};

/// Options of `cargo xtask test`.
#[derive(clap::Args)]
pub struct Args {
    /// Skip the wgpu tests (they need a Vulkan driver; lavapipe is installed when missing).
    #[arg(long)]
    no_wgpu: bool,
    /// Skip everything wasm: the wasm32 build and its lints, the site, the page's type check
    /// and lint, and the browser tests.
    #[arg(long)]
    no_wasm: bool,
    /// Skip the browser tests.
    #[arg(long)]
    no_browser: bool,
}

/// The Vulkan ICD file that Debian's `mesa-vulkan-drivers` installs for lavapipe.
const LAVAPIPE_ICD: &str = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

pub fn run(args: Args) -> anyhow::Result<()> {
    let result = checks(args);
    // Each step's time, passed or failed: where CI's time goes.
    eprintln!("xtask: step times: {}", sh::stage_times());
    result
}

/// Every check, in order; stops at the first that fails.
fn checks(args: Args) -> anyhow::Result<()> {
    // Every cargo call names the whole workspace and selects no single target: building one
    // package, or only test targets (`--lib`, `--test NAME`), unifies dependency features
    // differently and recompiles burn (12 to 25 minutes on 2 cores). So the wgpu tests run
    // as the workspace's only ignored tests. `--timings` leaves an HTML report of where each
    // build's time went in the target dir's `cargo-timings/`.
    let cargo = || Command::new(env!("CARGO"));
    sh::run("fmt check", cargo().args(["fmt", "--all", "--check"]))?;
    let clippy = clippy_driver()?;
    let wasm = if args.no_wasm {
        None
    } else {
        build::add_wasm_target()?;
        build::check_bindgen_version()?;
        let log = build::target_dir().join("xtask-wasm-build.log");
        Some(sh::Background::start(
            &format!("{}, linted by clippy", build::WASM_STEP),
            linted(build::wasm_command().arg("--timings"), &clippy),
            log,
        )?)
    };
    if !args.no_wasm {
        page_checks(!args.no_browser)?;
    }
    sh::run(
        "native build of every target, linted by clippy (warnings denied)",
        linted(
            cargo().args(["test", "--workspace", "--no-run", "--timings"]),
            &clippy,
        ),
    )?;
    let (mut passed, mut failed) = sh::run_tests(
        "native tests (flex)",
        linted(cargo().args(["test", "--workspace"]), &clippy),
        sh::cargo_tally,
    )?;
    if !args.no_wgpu {
        if !std::path::Path::new(LAVAPIPE_ICD).exists() {
            sh::apt_install(&["mesa-vulkan-drivers"])?;
        }
        let (p, f) = sh::run_tests(
            "wgpu tests on lavapipe (software Vulkan)",
            linted(
                cargo().args(["test", "--workspace", "--", "--ignored"]),
                &clippy,
            )
            .env("VK_ICD_FILENAMES", LAVAPIPE_ICD),
            sh::cargo_tally,
        )?;
        passed += p;
        failed += f;
    }
    if let Some(wasm) = wasm {
        wasm.wait()?;
        build::site(build::Args { wasm_opt: false })?;
        if !args.no_browser {
            let (p, f) = browser_tests()?;
            passed += p;
            failed += f;
        }
    }
    // One closing line for whoever reads the log: every test of both runs.
    println!("xtask: {passed} passed, {failed} failed");
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// The clippy driver of the toolchain in use (`rustc --print sysroot`, then `bin/`).
fn clippy_driver() -> anyhow::Result<std::path::PathBuf> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .with_context(|| format!("could not run {rustc:?} --print sysroot"))?;
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let driver = std::path::Path::new(&sysroot)
        .join("bin")
        .join(format!("clippy-driver{}", std::env::consts::EXE_SUFFIX));
    if !driver.exists() {
        bail!(
            "clippy is not installed for this toolchain ({} is missing): \
             `rustup component add clippy`",
            driver.display()
        );
    }
    Ok(driver)
}

/// Makes `cmd` (a cargo build or test) run clippy on the workspace's crates as it compiles
/// them, with warnings denied, as `cargo clippy -- -D warnings` does: cargo hands each of our
/// crates to `clippy-driver` (`RUSTC_WORKSPACE_WRAPPER`), which lints and then compiles as
/// rustc would; the dependencies are compiled by rustc alone. `CLIPPY_ARGS` is how
/// `cargo clippy` passes its arguments to the driver (separated by `__CLIPPY_HACKERY__`).
/// Our crates' builds differ from unlinted ones (cargo rebuilds them, not the dependencies,
/// when a later command runs without the wrapper).
fn linted<'a>(cmd: &'a mut Command, driver: &std::path::Path) -> &'a mut Command {
    cmd.env("RUSTC_WORKSPACE_WRAPPER", driver).env(
        "CLIPPY_ARGS",
        "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__",
    )
}

/// The oldest Node whose test runner has `--test-concurrency`, which `npm test` uses.
const NODE_AT_LEAST: (u32, u32) = (20, 10);

/// Fails with the version found when Node is older than [`NODE_AT_LEAST`] (Debian 12's own
/// package is 18).
fn check_node() -> anyhow::Result<()> {
    let out = Command::new("node")
        .arg("--version")
        .output()
        .context("could not run node")?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let mut parts = version.trim_start_matches('v').split('.');
    let mut next = || {
        parts
            .next()
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let found = (next(), next());
    if found < NODE_AT_LEAST {
        bail!(
            "the browser tests need Node {}.{} or newer, found {version}: install a newer \
             Node, or skip them with `cargo xtask test --no-browser`",
            NODE_AT_LEAST.0,
            NODE_AT_LEAST.1
        );
    }
    Ok(())
}

/// Where the browser tests live, with their package.json.
const E2E: &str = "tests/e2e";

/// The page's JavaScript type-checked and linted (`npm run check`: `tsc -p tsconfig.json`
/// and `eslint`, configured in `tests/e2e`). Installs Node and the npm packages when missing,
/// and Chromium too when the browser tests follow (one apt-get run for both).
fn page_checks(browser_follows: bool) -> anyhow::Result<()> {
    let e2e = if browser_follows {
        browser_ready()?
    } else {
        node_ready(vec![])?
    };
    sh::run(
        "page types and lint (tsc --checkJs, eslint)",
        Command::new("npm")
            .args(["run", "check", "--prefix"])
            .arg(&e2e),
    )
}

/// Installs Chromium, Node and the tests' npm packages when missing, then runs the tests.
fn browser_tests() -> anyhow::Result<(usize, usize)> {
    let e2e = browser_ready()?;
    // The tests serve the site with this very binary (`xtask serve --port 0`).
    let xtask = std::env::current_exe().context("cannot find the xtask binary")?;
    sh::run_tests(
        "browser tests (headless Chromium)",
        Command::new("npm")
            .args(["test", "--prefix"])
            .arg(&e2e)
            .env("XTASK", xtask),
        sh::node_tally,
    )
}

/// Installs Chromium, Node and the browser tests' npm packages when missing; returns the
/// tests' folder.
pub fn browser_ready() -> anyhow::Result<std::path::PathBuf> {
    let mut missing = vec![];
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        missing.push("chromium");
    }
    node_ready(missing)
}

/// Installs Node (with the Debian packages in `missing`, in one apt-get run) and the npm
/// packages of the browser tests when missing; returns the tests' folder.
fn node_ready(mut missing: Vec<&str>) -> anyhow::Result<std::path::PathBuf> {
    if !sh::installed("node") || !sh::installed("npm") {
        missing.extend(["nodejs", "npm"]);
    }
    if !missing.is_empty() {
        sh::apt_install(&missing)?;
    }
    check_node()?;
    npm_packages(E2E)
}

/// Installs the npm packages of `folder` (relative to the root; by its lockfile) when missing
/// or older than the lockfile (npm writes `node_modules/.package-lock.json` as it installs);
/// returns the folder.
pub fn npm_packages(folder: &str) -> anyhow::Result<std::path::PathBuf> {
    let dir = sh::root().join(folder);
    let modified =
        |path: std::path::PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(dir.join("node_modules").join(".package-lock.json"));
    let locked = modified(dir.join("package-lock.json"));
    if installed.is_none() || installed < locked {
        sh::run(
            &format!("npm ci ({folder})"),
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir),
        )?;
    }
    Ok(dir)
}
