"""Leaf photosynthesis: Farquhar C3 / Collatz C4 biochemistry, CLM5 temperature functions, Medlyn stomata.

Sources: spec §1.2-§1.9 (``PhotosynthesisMod.F90``: ``Photosynthesis``, ``ci_func``,
``ft``, ``fth``, ``fth25``, ``quadratic``). CLM5 solves c_i with a hybrid secant/Brent
iteration (≤ 40 iterations); tpcarbon solves the same equation (c_s through the boundary
layer, g_s from CLM's quadratic, c_i = c_s − 1.6 A_n P/g_s) by false position on a
bracket, starting from the Medlyn closed form c_a g1/(g1 + √D). An earlier single
fixed-point pass was within 0.05 % at high light but up to 8 % off near the light
compensation point and not monotone in light or CO2 (found by the property tests,
tests/property/test_kernel_properties.py); the bracketed solve is monotone and matches the
converged reference (tests/reference/test_photosynthesis_reference.py).
"""

from __future__ import annotations

import math

from tpcarbon.constants import RGAS, TFRZ
from tpcarbon.params.fixed import (
    ACCLIM_SJ,
    ACCLIM_SV,
    ACCLIM_T10_MAX,
    ACCLIM_T10_MIN,
    ATKIN_N_SLOPE,
    ATKIN_T_SLOPE,
    C4_Q10,
    C4_QUANTUM_EFF,
    C4_RD_HIGH,
    C4_VCMAX_HIGH,
    C4_VCMAX_LOW,
    F_NPS,
    GAMMA25_COEF,
    GB_CO2_RATIO,
    GS_CO2_RATIO,
    HA_GAMMA,
    HA_JMAX,
    HA_KC,
    HA_KO,
    HA_RD,
    HA_TPU,
    HA_VCMAX,
    HD_JMAX,
    HD_RD,
    HD_TPU,
    HD_VCMAX,
    JMAX_RATIO,
    KC25_COEF,
    KO25_COEF,
    LEAF_BL_COEF,
    MEDLYN_VPD_MIN,
    PAR_UMOL_PER_J,
    Q10_SPAN,
    SE_RD,
    T_REF25,
    THETA_PSII,
)
from tpcarbon.physics import kernel


@kernel
def calc_quadratic_smaller_root(a, b, c):
    """Smaller real root of a x² + b x + c = 0 (numerically stable form of CLM's ``quadratic``).

    .. math:: q = -\\tfrac12\\left(b + \\mathrm{sgn}(b)\\sqrt{b^2 - 4ac}\\right),\\quad x = \\min(q/a,\\, c/q)

    Parameters
    ----------
    a, b, c : float
        Coefficients (a > 0).

    Returns
    -------
    float
        The smaller root; 0 if both q and c vanish. A negative discriminant (rounding) is treated as 0.

    References
    ----------
    ``PhotosynthesisMod.F90::quadratic``; Press et al. (1992) §5.6.

    Examples
    --------
    >>> calc_quadratic_smaller_root(1.0, -3.0, 2.0)
    1.0
    """
    disc = max(b * b - 4.0 * a * c, 0.0)
    sgn = 1.0 if b >= 0.0 else -1.0
    q = -0.5 * (b + sgn * math.sqrt(disc))
    if q == 0.0:
        return 0.0
    r1 = q / a
    r2 = c / q
    return min(r1, r2)


@kernel
def calc_arrhenius(tk, ha):
    """Arrhenius temperature factor normalised to 25 °C (CLM ``ft``).

    .. math:: f(T) = \\exp\\left[\\frac{\\Delta H_a}{R\\,298.15}\\left(1 - \\frac{298.15}{T}\\right)\\right]

    Parameters
    ----------
    tk : float
        Leaf temperature T [K].
    ha : float
        Activation energy ΔH_a [J mol-1].

    Returns
    -------
    float
        f(T) [-], 1 at 298.15 K.

    References
    ----------
    Spec §1.2; ``PhotosynthesisMod.F90::ft``; CLM5 Tech Note eq. 9.16.

    Examples
    --------
    >>> round(calc_arrhenius(288.15, 72000.0), 4)
    0.365
    """
    return math.exp(ha / (RGAS * T_REF25) * (1.0 - T_REF25 / tk))


@kernel
def calc_high_temp_factor(tk, hd, se):
    """High-temperature deactivation factor normalised to 1 at 25 °C (CLM ``fth``/``fth25``).

    .. math:: f_H(T) = \\frac{1 + \\exp[(-\\Delta H_d + \\Delta S\\,298.15)/(R\\,298.15)]}{1 + \\exp[(-\\Delta H_d + \\Delta S\\,T)/(R\\,T)]}

    Parameters
    ----------
    tk : float
        Leaf temperature [K].
    hd : float
        Deactivation energy ΔH_d [J mol-1].
    se : float
        Entropy term ΔS [J mol-1 K-1].

    Returns
    -------
    float
        f_H(T) [-].

    References
    ----------
    Spec §1.2; ``PhotosynthesisMod.F90::fth, fth25``; Tech Note eq. 9.17.

    Examples
    --------
    >>> round(calc_high_temp_factor(298.15, 200000.0, 650.0), 6)
    1.0
    """
    return _high_temp_factor(tk, hd, se, calc_high_temp_norm(hd, se))


