"""Pure-Python fallback of omega-execution.

One module per module of the Rust core crate (``rust/crates/omega-execution/src``): ``signal``,
``candle``, ``path``, ``pending``, ``exits``, ``sizing``, ``slippage`` (with a bit-exact ChaCha8
in place of the ``rand_chacha`` crate), ``fees``, ``config``, ``position``, ``simulator``,
``batch``; plus ``errors`` (the text of ``omega_core::OmegaError``). Every floating-point
operation is the one the Rust code performs, in the same order, so both backends give
bit-identical fills; validation happens in the same order with the same messages.

The simulator writes into the pure-Python fallback of omega-portfolio
(``omega_portfolio._python.portfolio.Portfolio``).
"""
