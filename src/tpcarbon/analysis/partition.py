"""Night-time partitioning of tower NEE into ecosystem respiration and GPP (Reichstein et al. 2005, reduced).

Used by site mode when the flux file carries NEE but no partitioned GPP (e.g. the europe-fluxdata
ETC L2 files such as FR-Hes 2016), so that model GPP can be compared with a tower estimate.

Method (the night-time approach of Reichstein et al. 2005, *Glob. Change Biol.* 11, 1424, with two
simplifications named below):

1. Night records: incoming shortwave < 10 W m⁻² and NEE finite. At night NEE = R_eco.
2. Lloyd & Taylor (1994) respiration,

   .. math:: R_{eco}(T) = r_b \\exp\\left[E_0\\left(\\frac{1}{T_{ref} - T_0} - \\frac{1}{T - T_0}\\right)\\right]

   with T_ref = 288.15 K, T_0 = 227.13 K, T the air temperature [K], E_0 [K] and r_b
   [µmol m⁻² s⁻¹] the reference respiration at 15 °C.
3. E_0 from all night records of the period: one E_0 with a separate r_b in each consecutive
   ``window_days`` block, by least squares over a grid of E_0 in [30, 450] K with the r_b solved
   linearly for each E_0 (Reichstein fits E_0 per 15-day window and averages the three best —
   **simplification 1**).
4. r_b in centred ``window_days`` windows (default 15 days, stepped daily) by linear least squares
   with E_0 fixed; windows with fewer than ``min_night`` night records are interpolated in time.
5. R_eco from r_b(t) and T; GPP = R_eco − NEE, and 0 at night (both only where NEE is valid).

**Simplification 2**: no u* filtering (the L2 files carry USTAR, but the threshold estimation is
not implemented); night NEE under low turbulence underestimates R_eco, so GPP is biased low by
a few percent to ~10 % (Papale et al. 2006). The site report names the partitioning.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

T_REF = 288.15     # K, reference temperature of r_b (15 °C)
T_0 = 227.13       # K, Lloyd & Taylor (1994)
NIGHT_SW = 10.0    # W m-2, night threshold on incoming shortwave


def lloyd_taylor(temp_k: NDArray[np.float64] | float, rb: NDArray[np.float64] | float,
                 e0: float) -> NDArray[np.float64]:
    """Lloyd & Taylor (1994) respiration R = r_b exp[E_0 (1/(T_ref − T_0) − 1/(T − T_0))].

    Parameters
    ----------
    temp_k : array_like
        Air temperature [K].
    rb : array_like
        Respiration at T_ref = 15 °C [µmol m-2 s-1].
    e0 : float
        Activation-energy-like parameter [K].

    Returns
    -------
    ndarray
        Respiration [µmol m-2 s-1].

    Examples
    --------
    >>> round(float(lloyd_taylor(288.15, 2.0, 200.0)), 12)
    2.0
    >>> round(float(lloyd_taylor(298.15, 1.0, 309.0)), 4)   # Q10 ≈ 2.04 between 15 and 25 °C
    2.0402
    """
    t = np.asarray(temp_k, dtype=np.float64)
    return np.asarray(rb, dtype=np.float64) * np.exp(e0 * (1.0 / (T_REF - T_0) - 1.0 / (t - T_0)))


def _rb_linear(nee: NDArray[np.float64], f: NDArray[np.float64]) -> float:
    """Least-squares r_b of nee ≈ r_b f (no intercept)."""
    den = float(np.dot(f, f))
    return float(np.dot(nee, f) / den) if den > 0 else np.nan


def fit_e0(temp_k: NDArray[np.float64], nee_night: NDArray[np.float64],
           groups: NDArray[np.int64] | None = None) -> float:
    """E_0 [K] minimising Σ (NEE − r_b,g f(T; E_0))² over a 1-K grid in [30, 450].

    For each E_0 the reference respiration r_b,g is solved linearly in each group g (e.g. 15-day
    windows), so a seasonal drift of r_b that is correlated with temperature does not leak into
    E_0 (the reason Reichstein et al. fit E_0 in short windows). ``groups=None``: one r_b.
    """
    g = np.zeros(nee_night.size, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    g = np.unique(g, return_inverse=True)[1]
    best, best_e0 = np.inf, np.nan
    for e0 in np.arange(30.0, 450.0 + 0.5, 1.0):
        f = lloyd_taylor(temp_k, 1.0, e0)
        ff = np.bincount(g, f * f)
        rb = np.where(ff > 0, np.bincount(g, nee_night * f) / np.where(ff > 0, ff, 1.0), 0.0)
        sse = float(np.sum((nee_night - rb[g] * f) ** 2))
        if sse < best:
            best, best_e0 = sse, float(e0)
    return best_e0


def partition_nighttime(time: NDArray[np.datetime64], nee: NDArray[np.float64], temp_k: NDArray[np.float64],
                        swin: NDArray[np.float64], window_days: int = 15, min_night: int = 6
                        ) -> tuple[NDArray[np.float64], NDArray[np.float64], dict]:
    """Partition NEE into R_eco and GPP by the night-time method (module docstring).

    Parameters
    ----------
    time : ndarray of datetime64, shape (nt,)
        Record times.
    nee : ndarray, shape (nt,)
        Observed NEE [µmol m-2 s-1], positive = source; NaN where missing.
    temp_k : ndarray, shape (nt,)
        Air temperature [K] (gap-filled).
    swin : ndarray, shape (nt,)
        Incoming shortwave [W m-2].
    window_days : int
        Width of the r_b windows [days].
    min_night : int
        Fewest night records for a window's r_b.

    Returns
    -------
    (ndarray, ndarray, dict)
        R_eco and GPP [µmol m-2 s-1] (both NaN where NEE is missing),
        and ``{"E0_K": ..., "n_night": ..., "windows_fitted": ..., "windows_interpolated": ...}``.

    Raises
    ------
    ValueError
        If there are fewer than ``min_night`` night records in all.
    """
    nee = np.asarray(nee, dtype=np.float64)
    temp_k = np.asarray(temp_k, dtype=np.float64)
    night = (np.asarray(swin) < NIGHT_SW) & np.isfinite(nee) & np.isfinite(temp_k)
    if night.sum() < min_night:
        raise ValueError(f"only {int(night.sum())} valid night-time NEE records; at least {min_night} needed")
    day = time.astype("datetime64[D]")
    days = np.unique(day)
    half = window_days / 2.0
    dnum = (day - days[0]).astype(np.int64)
    e0 = fit_e0(temp_k[night], nee[night], dnum[night] // window_days)
    f = lloyd_taylor(temp_k, 1.0, e0)
    centres = (days - days[0]).astype(np.int64)
    rb_day = np.full(days.size, np.nan)
    for k, c in enumerate(centres):
        sel = night & (np.abs(dnum - c) <= half)
        if sel.sum() >= min_night:
            rb_day[k] = _rb_linear(nee[sel], f[sel])
    ok = np.isfinite(rb_day)
    n_fit = int(ok.sum())
    rb_day = np.interp(centres, centres[ok], rb_day[ok])
    rb = rb_day[np.searchsorted(days, day)]
    reco = np.where(np.isfinite(nee), rb * f, np.nan)     # only where the tower measured
    gpp = np.where(np.isfinite(nee), reco - nee, np.nan)
    gpp = np.where(np.asarray(swin) < NIGHT_SW, np.where(np.isfinite(nee), 0.0, np.nan), gpp)
    info = {"E0_K": e0, "n_night": int(night.sum()), "windows_fitted": n_fit,
            "windows_interpolated": int(days.size - n_fit)}
    return reco, gpp, info