@kernel
def calc_high_temp_norm(hd, se):
    """Numerator of :func:`calc_high_temp_factor`, 1 + exp[(−ΔH_d + ΔS 298.15)/(R 298.15)] (CLM ``fth25``).

    Depends on the acclimated entropy only, so the leaf-temperature iteration computes it once per call.

    Examples
    --------
    >>> round(calc_high_temp_norm(200000.0, 650.0), 6)
    1.081916
    """
    return 1.0 + math.exp((-hd + se * T_REF25) / (RGAS * T_REF25))


@kernel
def _high_temp_factor(tk, hd, se, norm):
    """:func:`calc_high_temp_factor` with its numerator ``norm`` (:func:`calc_high_temp_norm`) given."""
    return norm / (1.0 + math.exp((-hd + se * tk) / (RGAS * tk)))


@kernel
def calc_acclimation_entropy(t10):
    """Kattge & Knorr (2007) entropy terms of V_cmax and J_max acclimated to the 10-day mean temperature.

    .. math:: \\Delta S_v = 668.39 - 1.07\\,T_{10c},\\quad \\Delta S_j = 659.70 - 0.75\\,T_{10c},
              \\quad T_{10c} = \\mathrm{clamp}(T_{10} - T_f, 11, 35)

    Parameters
    ----------
    t10 : float
        10-day running mean 2 m air temperature T10 [K].

    Returns
    -------
    (float, float)
        ΔS_v, ΔS_j [J mol-1 K-1].

    References
    ----------
    Spec §1.2; ``PhotosynthesisMod.F90`` (Photosynthesis, ~l.1290).

    Examples
    --------
    >>> [round(x, 2) for x in calc_acclimation_entropy(283.15)]
    [656.62, 651.45]
    """
    t10c = min(max(t10 - TFRZ, ACCLIM_T10_MIN), ACCLIM_T10_MAX)
    return ACCLIM_SV[0] + ACCLIM_SV[1] * t10c, ACCLIM_SJ[0] + ACCLIM_SJ[1] * t10c


@kernel
def calc_jmax_ratio(t10):
    """J_max25/V_cmax25 ratio acclimated to T10 (non-LUNA path).

    .. math:: J_{max25}/V_{cmax25} = 2.59 - 0.035\\,\\mathrm{clamp}(T_{10} - T_f, 11, 35)

    Parameters
    ----------
    t10 : float
        10-day mean air temperature [K].

    Returns
    -------
    float
        Ratio [-].

    References
    ----------
    Spec §1.6; ``PhotosynthesisMod.F90`` l.1380-1410.

    Examples
    --------
    >>> round(calc_jmax_ratio(273.15), 3)
    2.205
    """
    t10c = min(max(t10 - TFRZ, ACCLIM_T10_MIN), ACCLIM_T10_MAX)
    return JMAX_RATIO[0] + JMAX_RATIO[1] * t10c


@kernel
def calc_vcmax25_top(i_vcad, s_vcad, leaf_n_area, dayl_factor):
    """Top-of-canopy V_cmax at 25 °C from leaf N (``vcmax_opt = 3``).

    .. math:: V_{cmax25,top} = (i_{vcad} + s_{vcad} N_a)\\,f_{dayl}

    Parameters
    ----------
    i_vcad : float
        Intercept [µmol CO2 m-2 s-1] (``i_vcad``).
    s_vcad : float
        Slope [µmol CO2 g-1 N s-1] (``s_vcad``).
    leaf_n_area : float
        Leaf N per unit leaf area N_a [g N m-2 leaf].
    dayl_factor : float
        Daylength factor f_dayl [-].

    Returns
    -------
    float
        V_cmax25,top [µmol m-2 s-1].

    References
    ----------
    Spec §1.6 (non-LUNA path; LUNA is a documented departure).

    Examples
    --------
    >>> round(calc_vcmax25_top(6.42, 40.96, 0.8866, 1.0), 2)   # C3 arctic grass at target C:N
    42.74
    """
    return (i_vcad + s_vcad * leaf_n_area) * dayl_factor


@kernel
def calc_rd25_top_atkin(i_atkin, leaf_n_area, t10):
    """Top-of-canopy leaf dark respiration at 25 °C (Atkin et al. 2016; ``leafresp_method = 2``).

    .. math:: R_{d25,top} = i_{atkin} + 0.2061 N_a - 0.0402 (T_{10} - T_f), \\quad 0 \\text{ if } N_a \\le 0

    Parameters
    ----------
    i_atkin : float
        Intercept [µmol m-2 s-1] (``lmr_intercept_atkin``).
    leaf_n_area : float
        Leaf N per area N_a [g N m-2 leaf].
    t10 : float
        10-day mean air temperature [K].

    Returns
    -------
    float
        R_d25,top [µmol m-2 s-1], ≥ 0.

    References
    ----------
    Spec §1.5; Tech Note Plant_Respiration eq. 17.46; ``PhotosynthesisMod.F90`` l.1445.

    Examples
    --------
    >>> round(calc_rd25_top_atkin(2.1956, 0.8866, 278.15), 4)
    2.1773
    """
    if leaf_n_area <= 0.0:
        return 0.0
    return max(i_atkin + ATKIN_N_SLOPE * leaf_n_area + ATKIN_T_SLOPE * (t10 - TFRZ), 0.0)


