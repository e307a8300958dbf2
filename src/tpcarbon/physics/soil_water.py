"""Soil water: hydraulic properties, matric potential, btran water stress, and the water column solve.

Sources: spec §6.3 (``SoilStateInitTimeConstMod.F90``, ``SoilWaterMovementMod.F90``),
spec §1.10 (``SoilMoistStressMod.F90::calc_root_moist_stress_clm45default``), spec §5.4
(``HydrologyNoDrainageMod.F90`` soilpsi).

The water column is a linearised implicit Richards solve over the NLEVSOI layers above
bedrock (CLM5: adaptive sub-stepped Richards, ``soilwater_movement_method = 1``). Two
named departures: the bottom boundary is free (gravity) drainage scaled by the ice
impedance, where CLM5 has zero flux at bedrock plus TOPMODEL baseflow (effect: no perched
water table; wetter deep layers in CLM5 on flat terrain); runoff uses a saturated
fraction of the surface instead of CLM's water-table based f_sat.
"""

from __future__ import annotations

import math

from tpcarbon.constants import DENH2O, DENICE, GRAV, MM_PER_M, MPA_PER_MM, RWV, TFRZ
from tpcarbon.params.fixed import (
    BSW_MIN,
    BSW_OM,
    FSAT_MAX,
    HKSAT_MIN,
    HKSAT_OM,
    ICE_IMPEDANCE,
    PC_BETA,
    PC_THRESHOLD,
    SOIL_SMPMIN,
    SOIL_SURF_SAT_MIN,
    SOILPSI_MIN_MPA,
    SOILPSI_SAT_FLOOR,
    SUCSAT_MIN,
    SUCSAT_OM,
    WATMIN_VOL,
    WATSAT_MIN,
    WATSAT_OM,
    ZSAPRIC,
)
from tpcarbon.physics import kernel

#: Lowest matric potential used in the water solve [mm] (CLM ``smpmin`` = −1e8 mm).
_SMP_MIN = -1.0e8
#: Relative saturation floor of the matric-potential computation (CLM: max(s, 0.01)).
_S_FLOOR = 0.01


@kernel
def calc_hydraulic_properties(sand, clay, om_frac, zdepth):
    """Soil hydraulic properties of a layer: mineral Clapp–Hornberger/Cosby mixed with organic soil.

    .. math:: \\theta_{sat} = (1-f)(0.489 - 0.00126\\,\\%sand) + f\\max(0.93 - 0.1 z/z_s, 0.83)

    .. math:: B = (1-f)(2.91 + 0.159\\,\\%clay) + f\\min(2.7 + 9.3 z/z_s, 12)

    .. math:: \\psi_{sat} = (1-f)\\,10\\cdot10^{1.88 - 0.0131\\,\\%sand} + f\\min(10.3 - 0.2 z/z_s, 10.1)

    k_sat combines mineral k_sat,min = 0.0070556·10^(−0.884 + 0.0153 %sand) and organic
    k_sat,om = max(0.28 − 0.2799 z/z_s, k_sat,min) with CLM's percolation-theory mixing
    (threshold 0.5, β = 0.139).

    Parameters
    ----------
    sand, clay : float
        Texture [%].
    om_frac : float
        Organic matter fraction f = ρ_om/ρ_om,max (≤ 1) [-].
    zdepth : float
        Node depth z [m] (z_s = zsapric = 0.5 m).

    Returns
    -------
    (float, float, float, float)
        θ_sat [m3 m-3], B [-], ψ_sat [mm] (suction, positive), k_sat [mm s-1].

    References
    ----------
    Spec §6.3; ``SoilStateInitTimeConstMod.F90``; Cosby et al. (1984); Lawrence & Slater (2008).

    Examples
    --------
    >>> [round(x, 5) for x in calc_hydraulic_properties(40.0, 20.0, 0.0, 0.1)]
    [0.4386, 6.09, 226.98649, 0.00377]
    """
    f = min(max(om_frac, 0.0), 1.0)
    zr = zdepth / ZSAPRIC
    ws_min = WATSAT_MIN[0] + WATSAT_MIN[1] * sand
    b_min = BSW_MIN[0] + BSW_MIN[1] * clay
    psi_min = SUCSAT_MIN[0] * 10.0 ** (SUCSAT_MIN[1] + SUCSAT_MIN[2] * sand)
    k_min = HKSAT_MIN[0] * 10.0 ** (HKSAT_MIN[1] + HKSAT_MIN[2] * sand)
    ws_om = max(WATSAT_OM[0] + WATSAT_OM[1] * zr, WATSAT_OM[2])
    b_om = min(BSW_OM[0] + BSW_OM[1] * zr, BSW_OM[2])
    psi_om = min(SUCSAT_OM[0] + SUCSAT_OM[1] * zr, SUCSAT_OM[2])
    k_om = max(HKSAT_OM[0] + HKSAT_OM[1] * zr, k_min)
    watsat = (1.0 - f) * ws_min + f * ws_om
    bsw = (1.0 - f) * b_min + f * b_om
    sucsat = (1.0 - f) * psi_min + f * psi_om
    if f > PC_THRESHOLD:
        perc = (1.0 - PC_THRESHOLD) ** (-PC_BETA) * (f - PC_THRESHOLD) ** PC_BETA
    else:
        perc = 0.0
    uncon = (1.0 - f) + (1.0 - perc) * f
    if f < 1.0:
        k_uncon = uncon / ((1.0 - f) / k_min + ((1.0 - perc) * f) / k_om)
    else:
        k_uncon = 0.0
    hksat = uncon * k_uncon + perc * f * k_om
    return watsat, bsw, sucsat, hksat


