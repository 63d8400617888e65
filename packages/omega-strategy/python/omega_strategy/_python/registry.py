"""The strategies this package implements, by name; mirror of ``src/registry.rs``."""

from __future__ import annotations

from .mean_reversion_z_score import MeanReversionZScore
from .signal_strategy import SignalStrategy
from .strategy import BaseStrategy

REGISTRY: dict[str, type[BaseStrategy]] = {
    "MeanReversionZScore": MeanReversionZScore,
    "SignalStrategy": SignalStrategy,
}


def names() -> list[str]:
    """Names of the registered strategies (the class names)."""
    return list(REGISTRY)


def strategy_class(name: str) -> type[BaseStrategy]:
    """The class registered as ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"strategy: expected one of the strategies {', '.join(REGISTRY)}, got '{name}'"
        ) from None
