//! The CLI's contract: exit statuses, one-line errors, the heatmap JSON of DESIGN section 6.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_identity-crisis"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// An empty folder of its own for a test, under the system's temporary folder.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("identity-crisis-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    for (args, expected) in [
        (
            &["train", "--arch", "conv", "--depth", "0"][..],
            "depth must be in 1..=32, got 0",
        ),
        (&["train", "--kernel", "4"][..], "kernel must be odd"),
        (&["train", "--lr", "-1"][..], "learning rate must be in"),
        (
            &["heatmap", "--rhos", "0,abc"][..],
            "'abc' is not a valid value",
        ),
        (
            &["heatmap", "--rhos", "0,1.5"][..],
            "every rho must be in [0, 1]",
        ),
        (&["train", "--backend", "cuda"][..], "invalid value 'cuda'"),
        (&["train", "--no-such-flag"][..], "unexpected argument"),
        (
            &["train", "--arch", "conv", "--train-bottom-only"][..],
            "--train-bottom-only is for --arch relu",
        ),
        (
            &["figure", "all"][..],
            "required arguments were not provided: --out",
        ),
        (
            &["train", "--arch", "relu", "--depth", "2", "--layers"][..],
            "--layers looks at a ConvNet's channels",
        ),
        (&[][..], "a command is needed: train, predict"),
        (
            &["figure", "6,x", "--out", "/tmp"][..],
            "numbers separated by commas",
        ),
        (
            &["figure", "6", "--shard", "0/4", "--save-models", "/tmp"][..],
            "a shard is M/N with 1 <= M <= N",
        ),
        (&["figure", "6", "--shard", "1/4"][..], "--save-models"),
        (
            &[
                "figure",
                "6",
                "--shard",
                "1/4",
                "--save-models",
                "/tmp",
                "--out",
                "/tmp",
            ][..],
            "cannot be used with",
        ),
        (
            &["merge", "6", "--out", "/tmp", "--models", "/no/such/folder"][..],
            "--models /no/such/folder: no such folder",
        ),
        (
            &[
                "merge", "6", "--out", "/tmp", "--models", "/tmp", "--shards", "0",
            ][..],
            "invalid value '0'",
        ),
        (
            &["predict", "--model", "net.bpk", "--depth", "3"][..],
            "cannot be used with",
        ),
        (&["train", "--half"][..], "--save"),
    ] {
        let output = run(args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn train_layers_reports_dead_units_and_layer_correlations() {
    let output = run(&[
        "train",
        "--arch",
        "conv",
        "--depth",
        "3",
        "--channels",
        "4",
        "--kernel",
        "3",
        "--steps",
        "5",
        "--layers",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("dead units"),
        "{}",
        stderr(&output)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let layers = json["layers"]["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3);
    for hidden in &layers[..2] {
        let dead = hidden["dead"]
            .as_f64()
            .expect("a hidden ReLU layer has a dead fraction");
        assert!((0.0..=1.0).contains(&dead), "{dead}");
    }
    assert!(layers[2]["dead"].is_null(), "the output layer has no ReLU");
    for layer in layers {
        let r = layer["top_singular_corr_input"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&r), "{r}");
    }
    let rho_zero = json["layers"]["rho_zero"]
        .as_object()
        .expect("the answers at rho 0");
    assert!(rho_zero.contains_key("identity") && rho_zero.contains_key("constant"));
}

#[test]
fn heatmap_prints_the_contract_json() {
    let output = run(&[
        "heatmap",
        "--arch",
        "conv",
        "--depths",
        "1,2",
        "--channels",
        "4",
        "--rhos",
        "0,0.5,1",
        "--probes",
        "2",
        "--steps",
        "30",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(json["arch"], "conv");
    assert_eq!(json["rhos"].as_array().unwrap().len(), 3);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| r["depth"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2]
    );
    for row in rows {
        for key in ["identity", "constant"] {
            let values = row[key].as_array().unwrap();
            assert_eq!(values.len(), 3);
            assert!(
                values
                    .iter()
                    .all(|v| (-1.0..=1.0).contains(&v.as_f64().unwrap())),
                "{row}"
            );
        }
        assert!(row["final_loss"].as_f64().unwrap().is_finite());
        assert_eq!(row["steps"], 30);
    }
}

#[test]
fn bench_measures_every_configuration_in_a_child() {
    let output = run(&["bench", "--steps", "1", "--min-ms", "0", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(json["min_ms"], 0);
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for r in results {
        assert!(r["ms_per_step"].as_f64().unwrap() > 0.0, "{r}");
        // One step asked: one group of five timed (the loss is read every five).
        assert_eq!(r["steps_timed"], 5, "{r}");
        assert!(r["peak_rss_mib"].as_f64().unwrap() > 0.0, "{r}");
        assert_eq!(r["backend"], "flex");
    }
}

#[test]
fn figure_writes_json_csv_and_a_png_that_decodes_then_skips_it() {
    let out = std::env::temp_dir().join(format!("identity-crisis-fig-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let out_arg = out.to_str().unwrap();
    // Two seeds: a run each, claims judged on both, the numbers' spread beside them.
    // Fig. 8 too: its layer views show a channel that differs between seeds.
    let output = run(&[
        "figure", "7,8", "--scale", "test", "--seeds", "0,1", "--out", out_arg,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("fig7.json")).unwrap()).unwrap();
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["seed"], 1);
    assert_eq!(runs[0]["kind"], "heatmap");
    assert_eq!(runs[0]["rows"].as_array().unwrap().len(), 2);
    for claim in json["claims"].as_array().unwrap() {
        assert_eq!(claim["seeds"], serde_json::json!([0, 1]), "{claim}");
        assert_eq!(claim["verdicts"].as_array().unwrap().len(), 2, "{claim}");
    }
    let csv = std::fs::read_to_string(out.join("fig7.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 * 2 * 3, "{csv}");
    assert!(csv.starts_with("seed,network,rho,"), "{csv}");
    let spread = std::fs::read_to_string(out.join("fig7-spread.csv")).unwrap();
    assert!(
        spread.starts_with(
            "network,rho,identity_mean,identity_sd,constant_mean,constant_sd,edges_mean,edges_sd,seeds"
        ),
        "{spread}"
    );
    assert_eq!(spread.lines().count(), 1 + 2 * 3, "{spread}");
    assert!(out.join("fig8-spread.csv").exists(), "{}", stderr(&output));
    let decoder = png::Decoder::new(std::fs::File::open(out.join("fig7.png")).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert!(
        info.width > 200 && info.height > 100,
        "{}x{}",
        info.width,
        info.height
    );
    assert!(pixels.iter().any(|&p| p != 255), "the PNG is blank");

    let again = run(&["figure", "7", "--scale", "test", "--out", out_arg]);
    assert!(again.status.success());
    assert!(stderr(&again).contains("skipped"), "{}", stderr(&again));
    let bad = run(&["figure", "99", "--out", out_arg]);
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn figure_all_at_test_scale_writes_every_figure() {
    let out = std::env::temp_dir().join(format!("identity-crisis-all-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let output = run(&[
        "figure",
        "all",
        "--scale",
        "test",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    for n in 1..=33 {
        for ext in ["json", "csv", "png"] {
            let path = out.join(format!("fig{n}.{ext}"));
            assert!(path.exists(), "{} is missing", path.display());
        }
    }
    let recorded = |n: u32| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join(format!("fig{n}.json"))).unwrap()).unwrap()
    };
    // The data of the run's one seed.
    let read = |n: u32| -> serde_json::Value { recorded(n)["runs"][0].clone() };
    // Fig. 24 at test scale: the 2-layer net's top layer, then the whole net (twice capped).
    let cuts: Vec<u64> = read(24)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["first_layer"].as_u64().unwrap())
        .collect();
    assert_eq!(cuts, [1, 1, 1]);
    // Fig. 11: a mean per input side for each of the two networks.
    for row in read(11)["rows"].as_array().unwrap() {
        assert_eq!(row["mean_constant_unseen"].as_array().unwrap().len(), 8);
    }
    // Fig. 8: the random net and three trained ones, each of 2 layers at test scale.
    let nets = read(8)["networks"].as_array().unwrap().clone();
    assert_eq!(nets.len(), 4);
    assert_eq!(nets[0]["state"], "initial");
    assert_eq!(nets[1]["layers"].as_array().unwrap().len(), 2);
    // Every figure records its claims (possibly none at this scale) and its time.
    for n in 1..=33 {
        let json = recorded(n);
        assert!(json["claims"].is_array(), "figure {n}");
        assert!(json["seconds"].as_f64().is_some(), "figure {n}");
        assert_eq!(json["runs"][0]["figure"], n, "figure {n}");
    }

    let report = run(&["report", "--dir", out.to_str().unwrap()]);
    assert!(report.status.success(), "{}", stderr(&report));
    let md = std::fs::read_to_string(out.join("paper-report.md")).unwrap();
    assert!(md.contains("Figures: 33 of 33"), "{md}");
    for n in 1..=33 {
        assert!(
            md.contains(&format!("### Figure {n}\n")),
            "figure {n} missing"
        );
    }
    let nowhere = run(&["report", "--dir", "/no/such/folder"]);
    assert_eq!(nowhere.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn files_are_checked_before_any_work() {
    let root = scratch("files");
    // --estimate writes nothing, not even the folder.
    let planned = root.join("planned");
    let estimate = run(&[
        "figure",
        "1",
        "--scale",
        "test",
        "--estimate",
        "--out",
        planned.to_str().unwrap(),
    ]);
    assert!(estimate.status.success(), "{}", stderr(&estimate));
    assert!(
        stderr(&estimate).contains("expected"),
        "{}",
        stderr(&estimate)
    );
    assert!(!planned.exists(), "--estimate created --out");
    // An --out that cannot be written is refused before training (here: below a file).
    std::fs::write(root.join("a-file"), b"").unwrap();
    let below_file = root.join("a-file/figures");
    let refused = run(&[
        "figure",
        "6",
        "--scale",
        "paper",
        "--out",
        below_file.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("cannot be written"),
        "{}",
        stderr(&refused)
    );
    // predict refuses a test row longer than the bundled images, naming the limit.
    let long = run(&["predict", "--digits", "5000"]);
    assert_eq!(long.status.code(), Some(2));
    assert!(
        stderr(&long).contains("at most 1000 MNIST test digits (the bundled ones), got 5000"),
        "{}",
        stderr(&long)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[cfg(unix)]
#[test]
fn report_reads_only_regular_files() {
    let dir = scratch("links");
    // A link to a file outside the folder: refused, not followed.
    std::os::unix::fs::symlink("/etc/hostname", dir.join("fig1.json")).unwrap();
    let linked = run(&["report", "--dir", dir.to_str().unwrap()]);
    assert_eq!(linked.status.code(), Some(1), "{}", stderr(&linked));
    assert!(
        stderr(&linked).contains("not a regular file"),
        "{}",
        stderr(&linked)
    );
    // A pipe: refused at once instead of blocking forever.
    std::fs::remove_file(dir.join("fig1.json")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("fig2.json"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let piped = run(&["report", "--dir", dir.to_str().unwrap()]);
    assert_eq!(piped.status.code(), Some(1), "{}", stderr(&piped));
    assert!(
        stderr(&piped).contains("fig2.json: not a regular file"),
        "{}",
        stderr(&piped)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_refuses_a_figure_of_another_shape_and_names_the_remedy() {
    let dir = scratch("shape");
    // A figure as an earlier version wrote it: numbers read back by key, no kind.
    std::fs::write(
        dir.join("fig7.json"),
        r#"{"figure": 7, "rhos": [0.0], "rows": [], "claims": []}"#,
    )
    .unwrap();
    let output = run(&["report", "--dir", dir.to_str().unwrap()]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("fig7.json is not a figure this version"),
        "{err}"
    );
    assert!(err.contains("identity-crisis figure 7 --force"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_saved_network_answers_predict_as_trained_and_a_damaged_one_is_refused() {
    let root = scratch("saved");
    let file = root.join("net.bpk");
    let file = file.to_str().unwrap();
    let small = [
        "--arch",
        "conv",
        "--depth",
        "2",
        "--channels",
        "4",
        "--steps",
        "20",
    ];
    let trained = run(&[&["predict", "--json"][..], &small[..]].concat());
    assert!(trained.status.success(), "{}", stderr(&trained));
    let saved = run(&[&["train", "--save", file][..], &small[..]].concat());
    assert!(saved.status.success(), "{}", stderr(&saved));
    let loaded = run(&["predict", "--json", "--model", file]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    // The same network (same seed, same steps) trained again or loaded answers the same.
    assert_eq!(loaded.stdout, trained.stdout);

    let bytes = std::fs::read(file).unwrap();
    let truncated = root.join("truncated.bpk");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let text = root.join("text.bpk");
    std::fs::write(&text, b"hello").unwrap();
    for (path, expected) in [
        (truncated.to_str().unwrap(), "truncated"),
        (text.to_str().unwrap(), "not a network file"),
        ("/no/such/net.bpk", "no such file"),
        (root.to_str().unwrap(), "not a regular file"),
    ] {
        let refused = run(&["predict", "--model", path]);
        let err = stderr(&refused);
        assert_eq!(refused.status.code(), Some(2), "{path}: {err}");
        assert!(err.contains(expected), "{path}: {err}");
        assert!(!err.contains("panicked"), "{path}: {err}");
    }
    // A model and architecture flags do not mix; --save is checked before training.
    let both = run(&["predict", "--model", file, "--depth", "3"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    let unwritable = run(&[
        "train",
        "--steps",
        "1",
        "--save",
        root.join("no/dir/x.bpk").to_str().unwrap(),
    ]);
    assert_eq!(unwritable.status.code(), Some(2), "{}", stderr(&unwritable));
    assert!(
        stderr(&unwritable).contains("cannot be written"),
        "{}",
        stderr(&unwritable)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn merge_names_every_missing_network_and_its_shard() {
    let root = scratch("merge");
    let models = root.join("models");
    std::fs::create_dir_all(&models).unwrap();
    let models = models.to_str().unwrap();
    let out = root.join("out");
    let out = out.to_str().unwrap();
    // Shard 1 of 2 of Fig. 2 (linear FCNs) at test scale, one seed.
    let fig = ["2", "--scale", "test", "--seeds", "0"];
    let shard = run(&[
        &["figure"][..],
        &fig[..],
        &["--shard", "1/2", "--save-models", models][..],
    ]
    .concat());
    assert!(shard.status.success(), "{}", stderr(&shard));
    let saved = std::fs::read_dir(models).unwrap().count();
    let merge = run(&[
        &["merge"][..],
        &fig[..],
        &["--models", models, "--out", out, "--shards", "2"][..],
    ]
    .concat());
    let err = stderr(&merge);
    let planned: usize = err
        .lines()
        .find_map(|l| l.split(" of the run's ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(merge.status.code(), Some(1), "{err}");
    assert_eq!(
        err.matches(", shard 2/2)").count(),
        planned - saved,
        "{err}"
    );
    assert!(!err.contains("shard 1/2)"), "{err}");
    let rest = run(&[
        &["figure"][..],
        &fig[..],
        &["--shard", "2/2", "--save-models", models][..],
    ]
    .concat());
    assert!(rest.status.success(), "{}", stderr(&rest));
    let merge = run(&[
        &["merge"][..],
        &fig[..],
        &["--models", models, "--out", out][..],
    ]
    .concat());
    assert!(merge.status.success(), "{}", stderr(&merge));
    assert!(root.join("out/fig2.json").exists());
    let _ = std::fs::remove_dir_all(&root);
}
