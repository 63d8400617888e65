"""``create_engine(config).run()`` and ``omega backtest``: the default run, determinism, the
measured backends and the Rust requirement (several symbols: test_multi_symbol.py)."""

from __future__ import annotations

import importlib
import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omega_engine import BacktestResult, create_engine
from omega_engine.cli import main
from omega_engine.engine import check_required, execution_kwargs

SetFlags = Callable[..., None]

# A short window (about two trading weeks) for runs that force the slower Python loop.
SHORT = {"start": "2024-01-02", "end": "2024-01-16"}
SUMMARY_LABELS = ("trades", "net profit", "win rate", "profit factor", "max drawdown", "sharpe")


def _omega(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    script = shutil.which("omega")
    command = [script] if script else [sys.executable, "-m", "omega_engine"]
    return subprocess.run(
        [*command, *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _config_file(tmp_path: Path, **sections: Any) -> Path:
    config = {"output": {"dir": str(tmp_path / "out"), "parquet": True, "report": False}}
    config.update(sections)
    path = tmp_path / "omega.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _no_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("OMEGA_"):
            monkeypatch.delenv(name)


def test_default_run_completes_and_is_deterministic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_flags(monkeypatch)
    config = {"output": {"dir": str(tmp_path / "a"), "report": False}}
    first = create_engine(config).run()
    second = create_engine({**config, "output": {"dir": str(tmp_path / "b")}}).run()
    assert first.summary == second.summary
    assert first.summary["trades"] > 0
    assert len(first.equity) == first.metadata["bars"] > 70_000
    assert first.trades.equals(second.trades)
    assert set(first.timings) >= {"load", "run"}
    assert first.config["strategy"]["name"] == "MeanReversionZScore"
    assert first.metadata["timeframes"] == ["M5", "H1"]
    # Parquet per config.output; the report was switched off for the first run.
    reloaded = BacktestResult.from_parquet(tmp_path / "a")
    assert reloaded.summary == first.summary
    assert not (tmp_path / "a" / "report.html").exists()
    assert (tmp_path / "b" / "report.html").exists()


def test_default_backends_are_rust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_flags(monkeypatch)
    engine = create_engine({"output": {"dir": str(tmp_path), "parquet": False, "report": False}})
    result = engine.run()
    assert result.metadata["loop"] == "rust"
    assert dict(result.backends) == {
        "indicators": "rust",
        "execution": "rust",
        "portfolio": "rust",
        "strategy": "rust",
    }
    # Measured: the strategy's Rust call counter moved during the run.
    before, after = result.metadata["calls_before"], result.metadata["calls_after"]
    assert after["strategy"]["rust"] > before["strategy"]["rust"]


def test_cli_backtest_default_prints_the_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "omega_engine", "backtest"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for label in SUMMARY_LABELS:
        assert label in done.stdout
    assert "indicators=rust, execution=rust, portfolio=rust, strategy=rust" in done.stdout
    out = tmp_path / "omega-output"
    assert str(out) in done.stdout
    for name in ("trades.parquet", "equity.parquet", "summary.parquet", "result.json"):
        assert (out / name).is_file()
    assert (out / "report.html").is_file()
    assert (out / "report.png").is_file()


def test_cli_backtest_out_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config_file(tmp_path, backtest=SHORT)
    status = main(["backtest", str(config), "--out", str(tmp_path / "elsewhere"), "--report"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "profit factor" in printed
    assert (tmp_path / "elsewhere" / "trades.parquet").is_file()
    assert (tmp_path / "elsewhere" / "report.html").is_file()
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("forced", "expected"),
    [
        # The strategy flag is auto: the Python loop calls the Rust strategy bar by bar.
        (
            ("indicators",),
            {"indicators": "python", "execution": "rust", "portfolio": "rust", "strategy": "rust"},
        ),
        (
            ("strategy",),
            {"indicators": "rust", "execution": "rust", "portfolio": "rust", "strategy": "python"},
        ),
        (
            ("execution", "portfolio"),
            {
                "indicators": "rust",
                "execution": "python",
                "portfolio": "python",
                "strategy": "rust",
            },
        ),
    ],
)
def test_wave_forced_to_python_is_reported_python(
    tmp_path: Path, forced: tuple[str, ...], expected: dict[str, str]
) -> None:
    config = _config_file(tmp_path, backtest=SHORT)
    env = {f"OMEGA_USE_RUST_{wave.upper()}": "0" for wave in forced}
    done = _omega("backtest", str(config), env=env)
    assert done.returncode == 0, done.stderr
    meta = json.loads((tmp_path / "out" / "result.json").read_text("utf-8"))
    assert meta["metadata"]["loop"] == "python"
    assert meta["backends"] == expected


def test_require_rust_with_a_python_wave_fails_naming_it(tmp_path: Path) -> None:
    config = _config_file(tmp_path, backtest=SHORT)
    env = {"OMEGA_REQUIRE_RUST_FFI": "1", "OMEGA_USE_RUST_EXECUTION": "0"}
    done = _omega("backtest", str(config), env=env)
    assert done.returncode == 2
    assert "omega-execution" in done.stderr
    assert "OMEGA_REQUIRE_RUST_FFI=1" in done.stderr
    assert not (tmp_path / "out").exists()


def test_check_required_names_the_wave() -> None:
    served = {"indicators": "rust", "execution": "python", "portfolio": "rust"}
    check_required(served, {})
    with pytest.raises(RuntimeError, match=r"OMEGA_REQUIRE_RUST_FFI=1 .* wave 'execution'"):
        check_required(served, {"OMEGA_REQUIRE_RUST_FFI": "1"})
    with pytest.raises(RuntimeError, match=r"OMEGA_USE_RUST_INDICATORS=1 .* 'indicators'"):
        check_required({"indicators": "rust+python"}, {"OMEGA_USE_RUST_INDICATORS": "1"})
    check_required({"indicators": "rust"}, {"OMEGA_USE_RUST_INDICATORS": "1"})


def test_execution_settings_are_mapped(tmp_path: Path) -> None:
    engine = create_engine(
        {
            "execution": {
                "risk_per_trade": 50.0,
                "slippage": {"model": "fixed", "pips": 0.2},
                "fees": {"model": "per_lot", "amount": 3.5},
                "fill_at": "close",
                "seed": 7,
            },
            "portfolio": {"initial_balance": 20_000},
            "backtest": SHORT,
            "output": {"dir": str(tmp_path), "parquet": False, "report": False},
        }
    )
    kwargs = execution_kwargs(engine.config)
    assert kwargs["risk_per_trade"] == 50.0
    assert kwargs["fill_at"] == "signal_close"
    assert kwargs["seed"] == 7
    assert kwargs["slippage_model"].pips == 0.2
    assert kwargs["fee_model"].per_lot == 3.5
    assert set(kwargs["symbol_specs"]) == {"EURUSD"}
    assert engine.portfolio_config["initial_balance"] == 20_000
    result = engine.run()
    assert result.summary["initial_balance"] == 20_000
    assert result.summary["total_fees"] > 0


def test_check_required_refuses_rust_where_python_is_forced_and_an_unmeasured_portfolio() -> None:
    for value in ("0", "false"):
        flag = {"OMEGA_USE_RUST_STRATEGY": value}
        with pytest.raises(RuntimeError, match=rf"OMEGA_USE_RUST_STRATEGY={value} forces Python"):
            check_required({"strategy": "rust"}, flag)
        with pytest.raises(RuntimeError, match="wave 'strategy'"):
            check_required({"strategy": "rust+python"}, flag)
        check_required({"strategy": "python"}, flag)
    check_required({"portfolio": "none"}, {})
    with pytest.raises(RuntimeError, match=r"wave 'portfolio' .* served by none"):
        check_required({"portfolio": "none"}, {"OMEGA_REQUIRE_RUST_FFI": "1"})
    with pytest.raises(RuntimeError, match=r"OMEGA_USE_RUST_PORTFOLIO=1 .* served by none"):
        check_required({"portfolio": "none"}, {"OMEGA_USE_RUST_PORTFOLIO": "1"})


def _fake_counter(monkeypatch: pytest.MonkeyPatch, wave: str, grows: str | None) -> None:
    """``omega_<wave>.backend_calls()`` reports one more ``grows`` call at every read (``None``:
    its counters frozen where they are), as a wave on the wrong backend would."""
    module = importlib.import_module(f"omega_{wave}")
    real = module.backend_calls
    frozen = dict(real())
    extra = itertools.count(1)

    def fake() -> dict[str, int]:
        if grows is None:
            return dict(frozen)
        calls = dict(real())
        calls[grows] += next(extra)
        return calls

    monkeypatch.setattr(module, "backend_calls", fake)


def test_a_wave_forced_to_python_but_served_by_rust_fails_the_run_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, set_flags: SetFlags
) -> None:
    set_flags(use_rust_indicators="0")
    _fake_counter(monkeypatch, "indicators", "rust")
    engine = create_engine({"backtest": SHORT, "output": {"dir": str(tmp_path), "report": False}})
    with pytest.raises(RuntimeError, match="OMEGA_USE_RUST_INDICATORS=0 forces Python, but wave "):
        engine.run()


def test_a_portfolio_on_another_backend_than_execution_is_not_labelled_like_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, set_flags: SetFlags
) -> None:
    config = {"backtest": SHORT, "output": {"dir": str(tmp_path), "report": False}}
    set_flags(use_rust_execution="1", use_rust_portfolio="0")
    _fake_counter(monkeypatch, "portfolio", None)
    result = create_engine(config).run()
    assert result.backends["execution"] == "rust"
    assert result.backends["portfolio"] == "none"
    # Required on Rust, a portfolio whose counters did not move fails the run.
    set_flags(use_rust_execution="0", use_rust_portfolio="1")
    _fake_counter(monkeypatch, "portfolio", None)
    with pytest.raises(RuntimeError, match=r"wave 'portfolio' .* served by none"):
        create_engine(config).run()
