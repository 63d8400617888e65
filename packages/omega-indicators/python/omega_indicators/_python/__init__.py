"""Pure-Python (numpy) fallback of ``omega_indicators._rust``.

Exposes the same functions with the same names, parameters and defaults as the compiled
extension; each module mirrors the Rust file of the same name in
``rust/crates/omega-indicators/src/``. Every call made through this package counts as one call
served by the Python backend (``omega_indicators.backend_calls()``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from .._backend import STATE
from . import (
    atr as _atr,
)
from . import (
    batch as _batch,
)
from . import (
    bollinger as _bollinger,
)
from . import (
    choppiness as _choppiness,
)
from . import (
    dema as _dema,
)
from . import (
    dmi as _dmi,
)
from . import (
    ema as _ema,
)
from . import (
    garch_volatility as _garch_volatility,
)
from . import (
    garch_volatility_local as _garch_volatility_local,
)
from . import (
    htf_alignment as _htf_alignment,
)
from . import (
    kalman_garch_zscore as _kalman_garch_zscore,
)
from . import (
    kalman_mean as _kalman_mean,
)
from . import (
    kalman_zscore as _kalman_zscore,
)
from . import (
    macd as _macd,
)
from . import (
    momentum as _momentum,
)
from . import (
    ohlcv as _ohlcv,
)
from . import (
    roc as _roc,
)
from . import (
    rolling_std as _rolling_std,
)
from . import (
    rsi as _rsi,
)
from . import (
    sma as _sma,
)
from . import (
    stepwise as _stepwise,
)
from . import (
    tema as _tema,
)
from . import (
    true_range as _true_range,
)
from . import (
    vol_cluster as _vol_cluster,
)
from . import (
    zscore as _zscore,
)

P = ParamSpec("P")
R = TypeVar("R")


def _served(kernel: Callable[P, R]) -> Callable[P, R]:
    """``kernel``, counting each call as served by the Python backend."""

    @functools.wraps(kernel)
    def counted(*args: P.args, **kwargs: P.kwargs) -> R:
        STATE.python_calls.record()
        return kernel(*args, **kwargs)

    return counted


validate_ohlcv = _served(_ohlcv.validate_ohlcv)
compute_batch = _served(_batch.compute_batch)
primary_to_htf_index = _served(_htf_alignment.primary_to_htf_index)
sma = _served(_sma.sma)
ema = _served(_ema.ema)
dema = _served(_dema.dema)
tema = _served(_tema.tema)
rsi = _served(_rsi.rsi)
roc = _served(_roc.roc)
momentum = _served(_momentum.momentum)
rolling_std = _served(_rolling_std.rolling_std)
macd = _served(_macd.macd)
bollinger = _served(_bollinger.bollinger)
true_range = _served(_true_range.true_range)
atr = _served(_atr.atr)
dmi = _served(_dmi.dmi)
choppiness = _served(_choppiness.choppiness)
zscore = _served(_zscore.zscore)
kalman_mean = _served(_kalman_mean.kalman_mean)
kalman_zscore = _served(_kalman_zscore.kalman_zscore)
garch_volatility = _served(_garch_volatility.garch_volatility)
garch_volatility_local = _served(_garch_volatility_local.garch_volatility_local)
kalman_garch_zscore = _served(_kalman_garch_zscore.kalman_garch_zscore)
kalman_garch_zscore_local = _served(_kalman_garch_zscore.kalman_garch_zscore_local)
vol_cluster_series = _served(_vol_cluster.vol_cluster_series)
ema_stepwise = _served(_stepwise.ema_stepwise)
bollinger_stepwise = _served(_stepwise.bollinger_stepwise)
kalman_zscore_stepwise = _served(_stepwise.kalman_zscore_stepwise)
