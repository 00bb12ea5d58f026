//! What the networks alive in one place may take together: a ledger of their memory
//! estimates against one budget.
//!
//! A browser tab keeps the network being trained, the untrained preview and the networks
//! kept for comparison in one wasm heap (at most 4 GiB, and it never shrinks): a budget per
//! network would let four of them overrun it together. The ledger admits a network only when
//! it fits beside the ones alive, and otherwise says which ones take the room.

use std::collections::BTreeMap;

use crate::arch::ConfigError;

/// Bytes as whole mebibytes, for messages.
fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / f64::from(1u32 << 20))
}

/// One admitted network: its name and its estimate.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    bytes: u64,
}

/// The networks alive in one place (e.g. "the CPU path in the browser") and what they take.
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    place: &'static str,
    limit: u64,
    entries: BTreeMap<u64, Entry>,
    next: u64,
}

/// The ticket of an admitted network: give it back with [`MemoryBudget::release`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admitted(u64);

impl MemoryBudget {
    /// An empty ledger for `place` (named in messages) holding at most `limit` bytes.
    pub const fn new(place: &'static str, limit: u64) -> Self {
        MemoryBudget {
            place,
            limit,
            entries: BTreeMap::new(),
            next: 0,
        }
    }

    /// Bytes the admitted networks take together.
    pub fn in_use(&self) -> u64 {
        self.entries
            .values()
            .fold(0, |sum, e| sum.saturating_add(e.bytes))
    }

    /// The most bytes this place holds.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Admits `name` needing `bytes`, or says why not: too large for this place on its own
    /// (with the limit), or too large beside the networks alive (naming each, largest first).
    pub fn admit(&mut self, name: &str, bytes: u64) -> Result<Admitted, ConfigError> {
        if bytes > self.limit {
            return Err(ConfigError(format!(
                "{name} needs about {}; {} takes up to {}: use fewer channels, units or layers",
                mib(bytes),
                self.place,
                mib(self.limit)
            )));
        }
        let used = self.in_use();
        if used.saturating_add(bytes) > self.limit {
            let mut alive: Vec<&Entry> = self.entries.values().collect();
            alive.sort_by_key(|e| std::cmp::Reverse(e.bytes));
            let list: Vec<String> = alive
                .iter()
                .map(|e| format!("{} ({})", e.name, mib(e.bytes)))
                .collect();
            return Err(ConfigError(format!(
                "{name} needs about {}, but the networks alive already take {} of the {} that {} \
                 holds: {}. Remove one of them, or choose a smaller network",
                mib(bytes),
                mib(used),
                mib(self.limit),
                self.place,
                list.join(", ")
            )));
        }
        let id = self.next;
        self.next += 1;
        self.entries.insert(
            id,
            Entry {
                name: name.to_string(),
                bytes,
            },
        );
        Ok(Admitted(id))
    }

    /// Records a new estimate for an admitted network (smaller once training is over).
    pub fn resize(&mut self, ticket: Admitted, bytes: u64) {
        if let Some(entry) = self.entries.get_mut(&ticket.0) {
            entry.bytes = bytes;
        }
    }

    /// Forgets an admitted network (it was freed).
    pub fn release(&mut self, ticket: Admitted) {
        self.entries.remove(&ticket.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    #[test]
    fn networks_are_admitted_while_they_fit_together() {
        let mut budget = MemoryBudget::new("the test heap", 100 * MIB);
        let a = budget.admit("a", 40 * MIB).unwrap();
        let _b = budget.admit("b", 50 * MIB).unwrap();
        assert_eq!(budget.in_use(), 90 * MIB);
        // 40 + 50 + 20 > 100: refused, naming both networks alive, largest first.
        let err = budget.admit("c", 20 * MIB).unwrap_err().to_string();
        assert!(err.contains("c needs about 20 MiB"), "{err}");
        assert!(err.contains("take 90 MiB of the 100 MiB"), "{err}");
        assert!(err.contains("b (50 MiB), a (40 MiB)"), "{err}");
        assert_eq!(budget.in_use(), 90 * MIB, "a refusal takes nothing");
        // Once a is released (or shrinks), c fits.
        budget.resize(a, 10 * MIB);
        assert_eq!(budget.in_use(), 60 * MIB);
        budget.release(a);
        budget.admit("c", 20 * MIB).unwrap();
        assert_eq!(budget.in_use(), 70 * MIB);
    }

    #[test]
    fn a_network_larger_than_the_place_is_refused_on_its_own_terms() {
        let mut budget = MemoryBudget::new("the test heap", 100 * MIB);
        let err = budget.admit("huge", 101 * MIB).unwrap_err().to_string();
        assert!(err.contains("the test heap takes up to 100 MiB"), "{err}");
        assert!(err.contains("fewer channels"), "{err}");
        assert!(budget.admit("exact", 100 * MIB).is_ok());
    }
}
