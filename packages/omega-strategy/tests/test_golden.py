"""Golden file: the digest of the trades, equity curve and summary of a seeded 100k-bar
MeanReversionZScore run (every scenario, break-even and trailing on), committed.

Any change in any bit of a trade or of the summary fails this test, on the Rust loop and on the
Python loop with Python fallbacks. After a deliberate change of behaviour, regenerate and commit
the file (and say why in the commit):

    OMEGA_UPDATE_GOLDEN=1 pytest packages/omega-strategy/tests/test_golden.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

import omega_strategy as st
from omega_strategy.testing import execution_config, synthetic_data

GOLDEN = Path(__file__).parent / "golden" / "mean_reversion_100k.json"
N_BARS = 100_000
SEED = 2_026
INIT_ARGS = {"window_length": 80, "trailing_atr_mult": 2.5, "break_even_at_r": 0.8}


def _run() -> st.BacktestResult:
    data = synthetic_data(N_BARS, SEED, missing=0.001)
    return st.run_backtest(st.MeanReversionZScore(INIT_ARGS), data, execution_config())


def _record(result: st.BacktestResult) -> dict[str, object]:
    return {
        "bars": N_BARS,
        "seed": SEED,
        "init_args": INIT_ARGS,
        "digest": result.digest(),
        "trades": len(result.trades),
        "net_profit": result.summary["net_profit"],
        "reasons": result.trades["reason"].astype(str).value_counts().sort_index().to_dict(),
    }


@pytest.mark.parametrize("mode", ["rust", "python"])
def test_the_100k_bar_run_matches_the_golden_digest(
    mode: str, use_mode: Callable[[str], None]
) -> None:
    use_mode(mode)
    result = _run()
    assert result.loop == ("rust" if mode == "rust" else "python")
    record = _record(result)
    if os.environ.get("OMEGA_UPDATE_GOLDEN") == "1" and mode == "rust":
        GOLDEN.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert record == golden


def test_runs_are_deterministic(use_mode: Callable[[str], None]) -> None:
    use_mode("rust")
    assert _run().digest() == _run().digest()
