//! A figure over several seeds (of the weights and the random test inputs): one table with a
//! seed column, and the mean and spread of every number across the seeds.

use std::fmt::Write;

use crate::answers::cell;
use crate::data::Run;

/// The runs' tables in one: a `seed` column, then each run's [`crate::Body::csv`].
pub fn csv(runs: &[Run]) -> String {
    let mut out = String::new();
    for (i, run) in runs.iter().enumerate() {
        let table = run.data.body.csv();
        let mut lines = table.lines();
        if let Some(header) = lines.next()
            && i == 0
        {
            writeln!(out, "seed,{header}").ok();
        }
        for line in lines {
            writeln!(out, "{},{line}", run.seed).ok();
        }
    }
    out
}

/// The mean and the standard deviation (over the seeds, `n - 1` in the denominator; empty for
/// one seed) of every number of the runs' tables, row by row: the key columns, then
/// `<column>_mean` and `<column>_sd` for each number, then how many seeds had it. Rows must
/// name the same things in every run (the same networks and inputs); an undefined number (an
/// empty cell) is left out of its row's mean.
pub fn spread_csv(runs: &[Run]) -> Result<String, String> {
    let Some(first) = runs.first() else {
        return Ok(String::new());
    };
    let keys = first.data.body.key_columns();
    let tables: Vec<Vec<Vec<String>>> = runs
        .iter()
        .map(|run| {
            run.data
                .body
                .csv()
                .lines()
                .map(|l| l.split(',').map(str::to_string).collect())
                .collect()
        })
        .collect();
    if let Some((table, run)) = tables
        .iter()
        .zip(runs)
        .find(|(t, _)| t.len() != tables[0].len())
    {
        return Err(format!(
            "seed {} measured {} rows, seed {} {}",
            run.seed,
            table.len() - 1,
            runs[0].seed,
            tables[0].len() - 1
        ));
    }
    let header = &tables[0][0];
    let skipped = first.data.body.labels_only();
    let numbers: Vec<usize> = (keys..header.len())
        .filter(|&c| !skipped.contains(&header[c].as_str()))
        .collect();
    let mut out = header[..keys].join(",");
    for &column in &numbers {
        write!(out, ",{}_mean,{}_sd", header[column], header[column]).ok();
    }
    out.push_str(",seeds\n");
    for row in 1..tables[0].len() {
        let key = &tables[0][row][..keys];
        for (table, run) in tables.iter().zip(runs) {
            if table.get(row).map(|r| &r[..keys]) != Some(key) {
                return Err(format!(
                    "seed {} measured other rows than seed {} (row {row}: {})",
                    run.seed,
                    runs[0].seed,
                    key.join(",")
                ));
            }
        }
        out.push_str(&key.join(","));
        let mut seeds = 0;
        for &column in &numbers {
            let values: Vec<f64> = tables
                .iter()
                .filter_map(|t| t[row].get(column).and_then(|c| c.parse().ok()))
                .collect();
            seeds = seeds.max(values.len());
            let (mean, sd) = mean_sd(&values);
            write!(out, ",{},{}", cell(mean), cell(sd)).ok();
        }
        writeln!(out, ",{seeds}").ok();
    }
    Ok(out)
}

/// The mean and the sample standard deviation (`None` when there are too few values).
pub fn mean_sd(values: &[f64]) -> (Option<f64>, Option<f64>) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (None, None);
    }
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.len() > 1)
        .then(|| (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt());
    (Some(mean), sd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::FigureData;
    use crate::weight_change::{ChangeRow, WeightChange};

    fn run(seed: u64, changes: &[f32]) -> Run {
        let net = crate::net::Net {
            label: "2 layers".into(),
            arch: identity_core::ArchConfig::Conv {
                depth: 2,
                channels: 2,
                kernel: 3,
            },
            final_loss: 1e-5,
            steps: 30,
            id: String::new(),
            params: None,
        };
        Run {
            seed,
            data: FigureData {
                figure: 16,
                body: crate::Body::WeightChange(WeightChange {
                    rows: vec![ChangeRow {
                        network: net,
                        changes: changes
                            .iter()
                            .map(|&weight| identity_core::weight_change::LayerChange {
                                weight,
                                bias: None,
                            })
                            .collect(),
                    }],
                }),
            },
        }
    }

    #[test]
    fn numbers_are_averaged_over_seeds_row_by_row() {
        let runs = [run(0, &[0.1, 0.3]), run(1, &[0.3, 0.5])];
        let all = csv(&runs);
        assert_eq!(
            all.lines().collect::<Vec<_>>(),
            [
                "seed,network,layer,weight_change,bias_change",
                "0,2 layers,1,0.1,",
                "0,2 layers,2,0.3,",
                "1,2 layers,1,0.3,",
                "1,2 layers,2,0.5,",
            ]
        );
        let spread = spread_csv(&runs).unwrap();
        let lines: Vec<&str> = spread.lines().collect();
        assert_eq!(
            lines[0],
            "network,layer,weight_change_mean,weight_change_sd,bias_change_mean,bias_change_sd,seeds"
        );
        let cells: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(&cells[..2], ["2 layers", "1"]);
        assert!((cells[2].parse::<f64>().unwrap() - 0.2).abs() < 1e-6);
        assert!((cells[3].parse::<f64>().unwrap() - 0.1414).abs() < 1e-3);
        assert_eq!(&cells[4..], ["", "", "2"]);
        // Runs that measured other rows cannot be averaged.
        assert!(spread_csv(&[run(0, &[0.1]), run(1, &[0.1, 0.2])]).is_err());
    }
}
