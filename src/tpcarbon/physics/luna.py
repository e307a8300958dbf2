r"""LUNA: daily V_cmax25 and J_max25 of C3 leaves from an optimal partition of leaf nitrogen.

LUNA V1.0 (Leaf Utilization of Nitrogen for Assimilation; Ali et al. 2016, GMD 9:587; Xu et al. 2012)
divides the functional leaf N among light capture, electron transport, carboxylation, respiration and
storage so as to maximise the daily net carbon gain under the last ten days' environment, then moves
V_cmax25 and J_max25 towards that optimum by at most the daily enzyme turnover. CLM5 runs it once a day, at
the last time step of the day, for the sunlit leaf of C3 natural PFTs; PhotosynthesisMod scales the result
to the shaded leaf (docs/luna_integration.md).

Sources: CTSM ``release-clm5.0`` (commit fdfc03a0) ``src/biogeophys/LunaMod.F90``:
``Update_Photosynthesis_Capacity`` (l.147-449), ``Acc240_Climate_LUNA`` (l.453-579), ``Acc24_Climate_LUNA``
(l.582-676), ``NitrogenAllocation`` (l.757-942), ``Nitrogen_investments`` (l.948-1028),
``Photosynthesis_luna`` (l.1037-1147), ``NUEref`` (l.1154-1192), ``NUE`` (l.1198-1229), ``VcmxTKattge`` and
``JmxTKattge`` (l.1234-1269), ``RespTBernacchi`` (l.1313-1318), ``Quadratic`` (l.1324-1352);
``src/main/accumulMod.F90::update_accum_field_runmean`` (l.586-625); CLM5 Tech Note, Photosynthetic Capacity
(eqs 10.1-10.18; the code wins where they differ, spec §1.6).

The kernels follow CLM's arithmetic, quirks included (each is named where it occurs): the 24-h leaf
temperature of the enzyme turnover uses the daytime temperature twice; LUNA's kinetic constants are fixed
partial pressures (not scaled by surface pressure) with R = 8.314; the N_lc step is a float32 literal.
Temperatures are taken in K (CLM works in °C) and converted with :data:`tpcarbon.constants.TFRZ`. All
kernels are scalar float64 and allocation-free.
"""

from __future__ import annotations

import math

from tpcarbon.constants import HOURS_PER_DAY, RGAS, SECSPDAY, SECSPHR, TFRZ, UMOL_PER_MOL
from tpcarbon.params.fixed import (
    GS_CO2_RATIO,
    HA_GAMMA,
    HA_JMAX,
    HA_KC,
    HA_KO,
    HA_RD,
    HA_VCMAX,
    HD_JMAX,
    HD_VCMAX,
    LUNA_ALPHA,
    LUNA_BB_BP,
    LUNA_BB_SLOPE,
    LUNA_CB,
    LUNA_CI_FALLBACK,
    LUNA_CI_OFFSET,
    LUNA_CI_RATIO,
    LUNA_CI_TOL,
    LUNA_CO2REF_PPM,
    LUNA_CP25,
    LUNA_CV,
    LUNA_DAYL_REF_H,
    LUNA_DECAY_FRAC,
    LUNA_DECAY_MAX,
    LUNA_EMA_WEIGHT,
    LUNA_ENZ_TMAX_C,
    LUNA_ENZ_TURNOVER_DAILY,
    LUNA_ENZS_MIN,
    LUNA_FC25,
    LUNA_FJ25,
    LUNA_FNCA_LOW_FRAC,
    LUNA_FNCA_MAX,
    LUNA_FNCA_STRUCT_FRAC,
    LUNA_GB_CO2_RATIO,
    LUNA_JMAXB0,
    LUNA_JMAXB1,
    LUNA_JMX25_MAX,
    LUNA_JMX25_RESET,
    LUNA_KC25,
    LUNA_KO25,
    LUNA_LEAF_MR_VCM,
    LUNA_MAX_ITER,
    LUNA_NLC_INIT_MAX,
    LUNA_NLC_MAX_FRAC,
    LUNA_NLC_MIN,
    LUNA_NLC_SHRINK,
    LUNA_NLC_STEP,
    LUNA_NMCP25,
    LUNA_NPSN_MAX_FRAC,
    LUNA_NUER25,
    LUNA_O2REF_PPM,
    LUNA_PAR_MIN,
    LUNA_PAR_NOLEAF,
    LUNA_PARTOP_UMOL_PER_J,
    LUNA_PBOT_REF,
    LUNA_PNLC_SEED,
    LUNA_Q10_ENZ,
    LUNA_QUAD_SENTINEL,
    LUNA_RELCLNCA_MIN,
    LUNA_RELCLNCA_SLOPE,
    LUNA_RELH_EXP,
    LUNA_RELH_MIN,
    LUNA_RESP_C,
    LUNA_RGAS_PSN,
    LUNA_SNC,
    LUNA_THETA_CJ,
    LUNA_TLEAF_MAX_C,
    LUNA_TLEAF_MIN_C,
    LUNA_VCMX25_MAX,
    LUNA_VCMX25_RESET,
    LUNA_WC2WJB0,
    PAR_UMOL_PER_J,
    Q10_SPAN,
    T_REF25,
)
from tpcarbon.physics import kernel
from tpcarbon.physics.photosynthesis import calc_acclimation_entropy, calc_arrhenius, calc_high_temp_factor


# ==================================================================== temperature and N-use efficiency
@kernel
def calc_luna_vcmax_tfactor(tgrow, tleaf):
    r"""V_cmax temperature factor with Kattge & Knorr (2007) acclimation, as LUNA uses it (``VcmxTKattge``).

    .. math:: f_V(T_g, T_l) = f(T_l; 72000)\, f_H(T_l; 200000, \Delta S_v(T_g)),\quad
              \Delta S_v = 668.39 - 1.07\,\mathrm{clamp}(T_g - T_f, 11, 35)

    Parameters
    ----------
    tgrow : float
        Growth temperature T_g, the 10-day mean 2 m air temperature [K].
    tleaf : float
        Leaf temperature T_l [K].

    Returns
    -------
    float
        f_V [-] (1 at T_l = 298.15 K).

    References
    ----------
    ``LunaMod.F90::VcmxTKattge`` (l.1234-1249): the functions ``ft``, ``fth``, ``fth25`` of
    ``PhotosynthesisMod.F90`` (spec §1.2), reused from :mod:`tpcarbon.physics.photosynthesis`.

    Examples
    --------
    >>> round(calc_luna_vcmax_tfactor(283.15, 288.15), 4)
    0.4265
    """
    sv, _ = calc_acclimation_entropy(tgrow)
    return calc_arrhenius(tleaf, HA_VCMAX) * calc_high_temp_factor(tleaf, HD_VCMAX, sv)


