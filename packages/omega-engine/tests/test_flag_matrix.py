"""The backend flag matrix end to end (issue #7): each row of ``OMEGA_USE_RUST_<WAVE>`` flags
runs ``create_engine(config).run()`` on the same short dataset; the measured backends
(counters inside each backend, never the flags) are the row's, and every row gives identical
trades, equity curve and summary. A Rust extension that does not import while its wave's flag
forces Rust fails the run naming the wave (API and CLI)."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from omega_engine import BacktestResult, create_engine

WAVES = ("indicators", "execution", "portfolio", "strategy")
# About two trading weeks of the bundled dataset: a few seconds for all rows together.
SHORT = {"start": "2024-01-02", "end": "2024-01-16"}
ALL_RUST = dict.fromkeys(WAVES, "rust")
ALL_PYTHON = dict.fromkeys(WAVES, "python")

# (flags, expected loop, expected measured backends)
ROWS: dict[str, tuple[dict[str, str], str, dict[str, str]]] = {
    "all auto": ({}, "rust", ALL_RUST),
    "all 1": (dict.fromkeys(WAVES, "1"), "rust", ALL_RUST),
    "all 0": (dict.fromkeys(WAVES, "0"), "python", ALL_PYTHON),
    "indicators 0": (
        {"indicators": "0", "execution": "1", "portfolio": "1", "strategy": "1"},
        "python",
        {**ALL_RUST, "indicators": "python"},
    ),
    "execution 0": (
        {"indicators": "1", "execution": "0", "portfolio": "1", "strategy": "1"},
        "python",
        {**ALL_RUST, "execution": "python"},
    ),
    "portfolio 0": (
        {"indicators": "1", "execution": "1", "portfolio": "0", "strategy": "1"},
        "python",
        {**ALL_RUST, "portfolio": "python"},
    ),
    "strategy 0": (
        {"indicators": "1", "execution": "1", "portfolio": "1", "strategy": "0"},
        "python",
        {**ALL_RUST, "strategy": "python"},
    ),
}


def _set_flags(monkeypatch: pytest.MonkeyPatch, flags: dict[str, str]) -> None:
    for name in list(os.environ):
        if name.startswith("OMEGA_"):
            monkeypatch.delenv(name)
    for wave, value in flags.items():
        monkeypatch.setenv(f"OMEGA_USE_RUST_{wave.upper()}", value)
    for wave in WAVES:  # every wave re-reads its flag (BackendState caches the selection)
        importlib.import_module(f"omega_{wave}")._backend.STATE.reset()


def _run(tmp_path: Path) -> BacktestResult:
    config = {"backtest": SHORT, "output": {"dir": str(tmp_path), "report": False}}
    return create_engine(config).run()


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BacktestResult]:
    out = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, (flags, _, _) in ROWS.items():
            _set_flags(monkeypatch, flags)
            out[name] = _run(tmp_path_factory.mktemp("row"))
    for wave in WAVES:
        importlib.import_module(f"omega_{wave}")._backend.STATE.reset()
    return out


@pytest.mark.parametrize("row", list(ROWS))
def test_each_row_runs_on_the_measured_backends_it_asks_for(
    results: dict[str, BacktestResult], row: str
) -> None:
    _, loop, backends = ROWS[row]
    result = results[row]
    assert result.metadata["loop"] == loop
    assert result.backends == backends


@pytest.mark.parametrize("row", [r for r in ROWS if r != "all auto"])
def test_every_row_gives_identical_trades_equity_and_summary(
    results: dict[str, BacktestResult], row: str
) -> None:
    reference, result = results["all auto"], results[row]
    assert len(reference.trades) > 20
    pd.testing.assert_frame_equal(result.trades, reference.trades, check_exact=True)
    pd.testing.assert_frame_equal(result.equity, reference.equity, check_exact=True)
    assert result.summary == reference.summary


# Makes ``import omega_indicators._rust`` fail in the child process, as a missing or broken
# extension file would (a None entry in sys.modules raises ImportError on import).
_BLOCK = "import sys; sys.modules['omega_indicators._rust'] = None\n"


def _child(
    command: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """``command`` in a fresh interpreter whose ``sitecustomize`` blocks the extension."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(_BLOCK, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(site), clean.get("PYTHONPATH")) if p)
    return subprocess.run(
        command,
        env={**clean, **env, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _omega(*args: str) -> list[str]:
    script = shutil.which("omega")
    return [*([script] if script else [sys.executable, "-m", "omega_engine"]), *args]


def test_a_broken_rust_indicators_import_fails_the_run_naming_the_wave(tmp_path: Path) -> None:
    flags = {"OMEGA_USE_RUST_INDICATORS": "1"}
    code = (
        "from omega_engine import create_engine\n"
        f"create_engine({{'backtest': {SHORT!r}, 'output': {{'dir': {str(tmp_path)!r}, "
        "'report': False}}).run()\n"
    )
    done = _child(_python(code), flags, tmp_path)
    assert done.returncode != 0
    assert "RuntimeError: omega-indicators: OMEGA_USE_RUST_INDICATORS=1 requires" in done.stderr
    assert "omega_indicators._rust" in done.stderr
    # The same blocker with the default flags runs the indicators wave on Python (auto).
    probe = _python("import omega_indicators as i; print(i.backend())")
    assert _child(probe, {}, tmp_path).stdout.strip() == "python"


def test_the_cli_fails_with_a_broken_rust_indicators_import(tmp_path: Path) -> None:
    out = tmp_path / "out"
    flags = {"OMEGA_USE_RUST_INDICATORS": "1"}
    done = _child(_omega("backtest", "--out", str(out)), flags, tmp_path)
    assert done.returncode == 2
    assert "omega-indicators: OMEGA_USE_RUST_INDICATORS=1 requires" in done.stderr
    assert not out.exists()
