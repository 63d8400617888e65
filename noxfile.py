"""Omega's sessions: one per wave, plus lint, rust, wheels and bench.

Rust is built once per invocation: the ``build`` session compiles the four extension wheels
(release, abi3) and the engine wheel into ``dist/wheels`` with one shared cargo target dir
(``rust/target``); every other session installs those wheels. ``nox`` with no arguments runs
everything CI runs; ``nox -s bench`` and ``nox -s nightly`` (more property-test examples) are
separate.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent
WHEELS = ROOT / "dist" / "wheels"
RUST = ROOT / "rust"
WAVES = ("indicators", "execution", "portfolio", "strategy")
PACKAGES = (*WAVES, "engine")
# Binding crates are cdylibs linked by the Python that loads them; they have no Rust tests.
BINDING_CRATES = tuple(f"omega-{wave}-py" for wave in WAVES)
# The Omega wheels a wave wheel depends on (omega-execution writes into an omega-portfolio).
WAVE_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "execution": ("portfolio",),
    "strategy": ("indicators", "execution", "portfolio"),
}

nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "rust", *PACKAGES, "wheels"]


def _wheel(package: str) -> str:
    """Path of the wheel ``build`` made for ``package`` (exactly one must exist)."""
    found = sorted(WHEELS.glob(f"omega_{package}-*.whl"))
    if len(found) != 1:
        raise RuntimeError(f"expected one wheel for omega-{package} in {WHEELS}, found {found}")
    return str(found[0])


def _test_group(package: str) -> list[str]:
    pyproject = nox.project.load_toml(ROOT / "packages" / f"omega-{package}" / "pyproject.toml")
    return list(nox.project.dependency_groups(pyproject, "test"))


@nox.session(venv_backend="none")
def build(session: nox.Session) -> None:
    """Build the four extension wheels (release) and the engine wheel into dist/wheels."""
    shutil.rmtree(WHEELS, ignore_errors=True)
    for wave in WAVES:
        # maturin reads [tool.maturin] from the pyproject.toml in the working directory.
        with session.chdir(ROOT / "packages" / f"omega-{wave}"):
            session.run(
                "maturin", "build", "--release", "--quiet",
                "--interpreter", sys.executable, "--out", str(WHEELS),
            )  # fmt: skip
    session.run(
        "uv", "build", "--quiet", "--wheel", "--out-dir", str(WHEELS), "packages/omega-engine"
    )


def _test_package(session: nox.Session, package: str, wheels: list[str]) -> None:
    session.install(*wheels, *_test_group(package))
    session.run("pytest", f"packages/omega-{package}/tests", *session.posargs)


@nox.session(requires=["build"])
def indicators(session: nox.Session) -> None:
    """omega-indicators alone: its wheel and test tools, nothing else of Omega."""
    _test_package(session, "indicators", [_wheel("indicators")])


@nox.session(requires=["build"])
def execution(session: nox.Session) -> None:
    """omega-execution with the omega-portfolio wheel it depends on, nothing else of Omega."""
    _test_package(session, "execution", [_wheel("execution"), _wheel("portfolio")])


@nox.session(requires=["build"])
def portfolio(session: nox.Session) -> None:
    """omega-portfolio alone."""
    _test_package(session, "portfolio", [_wheel("portfolio")])


@nox.session(requires=["build"])
def strategy(session: nox.Session) -> None:
    """omega-strategy with the three wave wheels it links (indicators, execution, portfolio)."""
    wheels = [_wheel(p) for p in ("strategy", *WAVE_DEPENDENCIES["strategy"])]
    _test_package(session, "strategy", wheels)


@nox.session(requires=["build"])
def engine(session: nox.Session) -> None:
    """omega-engine with the four wave wheels it composes."""
    _test_package(session, "engine", [_wheel(p) for p in PACKAGES])


@nox.session(requires=["build"])
def lint(session: nox.Session) -> None:
    """ruff, mypy --strict on every package, cargo fmt and clippy."""
    # The root's dev group pins ruff, mypy, nox and stubs; the packages' test groups bring the
    # test libraries whose types the tests use.
    root_pyproject = nox.project.load_toml(ROOT / "pyproject.toml")
    tools = [
        r
        for r in nox.project.dependency_groups(root_pyproject, "dev")
        if not r.startswith("omega-")
    ]
    groups = {req for package in PACKAGES for req in _test_group(package)}
    session.install(*[_wheel(p) for p in PACKAGES], *tools, *sorted(groups))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    for package in PACKAGES:
        source = "src" if package == "engine" else "python"
        package_dir = f"packages/omega-{package}"
        session.run("mypy", f"{package_dir}/{source}", f"{package_dir}/tests")
    session.run("mypy", "noxfile.py")
    locked = ["--locked"] if os.environ.get("CI", "").lower() in ("1", "true") else []
    manifest = ("--manifest-path", str(RUST / "Cargo.toml"))
    session.run("cargo", "fmt", *manifest, "--all", "--check", external=True)
    session.run(
        "cargo",
        "clippy",
        *locked,
        *manifest,
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
        external=True,
    )


@nox.session(venv_backend="none")
def rust(session: nox.Session) -> None:
    """The Rust unit tests of every core crate."""
    excluded = [arg for crate in BINDING_CRATES for arg in ("--exclude", crate)]
    session.run(
        "cargo", "test", "--manifest-path", str(RUST / "Cargo.toml"), "--workspace", *excluded
    )


@nox.session(venv_backend="none", requires=["build"])
def wheels(session: nox.Session) -> None:
    """Each wave wheel installs with plain pip into an empty venv and runs on Rust with no other
    Omega wheel than the ones it depends on (WAVE_DEPENDENCIES, found in dist/wheels)."""
    check = (
        "import importlib.metadata as m, omega_{wave} as p\n"
        "assert p.backend() == 'rust', p.backend()\n"
        "names = {{d.metadata['Name'] for d in m.distributions()}}\n"
        "others = sorted(n for n in names if n.startswith('omega-') and n not in {allowed!r})\n"
        "assert not others, others\n"
        "print('omega-{wave}', p.__version__, 'alone, backend', p.backend())\n"
    )
    for wave in WAVES:
        allowed = {f"omega-{p}" for p in (wave, *WAVE_DEPENDENCIES.get(wave, ()))}
        with tempfile.TemporaryDirectory(prefix=f"omega-{wave}-") as tmp:
            venv = Path(tmp) / "venv"
            session.run(sys.executable, "-m", "venv", str(venv))
            python = str(venv / "bin" / "python")
            session.run(
                python, "-m", "pip", "install", "--quiet", "--find-links", str(WHEELS),
                _wheel(wave),
            )  # fmt: skip
            session.run(python, "-c", check.format(wave=wave, allowed=sorted(allowed)))


@nox.session(requires=["build"])
def nightly(session: nox.Session) -> None:
    """Every package's tests with 20x the hypothesis examples (not part of CI)."""
    session.install(*[_wheel(p) for p in PACKAGES], *_test_group("indicators"))
    session.env["OMEGA_HYPOTHESIS_SCALE"] = "20"
    session.run("pytest", *[f"packages/omega-{p}/tests" for p in PACKAGES], *session.posargs)