@kernel
def calc_smp(vol_liq, watsat, sucsat, bsw):
    """Soil matric potential (Clapp & Hornberger 1978) from liquid water.

    .. math:: \\psi = -\\psi_{sat}\\, s^{-B},\\quad s = \\max(\\theta_{liq}/\\theta_{sat}, 0.01),\\quad \\psi \\ge -10^8

    Parameters
    ----------
    vol_liq : float
        Volumetric liquid water θ_liq [m3 m-3].
    watsat : float
        Porosity θ_sat [m3 m-3].
    sucsat : float
        Saturated suction ψ_sat [mm].
    bsw : float
        Clapp–Hornberger B [-].

    Returns
    -------
    float
        ψ [mm] (≤ 0).

    References
    ----------
    Spec §6.3; ``SoilWaterMovementMod.F90``.

    Examples
    --------
    >>> round(calc_smp(0.2, 0.4, 200.0, 6.0), 1)
    -12800.0
    """
    s = max(vol_liq / watsat, _S_FLOOR)
    return max(-sucsat * math.exp(-bsw * math.log(s)), _SMP_MIN)


@kernel
def calc_soilpsi_mpa(vol_liq, watsat, sucsat, bsw):
    """Soil water potential for biogeochemistry (CLM ``soilpsi``), from liquid water only.

    .. math:: \\psi = -\\psi_{sat}\\,9.8\\times10^{-6}\\, s^{-B},\\quad s = \\max(\\theta_{liq}/\\theta_{sat}, 0.001),
              \\quad \\psi \\in [-15, 0]\\ \\mathrm{MPa};\\; -15 \\text{ if } \\theta_{liq} \\le 0

    Parameters
    ----------
    vol_liq, watsat, sucsat, bsw : float
        As in :func:`calc_smp`.

    Returns
    -------
    float
        ψ [MPa].

    References
    ----------
    Spec §5.4; ``HydrologyNoDrainageMod.F90`` l.445-466.

    Examples
    --------
    >>> round(calc_soilpsi_mpa(0.2, 0.4, 200.0, 6.0), 4)
    -0.1254
    """
    if vol_liq <= 0.0:
        return SOILPSI_MIN_MPA
    s = max(vol_liq / watsat, SOILPSI_SAT_FLOOR)
    return min(max(-sucsat * MPA_PER_MM * math.exp(-bsw * math.log(s)), SOILPSI_MIN_MPA), 0.0)


