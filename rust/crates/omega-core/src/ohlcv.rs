//! A validated, borrowed bundle of OHLCV columns for one timeframe and one side.

use crate::error::{OmegaError, OmegaResult};

/// Borrowed OHLCV columns of one series (one timeframe, one side), validated on construction.
///
/// Timestamps are UTC microseconds, strictly increasing. A row is either a complete candle
/// (all five values finite, `low <= open, close <= high`, `volume >= 0`) or a missing bar
/// (open, high, low and close all NaN; volume NaN or 0). Nothing is copied.
#[derive(Debug, Clone, Copy)]
pub struct OhlcvColumns<'a> {
    /// Bar timestamps in UTC microseconds.
    pub timestamps: &'a [i64],
    /// Opening prices.
    pub open: &'a [f64],
    /// Highest prices.
    pub high: &'a [f64],
    /// Lowest prices.
    pub low: &'a [f64],
    /// Closing prices.
    pub close: &'a [f64],
    /// Traded or tick volume.
    pub volume: &'a [f64],
}

impl<'a> OhlcvColumns<'a> {
    /// Validates and bundles the columns; the error names the first offending column and row.
    pub fn new(
        timestamps: &'a [i64],
        open: &'a [f64],
        high: &'a [f64],
        low: &'a [f64],
        close: &'a [f64],
        volume: &'a [f64],
    ) -> OmegaResult<Self> {
        let n = timestamps.len();
        for (name, column) in [
            ("open", open),
            ("high", high),
            ("low", low),
            ("close", close),
            ("volume", volume),
        ] {
            if column.len() != n {
                return Err(OmegaError::LengthMismatch {
                    name: name.into(),
                    reference: "timestamps".into(),
                    expected: n,
                    got: column.len(),
                });
            }
        }
        if let Some(i) = first_not_increasing(timestamps) {
            return Err(OmegaError::invalid_value(
                "timestamps",
                "strictly increasing values (no duplicates, sorted)",
                format!(
                    "{} after {} at row {}",
                    timestamps[i + 1],
                    timestamps[i],
                    i + 1
                ),
            ));
        }
        // Blocks of complete, valid rows pass a branch-free test; a block with anything else (a
        // missing bar or an error) is checked row by row, which reports the first bad row.
        let mut start = 0;
        while start < n {
            let end = (start + ROW_BLOCK).min(n);
            let rows = start..end;
            let complete = open[rows.clone()]
                .iter()
                .zip(&high[rows.clone()])
                .zip(&low[rows.clone()])
                .zip(&close[rows.clone()])
                .zip(&volume[rows.clone()])
                .fold(true, |ok, ((((&o, &h), &l), &c), &v)| {
                    ok & row_is_complete(o, h, l, c, v)
                });
            if !complete {
                for row in rows {
                    check_row(row, open[row], high[row], low[row], close[row], volume[row])?;
                }
            }
            start = end;
        }
        Ok(Self {
            timestamps,
            open,
            high,
            low,
            close,
            volume,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }
}

/// Rows per block of the branch-free pre-check in [`OhlcvColumns::new`].
const ROW_BLOCK: usize = 1024;

/// The first row `i` whose timestamp is not greater than row `i - 1`'s, minus one (the row
/// after which the order breaks). Blocks are compared branch-free; only a block with a break
/// is searched.
fn first_not_increasing(timestamps: &[i64]) -> Option<usize> {
    let mut start = 0;
    while start + 1 < timestamps.len() {
        let end = (start + ROW_BLOCK + 1).min(timestamps.len());
        let block = &timestamps[start..end];
        let broken = block[..block.len() - 1]
            .iter()
            .zip(&block[1..])
            .fold(false, |broken, (earlier, later)| {
                broken | (later <= earlier)
            });
        if broken {
            return block
                .windows(2)
                .position(|w| w[1] <= w[0])
                .map(|i| start + i);
        }
        start = end - 1;
    }
    None
}

/// A complete row that [`check_row`] accepts: finite prices with `low <= open, close <= high`
/// and a finite volume `>= 0` (`false` for missing bars, which `check_row` also accepts).
///
/// Comparisons only (no finiteness tests): every comparison with a NaN is false, so the prices
/// and the volume are not NaN; `-inf < low <= high < inf` makes `low` and `high` finite, the
/// open and close lie between them, and `0 <= volume < inf`.
#[inline]
fn row_is_complete(open: f64, high: f64, low: f64, close: f64, volume: f64) -> bool {
    (low > f64::NEG_INFINITY)
        & (high < f64::INFINITY)
        & (high >= low)
        & (open <= high)
        & (open >= low)
        & (close <= high)
        & (close >= low)
        & (0.0..f64::INFINITY).contains(&volume)
}

fn check_row(
    row: usize,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
) -> OmegaResult<()> {
    let prices = [
        ("open", open),
        ("high", high),
        ("low", low),
        ("close", close),
    ];
    if prices.iter().all(|(_, p)| p.is_nan()) {
        if volume.is_nan() || volume == 0.0 {
            return Ok(());
        }
        return Err(OmegaError::invalid_value(
            "volume",
            "NaN or 0 on a missing bar (all prices NaN)",
            format!("{volume} at row {row}"),
        ));
    }
    for (name, price) in prices {
        if !price.is_finite() {
            return Err(OmegaError::invalid_value(
                name,
                "a finite price (or all four prices NaN for a missing bar)",
                format!("{price} at row {row}"),
            ));
        }
    }
    if !(volume.is_finite() && volume >= 0.0) {
        return Err(OmegaError::invalid_value(
            "volume",
            "a finite value >= 0",
            format!("{volume} at row {row}"),
        ));
    }
    if high < low {
        return Err(OmegaError::invalid_value(
            "high",
            "high >= low",
            format!("high {high} < low {low} at row {row}"),
        ));
    }
    for (name, price) in [("open", open), ("close", close)] {
        if price > high || price < low {
            return Err(OmegaError::invalid_value(
                name,
                "a price within [low, high]",
                format!("{price} outside [{low}, {high}] at row {row}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(ts: &[i64], rows: &[[f64; 5]]) -> (Vec<i64>, [Vec<f64>; 5]) {
        let pick = |k: usize| rows.iter().map(|r| r[k]).collect::<Vec<f64>>();
        (ts.to_vec(), [pick(0), pick(1), pick(2), pick(3), pick(4)])
    }

    fn build(ts: &[i64], rows: &[[f64; 5]]) -> OmegaResult<usize> {
        let (t, [o, h, l, c, v]) = columns(ts, rows);
        OhlcvColumns::new(&t, &o, &h, &l, &c, &v).map(|cols| cols.len())
    }

    #[test]
    fn accepts_complete_and_missing_bars() {
        let nan = f64::NAN;
        let rows = [
            [1.0, 2.0, 0.5, 1.5, 10.0],
            [nan, nan, nan, nan, nan],
            [1.5, 1.5, 1.5, 1.5, 0.0],
        ];
        assert_eq!(build(&[1, 2, 3], &rows), Ok(3));
        assert_eq!(build(&[], &[]), Ok(0));
    }

    #[test]
    fn rejects_high_below_low_naming_the_row() {
        let err = build(&[1], &[[1.0, 0.5, 1.0, 1.0, 1.0]]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "high: expected high >= low, got high 0.5 < low 1 at row 0"
        );
    }

    #[test]
    fn rejects_unsorted_or_duplicate_timestamps() {
        let row = [1.0, 1.0, 1.0, 1.0, 1.0];
        assert!(build(&[2, 1], &[row, row]).is_err());
        let err = build(&[1, 1], &[row, row]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("timestamps: expected strictly increasing")
        );
    }

    #[test]
    fn rejects_infinite_partial_nan_and_out_of_range_prices() {
        let nan = f64::NAN;
        assert!(build(&[1], &[[f64::INFINITY, 1.0, 1.0, 1.0, 1.0]]).is_err());
        assert!(build(&[1], &[[nan, 1.0, 1.0, 1.0, 1.0]]).is_err());
        assert!(build(&[1], &[[3.0, 2.0, 1.0, 1.5, 1.0]]).is_err());
        assert!(build(&[1], &[[1.5, 2.0, 1.0, 1.5, -1.0]]).is_err());
    }

    #[test]
    fn the_complete_row_test_is_finiteness_and_order() {
        let values = [
            f64::NAN,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::MIN,
            f64::MAX,
            -1.0,
            -0.0,
            0.0,
            1.0,
            2.0,
        ];
        let finite_and_ordered = |o: f64, h: f64, l: f64, c: f64, v: f64| {
            [o, h, l, c, v].iter().all(|x| x.is_finite())
                && v >= 0.0
                && l <= o.min(c)
                && o.max(c) <= h
        };
        for &o in &values {
            for &h in &values {
                for &l in &values {
                    for &c in &values {
                        for &v in &values {
                            assert_eq!(
                                row_is_complete(o, h, l, c, v),
                                finite_and_ordered(o, h, l, c, v),
                                "{o} {h} {l} {c} {v}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_first_break_in_order_is_found_in_any_block() {
        let n = 3 * ROW_BLOCK + 7;
        let increasing: Vec<i64> = (0..n as i64).map(|k| 10 * k).collect();
        assert_eq!(first_not_increasing(&increasing), None);
        assert_eq!(first_not_increasing(&[]), None);
        assert_eq!(first_not_increasing(&[5]), None);
        for at in [
            1,
            ROW_BLOCK - 1,
            ROW_BLOCK,
            ROW_BLOCK + 1,
            2 * ROW_BLOCK,
            n - 1,
        ] {
            for step in [0, -3] {
                let mut ts = increasing.clone();
                ts[at] = ts[at - 1] + step;
                let want = ts.windows(2).position(|w| w[1] <= w[0]);
                assert_eq!(first_not_increasing(&ts), want, "{at} {step}");
                assert_eq!(want, Some(at - 1));
            }
        }
    }

    #[test]
    fn rejects_length_mismatch() {
        let t = [1_i64, 2];
        let one = [1.0];
        let two = [1.0, 1.0];
        let err = OhlcvColumns::new(&t, &two, &two, &one, &two, &two).unwrap_err();
        assert_eq!(
            err.to_string(),
            "low: expected length 2 (same as timestamps), got 1"
        );
    }
}