@kernel
def calc_medlyn_ci(cs, g1, vpd):
    """Intercellular CO2 from the Medlyn et al. (2011) optimal stomatal model (closed form).

    .. math:: c_i = c_s \\frac{g_1}{g_1 + \\sqrt{D}},\\qquad D = \\max(D_{air}, 50\\,\\mathrm{Pa}) / 1000

    Exact for g_0 = 0 (CLM5: g_0 = 100 µmol m-2 s-1, negligible at A_n > 0).

    Parameters
    ----------
    cs : float
        CO2 partial pressure at the leaf surface c_s [Pa].
    g1 : float
        Medlyn slope g_1 [kPa^0.5] (``medlynslope``).
    vpd : float
        Vapour pressure deficit D [Pa].

    Returns
    -------
    float
        c_i [Pa].

    References
    ----------
    Spec §1.9; Medlyn et al. (2011) GCB 17:2134 eq. 13; departure from CLM's iterative ``ci_func``.

    Examples
    --------
    >>> round(calc_medlyn_ci(23.0, 2.22, 1000.0), 3)
    15.857
    """
    d_kpa = max(vpd, MEDLYN_VPD_MIN) / 1000.0
    return cs * g1 / (g1 + math.sqrt(d_kpa))


@kernel
def calc_medlyn_gs(an, cs, pres, g0, g1, vpd, beta):
    """Medlyn stomatal conductance to water vapour.

    .. math:: g_s = g_0 + 1.6\\,(1 + g_1/\\sqrt{D})\\,\\frac{A_n}{c_s/P}\\quad (A_n > 0),
              \\qquad g_s = \\max(\\beta g_0, 1) \\text{ otherwise}

    Parameters
    ----------
    an : float
        Net assimilation A_n [µmol m-2 s-1].
    cs : float
        Leaf-surface CO2 partial pressure [Pa].
    pres : float
        Air pressure P [Pa].
    g0 : float
        Medlyn intercept [µmol m-2 s-1] (``medlynintercept``).
    g1 : float
        Medlyn slope [kPa^0.5].
    vpd : float
        Vapour pressure deficit [Pa].
    beta : float
        Water stress factor (btran) [-].

    Returns
    -------
    float
        g_s [µmol H2O m-2 s-1].

    References
    ----------
    Spec §1.9 and corrections #5; ``ci_func_PHS``.

    Examples
    --------
    >>> round(calc_medlyn_gs(10.0, 23.0, 60000.0, 100.0, 2.22, 1000.0, 1.0), 0)
    134500.0
    """
    if an <= 0.0:
        return max(beta * g0, 1.0)
    d_kpa = max(vpd, MEDLYN_VPD_MIN) / 1000.0
    return g0 + 1.6 * (1.0 + g1 / math.sqrt(d_kpa)) * an / (cs / pres)


@kernel
def calc_medlyn_gs_quadratic(an, cs, pres, g0, g1, gb, vpd):
    """Medlyn stomatal conductance with leaf-surface humidity through the boundary layer (CLM5's quadratic).

    g_s [mol m-2 s-1] is the larger root of :math:`g_s^2 + b g_s + c = 0` with
    :math:`d = 1.6 A_n 10^{-6}/(c_s/P)`, :math:`b = -[2(g_0 10^{-6} + d) + (g_1 d)^2/(g_b 10^{-6} D_l)]`,
    :math:`c = (g_0 10^{-6})^2 + [2 g_0 10^{-6} + d(1 - g_1^2/D_l)] d`, D_l = max(D, 50 Pa)/1000 kPa;
    g_s = max(g_0, 1) when A_n ≤ 0.

    Parameters
    ----------
    an : float
        Net assimilation [µmol m-2 s-1].
    cs : float
        Leaf-surface CO2 [Pa].
    pres : float
        Pressure [Pa].
    g0, g1 : float
        Medlyn intercept [µmol m-2 s-1] and slope [kPa^0.5].
    gb : float
        Boundary-layer conductance [µmol m-2 s-1].
    vpd : float
        Canopy-air vapour pressure deficit [Pa].

    Returns
    -------
    float
        g_s [µmol H2O m-2 s-1].

    References
    ----------
    Spec §1.9 (``ci_func_PHS``; [M] ``ci_func``).

    Examples
    --------
    >>> round(calc_medlyn_gs_quadratic(10.0, 23.0, 60000.0, 100.0, 2.22, 1.32e6, 1000.0), 0)
    139266.0
    """
    if an <= 0.0:
        return max(g0, 1.0)
    d_l = max(vpd, MEDLYN_VPD_MIN) / 1000.0
    g0m = g0 * 1.0e-6
    d = GS_CO2_RATIO * an * 1.0e-6 / (cs / pres)
    b = -(2.0 * (g0m + d) + (g1 * d) ** 2 / (gb * 1.0e-6 * d_l))
    c = g0m * g0m + (2.0 * g0m + d * (1.0 - g1 * g1 / d_l)) * d
    return 0.5 * (-b + math.sqrt(max(b * b - 4.0 * c, 0.0))) * 1.0e6


