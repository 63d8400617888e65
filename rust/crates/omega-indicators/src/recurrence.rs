//! The first-order linear recurrence `y ← y·c + u·r` shared by the EMA family and Wilder's
//! smoothing (RSI, ATR, DMI/ADX), evaluated two steps at a time.
//!
//! Exact definition (the Python fallback, `_python/recurrence.py`, replays it): steps are
//! taken in pairs `(u₁, u₂)` counted from the seed `y₀`;
//! * first step of a pair: output `y·c + u₁·r` (the chain value `y` is not changed);
//! * second step: `y ← y·c² + (u₁·(c·r) + u₂·r)`, output `y`;
//!
//! with `c² = c·c` and `c·r` rounded once at construction. Mathematically this is the plain
//! recurrence; numerically each output is within a few ulps of it. The pairing halves the
//! latency of the dependency chain (one multiply and one add per two values), which is what
//! lets the batch kernels keep up with TA-Lib's FMA-based C code without fused operations.

/// State of `y ← y·c + u·r` (see the module docs).
///
/// Besides the chain value `y` it keeps `y·c²` (computed as soon as `y` is known) and, between
/// the two steps of a pair, `u₁·(c·r)` (computed when `u₁` arrives): the same roundings as the
/// formulas, so the same bits, but the step that completes a pair then holds a single
/// multiplication, `u₂·r`. Otherwise LLVM's SLP vectoriser packs `y·c²` with `u₁·(c·r)` into
/// one vector multiplication, whose shuffles sit on the dependency chain (~40 % slower).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Affine {
    c: f64,
    r: f64,
    c2: f64,
    cr: f64,
    /// Chain value after the last completed pair (or the seed).
    y: f64,
    /// `y·c²`.
    yc2: f64,
    /// `u₁·(c·r)` of the first input of the current pair.
    w1: f64,
    /// True between the two steps of a pair.
    half: bool,
    /// Last output (the current value of the recurrence).
    cur: f64,
}

impl Affine {
    /// A recurrence with coefficients `c`, `r`, seeded with `y0`.
    pub(crate) fn new(c: f64, r: f64, y0: f64) -> Self {
        let c2 = c * c;
        Self {
            c,
            r,
            c2,
            cr: c * r,
            y: y0,
            yc2: y0 * c2,
            w1: 0.0,
            half: false,
            cur: y0,
        }
    }

    /// Restarts the recurrence at `y0` (a new pair starts with the next step).
    #[inline]
    pub(crate) fn seed(&mut self, y0: f64) {
        self.y = y0;
        self.yc2 = y0 * self.c2;
        self.cur = y0;
        self.half = false;
        self.w1 = 0.0;
    }

    /// The current value (the seed, or the last output).
    #[inline]
    pub(crate) fn value(&self) -> f64 {
        self.cur
    }

    /// True when the current value is finite. The current value depends on every input and on
    /// the seed (all with non-zero weight, or through `0·∞ = NaN`), so once a NaN or `±inf`
    /// has entered, this stays false: the batch fast paths check it once per chunk instead of
    /// checking every input.
    #[inline(always)]
    pub(crate) fn is_finite(&self) -> bool {
        self.cur.is_finite()
    }

    /// Advances by one input; returns the new value: the first step of a pair outputs
    /// `y·c + u₁·r`, the second sets `y = y·c² + (u₁·(c·r) + u₂·r)` and outputs it.
    #[inline(always)]
    pub(crate) fn step(&mut self, u: f64) -> f64 {
        if self.half {
            self.half = false;
            self.y = self.yc2 + (self.w1 + u * self.r);
            self.yc2 = self.y * self.c2;
            self.cur = self.y;
        } else {
            self.w1 = u * self.cr;
            self.half = true;
            self.cur = self.y * self.c + u * self.r;
        }
        self.cur
    }

    /// Batch form of [`step`](Self::step): `out[i]` becomes the recurrence's value after input
    /// `u_at(i)`, for `i < len` (bit-identical to calling `step` in a loop, and leaves the
    /// same state). `u_at` lets callers derive inputs on the fly (true ranges for ATR).
    ///
    /// Software-pipelined: each loop trip stores the value that completes a pair and then the
    /// first-step value of the next pair, computed from it. The second store depends on the
    /// first, so LLVM's SLP vectoriser cannot pack the two into one vector register — when it
    /// packs the two (isomorphic) steps of one pair instead, the shuffles land on the
    /// dependency chain and the loop runs ~40 % slower.
    #[inline(always)]
    pub(crate) fn run_into(
        &mut self,
        len: usize,
        mut u_at: impl FnMut(usize) -> f64,
        out: &mut [f64],
    ) {
        let mut i = 0;
        if self.half && len > 0 {
            out[0] = self.step(u_at(0));
            i = 1;
        }
        let pairs = (len - i) / 2;
        if pairs > 0 {
            let (c, r, c2, cr) = (self.c, self.r, self.c2, self.cr);
            let mut y = self.y;
            let mut u1 = u_at(i);
            out[i] = y * c + u1 * r;
            let last = i + 2 * (pairs - 1);
            // Trip `j` completes the pair (j, j + 1) and starts the pair (j + 2, j + 3).
            let mut j = i;
            while j < last {
                let (u2, u3) = (u_at(j + 1), u_at(j + 2));
                y = y * c2 + (u1 * cr + u2 * r);
                out[j + 1] = y;
                out[j + 2] = y * c + u3 * r;
                u1 = u3;
                j += 2;
            }
            y = y * c2 + (u1 * cr + u_at(last + 1) * r);
            out[last + 1] = y;
            self.y = y;
            self.yc2 = y * c2;
            self.w1 = u1 * cr;
            self.cur = y;
            i += 2 * pairs;
        }
        if i < len {
            out[i] = self.step(u_at(i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_follow_the_documented_formulas() {
        let (c, r) = (0.75, 0.25);
        let mut a = Affine::new(c, r, 8.0);
        assert_eq!(a.value(), 8.0);
        assert_eq!(a.step(4.0), 8.0 * c + 4.0 * r);
        assert_eq!(a.step(0.0), 8.0 * (c * c) + (4.0 * (c * r) + 0.0 * r));
        let y = a.value();
        assert_eq!(a.step(2.0), y * c + 2.0 * r);
        a.seed(1.0);
        assert_eq!(a.step(1.0), 1.0);
    }

    #[test]
    fn batch_forms_equal_step() {
        for start in 0..3 {
            for n in 0..7 {
                let inputs: Vec<f64> = (0..n).map(|i| (i * 7 % 5) as f64 + 0.1).collect();
                let mut a = Affine::new(0.6, 0.4, 3.0);
                for _ in 0..start {
                    a.step(1.5);
                }
                let mut b = a;
                let stepped: Vec<f64> = inputs.iter().map(|&u| a.step(u)).collect();
                let mut out = vec![0.0; n];
                b.run_into(n, |i| inputs[i], &mut out);
                assert_eq!(out, stepped);
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn close_to_the_plain_recurrence() {
        let (c, r) = (13.0 / 14.0, 1.0 / 14.0);
        let mut a = Affine::new(c, r, 1.0);
        let mut plain = 1.0f64;
        for i in 0..1000 {
            let u = ((i * 37) % 101) as f64;
            plain = plain * c + u * r;
            let v = a.step(u);
            assert!((v - plain).abs() <= 1e-13 * plain.abs().max(1.0));
        }
    }
}
