"""Writes ``docs/benchmarks.md`` from a pytest-benchmark JSON of ``bench_strategy.py``.

Usage (from the repository root, release wheels installed, e.g. in ``nox -s bench``)::

    pytest packages/omega-strategy/benchmarks -o python_files='bench_*.py' \\
        --benchmark-only --benchmark-json=/tmp/strategy-bench.json
    python packages/omega-strategy/benchmarks/write_report.py /tmp/strategy-bench.json \\
        ["how the machine was loaded while measuring"]

The optional second argument replaces the default sentence about the measuring conditions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
COMMAND = """pytest packages/omega-strategy/benchmarks -o python_files='bench_*.py' \\
    --benchmark-only --benchmark-json=/tmp/strategy-bench.json
python packages/omega-strategy/benchmarks/write_report.py /tmp/strategy-bench.json"""


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


DEFAULT_CONDITIONS = (
    "Other engineers' builds shared the two cores during the run, so wall times vary by up "
    "to ~1.5x between runs; the process CPU time (all threads) of each round is given next "
    "to them."
)


def main(path: str, conditions: str = DEFAULT_CONDITIONS) -> None:
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    by_name = {b["name"]: b for b in report["benchmarks"]}
    machine = report["machine_info"]

    def stats(name: str) -> dict[str, Any]:
        return by_name[name]["stats"] if name in by_name else {}

    lines = [
        "# omega-strategy benchmarks",
        "",
        "Release wheels, one process per table unless stated; what is measured is in",
        "`benchmarks/bench_strategy.py`. Data: `omega_strategy.testing.synthetic_data(1_000_000,",
        "5)` — 1M M5 bid/ask bars plus their H1 candles, in memory (`AlignedMultiCandleData`).",
        "",
        "```console",
        COMMAND,
        "```",
        "",
        f"Run {report['datetime']} on {machine.get('cpu', {}).get('brand_raw', '?')} "
        f"({machine.get('cpu', {}).get('count', '?')} cores, shared with other work while "
        f"measuring), CPython {machine['python_version']}. Times in ms. {conditions}",
        "",
        "Where the time of the Rust loop goes, and what was done about it: `docs/performance.md`.",
        "",
        "## MeanReversionZScore, 1M M5 bars with H1, data in memory → results",
        "",
        "| loop | wall min | wall median | CPU min | rounds | trades |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    names = {
        "rust": "test_mean_reversion_rust_loop",
        "hybrid": "test_mean_reversion_hybrid_loop",
        "python": "test_mean_reversion_python_loop",
    }
    for label, name in names.items():
        s = stats(name)
        if s:
            info = by_name[name]["extra_info"]
            lines.append(
                f"| {label} | {_ms(s['min'])} | {_ms(s['median'])} | {_ms(info['cpu_min_s'])} | "
                f"{s['rounds']} | {info.get('trades', '')} |"
            )
    rust, hybrid, python = (stats(n).get("min") for n in names.values())
    cpu = {k: by_name[n]["extra_info"]["cpu_min_s"] for k, n in names.items() if n in by_name}
    phases = by_name.get(names["rust"], {}).get("extra_info", {}).get("phases_ms", {})
    if phases:
        lines += [
            "",
            "Rust loop, phases of the last round (ms): "
            + ", ".join(f"{k} {v:,.1f}" for k, v in phases.items())
            + " (`total` is the time inside the Rust call: it also covers validating the "
            "candles, building the data and the strategy; the rest of a round is the Python "
            "side — settings, and turning the columns into DataFrames).",
        ]
    lines.append("")
    if rust:
        lines.append(
            f"- Rust loop: {_ms(rust)} ms = {1.0 / rust:,.1f}M bars/s "
            f"(target <= 100 ms, >= 10M bars/s: {_verdict(rust <= 0.1)})."
        )
    if rust and python:
        lines.append(
            f"- Rust loop vs Python loop with Python fallbacks: {python / rust:,.0f}x wall, "
            f"{cpu['python'] / cpu['rust']:,.0f}x CPU (target >= 100x: "
            f"{_verdict(python / rust >= 100)})."
        )
    if hybrid and python:
        lines.append(
            f"- Hybrid (Python strategy and loop, Rust components) vs pure Python: "
            f"{python / hybrid:,.2f}x wall, {cpu['python'] / cpu['hybrid']:,.2f}x CPU "
            f"(target >= 1.5x, never slower: {_verdict(python / hybrid >= 1.5)})."
        )
    rss = by_name.get("test_peak_rss_rust_vs_python", {}).get("extra_info", {})
    if rss:
        lines += [
            "",
            "## Peak RSS of a run, fresh process per path, data already in memory",
            "",
            f"Data in memory before the run: {rss['data_mib']:,.0f} MiB (both processes). The peak",
            "mark is reset after loading the data and warming the loop up; the table shows what",
            "the run adds on top and the process peak.",
            "",
            "| path | added by the run (MiB) | process peak (MiB) |",
            "|---|---:|---:|",
            f"| Rust loop | {rss['rust_extra_mib']:,.0f} | {rss['rust_peak_mib']:,.0f} |",
            f"| Python loop, Python fallbacks | {rss['python_extra_mib']:,.0f} | "
            f"{rss['python_peak_mib']:,.0f} |",
            "",
            f"Rust / Python, added by the run: {rss['ratio']:.2f} (target <= 0.7: "
            f"{_verdict(rss['ratio'] <= 0.7)}); process peaks: {rss['total_ratio']:.2f}.",
        ]
    sig, vbt = stats("test_sma_cross_signal_strategy"), stats("test_sma_cross_vectorbt")
    if sig:
        lines += [
            "",
            "## SMA(20/50) cross, 0.2 % stop, 0.4 % target, 1M M5 bars, same process, warm",
            "",
            "| implementation | wall min | wall median | CPU min | rounds | trades |",
            "|---|---:|---:|---:|---:|---:|",
            f"| SignalStrategy (SMA + signals + Rust loop) | {_ms(sig['min'])} | "
            f"{_ms(sig['median'])} | "
            f"{_ms(by_name['test_sma_cross_signal_strategy']['extra_info']['cpu_min_s'])} | "
            f"{sig['rounds']} | "
            f"{by_name['test_sma_cross_signal_strategy']['extra_info'].get('trades', '')} |",
        ]
        if vbt:
            info = by_name["test_sma_cross_vectorbt"]["extra_info"]
            lines.append(
                f"| vectorbt {info.get('vectorbt', '')} `Portfolio.from_signals` | "
                f"{_ms(vbt['min'])} | {_ms(vbt['median'])} | {_ms(info['cpu_min_s'])} | "
                f"{vbt['rounds']} | {info.get('trades', '')} |"
            )
            ratio = sig["min"] / vbt["min"]
            lines += [
                "",
                f"SignalStrategy / vectorbt: {ratio:.2f} "
                f"(target <= 0.2: {_verdict(ratio <= 0.2)}).",
            ]
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "/tmp/strategy-bench.json",
        sys.argv[2] if len(sys.argv) > 2 else DEFAULT_CONDITIONS,
    )
