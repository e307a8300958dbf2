"""Vegetation structure from carbon pools: LAI, SAI, canopy height and snow burial.

Source: spec §4.5 (``CNVegStructUpdateMod.F90``).
"""

from __future__ import annotations

import math

from tpcarbon.params.fixed import (
    DWOOD,
    GRASS_BURIAL_DEPTH,
    GRASS_HBOT_MAX,
    GRASS_HBOT_OFFSET,
    GRASS_HTOP_MIN,
    GRASS_HTOP_PER_LAI,
    HTOP_MIN,
    STOCKING,
    TAPER_SHRUB,
    TAPER_TREE,
    TSAI_DECAY_TIME,
    TSAI_MIN,
    WOODY_HBOT_MAX,
    WOODY_HBOT_OFFSET,
)
from tpcarbon.physics import kernel


@kernel
def calc_lai(leafc, slatop, dsladlai):
    """Total projected leaf area index from leaf carbon.

    .. math:: L = s_{top}\\,\\frac{e^{C_{leaf} m} - 1}{m} \\;(m = dsladlai > 0),\\qquad L = s_{top} C_{leaf} \\;(m = 0)

    Parameters
    ----------
    leafc : float
        Displayed leaf carbon C_leaf [g C m-2].
    slatop : float
        Top-of-canopy specific leaf area [m2 g-1 C].
    dsladlai : float
        dSLA/dLAI m [m2 g-1 C].

    Returns
    -------
    float
        tlai [m2 m-2].

    References
    ----------
    Spec §4.5; ``CNVegStructUpdateMod.F90``; Tech Note eq. 2.2.

    Examples
    --------
    >>> round(calc_lai(50.0, 0.04024, 0.0), 3), round(calc_lai(200.0, 0.01, 0.001), 3)
    (2.012, 2.214)
    """
    if leafc <= 0.0:
        return 0.0
    if dsladlai > 0.0:
        return slatop * (math.exp(leafc * dsladlai) - 1.0) / dsladlai
    return slatop * leafc


@kernel
def calc_tsai(tsai_old, tlai_old, tlai_new, dt):
    """Stem area index: decays from the previous value, gains the LAI lost this step.

    .. math:: S = \\max(\\alpha S_{old} + \\max(L_{old} - L, 0),\\; S_{min}),\\quad \\alpha = 1 - 0.5\\,\\Delta t/2592000

    Parameters
    ----------
    tsai_old : float
        Previous stem area index [m2 m-2].
    tlai_old, tlai_new : float
        Previous and current LAI [m2 m-2].
    dt : float
        Time step [s].

    Returns
    -------
    float
        tsai [m2 m-2] (≥ 0.5).

    References
    ----------
    Spec §4.5.

    Examples
    --------
    >>> round(calc_tsai(1.0, 2.0, 1.5, 10800.0), 5)
    1.49792
    """
    alpha = 1.0 - 0.5 * dt / TSAI_DECAY_TIME
    return max(alpha * tsai_old + max(tlai_old - tlai_new, 0.0), TSAI_MIN)


@kernel
def calc_canopy_height(woody, shrub, deadstemc, tlai):
    """Canopy top and bottom heights.

    Woody: :math:`h_{top} = [3 C_{deadstem} \\tau^2/(\\pi n \\rho_w)]^{1/3}`, τ = 200 (trees) or 10 (shrubs),
    n = 0.1 stems m-2, ρ_w = 2.5e5 g C m-3, :math:`h_{bot} = \\max(0, \\min(3, h_{top} - 1))`.
    Grass: :math:`h_{top} = \\max(0.25, 0.25 L)`, :math:`h_{bot} = \\max(0, \\min(0.05, h_{top} - 0.20))`.

    Parameters
    ----------
    woody, shrub : float
        PFT flags (1/0).
    deadstemc : float
        Dead stem carbon [g C m-2] (× 10 during AD spin-up, by the caller).
    tlai : float
        Total LAI [m2 m-2].

    Returns
    -------
    (float, float)
        htop, hbot [m].

    References
    ----------
    Spec §4.5; ``CNVegStructUpdateMod.F90``; taper/stocking/dwood from ``pftconMod.F90``.

    Examples
    --------
    >>> [round(x, 3) for x in calc_canopy_height(1.0, 0.0, 5000.0, 3.0)]
    [19.695, 3.0]
    """
    if woody > 0.0:
        taper = TAPER_SHRUB if shrub > 0.0 else TAPER_TREE
        htop = (3.0 * max(deadstemc, 0.0) * taper * taper / (math.pi * STOCKING * DWOOD)) ** (1.0 / 3.0)
        htop = max(htop, HTOP_MIN)
        hbot = max(0.0, min(WOODY_HBOT_MAX, htop - WOODY_HBOT_OFFSET))
        return htop, hbot
    htop = max(GRASS_HTOP_MIN, GRASS_HTOP_PER_LAI * tlai)
    hbot = max(0.0, min(GRASS_HBOT_MAX, htop - GRASS_HBOT_OFFSET))
    return htop, hbot


@kernel
def calc_burial_fraction(woody, htop, hbot, snow_depth):
    """Fraction of the canopy above the snow (exposed), f_b.

    Woody: :math:`f_b = 1 - o_l/(h_{top} - h_{bot})`, :math:`o_l = \\min(\\max(z_{sno} - h_{bot}, 0), h_{top} - h_{bot})`;
    grass: :math:`f_b = 1 - \\min(z_{sno}, 0.2)/0.2` (20 cm of snow buries grass completely).

    Parameters
    ----------
    woody : float
        Woody flag (trees and shrubs).
    htop, hbot : float
        Canopy top and bottom [m].
    snow_depth : float
        Snow depth z_sno [m].

    Returns
    -------
    float
        f_b [-]; elai = tlai f_b, esai = tsai f_b.

    References
    ----------
    Spec §4.5; ``CNVegStructUpdateMod.F90``.

    Examples
    --------
    >>> calc_burial_fraction(0.0, 0.25, 0.05, 0.1), calc_burial_fraction(1.0, 10.0, 3.0, 0.5)
    (0.5, 1.0)
    """
    if woody > 0.0:
        depth = max(htop - hbot, 1.0e-6)
        ol = min(max(snow_depth - hbot, 0.0), depth)
        return 1.0 - ol / depth
    return 1.0 - min(snow_depth, GRASS_BURIAL_DEPTH) / GRASS_BURIAL_DEPTH
