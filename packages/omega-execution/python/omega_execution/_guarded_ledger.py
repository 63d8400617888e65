"""The user's portfolio implementation, guarded, when the simulator writes into it.

With the execution and portfolio waves on different backends the simulator writes into the
portfolio's own implementation (``docs/portfolio_sharing.md``), so the portfolio object keeps
reading it, but its writes must still respect the simulator's rules, as in the same-backend
case: ``register_exit`` refuses a position the simulator manages, ``register_entry`` an id it
gave out (and later simulator ids continue after the entry's), ``add_symbol`` reaches the
simulator too. Those three go through the simulator's ``LedgerView`` (Rust or Python), whose
guarded writes land in that same implementation; every other member is the implementation's.
"""

from __future__ import annotations

from typing import Any

from ._python.ledger import Ledger


class GuardedLedger:
    """``own`` (a portfolio implementation the simulator writes into) with the entries, exits
    and symbols of its users going through ``view`` (the simulator's ``LedgerView``)."""

    def __init__(self, own: Ledger, view: Any) -> None:
        self.own = own
        # Bound once: the guarded writes cost what the view's do.
        self.add_symbol: Any = view.add_symbol
        self.register_entry: Any = view.register_entry
        self.register_exit: Any = view.register_exit

    def __getattr__(self, name: str) -> Any:
        return getattr(self.own, name)
