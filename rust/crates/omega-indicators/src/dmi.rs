//! Directional movement index, TA-Lib `PLUS_DI`, `MINUS_DI` and `ADX`.
//!
//! Per bar (from the second valid bar on), with `up = high − prev_high`,
//! `down = prev_low − low`:
//! * `+DM = up` if `up > 0` and `up > down`, else 0; `−DM = down` if `down > 0` and
//!   `down > up`, else 0; `TR` = true range ([`crate::true_range`]).
//! * Wilder sums, TA-Lib style: the first `period − 1` bars are summed plainly, then every bar
//!   `S = S − S/period + new` (so the first DI at bar `period` has had one smoothing step),
//!   evaluated as `S·c + new` with `c = (period − 1)/period`, two bars at a time
//!   ([`crate::recurrence`]).
//! * `+DI = 100·S(+DM)/S(TR)`, `−DI = 100·S(−DM)/S(TR)`, both 0 when `S(TR) == 0`.
//! * `DX = 100·|−DI − +DI| / (−DI + +DI)`; the first ADX (bar `2·period − 1`) is the mean of
//!   the `period` DX values of bars `period..=2·period − 1` (a bar with `S(TR) == 0` or
//!   `+DI + −DI == 0` contributes 0), then `ADX = (ADX·(period − 1) + DX)/period` (as
//!   `ADX·c + DX·(1/period)`, paired like the sums), and a bar whose DX is undefined leaves the
//!   ADX unchanged — TA-Lib's rules.
//!
//! Lookbacks: DI `period`, ADX `2·period − 1` (valid bars).
//!
//! One deliberate difference: for `period = 1` TA-Lib's `PLUS_DI`/`MINUS_DI` return the raw
//! ratio `+DM/TR` without the factor 100; here the DI is in percent for every period.

use omega_core::OmegaResult;

use crate::fast;
use crate::nan_gaps::bar_is_valid;
use crate::recurrence::Affine;
use crate::true_range::true_range_value;
use crate::validate;

/// Lookback of the DI outputs of [`dmi`]: `period` valid bars.
pub const fn di_lookback(period: usize) -> usize {
    period
}

/// Lookback of the ADX output of [`dmi`]: `2·period − 1` valid bars.
pub const fn adx_lookback(period: usize) -> usize {
    (2 * period).saturating_sub(1)
}

/// The three DMI series, each as long as the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Dmi {
    /// `+DI`, percent.
    pub plus_di: Vec<f64>,
    /// `−DI`, percent.
    pub minus_di: Vec<f64>,
    /// ADX, percent.
    pub adx: Vec<f64>,
}

/// One DMI output (`NaN`s during warm-up and at NaN bars).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DmiPoint {
    /// `+DI`, percent.
    pub plus_di: f64,
    /// `−DI`, percent.
    pub minus_di: f64,
    /// ADX, percent.
    pub adx: f64,
}

impl DmiPoint {
    const NAN: Self = Self {
        plus_di: f64::NAN,
        minus_di: f64::NAN,
        adx: f64::NAN,
    };
}

/// Streaming DMI/ADX; O(1) per update, `Copy`.
///
/// `update` on a bar with a NaN input returns NaNs and leaves the state unchanged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DmiState {
    period: usize,
    pf: f64,
    /// Valid bars seen, saturating at `2·period`.
    count: usize,
    prev_high: f64,
    prev_low: f64,
    prev_close: f64,
    /// Plain sums of the first `period − 1` bars.
    sum_plus: f64,
    sum_minus: f64,
    sum_tr: f64,
    plus_dm: Affine,
    minus_dm: Affine,
    tr: Affine,
    sum_dx: f64,
    adx: Affine,
}

impl DmiState {
    /// A fresh state; `period >= 1`.
    pub fn new(period: usize) -> OmegaResult<Self> {
        validate::check_state_period("period", period, 1)?;
        let pf = period as f64;
        let c = (pf - 1.0) / pf;
        Ok(Self {
            period,
            pf,
            count: 0,
            prev_high: 0.0,
            prev_low: 0.0,
            prev_close: 0.0,
            sum_plus: 0.0,
            sum_minus: 0.0,
            sum_tr: 0.0,
            plus_dm: Affine::new(c, 1.0, 0.0),
            minus_dm: Affine::new(c, 1.0, 0.0),
            tr: Affine::new(c, 1.0, 0.0),
            sum_dx: 0.0,
            adx: Affine::new(c, 1.0 / pf, f64::NAN),
        })
    }

