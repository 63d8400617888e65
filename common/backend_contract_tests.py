"""The backend-flag contract (DESIGN.md §3), tested in every wave package.

One source, ``common/backend_contract_tests.py``, linked into each package's ``tests/`` as
``test_backend_contract.py``; the package's ``conftest.py`` supplies the ``wave`` fixture.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
import types
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import pytest

ACCEPTED = "auto, 1, true, always, 0, false"


def _package(wave: str) -> types.ModuleType:
    return importlib.import_module(f"omega_{wave}")


def _state_class(wave: str) -> Any:
    return importlib.import_module(f"omega_{wave}._backend_select").BackendState


def _working_extension(wave: str) -> types.ModuleType:
    fake = types.ModuleType(f"omega_{wave}._rust")
    fake.__version__ = version(f"omega-{wave}")  # type: ignore[attr-defined]
    fake.self_check = lambda: True  # type: ignore[attr-defined]
    fake.call_count = lambda: 7  # type: ignore[attr-defined]
    return fake


def _importer_of(
    module: types.ModuleType | None, error: str = "No module named '_rust'"
) -> Callable[[str], types.ModuleType]:
    def importer(name: str) -> types.ModuleType:
        if module is None:
            raise ImportError(error)
        return module

    return importer


def _state(wave: str, env: dict[str, str], extension: types.ModuleType | None) -> Any:
    return _state_class(wave)(wave, importer=_importer_of(extension), environ=env)


def _flag(wave: str) -> str:
    return f"OMEGA_USE_RUST_{wave.upper()}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "rust"),
        ("auto", "rust"),
        ("AUTO", "rust"),
        ("1", "rust"),
        ("true", "rust"),
        ("True", "rust"),
        ("always", "rust"),
        ("0", "python"),
        ("false", "python"),
        ("FALSE", "python"),
    ],
)
def test_every_flag_value_selects_its_backend_when_rust_works(
    wave: str, value: str | None, expected: str
) -> None:
    env = {} if value is None else {_flag(wave): value}
    state = _state(wave, env, _working_extension(wave))
    assert state.backend() == expected
    assert state.selection().flag_value == (value or "auto")
    assert state.rust_available()


@pytest.mark.parametrize("value", [None, "auto", "0", "false"])
def test_auto_and_off_run_python_when_the_extension_is_missing(
    wave: str, value: str | None
) -> None:
    env = {} if value is None else {_flag(wave): value}
    state = _state(wave, env, None)
    assert state.backend() == "python"
    assert not state.rust_available()
    assert "ImportError" in state.rust_error()


@pytest.mark.parametrize("value", ["1", "true", "always"])
def test_forced_rust_without_extension_raises_naming_wave_and_import_error(
    wave: str, value: str
) -> None:
    state = _state(wave, {_flag(wave): value}, None)
    with pytest.raises(RuntimeError) as info:
        state.backend()
    message = str(info.value)
    assert f"omega-{wave}" in message
    assert f"{_flag(wave)}={value}" in message
    assert "ImportError: No module named '_rust'" in message


@pytest.mark.parametrize("value", ["maybe", "", "yes", "2", "rust"])
def test_unknown_flag_value_raises_value_error_listing_accepted_values(
    wave: str, value: str
) -> None:
    state = _state(wave, {_flag(wave): value}, _working_extension(wave))
    with pytest.raises(ValueError, match=rf"{_flag(wave)}: expected one of {ACCEPTED}, got"):
        state.backend()


def test_require_rust_ffi_turns_an_auto_fallback_into_an_error(wave: str) -> None:
    state = _state(wave, {"OMEGA_REQUIRE_RUST_FFI": "1"}, None)
    with pytest.raises(RuntimeError, match=r"OMEGA_REQUIRE_RUST_FFI=1 requires the Rust backend"):
        state.backend()
    assert _state(wave, {"OMEGA_REQUIRE_RUST_FFI": "1"}, _working_extension(wave)).backend() == (
        "rust"
    )


def test_require_rust_ffi_conflicts_with_forced_python(wave: str) -> None:
    env = {"OMEGA_REQUIRE_RUST_FFI": "1", _flag(wave): "0"}
    with pytest.raises(RuntimeError, match="forbids running any wave on Python"):
        _state(wave, env, _working_extension(wave)).backend()


def test_unknown_require_value_raises_value_error(wave: str) -> None:
    state = _state(wave, {"OMEGA_REQUIRE_RUST_FFI": "yes"}, _working_extension(wave))
    with pytest.raises(
        ValueError, match=r"OMEGA_REQUIRE_RUST_FFI: expected one of 0, 1, got 'yes'"
    ):
        state.backend()


def test_extension_with_wrong_version_or_failing_self_check_is_not_usable(wave: str) -> None:
    stale = _working_extension(wave)
    stale.__version__ = "0.0.0-stale"  # type: ignore[attr-defined]
    state = _state(wave, {}, stale)
    assert state.backend() == "python"
    assert "does not match package version" in state.rust_error()

    broken = _working_extension(wave)

    def failing_check() -> bool:
        raise RuntimeError("kernel returned garbage")

    broken.self_check = failing_check  # type: ignore[attr-defined]
    state = _state(wave, {_flag(wave): "1"}, broken)
    with pytest.raises(
        RuntimeError, match="self_check failed: RuntimeError: kernel returned garbage"
    ):
        state.backend()


def test_reset_rereads_the_environment(wave: str) -> None:
    env = {_flag(wave): "0"}
    state = _state(wave, env, _working_extension(wave))
    assert state.backend() == "python"
    env[_flag(wave)] = "1"
    assert state.backend() == "python"  # cached until reset
    state.reset()
    assert state.backend() == "rust"


def test_calls_are_counted_inside_each_backend(wave: str) -> None:
    state = _state(wave, {}, _working_extension(wave))
    state.python_calls.record()
    assert state.calls() == {"rust": 7, "python": 1}


def test_installed_extension_is_real_and_selected_by_default(wave: str) -> None:
    package = _package(wave)
    extension = importlib.import_module(f"omega_{wave}._rust")
    assert extension.__version__ == package.__version__
    assert extension.self_check() is True
    assert package.rust_available()
    if _flag(wave) not in os.environ and "OMEGA_REQUIRE_RUST_FFI" not in os.environ:
        assert package.backend() == "rust"
    assert set(package.backend_calls()) == {"rust", "python"}


def _run_in_fresh_interpreter(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OMEGA_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_flags_work_end_to_end_in_a_fresh_interpreter(wave: str) -> None:
    show = f"import omega_{wave} as p; print(p.backend())"
    assert _run_in_fresh_interpreter(show, {}).stdout.strip() == "rust"
    assert _run_in_fresh_interpreter(show, {_flag(wave): "0"}).stdout.strip() == "python"
    bad = _run_in_fresh_interpreter(show, {_flag(wave): "maybe"})
    assert bad.returncode != 0
    assert f"ValueError: {_flag(wave)}: expected one of {ACCEPTED}, got 'maybe'" in bad.stderr


def test_forced_rust_with_the_extension_blocked_fails_end_to_end(wave: str) -> None:
    # A None entry in sys.modules makes the import raise ImportError, as a missing file would.
    code = (
        f"import sys; sys.modules['omega_{wave}._rust'] = None; "
        f"import omega_{wave} as p; print(p.backend())"
    )
    forced = _run_in_fresh_interpreter(code, {_flag(wave): "1"})
    assert forced.returncode != 0
    assert f"RuntimeError: omega-{wave}: {_flag(wave)}=1 requires the Rust backend" in forced.stderr
    assert f"ModuleNotFoundError: import of omega_{wave}._rust halted" in forced.stderr
    auto = _run_in_fresh_interpreter(code, {})
    assert auto.returncode == 0, auto.stderr
    assert auto.stdout.strip() == "python"


def test_python_call_counter_is_exact_across_threads_and_reads(wave: str) -> None:
    counter = importlib.import_module(f"omega_{wave}._backend_select").CallCounter()
    assert counter.get() == 0
    assert counter.get() == 0

    def work() -> None:
        for _ in range(10_000):
            counter.record()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.get() == 40_000
    assert counter.get() == 40_000