@kernel
def calc_electron_transport(jmax, par_abs):
    """Electron transport rate J from absorbed PAR (smaller root of the non-rectangular hyperbola).

    .. math:: \\theta_{PSII} J^2 - (I_{PSII} + J_{max}) J + I_{PSII} J_{max} = 0,
              \\quad I_{PSII} = 0.5 (1 - f_{nps})\\, 4.6\\, \\phi

    Parameters
    ----------
    jmax : float
        J_max at leaf temperature [µmol m-2 s-1].
    par_abs : float
        Absorbed PAR per unit leaf area φ [W m-2].

    Returns
    -------
    float
        J [µmol m-2 s-1].

    References
    ----------
    Spec §1.4; ``PhotosynthesisMod.F90`` (Photosynthesis, ~l.1580).

    Examples
    --------
    >>> round(calc_electron_transport(100.0, 100.0), 3)
    82.143
    """
    i_psii = 0.5 * (1.0 - F_NPS) * PAR_UMOL_PER_J * par_abs
    return calc_quadratic_smaller_root(THETA_PSII, -(i_psii + jmax), i_psii * jmax)


@kernel
def calc_c3_limits(vcmax, jmax, tpu, kc, ko, gammastar, oi, ci, par_abs):
    """C3 Rubisco-, light- and TPU-limited gross assimilation rates (Farquhar et al. 1980).

    .. math:: A_c = \\frac{V_{cmax}\\max(c_i - \\Gamma^*, 0)}{c_i + K_c(1 + o_i/K_o)},\\quad
              A_j = \\frac{J\\max(c_i - \\Gamma^*, 0)}{4 c_i + 8\\Gamma^*},\\quad A_p = 3 T_p

    Parameters
    ----------
    vcmax, jmax, tpu : float
        Capacities at leaf temperature [µmol m-2 s-1].
    kc, ko, gammastar : float
        Michaelis constants of CO2 and O2 and the CO2 compensation point [Pa].
    oi : float
        O2 partial pressure [Pa].
    ci : float
        Intercellular CO2 [Pa].
    par_abs : float
        Absorbed PAR per leaf area [W m-2].

    Returns
    -------
    (float, float, float)
        A_c, A_j, A_p [µmol m-2 s-1].

    References
    ----------
    Spec §1.4; ``PhotosynthesisMod.F90::ci_func``.

    Examples
    --------
    >>> [round(x, 3) for x in calc_c3_limits(50.0, 100.0, 8.35, 40.49, 27840.0, 4.275, 20900.0, 28.0, 100.0)]
    [11.996, 13.33, 25.05]
    """
    dc = max(ci - gammastar, 0.0)
    ac = vcmax * dc / (ci + kc * (1.0 + oi / ko))
    j = calc_electron_transport(jmax, par_abs)
    aj = j * dc / (4.0 * ci + 8.0 * gammastar)
    ap = 3.0 * tpu
    return ac, aj, ap


@kernel
def calc_colimitation(ac, aj, ap, theta_cj, theta_ip):
    """Gross assimilation from the three limits with CLM's two-stage co-limitation.

    .. math:: \\theta_{cj} A_i^2 - (A_c + A_j) A_i + A_c A_j = 0,\\quad
              \\theta_{ip} A_g^2 - (A_i + A_p) A_g + A_i A_p = 0 \\quad(\\text{smaller roots})

    Parameters
    ----------
    ac, aj, ap : float
        Limiting rates [µmol m-2 s-1].
    theta_cj, theta_ip : float
        Curvatures [-] (0.98 C3 / 0.80 C4; 0.95).

    Returns
    -------
    float
        A_g ≥ 0 [µmol m-2 s-1].

    References
    ----------
    Spec §1.4; ``ci_func``.

    Examples
    --------
    >>> round(calc_colimitation(11.996, 13.33, 25.05, 0.98, 0.95), 3)
    10.586
    """
    ai = calc_quadratic_smaller_root(theta_cj, -(ac + aj), ac * aj)
    ag = calc_quadratic_smaller_root(theta_ip, -(ai + ap), ai * ap)
    return max(ag, 0.0)


@kernel
def calc_c3_temperature_factors(tk, t10, pres):
    """C3 temperature-adjusted factors and kinetic constants at leaf temperature.

    .. math:: V_{cmax} = V_{cmax25} f(72000) f_H(200000, \\Delta S_v),\\;
              J_{max} = J_{max25} f(50000) f_H(200000, \\Delta S_j),\\;
              T_p = T_{p25} f(72000) f_H(200000, \\Delta S_v),\\;
              R_d = R_{d25} f(46390) f_H(150650, 490)

    K_c = 404.9e-6 P f(79430), K_o = 278.4e-3 P f(36380), Γ* = 42.75e-6 P f(37830).

    Parameters
    ----------
    tk : float
        Leaf temperature [K].
    t10 : float
        10-day mean air temperature [K] (acclimation).
    pres : float
        Surface pressure [Pa].

    Returns
    -------
    (float, float, float, float, float, float, float)
        Multipliers for V_cmax25, J_max25, T_p25, R_d25 [-], and K_c, K_o, Γ* [Pa].

    References
    ----------
    Spec §1.2; ``PhotosynthesisMod.F90`` l.1220-1300, 1530-1545.

    Examples
    --------
    >>> [round(x, 4) for x in calc_c3_temperature_factors(298.15, 298.15, 100000.0)]
    [1.0, 1.0, 1.0, 1.0, 40.49, 27840.0, 4.275]
    """
    return _c3_temperature_factors(tk, pres, calc_c3_acclimation(t10))


