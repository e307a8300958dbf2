"""Phenology rates: onset and offset fluxes, background litterfall and transfer, growing-degree thresholds.

The phenological state machines (evergreen, seasonal-deciduous, stress-deciduous) that
switch flags and counters are in ``tpcarbon.model.vegetation``; this module holds the
pure rate formulas they use. Sources: spec §3.1-§3.4 (``CNPhenologyMod.F90``:
``CNOnsetGrowth``, ``CNOffsetLitterfall``, ``CNBackgroundLitterfall``,
``CNEvergreenPhenology``, ``CNSeasonDecidPhenology``, ``CNStressDecidPhenology``).
"""

from __future__ import annotations

import math

from tpcarbon.constants import DAYSPYR, SECSPDAY, TFRZ
from tpcarbon.params.fixed import CLM_DTIME, EVERGREEN_TRANR
from tpcarbon.physics import kernel


@kernel
def calc_gdd_crit(annavg_t2m, p1, p2):
    """Critical growing-degree days for seasonal-deciduous onset.

    .. math:: GDD_{crit} = \\exp(p_1 + p_2 (T_{ann} - T_f))

    Parameters
    ----------
    annavg_t2m : float
        Annual mean 2 m air temperature [K].
    p1, p2 : float
        ``gddfunc_p1`` = 4.8 [-], ``gddfunc_p2`` = 0.13 [K-1].

    Returns
    -------
    float
        GDD_crit [°C d].

    References
    ----------
    Spec §3.3; ``CNPhenologyMod.F90``.

    Examples
    --------
    >>> [round(calc_gdd_crit(t, 4.8, 0.13)) for t in (268.15, 271.15, 273.15, 276.15)]
    [63, 94, 122, 179]
    """
    return math.exp(p1 + p2 * (annavg_t2m - TFRZ))


@kernel
def calc_onset_flux(c_xfer, onset_counter, dt):
    """Transfer-to-display flux during leaf onset (linearly declining, drains the pool by the end).

    .. math:: F = C_{xfer}\\, r_{on},\\quad r_{on} = 2/t_{on} \\;(t_{on} > \\Delta t),\\; 1/\\Delta t \\;(\\text{last step})

    Parameters
    ----------
    c_xfer : float
        Transfer pool [g C m-2].
    onset_counter : float
        Seconds of onset remaining, including this step [s].
    dt : float
        Step [s].

    Returns
    -------
    float
        F [g C m-2 s-1].

    References
    ----------
    Spec §3.1; ``CNOnsetGrowth``; Tech Note eq. 20.13.

    Examples
    --------
    >>> calc_onset_flux(10.0, 100.0, 10.0), calc_onset_flux(10.0, 10.0, 10.0)
    (0.2, 1.0)
    """
    if onset_counter <= dt:
        return c_xfer / dt
    return c_xfer * 2.0 / onset_counter


@kernel
def calc_offset_litterfall(c_display, prev_flux, offset_counter, dt):
    """Display-to-litter flux during leaf (or fine-root) offset.

    .. math:: F^n = F^{n-1} + r_{off}(C - F^{n-1} t_{off}),\\quad r_{off} = 2\\Delta t/t_{off}^2;
              \\quad F = C/\\Delta t \\text{ on the last step}

    Parameters
    ----------
    c_display : float
        Displayed pool [g C m-2].
    prev_flux : float
        The flux of the previous step [g C m-2 s-1] (0 at offset start).
    offset_counter : float
        Seconds of offset remaining, including this step [s].
    dt : float
        Step [s].

    Returns
    -------
    float
        F [g C m-2 s-1], ≤ C/Δt.

    References
    ----------
    Spec §3.1; ``CNOffsetLitterfall``.

    Examples
    --------
    >>> round(calc_offset_litterfall(100.0, 0.0, 1000.0, 10.0), 4), calc_offset_litterfall(100.0, 5.0, 10.0, 10.0)
    (0.002, 10.0)
    """
    if offset_counter <= dt:
        return c_display / dt
    r_off = 2.0 * dt / (offset_counter * offset_counter)
    f = prev_flux + r_off * (c_display - prev_flux * offset_counter)
    return min(max(f, 0.0), c_display / dt)


@kernel
def calc_evergreen_rates(leaf_long):
    """Evergreen background litterfall rate and storage-to-transfer rate.

    .. math:: \\mathrm{bglfr} = \\frac{1}{\\tau_{leaf}\\cdot 365\\cdot 86400},\\qquad
              k_{tr} = 0.0002/1800\\ \\mathrm{s^{-1}}

    CLM moves 0.0002 of each storage pool per 1800-s step; tpcarbon converts that to a
    rate so the result does not depend on the time step (spec §3.2, §9.1).

    Parameters
    ----------
    leaf_long : float
        Leaf longevity [yr].

    Returns
    -------
    (float, float)
        bglfr [s-1], k_tr [s-1].

    References
    ----------
    Spec §3.2; ``CNEvergreenPhenology``.

    Examples
    --------
    >>> [float(f"{x:.4e}") for x in calc_evergreen_rates(3.30917)]
    [9.5824e-09, 1.1111e-07]
    """
    return 1.0 / (leaf_long * DAYSPYR * SECSPDAY), EVERGREEN_TRANR / CLM_DTIME


@kernel
def calc_long_growing_season(days_active, leaf_long):
    """Long-growing-season factor of stress-deciduous PFTs (evergreen-like turnover when unstressed).

    .. math:: \\mathrm{lgsf} = \\mathrm{clamp}\\left(\\frac{3(d_{active} - 365\\,\\tau_{leaf})}{365}, 0, 1\\right)

    Parameters
    ----------
    days_active : float
        Days since onset [d].
    leaf_long : float
        Leaf longevity [yr].

    Returns
    -------
    float
        lgsf [-].

    References
    ----------
    Spec §3.4 ([DOC≠CODE]: the code's ramp, not the Tech Note's).

    Examples
    --------
    >>> calc_long_growing_season(100.0, 0.320833), round(calc_long_growing_season(200.0, 0.320833), 4)
    (0.0, 0.6813)
    """
    x = 3.0 * (days_active - leaf_long * DAYSPYR) / DAYSPYR
    return min(max(x, 0.0), 1.0)
