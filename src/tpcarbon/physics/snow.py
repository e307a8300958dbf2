"""Bulk snowpack: fresh-snow density, compaction, snow cover fraction.

CLM5 runs up to 12 snow layers with SNICAR albedo, liquid water in the pack and four
compaction processes (spec §6.4, ``SnowHydrologyMod.F90``). tpcarbon keeps one bulk snow
node (a named departure): the CLM/Anderson fresh-snow density, Jordan conductivity
(``soil_thermal.py``), an Anderson-type densification, melt from the energy balance, and
the snow depth that buries short vegetation (spec §4.5). Expected effect: a thick
multi-layer pack's internal temperature gradient is not resolved; soil insulation by
thin plateau snow (mostly < 20 cm) is captured.
"""

from __future__ import annotations

import math

from tpcarbon.constants import TFRZ
from tpcarbon.params.fixed import SNOW_COMPACT_TAU, SNOW_COMPACT_TFAC, SNOW_RHO_MAX, SNOW_RHO_NEW, SNOWCOV
from tpcarbon.physics import kernel


@kernel
def calc_fresh_snow_density(tk):
    """Density of new snow (Anderson 1976, as in CLM).

    .. math:: \\rho_{new} = 50 + 1.7\\,(T - T_f + 15)^{1.5}, \\text{ with } T - T_f \\text{ clamped to } [-15, 2]\\ \\mathrm{K}

    Parameters
    ----------
    tk : float
        Air temperature [K].

    Returns
    -------
    float
        ρ_new [kg m-3] (50 … 169.16).

    References
    ----------
    ``SnowHydrologyMod.F90::NewSnowBulkDensity`` (Anderson 1976); spec §6.4.

    Examples
    --------
    >>> round(calc_fresh_snow_density(263.15), 2), round(calc_fresh_snow_density(280.0), 2)
    (69.01, 169.16)
    """
    dtk = min(max(tk - TFRZ, -SNOW_RHO_NEW[2]), SNOW_RHO_NEW[3])
    return SNOW_RHO_NEW[0] + SNOW_RHO_NEW[1] * (dtk + SNOW_RHO_NEW[2]) ** 1.5


@kernel
def calc_snow_compaction(rho, tk_snow, dt):
    """Bulk densification toward ρ_max with an Anderson-type temperature factor.

    .. math:: \\rho^{n+1} = \\rho_{max} - (\\rho_{max} - \\rho^n)\\exp\\left(-\\frac{\\Delta t}{\\tau} e^{-0.04 (T_f - T)}\\right)

    Parameters
    ----------
    rho : float
        Snow density [kg m-3].
    tk_snow : float
        Snow temperature [K].
    dt : float
        Time step [s].

    Returns
    -------
    float
        New density [kg m-3].

    References
    ----------
    Anderson (1976) destructive metamorphism factor; reduced form of spec §6.4 (departure).

    Examples
    --------
    >>> round(calc_snow_compaction(100.0, 273.15, 864000.0), 2)
    258.03
    """
    rate = math.exp(-SNOW_COMPACT_TFAC * max(TFRZ - tk_snow, 0.0)) / SNOW_COMPACT_TAU
    return SNOW_RHO_MAX - (SNOW_RHO_MAX - rho) * math.exp(-rate * dt)


@kernel
def calc_snow_cover_fraction(snow_depth, rho_snow):
    """Fractional snow cover (Niu & Yang 2007).

    .. math:: f_{sno} = \\tanh\\left(\\frac{h}{2.5\\, z_{0g} (\\rho/100)}\\right),\\quad z_{0g} = 0.01\\ \\mathrm{m}

    Parameters
    ----------
    snow_depth : float
        Snow depth h [m].
    rho_snow : float
        Snow density [kg m-3].

    Returns
    -------
    float
        f_sno [-].

    References
    ----------
    Niu & Yang (2007) JGR 112:D21101 (CLM4.0); departure from CLM5's Swenson & Lawrence (2012).

    Examples
    --------
    >>> round(calc_snow_cover_fraction(0.05, 200.0), 4)
    0.7616
    """
    if snow_depth <= 0.0:
        return 0.0
    return math.tanh(snow_depth / (SNOWCOV[0] * SNOWCOV[1] * max(rho_snow, 1.0) / SNOWCOV[2]))
