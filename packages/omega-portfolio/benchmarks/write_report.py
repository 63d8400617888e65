"""Writes ``docs/benchmarks.md`` from a pytest-benchmark JSON file.

Usage (from the repository root, after a release build)::

    pytest packages/omega-portfolio/benchmarks -o python_files='bench_*.py' \\
        --benchmark-only --benchmark-json=/tmp/portfolio-bench.json
    python packages/omega-portfolio/benchmarks/write_report.py /tmp/portfolio-bench.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
TARGETS = {
    "update_equity_batch": "Rust <= 20 ms; Rust >= 20x faster than Python",
    "get_summary": "Rust <= 5 ms; Rust >= 20x faster than Python",
}
FLOORS = ("floor, 1 thread", "floor, 2 threads")
HEADER = """# omega-portfolio benchmarks

Rust backend vs the pure-Python fallback (numpy), same process, release build of the
extension. Each round of `update_equity_batch` gets a fresh portfolio with 10 open positions;
`get_summary` is called repeatedly on one portfolio (it does not mutate). What is measured is in
`benchmarks/bench_portfolio.py`.

Produced by (release extension in the environment, e.g. `nox -s bench`, or a dev venv after
`maturin develop --release`):

```console
pytest packages/omega-portfolio/benchmarks -o python_files='bench_*.py' \\
    --benchmark-only --benchmark-json=/tmp/portfolio-bench.json
python packages/omega-portfolio/benchmarks/write_report.py /tmp/portfolio-bench.json
```
"""


def _backend(bench: dict[str, Any]) -> str:
    name: str = bench["name"]
    if "_memory_floor" in name:
        threads = name[name.rindex("[") + 1 : -1]
        return f"floor, {threads} thread{'s' if threads != '1' else ''}"
    return name[name.rindex("[") + 1 : -1]


def render(data: dict[str, Any]) -> str:
    machine = data["machine_info"]
    cpu = machine.get("cpu", {}).get("brand_raw", machine.get("processor", "?"))
    lines = [
        HEADER,
        f"Run {data['datetime'][:19]}Z on {cpu}, CPython {machine['python_version']}, "
        f"{machine['system']} {machine['release']}. Times in ms.",
        "",
    ]
    groups: dict[str, dict[str, dict[str, Any]]] = {}
    for bench in data["benchmarks"]:
        groups.setdefault(bench["group"], {})[_backend(bench)] = bench["stats"]
    for group, by_backend in groups.items():
        target = next((t for key, t in TARGETS.items() if group.startswith(key)), "")
        lines += [f"## {group}", "", f"Target: {target}.", ""]
        lines += ["| backend | min | median | mean | rounds |", "|---|---:|---:|---:|---:|"]
        for backend in ("rust", "python", *FLOORS):
            s = by_backend.get(backend)
            if s is not None:
                lines.append(
                    f"| {backend} | {s['min'] * 1e3:.2f} | {s['median'] * 1e3:.2f} | "
                    f"{s['mean'] * 1e3:.2f} | {s['rounds']} |"
                )
        if "rust" in by_backend and "python" in by_backend:
            rust, python = by_backend["rust"], by_backend["python"]
            lines += [
                "",
                f"Python / Rust: {python['min'] / rust['min']:.1f}x (min), "
                f"{python['median'] / rust['median']:.1f}x (median).",
            ]
        floors = [f for f in FLOORS if f in by_backend]
        if floors and "python" in by_backend:
            python = by_backend["python"]
            ratios = ", ".join(f"{python['min'] / by_backend[f]['min']:.1f}x ({f})" for f in floors)
            lines += [
                "",
                "Memory floor (numpy reads every input column once and writes the 3-column "
                f"curve): Python / floor {ratios} (min) — the largest ratio a kernel running at "
                "memory speed could reach.",
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
