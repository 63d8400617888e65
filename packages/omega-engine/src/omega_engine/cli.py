"""The ``omega`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .backends import detect_backends, format_backends
from .config import ConfigError, load_config
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
