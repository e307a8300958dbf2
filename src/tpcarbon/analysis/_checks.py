"""Argument checks shared by the analysis kernels (one-line ``InputError`` messages)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tpcarbon.errors import InputError


def _fail(variable: str, problem: str, fix: str) -> InputError:
    return InputError(None, problem, fix, variable=variable)


def _unbox(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return a 0-d array as a numpy scalar, anything else unchanged."""
    return a[()] if a.ndim == 0 else a


def _time_axis(t: ArrayLike | None, nt: int) -> NDArray[np.float64]:
    if t is None:
        return np.arange(nt, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (nt,):
        raise _fail("t", f"shape {t.shape} does not match the {nt} time steps of y",
                    f"give t with shape ({nt},)")
    if not np.all(np.isfinite(t)):
        raise _fail("t", "contains NaN or infinite values", "give finite times (e.g. years)")
    return t


def _series(y: ArrayLike, minimum: int = 3) -> NDArray[np.float64]:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 0 or y.shape[0] < minimum:
        raise _fail("y", f"needs at least {minimum} time steps along axis 0, got shape {y.shape}",
                    "pass a longer series with time as the first axis")
    return y



def _years(years: ArrayLike, nt: int | None = None) -> NDArray[np.int64]:
    yrs = np.asarray(years)
    if yrs.ndim != 1 or yrs.size == 0 or not np.all(np.isfinite(yrs)) or np.any(yrs != np.round(yrs)):
        raise _fail("years", "expected a 1-D array of whole years", "pass e.g. np.arange(1979, 2019)")
    yrs = yrs.astype(np.int64)
    if np.any(np.diff(yrs) <= 0):
        raise _fail("years", "years are not strictly increasing", "sort the series by year")
    if nt is not None and yrs.size != nt:
        raise _fail("years", f"{yrs.size} years for {nt} time steps", "give one year per time step")
    return yrs
