"""Near-surface atmosphere: saturation, vapour pressure deficit, rain/snow and shortwave partition.

Sources: CLM5 ``atm2lndMod.F90`` ``partition_precip`` (spec §6.3); CDEPS
``datm_datamode_clmncep_mod.F90`` shortwave split (spec §1.8); Murray (1967) saturation
vapour pressure (departure from CLM's Flatau et al. 1992 polynomials, < 0.3 %).
"""

from __future__ import annotations

import math

from tpcarbon.constants import EPS_H2O, RAIR, TFRZ
from tpcarbon.params.fixed import (
    DIRECT_FRAC_MAX,
    DIRECT_FRAC_MIN,
    DIRECT_NIR_POLY,
    DIRECT_VIS_POLY,
    ESAT_E0,
    ESAT_ICE,
    ESAT_WATER,
    RAIN_SNOW_T_ALL_RAIN,
    RAIN_SNOW_T_ALL_SNOW,
    SW_VIS_FRACTION,
)
from tpcarbon.physics import kernel


@kernel
def calc_esat(tk):
    """Saturation vapour pressure over water (T >= T_f) or ice (T < T_f).

    .. math:: e_s = 610.78\\,\\exp\\left(\\frac{a\\,(T - T_f)}{T - T_f + b}\\right)

    with (a, b) = (17.269, 237.3) over water and (21.875, 265.5) over ice.

    Parameters
    ----------
    tk : float
        Temperature T [K].

    Returns
    -------
    float
        e_s [Pa].

    References
    ----------
    Murray (1967), J. Appl. Meteorol. 6:203. Departure from CLM ``QSatMod.F90``.

    Examples
    --------
    >>> round(calc_esat(273.15), 2), round(calc_esat(298.15), 0)
    (610.78, 3167.0)
    """
    tc = tk - TFRZ
    if tc >= 0.0:
        return ESAT_E0 * math.exp(ESAT_WATER[0] * tc / (tc + ESAT_WATER[1]))
    return ESAT_E0 * math.exp(ESAT_ICE[0] * tc / (tc + ESAT_ICE[1]))


@kernel
def calc_desat_dt(tk):
    """Derivative of :func:`calc_esat` with temperature.

    .. math:: \\frac{de_s}{dT} = e_s \\frac{a\\,b}{(T - T_f + b)^2}

    Parameters
    ----------
    tk : float
        Temperature [K].

    Returns
    -------
    float
        de_s/dT [Pa K-1].

    References
    ----------
    Derivative of Murray (1967).

    Examples
    --------
    >>> round(calc_desat_dt(293.15), 1)
    144.7
    """
    return calc_esat_and_derivative(tk)[1]


@kernel
def calc_esat_and_derivative(tk):
    """:func:`calc_esat` and :func:`calc_desat_dt` with one exponential [Pa, Pa K-1].

    Examples
    --------
    >>> [round(x, 1) for x in calc_esat_and_derivative(293.15)]
    [2338.1, 144.7]
    """
    es = calc_esat(tk)
    tc = tk - TFRZ
    if tc >= 0.0:
        a, b = ESAT_WATER
    else:
        a, b = ESAT_ICE
    return es, es * a * b / (tc + b) ** 2


@kernel
def calc_qsat(tk, pres):
    """Saturation specific humidity.

    .. math:: q_s = \\frac{\\epsilon e_s}{p - (1-\\epsilon) e_s}

    Parameters
    ----------
    tk : float
        Temperature [K].
    pres : float
        Air pressure p [Pa].

    Returns
    -------
    float
        q_s [kg kg-1].

    References
    ----------
    CLM5 ``QSatMod.F90`` (same definition, different e_s fit).

    Examples
    --------
    >>> round(calc_qsat(288.15, 101325.0), 5)
    0.01053
    """
    es = calc_esat(tk)
    return EPS_H2O * es / (pres - (1.0 - EPS_H2O) * es)


