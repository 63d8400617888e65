"""Indicator series on the primary index, computed once before the loop; mirror of
``src/cache.rs``.

Computation goes through omega-indicators' ``IndicatorCache`` (whichever backend it runs on):
one ``compute_batch`` call per request, on the native candles of the requested timeframe,
mapped onto the primary index — the same values the Rust loop computes with the same kernels.
Values are also kept as Python lists, so the per-bar reads of a Python strategy are cheap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NewType

import numpy as np
from numpy.typing import NDArray

import omega_indicators
from omega_indicators import AlignedMultiCandleData

FloatArray = NDArray[np.float64]
IndicatorId = NewType("IndicatorId", int)
"""Handle of one indicator series in an :class:`IndicatorCache`."""

_OUTPUTS = {
    "macd": ("line", "signal", "hist"),
    "bollinger": ("upper", "middle", "lower"),
    "dmi": ("plus_di", "minus_di", "adx"),
}


class IndicatorCache:
    """Indicator series, each as long as the primary index."""

    def __init__(self) -> None:
        self.arrays: list[FloatArray] = []
        self.lists: list[list[float]] = []
        self.names: list[str] = []
        self.kernel_calls = 0

    def series(self, indicator: IndicatorId) -> FloatArray:
        """The whole series of ``indicator`` (read-only)."""
        return self.arrays[indicator]

    def name(self, indicator: IndicatorId) -> str:
        """The name given to ``indicator``."""
        return self.names[indicator]

    def __len__(self) -> int:
        return len(self.arrays)

    def push(self, name: str, values: FloatArray) -> IndicatorId:
        """Adds a series (read-only from then on)."""
        array = np.asarray(values, dtype=np.float64)
        if array.flags.writeable:
            array = array.copy()
            array.flags.writeable = False
        self.arrays.append(array)
        self.lists.append(array.tolist())
        self.names.append(name)
        return IndicatorId(len(self.arrays) - 1)


class IndicatorRequests:
    """What init contexts share: :meth:`compute_each` on top of their :meth:`compute`."""

    def compute(
        self, tf: str, side: str, specs: Sequence[Mapping[str, Any]]
    ) -> list[list[IndicatorId]]:
        """Per spec, the ids of its outputs (implemented by each context)."""
        raise NotImplementedError

    def compute_each(
        self, tf: str, side: str, specs: Sequence[Mapping[str, Any]]
    ) -> list[IndicatorId]:
        """:meth:`compute` for single-output specs: one id per spec."""
        ids = []
        for spec_ids, spec in zip(self.compute(tf, side, specs), specs, strict=True):
            if len(spec_ids) != 1:
                raise ValueError(f"specs: expected single-output indicators, got {spec['name']}")
            ids.append(spec_ids[0])
        return ids


class InitContext(IndicatorRequests):
    """What a strategy sees in ``on_init``: the data, the indicator cache it fills, and the
    execution settings that shape its signals."""

    def __init__(
        self,
        data: AlignedMultiCandleData,
        cache: IndicatorCache,
        fill_at: str,
        indicators: omega_indicators.IndicatorCache | None = None,
    ) -> None:
        self.data = data
        self.cache = cache
        self.fill_at = fill_at
        self._indicators = indicators or omega_indicators.IndicatorCache(data)

    @property
    def bars(self) -> int:
        """Number of primary bars the run will see (an indicator whose warm-up is longer
        never has a value)."""
        return len(self.data)

    @property
    def indicators(self) -> omega_indicators.IndicatorCache:
        """The omega-indicators cache that computes the series."""
        return self._indicators

    def native_len(self, tf: str, side: str) -> int:
        """Number of native candles of ``tf``/``side`` (0 when absent)."""
        tf = tf.upper()
        return (
            len(self.data.series(tf, side))
            if tf in self.data.timeframes and (side in self.data.sides(tf))
            else 0
        )

    def compute(
        self, tf: str, side: str, specs: Sequence[Mapping[str, Any]]
    ) -> list[list[IndicatorId]]:
        """Computes ``specs`` (``{"name": …, <params>}``) over the native ``tf``/``side``
        candles in one batch and maps them onto the primary index. Returns, per spec, the
        ids of its outputs."""
        if not specs:
            return []
        keyed = [{**spec, "key": f"spec{k}"} for k, spec in enumerate(specs)]
        out = self._indicators.compute_batch(keyed, tf, side)
        self.cache.kernel_calls += len(specs)
        ids: list[list[IndicatorId]] = []
        for k, spec in enumerate(specs):
            name = str(spec["name"])
            base = name.removesuffix("_stepwise")
            keys = [f"spec{k}_{o}" for o in _OUTPUTS.get(base, ())] or [f"spec{k}"]
            ids.append(
                [
                    self.cache.push(f"{name}[{j}]@{tf}/{side}", out[key])
                    for j, key in enumerate(keys)
                ]
            )
        return ids

    def field(self, tf: str, side: str, field: str) -> IndicatorId:
        """A raw candle field of ``tf``/``side`` as each primary bar sees it (the last closed
        candle; NaN before the first one closes)."""
        if field not in ("open", "high", "low", "close", "volume"):
            raise ValueError(
                f"field: expected one of open, high, low, close, volume, got '{field}'"
            )
        name = f"{field}@{tf}/{side}"
        if self.native_len(tf, side) == 0:
            # No candle at all (a short history): nothing has closed yet at any bar.
            self.data.series(tf, side)  # still an error when tf/side is absent
            return self.cache.push(name, np.full(len(self.data), math.nan))
        return self.cache.push(name, self.data.aligned(tf, side, field))

    def insert(self, name: str, values: FloatArray) -> IndicatorId:
        """A series the strategy derived itself; as long as the primary index."""
        if len(values) != len(self.data):
            raise ValueError(
                f"{name}: expected length {len(self.data)} (same as the primary timestamps), "
                f"got {len(values)}"
            )
        self.cache.kernel_calls += 1
        return self.cache.push(name, values)

    def compute_on(self, name: str, source: IndicatorId, spec: Mapping[str, Any]) -> IndicatorId:
        """The single-output indicator ``spec`` (``{"name": …, <params>}``, a value-input
        indicator such as ``sma``) computed over the series ``source`` of this cache."""
        params = {k: v for k, v in spec.items() if k != "name"}
        function = getattr(omega_indicators, str(spec["name"]))
        return self.insert(name, function(self.values(source), **params))

    def not_warmed_up(self, name: str) -> IndicatorId:
        """A series of NaN (an indicator that has not warmed up anywhere)."""
        return self.cache.push(f"{name} (not warmed up)", np.full(len(self.data), math.nan))

    def values(self, indicator: IndicatorId) -> FloatArray:
        """The values of ``indicator``."""
        return self.cache.series(indicator)
