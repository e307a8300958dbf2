"""Sink/source classes of NEP and their area shares.

Classes: NEP >= 50 strong sink, 0-50 weak sink, < 0 source [g C m-2 yr-1].
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from tpcarbon.analysis._checks import _fail
from tpcarbon.analysis.regional import area_weighted_mean

#: Lower bound of the strong-sink class, NEP [g C m-2 yr-1] (study, non-forest threshold).
STRONG_SINK_GC_M2_YR = 50.0
#: Lower bound of the weak-sink class, NEP [g C m-2 yr-1]; below it a cell is a source.
WEAK_SINK_GC_M2_YR = 0.0


def sink_classes(nep: ArrayLike, strong_gc_m2_yr: float = STRONG_SINK_GC_M2_YR,
                 weak_gc_m2_yr: float = WEAK_SINK_GC_M2_YR) -> NDArray[np.int8]:
    r"""Classify NEP into strong sink, weak sink and source.

    .. math::

        C = \begin{cases} 2 & \mathrm{NEP} \ge 50 \\ 1 & 0 \le \mathrm{NEP} < 50 \\
        0 & \mathrm{NEP} < 0 \\ -1 & \mathrm{NEP}\ \text{NaN} \end{cases}

    (the study's non-forest thresholds, g C m-2 yr-1).

    Parameters
    ----------
    nep : ndarray, any shape
        Net ecosystem productivity, e.g. the 1979-2018 mean per cell [g C m-2 yr-1].
    strong_gc_m2_yr : float, default 50
        Lower bound (inclusive) of the strong-sink class [g C m-2 yr-1].
    weak_gc_m2_yr : float, default 0
        Lower bound (inclusive) of the weak-sink class [g C m-2 yr-1].

    Returns
    -------
    ndarray of int8, shape of ``nep``
        2 strong sink, 1 weak sink, 0 source, -1 missing.

    Examples
    --------
    >>> sink_classes([75.0, 50.0, 49.9, 0.0, -0.1, np.nan]).tolist()
    [2, 2, 1, 1, 0, -1]
    """
    if not weak_gc_m2_yr < strong_gc_m2_yr:
        raise _fail("strong_gc_m2_yr", "the strong-sink bound is not above the weak-sink bound",
                    "use e.g. 50 and 0 g C m-2 yr-1")
    nep = np.asarray(nep, dtype=np.float64)
    cls = np.full(nep.shape, -1, dtype=np.int8)
    cls[nep < weak_gc_m2_yr] = 0
    cls[(nep >= weak_gc_m2_yr) & (nep < strong_gc_m2_yr)] = 1
    cls[nep >= strong_gc_m2_yr] = 2
    return cls


def class_area_shares(nep: ArrayLike, area: ArrayLike, **thresholds: float) -> dict[str, float]:
    r"""Shares of the valid area in the strong-sink, weak-sink and source classes.

    .. math::

        s_c = \frac{\sum_i A_i\,[C_i = c]}{\sum_i A_i\,[C_i \ge 0]}, \qquad \sum_c s_c = 1

    Parameters
    ----------
    nep : ndarray, shape (..., ncell)
        Net ecosystem productivity [g C m-2 yr-1]; NaN cells are left out.
    area : ndarray, shape (ncell,)
        Cell areas [m2].
    **thresholds : float
        ``strong_gc_m2_yr`` and ``weak_gc_m2_yr`` passed to :func:`sink_classes`.

    Returns
    -------
    dict
        ``{"strong_sink": s, "weak_sink": s, "source": s}`` as fractions [-] (floats for 1-D ``nep``,
        arrays of shape (...) otherwise; NaN where no cell is valid).

    Examples
    --------
    >>> class_area_shares([60.0, 10.0, -5.0, np.nan], [1.0, 2.0, 1.0, 4.0])
    {'strong_sink': 0.25, 'weak_sink': 0.5, 'source': 0.25}
    """
    cls = sink_classes(nep, **thresholds)
    out = {}
    for name, code in (("strong_sink", 2), ("weak_sink", 1), ("source", 0)):
        share = area_weighted_mean(np.where(cls >= 0, (cls == code).astype(np.float64), np.nan), area)
        out[name] = float(share) if np.ndim(share) == 0 else share
    return out


#: Names of the sink/source classes by code (``flag_meanings`` of :func:`sink_class_map`).
CLASS_NAMES = ("source", "weak_sink", "strong_sink")


def sink_class_map(nep: xr.DataArray, **thresholds: float) -> xr.DataArray:
    """Sink/source class of each pixel of a mean-NEP map (codes 0 source, 1 weak, 2 strong; NaN outside).

    Examples
    --------
    >>> sink_class_map(xr.DataArray([-3.0, 10.0, 80.0, np.nan], dims="cell")).values.tolist()
    [0.0, 1.0, 2.0, nan]
    """
    codes = sink_classes(nep.values, **thresholds).astype(np.float64)
    codes[~np.isfinite(nep.values)] = np.nan
    return xr.DataArray(codes, dims=nep.dims, coords=nep.coords, attrs={
        "long_name": "sink/source class of mean NEP (>= 50 strong sink, 0-50 weak sink, < 0 source g C m-2 yr-1)",
        "flag_values": np.array([0, 1, 2], dtype=np.int8), "flag_meanings": " ".join(CLASS_NAMES)})
