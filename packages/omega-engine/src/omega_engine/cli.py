"""The ``omega`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .backends import detect_backends, format_backends


def _backends(_: argparse.Namespace) -> int:
    rows = detect_backends()
    print(format_backends(rows))
    problems = [row for row in rows if not row.ok]
    for row in problems:
        print(f"omega: {row.wave}: {row.error}", file=sys.stderr)
    return 2 if problems else 0


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``omega`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