@kernel
def calc_btran(vol_liq, vol_ice, tsoi, watsat, sucsat, bsw, rootfr_w, smpso, smpsc, nlev, rootr_out):
    """Soil water stress factor btran and root water-uptake weights.

    For each layer j: w_j = 0 if θ_liq ≤ 0 or T_j ≤ T_f − 2 K; otherwise
    s_j = max(θ_liq/θ_eff, 0.01), θ_eff = θ_sat − θ_ice, ψ_j = max(−ψ_sat s_j^{−B}, ψ_c) and

    .. math:: w_j = \\min\\left(\\frac{\\theta_{eff}}{\\theta_{sat}}\\frac{\\psi_j - \\psi_c}{\\psi_o - \\psi_c}, 1\\right),
              \\quad \\beta_t = \\sum_j r_j w_j,\\quad \\mathrm{rootr}_j = r_j w_j/\\beta_t

    Parameters
    ----------
    vol_liq, vol_ice, tsoi : ndarray, shape (nlevsoi,)
        Liquid and ice volumetric water [m3 m-3], soil temperature [K].
    watsat, sucsat, bsw : ndarray, shape (nlevsoi,)
        Hydraulic properties.
    rootfr_w : ndarray, shape (nlevsoi,)
        Water root fractions r_j [-] (Jackson β, variant 1).
    smpso, smpsc : float
        Potentials at stomatal opening/closure ψ_o, ψ_c [mm].
    nlev : int
        Number of layers.
    rootr_out : ndarray, shape (nlevsoi,)
        Output: root water-uptake weights (sum 1, or all 0 when btran = 0).

    Returns
    -------
    float
        btran [-].

    References
    ----------
    Spec §1.10; ``SoilMoistStressMod.F90`` l.317-441.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.zeros(2)
    >>> round(calc_btran(np.array([0.3, 0.1]), np.zeros(2), np.full(2, 283.0), np.full(2, 0.4), np.full(2, 200.0),
    ...                  np.full(2, 6.0), np.array([0.6, 0.4]), -74000.0, -275000.0, 2, r), 4), [round(float(x), 3) for x in r]
    (0.6, [1.0, 0.0])
    """
    for j in range(nlev):
        rootr_out[j] = calc_btran_layer_smp(vol_liq[j], vol_ice[j], tsoi[j], watsat[j], sucsat[j], bsw[j])
    return calc_btran_from_smp(rootr_out, vol_ice, watsat, rootfr_w, smpso, smpsc, nlev, rootr_out)


@kernel
def calc_btran_layer_smp(vol_liq, vol_ice, tsoi, watsat, sucsat, bsw):
    """Matric potential of a layer as btran sees it (effective porosity), or +inf if the layer is inactive.

    .. math:: \\psi = -\\psi_{sat} s^{-B},\\quad s = \\max(\\theta_{liq}/(\\theta_{sat} - \\theta_{ice}), 0.01);
              \\text{inactive if } \\theta_{liq} \\le 0 \\text{ or } T \\le T_f - 2\\,\\mathrm{K}

    Parameters
    ----------
    vol_liq, vol_ice, tsoi, watsat, sucsat, bsw : float
        Layer state and properties (see :func:`calc_btran`).

    Returns
    -------
    float
        ψ [mm] (PFT-independent part of btran), or +inf for an inactive layer.

    References
    ----------
    Spec §1.10; ``calc_root_moist_stress_clm45default``.

    Examples
    --------
    >>> round(calc_btran_layer_smp(0.3, 0.0, 283.0, 0.4, 200.0, 6.0), 2), calc_btran_layer_smp(0.3, 0.0, 270.0, 0.4, 200.0, 6.0)
    (-1123.73, inf)
    """
    if vol_liq <= 0.0 or tsoi <= TFRZ - 2.0:
        return math.inf
    eff = max(watsat - vol_ice, 0.01)
    s = max(vol_liq / eff, _S_FLOOR)
    return -sucsat * math.exp(-bsw * math.log(s))