@kernel
def calc_c3_acclimation(t10):
    """The parts of :func:`calc_c3_temperature_factors` that depend on T10 only (computed once per call).

    Returns
    -------
    (float, float, float, float, float)
        ΔS_v, ΔS_j [J mol-1 K-1] and the ``fth25`` numerators of V_cmax, J_max and TPU [-].

    Examples
    --------
    >>> [round(x, 4) for x in calc_c3_acclimation(298.15)][:2]
    [641.64, 640.95]
    """
    sv, sj = calc_acclimation_entropy(t10)
    return (sv, sj, calc_high_temp_norm(HD_VCMAX, sv), calc_high_temp_norm(HD_JMAX, sj),
            calc_high_temp_norm(HD_TPU, sv))


@kernel
def _c3_temperature_factors(tk, pres, accl):
    """:func:`calc_c3_temperature_factors` with the T10 parts ``accl`` (:func:`calc_c3_acclimation`) given."""
    sv, sj, nv, nj, npu = accl
    fv = calc_arrhenius(tk, HA_VCMAX) * _high_temp_factor(tk, HD_VCMAX, sv, nv)
    fj = calc_arrhenius(tk, HA_JMAX) * _high_temp_factor(tk, HD_JMAX, sj, nj)
    if HA_TPU == HA_VCMAX and HD_TPU == HD_VCMAX:    # CLM5: TPU has the V_cmax temperature response
        fp = fv
    else:
        fp = calc_arrhenius(tk, HA_TPU) * _high_temp_factor(tk, HD_TPU, sv, npu)
    fr = calc_c3_rd_temperature_factor(tk)
    kc = KC25_COEF * pres * calc_arrhenius(tk, HA_KC)
    ko = KO25_COEF * pres * calc_arrhenius(tk, HA_KO)
    gs = GAMMA25_COEF * pres * calc_arrhenius(tk, HA_GAMMA)
    return fv, fj, fp, fr, kc, ko, gs


@kernel
def calc_c3_rd_temperature_factor(tk):
    """Temperature multiplier of C3 leaf dark respiration, f(46390) f_H(150650, 490) (the ``fr`` of
    :func:`calc_c3_temperature_factors`; all a dark leaf needs).

    Examples
    --------
    >>> round(calc_c3_rd_temperature_factor(298.15), 6)
    1.0
    """
    return calc_arrhenius(tk, HA_RD) * calc_high_temp_factor(tk, HD_RD, SE_RD)


@kernel
def calc_c4_temperature_factors(tk):
    """C4 temperature multipliers of V_cmax25, k_p25 and R_d25 (Collatz et al. 1992 as in CLM5).

    .. math:: f_V = \\frac{2^{(T-298.15)/10}}{[1 + e^{0.2(288.15 - T)}][1 + e^{0.3(T - 313.15)}]},\\;
              f_k = 2^{(T-298.15)/10},\\; f_R = \\frac{2^{(T-298.15)/10}}{1 + e^{1.3(T - 328.15)}}

    Parameters
    ----------
    tk : float
        Leaf temperature [K].

    Returns
    -------
    (float, float, float)
        f_V, f_k, f_R [-].

    References
    ----------
    Spec §1.3; Tech Note eqs 9.13-9.15.

    Examples
    --------
    >>> [round(x, 4) for x in calc_c4_temperature_factors(298.15)]
    [0.8711, 1.0, 1.0]
    """
    q = C4_Q10 ** ((tk - T_REF25) / Q10_SPAN)
    fv = q / ((1.0 + math.exp(C4_VCMAX_LOW[0] * (C4_VCMAX_LOW[1] - tk)))
              * (1.0 + math.exp(C4_VCMAX_HIGH[0] * (tk - C4_VCMAX_HIGH[1]))))
    return fv, q, _c4_rd_factor(tk, q)


@kernel
def _c4_rd_factor(tk, q):
    """f_R of :func:`calc_c4_temperature_factors` from its Q10 term q = 2^((T − 298.15)/10)."""
    return q / (1.0 + math.exp(C4_RD_HIGH[0] * (tk - C4_RD_HIGH[1])))


@kernel
def calc_c4_rd_temperature_factor(tk):
    """Temperature multiplier of C4 leaf dark respiration (the ``f_R`` of :func:`calc_c4_temperature_factors`).

    Examples
    --------
    >>> round(calc_c4_rd_temperature_factor(298.15), 6)
    1.0
    """
    return _c4_rd_factor(tk, C4_Q10 ** ((tk - T_REF25) / Q10_SPAN))


@kernel
def calc_c4_limits(vcmax, kp, ci, pres, par_abs):
    """C4 Rubisco, light and PEP-carboxylase limited rates (Collatz et al. 1992).

    .. math:: A_c = V_{cmax},\\quad A_j = \\alpha\\, 4.6\\, \\phi,\\quad A_p = k_p c_i / P

    Parameters
    ----------
    vcmax : float
        V_cmax at leaf temperature [µmol m-2 s-1].
    kp : float
        Initial slope k_p at leaf temperature [µmol m-2 s-1].
    ci : float
        Intercellular CO2 [Pa].
    pres : float
        Pressure [Pa].
    par_abs : float
        Absorbed PAR per leaf area [W m-2].

    Returns
    -------
    (float, float, float)
        A_c, A_j, A_p [µmol m-2 s-1].

    References
    ----------
    Spec §1.4; ``ci_func``.

    Examples
    --------
    >>> [round(x, 3) for x in calc_c4_limits(18.3, 366000.0, 10.0, 60000.0, 100.0)]
    [18.3, 23.0, 61.0]
    """
    return vcmax, C4_QUANTUM_EFF * PAR_UMOL_PER_J * par_abs, kp * ci / pres


