"""Pure-Python implementation of omega-strategy: the strategy protocol, the reference
strategies and the event loop. Each module mirrors the Rust file of the same name in
``rust/crates/omega-strategy/src/``.
"""
