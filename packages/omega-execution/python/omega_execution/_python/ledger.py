"""Mirror of omega-portfolio's ``ledger.rs``: what the simulator writes into and reads from its
portfolio.

That is the interface both omega-portfolio implementations share (the Python fallback
``omega_portfolio._python.portfolio.Portfolio`` and the Rust ``omega_portfolio._rust.Portfolio``,
described once by omega-portfolio's ``_Impl`` protocol), so the Python simulator writes into
either: its own fallback portfolio when both waves run on Python, the Rust one when only
execution does (``docs/portfolio_sharing.md``). The batch APIs, which roll the portfolio back on
error, need the simulator's own Python ledger.
"""

from omega_portfolio.portfolio import _Impl as Ledger

__all__ = ["Ledger"]
