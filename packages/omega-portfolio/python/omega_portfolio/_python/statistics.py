"""Mirror of ``omega_portfolio::statistics``: the summary, operation for operation.

Trade statistics loop over the closed trades in closing order; every sum is sequential, left to
right, starting at 0.0, exactly like the Rust loop. See ``docs/statistics.md`` for the formulas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .equity_curve import MICROS_PER_DAY, EquityCurve
from .trade import Trade

MICROS_PER_YEAR = 31_557_600_000_000.0

SummaryDict = dict[str, float | int]


@dataclass(frozen=True)
class StatsInput:
    """What the statistics are computed from (as in Rust)."""

    initial_balance: float
    balance: float
    equity: float
    open_positions: int
    trades: Sequence[Trade]
    total_fees: float
    curve: EquityCurve
    annualization: float
    span: tuple[int, int] | None
    exposed_us: int


def _pow(base: float, exponent: float) -> float:
    """``base ** exponent`` (C ``pow``, like Rust's ``powf``), +inf on overflow where Python
    would raise."""
    try:
        result: float = base**exponent
    except OverflowError:
        return math.inf
    return result


def _ratio(num: float, count: int) -> float:
    return math.nan if count == 0 else num / float(count)


def daily_returns(initial_balance: float, curve: EquityCurve) -> list[float] | None:
    """Returns of the initial balance followed by each UTC day's last equity; ``None`` when a
    day closes at or below 0."""
    returns: list[float] = []
    previous = initial_balance
    for close in curve.daily_closes().tolist():
        if close <= 0.0:
            return None
        returns.append((close - previous) / previous)
        previous = close
    return returns


def _sharpe_sortino(inp: StatsInput) -> tuple[float, float]:
    returns = daily_returns(inp.initial_balance, inp.curve)
    if returns is None or len(returns) < 2:
        return math.nan, math.nan
    n = float(len(returns))
    total = 0.0
    for r in returns:
        total += r
    mean = total / n
    squares, downside_squares = 0.0, 0.0
    for r in returns:
        d = r - mean
        squares += d * d
        downside_squares += r * r if r < 0.0 else 0.0
    std = math.sqrt(squares / (n - 1.0))
    downside = math.sqrt(downside_squares / n)
    root = math.sqrt(inp.annualization)
    sharpe = mean / std * root if std > 0.0 else math.nan
    if downside > 0.0:
        sortino = mean / downside * root
    elif mean > 0.0:
        sortino = math.inf
    else:
        sortino = math.nan
    return sharpe, sortino


@dataclass
class _TradeStats:
    trades: int = 0
    wins: int = 0
    losses: int = 0
    gross_profit: float = 0.0
    gross_loss: float = 0.0
    net_profit: float = 0.0
    r_sum: float = 0.0
    r_count: int = 0
    largest_win: float = math.nan
    largest_loss: float = math.nan
    max_wins_run: int = 0
    max_losses_run: int = 0


def _trade_stats(trades: Sequence[Trade]) -> _TradeStats:
    """One pass over the trades in closing order (Rust ``TradeStats::compute``)."""
    s = _TradeStats()
    wins_run = losses_run = 0
    for trade in trades:
        s.trades += 1
        net = trade.net_pnl()
        s.net_profit += net
        if net > 0.0:
            s.wins += 1
            s.gross_profit += net
            if math.isnan(s.largest_win) or net > s.largest_win:
                s.largest_win = net
            wins_run += 1
            losses_run = 0
            s.max_wins_run = max(s.max_wins_run, wins_run)
        elif net < 0.0:
            s.losses += 1
            s.gross_loss += net
            if math.isnan(s.largest_loss) or net < s.largest_loss:
                s.largest_loss = net
            losses_run += 1
            wins_run = 0
            s.max_losses_run = max(s.max_losses_run, losses_run)
        else:
            wins_run = losses_run = 0
        if trade.initial_risk is not None:
            s.r_sum += trade.r_multiple()
            s.r_count += 1
    return s


def _cagr_and_exposure(inp: StatsInput) -> tuple[float, float]:
    if inp.span is None or inp.span[1] <= inp.span[0]:
        return math.nan, math.nan
    start, end = inp.span
    years = float(end - start) / MICROS_PER_YEAR
    if inp.equity <= 0.0:
        cagr = -100.0
    else:
        cagr = (_pow(inp.equity / inp.initial_balance, 1.0 / years) - 1.0) * 100.0
    return cagr, float(inp.exposed_us) / float(end - start) * 100.0


def compute(inp: StatsInput) -> SummaryDict:
    """The summary as an ordered dict (the keys and order of the Rust ``Summary::fields``)."""
    t = _trade_stats(inp.trades)
    dd = inp.curve.drawdown_stats(inp.initial_balance)
    sharpe, sortino = _sharpe_sortino(inp)
    cagr, exposure = _cagr_and_exposure(inp)
    if dd.max_drawdown_pct > 0.0:
        calmar = cagr / dd.max_drawdown_pct
    elif cagr > 0.0:
        calmar = math.inf
    else:
        calmar = math.nan
    if t.losses > 0:
        profit_factor = t.gross_profit / -t.gross_loss
    elif t.wins > 0:
        profit_factor = math.inf
    else:
        profit_factor = math.nan

    return {
        "initial_balance": inp.initial_balance,
        "final_balance": inp.balance,
        "final_equity": inp.equity,
        "open_positions": inp.open_positions,
        "trades": t.trades,
        "wins": t.wins,
        "losses": t.losses,
        "breakeven": t.trades - t.wins - t.losses,
        "win_rate_pct": _ratio(float(t.wins), t.trades) * 100.0,
        "gross_profit": t.gross_profit,
        "gross_loss": t.gross_loss,
        "net_profit": t.net_profit,
        "profit_factor": profit_factor,
        "expectancy": _ratio(t.net_profit, t.trades),
        "avg_win": _ratio(t.gross_profit, t.wins),
        "avg_loss": _ratio(t.gross_loss, t.losses),
        "avg_r": _ratio(t.r_sum, t.r_count),
        "largest_win": t.largest_win,
        "largest_loss": t.largest_loss,
        "max_consecutive_wins": t.max_wins_run,
        "max_consecutive_losses": t.max_losses_run,
        "total_fees": inp.total_fees,
        "max_drawdown": dd.max_drawdown,
        "max_drawdown_pct": dd.max_drawdown_pct,
        "max_drawdown_duration_days": float(dd.max_duration_us) / float(MICROS_PER_DAY),
        "return_pct": (inp.equity - inp.initial_balance) / inp.initial_balance * 100.0,
        "cagr_pct": cagr,
        "sharpe": sharpe,
        "sortino": sortino,
        "calmar": calmar,
        "exposure_pct": exposure,
    }
