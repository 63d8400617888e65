"""``MeanReversionZScore``, the reference strategy: rules MR1 – MR12 of
``docs/mean_reversion_z_score.md``; mirror of ``src/mean_reversion_z_score.rs`` operation for
operation (same floating-point expressions, same order of checks).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from omega_execution import TradeSignal

from .cache import IndicatorId, InitContext
from .config import (
    TIMEFRAMES,
    ConfigObject,
    finite,
    non_negative,
    number_text,
    parse_object,
    positive,
    render,
)
from .data_slice import DataSlice
from .strategy import HOLD, BaseStrategy, Close, ModifyStopLoss, PositionAction, PositionView

NAME = "MeanReversionZScore"
_ORDER = {tf: k for k, tf in enumerate(TIMEFRAMES)}
_NAN = math.nan
_SCENARIO_INDEX = {"1": 0, "2": 1, "3": 2}


def _garch_args(c: ConfigObject) -> dict[str, Any]:
    """The ``garch_*`` keys, in the order the Rust validator reads them."""
    alpha = c.number("garch_alpha", 0.05, non_negative)
    beta = c.number("garch_beta", 0.90, non_negative)
    if alpha + beta >= 1.0:
        raise ValueError(
            f"{c.key_name('garch_beta')}: expected a number with garch_alpha + garch_beta < 1 "
            f"(garch_alpha {number_text(alpha)}), got {number_text(beta)}"
        )
    omega = c.opt_number("garch_omega", None, positive)
    use_log_returns = c.boolean("garch_use_log_returns", True)
    scale = c.number("garch_scale", 100.0, positive)
    min_periods = c.integer("garch_min_periods", 50, 1)
    sigma_floor = c.number("garch_sigma_floor", 1e-6, non_negative)
    garch_lookback = c.integer("garch_lookback", 400, 3)
    if garch_lookback < min_periods + 2:
        raise ValueError(
            f"{c.key_name('garch_lookback')}: expected an integer >= garch_min_periods + 2 = "
            f"{min_periods + 2}, got {garch_lookback}"
        )
    return {
        "garch_alpha": alpha,
        "garch_beta": beta,
        "garch_omega": omega,
        "garch_use_log_returns": use_log_returns,
        "garch_scale": scale,
        "garch_min_periods": min_periods,
        "garch_sigma_floor": sigma_floor,
        "garch_lookback": garch_lookback,
    }


@dataclass(frozen=True)
class MeanReversionConfig:
    """The validated ``init_args`` (MR11)."""

    symbol: str
    timeframe: str
    htf: str
    enabled_scenarios: tuple[int, ...]
    direction_filter: str
    window_length: int
    mean_source: str
    z_score_long: float
    z_score_short: float
    exit_z: float
    atr_length: int
    sl_atr_mult: float
    tp_atr_mult: float | None
    kalman_r: float
    kalman_q: float
    htf_ema_period: int
    garch_alpha: float
    garch_beta: float
    garch_omega: float | None
    garch_use_log_returns: bool
    garch_scale: float
    garch_min_periods: int
    garch_sigma_floor: float
    garch_lookback: int
    vol_cluster_mode: str
    vol_window: int
    vol_cluster_k: float
    break_even_at_r: float | None
    trailing_atr_mult: float | None
    max_holding_bars: int | None
    max_open_positions: int
    risk_per_trade: float | None

    @classmethod
    def from_init_args(cls, init_args: object) -> MeanReversionConfig:
        """Parses and validates ``init_args`` (a mapping or JSON text)."""
        c = ConfigObject("init_args", NAME, parse_object("init_args", init_args))
        symbol = c.non_empty_string("symbol", "EURUSD")
        tf = c.timeframe("timeframe", "M5")
        htf = c.timeframe("htf", "H1")
        if _ORDER[htf] <= _ORDER[tf]:
            raise ValueError(
                f"{c.key_name('htf')}: expected a timeframe longer than timeframe {tf}, "
                f"got {render(htf)}"
            )
        scenarios = c.int_list("enabled_scenarios")
        scenarios = [1, 2, 3] if scenarios is None else scenarios
        enabled: list[int] = []
        for s in scenarios:
            if not (1 <= s <= 3) or s in enabled:
                raise ValueError(
                    f"{c.key_name('enabled_scenarios')}: expected a non-empty array of distinct "
                    f"scenario numbers 1, 2, 3, got {render(scenarios)}"
                )
            enabled.append(s)
        if not enabled:
            raise ValueError(
                f"{c.key_name('enabled_scenarios')}: expected a non-empty array of distinct "
                "scenario numbers 1, 2, 3, got []"
            )
        direction_filter = c.choice("direction_filter", "both", ("both", "long", "short"))
        window_length = c.integer("window_length", 100, 2)
        mean_source = c.choice("mean_source", "rolling", ("rolling", "ema"))
        z_long = c.number("z_score_long", -2.0, finite)
        z_short = c.number("z_score_short", 2.0, finite)
        if z_long >= z_short:
            raise ValueError(
                f"{c.key_name('z_score_long')}: expected a number < z_score_short "
                f"{number_text(z_short)}, got {number_text(z_long)}"
            )
        exit_z = c.number("exit_z", 0.0, finite)
        if not (exit_z > z_long and -exit_z < z_short):
            raise ValueError(
                f"{c.key_name('exit_z')}: expected a number > z_score_long {number_text(z_long)} "
                f"and > -z_score_short {number_text(-z_short)}, got {number_text(exit_z)}"
            )
        atr_length = c.integer("atr_length", 14, 1)
        sl_atr_mult = c.number("sl_atr_mult", 2.0, positive)
        tp_atr_mult = c.opt_number("tp_atr_mult", 3.0, positive)
        kalman_r = c.number("kalman_r", 1.0, positive)
        kalman_q = c.number("kalman_q", 0.01, positive)
        htf_ema_period = c.integer("htf_ema_period", 20, 1)
        garch = _garch_args(c)
        vol_cluster_mode = c.choice("vol_cluster_mode", "garch", ("garch", "atr"))
        vol_window = c.integer("vol_window", 200, 1)
        vol_cluster_k = c.number("vol_cluster_k", 1.0, positive)
        break_even_at_r = c.opt_number("break_even_at_r", 1.0, positive)
        trailing_atr_mult = c.opt_number("trailing_atr_mult", None, positive)
        max_holding_bars = c.opt_integer("max_holding_bars", 288, 1)
        max_open_positions = c.integer("max_open_positions", 1, 1)
        risk_per_trade = c.opt_number("risk_per_trade", None, positive)
        c.finish()
        return cls(
            symbol=symbol,
            timeframe=tf,
            htf=htf,
            enabled_scenarios=tuple(sorted(enabled)),
            direction_filter=direction_filter,
            window_length=window_length,
            mean_source=mean_source,
            z_score_long=z_long,
            z_score_short=z_short,
            exit_z=exit_z,
            atr_length=atr_length,
            sl_atr_mult=sl_atr_mult,
            tp_atr_mult=tp_atr_mult,
            kalman_r=kalman_r,
            kalman_q=kalman_q,
            htf_ema_period=htf_ema_period,
            **garch,
            vol_cluster_mode=vol_cluster_mode,
            vol_window=vol_window,
            vol_cluster_k=vol_cluster_k,
            break_even_at_r=break_even_at_r,
            trailing_atr_mult=trailing_atr_mult,
            max_holding_bars=max_holding_bars,
            max_open_positions=max_open_positions,
            risk_per_trade=risk_per_trade,
        )

    def garch_params(self) -> dict[str, Any]:
        """The ``<garch>`` keyword arguments of the GARCH-family indicators."""
        return {
            "alpha": self.garch_alpha,
            "beta": self.garch_beta,
            "omega": self.garch_omega,
            "use_log_returns": self.garch_use_log_returns,
            "scale": self.garch_scale,
            "min_periods": self.garch_min_periods,
            "sigma_floor": self.garch_sigma_floor,
        }


def _plain(value: object) -> object:
    """JSON-able form of a config value (numpy scalars and arrays become Python values)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"init_args: {type(value).__name__} {value!r} is not JSON serializable")


