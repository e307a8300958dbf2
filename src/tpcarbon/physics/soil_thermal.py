"""Soil and snow temperature: thermal properties, Crank–Nicolson heat conduction, freeze–thaw.

Sources: spec §6.2 (``SoilTemperatureMod.F90``, ``SoilStateInitTimeConstMod.F90``).
The column is an optional bulk snow node above NLEVGRND ground layers (CLM5: up to 12
snow layers; tpcarbon's one-node snowpack is a named departure, see ``snow.py``).
"""

from __future__ import annotations

import math

from tpcarbon.constants import (
    CPICE,
    CPLIQ,
    CSOL_BEDROCK,
    DENH2O,
    DENICE,
    GRAV,
    HFUS,
    TFRZ,
    TK_BEDROCK,
    TKAIR,
    TKICE,
    TKWAT,
)
from tpcarbon.params.fixed import (
    CN_WEIGHT,
    CSOL_CLAY,
    CSOL_OM,
    CSOL_SAND,
    CSOL_SCALE,
    JORDAN,
    KERSTEN_SR_MIN,
    TK_OM,
    TKDRY,
    TKDRY_OM,
    TKM_CLAY,
    TKM_SAND,
)
from tpcarbon.physics import kernel


@kernel
def calc_soil_solids(sand, clay, om_frac, watsat):
    """Thermal properties of the soil solids of a layer.

    .. math:: \\lambda_s = (1-f)\\frac{8.80\\,\\%sand + 2.92\\,\\%clay}{\\%sand + \\%clay} + 0.25 f,\\quad
              \\lambda_{dry} = (1-f)\\frac{0.135\\rho_d + 64.7}{2700 - 0.947\\rho_d} + 0.05 f,\\quad
              c_s = (1-f)\\frac{2.128\\,\\%sand + 2.385\\,\\%clay}{\\%sand + \\%clay}10^6 + 2.5\\times10^6 f

    with ρ_d = 2700 (1 − θ_sat).

    Parameters
    ----------
    sand, clay : float
        Texture [%].
    om_frac : float
        Organic fraction [-].
    watsat : float
        Porosity [m3 m-3].

    Returns
    -------
    (float, float, float)
        λ_s [W m-1 K-1], λ_dry [W m-1 K-1], c_s [J m-3 K-1].

    References
    ----------
    Spec §6.2; ``SoilStateInitTimeConstMod.F90`` l.389-425.

    Examples
    --------
    >>> [round(x, 4) for x in calc_soil_solids(40.0, 20.0, 0.0, 0.4386)]
    [6.84, 0.213, 2213666.6667]
    """
    f = min(max(om_frac, 0.0), 1.0)
    tks_min = (TKM_SAND * sand + TKM_CLAY * clay) / (sand + clay)
    bd = TKDRY[2] * (1.0 - watsat)
    tkd_min = (TKDRY[0] * bd + TKDRY[1]) / (TKDRY[2] - TKDRY[3] * bd)
    cs_min = (CSOL_SAND * sand + CSOL_CLAY * clay) / (sand + clay) * CSOL_SCALE
    return (1.0 - f) * tks_min + f * TK_OM, (1.0 - f) * tkd_min + f * TKDRY_OM, (1.0 - f) * cs_min + f * CSOL_OM