@kernel
def calc_luna_jmax_tfactor(tgrow, tleaf):
    r"""J_max temperature factor with Kattge & Knorr (2007) acclimation (``JmxTKattge``).

    .. math:: f_J(T_g, T_l) = f(T_l; 50000)\, f_H(T_l; 200000, \Delta S_j(T_g)),\quad
              \Delta S_j = 659.70 - 0.75\,\mathrm{clamp}(T_g - T_f, 11, 35)

    Parameters
    ----------
    tgrow : float
        10-day mean 2 m air temperature [K].
    tleaf : float
        Leaf temperature [K].

    Returns
    -------
    float
        f_J [-].

    References
    ----------
    ``LunaMod.F90::JmxTKattge`` (l.1254-1269); spec §1.2.

    Examples
    --------
    >>> round(calc_luna_jmax_tfactor(283.15, 288.15), 4)
    0.5418
    """
    _, sj = calc_acclimation_entropy(tgrow)
    return calc_arrhenius(tleaf, HA_JMAX) * calc_high_temp_factor(tleaf, HD_JMAX, sj)


@kernel
def calc_luna_resp_tfactor(tleaf):
    r"""Respiration temperature factor of Bernacchi et al. (2001) (``RespTBernacchi``).

    .. math:: f_R(T) = \exp\left(18.72 - \frac{46390}{R\,T}\right)

    CLM writes 46.39 kJ mol-1 with R in kJ mol-1 K-1; f_R = 1.0065 at 25 °C.

    Parameters
    ----------
    tleaf : float
        Leaf temperature [K].

    Returns
    -------
    float
        f_R [-].

    References
    ----------
    ``LunaMod.F90::RespTBernacchi`` (l.1313-1318).

    Examples
    --------
    >>> round(calc_luna_resp_tfactor(298.15), 4)
    1.0065
    """
    return math.exp(LUNA_RESP_C - HA_RD / (RGAS * tleaf))


@kernel
def calc_luna_nue(o2, ci, tgrow, tleaf):
    r"""N-use efficiencies of electron transport and carboxylation at given c_i and temperature (``NUE``).

    .. math:: K_j = \frac{\max(c_i - \Gamma^*, 0)}{4 c_i + 8 \Gamma^*},\quad
              K_c = \frac{\max(c_i - \Gamma^*, 0)}{c_i + K_c'(1 + o/K_o)},\quad
              \mathrm{NUE}_j = K_j F_{j25} f_J,\quad \mathrm{NUE}_c = K_c F_{c25} f_V

    with K_c' = 40.49 f(79430), K_o = 27840 f(36380), Γ* = 4.275 f(37830) Pa: fixed partial pressures, not
    scaled by surface pressure; Arrhenius factors with R = rgas.

    Parameters
    ----------
    o2 : float
        O2 partial pressure [Pa].
    ci : float
        Intercellular CO2 partial pressure [Pa].
    tgrow : float
        10-day mean air temperature [K].
    tleaf : float
        Leaf temperature [K].

    Returns
    -------
    (float, float, float)
        NUE_j [µmol e- s-1 g-1 N], NUE_c [µmol CO2 s-1 g-1 N], K_j/K_c [-].

    References
    ----------
    ``LunaMod.F90::NUE`` (l.1198-1229).

    Examples
    --------
    >>> [round(x, 4) for x in calc_luna_nue(21223.0, 26.95, 298.15, 298.15)]
    [200.7217, 67.8591, 0.6923]
    """
    fc = calc_luna_vcmax_tfactor(tgrow, tleaf) * LUNA_FC25
    fj = calc_luna_jmax_tfactor(tgrow, tleaf) * LUNA_FJ25
    k_c = LUNA_KC25 * calc_arrhenius(tleaf, HA_KC)
    k_o = LUNA_KO25 * calc_arrhenius(tleaf, HA_KO)
    c_p = LUNA_CP25 * calc_arrhenius(tleaf, HA_GAMMA)
    awc = k_c * (1.0 + o2 / k_o)
    kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
    kc = max(ci - c_p, 0.0) / (ci + awc)
    return kj * fj, kc * fc, kj / kc


@kernel
def calc_luna_nue_ref():
    r"""Return the N-use efficiencies at 25 °C, 380 ppm CO2, 209460 ppm O2 and 101325 Pa (``NUEref``).

    .. math:: (\mathrm{NUE}_{j,ref}, \mathrm{NUE}_{c,ref}, K_j/K_c|_{ref}) =
              \mathrm{NUE}(o_{ref},\ 0.7\,c_{a,ref},\ 25\,°C,\ 25\,°C)

    Returns
    -------
    (float, float, float)
        NUE_j,ref, NUE_c,ref [µmol s-1 g-1 N], (K_j/K_c)_ref [-].

    References
    ----------
    ``LunaMod.F90::NUEref`` (l.1154-1192).

    Examples
    --------
    >>> [round(x, 4) for x in calc_luna_nue_ref()]
    [200.7295, 67.8642, 0.6923]
    """
    co2 = LUNA_CO2REF_PPM * LUNA_PBOT_REF / UMOL_PER_MOL
    o2 = LUNA_O2REF_PPM * LUNA_PBOT_REF / UMOL_PER_MOL
    return calc_luna_nue(o2, LUNA_CI_RATIO * co2, T_REF25, T_REF25)


@kernel
def calc_luna_jmax_coef(hourpd, relh):
    r"""Light response of J_max scaled by daylength and humidity (``JmaxCoef``).

    .. math:: c_J = J_{maxb1} \left(\frac{h}{12}\right)^2
              \left[1 - \exp\left(-H\,\frac{\max(RH - 0.25, 0)}{1 - 0.25}\right)\right]

    Parameters
    ----------
    hourpd : float
        Daylength h [hours].
    relh : float
        10-day mean canopy-air relative humidity RH [-].

    Returns
    -------
    float
        c_J [-]; 0 for RH ≤ 0.25.

    References
    ----------
    ``LunaMod.F90::NitrogenAllocation`` l.865-866; Tech Note eqs 10.5-10.8 (J_maxb1 = 0.093563, spec §1.6).

    Examples
    --------
    >>> round(calc_luna_jmax_coef(12.0, 0.7), 5)
    0.09116
    """
    return (LUNA_JMAXB1 * (hourpd / LUNA_DAYL_REF_H) ** 2
            * (1.0 - math.exp(-LUNA_RELH_EXP * max(relh - LUNA_RELH_MIN, 0.0) / (1.0 - LUNA_RELH_MIN))))


# ==================================================================== leaf gas exchange inside LUNA
@kernel
def _arrhenius_psn(tleaf, ha):
    """Arrhenius factor with LUNA's hard-coded R = 8.314 (``Photosynthesis_luna`` l.1100-1102)."""
    return math.exp(ha / (LUNA_RGAS_PSN * T_REF25) * (1.0 - T_REF25 / tleaf))


