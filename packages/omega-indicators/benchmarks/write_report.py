"""Measures every indicator (Rust via the public API, the Python fallback, TA-Lib) and writes
``docs/benchmarks.md``.

Usage (from the repository root, in an environment with the *release* wheel of
omega-indicators, TA-Lib and numpy installed, e.g. the one ``nox -s bench`` builds)::

    python packages/omega-indicators/benchmarks/write_report.py

Options: ``--bars N`` (default 1,000,000), ``--repeat N`` (timed calls per Rust/TA-Lib
measurement, default 31; the Python fallback gets fewer, at least 3), ``--only SUBSTR``
(cases whose name contains it; implies ``--no-write`` and ``--no-cache``), ``--no-write``
(print only), ``--no-memory``, ``--no-cache`` (skip the ``IndicatorCache`` rows of
``cache_report.py``).

Timing: all three columns in this one process, on the same arrays; one untimed warm-up call,
then the median of ``timeit.repeat(call, number=1)`` (garbage collection off while timing,
as ``timeit`` does). Memory: each case in a fresh subprocess that loads the arrays, warms the
call up on 1,500 bars, resets the peak-RSS mark (``/proc/self/clear_refs``), calls once and
reads ``VmHWM``; the extra peak is ``VmHWM − VmRSS before``, reported as a multiple of the
bytes the call returns (1.00 = the call needs nothing beyond its output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import timeit
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cache_report  # noqa: E402
import indicator_cases as ic  # noqa: E402

DOC = HERE.parent / "docs" / "benchmarks.md"
COMMAND = "python packages/omega-indicators/benchmarks/write_report.py"
PYTHON_BUDGET_S = 20.0
"""Rough time allowed per Python-fallback measurement (at least 3 calls whatever it takes)."""


NOTES = """## Where the remaining gaps come from

* `sma`: our SMA is TA-Lib's running sum, in TA-Lib's order — the TA-Lib oracle test compares
  without a floor, and TA-Lib's own residual rounding on windows of zeros only matches
  bit-identical arithmetic. That order is a chain of two dependent additions per value, the
  same chain TA-Lib runs, so the best possible is a tie: the Rust loop alone takes 1.12 ns per
  value, which is that chain's latency; moving the division into a separate vectorised pass
  per chunk made it slower (1.13 → 1.63 ms per 1M values).
* `momentum`: one subtraction per value — memory-bound in all three (8 MB in, 8 MB out): a
  tie with TA-Lib. numpy's vectorised fallback is only ~4 passes over memory behind, so 5×
  would need ~0.38 ms for 16 MB of traffic, more bandwidth than one core gets here with
  ordinary stores (non-temporal stores would need `unsafe` intrinsics, denied in the
  workspace). Splitting it (and `roc`, `true_range`, the stepwise forward fill) over both
  cores was tried and dropped: in paired runs it was faster only while the second vCPU was
  busy with other work, and slower with it idle (`momentum` 1.03× → 1.2–1.3× TA-Lib's time;
  `docs/indicators.md`, "Performance").
* TA-Lib's ATR, EMA and RSI loops use fused multiply-adds (a 4-cycle chain per value). The
  Python fallback cannot reproduce an FMA cheaply, so the recurrences are evaluated two values
  at a time without fused operations (a 6-cycle chain per two values); three-output kernels
  (MACD, Bollinger, DMI) pay page faults for their fresh arrays like TA-Lib does. `tema` runs
  its three EMAs in one pass, which is bound by arithmetic throughput rather than latency, so
  it loses most when another process shares the core (TA-Lib's three separate passes are
  latency-bound); a variant with the pair phases fixed at compile time was slower (LLVM packs
  the two steps of a pair into one register, with shuffles on the dependency chain).
* `kalman_zscore` is bound by the Kalman recursion and the residuals' sliding sums (two
  dependency chains; the Kalman mean alone is ~1.7 ms per 1M bars), with the square roots and
  divisions now packed two at a time inside the same loop. `garch_volatility` (σ likewise
  packed) is bound by one libm `ln` per bar, which must stay the same function for
  bit-identical outputs.
  `*_stepwise` is bound by the forward fill onto 1M primary bars (8 MB of map read, 8 MB
  written), which costs more than 1/50 of the fallback's time by itself. Details:
  `docs/indicators.md`, "Performance".