@kernel
def calc_soil_conductivity(tk, liq, ice, dz, watsat, tksol, tkdry):
    """Thermal conductivity of a soil layer (Johansen/Kersten as in CLM5).

    .. math:: S_r = \\frac{\\theta_{liq} + \\theta_{ice}}{\\theta_{sat}},\\quad
              K_e = \\max(0, \\log_{10} S_r + 1)\\,(T \\ge T_f),\\; S_r\\,(T < T_f),

    .. math:: \\lambda_{sat} = \\lambda_s^{1-\\theta_{sat}}\\lambda_{liq}^{\\theta_{sat} f_l}\\lambda_{ice}^{\\theta_{sat}(1-f_l)},\\quad
              \\lambda = K_e\\lambda_{sat} + (1 - K_e)\\lambda_{dry}

    Parameters
    ----------
    tk : float
        Layer temperature [K].
    liq, ice : float
        Liquid water and ice [kg m-2].
    dz : float
        Thickness [m].
    watsat, tksol, tkdry : float
        Porosity [m3 m-3], solid and dry conductivity [W m-1 K-1].

    Returns
    -------
    float
        λ [W m-1 K-1].

    References
    ----------
    Spec §6.2; ``SoilTemperatureMod.F90`` l.684-700.

    Examples
    --------
    >>> round(calc_soil_conductivity(283.15, 20.0, 0.0, 0.1, 0.4386, 6.84, 0.2262), 4)
    1.5928
    """
    vl = liq / (DENH2O * dz)
    vi = ice / (DENICE * dz)
    sr = min((vl + vi) / watsat, 1.0)
    if sr <= KERSTEN_SR_MIN:
        return tkdry
    fl = vl / (vl + vi)
    lam_sat = math.exp((1.0 - watsat) * math.log(tksol) + watsat * fl * math.log(TKWAT)
                       + watsat * (1.0 - fl) * math.log(TKICE))
    if tk >= TFRZ:
        ke = max(math.log(sr) / math.log(10.0) + 1.0, 0.0)
    else:
        ke = sr
    return ke * lam_sat + (1.0 - ke) * tkdry


@kernel
def calc_soil_heat_capacity(liq, ice, dz, watsat, csol):
    """Volumetric heat capacity of a soil layer.

    .. math:: c = c_s(1 - \\theta_{sat}) + \\frac{w_{ice}}{\\Delta z}C_{ice} + \\frac{w_{liq}}{\\Delta z}C_{liq}

    Parameters
    ----------
    liq, ice : float
        Liquid water and ice [kg m-2].
    dz : float
        Thickness [m].
    watsat, csol : float
        Porosity [m3 m-3] and solid heat capacity [J m-3 K-1].

    Returns
    -------
    float
        c [J m-3 K-1].

    References
    ----------
    Spec §6.2.

    Examples
    --------
    >>> round(calc_soil_heat_capacity(20.0, 10.0, 0.1, 0.4386, 2213666.67), 0)
    2292079.0
    """
    return csol * (1.0 - watsat) + (ice * CPICE + liq * CPLIQ) / dz


@kernel
def calc_bedrock_properties():
    """Thermal conductivity and heat capacity of bedrock layers.

    .. math:: \\lambda = 3\\ \\mathrm{W\\,m^{-1}\\,K^{-1}},\\quad c = 2\\times10^6\\ \\mathrm{J\\,m^{-3}\\,K^{-1}}

    Returns
    -------
    (float, float)
        λ [W m-1 K-1], c [J m-3 K-1].

    References
    ----------
    Spec §0 (``thk_bedrock``, ``csol_bedrock``), §6.1.

    Examples
    --------
    >>> calc_bedrock_properties()
    (3.0, 2000000.0)
    """
    return TK_BEDROCK, CSOL_BEDROCK


@kernel
def calc_snow_conductivity(rho_snow):
    """Snow thermal conductivity (Jordan 1991).

    .. math:: \\lambda = \\lambda_{air} + (7.75\\times10^{-5}\\rho + 1.105\\times10^{-6}\\rho^2)(\\lambda_{ice} - \\lambda_{air})

    Parameters
    ----------
    rho_snow : float
        Snow density [kg m-3].

    Returns
    -------
    float
        λ [W m-1 K-1].

    References
    ----------
    Spec §6.2; ``SoilTemperatureMod.F90``.

    Examples
    --------
    >>> round(calc_snow_conductivity(250.0), 4)
    0.2235
    """
    return TKAIR + (JORDAN[0] * rho_snow + JORDAN[1] * rho_snow * rho_snow) * (TKICE - TKAIR)