@kernel
def calc_luna_larger_root(a, b, c):
    r"""Larger root of a x² + b x + c = 0 as LUNA takes it (the max of CLM's ``Quadratic`` roots).

    .. math:: q = -\tfrac12\left(b + \mathrm{sgn}(b)\sqrt{b^2 - 4ac}\right),\quad x = \max(q/a,\ c/q)

    Parameters
    ----------
    a, b, c : float
        Coefficients.

    Returns
    -------
    float
        The larger root; CLM's sentinel 1e36 where a root is undefined (a = 0 or q = 0).

    References
    ----------
    ``LunaMod.F90::Quadratic`` (l.1324-1352), used by ``Photosynthesis_luna`` l.1116, l.1134.

    Examples
    --------
    >>> calc_luna_larger_root(1.0, -3.0, 2.0)
    2.0
    """
    if a == 0.0:
        return LUNA_QUAD_SENTINEL
    if b >= 0.0:
        q = -0.5 * (b + math.sqrt(b * b - 4.0 * a * c))
    else:
        q = -0.5 * (b - math.sqrt(b * b - 4.0 * a * c))
    r1 = q / a
    r2 = c / q if q != 0.0 else LUNA_QUAD_SENTINEL
    return max(r1, r2)


@kernel
def calc_luna_photosynthesis(pbot, tleaf, relh, co2, o2, rb, vcmax, jmean):
    r"""Daytime gross assimilation of LUNA's coupled Farquhar / Ball-Berry leaf (``Photosynthesis_luna``).

    c_i solves, by fixed point on CLM's quadratic, the Rubisco-limited system :math:`W_c = K_c V_{cmax}`,
    :math:`g_s = 1/2000 + 9 W_c h P/c_a`, :math:`c_i = c_a - W_c P (1.37 g_s + 1.6 g_b)/(g_b g_s)`; if then
    W_j = K_j J < W_c, the light-limited system (W_j = J (c_i − Γ*)/(4 c_i + 8 Γ*)) is solved the same way.

    .. math:: A = (1 - 0.95)\max(W_c, W_j) + 0.95 \min(W_c, W_j)

    with g_b = P/(8.314 T) 10⁶/r_b, h = max(RH, 0.25), and K_c', K_o, Γ* the fixed 25 °C partial pressures
    40.49, 27840, 4.275 Pa times Arrhenius factors with R = 8.314.

    Parameters
    ----------
    pbot : float
        10-day mean surface pressure P [Pa].
    tleaf : float
        Daytime leaf temperature [K].
    relh : float
        Relative humidity [-].
    co2, o2 : float
        CO2 and O2 partial pressures [Pa].
    rb : float
        Leaf boundary-layer resistance [s m-1].
    vcmax : float
        V_cmax at leaf temperature [µmol m-2 s-1].
    jmean : float
        Electron transport rate under the mean daytime PAR [µmol m-2 s-1].

    Returns
    -------
    (float, float, float, float)
        c_i [Pa], K_c [-] (W_c/V_cmax), K_j [-] (W_j/J), A [µmol m-2 s-1].

    References
    ----------
    ``LunaMod.F90::Photosynthesis_luna`` (l.1037-1147).

    Examples
    --------
    >>> out = calc_luna_photosynthesis(60000.0, 288.15, 0.6, 23.0, 12500.0, 30.0, 40.0, 90.0)
    >>> [round(x, 4) for x in out]
    [14.9081, 0.3246, 0.1553, 13.0331]
    """
    bbb = 1.0 / LUNA_BB_BP
    relhc = max(LUNA_RELH_MIN, relh)
    ci = LUNA_CI_RATIO * co2
    ciold = ci - LUNA_CI_OFFSET
    cf = pbot / (LUNA_RGAS_PSN * tleaf) * UMOL_PER_MOL
    gb_mol = cf / rb
    k_c = LUNA_KC25 * _arrhenius_psn(tleaf, HA_KC)
    k_o = LUNA_KO25 * _arrhenius_psn(tleaf, HA_KO)
    c_p = LUNA_CP25 * _arrhenius_psn(tleaf, HA_GAMMA)
    awc = k_c * (1.0 + o2 / k_o)
    i = 1
    while abs(ci - ciold) > LUNA_CI_TOL and i < LUNA_MAX_ITER:      # Rubisco limitation
        i += 1
        ciold = ci
        kc = max(ci - c_p, 0.0) / (ci + awc)
        wc = kc * vcmax
        gs_mol = bbb + LUNA_BB_SLOPE * wc / co2 * pbot * relhc
        phi = pbot * (LUNA_GB_CO2_RATIO * gs_mol + GS_CO2_RATIO * gb_mol) / (gb_mol * gs_mol)
        ci = calc_luna_larger_root(1.0, awc - co2 + phi * vcmax, -(c_p * phi * vcmax + awc * co2))
        if ci < 0.0:
            ci = c_p + LUNA_CI_FALLBACK * ciold
    kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
    kc = max(ci - c_p, 0.0) / (ci + awc)
    wc = kc * vcmax
    wj = kj * jmean
    ciold = ci - LUNA_CI_OFFSET
    if wj < wc:                                                      # light limitation
        i = 1
        while abs(ci - ciold) > LUNA_CI_TOL and i < LUNA_MAX_ITER:
            i += 1
            ciold = ci
            gs_mol = bbb + LUNA_BB_SLOPE * wj / co2 * pbot * relhc
            phi = pbot * (LUNA_GB_CO2_RATIO * gs_mol + GS_CO2_RATIO * gb_mol) / (gb_mol * gs_mol)
            ci = calc_luna_larger_root(1.0, 2.0 * c_p - co2 + phi * jmean / 4.0,
                                       -(c_p * phi * jmean / 4.0 + 2.0 * c_p * co2))
            if ci < 0.0:
                ci = c_p + LUNA_CI_FALLBACK * ciold
            kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
            wj = kj * jmean
        kj = max(ci - c_p, 0.0) / (4.0 * ci + 8.0 * c_p)
        kc = max(ci - c_p, 0.0) / (ci + awc)
        wc = kc * vcmax
        wj = kj * jmean
    a = (1.0 - LUNA_THETA_CJ) * max(wc, wj) + LUNA_THETA_CJ * min(wc, wj)
    return ci, kc, kj, a


