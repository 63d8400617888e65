"""Time-series line and area charts as inline SVG (for the self-contained HTML report).

No JavaScript, no external references, no ``xmlns`` (inline SVG in HTML5 needs none). Long
series are reduced per horizontal pixel to the first, lowest, highest and last point of that
pixel, so the drawn line keeps every extreme (a drawdown's trough is never smoothed away).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["Line", "time_chart"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
_MARGIN = {"left": 78, "right": 16, "top": 14, "bottom": 30}
_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000


@dataclass(frozen=True)
class Line:
    """One series: ``values`` over the chart's timestamps."""

    name: str
    values: FloatArray
    color: str
    dashed: bool = False
    fill_to_zero: bool = False
    width: float = 1.6


def time_chart(
    timestamps_us: IntArray,
    lines: Sequence[Line],
    *,
    width: int = 1000,
    height: int = 280,
    y_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
    label: str = "",
) -> str:
    """An SVG chart of ``lines`` over UTC ``timestamps_us`` (int64 microseconds)."""
    plot_w = width - _MARGIN["left"] - _MARGIN["right"]
    plot_h = height - _MARGIN["top"] - _MARGIN["bottom"]
    aria = escape(label or ", ".join(line.name for line in lines))
    head = (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{aria}" '
        f'preserveAspectRatio="xMidYMid meet">'
    )
    finite = [line.values[np.isfinite(line.values)] for line in lines]
    if len(timestamps_us) < 2 or not any(len(v) for v in finite):
        return (
            f'{head}<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
            f'class="muted">no data</text></svg>'
        )
    x0, x1 = int(timestamps_us[0]), int(timestamps_us[-1])
    lo = min(float(v.min()) for v in finite if len(v))
    hi = max(float(v.max()) for v in finite if len(v))
    if any(line.fill_to_zero for line in lines):
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    ticks = _nice_ticks(lo, hi)
    y_lo, y_hi = ticks[0], ticks[-1]

    span = max(1, x1 - x0)

    def sx(t: FloatArray) -> FloatArray:
        return _MARGIN["left"] + (t - x0) / span * plot_w

    def sy(v: FloatArray) -> FloatArray:
        return _MARGIN["top"] + (y_hi - v) / (y_hi - y_lo) * plot_h

    bottom = height - _MARGIN["bottom"]
    parts = [head, '<g class="grid">']
    for tick, y in zip(ticks, sy(np.asarray(ticks)).tolist(), strict=True):
        parts.append(
            f'<line x1="{_MARGIN["left"]}" x2="{width - _MARGIN["right"]}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/><text x="{_MARGIN["left"] - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{escape(y_format(tick))}</text>'
        )
    for stamp, text in _time_ticks(x0, x1):
        x = float(sx(np.float64(stamp)))
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{_MARGIN["top"]}" y2="{bottom}"/>'
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{escape(text)}</text>'
        )
    parts.append("</g>")
    for line in lines:
        index = _reduce(timestamps_us, line.values, plot_w)
        xs = sx(timestamps_us[index].astype(np.float64))
        path = _path(xs, sy(line.values[index]))
        if line.fill_to_zero:
            zero = float(sy(np.float64(0.0)))
            area = f"{path} L{xs[-1]:.1f},{zero:.1f} L{xs[0]:.1f},{zero:.1f} Z"
            parts.append(
                f'<path d="{area}" fill="{line.color}" fill-opacity="0.25" stroke="none"/>'
            )
        dash = ' stroke-dasharray="5 4"' if line.dashed else ""
        parts.append(
            f'<path d="{path}" fill="none" stroke="{line.color}" stroke-width="{line.width}"'
            f'{dash} stroke-linejoin="round"><title>{escape(line.name)}</title></path>'
        )
    parts.append(
        f'<rect x="{_MARGIN["left"]}" y="{_MARGIN["top"]}" width="{plot_w}" height="{plot_h}" '
        'class="frame"/></svg>'
    )
    return "".join(parts)


def _path(xs: FloatArray, ys: FloatArray) -> str:
    ok = np.isfinite(ys)
    out, pen = [], "M"
    for x, y, good in zip(xs.tolist(), ys.tolist(), ok.tolist(), strict=True):
        if not good:
            pen = "M"
            continue
        out.append(f"{pen}{x:.1f},{y:.1f}")
        pen = "L"
    return " ".join(out)


def _reduce(ts: IntArray, values: FloatArray, pixels: int) -> IntArray:
    """Indices to draw: per pixel column the first, min, max and last point, in order."""
    n = len(ts)
    if n <= 4 * pixels:
        return np.arange(n, dtype=np.int64)
    span = max(1, int(ts[-1]) - int(ts[0]))
    column = ((ts - ts[0]).astype(np.float64) / span * (pixels - 1)).astype(np.int64)
    safe = np.where(np.isfinite(values), values, np.nan)
    starts = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
    ends = np.r_[starts[1:], n] - 1
    order_low = np.lexsort((np.nan_to_num(safe, nan=np.inf), column))
    order_high = np.lexsort((np.nan_to_num(-safe, nan=np.inf), column))
    keep = np.concatenate([starts, ends, order_low[starts], order_high[starts]])
    return np.unique(keep)


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0, 1.0]
    if hi == lo:
        pad = abs(hi) * 0.01 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step) * step
    last = math.ceil(hi / step) * step
    n = round((last - first) / step)
    return [first + i * step for i in range(n + 1)]


def _time_ticks(x0: int, x1: int, limit: int = 8) -> list[tuple[int, str]]:
    start = pd.Timestamp(x0, unit="us", tz="UTC")
    end = pd.Timestamp(x1, unit="us", tz="UTC")
    span = x1 - x0
    choices: list[tuple[str, str]] = [
        ("1h", "%d %b %H:%M"), ("3h", "%d %b %H:%M"), ("6h", "%d %b %H:%M"),
        ("12h", "%d %b %H:%M"), ("1D", "%d %b"), ("2D", "%d %b"), ("7D", "%d %b"),
        ("14D", "%d %b"), ("MS", "%b %Y"), ("2MS", "%b %Y"), ("3MS", "%b %Y"),
        ("6MS", "%b %Y"), ("YS", "%Y"), ("5YS", "%Y"),
    ]  # fmt: skip
    for freq, fmt in choices:
        approx = {"h": _HOUR_US, "D": _DAY_US}.get(freq[-1], 0)
        if approx and span / (int(freq[:-1]) * approx) > limit:
            continue
        anchor = {"h": start.ceil("h"), "D": start.ceil("D")}.get(freq[-1], start.normalize())
        stamps = pd.date_range(anchor, end, freq=freq)
        stamps = stamps[(stamps >= start) & (stamps <= end)]
        if len(stamps) <= limit:
            return [(int(s.value // 1_000), s.strftime(fmt)) for s in stamps]
    return []
