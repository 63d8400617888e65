"""Which backend served each wave of a run, measured from the waves' call counters (DESIGN §3,
§9): never echoed from the flags. The one implementation, used by ``run_backtest``,
``run_backtest_symbols`` and the engine.

* The Python loop: each wave's counters (``omega_<wave>.backend_calls()``) are read before and
  after the run; a wave whose ``rust`` counter grew is ``"rust"``, whose ``python`` counter
  grew is ``"python"`` (both: ``"rust+python"``; none: ``"none"``). With execution and
  portfolio on the same backend the simulator owns the portfolio's ledger (a view inside
  omega-execution), so a portfolio whose own counters did not move is attributed like
  execution; on different backends the simulator writes into the portfolio's own
  implementation, whose counters must move, so a portfolio that did not stays ``"none"``.
* The whole loop in Rust: omega-strategy's counter must show the Rust call (else
  ``RuntimeError``); inside it indicators, execution and portfolio are linked Rust crates,
  whose packages' counters do not move, so a wave still ``"none"`` is ``"rust"`` when the loop
  reports calls to it (``counts``); a wave whose own counters moved keeps what they say.
"""

from __future__ import annotations

from collections.abc import Mapping

import omega_execution
import omega_indicators
import omega_portfolio

from ._backend import STATE

__all__ = ["WAVES", "WAVE_PACKAGES", "measured_backends", "wave_calls"]

WAVES = ("indicators", "execution", "portfolio", "strategy")
WAVE_PACKAGES = {
    "indicators": omega_indicators,
    "execution": omega_execution,
    "portfolio": omega_portfolio,
}
"""The packages of the waves other than omega-strategy itself."""


def wave_calls() -> dict[str, dict[str, int]]:
    """Every wave's call counters (``backend_calls()``), by wave."""
    calls = {
        wave: {str(k): int(v) for k, v in module.backend_calls().items()}
        for wave, module in WAVE_PACKAGES.items()
    }
    calls["strategy"] = {str(k): int(v) for k, v in STATE.calls().items()}
    return calls


def _grew(before: Mapping[str, int], after: Mapping[str, int]) -> str:
    grew = [b for b in ("rust", "python") if after.get(b, 0) > before.get(b, 0)]
    return "+".join(grew) if grew else "none"


def measured_backends(
    before: Mapping[str, Mapping[str, int]],
    after: Mapping[str, Mapping[str, int]],
    loop: str,
    counts: Mapping[str, int],
) -> dict[str, str]:
    """Which backend served each wave between two :func:`wave_calls` snapshots of a run of
    ``loop`` (``"rust"`` or ``"python"``) that reported ``counts`` (module docs)."""
    served = {wave: _grew(before[wave], after[wave]) for wave in WAVES}
    if loop == "rust":
        if served["strategy"] != "rust":
            raise RuntimeError(
                "omega-strategy: the run reported the Rust loop but omega-strategy's Rust call "
                f"counter did not move (served: {served['strategy']})"
            )
        for wave in ("indicators", "execution", "portfolio"):
            if served[wave] == "none":
                served[wave] = "rust" if counts.get(wave, 0) > 0 else "none"
    elif served["portfolio"] == "none" and omega_portfolio.backend() == omega_execution.backend():
        served["portfolio"] = served["execution"]
    return served