# ==================================================================== N investments and their optimum
@kernel
def calc_luna_nitrogen_investments(update_kckj, fnca, nlc, pbot, relh, co2, o2, par, parmx, rb, hourpd,
                                   tgrow, tleafd, tleafn, kj2kc, jmax_coef, fc, fj, nuec, nuej, nuecref,
                                   nuejref, nuer, kc, kj, ci):
    r"""N in electron transport, carboxylation and respiration, and daily gross C gain, for a given N_lc.

    .. math:: \alpha = \frac{0.292}{1 + 0.076/(N_{lc} C_b)},\quad
              J_{max} = J_{maxb0} FNC_a F_j + c_J \alpha PAR,\quad
              J_x = \frac{\alpha PAR_x}{\sqrt{1 + (\alpha PAR_x/J_{max})^2}},\quad
              J = \frac{\alpha PAR}{\sqrt{1 + (\alpha PAR/J_{max})^2}}

    .. math:: V_{cmax} = \min\left(1,\ t_{c,j0}\sqrt{\frac{NUE_c/NUE_{c,ref}}{NUE_j/NUE_{j,ref}}}\right)
              J_x \frac{K_j}{K_c},\quad N_{et} = \frac{J_{max}}{F_j},\quad N_{cb} = \frac{V_{cmax}}{F_c},
              \quad N_{resp} = \frac{R_{day}}{NUE_r}

    .. math:: PSN = C_v A h,\quad
              R_{day} = 0.015\,C_v\left[V_{cmax} h + V_{cmax}\frac{f_V(T_n)}{f_V(T_d)}(24 - h)\right]

    Parameters
    ----------
    update_kckj : bool
        True: solve the leaf gas exchange (:func:`calc_luna_photosynthesis`) for K_c, K_j, c_i
        (``KcKjFlag = 0``); False: use the given K_c, K_j (``KcKjFlag = 1``).
    fnca : float
        Functional leaf N FNC_a [g N m-2 leaf].
    nlc : float
        N in light capture N_lc [g N m-2 leaf].
    pbot, relh, co2, o2, rb : float
        10-day mean pressure [Pa], relative humidity [-], CO2 and O2 [Pa], boundary-layer resistance [s m-1].
    par, parmx : float
        10-day mean and mean-maximum PAR, floored at 200 [µmol m-2 s-1].
    hourpd : float
        Daylength h [hours].
    tgrow, tleafd, tleafn : float
        10-day air, daytime leaf and night-time leaf temperature (leaf clamped to 5-42 °C) [K].
    kj2kc : float
        K_j/K_c from :func:`calc_luna_nue` [-].
    jmax_coef : float
        :func:`calc_luna_jmax_coef` [-].
    fc, fj : float
        F_c25 f_V and F_j25 f_J at the daytime leaf temperature [µmol s-1 g-1 N].
    nuec, nuej, nuecref, nuejref : float
        N-use efficiencies now and at reference [µmol s-1 g-1 N].
    nuer : float
        N-use efficiency of respiration, C_v NUE_r25 [f_R(T_d) h + f_R(T_n)(24 − h)] [g C d-1 g-1 N].
    kc, kj, ci : float
        K_c, K_j [-] and c_i [Pa] of the last gas-exchange solution (used when ``update_kckj`` is False).

    Returns
    -------
    (float, float, float, float, float, float, float, float, float)
        V_cmax and J_max at the daytime leaf temperature [µmol m-2 s-1]; N_et, N_cb, N_resp
        [g N m-2 leaf]; PSN [g C m-2 leaf d-1]; K_c, K_j [-] and c_i [Pa] (new when ``update_kckj``).

    References
    ----------
    ``LunaMod.F90::Nitrogen_investments`` (l.948-1028); Tech Note eqs 10.5-10.18.

    Examples
    --------
    >>> nj, nc, k = calc_luna_nue(12500.0, 16.1, 283.15, 288.15)
    >>> njr, ncr, _ = calc_luna_nue_ref()
    >>> fc = calc_luna_vcmax_tfactor(283.15, 288.15) * 294.2
    >>> fj = calc_luna_jmax_tfactor(283.15, 288.15) * 1257.0
    >>> fr = calc_luna_resp_tfactor(288.15) * 14.0 + calc_luna_resp_tfactor(278.15) * 10.0
    >>> out = calc_luna_nitrogen_investments(True, 1.3, 0.1, 60000.0, 0.6, 23.0, 12500.0, 1000.0, 1800.0,
    ...                                      30.0, 14.0, 283.15, 288.15, 278.15, k, 0.09, fc, fj, nc, nj, ncr,
    ...                                      njr, 0.0432 * 33.69 * fr, 0.0, 0.0, 16.1)
    >>> [round(x, 3) for x in out[:6]]
    [18.501, 45.952, 0.067, 0.147, 0.014, 3.788]
    """
    alpha = LUNA_ALPHA[0] / (1.0 + LUNA_ALPHA[1] / (nlc * LUNA_CB))
    eltrn = alpha * par
    jmax = LUNA_JMAXB0 * fnca * fj + jmax_coef * eltrn
    jmaxl = alpha * parmx / math.sqrt(1.0 + (alpha * parmx / jmax) ** 2)
    nuechg = (nuec / nuecref) * (nuejref / nuej)
    wc2wj = min(1.0, LUNA_WC2WJB0 * math.sqrt(nuechg))
    vcmax = wc2wj * jmaxl * kj2kc
    jmean = alpha * par / math.sqrt(1.0 + (eltrn / jmax) ** 2)
    if update_kckj:
        ci, kc, kj, a = calc_luna_photosynthesis(pbot, tleafd, relh, co2, o2, rb, vcmax, jmean)
    else:
        wc = kc * vcmax
        wj = kj * jmean
        a = (1.0 - LUNA_THETA_CJ) * max(wc, wj) + LUNA_THETA_CJ * min(wc, wj)
    psn = LUNA_CV * a * hourpd
    vcmax_night = calc_luna_vcmax_tfactor(tgrow, tleafn) / calc_luna_vcmax_tfactor(tgrow, tleafd) * vcmax
    resp = LUNA_CV * LUNA_LEAF_MR_VCM * (vcmax * hourpd + vcmax_night * (HOURS_PER_DAY - hourpd))
    return vcmax, jmax, jmax / fj, vcmax / fc, resp / nuer, psn, kc, kj, ci


