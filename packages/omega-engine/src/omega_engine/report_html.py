"""The self-contained HTML report: one file, inline CSS and inline SVG charts, no scripts, no
fonts, images or links fetched from anywhere — it renders the same offline.

Sections: header (strategy, symbols, timeframe, period; a banner when the data is synthetic),
key figures, equity chart (equity and balance), drawdown chart, the full summary table, run
information (backends that served each wave, timings, data sources), the trade list and the
configuration.
"""

from __future__ import annotations

import json
import math
from html import escape
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .report_data import curve, format_value, label, run_info
from .svg_chart import Line, time_chart

if TYPE_CHECKING:
    from .result import BacktestResult

__all__ = ["MAX_TRADE_ROWS", "render_html"]

MAX_TRADE_ROWS = 5_000
"""Trade rows shown in the report (the first and last halves beyond that); all are in Parquet."""
_KEY_FIGURES = ("net_profit", "return_pct", "max_drawdown_pct", "sharpe", "profit_factor",
                "win_rate_pct", "trades")  # fmt: skip
_TRADE_COLUMNS = ("id", "symbol", "direction", "size", "entry_time", "entry_price", "stop_loss",
                  "take_profit", "exit_time", "exit_price", "reason", "pnl", "fees", "net_pnl",
                  "r_multiple")  # fmt: skip

_CSS = """
:root { --fg: #1d2330; --muted: #6b7280; --line: #e5e7eb; --accent: #1f5fbf; --bad: #c0392b;
        --good: #1e8449; --bg: #ffffff; --panel: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 10px; padding-bottom: 4px;
     border-bottom: 1px solid var(--line); }
.sub { color: var(--muted); margin: 0 0 14px; }
.banner { background: #fff7e0; border: 1px solid #f0d48a; border-radius: 6px; padding: 8px 12px;
          margin: 10px 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
        padding: 10px 12px; }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 19px; font-weight: 600; font-variant-numeric: tabular-nums; }
.pos { color: var(--good); } .neg { color: var(--bad); }
.chart { width: 100%; height: auto; display: block; }
.chart .grid line { stroke: var(--line); stroke-width: 1; }
.chart .grid text, .chart text.muted { fill: var(--muted); font-size: 11px; }
.chart .frame { fill: none; stroke: #cfd4dc; }
.legend { color: var(--muted); font-size: 12px; margin: 2px 0 6px; }
.legend span { display: inline-block; width: 18px; height: 0; border-top: 2px solid;
               margin: 0 4px 3px 10px; vertical-align: middle; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 28px; }
@media (max-width: 800px) { .cols { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left;
         white-space: nowrap; }
td.n, th.n { text-align: right; }
.kv th { font-weight: normal; color: var(--muted); width: 55%; }
.scroll { max-height: 560px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.scroll th { position: sticky; top: 0; background: var(--panel); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px;
      overflow: auto; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; }
"""