@kernel
def calc_btran_from_smp(smp, vol_ice, watsat, rootfr_w, smpso, smpsc, nlev, rootr_out):
    """btran and root uptake weights of one PFT from the layers' btran potentials.

    .. math:: w_j = \\min\\left(\\frac{\\theta_{eff}}{\\theta_{sat}}\\frac{\\max(\\psi_j, \\psi_c) - \\psi_c}{\\psi_o - \\psi_c}, 1\\right),\\quad
              \\beta_t = \\sum_j r_j w_j

    Parameters
    ----------
    smp : ndarray, shape (nlev,)
        Output of :func:`calc_btran_layer_smp` per layer [mm] (+inf = inactive). May alias ``rootr_out``.
    vol_ice, watsat : ndarray, shape (nlev,)
        Ice content and porosity [m3 m-3].
    rootfr_w : ndarray, shape (nlev,)
        Water root fractions.
    smpso, smpsc : float
        ψ_o, ψ_c [mm].
    nlev : int
        Layers.
    rootr_out : ndarray, shape (nlev,)
        Output uptake weights.

    Returns
    -------
    float
        btran [-].

    References
    ----------
    Spec §1.10.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.zeros(2)
    >>> round(calc_btran_from_smp(np.array([-1123.73, np.inf]), np.zeros(2), np.full(2, 0.4), np.array([0.6, 0.4]),
    ...                           -74000.0, -275000.0, 2, r), 4)
    0.6
    """
    bt = 0.0
    for j in range(nlev):
        if smp[j] == math.inf:
            rootr_out[j] = 0.0
            continue
        eff = max(watsat[j] - vol_ice[j], 0.01)
        psi = max(smp[j], smpsc)
        w = min(eff / watsat[j] * (psi - smpsc) / (smpso - smpsc), 1.0)
        rootr_out[j] = rootfr_w[j] * w
        bt += rootr_out[j]
    if bt > 0.0:
        for j in range(nlev):
            rootr_out[j] /= bt
    return bt


@kernel
def calc_ice_impedance(vol_ice, watsat):
    """Ice impedance of hydraulic conductivity.

    .. math:: \\Theta_{ice} = 10^{-6 F_{ice}},\\quad F_{ice} = \\theta_{ice}/\\theta_{sat}

    Parameters
    ----------
    vol_ice, watsat : float
        Ice content and porosity [m3 m-3].

    Returns
    -------
    float
        Θ_ice [-].

    References
    ----------
    Spec §6.3 (Swenson et al. 2012).

    Examples
    --------
    >>> round(calc_ice_impedance(0.2, 0.4), 4)
    0.001
    """
    return math.exp(-ICE_IMPEDANCE * math.log(10.0) * min(vol_ice / watsat, 1.0))


