"""pytest-benchmark suite of omega-indicators: every indicator on 1M bars (``OMEGA_BENCH_BARS``),
three ways per indicator (one benchmark group each): the public API on the Rust backend, TA-Lib
where it has the indicator, and the pure-Python fallback (3 rounds: it takes up to seconds).

Run by ``nox -s bench`` (``pytest packages/*/benchmarks -o python_files=bench_*.py
--benchmark-only``), which then writes ``docs/benchmarks.md`` with ``write_report.py``. The
cases and the data are in ``indicator_cases.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import indicator_cases as ic

DATA = ic.make_data()
CASES = {case.name: case for case in ic.cases(DATA)}


def _ids() -> list[str]:
    return list(CASES)


@pytest.mark.parametrize("name", _ids())
def test_rust(benchmark: Any, name: str) -> None:
    case = CASES[name]
    benchmark.group = name
    assert ic.oi.backend() == "rust"
    benchmark(case.rust)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.talib is not None])
def test_talib(benchmark: Any, name: str) -> None:
    case = CASES[name]
    benchmark.group = name
    assert case.talib is not None
    benchmark(case.talib)


@pytest.mark.parametrize("name", _ids())
def test_python_fallback(benchmark: Any, name: str) -> None:
    case = CASES[name]
    benchmark.group = name
    benchmark.pedantic(case.python, rounds=3, iterations=1, warmup_rounds=0)
