"""Argument conversion shared by every public entry point of omega-indicators.

Arrays: anything numpy can view as a 1-D array of floats or integers (lists, numpy arrays of
any float/int dtype or byte order, pandas Series, pyarrow arrays). The result is a C-contiguous
native ``float64`` array; it is the caller's own array, not a copy, when that already is one.
Inputs are never written to. Integers: Python ``int`` or numpy integer, never ``bool``/``float``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def as_float_array(name: str, values: Any) -> FloatArray:
    """``values`` as a 1-D C-contiguous native float64 array, or ``TypeError``/``ValueError``."""
    if isinstance(values, np.ndarray) and values.dtype == np.float64 and values.ndim == 1:
        array = values
    else:
        try:
            array = np.asarray(_nulls_as_nan(values))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name}: expected a 1-D float array-like, got {exc}") from None
        if array.dtype.kind not in "fiu":
            raise TypeError(
                f"{name}: expected a 1-D float array-like (float or integer dtype), "
                f"got dtype {array.dtype}"
            )
        if array.ndim != 1:
            raise ValueError(f"{name}: expected a 1-D array, got shape {array.shape}")
    if array.flags.c_contiguous and array.dtype.isnative and array.dtype == np.float64:
        return array
    return np.ascontiguousarray(array, dtype=np.float64)


def _nulls_as_nan(values: Any) -> Any:
    """pandas nullable and pyarrow inputs with missing values → float arrays with NaN."""
    module = type(values).__module__
    if module.startswith("pyarrow"):
        return values.to_numpy(zero_copy_only=False)
    if module.startswith("pandas") and hasattr(values, "to_numpy"):
        if getattr(values.dtype, "kind", "O") in "fiu":
            return values.to_numpy(dtype=np.float64, na_value=np.nan)
        return values.to_numpy()
    return values


def as_int(name: str, value: object) -> int:
    """``value`` as a Python int; ``TypeError`` naming ``name`` for bools, floats and others."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {type(value).__name__} {value!r}")
    return int(value)


def as_count(name: str, value: object) -> int:
    """A non-negative integer parameter (kernels check the indicator-specific bounds)."""
    number = as_int(name, value)
    if number < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {number}")
    return number


def as_float(name: str, value: object) -> float:
    """``value`` as a Python float; ``TypeError`` naming ``name`` for bools and non-numbers."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__} {value!r}")
    return float(value)