@kernel
def calc_luna_nitrogen_allocation(fnca, pbot, relh, co2, o2, par, parmx, rb, hourpd, tgrow, tleafd, tleafn,
                                  pnlc_old):
    r"""Optimal partition of functional leaf N (``NitrogenAllocation``).

    From N_lc = PNlc_old FNC_a (≤ 0.5 FNC_a), N_lc moves by ΔN = 0.02 FNC_a per pass as long as the change
    in daily gross gain exceeds the change in enzyme maintenance cost,

    .. math:: \Delta PSN > \Delta N_{psn}\, NMC_{p25}\, C_v\,[f_R(T_d)\,h + f_R(T_n)(24 - h)],
              \qquad N_{psn} = N_{lc} + N_{et} + N_{cb},

    upwards if the first pass accepts an increase (possible only with N_store > 0), downwards otherwise,
    until a pass leaves N_lc unchanged (at most 99 passes). PAR is floored at 200 µmol m-2 s-1 and leaf
    temperatures are clamped to 5-42 °C.

    Parameters
    ----------
    fnca : float
        Functional leaf N FNC_a [g N m-2 leaf].
    pbot, relh, co2, o2, rb : float
        10-day means: pressure [Pa], relative humidity ≤ 1 [-], CO2 and O2 [Pa], boundary-layer resistance
        [s m-1].
    par, parmx : float
        10-day mean and mean-maximum daytime PAR of the sunlit leaf, as CLM forms it
        (4.6 × absorbed/(1 − ρ − τ)) [µmol m-2 s-1].
    hourpd : float
        Daylength [hours].
    tgrow, tleafd, tleafn : float
        10-day mean 2 m air temperature, daytime and night-time leaf temperature [K].
    pnlc_old : float
        Previous day's fraction of FNC_a in light capture [-].

    Returns
    -------
    (float, float, float, float, float)
        Fractions of FNC_a in storage, light capture, electron transport, respiration and carboxylation
        (PNstore, PNlc, PNet, PNresp, PNcb) [-].

    References
    ----------
    ``LunaMod.F90::NitrogenAllocation`` (l.757-942); Tech Note eq. 10.4. CLM passes PNetold = PNrespold =
    PNcbold = 0 (``Update_Photosynthesis_Capacity`` l.364-367) and they are overwritten before use: only PNlc
    is state.

    Examples
    --------
    >>> out = calc_luna_nitrogen_allocation(1.324, 60000.0, 0.6, 23.0, 12500.0, 1000.0, 1800.0, 30.0, 14.0,
    ...                                     283.15, 288.15, 278.15, 0.01)
    >>> [round(x, 4) for x in out]
    [0.3198, 0.45, 0.0673, 0.0145, 0.1484]
    """
    nuejref, nuecref, _ = calc_luna_nue_ref()
    nlc = pnlc_old * fnca
    net = 0.0
    nresp = 0.0
    ncb = 0.0
    if nlc > fnca * LUNA_NLC_INIT_MAX:
        nlc = LUNA_NLC_INIT_MAX * fnca
    chg_per_step = LUNA_NLC_STEP * fnca
    pnlc = pnlc_old
    pnlcoldi = pnlc_old - LUNA_PNLC_SEED
    parc = max(LUNA_PAR_MIN, par)
    parmxc = max(LUNA_PAR_MIN, parmx)
    increase_flag = False
    jj = 1
    tleafdc = min(max(tleafd, TFRZ + LUNA_TLEAF_MIN_C), TFRZ + LUNA_TLEAF_MAX_C)
    tleafnc = min(max(tleafn, TFRZ + LUNA_TLEAF_MIN_C), TFRZ + LUNA_TLEAF_MAX_C)
    ci = LUNA_CI_RATIO * co2
    kc = 0.0
    kj = 0.0
    nstore = 0.0
    jcoef = calc_luna_jmax_coef(hourpd, relh)
    fc = calc_luna_vcmax_tfactor(tgrow, tleafdc) * LUNA_FC25
    fj = calc_luna_jmax_tfactor(tgrow, tleafdc) * LUNA_FJ25
    rday = (calc_luna_resp_tfactor(tleafdc) * hourpd
            + calc_luna_resp_tfactor(tleafnc) * (HOURS_PER_DAY - hourpd))
    nuer = LUNA_CV * LUNA_NUER25 * rday
    while pnlcoldi != pnlc and jj < LUNA_MAX_ITER:
        nuej, nuec, kj2kc = calc_luna_nue(o2, ci, tgrow, tleafdc)
        _, _, net, ncb, nresp, psn, kc, kj, ci = calc_luna_nitrogen_investments(
            True, fnca, nlc, pbot, relh, co2, o2, parc, parmxc, rb, hourpd, tgrow, tleafdc, tleafnc, kj2kc,
            jcoef, fc, fj, nuec, nuej, nuecref, nuejref, nuer, kc, kj, ci)
        npsn = nlc + ncb + net
        pnlcoldi = nlc / fnca
        nstore = fnca - npsn - nresp
        # ---- try more N in light capture
        if nstore > 0.0 and (increase_flag or jj == 1):
            nlc2 = nlc + chg_per_step
            if nlc2 / fnca > LUNA_NLC_MAX_FRAC:
                nlc2 = LUNA_NLC_MAX_FRAC * fnca
            _, _, net2, ncb2, nresp2, psn2, _, _, _ = calc_luna_nitrogen_investments(
                False, fnca, nlc2, pbot, relh, co2, o2, parc, parmxc, rb, hourpd, tgrow, tleafdc, tleafnc,
                kj2kc, jcoef, fc, fj, nuec, nuej, nuecref, nuejref, nuer, kc, kj, ci)
            npsn2 = nlc2 + ncb2 + net2
            cost2 = (npsn2 - npsn) * LUNA_NMCP25 * LUNA_CV * rday
            gain2 = psn2 - psn
            if gain2 > cost2 and npsn2 + nresp2 < LUNA_NPSN_MAX_FRAC * fnca:
                nlc = nlc2
                net = net2
                ncb = ncb2
                nstore = fnca - npsn2 - nresp2
                if jj == 1:
                    increase_flag = True
        # ---- try less N in light capture (unless the first pass accepted an increase)
        if not increase_flag:
            if nstore < 0.0:
                nlc1 = nlc * LUNA_NLC_SHRINK
            else:
                nlc1 = nlc - chg_per_step
            if nlc1 < LUNA_NLC_MIN:
                nlc1 = LUNA_NLC_MIN
            _, _, net1, ncb1, nresp1, psn1, _, _, _ = calc_luna_nitrogen_investments(
                False, fnca, nlc1, pbot, relh, co2, o2, parc, parmxc, rb, hourpd, tgrow, tleafdc, tleafnc,
                kj2kc, jcoef, fc, fj, nuec, nuej, nuecref, nuejref, nuer, kc, kj, ci)
            npsn1 = nlc1 + ncb1 + net1
            cost1 = (npsn - npsn1) * LUNA_NMCP25 * LUNA_CV * rday
            gain1 = psn - psn1
            if (gain1 < cost1 and nlc1 > LUNA_NLC_MIN) or (npsn + nresp) > LUNA_NPSN_MAX_FRAC * fnca:
                nlc = nlc1
                net = net1
                ncb = ncb1
                nstore = fnca - npsn1 - nresp1
        pnlc = nlc / fnca
        jj += 1
    return nstore / fnca, nlc / fnca, net / fnca, nresp / fnca, ncb / fnca


