"""Which backend serves omega-strategy: see ``_backend_select`` for the contract."""

from __future__ import annotations

from ._backend_select import Backend, BackendState

STATE = BackendState("strategy")


def backend() -> Backend:
    """Where calls go, ``"rust"`` or ``"python"``, per ``OMEGA_USE_RUST_STRATEGY``."""
    return STATE.backend()


def rust_available() -> bool:
    """True when the Rust extension imports and passes its self-check."""
    return STATE.rust_available()


def backend_calls() -> dict[Backend, int]:
    """Calls served so far by each backend, counted inside the backends themselves."""
    return STATE.calls()
