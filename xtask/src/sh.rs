//! Running commands: each step logs one line and fails with the command it ran.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// The workspace root (the parent of `xtask/`). Taken from the `CARGO_MANIFEST_DIR` that
/// `cargo xtask` sets when it runs us, and only failing that from where we were compiled: a
/// clone in another folder reuses a shared target dir's xtask binary without rebuilding it.
pub fn root() -> PathBuf {
    root_from(std::env::var_os("CARGO_MANIFEST_DIR"))
}

fn root_from(manifest_dir: Option<std::ffi::OsString>) -> PathBuf {
    manifest_dir
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .parent()
        .expect("xtask lives in the workspace")
        .into()
}

/// The steps run so far, in order: name, start and seconds, for [`stage_times`].
static STAGES: std::sync::Mutex<Vec<(String, std::time::Instant, f64)>> =
    std::sync::Mutex::new(Vec::new());

/// Records that step `what`, started at `started`, is over (whether it passed or not).
fn timed(what: &str, started: std::time::Instant) {
    if let Ok(mut stages) = STAGES.lock() {
        stages.push((what.to_string(), started, started.elapsed().as_secs_f64()));
    }
}

/// One line with every step run so far and its time, for the end of a long command's log.
/// The total is the wall-clock time from the first step's start to the last one's end (steps
/// that ran side by side, [`Background`], count once).
pub fn stage_times() -> String {
    let stages = STAGES.lock().map(|s| s.clone()).unwrap_or_default();
    let first = stages.iter().map(|(_, start, _)| *start).min();
    let total = first.map_or(0.0, |first| {
        stages
            .iter()
            .map(|(_, start, s)| start.duration_since(first).as_secs_f64() + s)
            .fold(0.0, f64::max)
    });
    let each: Vec<String> = stages
        .iter()
        .map(|(what, _, s)| format!("{what} {s:.0} s"))
        .collect();
    format!("{total:.0} s in all: {}", each.join("; "))
}

/// A step that runs while the next ones do (the machine has cores to spare during parts of
/// a build): its output goes to a log file, shown when [`Background::wait`] collects it. It
/// is stopped if dropped before that (a step after it failed).
pub struct Background {
    what: String,
    child: std::process::Child,
    log: PathBuf,
    started: std::time::Instant,
}

