"""Indicator values fed bar by bar: the live counterpart of the batch ``InitContext``.

A strategy's ``on_init`` asks an init context for indicator series (``compute``,
``compute_each``, ``field``, ``compute_on``, ``not_warmed_up``) and keeps the returned lists;
``DataSlice`` and the strategy read them at the bar's index. The batch context computes whole
series before the loop; :class:`StreamingInitContext` answers the same calls with streaming
indicators (``omega_indicators.stream``, O(1) per bar, bit-identical to the batch kernels) and
appends one value per series on every :meth:`StreamingInitContext.advance` — so the strategy
code that reads ``series[t]`` is the same in both.

Timeframes: a spec on the primary timeframe is fed every primary bar; a spec on a higher
timeframe (HTF) is fed once per *closed* HTF candle (:meth:`StreamingInitContext.close_htf`)
and every primary bar sees the value after the last closed one (NaN before) — the batch
``compute`` on native HTF candles mapped onto the primary index. Stepwise names
(``ema_stepwise`` …) are their base indicator on the native candles, as in the batch cache.

The history is unbounded (``bars`` is ``sys.maxsize``): every indicator is computed and is NaN
until it has warmed up, which is what the batch series hold where the data is too short.
Strategies that need whole arrays up front (``insert``, ``data`` — e.g. ``SignalStrategy``)
cannot run live and get a ``TypeError`` saying so.

Input checks: :meth:`StreamingInitContext.advance` checks the bar against every rule a stream
fed from it would apply (:meth:`StreamingInitContext.check`: no ``±inf``, ``high >= low`` for
bar streams, closes ``> 0`` for the GARCH family) before any stream or series changes, so a
rejected bar leaves the context as it was. A ``compute_on`` stream is fed another series'
values, which are the context's own output and not checked again.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, NoReturn

import numpy as np

from omega_indicators import stream

from ._python.cache import FloatArray, IndicatorCache, IndicatorId, IndicatorRequests
from ._python.data_slice import Bar

__all__ = ["POSITIVE_CLOSE", "STREAM_CLASSES", "StreamedIndicatorCache", "StreamingInitContext"]

Input = Literal["close", "bars"]
STREAM_CLASSES: dict[str, tuple[type[Any], Input]] = {
    "sma": (stream.SMA, "close"),
    "ema": (stream.EMA, "close"),
    "dema": (stream.DEMA, "close"),
    "tema": (stream.TEMA, "close"),
    "rsi": (stream.RSI, "close"),
    "roc": (stream.ROC, "close"),
    "momentum": (stream.Momentum, "close"),
    "rolling_std": (stream.RollingStd, "close"),
    "macd": (stream.MACD, "close"),
    "bollinger": (stream.Bollinger, "close"),
    "zscore": (stream.ZScore, "close"),
    "kalman_mean": (stream.KalmanMean, "close"),
    "kalman_zscore": (stream.KalmanZScore, "close"),
    "garch_volatility": (stream.GarchVolatility, "close"),
    "garch_volatility_local": (stream.GarchVolatilityLocal, "close"),
    "kalman_garch_zscore": (stream.KalmanGarchZScore, "close"),
    "kalman_garch_zscore_local": (stream.KalmanGarchZScoreLocal, "close"),
    "true_range": (stream.TrueRange, "bars"),
    "atr": (stream.ATR, "bars"),
    "dmi": (stream.DMI, "bars"),
    "choppiness": (stream.Choppiness, "bars"),
    "vol_cluster_series": (stream.VolCluster, "bars"),
    "ema_stepwise": (stream.EMA, "close"),
    "bollinger_stepwise": (stream.Bollinger, "close"),
    "kalman_zscore_stepwise": (stream.KalmanZScore, "close"),
}
"""Indicator name (as in ``compute_batch`` specs) → streaming class and what it is fed."""

POSITIVE_CLOSE = frozenset(
    {
        "garch_volatility",
        "garch_volatility_local",
        "kalman_garch_zscore",
        "kalman_garch_zscore_local",
    }
)
"""The GARCH family: streams whose closes must be ``> 0`` (log returns); ``vol_cluster_series``
too in ``mode="garch"``."""

UNBOUNDED = sys.maxsize
_INF = math.inf
_SIDES = ("bid", "ask")
_FIELDS = ("open", "high", "low", "close", "volume")
Step = Callable[[Bar, Bar], None]


class StreamedIndicatorCache(IndicatorCache):
    """An :class:`IndicatorCache` whose series grow by one value per primary bar."""

    def grow(self, name: str) -> tuple[IndicatorId, list[float]]:
        """A new, empty series; returns its id and the list to append to."""
        values: list[float] = []
        self.lists.append(values)
        self.names.append(name)
        return IndicatorId(len(self.lists) - 1), values

    def series(self, indicator: IndicatorId) -> FloatArray:
        """The values of ``indicator`` so far (a copy)."""
        return np.array(self.lists[indicator], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.lists)


def _needs_positive_close(spec: Mapping[str, Any]) -> bool:
    name = spec.get("name")
    return name in POSITIVE_CLOSE or (name == "vol_cluster_series" and spec.get("mode") == "garch")


def _make_stream(spec: Mapping[str, Any]) -> tuple[Any, Input]:
    name = spec.get("name")
    if name not in STREAM_CLASSES:
        raise ValueError(f"name: expected one of {', '.join(sorted(STREAM_CLASSES))}, got {name!r}")
    cls, kind = STREAM_CLASSES[str(name)]
    return cls(**{k: v for k, v in spec.items() if k != "name"}), kind


def _pusher(outputs: list[list[float]]) -> Callable[[Any], None]:
    """Appends one result (a float, or a tuple for multi-output indicators) to ``outputs``."""
    if len(outputs) == 1:
        return outputs[0].append

    def many(result: Any) -> None:
        for out, v in zip(outputs, result, strict=True):
            out.append(v)

    return many


class _HtfFeed:
    """One indicator on closed HTF candles; its last value is what every primary bar sees."""

    def __init__(self, indicator: Any, kind: Input, width: int) -> None:
        self.update = indicator.update
        self.kind = kind
        self.current: Any = math.nan if width == 1 else (math.nan,) * width

    def close(self, candle: Bar) -> None:
        if self.kind == "bars":
            self.current = self.update(candle.high, candle.low, candle.close)
        else:
            self.current = self.update(candle.close)


class StreamingInitContext(IndicatorRequests):
    """The init context of a live run (module docs): same calls as the batch context."""

    def __init__(
        self,
        cache: StreamedIndicatorCache,
        primary_tf: str,
        higher_timeframes: Sequence[str],
        fill_at: str,
    ) -> None:
        self.cache = cache
        self.fill_at = fill_at
        self.primary_tf = primary_tf
        self.timeframes = (primary_tf, *higher_timeframes)
        self.streams: list[Any] = []
        """Every streaming indicator object created (``backend`` says which backend serves it)."""
        self._steps: list[Step] = []
        self._htf: dict[tuple[str, str], list[_HtfFeed]] = {}
        self._last: dict[tuple[str, str], Bar] = {}
        self._rules: dict[int, tuple[bool, bool]] = {}
        """Side index (0 bid, 1 ask) → (a bar stream reads it, a GARCH stream reads it)."""
        self._checks: list[tuple[int, bool, float]] = []
        """``_rules`` as (side index, bar stream, lowest close excluded) for :meth:`check`."""

    # ----- what on_init reads -----------------------------------------------------------

    @property
    def bars(self) -> int:
        """Unbounded: a live run does not know how many bars will come."""
        return UNBOUNDED

    @property
    def data(self) -> NoReturn:
        """Not available live (the bars have not arrived yet)."""
        raise TypeError(
            "init.data: a live run has no data arrays (bars arrive one at a time); this "
            "strategy needs whole series up front and cannot run live"
        )

    def _check(self, tf: str, side: str) -> tuple[str, str]:
        tf, side = tf.upper(), side.lower()
        if tf not in self.timeframes or side not in _SIDES:
            available = ", ".join(f"{t}/{s}" for t in self.timeframes for s in _SIDES)
            raise ValueError(f"timeframe/price_type: expected one of {available}, got {tf}/{side}")
        return tf, side

    def _stream(self, spec: Mapping[str, Any]) -> tuple[Any, Input]:
        indicator, kind = _make_stream(spec)
        self.streams.append(indicator)
        return indicator, kind

    def _reads(self, side: str, kind: Input, spec: Mapping[str, Any]) -> None:
        """Registers the input rules of a stream fed ``side``'s candles (any timeframe: an HTF
        candle's high, low and close are primary ones)."""
        bars, positive = self._rules.get(_SIDES.index(side), (False, False))
        self._rules[_SIDES.index(side)] = (
            bars or kind == "bars",
            positive or _needs_positive_close(spec),
        )
        self._checks = [
            (index, bars, 0.0 if positive else -_INF)
            for index, (bars, positive) in self._rules.items()
        ]

    def native_len(self, tf: str, side: str) -> int:
        """Unbounded for a timeframe the session builds, 0 otherwise."""
        try:
            self._check(tf, side)
        except ValueError:
            return 0
        return UNBOUNDED

    def compute(
        self, tf: str, side: str, specs: Sequence[Mapping[str, Any]]
    ) -> list[list[IndicatorId]]:
        """Streaming ``specs`` on ``tf``/``side``; per spec, the ids of its outputs."""
        tf, side = self._check(tf, side)
        ids: list[list[IndicatorId]] = []
        for spec in specs:
            indicator, kind = self._stream(spec)
            self._reads(side, kind, spec)
            name = str(spec["name"])
            width = len(indicator.value) if isinstance(indicator.value, tuple) else 1
            grown = [self.cache.grow(f"{name}[{j}]@{tf}/{side}") for j in range(width)]
            outputs = [values for _, values in grown]
            if tf == self.primary_tf:
                self._steps.append(_primary_step(indicator.update, kind, side, outputs))
            else:
                feed = _HtfFeed(indicator, kind, width)
                self._htf.setdefault((tf, side), []).append(feed)
                self._steps.append(_htf_step(feed, _pusher(outputs)))
            ids.append([i for i, _ in grown])
        self.cache.kernel_calls += len(specs)
        return ids

    def field(self, tf: str, side: str, field: str) -> IndicatorId:
        """A raw candle field of ``tf``/``side`` as each primary bar sees it (the last closed
        candle; NaN before the first one closes)."""
        if field not in _FIELDS:
            raise ValueError(
                f"field: expected one of open, high, low, close, volume, got '{field}'"
            )
        tf, side = self._check(tf, side)
        indicator, values = self.cache.grow(f"{field}@{tf}/{side}")
        append = values.append
        if tf == self.primary_tf:
            if field == "volume":
                raise ValueError("field: a live run reads no primary volume (the loop's bars)")
            at = _FIELDS.index(field) + 1  # Bar = (timestamp, open, high, low, close)
            if side == "bid":
                self._steps.append(lambda bid, ask: append(bid[at]))
            else:
                self._steps.append(lambda bid, ask: append(ask[at]))
        else:
            last = self._last
            key = (tf, side)
            self._htf.setdefault(key, [])

            def step(bid: Bar, ask: Bar) -> None:
                candle = last.get(key)
                append(math.nan if candle is None else getattr(candle, field))

            self._steps.append(step)
        return indicator

    def compute_on(self, name: str, source: IndicatorId, spec: Mapping[str, Any]) -> IndicatorId:
        """The single-output value-input indicator ``spec`` over the series ``source``, fed
        the value ``source`` got on the same bar."""
        indicator, kind = self._stream(spec)
        if kind != "close" or isinstance(indicator.value, tuple):
            raise ValueError(f"spec: expected a single-output value indicator, got {spec['name']}")
        source_values = self.cache.lists[source]
        update = indicator.update
        ident, values = self.cache.grow(name)
        append = values.append
        self._steps.append(lambda bid, ask: append(update(source_values[-1])))
        self.cache.kernel_calls += 1
        return ident

    def insert(self, name: str, values: FloatArray) -> NoReturn:
        """Not available live: a whole precomputed series."""
        raise TypeError(
            f"init.insert({name!r}): a live run cannot take a precomputed series; this "
            "strategy cannot run live"
        )

    def not_warmed_up(self, name: str) -> IndicatorId:
        """A series of NaN."""
        indicator, values = self.cache.grow(f"{name} (not warmed up)")
        append = values.append
        self._steps.append(lambda bid, ask: append(math.nan))
        return indicator

    def values(self, indicator: IndicatorId) -> FloatArray:
        """The values of ``indicator`` so far."""
        return self.cache.series(indicator)

    # ----- what the live runner calls ----------------------------------------------------

    def wanted_htf(self) -> list[tuple[str, str]]:
        """The HTF (timeframe, side) pairs something reads (``close_htf`` is needed for them)."""
        return list(self._htf)

    def close_htf(self, tf: str, side: str, candle: Bar) -> None:
        """An HTF candle of ``tf``/``side`` has closed (call before :meth:`advance` of the first
        primary bar that sees it)."""
        key = (tf, side)
        for feed in self._htf.get(key, ()):
            feed.close(candle)
        self._last[key] = candle

    def check(self, bid: Bar, ask: Bar) -> None:
        """``ValueError`` naming ``side.field`` if a stream fed from this bar would reject it:
        ``±inf`` in a close (or high/low of a bar stream), ``high < low`` for a bar stream, a
        close ``<= 0`` for the GARCH family. NaN passes (a missing value to the streams)."""
        for index, bars, floor in self._checks:
            candle = ask if index else bid
            # One chained comparison accepts every valid bar (NaN fails it: diagnosed below).
            if floor < candle[4] < _INF and (not bars or -_INF < candle[3] <= candle[2] < _INF):
                continue
            _diagnose(_SIDES[index], candle, bars, floor == 0.0)

    def advance(self, bid: Bar, ask: Bar, closed_htf: Iterable[tuple[str, str, Bar]] = ()) -> None:
        """One primary bar: :meth:`check`, then the HTF candles that became visible at it
        (``(timeframe, side, candle)``, oldest first; iterated only after the check), then one
        value appended to every series. A failed check changes nothing."""
        self.check(bid, ask)
        for tf, side, candle in closed_htf:
            self.close_htf(tf, side, candle)
        for step in self._steps:
            step(bid, ask)


