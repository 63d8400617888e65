//! The open positions of a portfolio, in entry order, in slots: O(1) insert, lookup and removal
//! (a position keeps its slot while open), iteration in entry order. Emptied slots at the end
//! are dropped at once; the others are compacted away once they outnumber the open positions,
//! so iterating costs O(open positions).

use crate::position::OpenPosition;

/// Emptied slots tolerated before a compaction is considered.
const SLACK: usize = 32;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct OpenBook {
    slots: Vec<Option<OpenPosition>>,
    len: usize,
}

impl OpenBook {
    /// Adds `open` after every other open position; returns its slot.
    pub(crate) fn insert(&mut self, open: OpenPosition) -> usize {
        self.slots.push(Some(open));
        self.len += 1;
        self.slots.len() - 1
    }

    /// Makes room for `additional` more positions.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
    }

    pub(crate) fn get(&self, slot: usize) -> Option<&OpenPosition> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    pub(crate) fn get_mut(&mut self, slot: usize) -> Option<&mut OpenPosition> {
        self.slots.get_mut(slot).and_then(Option::as_mut)
    }

    /// Takes the position out of `slot` (other positions keep their slots).
    pub(crate) fn remove(&mut self, slot: usize) -> Option<OpenPosition> {
        let open = self.slots.get_mut(slot)?.take()?;
        self.len -= 1;
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Some(open)
    }

    /// Whether enough slots are empty that [`OpenBook::compact`] should run.
    pub(crate) fn wants_compaction(&self) -> bool {
        let empty = self.slots.len() - self.len;
        empty > SLACK && empty > self.len
    }

    /// Drops the empty slots (order kept); `moved(position, new_slot)` is called for every
    /// open position.
    pub(crate) fn compact(&mut self, mut moved: impl FnMut(&OpenPosition, usize)) {
        self.slots.retain(Option::is_some);
        for (slot, open) in self.slots.iter().enumerate() {
            if let Some(open) = open {
                moved(open, slot);
            }
        }
    }

    /// Open positions in entry order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &OpenPosition> {
        self.slots.iter().flatten()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use omega_core::{Direction, SymbolSpec};

    use crate::{Portfolio, Position};

    /// Opens 200 positions, closes them in a scattered order (compacting several times), and
    /// checks after every step that the open positions are found by id and listed in entry
    /// order, with fees booked on the right one.
    #[test]
    fn positions_stay_in_entry_order_and_findable_across_compactions() -> omega_core::OmegaResult<()>
    {
        let mut p = Portfolio::new(1e9, "USD", 252.0)?;
        p.add_symbol(SymbolSpec::new("X", 0.5).with_tick_value(1.0))?;
        let n = 200_u64;
        for id in 1..=n {
            p.register_entry(Position::new(id, "X", Direction::Long, 1.0, 0, 10.0))?;
        }
        let mut open: Vec<u64> = (1..=n).collect();
        let mut k = 0;
        while !open.is_empty() {
            k = (k + 37) % open.len();
            let id = open.remove(k);
            p.register_fee(1.0, 1, "swap", Some(id))?;
            p.register_exit(id, 1, 11.0, "signal")?;
            let listed: Vec<u64> = p.open_positions().map(|o| o.position.id).collect();
            assert_eq!(listed, open);
            for &id in &open {
                assert_eq!(
                    p.open_position(id).map(|o| (o.position.id, o.fees)),
                    Some((id, 0.0))
                );
            }
            assert!(p.open_book().slots.len() <= 2 * open.len() + super::SLACK + 1);
        }
        assert_eq!(p.trades().len(), n as usize);
        assert!(p.trades().iter().all(|t| t.fees == 1.0));
        Ok(())
    }
}
