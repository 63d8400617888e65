"""Rolling mean / population variance over the last ``window`` valid values.

Mirror of ``src/rolling_moments.rs``; the module docs there define the arithmetic exactly
(block-anchored sliding sums, recomputed every ``window`` values, ``mean = S1 * inv`` and
``var = S2 * inv - mean**2`` with ``inv = 1/window``, exact zero variance for a constant
window). :func:`rolling_moments` is the vectorised batch form: it performs the very
same floating-point operations in the same order as the Rust state machine (the sequential
sums become ``np.cumsum`` along rows, which adds strictly left to right), so both backends
agree bit for bit. :class:`RollingMoments` is the streaming form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .stat_validate import check_state_period

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Moments:
    """Moments of the window ending at the latest value, relative to the block anchor."""

    dev: float
    mean_dev: float
    var: float

    def zscore(self) -> float:
        """``(y_t - mean) / std``, NaN when the variance is 0."""
        if self.var > 0.0:
            return (self.dev - self.mean_dev) / math.sqrt(self.var)
        return float("nan")

    def scaled(self, numerator: float) -> float:
        """``numerator / std``, NaN when the variance is 0."""
        if self.var > 0.0:
            return numerator / math.sqrt(self.var)
        return float("nan")


class RollingMoments:
    """Streaming rolling moments (mirror of the Rust ``RollingMoments``)."""

    def __init__(self, window: int) -> None:
        self._w = check_state_period("window", window)
        self._buf: list[float] = [0.0] * self._w
        self._head = 0
        self._count = 0
        self._anchor = 0.0
        self._s1 = 0.0
        self._s2 = 0.0
        self._run = 0
        self._last = float("nan")

    @property
    def window(self) -> int:
        """The window length."""
        return self._w

    @property
    def count(self) -> int:
        """Number of valid values consumed."""
        return self._count

    def _step(self, y: float) -> tuple[float, float, float, int, Moments | None]:
        w = self._w
        t = self._count
        run = min(self._run + 1, w) if (t > 0 and y == self._last) else 1
        if t + 1 < w:
            return self._anchor, self._s1, self._s2, run, None
        if (t + 1 - w) % w == 0:
            anchor = y
            s1 = 0.0
            s2 = 0.0
            oldest = self._head + 1 if t >= w else 0
            for k in range(w - 1):
                d = self._buf[(oldest + k) % w] - anchor
                s1 += d
                s2 += d * d
            d = y - anchor
            s1 += d
            s2 += d * d
        else:
            anchor = self._anchor
            dn = y - anchor
            d_old = self._buf[self._head] - anchor
            s1 = self._s1 + (dn - d_old)
            s2 = self._s2 + (dn * dn - d_old * d_old)
        inv = 1.0 / float(w)
        dev = y - anchor
        if run >= w:
            moments = Moments(dev, dev, 0.0)
        else:
            mean_dev = s1 * inv
            var = s2 * inv - mean_dev * mean_dev
            moments = Moments(dev, mean_dev, var if var > 0.0 else 0.0)
        return anchor, s1, s2, run, moments

    def update(self, y: float) -> Moments | None:
        """Consume ``y``; ``None`` during warm-up. NaN returns ``None`` and changes nothing."""
        y = float(y)
        if math.isnan(y):
            return None
        self._anchor, self._s1, self._s2, self._run, moments = self._step(y)
        self._last = y
        w = self._w
        if self._count < w:
            self._buf[self._count] = y
        else:
            self._buf[self._head] = y
            self._head = (self._head + 1) % w
        self._count += 1
        return moments

    def peek(self, y: float) -> Moments | None:
        """What :meth:`update` would return for ``y``, without committing it."""
        y = float(y)
        if math.isnan(y):
            return None
        return self._step(y)[4]

    def reset(self) -> None:
        """Forgets every value (the window is kept)."""
        self._buf = [0.0] * self._w
        self._head = 0
        self._count = 0
        self._anchor = 0.0
        self._s1 = 0.0
        self._s2 = 0.0
        self._run = 0
        self._last = float("nan")


def rolling_moments(y: FloatArray, window: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(dev, mean_dev, var)`` for every value of the NaN-free series ``y``.

    Positions ``t < window - 1`` are NaN. Bit-identical to feeding ``y`` through
    :class:`RollingMoments` (and the Rust state).
    """
    m = int(y.size)
    w = int(window)
    dev = np.full(m, np.nan)
    mean_dev = np.full(m, np.nan)
    var = np.full(m, np.nan)
    n_out = m - (w - 1)
    if n_out <= 0:
        return dev, mean_dev, var
    nb = (n_out + w - 1) // w
    starts = (w - 1) + np.arange(nb) * w
    anchors = y[starts][:, None]
    # Block start: 0.0 + d_0 + ... + d_{w-1} over the window ending at the block start.
    init_idx = starts[:, None] - (w - 1) + np.arange(w)[None, :]
    d_init = y[init_idx] - anchors
    # Inside a block: t = start + j, j = 1..w-1 (clipped past the end, then discarded).
    t_idx = starts[:, None] + np.arange(1, w)[None, :]
    inside = t_idx < m
    t_c = np.where(inside, t_idx, starts[:, None])
    dn = y[t_c] - anchors
    d_old = y[np.where(inside, t_c - w, 0)] - anchors
    with np.errstate(over="ignore", invalid="ignore"):
        m1 = np.zeros((nb, 2 * w))
        m1[:, 1 : w + 1] = d_init
        m1[:, w + 1 :] = np.where(inside, dn - d_old, 0.0)
        m2 = np.zeros((nb, 2 * w))
        m2[:, 1 : w + 1] = d_init * d_init
        m2[:, w + 1 :] = np.where(inside, dn * dn - d_old * d_old, 0.0)
        s1 = np.cumsum(m1, axis=1)[:, w:].ravel()[:n_out]
        s2 = np.cumsum(m2, axis=1)[:, w:].ravel()[:n_out]
        t = np.arange(w - 1, m)
        k = np.repeat(y[starts], w)[:n_out]
        d = y[t] - k
        inv = 1.0 / float(w)
        md = s1 * inv
        v = s2 * inv - md * md
        v = np.where(v > 0.0, v, 0.0)
    # Exact constant windows: no change between consecutive values inside the window.
    breaks = np.concatenate(([0], np.cumsum(y[1:] != y[:-1])))
    const = (breaks[t] - breaks[t - (w - 1)]) == 0
    md = np.where(const, d, md)
    v = np.where(const, 0.0, v)
    dev[w - 1 :] = d
    mean_dev[w - 1 :] = md
    var[w - 1 :] = v
    return dev, mean_dev, var


def zscore_from_moments(numerator: FloatArray, var: FloatArray) -> FloatArray:
    """``numerator / sqrt(var)`` where ``var > 0``, else NaN (warm-up NaN stays NaN)."""
    out = np.full(numerator.size, np.nan)
    ok = var > 0.0
    out[ok] = numerator[ok] / np.sqrt(var[ok])
    return out
