//! Finding the next event bar in a sparse per-bar array (entry masks, entry decisions), for
//! the loop's jumps over bars where a strategy cannot act (`Strategy::next_entry_bar`).

/// Elements checked per step: a block is reduced branch-free (vectorised), only a block with
/// an event is searched element by element.
const BLOCK: usize = 64;

/// The first index in `from..values.len()` whose element is not the default (`false`, `0`);
/// `None` when there is none (also when `from` is past the end).
pub fn first_set<T: Copy + Default + PartialEq>(values: &[T], from: usize) -> Option<usize> {
    let none = T::default();
    let rest = values.get(from..)?;
    let mut start = from;
    for block in rest.chunks(BLOCK) {
        if block.iter().fold(false, |any, &x| any | (x != none)) {
            let k = block.iter().position(|&x| x != none).unwrap_or(block.len());
            return Some(start + k);
        }
        start += block.len();
    }
    None
}

/// [`first_set`] remembered between calls: a query at or after the previous one, up to the
/// event found then, reuses it, so forward queries scan each element at most once.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventCursor {
    /// `(from, at)`: no event in `from..at`; `at` is an event or `usize::MAX` (none).
    known: Option<(usize, usize)>,
}

impl EventCursor {
    /// The first event of `values` at or after `from` (`usize::MAX` if none).
    pub fn next<T: Copy + Default + PartialEq>(&mut self, values: &[T], from: usize) -> usize {
        match self.known {
            Some((start, at)) if start <= from && from <= at => at,
            _ => {
                let at = first_set(values, from).unwrap_or(usize::MAX);
                self.known = Some((from, at));
                at
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_event_like_a_linear_search() {
        let mut values = vec![0_u8; 300];
        for i in [0, 63, 64, 65, 130, 299] {
            values[i] = 1;
        }
        let mut cursor = EventCursor::default();
        for from in 0..=310 {
            let want = (from..values.len()).find(|&i| values[i] != 0);
            assert_eq!(first_set(&values, from), want, "from {from}");
            let got = cursor.next(&values, from);
            assert_eq!(got, want.unwrap_or(usize::MAX), "cursor from {from}");
        }
        // Backwards queries rescan.
        assert_eq!(cursor.next(&values, 1), 63);
        assert_eq!(first_set(&[false; 10], 3), None);
        assert_eq!(first_set::<bool>(&[], 0), None);
    }
}
