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

/// A flag of a command with values that are surely bad for it, whatever the other flags.
#[derive(Clone, Copy)]
struct Flag {
    name: &'static str,
    bad: &'static [&'static str],
}

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

const ARCH_FLAGS: &[Flag] = &[
    Flag {
        name: "--arch",
        bad: &["cnn", "CONV", "mlp", ""],
    },
    Flag {
        name: "--hidden",
        bad: &["-1", "abc", "1.5", "18446744073709551616"],
    },
    Flag {
        name: "--channels",
        bad: &["-1", "abc", "2.5"],
    },
    Flag {
        name: "--kernel",
        bad: &["-3", "x", "3.0"],
    },
    Flag {
        name: "--steps",
        bad: &["0", "1000001", "-5", "18446744073709551615", "ten"],
    },
    Flag {
        name: "--lr",
        bad: &["0", "-0.1", "10.5", "NaN", "inf", "-inf", "1e400", "lr"],
    },
    Flag {
        name: "--optimizer",
        bad: &["rmsprop", "ADAM", ""],
    },
    Flag {
        name: "--init",
        bad: &["he", "xavier", ""],
    },
    Flag {
        name: "--tolerance",
        bad: &["-1", "NaN", "inf", "x"],
    },
    Flag {
        name: "--backend",
        bad: &["cuda", "gpu", "", "flex,wgpu"],
    },
    Flag {
        name: "--seed",
        bad: &["-1", "18446744073709551616", "1.0", "seed"],
    },
];

const DEPTH: Flag = Flag {
    name: "--depth",
    bad: &[
        "-1",
        "33",
        "1000000000",
        "18446744073709551615",
        "1.5",
        "deep",
    ],
};

/// Every command, from a valid base (a small network that would train in seconds if the bad
/// value were let through: the test would then fail on its exit status).
fn commands() -> Vec<Cli> {
    vec![
        Cli {
            command: "train",
            base: &["--arch", "relu", "--hidden", "16", "--depth", "1"],
            flags: [ARCH_FLAGS, &[DEPTH]].concat().leak(),
        },
        Cli {
            command: "predict",
            base: &["--arch", "relu", "--hidden", "16", "--depth", "1"],
            flags: [
                ARCH_FLAGS,
                &[
                    DEPTH,
                    Flag {
                        name: "--digits",
                        bad: &["1001", "5000", "-1", "many"],
                    },
                    Flag {
                        name: "--fashion",
                        bad: &["1001", "99999999999", "-2"],
                    },
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
                    Flag {
                        name: "--depths",
                        bad: &["", "1,,2", "1,x", "-1", "33", "1,1000000000", "1.5"],
                    },
                    Flag {
                        name: "--rhos",
                        bad: &["", "1.5", "-0.1", "NaN", "0,abc", "0,,1", "inf"],
                    },
                    Flag {
                        name: "--probes",
                        bad: &["0", "1001", "-3", "lots"],
                    },
                ],
            ]
            .concat()
            .leak(),
        },
        Cli {
            command: "bench",
            base: &["--steps", "1"],
            flags: &[
                Flag {
                    name: "--backend",
                    bad: &["cuda", "", "flex,cuda", ",,"],
                },
                Flag {
                    name: "--steps",
                    bad: &["0", "10001", "-1", "x"],
                },
                Flag {
                    name: "--seed",
                    bad: &["-1", "x"],
                },
                Flag {
                    name: "--only",
                    bad: &["no-such-network", "", "conv-d99-c1-k1"],
                },
            ],
        },
        Cli {
            command: "figure",
            base: &["1", "--scale", "test", "--out", "OUT"],
            flags: &[
                Flag {
                    name: "--scale",
                    bad: &["huge", "", "QUICK"],
                },
                Flag {
                    name: "--backend",
                    bad: &["cuda", ""],
                },
                Flag {
                    name: "--seed",
                    bad: &["-1", "x"],
                },
                Flag {
                    name: "--out",
                    bad: &["/proc/identity-crisis-cannot-write-here"],
                },
            ],
        },
        Cli {
            command: "report",
            base: &["--dir", "EMPTY"],
            flags: &[Flag {
                name: "--dir",
                bad: &["/no/such/folder", "", "FILE"],
            }],
        },
    ]
}

/// A bad command line for `cli`: the valid base with one to three bad values, an unknown
/// flag, a repeated flag or a flag without its value.
fn generate(cli: &Cli, rng: &mut StdRng) -> Vec<String> {
    let mut args: Vec<String> = vec![cli.command.into()];
    args.extend(cli.base.iter().map(|s| s.to_string()));
    let pick = |rng: &mut StdRng, list: &[&str]| list[rng.random_range(0..list.len())].to_string();
    let mutations = 1 + rng.random_range(0..3);
    for _ in 0..mutations {
        let flag = &cli.flags[rng.random_range(0..cli.flags.len())];
        match rng.random_range(0..10) {
            // An unknown flag.
            0 => args.push(pick(
                rng,
                &["--no-such-flag", "-x", "--depth-of-field", "--json=2"],
            )),
            // A flag twice (clap refuses a repeated single value).
            1 if flag.name != "--backend" || cli.command != "bench" => {
                let value = pick(rng, flag.bad);
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
            ) =>
            {
                args.extend([flag.name.to_string(), pick(rng, NOT_A_NUMBER)]);
            }
            _ => args.extend([flag.name.to_string(), pick(rng, flag.bad)]),
        }
    }
    // Sometimes, the last flag loses its value.
    if rng.random_range(0..8) == 0 {
        let flag = &cli.flags[rng.random_range(0..cli.flags.len())];
        args.push(flag.name.to_string());
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
            }
        }
        counts.push(format!("{} {ran}", cli.command));
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
