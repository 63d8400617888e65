"""Writes ``docs/benchmarks.md`` from a pytest-benchmark JSON of ``bench_live.py``.

Usage (from the repository root, release extensions or wheels installed, e.g. in
``nox -s bench``)::

    pytest packages/omega-engine/benchmarks -o python_files='bench_*.py' \\
        --benchmark-only --benchmark-json=/tmp/engine-bench.json
    python packages/omega-engine/benchmarks/write_report.py /tmp/engine-bench.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
COMMAND = """pytest packages/omega-engine/benchmarks -o python_files='bench_*.py' \\
    --benchmark-only --benchmark-json=/tmp/engine-bench.json
python packages/omega-engine/benchmarks/write_report.py /tmp/engine-bench.json"""


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _rows(info: dict[str, Any]) -> list[str]:
    rows = []
    for k, r in enumerate(info["rounds"], 1):
        rows.append(
            f"| {info['clock']} | {k} | {r['median_us']:.1f} | {r['p99_us']:.1f} | "
            f"{r['max_us']:,.0f} |"
        )
    return rows


def main(path: str) -> None:
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    machine = report["machine_info"]
    infos = {
        b["extra_info"]["clock"]: b["extra_info"]
        for b in report["benchmarks"]
        if b["name"].startswith("test_live_on_bar_latency")
    }
    lines = [
        "# omega-engine benchmarks",
        "",
        "`LiveSession.on_bar` latency with the Rust backends (streaming indicators, execution",
        "simulator and portfolio in Rust; strategy rules and loop step in Python), replaying the",
        "bundled default year (MeanReversionZScore, synthetic EURUSD M5 with H1) bar by bar;",
        "every round's result is checked against the batch backtest's digest. What is measured:",
        "`benchmarks/bench_live.py` (docs: [live.md](live.md)).",
        "",
        "```console",
        COMMAND,
        "```",
        "",
        f"Run {report['datetime']} on {machine.get('cpu', {}).get('brand_raw', '?')} "
        f"({machine.get('cpu', {}).get('count', '?')} cores, shared with other work while "
        f"measuring), CPython {machine['python_version']}. Per-call latency in µs; `wall` is",
        "`time.perf_counter_ns`, `cpu` the thread's CPU time (`time.thread_time_ns`, without",
        "the time slices other processes took on the shared cores).",
        "",
        "| clock | round | median | p99 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for clock in ("wall", "cpu"):
        if clock in infos:
            lines += _rows(infos[clock])
    lines.append("")
    for clock in ("cpu", "wall"):
        if clock not in infos:
            continue
        info = infos[clock]
        target = info["target_us"]
        measured = (
            f"median {info['median_us']:.1f} µs, p99 {info['p99_us']:.1f} µs (median over the "
            f"{len(info['rounds'])} rounds of each round's median and p99; worst round p99 "
            f"{info['worst_p99_us']:.1f} µs) over {info['bars']:,} bars"
        )
        if clock == "cpu":
            met = info["median_us"] <= target and info["p99_us"] <= target
            lines.append(
                f"- **Verdict** (CPU clock, target <= {target:.0f} µs per on_bar): {measured}: "
                f"median {_verdict(info['median_us'] <= target)}, p99 "
                f"{_verdict(info['p99_us'] <= target)} — target {_verdict(met)}."
            )
        else:
            lines.append(f"- wall clock (other processes' time slices included): {measured}.")
    for clock, info in infos.items():
        fastest = info["per_bar_min"]
        lines.append(
            f"- diagnostic, not a verdict ({clock}): each bar's fastest of the "
            f"{len(info['rounds'])} rounds: median {fastest['median_us']:.1f} µs, p99 "
            f"{fastest['p99_us']:.1f} µs, p99.9 {fastest['p999_us']:.1f} µs (the minimum per bar "
            "also drops slow occurrences that belong to the code)."
        )
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main(sys.argv[1])