    /// Feeds one bar; returns (+DI, −DI, ADX) after it, NaNs during warm-up.
    #[inline(always)]
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> DmiPoint {
        if !bar_is_valid(high, low, close) {
            return DmiPoint::NAN;
        }
        if self.count == 0 {
            self.prev_high = high;
            self.prev_low = low;
            self.prev_close = close;
            self.count = 1;
            return DmiPoint::NAN;
        }
        let up = high - self.prev_high;
        let down = self.prev_low - low;
        let tr = true_range_value(high, low, self.prev_close);
        self.prev_high = high;
        self.prev_low = low;
        self.prev_close = close;
        let plus = if up > 0.0 && up > down { up } else { 0.0 };
        let minus = if down > 0.0 && down > up { down } else { 0.0 };
        // `bar` is this bar's index among the valid bars (the first valid bar is 0).
        let bar = self.count;
        if bar < 2 * self.period {
            self.count += 1;
        }
        if bar < self.period {
            self.sum_plus += plus;
            self.sum_minus += minus;
            self.sum_tr += tr;
            return DmiPoint::NAN;
        }
        if bar == self.period {
            self.plus_dm.seed(self.sum_plus);
            self.minus_dm.seed(self.sum_minus);
            self.tr.seed(self.sum_tr);
        }
        let s_plus = self.plus_dm.step(plus);
        let s_minus = self.minus_dm.step(minus);
        let s_tr = self.tr.step(tr);
        let (plus_di, minus_di) = if s_tr != 0.0 {
            (100.0 * (s_plus / s_tr), 100.0 * (s_minus / s_tr))
        } else {
            (0.0, 0.0)
        };
        let di_sum = minus_di + plus_di;
        let dx = if s_tr != 0.0 && di_sum != 0.0 {
            Some(100.0 * ((minus_di - plus_di).abs() / di_sum))
        } else {
            None
        };
        let last_initial = 2 * self.period - 1;
        if bar <= last_initial {
            self.sum_dx += dx.unwrap_or(0.0);
            if bar == last_initial {
                self.adx.seed(self.sum_dx / self.pf);
            }
        } else if let Some(dx) = dx {
            self.adx.step(dx);
        }
        DmiPoint {
            plus_di,
            minus_di,
            adx: if bar >= last_initial {
                self.adx.value()
            } else {
                f64::NAN
            },
        }
    }

    /// The value [`update`](Self::update) would return, without committing the bar.
    #[inline]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> DmiPoint {
        let mut s = *self;
        s.update(high, low, close)
    }

    /// Forgets every bar.
    pub fn reset(&mut self) {
        if let Ok(fresh) = Self::new(self.period) {
            *self = fresh;
        }
    }
}

/// +DI, −DI and ADX (TA-Lib `PLUS_DI`, `MINUS_DI`, `ADX`), in percent.
///
/// * Output: [`Dmi`] (`plus_di`, `minus_di`, `adx`), each as long as the inputs; the DIs have
///   lookback `period`, the ADX `2·period − 1` (valid bars), as in TA-Lib.
/// * Zero division (TA-Lib): DI = 0 when the smoothed true range is 0; an undefined DX counts
///   as 0 in the first ADX and leaves the ADX unchanged afterwards.
/// * NaN rule: a bar with a NaN in high, low or close is skipped (NaN out, state unchanged);
///   the next valid bar is compared with the last valid bar.
///
/// Errors (in this order): empty `high`; `low`/`close` length differs from `high`;
/// `period < 1` or `> len(high)`; `±inf` in high, low, close; `high < low` on a bar.
pub fn dmi(high: &[f64], low: &[f64], close: &[f64], period: usize) -> OmegaResult<Dmi> {
    let [plus_di, minus_di, adx] =
        fast::to_vecs3(high.len(), |outs| dmi_into(high, low, close, period, outs))?;
    Ok(Dmi {
        plus_di,
        minus_di,
        adx,
    })
}

/// [`dmi`] into `[plus_di, minus_di, adx]` (each as long as `high`; every element is written).
/// NaN bars are skipped by the state itself (NaN out, state unchanged), so there is no
/// compressed slow path: the fast path only gives way to the ordered checks.
pub fn dmi_into(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    period: usize,
    mut outs: [&mut [f64]; 3],
) -> OmegaResult<()> {
    validate::check_bar_shape(high, low, close, Some((period, 1)))?;
    fast::check_outputs("high", high.len(), &outs)?;
    if dmi_fast(high, low, close, period, &mut outs) {
        return Ok(());
    }
    validate::check_hlc(high, low, close, Some((period, 1)))?;
    let mut state = DmiState::new(period)?;
    let [p, m, a] = outs;
    for i in 0..high.len() {
        let d = state.update(high[i], low[i], close[i]);
        (p[i], m[i], a[i]) = (d.plus_di, d.minus_di, d.adx);
    }
    Ok(())
}

