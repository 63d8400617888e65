"""The keyed ChaCha8 draw (R16): known answers shared with the Rust crate (``slippage.rs``), and
the same slips on both backends."""

from __future__ import annotations

import pytest
from execution_helpers import H, make

from omega_execution import RandomSlippage, TradeSignal
from omega_execution._backend_select import Backend
from omega_execution._python.slippage import FillKey, chacha8_first_u64, fnv1a64, uniform


def test_known_answers() -> None:
    assert chacha8_first_u64(bytes(range(32))) == 0x6AAB126E8FB21540
    assert chacha8_first_u64(bytes(32)) & 0xFFFFFFFF == 0x2FEF003E
    assert fnv1a64(b"") == 0xCBF29CE484222325
    assert fnv1a64(b"a") == 0xAF63DC4C8601EC8C
    assert fnv1a64(b"EURUSD") == 0xDB336730C1B60001
    key = FillKey(42, "EURUSD", 1_700_000_000_000_000, 7, True)
    assert uniform(key.seed_bytes()) == 0.5320676231349281
    assert uniform(FillKey(42, "EURUSD", 1_700_000_000_000_000, 7, False).seed_bytes()) == (
        0.09125214111853974
    )
    assert FillKey(0, "X", -5, 1, False).seed_bytes()[16:24] == (-5).to_bytes(
        8, "little", signed=True
    )


def test_random_slips_are_keyed_by_fill_not_by_order_of_calls(backend: Backend) -> None:
    def run(order: list[int]) -> dict[tuple[int, int], float]:
        sim = make(backend, slippage_model=RandomSlippage(3.0), seed=99)
        signals = {
            1: TradeSignal(10 * H, "long", "EURUSD", 1.1, 1.09),
            2: TradeSignal(10 * H, "short", "EURUSD", 1.1, 1.11),
        }
        # Ids follow processing order; slips depend on (seed, symbol, time, id, side) only.
        out: dict[tuple[int, int], float] = {}
        for which in order:
            pid = sim.process_signal(signals[which])
            out[(which, pid)] = sim.position(pid).entry_slippage
        return out

    a = run([1, 2])
    b = run([1, 2])
    assert a == b
    assert all(0.0 <= s < 3.0 * 0.0001 for s in a.values())
    assert len(set(a.values())) == 2
    c = run([2, 1])
    # Processing the short first swaps the ids, so every (id, side) key and every draw changes.
    assert set(c.values()).isdisjoint(set(a.values()))


@pytest.mark.parametrize("seed", [0, 1, 2**64 - 1])
def test_both_backends_draw_the_same_slips(seed: int) -> None:
    slips = {}
    for backend in ("rust", "python"):
        sim = make(backend, slippage_model=RandomSlippage(2.0), seed=seed)
        for i in range(20):
            sim.process_signal(
                TradeSignal(
                    (10 + i) * H,
                    "long" if i % 2 else "short",
                    "EURUSD",
                    1.1,
                    1.09 if i % 2 else 1.11,
                )
            )
        slips[backend] = [p.entry_slippage for p in sim.positions]
    assert slips["rust"] == slips["python"]
    assert len(set(slips["rust"])) == 20
