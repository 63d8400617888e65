"""Writes ``docs/benchmarks.md`` from a pytest-benchmark JSON file.

Usage (from the repository root, after a release build)::

    pytest packages/omega-execution/benchmarks -o python_files='bench_*.py' \\
        --benchmark-only --benchmark-json=/tmp/execution-bench.json
    python packages/omega-execution/benchmarks/write_report.py /tmp/execution-bench.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
TARGETS = {
    "process_signals_batch": ("Rust <= 0.5 ms; Rust >= 20x faster than Python", 0.5e-3),
    "evaluate_exits:": ("Rust <= 50 µs; Rust >= 20x faster than Python", 50e-6),
    "evaluate_exits_batch": (
        "Rust <= 20 ms for 1M bars; Rust >= 20x faster than Python per bar",
        20e-3,
    ),
}
HEADER = """# omega-execution benchmarks

Rust backend vs the pure-Python fallback, same process, release build of the extension, through
the public `ExecutionSimulator` API (input conversion included). What is measured is in
`benchmarks/bench_execution.py`:

- `process_signals_batch`: 1 000 market signals (EURUSD, SL and TP, per-lot fee, random
  slippage) as a pyarrow Table into a fresh simulator.
- `evaluate_exits`: one bar (a single call) over 1 000 open positions, none of which exits.
- `evaluate_exits_batch`: 1 000 000 one-minute bid/ask bars with a market signal every 50 bars
  (one position open at a time, ~20 000 round trips through the simulator and its ledger);
  and the same bars with one position held throughout. The Python fallback runs the first
  100 000 bars; its ratio is per bar.

Produced by (release extension in the environment, e.g. `nox -s bench`, or a dev venv after
`maturin develop --release`):

```console
pytest packages/omega-execution/benchmarks -o python_files='bench_*.py' \\
    --benchmark-only --benchmark-json=/tmp/execution-bench.json
python packages/omega-execution/benchmarks/write_report.py /tmp/execution-bench.json
```
"""


def _backend(bench: dict[str, Any]) -> str:
    name: str = bench["name"]
    return name[name.rindex("[") + 1 : -1]


def _load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def render(data: dict[str, Any]) -> str:
    machine = data["machine_info"]
    cpu = machine.get("cpu", {}).get("brand_raw", machine.get("processor", "?"))
    lines = [
        HEADER,
        f"Run {data['datetime'][:19]}Z on {cpu} ({machine.get('cpu', {}).get('count', '?')} "
        f"cores), CPython {machine['python_version']}, {machine['system']} "
        f"{machine['release']}; load average when the report was written: {_load()}. "
        "Times in ms.",
        "",
    ]
    groups: dict[str, dict[str, dict[str, Any]]] = {}
    for bench in data["benchmarks"]:
        stats = dict(bench["stats"])
        stats["rows"] = bench.get("extra_info", {}).get("rows")
        groups.setdefault(bench["group"], {})[_backend(bench)] = stats
    for group, by_backend in groups.items():
        target, limit = next(
            (t for key, t in TARGETS.items() if group.startswith(key)), ("", float("inf"))
        )
        lines += [f"## {group}", "", f"Target: {target}.", ""]
        lines += [
            "| backend | rows | min | median | mean | rounds |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for backend in ("rust", "python"):
            s = by_backend.get(backend)
            if s is not None:
                rows = "" if s["rows"] is None else f"{s['rows']:,}"
                lines.append(
                    f"| {backend} | {rows} | {s['min'] * 1e3:.3f} | {s['median'] * 1e3:.3f} | "
                    f"{s['mean'] * 1e3:.3f} | {s['rounds']} |"
                )
        if "rust" in by_backend and "python" in by_backend:
            rust, python = by_backend["rust"], by_backend["python"]
            scale = 1.0
            if rust["rows"] and python["rows"]:
                scale = rust["rows"] / python["rows"]
            met = "met" if rust["min"] <= limit else "NOT met"
            lines += [
                "",
                f"Python / Rust{' per row' if scale != 1.0 else ''}: "
                f"{python['min'] * scale / rust['min']:.1f}x (min), "
                f"{python['median'] * scale / rust['median']:.1f}x (median). "
                f"Absolute Rust target {met} (min {rust['min'] * 1e3:.3f} ms).",
            ]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    data = json.loads(Path(argv[1]).read_text())
    report = render(data)
    notes_marker = "<!-- notes -->"
    notes = ""
    if DOC.exists() and notes_marker in DOC.read_text():
        notes = DOC.read_text()[DOC.read_text().index(notes_marker) :]
    DOC.write_text(report + ("\n" + notes if notes else ""))
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