/// The fast path of [`dmi_into`] (see [`crate::fast`]; `false` at the first bar with a NaN or
/// `±inf` or `high < low`): [`DmiState::update`] through the warm-up, then its steady-state
/// arithmetic without the warm-up bookkeeping.
fn dmi_fast(
    high: &[f64],
    low: &[f64],
    close: &[f64],
    period: usize,
    [po, mo, ao]: &mut [&mut [f64]; 3],
) -> bool {
    let n = high.len().min(po.len()).min(mo.len()).min(ao.len());
    let Ok(mut state) = DmiState::new(period) else {
        return false;
    };
    // After bar `2·period − 1` (the first ADX) every bar takes the same steps.
    let head = n.min(2 * period);
    if !fast::bars_ok(&high[..head], &low[..head], &close[..head]) {
        return false;
    }
    for i in 0..head {
        let d = state.update(high[i], low[i], close[i]);
        (po[i], mo[i], ao[i]) = (d.plus_di, d.minus_di, d.adx);
    }
    let (mut plus_dm, mut minus_dm, mut tr_sum) = (state.plus_dm, state.minus_dm, state.tr);
    let mut adx = state.adx;
    fast::each_bar_chunk((&high[..n], &low[..n], &close[..n]), head, |r| {
        for i in r {
            let (h, l) = (high[i], low[i]);
            let up = h - high[i - 1];
            let down = low[i - 1] - l;
            let tr = true_range_value(h, l, close[i - 1]);
            let plus = if up > 0.0 && up > down { up } else { 0.0 };
            let minus = if down > 0.0 && down > up { down } else { 0.0 };
            let s_plus = plus_dm.step(plus);
            let s_minus = minus_dm.step(minus);
            let s_tr = tr_sum.step(tr);
            let (plus_di, minus_di) = if s_tr != 0.0 {
                (100.0 * (s_plus / s_tr), 100.0 * (s_minus / s_tr))
            } else {
                (0.0, 0.0)
            };
            let di_sum = minus_di + plus_di;
            if s_tr != 0.0 && di_sum != 0.0 {
                adx.step(100.0 * ((minus_di - plus_di).abs() / di_sum));
            }
            (po[i], mo[i], ao[i]) = (plus_di, minus_di, adx.value());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_period_two() {
        let h = [10.0, 11.0, 12.0, 11.0, 13.0];
        let l = [9.0, 10.0, 10.0, 9.0, 12.0];
        let c = [9.5, 10.5, 11.0, 10.0, 12.5];
        let d = dmi(&h, &l, &c, 2).expect("valid");
        // bar1: +DM 1, TR 1.5 (accumulated); bar2: +DM 1, TR 2 → S(+DM) = 1·0.5 + 1 = 1.5,
        // S(TR) = 1.5·0.5 + 2 = 2.75
        assert!(d.plus_di[1].is_nan());
        assert_eq!(d.plus_di[2], 100.0 * (1.5 / 2.75));
        assert_eq!(d.minus_di[2], 0.0);
        assert!(d.adx[2].is_nan());
        // first ADX at bar 3 = (DX2 + DX3)/2
        assert!(!d.adx[3].is_nan());
        assert_eq!(adx_lookback(2), 3);
        assert_eq!(di_lookback(2), 2);
    }

    #[test]
    fn flat_bars_give_zero() {
        let f = [5.0; 8];
        let d = dmi(&f, &f, &f, 2).expect("valid");
        assert!(d.plus_di[2..].iter().all(|&v| v == 0.0));
        assert!(d.minus_di[2..].iter().all(|&v| v == 0.0));
        assert!(d.adx[3..].iter().all(|&v| v == 0.0));
    }

    #[test]
    fn period_one_is_in_percent() {
        let d = dmi(
            &[10.0, 11.0, 12.0],
            &[9.0, 10.0, 10.0],
            &[9.5, 10.5, 11.0],
            1,
        )
        .expect("valid");
        assert_eq!(d.plus_di[1], 100.0 * (1.0 / 1.5));
        assert_eq!(d.adx[1], 100.0);
        // period = len: the ADX needs 2·period bars → all NaN
        let d = dmi(&[1.0, 2.0], &[0.0, 1.0], &[0.5, 1.5], 2).expect("valid");
        assert!(d.adx.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn nan_gaps_and_peek() {
        let h = [10.0, 11.0, f64::NAN, 12.0, 11.0, 13.0, 14.0];
        let l = [9.0, 10.0, 0.0, 10.0, 9.0, 12.0, 12.5];
        let c = [9.5, 10.5, 0.0, 11.0, 10.0, 12.5, 13.0];
        let g = dmi(&h, &l, &c, 2).expect("valid");
        let k = dmi(
            &[10.0, 11.0, 12.0, 11.0, 13.0, 14.0],
            &[9.0, 10.0, 10.0, 9.0, 12.0, 12.5],
            &[9.5, 10.5, 11.0, 10.0, 12.5, 13.0],
            2,
        )
        .expect("valid");
        assert!(g.adx[2].is_nan());
        assert_eq!(g.adx[6].to_bits(), k.adx[5].to_bits());
        assert_eq!(g.plus_di[4].to_bits(), k.plus_di[3].to_bits());
        let mut s = DmiState::new(2).expect("valid");
        for i in 0..h.len() {
            let p = s.peek(h[i], l[i], c[i]);
            let u = s.update(h[i], l[i], c[i]);
            assert!(p.adx.to_bits() == u.adx.to_bits() || (p.adx.is_nan() && u.adx.is_nan()));
        }
        s.reset();
        assert!(s.update(1.0, 1.0, 1.0).plus_di.is_nan());
        assert!(dmi(&[1.0], &[2.0], &[1.0], 1).is_err());
        assert!(DmiState::new(0).is_err());
    }
}