@kernel
def calc_leaf_boundary_conductance(u_af, dleaf, tk, pres):
    """Leaf boundary-layer conductance in molar units.

    .. math:: r_b = \\frac{1}{0.01\\sqrt{u_{af}/d_{leaf}}},\\qquad g_b = \\frac{1}{r_b}\\frac{P}{R T} 10^6

    Parameters
    ----------
    u_af : float
        Wind speed in the canopy air space [m s-1].
    dleaf : float
        Characteristic leaf dimension [m].
    tk : float
        Air temperature [K].
    pres : float
        Pressure [Pa].

    Returns
    -------
    (float, float)
        r_b [s m-1] and g_b [µmol m-2 s-1].

    References
    ----------
    Spec §1.9; ``CanopyFluxesMod.F90`` l.796-797.

    Examples
    --------
    >>> [round(x, 2) for x in calc_leaf_boundary_conductance(1.0, 0.04, 273.15, 60000.0)]
    [20.0, 1320947.26]
    """
    rb = 1.0 / (LEAF_BL_COEF * math.sqrt(u_af / dleaf))
    return rb, pres / (RGAS * tk) * 1.0e6 / rb


@kernel
def calc_cs(ca, an, pres, gb):
    """Leaf-surface CO2 partial pressure after the boundary layer.

    .. math:: c_s = \\max(c_a - 1.4 A_n P / g_b, 10^{-6})

    Parameters
    ----------
    ca : float
        Canopy-air CO2 partial pressure [Pa].
    an : float
        Net assimilation [µmol m-2 s-1].
    pres : float
        Pressure [Pa].
    gb : float
        Boundary-layer conductance [µmol m-2 s-1].

    Returns
    -------
    float
        c_s [Pa].

    References
    ----------
    Spec §1.9 (``ci_func``).

    Examples
    --------
    >>> round(calc_cs(23.0, 10.0, 60000.0, 1.32e6), 4)
    22.3636
    """
    return max(ca - GB_CO2_RATIO * an * pres / gb, 1.0e-6)


#: Convergence of the c_i solve [Pa] (CLM's hybrid solver stops at a comparable tolerance).
CI_TOL = 1.0e-4


@kernel
def _c3_residual(ci, vcmax, jmax, tpu, rd, kc, ko, gammastar, oi, ca, pres, g0, g1, vpd, gb, par_abs, theta_cj,
                 theta_ip):
    """h(c_i) = c_s − 1.6 A_n P/g_s − c_i for a C3 leaf [Pa] (spec §1.9 ``ci_func``)."""
    ac, aj, ap = calc_c3_limits(vcmax, jmax, tpu, kc, ko, gammastar, oi, ci, par_abs)
    an = calc_colimitation(ac, aj, ap, theta_cj, theta_ip) - rd
    cs = calc_cs(ca, an, pres, gb)
    gs = calc_medlyn_gs_quadratic(an, cs, pres, g0, g1, gb, vpd)
    return max(cs - GS_CO2_RATIO * an * pres / gs, 1.0e-6) - ci


@kernel
def _c4_residual(ci, vcmax, kp, rd, ca, pres, g0, g1, vpd, gb, par_abs, theta_cj, theta_ip):
    """h(c_i) for a C4 leaf [Pa] (as :func:`_c3_residual`)."""
    ac, aj, ap = calc_c4_limits(vcmax, kp, ci, pres, par_abs)
    an = calc_colimitation(ac, aj, ap, theta_cj, theta_ip) - rd
    cs = calc_cs(ca, an, pres, gb)
    gs = calc_medlyn_gs_quadratic(an, cs, pres, g0, g1, gb, vpd)
    return max(cs - GS_CO2_RATIO * an * pres / gs, 1.0e-6) - ci


@kernel
def _gs_constants(g0, g1, gb, vpd):
    """Invariants of :func:`calc_medlyn_gs_quadratic` within one c_i solve: g0 10^-6, (g0 10^-6)², 2 g0 10^-6,
    g_b 10^-6 D_l, 1 − g1²/D_l (the same operations, so the fast residual is bit-identical)."""
    d_l = max(vpd, MEDLYN_VPD_MIN) / 1000.0
    g0m = g0 * 1.0e-6
    return g0m, g0m * g0m, 2.0 * g0m, gb * 1.0e-6 * d_l, 1.0 - g1 * g1 / d_l


@kernel
def _gs_quadratic_pre(an, cs, pres, g0, g1, gsc):
    """:func:`calc_medlyn_gs_quadratic` with the invariants ``gsc`` (:func:`_gs_constants`) given."""
    if an <= 0.0:
        return max(g0, 1.0)
    g0m, g0m2, g0m_2, gbd, k1 = gsc
    d = GS_CO2_RATIO * an * 1.0e-6 / (cs / pres)
    b = -(2.0 * (g0m + d) + (g1 * d) ** 2 / gbd)
    c = g0m2 + (g0m_2 + d * k1) * d
    return 0.5 * (-b + math.sqrt(max(b * b - 4.0 * c, 0.0))) * 1.0e6