* Noise: single rows can move by 2–3× between runs on this shared box without any page fault
  (e.g. TA-Lib's EMA 2.0–6.1 ms, Rust's DEMA 1.5–6.0 ms, each in both states within minutes),
  apparently when other tenants load the sibling thread of the core; paired rounds cancel
  slow drift, not this. Over the runs made for issue 3 the geometric mean of the TA-Lib ratios
  was 0.74–0.76 except once: 0.71 (2026-11-21 11:29), only because TA-Lib's EMA was in the
  slow state for that row (ratio 0.21 instead of ~0.55; with 0.55 that run gives 0.76).
* Wrapper overhead: pandas' own `pd.Series(values, index=…, copy=False)` takes ~50–90 µs
  right after a 1M-bar computation has evicted the caches (~13 µs warm; pandas 3.1), so
  ≤ 30 µs would need to bypass pandas' constructor — and even its private block-manager path
  (`Series._from_mgr`) measured ~34 µs cold. The dataset's UTC DatetimeIndex is now a
  zero-copy view of the int64 µs (any pandas constructor given a time zone converts into a
  copy: ~0.7 ms per 1M bars, the bulk of the first call's 800 µs before); the rest of the
  first `ema()` call no longer re-normalises the spec (−20 µs).
"""


@dataclass
class Row:
    case: ic.Case
    rust_ms: float
    talib_ms: float | None
    ratio: float | None
    python_ms: float
    speedup: float
    memory: float | None


def median_ms(call: ic.Call, repeat: int) -> float:
    """Median wall time of ``call`` in ms over ``repeat`` timed calls, after one warm-up."""
    call()
    return statistics.median(timeit.repeat(call, number=1, repeat=repeat)) * 1e3


def paired_ms(rust: ic.Call, talib: ic.Call, repeat: int) -> tuple[float, float, float]:
    """Rust and TA-Lib timed alternately (one call each per round, so both see the same
    background load on a shared machine): their median times in ms and the median of the
    per-round ratios."""
    rust()
    talib()
    timer = timeit.default_timer
    rs, ts, ratios = [], [], []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = timer()
            rust()
            middle = timer()
            talib()
            end = timer()
            rs.append(middle - start)
            ts.append(end - middle)
            ratios.append((middle - start) / (end - middle))
    finally:
        if gc_was_enabled:
            gc.enable()
    return statistics.median(rs) * 1e3, statistics.median(ts) * 1e3, statistics.median(ratios)


def python_ms(python: ic.Call, rust: ic.Call, repeat: int) -> tuple[float, float]:
    """The Python fallback's median time in ms (a repeat count that fits
    :data:`PYTHON_BUDGET_S`, at least 3) and the median over the rounds of its time divided by
    that of a Rust call made right before it (so both see the same background load)."""
    timer = timeit.default_timer
    start = timer()
    python()
    first = timer() - start
    count = max(3, min(repeat, int(PYTHON_BUDGET_S / max(first, 1e-9))))
    times, ratios = [], []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(count):
            t0 = timer()
            rust()
            t1 = timer()
            python()
            t2 = timer()
            times.append(t2 - t1)
            ratios.append((t2 - t1) / (t1 - t0))
    finally:
        if gc_was_enabled:
            gc.enable()
    return statistics.median(times) * 1e3, statistics.median(ratios)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def memory_probe(data_dir: str, name: str) -> None:
    """Subprocess side of the memory measurement: prints ``extra_bytes output_bytes``."""
    arrays = {k: np.load(Path(data_dir) / f"{k}.npy") for k in ic.Data.__dataclass_fields__}
    data = ic.Data(**arrays)
    (warm,) = [c for c in ic.cases(ic.make_data(1500)) if c.name == name]
    warm.rust()
    (case,) = [c for c in ic.cases(data) if c.name == name]
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
    before = _status_kb("VmRSS")
    result = case.rust()
    peak = _status_kb("VmHWM")
    print((peak - before) * 1024, ic.output_bytes(result))


def measure_memory(data: ic.Data, names: list[str]) -> dict[str, float]:
    """Extra peak RSS of one Rust call as a multiple of its output size, per case."""
    if not Path("/proc/self/clear_refs").exists():
        return {}
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="omega-bench-") as tmp:
        for key in ic.Data.__dataclass_fields__:
            np.save(Path(tmp) / f"{key}.npy", getattr(data, key))
        for name in names:
            proc = subprocess.run(
                [sys.executable, __file__, "--memory-probe", tmp, name],
                capture_output=True,
                text=True,
                check=True,
            )
            extra, size = (int(v) for v in proc.stdout.split())
            out[name] = extra / size
    return out


def machine() -> str:
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        talib = importlib.import_module("talib")
        c_version = talib.__ta_version__
        if isinstance(c_version, bytes):
            c_version = c_version.decode(errors="replace")
        ta_version = f"TA-Lib (Python) {talib.__version__}, TA-Lib (C) {c_version}"
    except ImportError:
        ta_version = "TA-Lib not installed"
    return (
        f"{cpu}, nproc {os.cpu_count()}; {platform.system()} {platform.release()}; "
        f"CPython {platform.python_version()}, numpy {np.__version__}, "
        f"omega-indicators {ic.oi.__version__} (backend {ic.oi.backend()}); "
        f"{ta_version.strip()}"
    )


def _fmt(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def render(
    rows: list[Row],
    cache_rows: list[cache_report.CacheRow],
    bars: int,
    repeat: int,
    when: str,
    load: tuple[float, float],
) -> str:
    ratios = [r.ratio for r in rows if r.case.in_talib_target and r.ratio is not None]
    geo = math.exp(sum(math.log(v) for v in ratios) / len(ratios)) if ratios else None
    lines = [
        "# omega-indicators benchmarks",
        "",
        f"Measured {when} on {machine()}.",
        "",
        "Produced by (release wheel of omega-indicators installed; `nox -s bench` runs it after "
        "the pytest-benchmark suite):",
        "",
        "```console",
        f"{COMMAND}" + (f" --bars {bars}" if bars != 1_000_000 else ""),
        "```",
        "",
        "## How measured",
        "",
        f"{bars:,} bars of a seeded geometric random walk (no NaN; highs and lows around the "
        "close; the stepwise rows use one HTF bar per 15 bars). All columns are measured in one "
        "process on the same arrays: one untimed warm-up call, then the **median** of "
        f"{repeat} timed calls (`timeit.repeat(number=1)`; the Python fallback gets fewer calls, "
        "at least 3). Rust and TA-Lib are timed alternately, one call each per round, so both see "
        "the same background load; *ratio* is the median of the per-round ratios. Likewise each "
        "Python-fallback call follows a Rust call, and *Rust vs Python ×* is the median of the "
        "per-round quotients. *Omega Rust* "
        "calls the public API `omega_indicators.<name>(…)` on the "
        "Rust backend, single-threaded; *Python fallback* calls "
        "`omega_indicators._python.<name>(…)`; *TA-Lib* calls `talib.<FUNC>` with the same "
        "parameters (DMI against `PLUS_DI` + `MINUS_DI` + `ADX`, three calls, together). "
        "*ratio* = Rust / TA-Lib time (below 1 = faster than TA-Lib). *extra peak / output*: "
        "peak RSS "
        "growth of one Rust call in a fresh process (after a warm-up on 1,500 bars), divided by "
        "the bytes the call returns — 1.00 means the call needs no memory beyond its output. "
        "Times in ms. The machine is shared: 1-minute load average "
        f"{load[0]:.1f} when the run started, {load[1]:.1f} when it ended ({os.cpu_count()} "
        "cores); with other work on the cores single rows move by ±10 % (±30 % under heavy "
        "load) between runs, the ratios of paired calls less.",
        "",
        "| indicator | Omega Rust ms | TA-Lib ms | ratio | Python fallback ms "
        "| Rust vs Python × | extra peak / output |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ta = f"{r.talib_ms:.2f} ({r.case.talib_name})" if r.talib_ms is not None else "—"
        ratio = _fmt(r.ratio)
        lines.append(
            f"| {r.case.name} | {r.rust_ms:.2f} | {ta} | {ratio} | {r.python_ms:.1f} "
            f"| {r.speedup:.0f} | {_fmt(r.memory)} |"
        )
    if cache_rows:
        lines += ["", "## IndicatorCache", "", cache_report.__doc__.split("\n\n", 1)[1].strip()]
        lines += ["", *cache_report.render(cache_rows)]
    lines += ["", "## Targets (issue 3)", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in _targets(rows, geo)]
    lines += [
        f"| {r.name}: {r.target} | {r.value} | {'yes' if r.met else '**no**'} |" for r in cache_rows
    ]
    lines += ["", NOTES.rstrip()]
    return "\n".join(lines) + "\n"


def _targets(rows: list[Row], geo: float | None) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for the per-indicator targets of issue 3."""
    ta_rows = [r for r in rows if r.case.in_talib_target and r.ratio is not None]
    out: list[tuple[str, str, bool]] = []
    if ta_rows:
        worst = max(ta_rows, key=lambda r: r.ratio or 0.0)
        slow = [f"{r.case.name} {r.ratio:.2f}" for r in ta_rows if (r.ratio or 0.0) > 1.0]
        out.append(
            (
                f"Rust ≤ 1.0× TA-Lib, each of the {len(ta_rows)} TA-Lib indicators",
                f"worst {worst.case.name} {worst.ratio:.2f}"
                + (f"; over: {', '.join(slow)}" if slow else ""),
                not slow,
            )
        )
    if geo is not None:
        out.append(("geometric mean of those ratios ≤ 0.7×", f"{geo:.2f}", geo <= 0.7))
    for target, picked in (
        (5.0, [r for r in rows if r.case.python_target < 50.0]),
        (50.0, [r for r in rows if r.case.python_target >= 50.0]),
    ):
        timed = [r for r in picked if not math.isnan(r.speedup)]
        if not timed:
            continue
        short = [f"{r.case.name} {r.speedup:.0f}×" for r in timed if r.speedup < target]
        least = min(timed, key=lambda r: r.speedup)
        label = (
            "Rust ≥ 5× the Python fallback, every other indicator"
            if target < 50.0
            else "Rust ≥ 50× the Python fallback: `kalman_*`, `garch_*`, `atr`, `dmi`"
        )
        measured = f"least {least.case.name} {least.speedup:.0f}×"
        out.append((label, measured + (f"; under: {', '.join(short)}" if short else ""), not short))
    mem = [r for r in rows if r.memory is not None]
    if mem:
        top = max(mem, key=lambda r: r.memory or 0.0)
        out.append(
            (
                "extra peak memory of one call ≤ 1.2× its output",
                f"largest {top.case.name} {top.memory:.2f}",
                (top.memory or 0.0) <= 1.2,
            )
        )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bars", type=int, default=ic.BARS)
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--only", default="")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="skip the IndicatorCache rows")
    parser.add_argument("--no-python", action="store_true", help="skip the fallback (iteration)")
    parser.add_argument("--memory-probe", nargs=2, metavar=("DATA_DIR", "CASE"))
    args = parser.parse_args(argv)
    if args.memory_probe:
        memory_probe(*args.memory_probe)
        return
    if ic.oi.backend() != "rust":
        raise SystemExit(f"omega_indicators runs on {ic.oi.backend()!r}, not Rust")
    load_start = os.getloadavg()[0]
    data = ic.make_data(args.bars)
    selected = [c for c in ic.cases(data) if args.only in c.name]
    memory = {} if args.no_memory else measure_memory(data, [c.name for c in selected])
    rows = []
    for case in selected:
        talib: float | None = None
        ratio: float | None = None
        if case.talib is not None:
            rust, talib, ratio = paired_ms(case.rust, case.talib, args.repeat)
        else:
            rust = median_ms(case.rust, args.repeat)
        python, speedup = (
            (math.nan, math.nan)
            if args.no_python
            else python_ms(case.python, case.rust, args.repeat)
        )
        rows.append(Row(case, rust, talib, ratio, python, speedup, memory.get(case.name)))
        ta = f"{talib:8.2f}" if talib is not None else "       —"
        print(
            f"{case.name:40s} rust {rust:8.2f}  talib {ta}  ratio {_fmt(ratio)}  "
            f"python {python:9.1f}  mem {_fmt(memory.get(case.name))}",
            flush=True,
        )
    cache_rows = [] if args.no_cache or args.only else cache_report.measure(args.repeat)
    for c in cache_rows:
        print(f"{c.name:40s} {c.value}  ({c.detail})", flush=True)
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = (load_start, os.getloadavg()[0])
    text = render(rows, cache_rows, args.bars, args.repeat, when, load)
    if args.no_write or args.only:
        print(text)
    else:
        DOC.write_text(text)
        print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
