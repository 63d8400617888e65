"""Mirror of ``slippage.rs``: slippage models and the keyed ChaCha8 draw (R16).

``rand_chacha`` 0.10's ``ChaCha8Rng::from_seed(seed)`` is reimplemented bit for bit: the
32-byte seed is the ChaCha key (eight little-endian words), the 64-bit block counter and the
stream id start at zero, and ``next_u64`` is ``word1 << 32 | word0`` of the first block.
"""

from __future__ import annotations

import math
import struct
from typing import Literal, NamedTuple

from .errors import invalid_value

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF
_SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)  # "expand 32-byte k"

SlippageKind = Literal["none", "fixed", "random"]


class SlippageModel(NamedTuple):
    """``("none", 0)``, ``("fixed", pips)`` or ``("random", max_pips)``."""

    kind: SlippageKind
    pips: float

    def validate(self) -> None:
        """The parameter is finite and >= 0."""
        if self.kind == "none":
            return
        name = "slippage_model.pips" if self.kind == "fixed" else "slippage_model.max_pips"
        if not (math.isfinite(self.pips) and self.pips >= 0.0):
            raise invalid_value(name, "a finite number of pips >= 0", self.pips)

    def slip(self, pip_size: float, key: FillKey) -> float:
        """The slip (>= 0, price units) of one fill."""
        if self.kind == "none":
            return 0.0
        if self.kind == "fixed":
            return self.pips * pip_size
        return uniform(key.seed_bytes()) * self.pips * pip_size


class FillKey(NamedTuple):
    """What identifies one fill for the random generator."""

    seed: int
    symbol: str
    timestamp_us: int
    position_id: int
    buys: bool

    def seed_bytes(self) -> bytes:
        """Little-endian ``seed``, ``fnv1a64(symbol)``, ``timestamp_us``, ``2·id + side``."""
        return struct.pack(
            "<4Q",
            self.seed & _M64,
            fnv1a64(self.symbol.encode()),
            self.timestamp_us & _M64,
            (self.position_id * 2 + int(self.buys)) & _M64,
        )


def fnv1a64(data: bytes) -> int:
    """FNV-1a 64-bit hash."""
    h = FNV_OFFSET
    for byte in data:
        h ^= byte
        h = (h * FNV_PRIME) & _M64
    return h


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & _M32


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & _M32
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & _M32
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & _M32
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & _M32
    s[b] = _rotl(s[b] ^ s[c], 7)


def chacha8_first_u64(seed: bytes) -> int:
    """``ChaCha8Rng::from_seed(seed).next_u64()``."""
    key: tuple[int, ...] = struct.unpack("<8I", seed)
    initial: list[int] = [*_SIGMA, *key, 0, 0, 0, 0]
    s = list(initial)
    for _ in range(4):  # 8 rounds = 4 double rounds
        _quarter(s, 0, 4, 8, 12)
        _quarter(s, 1, 5, 9, 13)
        _quarter(s, 2, 6, 10, 14)
        _quarter(s, 3, 7, 11, 15)
        _quarter(s, 0, 5, 10, 15)
        _quarter(s, 1, 6, 11, 12)
        _quarter(s, 2, 7, 8, 13)
        _quarter(s, 3, 4, 9, 14)
    w0 = (s[0] + initial[0]) & _M32
    w1 = (s[1] + initial[1]) & _M32
    return (w1 << 32) | w0


def uniform(seed: bytes) -> float:
    """A uniform number in [0, 1): the top 53 bits of the first draw, times 2^-53."""
    return float(chacha8_first_u64(seed) >> 11) * (1.0 / 9007199254740992.0)