@kernel
def _ci_residual_pre(ci, ac, aj, ap, rd, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip):
    """h(c_i) from given limiting rates (the c_i-dependent ones computed by the caller)."""
    an = calc_colimitation(ac, aj, ap, theta_cj, theta_ip) - rd
    cs = calc_cs(ca, an, pres, gb)
    gs = _gs_quadratic_pre(an, cs, pres, g0, g1, gsc)
    return max(cs - GS_CO2_RATIO * an * pres / gs, 1.0e-6) - ci


@kernel
def _c3_limits_pre(ci, vcmax, j, kco, gammastar, g8):
    """A_c, A_j of :func:`calc_c3_limits` with J, K_c(1 + o_i/K_o) and 8Γ* given (bit-identical)."""
    dc = max(ci - gammastar, 0.0)
    return vcmax * dc / (ci + kco), j * dc / (4.0 * ci + g8)


@kernel
def _c3_residual_pre(ci, vcmax, j, ap, rd, kco, gammastar, g8, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip):
    """:func:`_c3_residual` with the c_i-independent terms hoisted (J, K_c(1 + o_i/K_o), 8Γ*, 3 T_p and the
    g_s-quadratic invariants): the same operations on the same values, hence bit-identical."""
    ac, aj = _c3_limits_pre(ci, vcmax, j, kco, gammastar, g8)
    return _ci_residual_pre(ci, ac, aj, ap, rd, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip)


@kernel
def _c4_residual_pre(ci, vcmax, aj, kp, rd, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip):
    """:func:`_c4_residual` with the light-limited rate and the g_s-quadratic invariants hoisted."""
    return _ci_residual_pre(ci, vcmax, aj, kp * ci / pres, rd, ca, pres, g0, g1, gb, gsc, theta_cj,
                            theta_ip)


@kernel
def _illinois_step(x, hx, lo, hi, h_lo, h_hi, side):
    """One Illinois (modified false-position) update of a bracket [lo, hi] of a decreasing residual h.

    With h(x) = hx: x replaces the bound of the same sign; when the same bound moves twice in a row the
    other bound's residual is halved (the Illinois modification, which keeps convergence superlinear);
    the next point is the secant through the bounds, or the midpoint when that leaves the bracket.

    Returns
    -------
    (float, float, float, float, float, int)
        Next x, lo, hi, h(lo), h(hi) and the side that moved (+1 lower, -1 upper).

    Examples
    --------
    >>> [round(v, 6) for v in _illinois_step(1.0, 0.5, 0.0, 2.0, 1.0, -1.0, 0)[:3]]
    [1.333333, 1.0, 2.0]
    """
    if hx > 0.0:
        lo, h_lo = x, hx
        if side == 1:
            h_hi *= 0.5
        side = 1
    else:
        hi, h_hi = x, hx
        if side == -1:
            h_lo *= 0.5
        side = -1
    x = (lo * h_hi - hi * h_lo) / (h_hi - h_lo) if h_hi != h_lo else 0.5 * (lo + hi)
    if not (lo < x < hi):
        x = 0.5 * (lo + hi)
    return x, lo, hi, h_lo, h_hi, side


@kernel
def calc_leaf_c3(vcmax, jmax, tpu, rd, kc, ko, gammastar, oi, ca, pres, ci_ratio, g0, g1, vpd, gb, par_abs, theta_cj,
                 theta_ip):
    """Gross and net C3 assimilation and stomatal conductance of one leaf class (sunlit or shaded).

    .. math:: c_i = c_s(A_n) - 1.6 A_n(c_i) P / g_s(A_n, c_s),\\quad c_s = c_a - 1.4 A_n P/g_b

    solved to |Δc_i| < 1e-4 Pa by false position on a bracket (CLM solves the same equation with its hybrid
    secant/Brent solver), starting from the Medlyn closed form c_a g_1/(g_1 + √D).

    Parameters
    ----------
    vcmax, jmax, tpu, rd : float
        Capacities and dark respiration at leaf temperature (stress applied) [µmol m-2 s-1].
    kc, ko, gammastar, oi : float
        Kinetic constants and O2 partial pressure [Pa].
    ca : float
        Canopy-air CO2 partial pressure [Pa].
    pres : float
        Pressure [Pa].
    ci_ratio : float
        Medlyn ratio c_i/c_s = g_1/(g_1 + √D) [-] (:func:`calc_medlyn_ci` with c_s = 1).
    g0, g1 : float
        Medlyn intercept [µmol m-2 s-1] and slope [kPa^0.5].
    vpd : float
        Vapour pressure deficit [Pa].
    gb : float
        Boundary-layer conductance [µmol m-2 s-1].
    par_abs : float
        Absorbed PAR per leaf area [W m-2].
    theta_cj, theta_ip : float
        Co-limitation curvatures [-].

    Returns
    -------
    (float, float, float)
        A_g [µmol m-2 s-1], A_n [µmol m-2 s-1], g_s [µmol H2O m-2 s-1].

    References
    ----------
    Spec §1.4, §1.9; ``ci_func`` / ``ci_func_PHS`` (closed-form start, see the module docstring).

    Examples
    --------
    >>> r = calc_medlyn_ci(1.0, 2.35, 1000.0)
    >>> [round(x, 3) for x in calc_leaf_c3(50.0, 100.0, 8.35, 0.8, 40.49, 27840.0, 4.275, 20900.0, 40.0,
    ...                                     100000.0, r, 100.0, 2.35, 1000.0, 2.0e6, 100.0, 0.98, 0.95)][:2]
    [10.549, 9.749]
    """
    # CLM's c_i equation c_i = c_s(A_n) - 1.6 A_n P / g_s(A_n, c_s), solved by false position (Illinois) on a
    # bracket: h(c_i) = c_i,new - c_i falls monotonically; at c_i -> 0 it is > 0 (respiring leaf), at the upper
    # bound c_a + R_d P (1.4/g_b + 1.6/g_0) it is <= 0. Starts from the Medlyn closed form c_a r.
    # the c_i-independent terms of the residual, once per solve (_c3_residual_pre is bit-identical to
    # _c3_residual)
    j = calc_electron_transport(jmax, par_abs)
    kco = kc * (1.0 + oi / ko)
    g8 = 8.0 * gammastar
    ap = 3.0 * tpu
    gsc = _gs_constants(g0, g1, gb, vpd)
    lo = 1.0e-6
    hi = ca + rd * pres * (GB_CO2_RATIO / gb + GS_CO2_RATIO / max(g0, 1.0)) + 1.0e-3
    x = min(max(ca * ci_ratio, lo), hi)
    h_lo = _c3_residual_pre(lo, vcmax, j, ap, rd, kco, gammastar, g8, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip)
    h_hi = _c3_residual_pre(hi, vcmax, j, ap, rd, kco, gammastar, g8, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip)
    side = 0
    for _ in range(60):
        hx = _c3_residual_pre(x, vcmax, j, ap, rd, kco, gammastar, g8, ca, pres, g0, g1, gb, gsc, theta_cj,
                              theta_ip)
        if abs(hx) < CI_TOL or hi - lo < CI_TOL:
            break
        x, lo, hi, h_lo, h_hi, side = _illinois_step(x, hx, lo, hi, h_lo, h_hi, side)
    ac, aj = _c3_limits_pre(x, vcmax, j, kco, gammastar, g8)
    ag = calc_colimitation(ac, aj, ap, theta_cj, theta_ip)
    an = ag - rd
    cs = calc_cs(ca, an, pres, gb)
    return ag, an, _gs_quadratic_pre(an, cs, pres, g0, g1, gsc)


