//! Generated bad command lines, at least 200 for every command, each run under a memory limit:
//! exit status 2 with one line on stderr, no panic, nothing on stdout, no allocation of more
//! than the limit before the arguments are checked, and nothing written anywhere (the runs
//! happen in an empty folder, and no `--out` folder is created). A fixed seed and a fresh one
//! each run (printed, to replay a failure).

use std::path::Path;
use std::process::{Command, Output};

use rand::{RngExt, SeedableRng, rngs::StdRng};

/// Virtual memory each run may map, in KiB: a validation that allocated first (10^9 hidden
/// layers, say) would abort here instead of exiting 2.
const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;
/// Generated command lines per command and seed.
const PER_COMMAND: usize = 110;

/// A flag of a command with values that are surely bad for it, whatever the other flags:
/// `bad` ones fail to parse (clap refuses them), `parsed` ones parse and break one of the
/// command's own rules (a range, a limit, a file).
#[derive(Clone, Copy)]
struct Flag {
    name: &'static str,
    bad: &'static [&'static str],
    parsed: &'static [&'static str],
}

/// The figure number, the positional argument of `figure`, as a flag of its own.
const POSITIONAL: &str = "<figure>";

/// A command: the valid arguments it starts from, and its flags with bad values.
struct Cli {
    command: &'static str,
    base: &'static [&'static str],
    flags: &'static [Flag],
}

/// Values that are no number at all.
const NOT_A_NUMBER: &[&str] = &[
    "abc", "", "1.5.2", "0x10", "1e", "-", "--", "\u{ff13}", "1\n2", "1,5", "NaN%",
];

const fn flag(
    name: &'static str,
    bad: &'static [&'static str],
    parsed: &'static [&'static str],
) -> Flag {
    Flag { name, bad, parsed }
}

/// The architecture and training flags (the bases are 1-hidden-layer ReLU FCNs, so ConvNet
/// sizes have no rule to break there).
const ARCH_FLAGS: &[Flag] = &[
    flag("--arch", &["cnn", "CONV", "mlp", ""], &[]),
    flag(
        "--hidden",
        &["-1", "abc", "1.5", "18446744073709551616"],
        &["0", "16385", "1000000"],
    ),
    flag("--channels", &["-1", "abc", "2.5"], &[]),
    flag("--kernel", &["-3", "x", "3.0"], &[]),
    flag(
        "--steps",
        &["-5", "ten"],
        &["0", "1000001", "18446744073709551615"],
    ),
    flag(
        "--lr",
        &["lr", "0.1.2"],
        &["0", "-0.1", "10.5", "NaN", "inf", "-inf", "1e400"],
    ),
    flag("--optimizer", &["rmsprop", "ADAM", ""], &[]),
    flag("--init", &["he", "xavier", ""], &[]),
    flag("--tolerance", &["-1", "x"], &["NaN", "inf"]),
    flag("--backend", &["cuda", "gpu", "", "flex,wgpu"], &[]),
    flag(
        "--seed",
        &["-1", "18446744073709551616", "1.0", "seed"],
        &[],
    ),
];

const DEPTH: Flag = flag(
    "--depth",
    &["-1", "1.5", "deep"],
    &["33", "1000000000", "18446744073709551615"],
);