class MeanReversionZScore(BaseStrategy):
    """Mean-reversion on z-score crossings, three scenarios (``docs/mean_reversion_z_score.md``).

    ``MeanReversionZScore(window_length=50, enabled_scenarios=[1, 2])`` or
    ``MeanReversionZScore({"window_length": 50})``; bad keys or values raise at construction.
    The same object runs on the Rust loop (when the strategy backend is Rust) or on the Python
    loop, with identical trades.
    """

    rust_name: ClassVar[str | None] = NAME

    def __init__(
        self,
        init_args: Mapping[str, Any] | str | None = None,
        *,
        rust_enabled: bool = True,
        **kwargs: Any,
    ) -> None:
        given: dict[str, Any] = {} if init_args is None else parse_object("init_args", init_args)
        overlap = sorted(set(given) & set(kwargs))
        if overlap:
            raise TypeError(f"init_args: {overlap[0]!r} given twice (mapping and keyword)")
        given.update(kwargs)
        self.init_args: dict[str, Any] = json.loads(json.dumps(given, default=_plain))
        self.config = MeanReversionConfig.from_init_args(self.init_args)
        self.symbol = self.config.symbol
        self.timeframe = self.config.timeframe
        self.risk_per_trade = self.config.risk_per_trade
        self.rust_enabled = bool(rust_enabled)
        self._atr: list[float] = []
        self._z: list[list[float] | None] = [None, None, None]
        self._htf_close: list[float] | None = None
        self._htf_ema: list[float] | None = None
        self._vol: list[float] | None = None
        self._vol_mean: list[float] | None = None

    def __repr__(self) -> str:
        return f"MeanReversionZScore({self.init_args!r})"

    def rust_config(self) -> tuple[str, dict[str, object]]:
        """The ``init_args`` JSON and (no) arrays for the Rust implementation."""
        return json.dumps(self.init_args), {}

    def config_dict(self) -> dict[str, Any]:
        """Every setting, defaults filled in."""
        return asdict(self.config)

    # ----- MR2 ----------------------------------------------------------------------------

    def on_init(self, init: InitContext) -> None:
        c = self.config
        n = init.bars
        tf = c.timeframe
        garch = c.garch_params()
        wanted: list[tuple[str, dict[str, Any] | None]] = []

        def want(name: str, window: int, spec: dict[str, Any]) -> None:
            wanted.append((name, spec if window <= n else None))

        want("atr", c.atr_length, {"name": "atr", "period": c.atr_length})
        if 1 in c.enabled_scenarios:
            want("z1", c.window_length, {
                "name": "zscore", "window": c.window_length, "mean_source": c.mean_source,
                "ema_period": None,
            })  # fmt: skip
        if 2 in c.enabled_scenarios:
            want("z2", c.window_length, {
                "name": "kalman_zscore", "window": c.window_length, "R": c.kalman_r,
                "Q": c.kalman_q,
            })  # fmt: skip
        if 3 in c.enabled_scenarios:
            want("z3", c.garch_lookback, {
                "name": "kalman_garch_zscore_local", "lookback": c.garch_lookback,
                "R": c.kalman_r, "Q": c.kalman_q, **garch,
            })  # fmt: skip
            vol_window = c.atr_length if c.vol_cluster_mode == "atr" else c.garch_lookback
            want("vol", vol_window, {
                "name": "vol_cluster_series", "mode": c.vol_cluster_mode,
                "atr_period": c.atr_length, "garch_lookback": c.garch_lookback, **garch,
            })  # fmt: skip
        specs = [spec for _, spec in wanted if spec is not None]
        computed = iter(init.compute_each(tf, "bid", specs))
        ids: dict[str, IndicatorId] = {}
        for name, spec in wanted:
            ids[name] = next(computed) if spec is not None else init.not_warmed_up(name)
        lists = init.cache.lists
        self._atr = lists[ids["atr"]]
        self._z = [lists[ids[k]] if k in ids else None for k in ("z1", "z2", "z3")]
        self._vol = lists[ids["vol"]] if "vol" in ids else None
        self._vol_mean = None
        if "vol" in ids:
            if c.vol_window <= n:
                spec = {"name": "sma", "period": c.vol_window}
                vol_mean = init.compute_on("vol_mean", ids["vol"], spec)
            else:
                vol_mean = init.not_warmed_up("vol_mean")
            self._vol_mean = lists[vol_mean]
        self._htf_close = self._htf_ema = None
        if 2 in c.enabled_scenarios:
            self._htf_close = lists[init.field(c.htf, "bid", "close")]
            if c.htf_ema_period <= init.native_len(c.htf, "bid"):
                spec = {"name": "ema", "period": c.htf_ema_period}
                ema = init.compute_each(c.htf, "bid", [spec])[0]
            else:
                ema = init.not_warmed_up("htf_ema")
            self._htf_ema = lists[ema]

    # ----- MR4 – MR6 ----------------------------------------------------------------------

    def _signal(
        self, slice: DataSlice, direction: str, scenario: int, atr: float
    ) -> TradeSignal | None:
        c = self.config
        tp: float | None
        if direction == "long":
            entry = slice.ask.close
            sl = entry - c.sl_atr_mult * atr
            tp = None if c.tp_atr_mult is None else entry + c.tp_atr_mult * atr
            if not (sl < entry and (tp is None or tp > entry)):
                return None
        else:
            entry = slice.bid.close
            sl = entry + c.sl_atr_mult * atr
            tp = None if c.tp_atr_mult is None else entry - c.tp_atr_mult * atr
            if not (sl > entry and (tp is None or tp < entry)):
                return None
        return TradeSignal(
            timestamp=slice.timestamp,
            direction="long" if direction == "long" else "short",
            symbol=c.symbol,
            entry=entry,
            sl=sl,
            tp=tp,
            order_type="market",
            reason="z_score_long" if direction == "long" else "z_score_short",
            scenario=str(scenario),
        )

    def _filters(self, scenario: int, i: int) -> tuple[bool, bool]:
        """MR3: the long and short filters of ``scenario`` at bar ``i`` (HTF trend for 2,
        high-volatility cluster for 3, none for 1)."""
        if scenario == 2:
            if self._htf_close is None or self._htf_ema is None:
                return False, False
            close, ema = self._htf_close[i], self._htf_ema[i]
            return close > ema, close < ema
        if scenario == 3:
            if self._vol is None or self._vol_mean is None:
                return False, False
            high = self._vol[i] > self.config.vol_cluster_k * self._vol_mean[i]
            return high, high
        return True, True

    def evaluate(self, slice: DataSlice) -> TradeSignal | None:
        c = self.config
        if slice.active_positions >= c.max_open_positions:
            return None
        i = slice.index
        allow_long = c.direction_filter != "short"
        allow_short = c.direction_filter != "long"
        for scenario in c.enabled_scenarios:
            z = self._z[scenario - 1]
            if z is None:
                continue
            prev = z[i - 1] if i >= 1 else _NAN
            now = z[i]
            long = allow_long and prev >= c.z_score_long and now < c.z_score_long
            short = allow_short and prev <= c.z_score_short and now > c.z_score_short
            if not (long or short):
                continue
            # MR5.2 (read only where a crossing makes it matter): no signal without an ATR.
            atr = self._atr[i]
            if not (math.isfinite(atr) and atr > 0.0):
                return None
            filter_long, filter_short = self._filters(scenario, i)
            if long and filter_long:
                return self._signal(slice, "long", scenario, atr)
            if short and filter_short:
                return self._signal(slice, "short", scenario, atr)
        return None

    # ----- MR7 ----------------------------------------------------------------------------

    def manage_position(self, position: PositionView, slice: DataSlice) -> PositionAction:
        c = self.config
        p = position.position
        fill = p.trigger_price
        if fill is None:
            return HOLD
        i = slice.index
        k = _SCENARIO_INDEX.get(p.scenario)
        z = None if k is None else self._z[k]
        long = p.direction == "long"
        if z is not None:
            zt = z[i]
            reached = zt >= c.exit_z if long else zt <= -c.exit_z
            if reached:
                return Close("exit_z")
        if c.max_holding_bars is not None and position.bars_held >= c.max_holding_bars:
            return Close("timeout")
        new_sl = self._stop_update(p.direction, fill, p.initial_stop_loss, p.stop_loss, slice)
        return HOLD if new_sl is None else ModifyStopLoss(new_sl)

    def _stop_update(
        self, direction: str, fill: float, sl0: float | None, sl: float | None, slice: DataSlice
    ) -> float | None:
        """MR7.3: the new stop (break-even, ATR trailing), or ``None``."""
        c = self.config
        atr = self._atr[slice.index]
        trailing = (
            c.trailing_atr_mult
            if c.trailing_atr_mult is not None and math.isfinite(atr) and atr > 0.0
            else None
        )
        be = c.break_even_at_r
        best: float | None = None
        if direction == "long":
            close = slice.bid.close
            if be is not None and sl0 is not None and close - fill >= be * (fill - sl0):
                best = fill
            if trailing is not None:
                candidate = close - trailing * atr
                if best is None or candidate > best:
                    best = candidate
            if best is not None and (sl is None or best > sl) and best < close:
                return best
            return None
        close = slice.ask.close
        if be is not None and sl0 is not None and fill - close >= be * (sl0 - fill):
            best = fill
        if trailing is not None:
            candidate = close + trailing * atr
            if best is None or candidate < best:
                best = candidate
        if best is not None and (sl is None or best < sl) and best > close:
            return best
        return None
