"""The ``omega`` command line."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .backends import detect_backends, format_backends
from .config import ConfigError, DataConfig, EngineConfig, load_config
from .data.errors import DataError
from .data.inspect import format_inspection, inspect_file
from .data.timestamps import parse_timezone


def _backends(_: argparse.Namespace) -> int:
    rows = detect_backends()
    print(format_backends(rows))
    problems = [row for row in rows if not row.ok]
    for row in problems:
        print(f"omega: {row.wave}: {row.error}", file=sys.stderr)
    return 2 if problems else 0


def _data_inspect(args: argparse.Namespace) -> int:
    try:
        timezone = parse_timezone(args.timezone) if args.timezone else None
        result = inspect_file(args.file, format=args.format, timezone=timezone)
    except (DataError, ValueError, TypeError) as exc:
        print(f"omega: {exc}", file=sys.stderr)
        return 2
    print(format_inspection(result))
    return 0 if result.ok else 1


def _config_check(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"omega: {exc}", file=sys.stderr)
        return 2
    names = ", ".join(symbol.name for symbol in config.symbols)
    print(f"{args.config}: ok ({len(config.symbols)} symbol(s): {names}; strategy "
          f"{config.strategy.name})")  # fmt: skip
    return 0


SUMMARY_ROWS = (
    ("trades", "trades", "{:,.0f}"),
    ("net profit", "net_profit", "{:,.2f}"),
    ("win rate", "win_rate_pct", "{:.2f} %"),
    ("profit factor", "profit_factor", "{:.3f}"),
    ("max drawdown", "max_drawdown_pct", "{:.2f} %"),
    ("sharpe", "sharpe", "{:.3f}"),
    ("return", "return_pct", "{:.2f} %"),
)


def format_summary(summary: Mapping[str, Any]) -> str:
    """The headline numbers of a run as an aligned two-column table."""
    rows = []
    for label, key, spec in SUMMARY_ROWS:
        value = summary.get(key)
        rows.append((label, "-" if value is None else spec.format(value)))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {text}" for label, text in rows)


def format_symbol_summaries(summaries: Mapping[str, Mapping[str, Any]]) -> str:
    """One row per symbol: the summary rows that exist per symbol (trade statistics)."""
    rows = [(label, key, spec) for label, key, spec in SUMMARY_ROWS
            if all(key in s for s in summaries.values())]  # fmt: skip
    table = [["symbol", *(label for label, _, _ in rows)]]
    for name, summary in summaries.items():
        table.append([name, *(spec.format(summary[key]) for _, key, spec in rows)])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return "\n".join(
        "  ".join(
            text.ljust(width) if i == 0 else text.rjust(width)
            for i, (text, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in table
    )


def with_data_file(config: EngineConfig, path: Path) -> EngineConfig:
    """``config`` with its one symbol's candles read from ``path`` (``--data``): format,
    timeframe and spread columns detected from the file; the config's reading settings that
    apply to any single file (``timezone``, ``price_basis``, ``spread_unit``, ``on_bad_rows``),
    the symbol's spec and every other setting stay the config's. ``ValueError`` for a missing
    file or a multi-symbol config."""
    if len(config.symbols) != 1:
        names = ", ".join(s.name for s in config.symbols)
        raise ValueError(
            f"--data: expected a config with one symbol, got {len(config.symbols)} ({names}); "
            "give each symbol's data in the config"
        )
    resolved = path.expanduser().resolve()
    if not resolved.is_file():
        raise ValueError(f"--data: file not found: {resolved}")
    symbol = config.symbols[0]
    given = symbol.data
    data = DataConfig(
        path=resolved,
        timezone=given.timezone,
        price_basis=given.price_basis,
        spread_unit=given.spread_unit,
        on_bad_rows=given.on_bad_rows,
    )
    return dataclasses.replace(config, symbols=(dataclasses.replace(symbol, data=data),))


def _backtest(args: argparse.Namespace) -> int:
    from .engine import create_engine  # noqa: PLC0415

    try:
        config = load_config(args.config)
        if args.data is not None:
            config = with_data_file(config, Path(args.data))
        output = config.output
        if args.out is not None:
            output = dataclasses.replace(output, dir=Path(args.out).expanduser().resolve())
        if args.report:
            output = dataclasses.replace(output, report=True)
        config = dataclasses.replace(config, output=output)
        started = time.perf_counter()
        engine = create_engine(config)
        result = engine.run()
        wall = time.perf_counter() - started
    except (ConfigError, DataError, ValueError, TypeError, RuntimeError) as exc:
        print(f"omega: {exc}", file=sys.stderr)
        return 2
    meta = result.metadata
    print(
        f"{meta['strategy']} on {meta['symbol']} {engine.data.primary_tf}: {meta['bars']:,} bars, "
        f"{meta['loop']} loop, {wall:.2f} s (load {result.timings['load']:.2f} s, run "
        f"{result.timings['run']:.2f} s)"
    )
    print("backends: " + ", ".join(f"{w}={b}" for w, b in result.backends.items()))
    print(format_summary(result.summary))
    if len(result.symbol_summaries) > 1:
        print(format_symbol_summaries(result.symbol_summaries))
    written = []
    if output.parquet:
        written.append("Parquet + result.json")
    if output.report:
        written.append("report.html + report.png")
    if written:
        print(f"wrote {' and '.join(written)} to {output.dir}")
    else:
        print("wrote nothing (output.parquet and output.report are off)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``omega`` (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(prog="omega", description="Omega trading stack.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    backends = commands.add_parser(
        "backends",
        help="show which backend (rust or python) each wave uses, and why",
        description="One row per wave: installed version, whether the Rust extension is "
        "usable, the OMEGA_USE_RUST_<WAVE> flag and the backend in use. Exits with status 2 "
        "when a flag is invalid or cannot be satisfied.",
    )
    backends.set_defaults(run=_backends)

    backtest = commands.add_parser(
        "backtest",
        help="run a backtest (no config: synthetic EURUSD M5 + MeanReversionZScore)",
        description="Runs the configured backtest (the whole loop in Rust when possible), "
        "prints the summary and writes the Parquet results and the HTML/PNG report per the "
        "config's [output]. Exit status 0 on success, 2 on a bad config, data or backend.",
    )
    backtest.add_argument("config", nargs="?", help="a .toml or .json config (default: bundled)")
    backtest.add_argument(
        "--data",
        metavar="FILE",
        help="candles of the (one) configured symbol from FILE (.csv, .parquet or an MT5 "
        "export; format detected) instead of the config's data",
    )
    backtest.add_argument("--out", metavar="DIR", help="output directory (overrides output.dir)")
    backtest.add_argument(
        "--report", action="store_true", help="write the HTML/PNG report even if output.report "
        "is false",
    )  # fmt: skip
    backtest.set_defaults(run=_backtest)

    data = commands.add_parser("data", help="inspect market data files")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    inspect = data_commands.add_parser(
        "inspect",
        help="what a CSV/Parquet/MT5 file is: format, columns, timeframe, rows, gaps, bad rows",
        description="Detects the file's format and column layout, parses every row and prints "
        "what it found: timestamps and timezone handling, timeframe (from the bar spacing), "
        "row count, bad rows (with line numbers), gaps (weekends and missing bars) and spread "
        "statistics. Exit status: 0 clean, 1 bad rows or unknown timeframe, 2 unreadable.",
    )
    inspect.add_argument("file", help="a .csv, .parquet or MetaTrader 5 export")
    inspect.add_argument(
        "--format", choices=("auto", "csv", "parquet", "mt5"), default="auto",
        help="skip detection (default: auto)",
    )  # fmt: skip
    inspect.add_argument(
        "--timezone",
        help="how naive timestamps are read: UTC (default), an IANA zone, an offset like "
        "+02:00, or a zone plus hours like America/New_York+7",
    )
    inspect.set_defaults(run=_data_inspect)

    config = commands.add_parser("config", help="check a configuration file")
    config_commands = config.add_subparsers(dest="config_command", required=True, metavar="COMMAND")
    check = config_commands.add_parser(
        "check",
        help="validate a .toml/.json config and list every problem",
        description="Validates the config (unknown keys, wrong types, missing data files) "
        "and lists every problem at once. Exit status 0 when valid, 2 otherwise.",
    )
    check.add_argument("config", help="a .toml or .json file")
    check.set_defaults(run=_config_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``omega`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