@kernel
def solve_soil_water(liq, ice, dz, z, watsat, bsw, sucsat, hksat, infil, sink, dt, nlev, work):
    """Advance liquid soil water one step: linearised implicit Richards equation with sinks.

    Downward flux at the bottom of layer j (mm s-1):

    .. math:: q_j = k_j\\left[\\frac{\\psi_j - \\psi_{j+1}}{z_{j+1} - z_j} + 1\\right],\\quad
              k_j = \\Theta_{ice}\\, k_{sat,j}\\left[\\frac{\\theta_j + \\theta_{j+1}}{\\theta_{sat,j}+\\theta_{sat,j+1}}\\right]^{2B_j+3}

    linearised in θ through ∂ψ/∂θ = −Bψ/θ (conductivity lagged), with the mass balance
    :math:`\\rho_w \\Delta z_j \\Delta\\theta_j/\\Delta t = q_{j-1} - q_j - e_j`, q_{-1} = infiltration,
    and free drainage at the bottom. Over-saturation is pushed downward (to drainage),
    deficits below a residual water content are borrowed from the layer below.

    Parameters
    ----------
    liq : ndarray, shape (nlevsoi,)
        Liquid water [kg m-2]; updated in place (the water state is owned by the caller).
    ice : ndarray, shape (nlevsoi,)
        Ice [kg m-2] (unchanged).
    dz, z : ndarray, shape (nlevsoi,)
        Layer thickness and node depth [m].
    watsat, bsw, sucsat, hksat : ndarray, shape (nlevsoi,)
        Hydraulic properties [m3 m-3, -, mm, mm s-1].
    infil : float
        Water entering the top layer [kg m-2 s-1].
    sink : ndarray, shape (nlevsoi,)
        Extraction per layer (evaporation, transpiration) [kg m-2 s-1].
    dt : float
        Time step [s].
    nlev : int
        Number of layers.
    work : ndarray, shape (6, nlevsoi)
        Scratch space.

    Returns
    -------
    float
        Drainage out of the column bottom [kg m-2 s-1].

    References
    ----------
    Spec §6.3; ``SoilWaterMovementMod.F90`` (CLM4.5-style linearised solve); departures in the module docstring.

    Examples
    --------
    >>> import numpy as np
    >>> n = 3; liq = np.array([30.0, 40.0, 60.0]); w = np.zeros((6, n))
    >>> d = solve_soil_water(liq, np.zeros(n), np.array([0.1, 0.1, 0.2]), np.array([0.05, 0.15, 0.3]),
    ...                      np.full(n, 0.45), np.full(n, 6.0), np.full(n, 200.0), np.full(n, 0.005),
    ...                      0.0, np.zeros(n), 10800.0, n, w)
    >>> round(float(liq.sum()) + d * 10800.0, 6)   # mass conserved
    130.0
    """
    theta = work[0]
    smp = work[1]
    dsmp = work[2]
    a = work[3]
    b = work[4]
    c = work[5]
    for j in range(nlev):
        theta[j] = max(liq[j], 0.0) / (DENH2O * dz[j])
        s = max(theta[j] / watsat[j], _S_FLOOR)
        smp[j] = max(-sucsat[j] * math.exp(-bsw[j] * math.log(s)), _SMP_MIN)
        # dψ/dθ (mm per m3 m-3), with θ floored as s
        dsmp[j] = -bsw[j] * smp[j] / (s * watsat[j])
    # interface fluxes (at old state) and their derivatives; rows of the tridiagonal
    q_above = infil
    dq_above_dtop = 0.0   # d q_{j-1} / d θ_{j-1}
    dq_above_dbot = 0.0   # d q_{j-1} / d θ_j
    for j in range(nlev):
        vol_tot_j = theta[j] + ice[j] / (DENICE * dz[j])
        imp = calc_ice_impedance(ice[j] / (DENICE * dz[j]), watsat[j]) if ice[j] > 0.0 else 1.0
        if j < nlev - 1:
            vol_tot_k = theta[j + 1] + ice[j + 1] / (DENICE * dz[j + 1])
            s1 = min((vol_tot_j + vol_tot_k) / (watsat[j] + watsat[j + 1]), 1.0)
            kint = imp * hksat[j] * math.exp((2.0 * bsw[j] + 3.0) * math.log(max(s1, 1.0e-30)))
            dzm = (z[j + 1] - z[j]) * 1000.0
            q = kint * ((smp[j] - smp[j + 1]) / dzm + 1.0)
            dq_dtop = kint * dsmp[j] / dzm
            dq_dbot = -kint * dsmp[j + 1] / dzm
        else:
            s1 = min(vol_tot_j / watsat[j], 1.0)
            q = imp * hksat[j] * math.exp((2.0 * bsw[j] + 3.0) * math.log(max(s1, 1.0e-30)))
            dq_dtop = 0.0
            dq_dbot = 0.0
        cap = DENH2O * dz[j] / dt
        a[j] = -dq_above_dtop
        b[j] = cap - dq_above_dbot + dq_dtop
        c[j] = dq_dbot
        # rhs stored in dsmp (no longer needed for row j after use)
        dsmp[j] = q_above - q - sink[j]
        q_above = q
        dq_above_dtop = dq_dtop
        dq_above_dbot = dq_dbot
    q_bottom_old = q_above
    dq_bottom_dtop = dq_above_dtop
    # Thomas algorithm; solution (Δθ) written into smp
    for j in range(1, nlev):
        m = a[j] / b[j - 1]
        b[j] -= m * c[j - 1]
        dsmp[j] -= m * dsmp[j - 1]
    smp[nlev - 1] = dsmp[nlev - 1] / b[nlev - 1]
    for j in range(nlev - 2, -1, -1):
        smp[j] = (dsmp[j] - c[j] * smp[j + 1]) / b[j]
    drainage = q_bottom_old + dq_bottom_dtop * smp[nlev - 1]
    total_before = 0.0
    for j in range(nlev):
        total_before += liq[j]
    for j in range(nlev):
        liq[j] = liq[j] + smp[j] * DENH2O * dz[j]
    # push over-saturation downward, borrow deficits from below
    for j in range(nlev):
        eff = max(watsat[j] - ice[j] / (DENICE * dz[j]), 0.0)
        wmax = eff * DENH2O * dz[j]
        wmin = WATMIN_VOL * DENH2O * dz[j]
        excess = liq[j] - wmax
        if excess > 0.0:
            liq[j] = wmax
            if j < nlev - 1:
                liq[j + 1] += excess
            else:
                drainage += excess / dt
        elif liq[j] < wmin:
            deficit = wmin - liq[j]
            liq[j] = wmin
            if j < nlev - 1:
                liq[j + 1] -= deficit
            else:
                drainage -= deficit / dt
    # exact closure: drainage takes the rounding residual of the tridiagonal solve
    total_after = 0.0
    for j in range(nlev):
        total_after += liq[j]
    sink_tot = 0.0
    for j in range(nlev):
        sink_tot += sink[j]
    drainage = (total_before - total_after) / dt + infil - sink_tot
    return drainage