@kernel
def calc_luna_functional_n(lnc, slatop, rel_rad):
    r"""Functional leaf N per leaf area: leaf N minus structural N, scaled by canopy position.

    .. math:: FNC_a = \min\left(15,\ r\,\begin{cases} LNC_a - SNC/SLA_0 & 0.9\,LNC_a > SNC/SLA_0 \\
              0.1\,LNC_a & \text{otherwise}\end{cases}\right),\quad
              r = \mathrm{clamp}(0.1802 \ln(PAR_i/PAR_{top}) + 1,\ 0.2,\ 1)

    Parameters
    ----------
    lnc : float
        Leaf N per leaf area at the canopy top LNC_a (CLM ``lnca``) [g N m-2 leaf].
    slatop : float
        Specific leaf area at the canopy top SLA_0 [m2 leaf g-1 C].
    rel_rad : float
        PAR_i/PAR_top [-]; 1 for the sun/shade big leaf (nlevcan = 1) with exposed leaves.

    Returns
    -------
    float
        FNC_a [g N m-2 leaf].

    References
    ----------
    ``LunaMod.F90::Update_Photosynthesis_Capacity`` l.326-352; Tech Note eqs 10.1-10.3 (SNC = 0.004
    g N g-1 C in the code, 0.002 in the Tech Note).

    Examples
    --------
    >>> round(calc_luna_functional_n(1.0 / (0.01 * 58.0), 0.01, 1.0), 4)   # needleleaf evergreen, leafcn 58
    1.3241
    """
    rel = min(max(LUNA_RELCLNCA_SLOPE * math.log(rel_rad) + 1.0, LUNA_RELCLNCA_MIN), 1.0)
    snca = 1.0 / slatop * LUNA_SNC
    if LUNA_FNCA_STRUCT_FRAC * lnc > snca:
        fnca = rel * (lnc - snca)
    else:
        fnca = rel * LUNA_FNCA_LOW_FRAC * lnc
    return min(fnca, LUNA_FNCA_MAX)


# ==================================================================== the daily update
@kernel
def calc_luna_daily_change_limit(tleafd10, dayl):
    r"""Maximum relative daily change of V_cmax25 and J_max25 (the enzyme turnover at leaf temperature).

    .. math:: \delta = 0.1\cdot 2^{(\min(T_{l10},\,40\,°C) - 25\,°C)/10},\quad
              T_{l10} = \frac{d\,T_{d10} + (86400 - d)\,T_{d10}}{86400}

    CLM forms the 24-h leaf temperature T_l10 from the *daytime* temperature in both terms (the night term
    uses T_d10 too, ``Update_Photosynthesis_Capacity`` l.300), so T_l10 = T_d10; kept as CLM runs it.

    Parameters
    ----------
    tleafd10 : float
        10-day mean daytime leaf temperature T_d10 [K].
    dayl : float
        Daylength d [s].

    Returns
    -------
    float
        δ [d-1].

    References
    ----------
    ``LunaMod.F90::Update_Photosynthesis_Capacity`` l.300, l.306-307.

    Examples
    --------
    >>> round(calc_luna_daily_change_limit(288.15, 50400.0), 5)
    0.05
    """
    tleaf10 = (dayl * tleafd10 + (SECSPDAY - dayl) * tleafd10) / SECSPDAY
    tfac = LUNA_Q10_ENZ ** ((min(TFRZ + LUNA_ENZ_TMAX_C, tleaf10) - T_REF25) / Q10_SPAN)
    return tfac * LUNA_ENZ_TURNOVER_DAILY


@kernel
def calc_luna_optimal_capacity(lnc, slatop, rholvis, taulvis, elai, t10, t_veg10_day, t_veg10_night,
                               par240d, par240x, rb10, rh10, pco2_240, po2_240, pbot240, dayl, pnlc_old):
    r"""V_cmax25 and J_max25 of the optimal N partition for the last ten days (before the daily limit).

    .. math:: V_{cmax25}^{opt} = PN_{cb}\,FNC_a\,F_{c25},\qquad J_{max25}^{opt} = PN_{et}\,FNC_a\,F_{j25}

    with PAR_i = 4.6 φ_10/(1 − ρ_vis − τ_vis) (φ_10 = ``par240d``), PAR_x = PAR_i φ_x10/φ_10, h = d/3600.

    Parameters
    ----------
    lnc : float
        Leaf N per leaf area at the canopy top [g N m-2 leaf].
    slatop : float
        SLA at the canopy top [m2 g-1 C].
    rholvis, taulvis : float
        Leaf reflectance and transmittance in the visible [-].
    elai : float
        Exposed LAI [m2 m-2] (PAR_i = 0.01 µmol m-2 s-1 when 0).
    t10 : float
        10-day running mean 2 m air temperature (CLM ``t_a10``) [K].
    t_veg10_day, t_veg10_night : float
        10-day means of daytime and night-time vegetation temperature [K].
    par240d, par240x : float
        10-day means of the daytime-mean and daily-maximum PAR absorbed per unit sunlit leaf area [W m-2].
    rb10 : float
        10-day mean leaf boundary-layer resistance [s m-1].
    rh10 : float
        10-day mean canopy-air relative humidity [-] (values above 1 are taken as 1).
    pco2_240, po2_240, pbot240 : float
        10-day running means of CO2 and O2 partial pressure and of surface pressure [Pa].
    dayl : float
        Daylength [s].
    pnlc_old : float
        Previous PNlc [-].

    Returns
    -------
    (float, float, float, float, float, float, float, float)
        V_cmax25^opt, J_max25^opt [µmol m-2 s-1], FNC_a [g N m-2 leaf], and PNstore, PNlc, PNet, PNresp,
        PNcb [-].

    Notes
    -----
    As in CLM: the result is NaN when the c_i of ``NUE`` (0.7 c_a, then the solved c_i) is ≤ Γ*(T_d) (LUNA's
    Γ* is 4.275 Pa at 25 °C whatever the pressure; e.g. 180 ppm at 45 kPa and 30 °C), where CLM stops with
    ``endrun``; and PNlc exceeds 0.95 when FNC_a < 0.05/0.95 g N m-2, because N_lc never falls below
    0.05 g N m-2.

    References
    ----------
    ``LunaMod.F90::Update_Photosynthesis_Capacity`` l.293-373.

    Examples
    --------
    >>> out = calc_luna_optimal_capacity(1.0 / 0.58, 0.01, 0.07, 0.05, 3.0, 288.15, 290.15, 281.15, 250.0,
    ...                                  420.0, 30.0, 0.65, 23.0, 12200.0, 58500.0, 52000.0, 0.01)
    >>> [round(x, 2) for x in out[:3]]
    [67.74, 128.51, 1.32]
    """
    hourpd = dayl / SECSPHR
    relh10 = min(1.0, rh10)
    rabsorb = 1.0 - rholvis - taulvis
    par_top = par240d / rabsorb * LUNA_PARTOP_UMOL_PER_J
    if elai > 0.0:
        par_i = par240d / rabsorb * PAR_UMOL_PER_J
    else:
        par_i = LUNA_PAR_NOLEAF
    fnca = calc_luna_functional_n(lnc, slatop, par_i / par_top)
    par_x = par_i * (par240x / par240d)
    pnstore, pnlc, pnet, pnresp, pncb = calc_luna_nitrogen_allocation(
        fnca, pbot240, relh10, pco2_240, po2_240, par_i, par_x, rb10, hourpd, t10, t_veg10_day, t_veg10_night,
        pnlc_old)
    return pncb * fnca * LUNA_FC25, pnet * fnca * LUNA_FJ25, fnca, pnstore, pnlc, pnet, pnresp, pncb