@kernel
def calc_leaf_c4(vcmax, kp, rd, ca, pres, ci_ratio, g0, g1, vpd, gb, par_abs, theta_cj, theta_ip):
    """Gross and net C4 assimilation and stomatal conductance of one leaf class (as :func:`calc_leaf_c3`).

    .. math:: A_g = \\mathrm{colim}(V_{cmax},\\, \\alpha 4.6\\phi,\\, k_p c_i/P)

    Parameters
    ----------
    vcmax, kp, rd : float
        V_cmax, k_p and R_d at leaf temperature [µmol m-2 s-1].
    ca, pres, ci_ratio, g0, g1, vpd, gb, par_abs, theta_cj, theta_ip : float
        As in :func:`calc_leaf_c3`.

    Returns
    -------
    (float, float, float)
        A_g, A_n [µmol m-2 s-1], g_s [µmol H2O m-2 s-1].

    References
    ----------
    Spec §1.3-§1.4, §1.9.

    Examples
    --------
    >>> r = calc_medlyn_ci(1.0, 1.62, 1000.0)
    >>> [round(x, 3) for x in calc_leaf_c4(18.3, 366000.0, 0.5, 40.0, 100000.0, r, 100.0, 1.62, 1000.0, 2.0e6,
    ...                                     100.0, 0.8, 0.95)][:2]
    [13.847, 13.347]
    """
    # CLM's c_i equation c_i = c_s(A_n) - 1.6 A_n P / g_s(A_n, c_s), solved by false position (Illinois) on a
    # bracket: h(c_i) = c_i,new - c_i falls monotonically; at c_i -> 0 it is > 0 (respiring leaf), at the upper
    # bound c_a + R_d P (1.4/g_b + 1.6/g_0) it is <= 0. Starts from the Medlyn closed form c_a r.
    _, aj, _ = calc_c4_limits(vcmax, kp, 1.0, pres, par_abs)     # c_i-independent terms, once per solve
    gsc = _gs_constants(g0, g1, gb, vpd)
    lo = 1.0e-6
    hi = ca + rd * pres * (GB_CO2_RATIO / gb + GS_CO2_RATIO / max(g0, 1.0)) + 1.0e-3
    x = min(max(ca * ci_ratio, lo), hi)
    h_lo = _c4_residual_pre(lo, vcmax, aj, kp, rd, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip)
    h_hi = _c4_residual_pre(hi, vcmax, aj, kp, rd, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip)
    side = 0
    for _ in range(60):
        hx = _c4_residual_pre(x, vcmax, aj, kp, rd, ca, pres, g0, g1, gb, gsc, theta_cj, theta_ip)
        if abs(hx) < CI_TOL or hi - lo < CI_TOL:
            break
        x, lo, hi, h_lo, h_hi, side = _illinois_step(x, hx, lo, hi, h_lo, h_hi, side)
    ag = calc_colimitation(vcmax, aj, kp * x / pres, theta_cj, theta_ip)
    an = ag - rd
    cs = calc_cs(ca, an, pres, gb)
    return ag, an, _gs_quadratic_pre(an, cs, pres, g0, g1, gsc)
