//! Map each primary bar to the last higher-timeframe (HTF) bar that has *closed* by then.
//!
//! DESIGN §4: an HTF candle becomes visible at the first primary bar whose close time is
//! `>=` the HTF candle's close time; until the next HTF close the last closed HTF candle is
//! carried forward. The map built here encodes exactly that, and the stepwise indicators
//! ([`crate::stepwise`]) only ever read HTF values through it, so no primary bar can see an
//! HTF value before the HTF candle closed.
//!
//! ```text
//! primary_to_htf[i] = max { j : htf_close[j] <= primary_close[i] }, or −1 if there is none
//! ```
//!
//! Timestamps are UTC microseconds (int64). [`primary_to_htf_index`] takes bar *open*
//! timestamps plus the bar durations (close = open + duration, e.g. `Timeframe::duration_us`);
//! [`primary_to_htf_index_from_close`] takes close times directly (use it for `MN1`, whose
//! length varies). Missing bars are simply absent from the timestamp arrays, or present with
//! NaN prices — either way the map is about time only.

use omega_core::{OmegaError, OmegaResult};

use crate::validate::EXPECTED_NON_EMPTY;

fn check_increasing(name: &str, ts: &[i64]) -> OmegaResult<()> {
    if ts.is_empty() {
        return Err(OmegaError::invalid_value(
            name,
            EXPECTED_NON_EMPTY,
            "length 0",
        ));
    }
    if let Some(i) = ts.windows(2).position(|w| w[1] <= w[0]) {
        return Err(OmegaError::invalid_value(
            name,
            "strictly increasing values (no duplicates, sorted)",
            format!("{} after {} at index {}", ts[i + 1], ts[i], i + 1),
        ));
    }
    Ok(())
}

fn close_times(
    name: &str,
    open: &[i64],
    duration_name: &str,
    duration: i64,
) -> OmegaResult<Vec<i64>> {
    if duration <= 0 {
        return Err(OmegaError::invalid_value(
            duration_name,
            "an integer > 0 (microseconds)",
            duration,
        ));
    }
    // Sized once: collecting into a `Result` loses the length hint, and 1M values would grow
    // the vector by doubling (each growth a copy).
    let mut close = Vec::with_capacity(open.len());
    for (i, &t) in open.iter().enumerate() {
        close.push(t.checked_add(duration).ok_or_else(|| {
            OmegaError::invalid_value(
                name,
                "timestamps whose close time (timestamp + duration) fits in int64",
                format!("{t} at index {i}"),
            )
        })?);
    }
    Ok(close)
}

/// Index map from close times (see the module docs). Both arrays must be non-empty and
/// strictly increasing; checked in the order `primary_close_us`, `htf_close_us`. O(n + m).
pub fn primary_to_htf_index_from_close(
    primary_close_us: &[i64],
    htf_close_us: &[i64],
) -> OmegaResult<Vec<i64>> {
    check_increasing("primary_close_us", primary_close_us)?;
    check_increasing("htf_close_us", htf_close_us)?;
    Ok(map_close_times(primary_close_us, htf_close_us))
}

fn map_close_times(primary_close: &[i64], htf_close: &[i64]) -> Vec<i64> {
    let mut j = 0usize; // number of HTF bars closed so far
    primary_close
        .iter()
        .map(|&c| {
            while j < htf_close.len() && htf_close[j] <= c {
                j += 1;
            }
            j as i64 - 1
        })
        .collect()
}

/// Index map from bar *open* timestamps and durations (µs): a bar closes at
/// `open + duration`. Checked in the order `primary_timestamps`, `htf_timestamps` (non-empty,
/// strictly increasing), `primary_duration_us`, `htf_duration_us` (> 0), overflow.
///
/// `out[i]` is the index of the last HTF bar with `htf_open + htf_duration <=
/// primary_open[i] + primary_duration`, or −1.
pub fn primary_to_htf_index(
    primary_timestamps: &[i64],
    primary_duration_us: i64,
    htf_timestamps: &[i64],
    htf_duration_us: i64,
) -> OmegaResult<Vec<i64>> {
    check_increasing("primary_timestamps", primary_timestamps)?;
    check_increasing("htf_timestamps", htf_timestamps)?;
    let p = close_times(
        "primary_timestamps",
        primary_timestamps,
        "primary_duration_us",
        primary_duration_us,
    )?;
    let h = close_times(
        "htf_timestamps",
        htf_timestamps,
        "htf_duration_us",
        htf_duration_us,
    )?;
    Ok(map_close_times(&p, &h))
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: i64 = 60_000_000;

    #[test]
    fn m5_onto_m1_becomes_visible_at_the_closing_minute() {
        // M1 bars open at 0..12 min; M5 bars open at 0, 5, 10 min (close 5, 10, 15).
        let primary: Vec<i64> = (0..12).map(|k| k * M).collect();
        let htf = [0, 5 * M, 10 * M];
        let map = primary_to_htf_index(&primary, M, &htf, 5 * M).unwrap();
        // the M1 bar opening at 4 min closes at 5 min = close of the first M5 bar
        assert_eq!(map, vec![-1, -1, -1, -1, 0, 0, 0, 0, 0, 1, 1, 1]);
        for (i, &j) in map.iter().enumerate() {
            let pc = primary[i] + M;
            if j >= 0 {
                assert!(htf[j as usize] + 5 * M <= pc, "look-ahead at {i}");
            }
            let next = (j + 1) as usize;
            if next < htf.len() {
                assert!(htf[next] + 5 * M > pc, "not the latest closed bar at {i}");
            }
        }
    }

    #[test]
    fn gaps_and_close_time_variant() {
        // primary has a gap (missing minutes 3..7), htf misses its second bar
        let primary = [0, M, 2 * M, 8 * M, 9 * M];
        let htf = [0, 10 * M];
        let map = primary_to_htf_index(&primary, M, &htf, 5 * M).unwrap();
        assert_eq!(map, vec![-1, -1, -1, 0, 0]);
        let map2 = primary_to_htf_index_from_close(&[5, 10, 15, 20], &[10, 20]).unwrap();
        assert_eq!(map2, vec![-1, 0, 0, 1]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            primary_to_htf_index(&[], M, &[0], M)
                .unwrap_err()
                .to_string(),
            "primary_timestamps: expected a non-empty array, got length 0"
        );
        assert_eq!(
            primary_to_htf_index(&[0, M], M, &[5, 5], M)
                .unwrap_err()
                .to_string(),
            "htf_timestamps: expected strictly increasing values (no duplicates, sorted), got 5 after 5 at index 1"
        );
        assert_eq!(
            primary_to_htf_index(&[0, M], 0, &[0], M)
                .unwrap_err()
                .to_string(),
            "primary_duration_us: expected an integer > 0 (microseconds), got 0"
        );
        assert_eq!(
            primary_to_htf_index(&[i64::MAX], M, &[0], M)
                .unwrap_err()
                .to_string(),
            "primary_timestamps: expected timestamps whose close time (timestamp + duration) fits in int64, got 9223372036854775807 at index 0"
        );
    }
}