@nox.session(requires=["build"])
def bench(session: nox.Session) -> None:
    """Benchmarks (release wheels); not part of CI. Writes docs/benchmarks.md tables."""
    session.install(
        *[_wheel(p) for p in PACKAGES],
        "pytest==9.2.0",
        "pytest-benchmark==5.3.1",
        "TA-Lib==0.8.2",
        # omega-strategy's SignalStrategy-vs-vectorbt benchmark (vectorbt pulls numba).
        "vectorbt==1.2.0",
    )
    # Per package: pytest-benchmark (modules named bench_*.py so the test sessions never collect
    # them), then the package's report script writes its docs/benchmarks.md from the results.
    for package in PACKAGES:
        benchmarks = ROOT / "packages" / f"omega-{package}" / "benchmarks"
        if not benchmarks.is_dir():
            continue
        results = Path(session.create_tmp()) / f"{package}-bench.json"
        session.run(
            "pytest", str(benchmarks), "-o", "python_files=bench_*.py", "--benchmark-only",
            f"--benchmark-json={results}", *session.posargs,
        )  # fmt: skip
        report = benchmarks / "write_report.py"
        if package == "indicators":
            # Rust vs TA-Lib vs the Python fallback, timed side by side in one process.
            session.run("python", str(report))
        elif report.is_file():
            session.run("python", str(report), str(results))