def render_html(result: BacktestResult, *, title: str | None = None, png_name: str = "") -> str:
    """The report as one HTML string."""
    info = run_info(result)
    data = curve(result)
    heading = title or (f"Backtest — {info.title}" if info.title else "Backtest report")
    period = (
        f"{data.times[0]:%Y-%m-%d %H:%M} → {data.times[-1]:%Y-%m-%d %H:%M} UTC"
        if len(data.times)
        else "no equity data"
    )
    sub = [period, f"{len(result.trades):,} trades"]
    if math.isfinite(info.initial_balance):
        sub.append(f"initial balance {info.initial_balance:,.2f} {info.currency}".rstrip())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(heading)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{escape(heading)}</h1>",
        f'<p class="sub">{escape(" · ".join(sub))}</p>',
    ]
    if info.synthetic:
        parts.append(
            '<div class="banner"><strong>Synthetic data.</strong> This run used the bundled, '
            "generated EURUSD-like dataset — not market prices. Results say nothing about real "
            "trading.</div>"
        )
    parts.append(_cards(result))
    parts.append("<h2>Equity</h2>")
    parts.append(
        '<div class="legend"><span style="border-color:#1f5fbf"></span>equity'
        '<span style="border-color:#7a7a7a;border-top-style:dashed"></span>balance</div>'
    )
    parts.append(
        time_chart(
            data.micros,
            [Line("equity", data.equity, "#1f5fbf"),
             Line("balance", data.balance, "#7a7a7a", dashed=True, width=1.2)],
            height=300,
            y_format=_money_tick,
            label="equity and balance over time",
        )
    )  # fmt: skip
    parts.append("<h2>Drawdown</h2>")
    parts.append(
        time_chart(
            data.micros,
            [Line("drawdown %", -data.drawdown_pct, "#c0392b", fill_to_zero=True, width=1.0)],
            height=170,
            y_format=lambda v: f"{v:.1f} %" if abs(v) < 10 else f"{v:.0f} %",
            label="drawdown in percent of the running peak",
        )
    )
    parts.append('<div class="cols"><section><h2>Summary</h2>')
    parts.append(_key_values([(label(k), format_value(k, v, info.currency))
                              for k, v in result.summary.items()]))  # fmt: skip
    parts.append("</section><section><h2>Run</h2>")
    run_rows = [("Strategy", info.strategy or "–"), ("Symbols", ", ".join(info.symbols) or "–")]
    if info.timeframe:
        run_rows.append(("Timeframe", info.timeframe))
    run_rows += [(f"Backend: {wave}", backend) for wave, backend in result.backends.items()]
    run_rows += [
        (f"Time: {phase}", f"{seconds:,.3f} s") for phase, seconds in result.timings.items()
    ]
    run_rows += [("Data", source) for source in info.data]
    if png_name:
        run_rows.append(("Equity chart (PNG)", png_name))
    parts.append(_key_values(run_rows))
    parts.append("</section></div>")
    parts.append(f"<h2>Trades ({len(result.trades):,})</h2>")
    parts.append(_trades(result.trades))
    parts.append(
        "<h2>Configuration</h2><details><summary>show the configuration of this run</summary>"
    )
    parts.append(f"<pre>{escape(json.dumps(result.config, indent=2, default=str))}</pre></details>")
    parts.append(
        f"<footer>omega-engine {escape(version('omega-engine'))} · a self-contained file: no "
        "scripts, fonts or images are loaded from anywhere.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _cards(result: BacktestResult) -> str:
    """The key figures as cards (money without the currency, which the subtitle names)."""
    cells = []
    for key in _KEY_FIGURES:
        if key not in result.summary:
            continue
        value = result.summary[key]
        tone = ""
        if key in ("net_profit", "return_pct") and isinstance(value, int | float):
            tone = " pos" if value > 0 else " neg" if value < 0 else ""
        cells.append(
            f'<div class="card"><div class="k">{escape(label(key))}</div>'
            f'<div class="v{tone}">{escape(format_value(key, value))}</div></div>'
        )
    return f'<div class="cards">{"".join(cells)}</div>' if cells else ""


def _key_values(rows: list[tuple[str, str]]) -> str:
    body = "".join(f'<tr><th>{escape(k)}</th><td class="n">{escape(v)}</td></tr>' for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _trades(trades: pd.DataFrame) -> str:
    if trades.empty:
        return '<p class="sub">No trades.</p>'
    columns = [c for c in _TRADE_COLUMNS if c in trades.columns]
    columns += [c for c in trades.columns if c not in columns]
    shown = trades
    note = ""
    if len(trades) > MAX_TRADE_ROWS:
        half = MAX_TRADE_ROWS // 2
        shown = pd.concat([trades.iloc[:half], trades.iloc[-half:]])
        note = (
            f'<p class="sub">Showing the first and last {half:,} of {len(trades):,} trades; '
            "trades.parquet has all of them.</p>"
        )
    numeric = {c for c in columns if pd.api.types.is_numeric_dtype(trades[c].dtype)}
    head = "".join(
        f'<th class="{"n" if c in numeric else ""}">{escape(str(c))}</th>' for c in columns
    )
    rows = []
    values = {c: shown[c].to_numpy() for c in columns}
    for i in range(len(shown)):
        cells = []
        for c in columns:
            value = values[c][i]
            css = "n" if c in numeric else ""
            if c in ("net_pnl", "pnl") and isinstance(value, float | np.floating) and value:
                css += " pos" if value > 0 else " neg"
            cells.append(f'<td class="{css.strip()}">{escape(_cell(str(c), value))}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'{note}<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


_MONEY_COLUMNS = {"pnl", "fees", "net_pnl", "initial_risk"}


def _cell(column: str, value: Any) -> str:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        return "" if pd.isna(value) else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if column in _MONEY_COLUMNS:
            return f"{number:,.2f}"
        if column == "r_multiple":
            return f"{number:.2f}"
        return f"{number:.10g}"  # prices and sizes as they are (shortest form)
    return str(value)


def _money_tick(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:,.2f}M"
    return f"{value:,.0f}"