impl Background {
    /// Starts `cmd` in the workspace root, its output (stdout and stderr) to `log`.
    pub fn start(what: &str, cmd: &mut Command, log: PathBuf) -> anyhow::Result<Self> {
        eprintln!("xtask: {what} (beside the next steps; its output follows when it ends)");
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("could not create {}", dir.display()))?;
        }
        let file = std::fs::File::create(&log)
            .with_context(|| format!("could not create {}", log.display()))?;
        let child = cmd
            .current_dir(root())
            .stdout(
                file.try_clone()
                    .with_context(|| format!("could not reopen {}", log.display()))?,
            )
            .stderr(file)
            .spawn()
            .with_context(|| format!("could not start {cmd:?}"))?;
        Ok(Self {
            what: what.to_string(),
            child,
            log,
            started: std::time::Instant::now(),
        })
    }

    /// Waits for the step to end, shows its output, and fails if it failed.
    pub fn wait(mut self) -> anyhow::Result<()> {
        let status = self.child.wait();
        timed(&self.what, self.started);
        eprintln!("xtask: {} ended; its output:", self.what);
        match std::fs::read_to_string(&self.log) {
            Ok(text) => eprint!("{text}"),
            Err(e) => eprintln!("(could not read {}: {e})", self.log.display()),
        }
        let status = status.with_context(|| format!("could not wait for {}", self.what))?;
        if !status.success() {
            bail!(
                "{} failed ({status}); its log: {}",
                self.what,
                self.log.display()
            );
        }
        Ok(())
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        // Nothing to do once waited for; otherwise a step after it failed: stop it.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `cmd` in the workspace root, logging it first; fails if it exits non-zero.
pub fn run(what: &str, cmd: &mut Command) -> anyhow::Result<()> {
    eprintln!("xtask: {what}");
    cmd.current_dir(root());
    let started = std::time::Instant::now();
    let status = cmd.status();
    timed(what, started);
    let status = status.with_context(|| format!("could not start {cmd:?}"))?;
    if !status.success() {
        bail!("{what} failed ({status}): {cmd:?}");
    }
    Ok(())
}

/// Runs a test command like [`run`], passing its output through, and returns the passed and
/// failed counts that `tally` finds in its lines (summed).
pub fn run_tests(
    what: &str,
    cmd: &mut Command,
    tally: fn(&str) -> Option<(usize, usize)>,
) -> anyhow::Result<(usize, usize)> {
    eprintln!("xtask: {what}");
    cmd.current_dir(root()).stdout(Stdio::piped());
    let started = std::time::Instant::now();
    let result = tests_of(what, cmd, tally);
    timed(what, started);
    result
}

/// [`run_tests`] but for the timing.
fn tests_of(
    what: &str,
    cmd: &mut Command,
    tally: fn(&str) -> Option<(usize, usize)>,
) -> anyhow::Result<(usize, usize)> {
    let mut child = cmd
        .spawn()
        .with_context(|| format!("could not start {cmd:?}"))?;
    let (mut passed, mut failed) = (0, 0);
    let stdout = child.stdout.take().context("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some((p, f)) = tally(&line) {
            passed += p;
            failed += f;
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{what} failed ({status}): {cmd:?}");
    }
    Ok((passed, failed))
}

/// Counts of a libtest summary line: "test result: ok. 5 passed; 0 failed; ...".
pub fn cargo_tally(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("test result: ")?;
    Some((count(rest, "passed"), count(rest, "failed")))
}

/// Counts of Node's test runner summary lines ("# pass 6" / "# fail 0" in TAP, "ℹ pass 6"
/// in the spec reporter).
pub fn node_tally(line: &str) -> Option<(usize, usize)> {
    let rest = line
        .strip_prefix("# ")
        .or_else(|| line.strip_prefix("ℹ "))?;
    let number = |label: &str| rest.strip_prefix(label)?.trim().parse().ok();
    match (number("pass "), number("fail ")) {
        (Some(p), _) => Some((p, 0)),
        (_, Some(f)) => Some((0, f)),
        _ => None,
    }
}

/// The number before `label` in a line like "ok. 5 passed; 0 failed; ...".
fn count(line: &str, label: &str) -> usize {
    line.split(';')
        .find_map(|part| {
            part.trim_start_matches("ok.")
                .trim_start_matches("FAILED.")
                .trim()
                .strip_suffix(label)
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Whether `program` can be started.
pub fn installed(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

/// Installs Debian packages with apt-get (updating the lists first).
pub fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let list = packages.join(" ");
    let help = || {
        format!("could not install {list}: apt-get needs Debian and root; install them yourself")
    };
    run(
        "apt-get update",
        Command::new("apt-get").args(["update", "-qq"]),
    )
    .with_context(help)?;
    run(
        &format!("apt-get install {list}"),
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages),
    )
    .with_context(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_timed_whether_it_passes_or_not() {
        run("a step that passes", &mut Command::new("true")).unwrap();
        assert!(run("a step that fails", &mut Command::new("false")).is_err());
        let times = stage_times();
        // The seconds themselves depend on the machine: only the names are checked.
        assert!(times.contains("a step that passes "), "{times}");
        assert!(times.contains("a step that fails "), "{times}");
        assert!(times.contains(" s in all: "), "{times}");
    }

    #[test]
    fn a_background_step_shows_its_output_and_fails_when_its_command_does() {
        let dir = std::env::temp_dir().join(format!("xtask-bg-{}", std::process::id()));
        let passing = Background::start(
            "a background step that passes",
            Command::new("sh").args(["-c", "echo out; echo err >&2"]),
            dir.join("pass.log"),
        )
        .unwrap();
        passing.wait().unwrap();
        let log = std::fs::read_to_string(dir.join("pass.log")).unwrap();
        assert_eq!(log.lines().collect::<Vec<_>>(), ["out", "err"]);
        let failing = Background::start(
            "a background step that fails",
            &mut Command::new("false"),
            dir.join("fail.log"),
        )
        .unwrap();
        let error = failing.wait().unwrap_err().to_string();
        assert!(
            error.contains("a background step that fails failed"),
            "{error}"
        );
        assert!(stage_times().contains("a background step that fails "));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_root_is_where_cargo_runs_us_from_not_where_we_were_built() {
        assert_eq!(
            root_from(Some("/elsewhere/clone/xtask".into())),
            PathBuf::from("/elsewhere/clone")
        );
        assert_eq!(
            root_from(None),
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
        );
    }
}
