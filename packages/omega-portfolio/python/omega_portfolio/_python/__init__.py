"""Pure-Python fallback of omega-portfolio.

One module per module of the Rust core crate (``rust/crates/omega-portfolio/src``) plus mirrors
of the ``omega-core`` pieces it uses (``errors``, ``direction``, ``symbol_spec``). Every
floating-point operation is the one the Rust code performs, in the same order, so both
backends give bit-identical numbers; validation happens in the same order with the same
messages.
"""
