"""Ground surface energy balance: aerodynamic resistance, net radiation, sensible and latent heat.

CLM5 solves the canopy and ground energy balances together with Monin–Obukhov
stability (``CanopyFluxesMod.F90``, ``BareGroundFluxesMod.F90``). tpcarbon's reduced
scheme (named departures; spec §1.11, §6.5): leaf temperature = air temperature (no canopy
energy balance), neutral log-law aerodynamic resistance bounded to [5, 1000] s m-1, and an
under-canopy resistance from CLM's dense-canopy coefficient (Zeng et al. 2005). Expected
effect: ground temperature too warm in strongly stable winter nights and too cool on
unstable summer afternoons; ground heat flux phase and soil freeze–thaw timing are kept.
"""

from __future__ import annotations

import math

from tpcarbon.constants import CPAIR, EPS_H2O, STEFAN, VKC
from tpcarbon.params.fixed import CS_DENSE, RAH_MAX, RAH_MIN, WIND_MIN, Z_REF
from tpcarbon.physics import kernel
from tpcarbon.physics.atmosphere import calc_desat_dt, calc_esat


@kernel
def calc_friction_velocity(wind, z0m):
    """Neutral friction velocity from the log wind profile.

    .. math:: u_* = \\frac{k\\,\\max(u, 1)}{\\ln(z_{ref}/z_{0m})}

    Parameters
    ----------
    wind : float
        Wind speed at the reference height [m s-1].
    z0m : float
        Roughness length for momentum [m].

    Returns
    -------
    float
        u_* [m s-1].

    References
    ----------
    CLM5 ``FrictionVelocityMod.F90`` (neutral limit); departure: no stability functions.

    Examples
    --------
    >>> round(calc_friction_velocity(3.0, 0.01), 4)
    0.1737
    """
    return VKC * max(wind, WIND_MIN) / math.log(Z_REF / z0m)


@kernel
def calc_ground_resistance(wind, z0_ground, canopy_gap):
    """Resistance to heat and vapour transfer between the ground and the reference height.

    Bare ground: :math:`r_a = [\\ln(z_{ref}/z_0)]^2/(k^2 u)`; under a canopy an extra
    :math:`1/(C_{s,dense} u_*)` is added in proportion to the canopy cover 1 − W:

    .. math:: r_g = r_a + (1 - W)/(C_{s,dense}\\, u_*)

    Parameters
    ----------
    wind : float
        Wind speed [m s-1].
    z0_ground : float
        Ground (soil or snow) roughness [m].
    canopy_gap : float
        Gap fraction W = exp(−(L+S)) averaged over patches [-].

    Returns
    -------
    float
        r_g [s m-1], bounded to [5, 1000].

    References
    ----------
    CLM5 ``CanopyFluxesMod.F90`` (``csoilc``, Zeng et al. 2005) in a reduced, neutral form (departure).

    Examples
    --------
    >>> round(calc_ground_resistance(3.0, 0.01, 1.0), 2)
    99.41
    """
    u = max(wind, WIND_MIN)
    lz = math.log(Z_REF / z0_ground)
    ra = lz * lz / (VKC * VKC * u)
    ustar = calc_friction_velocity(u, z0_ground)
    rg = ra + (1.0 - canopy_gap) / (CS_DENSE * ustar)
    return min(max(rg, RAH_MIN), RAH_MAX)


@kernel
def calc_ground_energy(t_g, sw_abs, lw_down, emiss, t_air, q_air, pres, rho_air, r_g, beta, lat_heat):
    """Net heat flux into the ground surface and its derivative with surface temperature.

    .. math:: h = S_{abs} + \\epsilon L_\\downarrow - \\epsilon\\sigma T_g^4 - \\rho c_p\\frac{T_g - T_a}{r_g}
              - \\lambda\\beta\\rho\\frac{q_s(T_g) - q_a}{r_g}

    .. math:: \\frac{\\partial h}{\\partial T_g} = -4\\epsilon\\sigma T_g^3 - \\frac{\\rho c_p}{r_g}
              - \\lambda\\beta\\rho\\frac{\\partial q_s/\\partial T}{r_g}

    (no evaporation derivative when the flux is dew/frost limited by β = 0).

    Parameters
    ----------
    t_g : float
        Ground surface (top node) temperature [K].
    sw_abs : float
        Shortwave absorbed by the ground [W m-2].
    lw_down : float
        Longwave reaching the ground [W m-2].
    emiss : float
        Surface emissivity [-].
    t_air, q_air, pres, rho_air : float
        Air temperature [K], humidity [kg kg-1], pressure [Pa], density [kg m-3].
    r_g : float
        Ground resistance [s m-1].
    beta : float
        Evaporation efficiency [-] (1 for snow).
    lat_heat : float
        Latent heat of vaporisation or sublimation [J kg-1].

    Returns
    -------
    (float, float, float, float, float)
        h [W m-2], ∂h/∂T [W m-2 K-1], sensible heat H [W m-2], evaporation E [kg m-2 s-1],
        ∂E/∂T [kg m-2 s-1 K-1].

    References
    ----------
    CLM5 Tech Note ch. 5 (surface energy fluxes) in reduced form; spec §6.2 top boundary.

    Examples
    --------
    >>> [round(x, 3) for x in calc_ground_energy(275.0, 300.0, 250.0, 0.96, 273.15, 0.003, 60000.0, 0.76,
    ...                                          100.0, 0.5, 2.501e6)][:3]
    [174.002, -17.135, 14.125]
    """
    es = calc_esat(t_g)
    qs = EPS_H2O * es / (pres - (1.0 - EPS_H2O) * es)
    den = pres - (1.0 - EPS_H2O) * es
    dqs = EPS_H2O * pres / (den * den) * calc_desat_dt(t_g)
    t2 = t_g * t_g
    lw_up = emiss * STEFAN * t2 * t2
    h_sens = rho_air * CPAIR * (t_g - t_air) / r_g
    evap = beta * rho_air * (qs - q_air) / r_g
    devap = beta * rho_air * dqs / r_g
    if evap < 0.0:
        # dew / frost: not limited by soil moisture
        evap = rho_air * (qs - q_air) / r_g
        devap = rho_air * dqs / r_g
    h = sw_abs + emiss * lw_down - lw_up - h_sens - lat_heat * evap
    dh = -4.0 * emiss * STEFAN * t2 * t_g - rho_air * CPAIR / r_g - lat_heat * devap
    return h, dh, h_sens, evap, devap