def _diagnose(side: str, candle: Bar, bars: bool, positive: bool) -> None:
    """The rule ``candle`` breaks (module docs), if any: NaN passes every rule."""
    high, low, close = candle[2], candle[3], candle[4]
    for name, x in (("close", close), ("high", high), ("low", low))[: 3 if bars else 1]:
        if math.isinf(x):
            raise ValueError(f"{side}.{name}: expected a finite price or NaN, got {x}")
    if bars and high < low:
        raise ValueError(f"{side}.high: expected high >= low, got high {high} < low {low}")
    if positive and close <= 0.0:
        raise ValueError(
            f"{side}.close: expected a price > 0 (GARCH returns need positive prices), got {close}"
        )


def _primary_step(update: Any, kind: Input, side: str, outputs: list[list[float]]) -> Step:
    """The per-bar feed of a primary-timeframe indicator on the ``side`` candle."""
    push = _pusher(outputs)
    if kind == "bars":
        if side == "bid":
            return lambda bid, ask: push(update(bid[2], bid[3], bid[4]))
        return lambda bid, ask: push(update(ask[2], ask[3], ask[4]))
    if side == "bid":
        return lambda bid, ask: push(update(bid[4]))
    return lambda bid, ask: push(update(ask[4]))


def _htf_step(feed: _HtfFeed, push: Callable[[Any], None]) -> Step:
    """The per-bar feed of an HTF indicator: the value after the last closed HTF candle."""
    return lambda bid, ask: push(feed.current)
