"""``omega backends`` and ``detect_backends()`` report the backend each wave really uses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from omega_engine import detect_backends, format_backends
from omega_engine.backends import WAVES
from omega_engine.cli import main


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
        timeout=120,
    )


def _rows(stdout: str) -> dict[str, list[str]]:
    lines = stdout.strip().splitlines()
    return {line.split()[0]: line.split() for line in lines[1:]}


def test_detect_backends_reports_rust_for_every_wave(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("OMEGA_"):
            monkeypatch.delenv(key)
    rows = detect_backends()
    assert [row.wave for row in rows] == list(WAVES)
    for row in rows:
        assert row.ok, row.error
        assert row.rust_available
        assert row.backend == "rust"
        assert row.version == "0.1.0"
        assert row.flag == f"OMEGA_USE_RUST_{row.wave.upper()}=auto"
    table = format_backends(rows)
    assert table.splitlines()[0].split() == [
        "wave",
        "package",
        "version",
        "rust",
        "available",
        "flag",
        "backend",
    ]


def test_omega_backends_prints_one_row_per_wave() -> None:
    result = _omega("backends")
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout)
    assert set(rows) == set(WAVES)
    for wave, cells in rows.items():
        assert cells[1] == f"omega-{wave}"
        assert cells[2] == "0.1.0"
        assert cells[3] == "yes"
        assert cells[-1] == "rust"


def test_forcing_python_for_one_wave_shows_python_for_that_wave_only() -> None:
    result = _omega("backends", env={"OMEGA_USE_RUST_EXECUTION": "0"})
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout)
    assert rows["execution"][-1] == "python"
    assert rows["execution"][4] == "OMEGA_USE_RUST_EXECUTION=0"
    assert [rows[w][-1] for w in ("indicators", "portfolio", "strategy")] == ["rust"] * 3


def test_invalid_flag_exits_non_zero_naming_variable_and_accepted_values() -> None:
    result = _omega("backends", env={"OMEGA_USE_RUST_INDICATORS": "maybe"})
    assert result.returncode == 2
    assert _rows(result.stdout)["indicators"][-1] == "error"
    assert (
        "OMEGA_USE_RUST_INDICATORS: expected one of auto, 1, true, always, 0, false, got 'maybe'"
        in result.stderr
    )


def test_unsatisfiable_flags_exit_non_zero() -> None:
    env = {"OMEGA_REQUIRE_RUST_FFI": "1", "OMEGA_USE_RUST_PORTFOLIO": "false"}
    result = _omega("backends", env=env)
    assert result.returncode == 2
    assert "portfolio" in result.stderr
    assert "forbids running any wave on Python" in result.stderr


def test_main_returns_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backends"]) in (0, 2)
    assert "indicators" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([])