@kernel
def calc_luna_daily_update(vcmx25, jmx25, pnlc, enzs, lnc, slatop, rholvis, taulvis, tlai, elai, gpp_day,
                           t10, t_veg10_day, t_veg10_night, par240d, par240x, rb10, rh10, pco2_240, po2_240,
                           pbot240, dayl):
    r"""One daily LUNA update of a C3 patch's V_cmax25, J_max25, PNlc and enzyme status (sun/shade big leaf).

    With leaves and leaf N (tlai > 0, lnc > 0):

    - if the day had GPP (``gpp_day`` > 0), optimise (:func:`calc_luna_optimal_capacity`) and move each
      capacity X ∈ {V_cmax25, J_max25} towards its optimum by at most δ X (δ from
      :func:`calc_luna_daily_change_limit`),

      .. math:: X \leftarrow X + \mathrm{sgn}(X^{opt} - X)\,\min(|X^{opt} - X|,\ \delta X);

      PNlc takes the optimum, enzs ← enzs (1 + δ) while enzs < 1, V_cmax25 outside [0, 1000] is reset to
      50 and J_max25 outside [0, 2000] to 85;
    - otherwise (no GPP: winter, drought) enzymes decay while enzs > 0.5: X ← X (1 − min(0.5, 0.1 δ)), and
      enzs likewise.

    Without leaves or leaf N: V_cmax25 = 50, J_max25 = 85.

    Parameters
    ----------
    vcmx25, jmx25 : float
        Previous V_cmax25 [µmol CO2 m-2 s-1] and J_max25 [µmol e- m-2 s-1] of the sunlit leaf (CLM
        ``vcmx25_z``, ``jmx25_z``; cold start 30 and 60).
    pnlc : float
        Previous fraction of functional N in light capture (``pnlc_z``; cold start 0.01) [-].
    enzs : float
        Enzyme status (``enzs_z``; 1 = fully active, the cold start) [-].
    lnc : float
        Leaf N per leaf area at the canopy top (``lnca`` = leafN/tlai, ≤ 10) [g N m-2 leaf].
    slatop : float
        SLA at the canopy top [m2 g-1 C].
    rholvis, taulvis : float
        Leaf visible reflectance and transmittance [-].
    tlai, elai : float
        Total and exposed LAI [m2 m-2].
    gpp_day : float
        GPP accumulated over the day just ended (``fpsn24``) [µmol CO2 m-2 ground]; only its sign matters.
    t10 : float
        10-day running mean 2 m air temperature [K].
    t_veg10_day, t_veg10_night : float
        10-day means of daytime and night-time vegetation temperature [K].
    par240d, par240x : float
        10-day means of daytime-mean and daily-maximum PAR absorbed per sunlit leaf area [W m-2]
        (par240d > 0 when ``gpp_day`` > 0).
    rb10 : float
        10-day mean leaf boundary-layer resistance [s m-1].
    rh10 : float
        10-day mean canopy-air relative humidity [-].
    pco2_240, po2_240, pbot240 : float
        10-day running means of CO2 and O2 partial pressure and of pressure [Pa].
    dayl : float
        Daylength of the day [s].

    Returns
    -------
    (float, float, float, float)
        New V_cmax25, J_max25 [µmol m-2 s-1] (sunlit leaf, 25 °C, no daylength factor), PNlc [-], enzs [-].

    References
    ----------
    ``LunaMod.F90::Update_Photosynthesis_Capacity`` (l.147-449) with nlevcan = 1 (nrad = 1, tlai_z = elai);
    Tech Note "Numerical scheme". The caller selects C3 PFTs (l.316) and skips the first day (l.292).

    Examples
    --------
    >>> out = calc_luna_daily_update(30.0, 60.0, 0.01, 1.0, 1.0 / 0.58, 0.01, 0.07, 0.05, 3.0, 3.0, 1.0e5,
    ...                              288.15, 290.15, 281.15, 250.0, 420.0, 30.0, 0.65, 23.0, 12200.0, 58500.0,
    ...                              52000.0)
    >>> [round(x, 4) for x in out]
    [31.723, 63.4461, 0.49, 1.0]
    """
    dchg = calc_luna_daily_change_limit(t_veg10_day, dayl)
    if not (tlai > 0.0 and lnc > 0.0):
        return LUNA_VCMX25_RESET, LUNA_JMX25_RESET, pnlc, enzs
    if gpp_day > 0.0:
        vopt, jopt, _, _, pnlc_new, _, _, _ = calc_luna_optimal_capacity(
            lnc, slatop, rholvis, taulvis, elai, t10, t_veg10_day, t_veg10_night, par240d, par240x, rb10,
            rh10, pco2_240, po2_240, pbot240, dayl, pnlc)
        chg = vopt - vcmx25
        step = min(abs(chg), vcmx25 * dchg)
        vcmx25 = vcmx25 + step if chg >= 0.0 else vcmx25 - step
        chg = jopt - jmx25
        step = min(abs(chg), jmx25 * dchg)
        jmx25 = jmx25 + step if chg >= 0.0 else jmx25 - step
        if enzs < 1.0:
            enzs = enzs * (1.0 + dchg)
        if vcmx25 > LUNA_VCMX25_MAX or vcmx25 < 0.0:
            vcmx25 = LUNA_VCMX25_RESET
        if jmx25 > LUNA_JMX25_MAX or jmx25 < 0.0:
            jmx25 = LUNA_JMX25_RESET
        return vcmx25, jmx25, pnlc_new, enzs
    decay = min(LUNA_DECAY_MAX, LUNA_DECAY_FRAC * dchg)
    if enzs > LUNA_ENZS_MIN:
        enzs = enzs * (1.0 - decay)
        jmx25 = jmx25 * (1.0 - decay)
        vcmx25 = vcmx25 * (1.0 - decay)
    return vcmx25, jmx25, pnlc, enzs