@kernel
def calc_supercooled_liquid_max(tk, dz, watsat, sucsat, bsw):
    """Maximum liquid water in a frozen layer (supercooled water, Niu & Yang 2006).

    .. math:: w_{liq,max} = \\Delta z\\,\\rho_w\\,\\theta_{sat}\\left[\\frac{10^3 L_f (T_f - T)}{g\\,T\\,\\psi_{sat}}\\right]^{-1/B}
              \\quad (T < T_f)

    Parameters
    ----------
    tk : float
        Temperature [K].
    dz : float
        Thickness [m].
    watsat, sucsat, bsw : float
        Porosity [m3 m-3], saturated suction [mm], B [-].

    Returns
    -------
    float
        w_liq,max [kg m-2] (the full pore volume at T ≥ T_f).

    References
    ----------
    Spec §6.2; ``SoilTemperatureMod.F90`` (phase change).

    Examples
    --------
    >>> round(calc_supercooled_liquid_max(268.15, 0.1, 0.45, 200.0, 6.0), 3)
    11.739
    """
    if tk >= TFRZ:
        return dz * DENH2O * watsat
    x = 1.0e3 * HFUS * (TFRZ - tk) / (GRAV * tk * sucsat)
    return dz * DENH2O * watsat * math.exp(-math.log(x) / bsw)


@kernel
def solve_heat_conduction(t, lam, cap, dz, z, zi_top, nnode, g0, dg0dt, dt, work):
    """Crank–Nicolson heat conduction with an implicit, linearised surface flux and zero flux at the base.

    For node j with heat flux F_{j+1/2} = λ_{j+1/2}(T_j − T_{j+1})/(z_{j+1} − z_j),

    .. math:: c_j\\Delta z_j\\frac{T_j^{n+1} - T_j^n}{\\Delta t} = \\alpha(F_{j-1/2} - F_{j+1/2})^{n+1}
              + (1-\\alpha)(F_{j-1/2} - F_{j+1/2})^n,\\quad F_{1/2} = h + \\frac{\\partial h}{\\partial T}(T_1^{n+1} - T_1^n)

    with interface conductivity
    :math:`\\lambda_{j+1/2} = \\frac{\\lambda_j\\lambda_{j+1}(z_{j+1}-z_j)}{\\lambda_j(z_{j+1}-z_{h,j}) + \\lambda_{j+1}(z_{h,j}-z_j)}`.

    Parameters
    ----------
    t : ndarray, shape (nnode,)
        Temperatures [K]; updated in place.
    lam, cap : ndarray, shape (nnode,)
        Node conductivity [W m-1 K-1] and volumetric heat capacity [J m-3 K-1].
    dz, z, zi_top : ndarray, shape (nnode,)
        Thickness, node depth, depth of the bottom interface of each node [m] (snow: negative depths).
    nnode : int
        Number of nodes.
    g0 : float
        Net heat flux into the top node at the old temperature h [W m-2].
    dg0dt : float
        ∂h/∂T_1 [W m-2 K-1] (≤ 0).
    dt : float
        Time step [s].
    work : ndarray, shape (5, nnode)
        Scratch space.

    Returns
    -------
    float
        Heat flux into the top node actually applied, h + ∂h/∂T ΔT_1 [W m-2].

    References
    ----------
    Spec §6.2; ``SoilTemperatureMod.F90`` (``SetRHSVec``, ``SetMatrix``); Tech Note eqs 6.9-6.20.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([270.0, 275.0, 280.0]); w = np.zeros((5, 3))
    >>> e0 = float((np.array([2e6, 2e6, 2e6]) * np.array([0.1, 0.2, 0.4]) * t).sum())
    >>> g = solve_heat_conduction(t, np.full(3, 1.0), np.full(3, 2e6), np.array([0.1, 0.2, 0.4]),
    ...                           np.array([0.05, 0.2, 0.5]), np.array([0.1, 0.3, 0.7]), 3, 10.0, -5.0, 3600.0, w)
    >>> e1 = float((np.array([2e6, 2e6, 2e6]) * np.array([0.1, 0.2, 0.4]) * t).sum())
    >>> abs(round((e1 - e0) / 3600.0 - g, 8))   # energy conserved
    0.0
    """
    lam_i = work[0]
    a = work[1]
    b = work[2]
    c = work[3]
    r = work[4]
    for j in range(nnode - 1):
        dzn = z[j + 1] - z[j]
        lam_i[j] = lam[j] * lam[j + 1] * dzn / (lam[j] * (z[j + 1] - zi_top[j]) + lam[j + 1] * (zi_top[j] - z[j]))
        lam_i[j] /= dzn  # conductance per unit area [W m-2 K-1]
    lam_i[nnode - 1] = 0.0
    al = CN_WEIGHT
    for j in range(nnode):
        fac = cap[j] * dz[j] / dt
        up = lam_i[j - 1] if j > 0 else 0.0
        dn = lam_i[j]
        a[j] = -al * up if j > 0 else 0.0
        c[j] = -al * dn
        b[j] = fac + al * (up + dn)
        flux_old = 0.0
        if j > 0:
            flux_old += up * (t[j - 1] - t[j])
        if j < nnode - 1:
            flux_old -= dn * (t[j] - t[j + 1])
        r[j] = fac * t[j] + (1.0 - al) * flux_old
        if j == 0:
            b[j] -= dg0dt
            r[j] += g0 - dg0dt * t[0]
    for j in range(1, nnode):
        m = a[j] / b[j - 1]
        b[j] -= m * c[j - 1]
        r[j] -= m * r[j - 1]
    t0_old = t[0]
    t[nnode - 1] = r[nnode - 1] / b[nnode - 1]
    for j in range(nnode - 2, -1, -1):
        t[j] = (r[j] - c[j] * t[j + 1]) / b[j]
    return g0 + dg0dt * (t[0] - t0_old)


