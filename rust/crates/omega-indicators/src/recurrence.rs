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
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Affine {
    c: f64,
    r: f64,
    c2: f64,
    cr: f64,
    /// Chain value after the last completed pair (or the seed).
    y: f64,
    /// Input of the first half of the current pair.
    pending: f64,
    /// True between the two steps of a pair.
    half: bool,
    /// Last output (the current value of the recurrence).
    cur: f64,
}

impl Affine {
    /// A recurrence with coefficients `c`, `r`, seeded with `y0`.
    pub(crate) fn new(c: f64, r: f64, y0: f64) -> Self {
        Self {
            c,
            r,
            c2: c * c,
            cr: c * r,
            y: y0,
            pending: 0.0,
            half: false,
            cur: y0,
        }
    }

    /// Restarts the recurrence at `y0` (a new pair starts with the next step).
    #[inline]
    pub(crate) fn seed(&mut self, y0: f64) {
        self.y = y0;
        self.cur = y0;
        self.half = false;
        self.pending = 0.0;
    }

    /// The current value (the seed, or the last output).
    #[inline]
    pub(crate) fn value(&self) -> f64 {
        self.cur
    }

    /// Output of the first step of a pair (the chain value is not changed).
    #[inline(always)]
    pub(crate) fn first(&self, u1: f64) -> f64 {
        self.y * self.c + u1 * self.r
    }

    /// Completes a pair: advances the chain value by two inputs and returns it.
    #[inline(always)]
    pub(crate) fn pair(&mut self, u1: f64, u2: f64) -> f64 {
        self.y = self.y * self.c2 + (u1 * self.cr + u2 * self.r);
        self.y
    }

    /// Advances by one input; returns the new value.
    #[inline(always)]
    pub(crate) fn step(&mut self, u: f64) -> f64 {
        if self.half {
            self.half = false;
            self.cur = self.pair(self.pending, u);
        } else {
            self.pending = u;
            self.half = true;
            self.cur = self.first(u);
        }
        self.cur
    }

    /// In-place batch form of [`step`](Self::step): each `buf[i]` is an input `u`, replaced by
    /// `combine(u, y)` where `y` is the recurrence's value after that input.
    pub(crate) fn run_in_place(&mut self, buf: &mut [f64], combine: impl Fn(f64, f64) -> f64) {
        let mut i = 0;
        if self.half && !buf.is_empty() {
            let u = buf[0];
            buf[0] = combine(u, self.step(u));
            i = 1;
        }
        let mut pairs = buf[i..].chunks_exact_mut(2);
        let mut last_first = None;
        for b in &mut pairs {
            let (u1, u2) = (b[0], b[1]);
            b[0] = combine(u1, self.first(u1));
            b[1] = combine(u2, self.pair(u1, u2));
            last_first = Some(u1);
        }
        if let Some(u1) = last_first {
            self.pending = u1;
            self.cur = self.y;
        }
        if let Some(b) = pairs.into_remainder().first_mut() {
            let u = *b;
            *b = combine(u, self.step(u));
        }
    }

    /// Batch form of [`step`](Self::step) over `inputs`, writing one output per input
    /// (bit-identical to calling `step` in a loop, and leaves the same state).
    pub(crate) fn run(&mut self, inputs: &[f64], out: &mut [f64]) {
        let n = inputs.len().min(out.len());
        let mut i = 0;
        if self.half && n > 0 {
            out[0] = self.step(inputs[0]);
            i = 1;
        }
        let ins = inputs[i..n].chunks_exact(2);
        let tail = ins.remainder();
        let mut outs = out[i..n].chunks_exact_mut(2);
        let mut last_first = None;
        for (o, u) in (&mut outs).zip(ins) {
            o[0] = self.first(u[0]);
            o[1] = self.pair(u[0], u[1]);
            last_first = Some(u[0]);
        }
        if let Some(u1) = last_first {
            self.pending = u1;
            self.cur = self.y;
        }
        if let (Some(&u), Some(o)) = (tail.first(), outs.into_remainder().first_mut()) {
            *o = self.step(u);
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
    fn run_equals_step() {
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
                let mut c = b;
                b.run(&inputs, &mut out);
                assert_eq!(stepped, out);
                assert_eq!(a, b);
                let mut buf = inputs.clone();
                c.run_in_place(&mut buf, |u, y| y - u);
                let want: Vec<f64> = stepped.iter().zip(&inputs).map(|(y, u)| y - u).collect();
                assert_eq!(buf, want);
                assert_eq!(a, c);
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
