//! `figure ... --shard m/n --save-models DIR`: one machine's share of a run. The run's
//! networks (every figure's plan on every seed, each counted once) are dealt to `n` shards by
//! their [`network_id`], a hash of everything that decides their weights, as `cargo nextest
//! --partition hash:m/n` deals tests: every machine computes the same split without talking
//! to the others. A shard trains its networks and saves each as soon as it is trained, so a
//! shard run again after an interruption trains only what is missing.

use std::collections::BTreeMap;
use std::str::FromStr;

use identity_figures::{Networks, Planned};

use super::{Context, RunArgs, Store, budget, checked, choose, planned_id};
use crate::common::CliError;

/// The most shards a run is split into.
pub const MAX_SHARDS: usize = 10_000;

/// Shard `index` of `count` (1-based, as on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl Shard {
    /// The shard (1-based) of `count` that the network `id` belongs to.
    pub fn of(id: &str, count: usize) -> usize {
        // An id is 16 hex digits; anything else lands in shard 1 rather than nowhere.
        let hash = u64::from_str_radix(id, 16).unwrap_or(0);
        (hash % count as u64) as usize + 1
    }

    /// Whether the network `id` is this shard's.
    fn holds(&self, id: &str) -> bool {
        Shard::of(id, self.count) == self.index
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("a shard is M/N with 1 <= M <= N <= {MAX_SHARDS}, got '{text}'");
        let (m, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            m.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if !(1..=MAX_SHARDS).contains(&count) || !(1..=count).contains(&index) {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// Every distinct network of the run of `args` with its seed, by id.
pub fn networks_of_run(
    ctx: &Context,
    args: &RunArgs,
    seeds: &[u64],
) -> Result<BTreeMap<String, (Planned, u64)>, CliError> {
    let all = identity_figures::all();
    let mut networks = BTreeMap::new();
    for figure in choose(&all, &args.figure)? {
        for planned in ctx.plan(figure) {
            for &seed in seeds {
                let id = planned_id(&ctx.setting, &planned, seed)?;
                networks
                    .entry(id)
                    .or_insert_with(|| (planned.clone(), seed));
            }
        }
    }
    Ok(networks)
}

/// Trains the networks of shard `shard` of the run of `args` that `store` lacks, saving each
/// there. Returns how many it trained.
pub fn train(args: &RunArgs, shard: Shard, store: Store) -> Result<usize, CliError> {
    let (seeds, widest) = checked(args)?;
    let mut ctx = Context::of_run(args, (&seeds, widest), Some(store))?;
    let run = networks_of_run(&ctx, args, &seeds)?;
    let mine: Vec<(Planned, u64)> = run
        .iter()
        .filter(|(id, _)| shard.holds(id))
        .map(|(_, network)| network.clone())
        .collect();
    let todo: Vec<(Planned, u64)> = mine
        .iter()
        .filter(|(planned, seed)| !ctx.is_saved(planned, *seed))
        .cloned()
        .collect();
    eprintln!(
        "shard {}/{}: {} of the run's {} networks, {} saved already, {} to train",
        shard.index,
        shard.count,
        mine.len(),
        run.len(),
        mine.len() - todo.len(),
        todo.len()
    );
    let plan: Vec<Planned> = todo.iter().map(|(planned, _)| planned.clone()).collect();
    budget::time_steps(&mut ctx, std::slice::from_ref(&plan), &seeds)?;
    let total: f64 = plan
        .iter()
        .map(|planned| budget::cost_ms(&ctx, planned))
        .sum();
    ctx.networks
        .budget
        .start(format!("shard {}/{}", shard.index, shard.count), total);
    for (planned, seed) in &todo {
        ctx.setting.seed = *seed;
        let trained = pollster::block_on(ctx.networks.trained(&ctx.setting, planned));
        // Each network is on disk once trained; none is kept in memory.
        ctx.networks.trained.clear();
        if let Err(e) = trained {
            ctx.networks.budget.finish();
            return Err(e);
        }
    }
    ctx.networks.budget.finish();
    eprintln!(
        "shard {}/{}: done; `identity-crisis merge` makes the figures once every shard is",
        shard.index, shard.count
    );
    Ok(todo.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_from_m_over_n_and_bad_ones_refused() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        for bad in [
            "", "1", "0/4", "5/4", "1/0", "a/b", "1/2/3", "-1/4", "1/10001",
        ] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_network_falls_in_exactly_one_shard() {
        for id in ["0000000000000000", "ffffffffffffffff", "0123456789abcdef"] {
            let shards: Vec<usize> = (1..=4)
                .filter(|&m| Shard { index: m, count: 4 }.holds(id))
                .collect();
            assert_eq!(shards.len(), 1, "{id}");
        }
    }
}