@kernel
def calc_phase_change(tk, liq, ice, cap_dz, liq_max):
    """Freeze or thaw a layer after the temperature solve, conserving energy.

    Energy relative to freezing E = cΔz (T − T_f) [J m-2]. Melting (E > 0, ice > 0) converts
    min(E/L_f, ice); freezing (E < 0, liq > w_liq,max) converts min(−E/L_f, liq − w_liq,max);
    T is reset to T_f plus the unused energy.

    Parameters
    ----------
    tk : float
        Temperature after conduction [K].
    liq, ice : float
        Liquid and ice [kg m-2].
    cap_dz : float
        Heat capacity per area cΔz [J m-2 K-1].
    liq_max : float
        Maximum liquid water below freezing [kg m-2] (supercooled water).

    Returns
    -------
    (float, float, float)
        New T [K], liquid, ice [kg m-2].

    References
    ----------
    Spec §6.2 (phase change, ``SoilTemperatureMod.F90::PhaseChangeH2osfc``/``Phasechange_beta``).

    Examples
    --------
    >>> [round(x, 4) for x in calc_phase_change(272.15, 10.0, 0.0, 2.0e5, 2.0)]
    [273.15, 9.4007, 0.5993]
    """
    if tk > TFRZ and ice > 0.0:
        e = cap_dz * (tk - TFRZ)
        melt = min(e / HFUS, ice)
        return TFRZ + (e - melt * HFUS) / cap_dz, liq + melt, ice - melt
    if tk < TFRZ and liq > liq_max:
        e = cap_dz * (TFRZ - tk)
        frz = min(e / HFUS, liq - liq_max)
        return TFRZ - (e - frz * HFUS) / cap_dz, liq - frz, ice + frz
    return tk, liq, ice