# ==================================================================== accumulators
@kernel
def calc_luna_acc24_step(t_veg_day_sum, n_day, t_veg_night_sum, n_night, par24d, par24x, gpp_day, t_veg,
                         sabv, par_sun, lai_sun, lai_sha, fpsn, dtime):
    r"""Add one time step to LUNA's daily accumulators (``Acc24_Climate_LUNA``).

    Day step (S_v > 0): ΣT_day += T_v, n_day += 1; night step: ΣT_night += T_v, n_night += 1. With leaves
    (L_sun + L_sha > 0): Σφ += Δt φ_sun and φ_x = max(φ_x, φ_sun). Always G += Δt A_canopy.

    .. math:: \Sigma\phi \leftarrow \Sigma\phi + \Delta t\,\phi_{sun},\quad
              \phi_x \leftarrow \max(\phi_x, \phi_{sun}),\quad G \leftarrow G + \Delta t\,A

    Parameters
    ----------
    t_veg_day_sum, n_day, t_veg_night_sum, n_night : float
        Sums of vegetation temperature [K] and step counts [-] over today's day (sabv > 0) and night steps.
    par24d : float
        Today's Σ Δt φ_sun [J m-2 leaf].
    par24x : float
        Today's maximum φ_sun [W m-2].
    gpp_day : float
        Today's Σ Δt GPP [µmol CO2 m-2 ground].
    t_veg : float
        Vegetation temperature of the step [K].
    sabv : float
        Solar radiation absorbed by the vegetation [W m-2] (> 0 marks a daytime step).
    par_sun : float
        PAR absorbed per unit sunlit leaf area φ_sun (CLM ``parsun_z``) [W m-2].
    lai_sun, lai_sha : float
        Sunlit and shaded LAI [m2 m-2].
    fpsn : float
        Canopy gross photosynthesis of the step [µmol CO2 m-2 ground s-1].
    dtime : float
        Step length [s].

    Returns
    -------
    (float, float, float, float, float, float, float)
        The seven updated accumulators, in the argument order.

    References
    ----------
    ``LunaMod.F90::Acc24_Climate_LUNA`` (l.582-676): CLM accumulates the *sunlit* PAR (l.668, "Make LUNA
    predict sunlit fraction N fractionation, scale in PhotosynthesisMod").

    Examples
    --------
    >>> calc_luna_acc24_step(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 285.0, 300.0, 120.0, 1.0, 2.0, 8.0, 1800.0)
    (285.0, 1.0, 0.0, 0.0, 216000.0, 120.0, 14400.0)
    """
    if sabv > 0.0:
        t_veg_day_sum += t_veg
        n_day += 1.0
    else:
        t_veg_night_sum += t_veg
        n_night += 1.0
    if lai_sun + lai_sha > 0.0:
        par24d += dtime * par_sun
        if par_sun > par24x:
            par24x = par_sun
    gpp_day += dtime * fpsn
    return t_veg_day_sum, n_day, t_veg_night_sum, n_night, par24d, par24x, gpp_day


@kernel
def calc_luna_acc240_day(par240d, par240x, t_veg10_day, t_veg10_night, rh10, rb10, par24d, par24x,
                         t_veg_day_sum, n_day, t_veg_night_sum, n_night, rh, rb, dtime):
    r"""Fold the day just ended into LUNA's 10-day filters (``Acc240_Climate_LUNA``); NaN marks "unset".

    .. math:: x_{10} \leftarrow 0.9\,x_{10} + 0.1\,x_{day}

    for φ_10 (x_day = Σφ/(Δt n_day), 0 without day steps), φ_x10 (x_day = φ_x), T_d10 (daytime mean T_v;
    the night mean if the day had no day step), T_n10 (night mean; the day mean without night steps),
    RH_10 (x_day = min(1, RH)) and r_b10, where RH and r_b are the values *of the last step of the day*.
    An unset filter first takes the day's value (the φ filters then stop there; the others still blend,
    RH_10 from the unclipped RH).

    Parameters
    ----------
    par240d, par240x, t_veg10_day, t_veg10_night, rh10, rb10 : float
        Filters before the update [W m-2, W m-2, K, K, -, s m-1]; NaN = unset (CLM spval, cold start).
    par24d, par24x, t_veg_day_sum, n_day, t_veg_night_sum, n_night : float
        Today's accumulators (:func:`calc_luna_acc24_step`).
    rh : float
        Canopy-air relative humidity e_a/e_sat(T_v) of the step [-].
    rb : float
        Leaf boundary-layer resistance of the step [s m-1].
    dtime : float
        Step length [s].

    Returns
    -------
    (float, float, float, float, float, float)
        Updated par240d, par240x [W m-2], t_veg10_day, t_veg10_night [K], rh10 [-], rb10 [s m-1].

    References
    ----------
    ``LunaMod.F90::Acc240_Climate_LUNA`` (l.453-579; blends l.541-575). Called at the last step of the day
    (0 Z) before ``Update_Photosynthesis_Capacity`` (``CanopyFluxesMod.F90`` l.1311-1346).

    Examples
    --------
    >>> nan = float("nan")
    >>> out = calc_luna_acc240_day(nan, nan, nan, nan, nan, nan, 2.16e6, 150.0, 7125.0, 25.0, 6090.0, 23.0,
    ...                            0.8, 40.0, 1800.0)
    >>> [round(x, 3) for x in out]
    [48.0, 150.0, 285.0, 264.783, 0.8, 40.0]
    """
    w = LUNA_EMA_WEIGHT
    par_day = par24d / (dtime * n_day) if n_day > 0.0 else 0.0
    if math.isnan(par240d):
        par240x = par24x
        par240d = par_day
    else:
        par240x = (1.0 - w) * par240x + w * par24x
        par240d = (1.0 - w) * par240d + w * par_day
    t_day = t_veg_day_sum / n_day if n_day > 0.0 else t_veg_night_sum / n_night
    if math.isnan(t_veg10_day):
        t_veg10_day = t_day
    t_veg10_day = (1.0 - w) * t_veg10_day + w * t_day
    t_night = t_veg_night_sum / n_night if n_night > 0.0 else t_veg_day_sum / n_day
    if math.isnan(t_veg10_night):
        t_veg10_night = t_night
    t_veg10_night = (1.0 - w) * t_veg10_night + w * t_night
    if math.isnan(rh10):
        rh10 = rh
    rh10 = (1.0 - w) * rh10 + w * min(1.0, rh)
    if math.isnan(rb10):
        rb10 = rb
    rb10 = (1.0 - w) * rb10 + w * rb
    return par240d, par240x, t_veg10_day, t_veg10_night, rh10, rb10


@kernel
def calc_runmean_step(val, nsteps, period, x):
    r"""One step of CLM's ``runmean`` accumulator (the 10-day CO2, O2 and pressure of LUNA; T10).

    .. math:: n \leftarrow \min(n + 1, N),\qquad \bar x \leftarrow \frac{(n - 1)\,\bar x + x}{n}

    a cumulative mean over the first N steps, then an exponential filter of weight 1/N.

    Parameters
    ----------
    val : float
        Running mean before the step (any initial value; it is forgotten at n = 1).
    nsteps : float
        Steps accumulated so far, n (0 at cold start) [-].
    period : float
        Accumulation period N in steps (10 days = 864000 s/Δt) [-].
    x : float
        Value of the step.

    Returns
    -------
    (float, float)
        Updated mean and n.

    References
    ----------
    ``accumulMod.F90::update_accum_field_runmean`` (l.586-625); period −10 d in ``init_accum_field``
    (``atm2lndType.F90`` l.876-889: pco2_240, po2_240, pbot240).

    Examples
    --------
    >>> calc_runmean_step(28.0, 0.0, 480.0, 23.0)
    (23.0, 1.0)
    """
    n = min(nsteps + 1.0, period)
    return ((n - 1.0) * val + x) / n, n
