"""``IndicatorCache``: indicators over aligned multi-timeframe bid/ask candles, computed once.

Every method takes the timeframe (``"M5"``, ``"H1"``, …), the price type (``"bid"``/``"ask"``)
and the indicator's parameters (names and defaults as in the functional API). Results are on
the primary timeframe's index: ``<name>()`` returns ``pd.Series`` (a tuple of them for MACD,
Bollinger and DMI), ``<name>_array()`` numpy arrays, ``<name>_arrow()`` ``pyarrow.Array``s
that share the numpy memory. An indicator of a higher timeframe is computed on that
timeframe's own candles and shown on each primary bar once its candle has closed, so
``ema("H1", …)`` and ``ema_stepwise("H1", …)`` are the same series. Results are cached by
``(name, timeframe, price type, parameters)``; a cache hit does no work. Returned arrays are
read-only views of the cached result.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any, Literal

import pandas as pd

from ._backend import STATE
from ._backend_select import Backend
from ._convert import FloatArray
from ._dispatch import kernels
from ._specs import OUTPUTS, Spec, canonical_name, make_spec
from .data import AlignedMultiCandleData, forward_map, parse_side, parse_timeframe

Arrays = tuple[FloatArray, ...]
Three = tuple[FloatArray, FloatArray, FloatArray]
SeriesThree = tuple[pd.Series, pd.Series, pd.Series]


def as_aligned(data: Any, primary_tf: str | None = None) -> AlignedMultiCandleData:
    """``data`` as :class:`AlignedMultiCandleData`.

    Accepts the class itself, the seeds' ``{tf: {side: [Candle | None, ...]}}`` lists, or
    ``{tf: {side: frame}}`` with pandas DataFrames, pyarrow Tables or column mappings.
    """
    if isinstance(data, AlignedMultiCandleData):
        return data
    if not isinstance(data, Mapping) or not data:
        raise TypeError(
            "multi_candle_data: expected AlignedMultiCandleData or a non-empty mapping "
            f"{{timeframe: {{side: candles}}}}, got {type(data).__name__}"
        )
    first_side = next(iter(data.values()))
    if not isinstance(first_side, Mapping) or not first_side:
        raise TypeError("multi_candle_data: expected {timeframe: {side: candles}}")
    leaf = next(iter(first_side.values()))
    if isinstance(leaf, list | tuple):
        return AlignedMultiCandleData.from_candles(data, primary_tf)
    return AlignedMultiCandleData.from_frames(data, primary_tf)


class IndicatorCache:
    """Cached indicators over one :class:`AlignedMultiCandleData` (see the module docs)."""

    def __init__(self, multi_candle_data: Any, primary_tf: str | None = None) -> None:
        self.data = as_aligned(multi_candle_data, primary_tf)
        self._kernels: ModuleType = kernels()
        self.backend: Backend = STATE.backend()
        """The backend that computes this cache's indicators (fixed at construction)."""
        self._results: dict[tuple[Spec, str, str], Arrays] = {}
        self._by_call: dict[tuple[Any, ...], Arrays] = {}
        self._series_by_call: dict[tuple[Any, ...], tuple[pd.Series, ...]] = {}

    def __len__(self) -> int:
        return len(self.data)

    # ------------------------------------------------------------------ generic access

    def get_array(self, name: str, tf: str, price_type: str, **params: Any) -> Arrays:
        """Outputs of indicator ``name`` as read-only numpy arrays (one, or three)."""
        raw = (name, tf, price_type, *params.items())
        try:
            hit = self._by_call.get(raw)
        except TypeError:  # an unhashable argument: let make_spec report it
            hit, raw = None, ()
        if hit is not None:
            return hit
        spec = make_spec(name, params)
        key = (spec, parse_timeframe(tf), parse_side(price_type))
        result = self._results.get(key)
        if result is None:
            result = self._compute([spec], key[1], key[2])[0]
            self._results[key] = result
        if raw:
            self._by_call[raw] = result
        return result

    def get_series(
        self, name: str, tf: str, price_type: str, **params: Any
    ) -> tuple[pd.Series, ...]:
        """Outputs of indicator ``name`` as ``pd.Series`` on the primary timestamps."""
        raw = (name, tf, price_type, *params.items())
        try:
            hit = self._series_by_call.get(raw)
        except TypeError:
            hit, raw = None, ()
        if hit is not None:
            return hit
        arrays = self.get_array(name, tf, price_type, **params)
        label = f"{name}({', '.join(f'{k}={v!r}' for k, v in params.items())})"
        # `name` is valid (get_array checked it): its outputs without re-normalising the spec.
        names = [f"{label}.{o}" for o in OUTPUTS.get(canonical_name(name), ())] or [label]
        series = tuple(
            pd.Series(a, index=self.data.index, name=n, copy=False)
            for a, n in zip(arrays, names, strict=True)
        )
        if raw:
            self._series_by_call[raw] = series
        return series

    def get_arrow(self, name: str, tf: str, price_type: str, **params: Any) -> tuple[Any, ...]:
        """Outputs of indicator ``name`` as ``pyarrow.Array`` (float64) sharing numpy's memory."""
        try:
            import pyarrow as pa  # noqa: PLC0415 - optional dependency
        except ImportError as exc:
            raise ImportError(
                "the Arrow API needs pyarrow: pip install 'omega-indicators[arrow]'"
            ) from exc
        arrays = self.get_array(name, tf, price_type, **params)
        return tuple(
            pa.Array.from_buffers(pa.float64(), len(a), [None, pa.py_buffer(a)]) for a in arrays
        )

    def compute_batch(
        self, specs: Sequence[Mapping[str, Any]], tf: str, price_type: str
    ) -> dict[str, FloatArray]:
        """Several indicators in one call (one crossing into the backend, run in parallel).

        ``specs``: ``[{"name": "ema", "period": 20}, {"name": "macd"}, …]``; an optional
        ``"key"`` names the result (default: the name). Multi-output results are suffixed:
        ``macd_line``/``macd_signal``/``macd_hist``, ``bollinger_upper``/``_middle``/``_lower``,
        ``dmi_plus_di``/``dmi_minus_di``/``dmi_adx``. Results join the cache.
        """
        tf_, side = parse_timeframe(tf), parse_side(price_type)
        keyed: list[tuple[str, Spec]] = []
        for entry in specs:
            if not isinstance(entry, Mapping) or "name" not in entry:
                raise TypeError(f"specs: expected mappings with a 'name' key, got {entry!r}")
            params = {k: v for k, v in entry.items() if k not in ("name", "key")}
            key = entry.get("key", entry["name"])
            if any(k == key for k, _ in keyed):
                raise ValueError(f"specs: duplicate result key {key!r}; give each spec a 'key'")
            keyed.append((str(key), make_spec(entry["name"], params)))
        missing = list(dict.fromkeys(s for _, s in keyed if (s, tf_, side) not in self._results))
        for spec, result in zip(missing, self._compute(missing, tf_, side), strict=True):
            self._results[(spec, tf_, side)] = result
        out: dict[str, FloatArray] = {}
        for key, spec in keyed:
            arrays = self._results[(spec, tf_, side)]
            if spec.outputs:
                out.update({f"{key}_{o}": a for o, a in zip(spec.outputs, arrays, strict=True)})
            else:
                out[key] = arrays[0]
        return out

    # ------------------------------------------------------------------ one method per indicator
    # Mechanical: each name has <name>() -> Series, <name>_array() -> numpy, <name>_arrow() ->
    # pyarrow, with the parameters and defaults of the functional API (a test compares them).

    def atr(self, tf: str, price_type: str, period: int = 14) -> pd.Series:
        """Wilder"s average true range (TA-Lib ``ATR``); warm-up ``period`` bars."""
        return self.get_series("atr", tf, price_type, period=period)[0]

    def atr_array(self, tf: str, price_type: str, period: int = 14) -> FloatArray:
        """:meth:`atr` as numpy arrays."""
        return self.get_array("atr", tf, price_type, period=period)[0]

    def atr_arrow(self, tf: str, price_type: str, period: int = 14) -> Any:
        """:meth:`atr` as pyarrow arrays."""
        return self.get_arrow("atr", tf, price_type, period=period)[0]

    def bollinger(
        self, tf: str, price_type: str, period: int = 20, std_factor: float = 2.0
    ) -> SeriesThree:
        """Bollinger bands ``SMA ± std_factor·σ`` with population σ (TA-Lib ``BBANDS``)."""
        return _three(
            self.get_series("bollinger", tf, price_type, period=period, std_factor=std_factor)
        )

    def bollinger_array(
        self, tf: str, price_type: str, period: int = 20, std_factor: float = 2.0
    ) -> Three:
        """:meth:`bollinger` as numpy arrays."""
        return _three(
            self.get_array("bollinger", tf, price_type, period=period, std_factor=std_factor)
        )

    def bollinger_arrow(
        self, tf: str, price_type: str, period: int = 20, std_factor: float = 2.0
    ) -> tuple[Any, Any, Any]:
        """:meth:`bollinger` as pyarrow arrays."""
        return _three(
            self.get_arrow("bollinger", tf, price_type, period=period, std_factor=std_factor)
        )

    def bollinger_stepwise(
        self, tf: str, price_type: str, period: int = 20, std_factor: float = 2.0
    ) -> SeriesThree:
        """Alias of :meth:`bollinger` (every timeframe is computed stepwise)."""
        return _three(
            self.get_series(
                "bollinger_stepwise", tf, price_type, period=period, std_factor=std_factor
            )
        )

    def bollinger_stepwise_array(
        self, tf: str, price_type: str, period: int = 20, std_factor: float = 2.0
    ) -> Three:
        """:meth:`bollinger_stepwise` as numpy arrays."""
        return _three(
            self.get_array(
                "bollinger_stepwise", tf, price_type, period=period, std_factor=std_factor
            )
        )

    def bollinger_stepwise_arrow(
        self, tf: str, price_type: str, period: int = 20, std_factor: float = 2.0
    ) -> tuple[Any, Any, Any]:
        """:meth:`bollinger_stepwise` as pyarrow arrays."""
        return _three(
            self.get_arrow(
                "bollinger_stepwise", tf, price_type, period=period, std_factor=std_factor
            )
        )

    def choppiness(self, tf: str, price_type: str, period: int = 14) -> pd.Series:
        """Choppiness index ``100·log10(ΣTR / (max high − min low)) / log10(period)``."""
        return self.get_series("choppiness", tf, price_type, period=period)[0]

    def choppiness_array(self, tf: str, price_type: str, period: int = 14) -> FloatArray:
        """:meth:`choppiness` as numpy arrays."""
        return self.get_array("choppiness", tf, price_type, period=period)[0]

    def choppiness_arrow(self, tf: str, price_type: str, period: int = 14) -> Any:
        """:meth:`choppiness` as pyarrow arrays."""
        return self.get_arrow("choppiness", tf, price_type, period=period)[0]

    def dema(self, tf: str, price_type: str, period: int) -> pd.Series:
        """Double EMA ``2·EMA − EMA(EMA)`` (TA-Lib ``DEMA``); warm-up ``2·(period − 1)``."""
        return self.get_series("dema", tf, price_type, period=period)[0]

    def dema_array(self, tf: str, price_type: str, period: int) -> FloatArray:
        """:meth:`dema` as numpy arrays."""
        return self.get_array("dema", tf, price_type, period=period)[0]

    def dema_arrow(self, tf: str, price_type: str, period: int) -> Any:
        """:meth:`dema` as pyarrow arrays."""
        return self.get_arrow("dema", tf, price_type, period=period)[0]

    def dmi(self, tf: str, price_type: str, period: int = 14) -> SeriesThree:
        """+DI, −DI and ADX (TA-Lib ``PLUS_DI``, ``MINUS_DI``, ``ADX``)."""
        return _three(self.get_series("dmi", tf, price_type, period=period))

    def dmi_array(self, tf: str, price_type: str, period: int = 14) -> Three:
        """:meth:`dmi` as numpy arrays."""
        return _three(self.get_array("dmi", tf, price_type, period=period))

    def dmi_arrow(self, tf: str, price_type: str, period: int = 14) -> tuple[Any, Any, Any]:
        """:meth:`dmi` as pyarrow arrays."""
        return _three(self.get_arrow("dmi", tf, price_type, period=period))

    def ema(self, tf: str, price_type: str, period: int) -> pd.Series:
        """EMA seeded with the SMA of the first ``period`` values (TA-Lib ``EMA``)."""
        return self.get_series("ema", tf, price_type, period=period)[0]

    def ema_array(self, tf: str, price_type: str, period: int) -> FloatArray:
        """:meth:`ema` as numpy arrays."""
        return self.get_array("ema", tf, price_type, period=period)[0]

    def ema_arrow(self, tf: str, price_type: str, period: int) -> Any:
        """:meth:`ema` as pyarrow arrays."""
        return self.get_arrow("ema", tf, price_type, period=period)[0]

    def ema_stepwise(self, tf: str, price_type: str, period: int) -> pd.Series:
        """Alias of :meth:`ema` (every timeframe is computed stepwise)."""
        return self.get_series("ema_stepwise", tf, price_type, period=period)[0]

    def ema_stepwise_array(self, tf: str, price_type: str, period: int) -> FloatArray:
        """:meth:`ema_stepwise` as numpy arrays."""
        return self.get_array("ema_stepwise", tf, price_type, period=period)[0]

    def ema_stepwise_arrow(self, tf: str, price_type: str, period: int) -> Any:
        """:meth:`ema_stepwise` as pyarrow arrays."""
        return self.get_arrow("ema_stepwise", tf, price_type, period=period)[0]

    def garch_volatility(
        self,
        tf: str,
        price_type: str,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> pd.Series:
        """GARCH(1,1) conditional σ of returns (fixed parameters)."""
        return self.get_series(
            "garch_volatility",
            tf,
            price_type,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def garch_volatility_array(
        self,
        tf: str,
        price_type: str,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> FloatArray:
        """:meth:`garch_volatility` as numpy arrays."""
        return self.get_array(
            "garch_volatility",
            tf,
            price_type,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def garch_volatility_arrow(
        self,
        tf: str,
        price_type: str,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> Any:
        """:meth:`garch_volatility` as pyarrow arrays."""
        return self.get_arrow(
            "garch_volatility",
            tf,
            price_type,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def garch_volatility_local(
        self,
        tf: str,
        price_type: str,
        lookback: int = 400,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> pd.Series:
        """GARCH(1,1) σ fitted afresh on the trailing ``lookback`` bars at every bar."""
        return self.get_series(
            "garch_volatility_local",
            tf,
            price_type,
            lookback=lookback,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def garch_volatility_local_array(
        self,
        tf: str,
        price_type: str,
        lookback: int = 400,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> FloatArray:
        """:meth:`garch_volatility_local` as numpy arrays."""
        return self.get_array(
            "garch_volatility_local",
            tf,
            price_type,
            lookback=lookback,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def garch_volatility_local_arrow(
        self,
        tf: str,
        price_type: str,
        lookback: int = 400,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> Any:
        """:meth:`garch_volatility_local` as pyarrow arrays."""
        return self.get_arrow(
            "garch_volatility_local",
            tf,
            price_type,
            lookback=lookback,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def kalman_garch_zscore(
        self,
        tf: str,
        price_type: str,
        R: float = 0.01,
        Q: float = 1.0,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> pd.Series:
        """``(x − kalman_mean) / (σ_garch · x)``."""
        return self.get_series(
            "kalman_garch_zscore",
            tf,
            price_type,
            R=R,
            Q=Q,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def kalman_garch_zscore_array(
        self,
        tf: str,
        price_type: str,
        R: float = 0.01,
        Q: float = 1.0,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> FloatArray:
        """:meth:`kalman_garch_zscore` as numpy arrays."""
        return self.get_array(
            "kalman_garch_zscore",
            tf,
            price_type,
            R=R,
            Q=Q,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def kalman_garch_zscore_arrow(
        self,
        tf: str,
        price_type: str,
        R: float = 0.01,
        Q: float = 1.0,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> Any:
        """:meth:`kalman_garch_zscore` as pyarrow arrays."""
        return self.get_arrow(
            "kalman_garch_zscore",
            tf,
            price_type,
            R=R,
            Q=Q,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def kalman_garch_zscore_local(
        self,
        tf: str,
        price_type: str,
        lookback: int = 400,
        R: float = 0.01,
        Q: float = 1.0,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> pd.Series:
        """:func:`kalman_garch_zscore` with the local-window σ of :func:`garch_volatility_local`."""
        return self.get_series(
            "kalman_garch_zscore_local",
            tf,
            price_type,
            lookback=lookback,
            R=R,
            Q=Q,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def kalman_garch_zscore_local_array(
        self,
        tf: str,
        price_type: str,
        lookback: int = 400,
        R: float = 0.01,
        Q: float = 1.0,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> FloatArray:
        """:meth:`kalman_garch_zscore_local` as numpy arrays."""
        return self.get_array(
            "kalman_garch_zscore_local",
            tf,
            price_type,
            lookback=lookback,
            R=R,
            Q=Q,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def kalman_garch_zscore_local_arrow(
        self,
        tf: str,
        price_type: str,
        lookback: int = 400,
        R: float = 0.01,
        Q: float = 1.0,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> Any:
        """:meth:`kalman_garch_zscore_local` as pyarrow arrays."""
        return self.get_arrow(
            "kalman_garch_zscore_local",
            tf,
            price_type,
            lookback=lookback,
            R=R,
            Q=Q,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def kalman_mean(self, tf: str, price_type: str, R: float = 0.01, Q: float = 1.0) -> pd.Series:
        """Local-level Kalman filter mean (measurement variance ``R``, process variance ``Q``)."""
        return self.get_series("kalman_mean", tf, price_type, R=R, Q=Q)[0]

    def kalman_mean_array(
        self, tf: str, price_type: str, R: float = 0.01, Q: float = 1.0
    ) -> FloatArray:
        """:meth:`kalman_mean` as numpy arrays."""
        return self.get_array("kalman_mean", tf, price_type, R=R, Q=Q)[0]

    def kalman_mean_arrow(self, tf: str, price_type: str, R: float = 0.01, Q: float = 1.0) -> Any:
        """:meth:`kalman_mean` as pyarrow arrays."""
        return self.get_arrow("kalman_mean", tf, price_type, R=R, Q=Q)[0]

    def kalman_zscore(
        self, tf: str, price_type: str, window: int = 100, R: float = 0.01, Q: float = 1.0
    ) -> pd.Series:
        """Z-score of ``x − kalman_mean`` over ``window`` bars."""
        return self.get_series("kalman_zscore", tf, price_type, window=window, R=R, Q=Q)[0]

    def kalman_zscore_array(
        self, tf: str, price_type: str, window: int = 100, R: float = 0.01, Q: float = 1.0
    ) -> FloatArray:
        """:meth:`kalman_zscore` as numpy arrays."""
        return self.get_array("kalman_zscore", tf, price_type, window=window, R=R, Q=Q)[0]

    def kalman_zscore_arrow(
        self, tf: str, price_type: str, window: int = 100, R: float = 0.01, Q: float = 1.0
    ) -> Any:
        """:meth:`kalman_zscore` as pyarrow arrays."""
        return self.get_arrow("kalman_zscore", tf, price_type, window=window, R=R, Q=Q)[0]

    def kalman_zscore_stepwise(
        self, tf: str, price_type: str, window: int = 100, R: float = 0.01, Q: float = 1.0
    ) -> pd.Series:
        """Alias of :meth:`kalman_zscore` (every timeframe is computed stepwise)."""
        return self.get_series("kalman_zscore_stepwise", tf, price_type, window=window, R=R, Q=Q)[0]

    def kalman_zscore_stepwise_array(
        self, tf: str, price_type: str, window: int = 100, R: float = 0.01, Q: float = 1.0
    ) -> FloatArray:
        """:meth:`kalman_zscore_stepwise` as numpy arrays."""
        return self.get_array("kalman_zscore_stepwise", tf, price_type, window=window, R=R, Q=Q)[0]

    def kalman_zscore_stepwise_arrow(
        self, tf: str, price_type: str, window: int = 100, R: float = 0.01, Q: float = 1.0
    ) -> Any:
        """:meth:`kalman_zscore_stepwise` as pyarrow arrays."""
        return self.get_arrow("kalman_zscore_stepwise", tf, price_type, window=window, R=R, Q=Q)[0]

    def macd(
        self, tf: str, price_type: str, fast: int = 12, slow: int = 26, signal: int = 9
    ) -> SeriesThree:
        """MACD line, signal line and histogram (TA-Lib ``MACD``; warm-up ``slow + signal − 2``)."""
        return _three(self.get_series("macd", tf, price_type, fast=fast, slow=slow, signal=signal))

    def macd_array(
        self, tf: str, price_type: str, fast: int = 12, slow: int = 26, signal: int = 9
    ) -> Three:
        """:meth:`macd` as numpy arrays."""
        return _three(self.get_array("macd", tf, price_type, fast=fast, slow=slow, signal=signal))

    def macd_arrow(
        self, tf: str, price_type: str, fast: int = 12, slow: int = 26, signal: int = 9
    ) -> tuple[Any, Any, Any]:
        """:meth:`macd` as pyarrow arrays."""
        return _three(self.get_arrow("macd", tf, price_type, fast=fast, slow=slow, signal=signal))

    def momentum(self, tf: str, price_type: str, period: int = 10) -> pd.Series:
        """Momentum ``x − x[−period]`` (TA-Lib ``MOM``)."""
        return self.get_series("momentum", tf, price_type, period=period)[0]

    def momentum_array(self, tf: str, price_type: str, period: int = 10) -> FloatArray:
        """:meth:`momentum` as numpy arrays."""
        return self.get_array("momentum", tf, price_type, period=period)[0]

    def momentum_arrow(self, tf: str, price_type: str, period: int = 10) -> Any:
        """:meth:`momentum` as pyarrow arrays."""
        return self.get_arrow("momentum", tf, price_type, period=period)[0]

    def roc(self, tf: str, price_type: str, period: int = 10) -> pd.Series:
        """Rate of change ``(x / x[−period] − 1)·100`` (TA-Lib ``ROC``)."""
        return self.get_series("roc", tf, price_type, period=period)[0]

    def roc_array(self, tf: str, price_type: str, period: int = 10) -> FloatArray:
        """:meth:`roc` as numpy arrays."""
        return self.get_array("roc", tf, price_type, period=period)[0]

    def roc_arrow(self, tf: str, price_type: str, period: int = 10) -> Any:
        """:meth:`roc` as pyarrow arrays."""
        return self.get_arrow("roc", tf, price_type, period=period)[0]

    def rolling_std(self, tf: str, price_type: str, period: int) -> pd.Series:
        """Rolling population standard deviation (TA-Lib ``STDDEV`` with ``nbdev=1``)."""
        return self.get_series("rolling_std", tf, price_type, period=period)[0]

    def rolling_std_array(self, tf: str, price_type: str, period: int) -> FloatArray:
        """:meth:`rolling_std` as numpy arrays."""
        return self.get_array("rolling_std", tf, price_type, period=period)[0]

    def rolling_std_arrow(self, tf: str, price_type: str, period: int) -> Any:
        """:meth:`rolling_std` as pyarrow arrays."""
        return self.get_arrow("rolling_std", tf, price_type, period=period)[0]

    def rsi(self, tf: str, price_type: str, period: int = 14) -> pd.Series:
        """Wilder"s relative strength index in [0, 100] (TA-Lib ``RSI``); warm-up ``period``."""
        return self.get_series("rsi", tf, price_type, period=period)[0]

    def rsi_array(self, tf: str, price_type: str, period: int = 14) -> FloatArray:
        """:meth:`rsi` as numpy arrays."""
        return self.get_array("rsi", tf, price_type, period=period)[0]

    def rsi_arrow(self, tf: str, price_type: str, period: int = 14) -> Any:
        """:meth:`rsi` as pyarrow arrays."""
        return self.get_arrow("rsi", tf, price_type, period=period)[0]

    def sma(self, tf: str, price_type: str, period: int) -> pd.Series:
        """Simple moving average (TA-Lib ``SMA``); warm-up ``period - 1`` bars."""
        return self.get_series("sma", tf, price_type, period=period)[0]

    def sma_array(self, tf: str, price_type: str, period: int) -> FloatArray:
        """:meth:`sma` as numpy arrays."""
        return self.get_array("sma", tf, price_type, period=period)[0]

    def sma_arrow(self, tf: str, price_type: str, period: int) -> Any:
        """:meth:`sma` as pyarrow arrays."""
        return self.get_arrow("sma", tf, price_type, period=period)[0]

    def tema(self, tf: str, price_type: str, period: int) -> pd.Series:
        """Triple EMA (TA-Lib ``TEMA``); warm-up ``3·(period − 1)``."""
        return self.get_series("tema", tf, price_type, period=period)[0]

    def tema_array(self, tf: str, price_type: str, period: int) -> FloatArray:
        """:meth:`tema` as numpy arrays."""
        return self.get_array("tema", tf, price_type, period=period)[0]

    def tema_arrow(self, tf: str, price_type: str, period: int) -> Any:
        """:meth:`tema` as pyarrow arrays."""
        return self.get_arrow("tema", tf, price_type, period=period)[0]

    def true_range(self, tf: str, price_type: str) -> pd.Series:
        """True range ``max(high, close[−1]) − min(low, close[−1])``; bar 0 is ``high − low``."""
        return self.get_series("true_range", tf, price_type)[0]

    def true_range_array(self, tf: str, price_type: str) -> FloatArray:
        """:meth:`true_range` as numpy arrays."""
        return self.get_array("true_range", tf, price_type)[0]

    def true_range_arrow(self, tf: str, price_type: str) -> Any:
        """:meth:`true_range` as pyarrow arrays."""
        return self.get_arrow("true_range", tf, price_type)[0]

    def vol_cluster_series(
        self,
        tf: str,
        price_type: str,
        mode: Literal["atr", "garch"],
        atr_period: int = 14,
        garch_lookback: int = 400,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> pd.Series:
        """Volatility feature for regime clustering: ATR (``mode="atr"``) or local GARCH σ."""
        return self.get_series(
            "vol_cluster_series",
            tf,
            price_type,
            mode=mode,
            atr_period=atr_period,
            garch_lookback=garch_lookback,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def vol_cluster_series_array(
        self,
        tf: str,
        price_type: str,
        mode: Literal["atr", "garch"],
        atr_period: int = 14,
        garch_lookback: int = 400,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> FloatArray:
        """:meth:`vol_cluster_series` as numpy arrays."""
        return self.get_array(
            "vol_cluster_series",
            tf,
            price_type,
            mode=mode,
            atr_period=atr_period,
            garch_lookback=garch_lookback,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def vol_cluster_series_arrow(
        self,
        tf: str,
        price_type: str,
        mode: Literal["atr", "garch"],
        atr_period: int = 14,
        garch_lookback: int = 400,
        alpha: float = 0.05,
        beta: float = 0.9,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-06,
    ) -> Any:
        """:meth:`vol_cluster_series` as pyarrow arrays."""
        return self.get_arrow(
            "vol_cluster_series",
            tf,
            price_type,
            mode=mode,
            atr_period=atr_period,
            garch_lookback=garch_lookback,
            alpha=alpha,
            beta=beta,
            omega=omega,
            use_log_returns=use_log_returns,
            scale=scale,
            min_periods=min_periods,
            sigma_floor=sigma_floor,
        )[0]

    def zscore(
        self,
        tf: str,
        price_type: str,
        window: int = 100,
        mean_source: Literal["rolling", "ema"] = "rolling",
        ema_period: int | None = None,
    ) -> pd.Series:
        """``(x − mean) / σ`` over ``window`` bars; mean = rolling mean or EMA(``ema_period``)."""
        return self.get_series(
            "zscore", tf, price_type, window=window, mean_source=mean_source, ema_period=ema_period
        )[0]

    def zscore_array(
        self,
        tf: str,
        price_type: str,
        window: int = 100,
        mean_source: Literal["rolling", "ema"] = "rolling",
        ema_period: int | None = None,
    ) -> FloatArray:
        """:meth:`zscore` as numpy arrays."""
        return self.get_array(
            "zscore", tf, price_type, window=window, mean_source=mean_source, ema_period=ema_period
        )[0]

    def zscore_arrow(
        self,
        tf: str,
        price_type: str,
        window: int = 100,
        mean_source: Literal["rolling", "ema"] = "rolling",
        ema_period: int | None = None,
    ) -> Any:
        """:meth:`zscore` as pyarrow arrays."""
        return self.get_arrow(
            "zscore", tf, price_type, window=window, mean_source=mean_source, ema_period=ema_period
        )[0]

    def _compute(self, specs: list[Spec], tf: str, side: str) -> list[Arrays]:
        if not specs:
            return []
        candles = self.data.series(tf, side)
        outputs = self._kernels.compute_batch(
            candles.high, candles.low, candles.close, [(s.name, s.kwargs()) for s in specs]
        )
        mapping = None if tf == self.data.primary_tf else self.data.primary_to(tf, side)
        results = []
        for out in outputs:
            arrays = tuple(a if mapping is None else forward_map(a, mapping) for a in out)
            for a in arrays:
                a.flags.writeable = False
            results.append(arrays)
        return results


def _three(outputs: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    first, second, third = outputs
    return first, second, third


_SHARED: weakref.WeakKeyDictionary[AlignedMultiCandleData, IndicatorCache] = (
    weakref.WeakKeyDictionary()
)
_SHARED_BY_ID: dict[int, tuple[Any, IndicatorCache]] = {}


def get_cached_indicator_cache(multi_candle_data: Any) -> IndicatorCache:
    """The shared :class:`IndicatorCache` of ``multi_candle_data`` (created on first use).

    The same data object always gets the same cache, so indicators computed by one component
    are reused by every other. Kept while the data object lives (plain mappings: the last 8).
    """
    if isinstance(multi_candle_data, AlignedMultiCandleData):
        shared = _SHARED.get(multi_candle_data)
        if shared is None:
            shared = _SHARED[multi_candle_data] = IndicatorCache(multi_candle_data)
        return shared
    entry = _SHARED_BY_ID.get(id(multi_candle_data))
    if entry is not None and entry[0] is multi_candle_data:
        return entry[1]
    shared = IndicatorCache(multi_candle_data)
    _SHARED_BY_ID[id(multi_candle_data)] = (multi_candle_data, shared)
    while len(_SHARED_BY_ID) > 8:
        del _SHARED_BY_ID[next(iter(_SHARED_BY_ID))]
    return shared