@kernel
def calc_vapour_pressure(shum, pres):
    """Vapour pressure from specific humidity.

    .. math:: e = \\frac{q\\,p}{\\epsilon + (1-\\epsilon) q}

    Parameters
    ----------
    shum : float
        Specific humidity q [kg kg-1].
    pres : float
        Pressure p [Pa].

    Returns
    -------
    float
        e [Pa].

    References
    ----------
    CLM5 ``CanopyFluxesMod.F90`` (e_a = p q / 0.622 to first order; spec §1.1).

    Examples
    --------
    >>> round(calc_vapour_pressure(0.005, 60000.0), 1)
    480.9
    """
    return shum * pres / (EPS_H2O + (1.0 - EPS_H2O) * shum)


@kernel
def calc_vpd(tk, shum, pres):
    """Vapour pressure deficit of the air.

    .. math:: D = \\max(e_s(T) - e, 0)

    Parameters
    ----------
    tk : float
        Air temperature [K].
    shum : float
        Specific humidity [kg kg-1].
    pres : float
        Pressure [Pa].

    Returns
    -------
    float
        D [Pa].

    References
    ----------
    Spec §1.9 (Medlyn D uses canopy-air vapour pressure).

    Examples
    --------
    >>> round(calc_vpd(293.15, 0.005, 80000.0), 0)
    1697.0
    """
    return max(calc_esat(tk) - calc_vapour_pressure(shum, pres), 0.0)


@kernel
def calc_air_density(tk, shum, pres):
    """Density of moist air.

    .. math:: \\rho = \\frac{p - 0.378 e}{R_d T}

    Parameters
    ----------
    tk : float
        Temperature [K].
    shum : float
        Specific humidity [kg kg-1].
    pres : float
        Pressure [Pa].

    Returns
    -------
    float
        ρ [kg m-3].

    References
    ----------
    CDEPS datm ``Sa_dens`` (spec §7.1).

    Examples
    --------
    >>> round(calc_air_density(273.15, 0.0, 101325.0), 3)
    1.292
    """
    e = calc_vapour_pressure(shum, pres)
    return (pres - (1.0 - EPS_H2O) * e) / (RAIR * tk)


@kernel
def calc_snow_fraction(tk):
    """Fraction of precipitation falling as snow (CLM5 ``repartition_rain_snow``).

    .. math:: f_{snow} = \\mathrm{clamp}\\left(\\frac{T_f + 2 - T}{2}, 0, 1\\right)

    Parameters
    ----------
    tk : float
        Air temperature [K].

    Returns
    -------
    float
        Snow fraction [-].

    References
    ----------
    ``atm2lndMod.F90`` ``partition_precip`` (spec §6.3).

    Examples
    --------
    >>> calc_snow_fraction(272.0), calc_snow_fraction(274.15), calc_snow_fraction(276.0)
    (1.0, 0.5, 0.0)
    """
    t_snow = TFRZ + RAIN_SNOW_T_ALL_SNOW
    t_rain = TFRZ + RAIN_SNOW_T_ALL_RAIN
    f = (t_rain - tk) / (t_rain - t_snow)
    return min(max(f, 0.0), 1.0)


@kernel
def calc_direct_fractions(swdown):
    """Direct-beam fractions of visible and near-infrared incident shortwave (DATM polynomials).

    .. math:: r = \\mathrm{clamp}(c_0 + c_1 s + c_2 s^2 + c_3 s^3, 0.01, 0.99),\\quad s = 0.5\\,SW_\\downarrow

    Parameters
    ----------
    swdown : float
        Incident shortwave SW↓ [W m-2].

    Returns
    -------
    (float, float)
        Direct fraction of the visible band r_v and of the near-infrared band r_n [-].

    References
    ----------
    CDEPS ``datm_datamode_clmncep_mod.F90`` (spec §1.8).

    Examples
    --------
    >>> [round(x, 4) for x in calc_direct_fractions(600.0)]
    [0.7257, 0.8631]
    """
    s = SW_VIS_FRACTION * swdown
    cv = DIRECT_VIS_POLY
    cn = DIRECT_NIR_POLY
    rv = cv[0] + s * (cv[1] + s * (cv[2] + s * cv[3]))
    rn = cn[0] + s * (cn[1] + s * (cn[2] + s * cn[3]))
    rv = min(max(rv, DIRECT_FRAC_MIN), DIRECT_FRAC_MAX)
    rn = min(max(rn, DIRECT_FRAC_MIN), DIRECT_FRAC_MAX)
    return rv, rn