/// Every command, from a valid base (a small network that would train in seconds if the bad
/// value were let through: the test would then fail on its exit status).
fn commands() -> Vec<Cli> {
    vec![
        Cli {
            command: "train",
            base: &["--arch", "relu", "--hidden", "16", "--depth", "1"],
            flags: [
                ARCH_FLAGS,
                &[
                    DEPTH,
                    flag(
                        "--save",
                        &[],
                        &[
                            "/proc/identity-crisis-cannot-write-here/x.bpk",
                            "FILE/x.bpk",
                            "EMPTY",
                        ],
                    ),
                ],
            ]
            .concat()
            .leak(),
        },
        Cli {
            command: "predict",
            base: &["--arch", "relu", "--hidden", "16", "--depth", "1"],
            flags: [
                ARCH_FLAGS,
                &[
                    DEPTH,
                    flag("--digits", &["-1", "many"], &["1001", "5000"]),
                    flag("--fashion", &["-2"], &["1001", "99999999999"]),
                ],
            ]
            .concat()
            .leak(),
        },
        Cli {
            command: "heatmap",
            base: &["--arch", "relu", "--hidden", "16", "--depths", "1"],
            flags: [
                ARCH_FLAGS,
                &[
                    flag(
                        "--depths",
                        &[],
                        &["", "1,,2", "1,x", "33", "1,1000000000", "1.5", "0,1"],
                    ),
                    flag(
                        "--rhos",
                        &["-0.1"],
                        &["", "1.5", "NaN", "0,abc", "0,,1", "inf"],
                    ),
                    flag("--probes", &["-3", "lots"], &["0", "1001"]),
                ],
            ]
            .concat()
            .leak(),
        },
        Cli {
            command: "bench",
            base: &["--steps", "1", "--min-ms", "0"],
            flags: vec![
                flag("--backend", &["cuda", "", "flex,cuda", ",,"], &[]),
                flag("--steps", &["-1", "x"], &["0", "10001"]),
                flag("--min-ms", &["-1", "x", "1.5"], &["600001"]),
                flag("--seed", &["-1", "x"], &[]),
                flag("--only", &[], &["no-such-network", "", "conv-d99-c1-k1"]),
            ]
            .leak(),
        },
        Cli {
            command: "figure",
            base: &["1", "--scale", "test", "--out", "OUT"],
            flags: vec![
                flag(POSITIONAL, &[], &["0", "34", "x", "1,,2", "all,1", ""]),
                flag("--scale", &["huge", "", "QUICK"], &[]),
                flag("--backend", &["cuda", ""], &[]),
                flag(
                    "--seeds",
                    &["-1", "x", "1,,2", "0,1.5"],
                    &["0,0", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"],
                ),
                flag(
                    "--out",
                    &[],
                    &["/proc/identity-crisis-cannot-write-here", "FILE/figures"],
                ),
                flag(
                    "--save-models",
                    &[],
                    &["/proc/identity-crisis-cannot-write-here", "FILE/models"],
                ),
                flag("--shard", &["0/4", "5/4", "x", "1/0", "1/10001"], &[]),
                flag("--widest", &["-1", "x"], &["0", "3"]),
            ]
            .leak(),
        },
        Cli {
            command: "merge",
            base: &["1", "--scale", "test", "--out", "OUT", "--models", "EMPTY"],
            flags: vec![
                flag(POSITIONAL, &[], &["0", "34", "x", "1,,2", ""]),
                flag("--scale", &["huge", ""], &[]),
                flag(
                    "--seeds",
                    &["-1", "x", "1,,2"],
                    &["0,0", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"],
                ),
                flag(
                    "--out",
                    &[],
                    &["/proc/identity-crisis-cannot-write-here", "FILE/figures"],
                ),
                flag("--models", &[], &["/no/such/folder", "FILE", ""]),
                flag("--shards", &["0", "-1", "x", "10001"], &[]),
                flag("--widest", &["-1", "x"], &["0", "3"]),
            ]
            .leak(),
        },
        Cli {
            command: "report",
            base: &["--dir", "EMPTY"],
            flags: vec![flag("--dir", &[], &["/no/such/folder", "", "FILE"])].leak(),
        },
    ]
}

/// Sets `flag` to `value` in `args`: its value is replaced when the flag is there (clap refuses
/// a flag given twice, which would hide the bad value behind that error), else both are added.
fn set(args: &mut Vec<String>, flag: &str, value: String) {
    if flag == POSITIONAL {
        args[1] = value;
        return;
    }
    match args.iter().position(|a| a == flag) {
        Some(i) if i + 1 < args.len() => args[i + 1] = value,
        _ => args.extend([flag.to_string(), value]),
    }
}

/// A bad command line for `cli`: the valid base with one to three bad values (most often one
/// that parses and breaks a rule), sometimes an unknown flag, a flag given twice or a flag
/// without its value.
fn generate(cli: &Cli, rng: &mut StdRng) -> Vec<String> {
    let mut args: Vec<String> = vec![cli.command.into()];
    args.extend(cli.base.iter().map(|s| s.to_string()));
    let pick = |rng: &mut StdRng, list: &[&str]| list[rng.random_range(0..list.len())].to_string();
    let mutations = if rng.random_range(0..10) < 6 {
        1
    } else {
        2 + rng.random_range(0..2)
    };
    let with_rules: Vec<&Flag> = cli.flags.iter().filter(|f| !f.parsed.is_empty()).collect();
    let unparsable: Vec<&Flag> = cli.flags.iter().filter(|f| !f.bad.is_empty()).collect();
    for _ in 0..mutations {
        let flag = cli.flags[rng.random_range(0..cli.flags.len())];
        let named = flag.name != POSITIONAL;
        match rng.random_range(0..12) {
            // An unknown flag.
            0 => args.push(pick(
                rng,
                &["--no-such-flag", "-x", "--depth-of-field", "--json=2"],
            )),
            // A flag given twice (clap refuses a repeated single value).
            1 if named && (flag.name != "--backend" || cli.command != "bench") => {
                let value = pick(rng, [flag.bad, flag.parsed].concat().as_slice());
                args.extend([
                    flag.name.to_string(),
                    value.clone(),
                    flag.name.to_string(),
                    value,
                ]);
            }
            // A value that is not a number at all, where a number is expected.
            2 if !matches!(
                flag.name,
                "--arch"
                    | "--optimizer"
                    | "--init"
                    | "--backend"
                    | "--scale"
                    | "--out"
                    | "--dir"
                    | "--only"
                    | "--depths"
                    | "--rhos"
                    | "--seeds"
                    | "--save"
                    | "--save-models"
                    | "--models"
                    | "--shard"
                    | POSITIONAL
            ) =>
            {
                set(&mut args, flag.name, pick(rng, NOT_A_NUMBER));
            }
            // Mostly a value that parses and breaks a rule; else one that does not parse.
            r if r < 10 || unparsable.is_empty() => {
                let flag = with_rules[rng.random_range(0..with_rules.len())];
                set(&mut args, flag.name, pick(rng, flag.parsed));
            }
            _ => {
                let flag = unparsable[rng.random_range(0..unparsable.len())];
                set(&mut args, flag.name, pick(rng, flag.bad));
            }
        }
    }
    // Sometimes, the last flag loses its value.
    if rng.random_range(0..8) == 0 {
        let flag = &cli.flags[rng.random_range(0..cli.flags.len())];
        if flag.name != POSITIONAL {
            args.push(flag.name.to_string());
        }
    }
    args
}

/// Runs the binary in `dir` with `args` under the memory limit.
fn run(dir: &Path, args: &[String]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_identity-crisis"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("sh runs")
}

#[test]
fn generated_bad_command_lines_exit_2_with_one_line_and_write_nothing() {
    let root = std::env::temp_dir().join(format!("identity-bad-args-{}", std::process::id()));
    let work = root.join("work");
    std::fs::create_dir_all(work.join("EMPTY")).unwrap();
    std::fs::write(work.join("FILE"), b"a file, not a folder").unwrap();
    let fresh = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |t| t.as_nanos() as u64);
    let mut counts = Vec::new();
    for cli in commands() {
        let mut ran = 0;
        // Lines refused by our own checks rather than by clap's parsing (clap's errors end in
        // "(see --help)"): most bad values parse, and must be caught after parsing.
        let mut ours = 0;
        for seed in [2020, fresh] {
            eprintln!("bad arguments: {} seed {seed}", cli.command);
            let mut rng = StdRng::seed_from_u64(seed ^ cli.command.len() as u64);
            for _ in 0..PER_COMMAND {
                let args: Vec<String> = generate(&cli, &mut rng)
                    .into_iter()
                    .map(|a| a.replace("OUT", &root.join("out").display().to_string()))
                    .collect();
                let output = run(&work, &args);
                let err = String::from_utf8_lossy(&output.stderr);
                let shown = format!(
                    "identity-crisis {args:?}: status {:?}, stderr {err:?}",
                    output.status
                );
                assert_eq!(output.status.code(), Some(2), "{shown}");
                assert_eq!(err.lines().count(), 1, "{shown}");
                assert!(err.starts_with("error: "), "{shown}");
                assert!(err.len() < 600, "{shown}");
                assert!(!err.contains("panicked"), "{shown}");
                assert!(output.stdout.is_empty(), "{shown}");
                assert!(!root.join("out").exists(), "{shown}: --out was created");
                ran += 1;
                ours += usize::from(!err.trim_end().ends_with("(see --help)"));
            }
        }
        assert!(
            ours * 4 >= ran,
            "{}: only {ours} of {ran} lines reached the command's own checks",
            cli.command
        );
        counts.push(format!("{} {ran} ({ours} past clap)", cli.command));
    }
    // Some lines whose refusal must come from our own checks, not from clap: sizes checked
    // before anything is allocated (the memory limit would abort the run), files checked
    // before any work.
    for (args, expected) in [
        (
            &["train", "--arch", "relu", "--depth", "1000000000"][..],
            "number of hidden layers must be in 0..=16, got 1000000000",
        ),
        (
            &[
                "train",
                "--arch",
                "linear",
                "--depth",
                "18446744073709551615",
            ][..],
            "number of hidden layers must be in 0..=16",
        ),
        (
            &["heatmap", "--arch", "linear", "--depths", "1,1000000000"][..],
            "number of hidden layers must be in 0..=16",
        ),
        (
            &[
                "train",
                "--arch",
                "conv",
                "--depth",
                "5",
                "--channels",
                "1024",
                "--kernel",
                "37",
            ][..],
            "parameters, more than the limit",
        ),
        (
            &["figure", "1", "--scale", "test", "--out", "FILE/figures"][..],
            "cannot be written",
        ),
        (&["report", "--dir", "FILE"][..], "is not a folder"),
        (&["report", "--dir", "EMPTY"][..], "no figN.json"),
        (
            &["bench", "--steps", "0"][..],
            "--steps must be in 1..=10000",
        ),
    ] {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let output = run(&work, &args);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let mut left: Vec<String> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["EMPTY", "FILE"],
        "the runs wrote into their working folder"
    );
    eprintln!("bad arguments: command lines run: {}", counts.join(", "));
    let _ = std::fs::remove_dir_all(&root);
}