@kernel
def calc_infiltration(water_in, vol_liq_top, vol_ice_top, watsat_top, hksat_top):
    """Split water reaching the surface into infiltration and surface runoff.

    Saturation excess on a saturated fraction f_sat = 0.3 s⁴ (s = relative saturation of the
    top layer) and infiltration excess above Θ_ice k_sat of the top layer.

    .. math:: R_s = f_{sat} W + \\max((1 - f_{sat}) W - \\Theta_{ice} k_{sat}, 0),\\quad I = W - R_s

    Parameters
    ----------
    water_in : float
        Rain + snowmelt + dew reaching the soil [kg m-2 s-1].
    vol_liq_top, vol_ice_top, watsat_top, hksat_top : float
        Top-layer state and properties.

    Returns
    -------
    (float, float)
        Infiltration, surface runoff [kg m-2 s-1].

    References
    ----------
    Reduced from spec §6.3 (CLM's f_sat from water-table depth); a departure, see the module docstring.

    Examples
    --------
    >>> [round(x, 6) for x in calc_infiltration(0.001, 0.2, 0.0, 0.4, 0.005)]
    [0.000981, 1.9e-05]
    """
    if water_in <= 0.0:
        return water_in, 0.0
    s = min((vol_liq_top + vol_ice_top) / watsat_top, 1.0)
    fsat = FSAT_MAX * s ** 4
    cap = calc_ice_impedance(vol_ice_top, watsat_top) * hksat_top
    runoff = fsat * water_in + max((1.0 - fsat) * water_in - cap, 0.0)
    return water_in - runoff, runoff


@kernel
def calc_soil_surface_rh(h2osoi_liq, h2osoi_ice, dz, watsat, sucsat, bsw, tsoi):
    """Relative humidity of the air in the top soil layer's pores (CLM ``hr``), from its matric potential.

    .. math:: s = \\mathrm{clamp}\\left(\\frac{w_{liq}/\\rho_w + w_{ice}/\\rho_i}{\\Delta z\\,\\theta_{sat}},
              0.01, 1\\right),\\quad \\psi = \\max(-\\psi_{sat} s^{-B}, \\psi_{min}),\\quad
              h_r = \\exp\\left(\\frac{\\psi\\, g}{1000\\,R_v T}\\right)

    Parameters
    ----------
    h2osoi_liq, h2osoi_ice : float
        Liquid water and ice of the top layer [kg m-2].
    dz : float
        Layer thickness [m].
    watsat, sucsat, bsw : float
        Porosity [-], saturated suction ψ_sat [mm], Clapp–Hornberger B [-].
    tsoi : float
        Layer temperature [K].

    Returns
    -------
    float
        h_r [-]; the ground humidity is q_g = h_r q_sat(T_g) (capped at the air humidity when the air is
        moister than h_r q_sat but drier than q_sat).

    References
    ----------
    ``CanopyTemperatureMod.F90`` l.256-263 (``roverg`` = R_v/g·1000 mm K-1, ``clm_varcon.F90`` l.57);
    CLM5 Tech Note eq. 5.73.

    Examples
    --------
    >>> round(calc_soil_surface_rh(5.0, 0.0, 0.02, 0.45, 100.0, 5.0, 290.0), 6)
    0.999862
    """
    wx = (h2osoi_liq / DENH2O + h2osoi_ice / DENICE) / dz
    fac = max(min(1.0, wx / watsat), SOIL_SURF_SAT_MIN)
    psit = max(-sucsat * fac ** (-bsw), SOIL_SMPMIN)
    return math.exp(psit * GRAV / (RWV * MM_PER_M * tsoi))
