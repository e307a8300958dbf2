"""One patch's canopy in one step: exposed LAI, sun/shade radiation, photosynthesis, conductance.

Composes the kernels of ``physics.radiation``, ``physics.photosynthesis`` and
``physics.structure`` (spec §1, §4.5). Photosynthesis is sub-stepped inside the 3-h
forcing interval: the interval-mean shortwave is redistributed over ``n_sub`` sub-steps in
proportion to max(cos zenith, 0) at each sub-step centre (CDEPS's ``coszen`` time
interpolation, spec §7.1), and radiation and assimilation are evaluated at each
sub-step's light. ``tests/reference/test_substep_bias.py`` shows the bias of ``n_sub = 1``.
"""

from __future__ import annotations

import math

from numba import njit

from tpcarbon.constants import O2_MOLAR, RGAS, UMOL_C_TO_G_C, VKC
from tpcarbon.params.fixed import (
    C4_KP_RATIO,
    DAYL_FACTOR_MIN,
    GS_MIN_UMOL,
    KN_CANOPY,
    LEAF_N_AREA_MAX,
    RD_ELAI_FACTOR,
    RD_LIGHT_INHIBITION,
    RS_MAX,
    SW_VIS_FRACTION,
    THETA_CJ_C3,
    THETA_CJ_C4,
    THETA_IP,
    TPU_RATIO,
    Z_REF,
)
from tpcarbon.params.pft import (
    PFT_C3PSN,
    PFT_DISPLAR,
    PFT_DLEAF,
    PFT_I_VCAD,
    PFT_LEAFCN,
    PFT_LMR_INTERCEPT_ATKIN,
    PFT_MEDLYNINTERCEPT,
    PFT_MEDLYNSLOPE,
    PFT_RHOLNIR,
    PFT_RHOLVIS,
    PFT_RHOSNIR,
    PFT_RHOSVIS,
    PFT_S_VCAD,
    PFT_SLATOP,
    PFT_TAULNIR,
    PFT_TAULVIS,
    PFT_TAUSNIR,
    PFT_TAUSVIS,
    PFT_XL,
    PFT_Z0MR,
)
from tpcarbon.physics.atmosphere import calc_direct_fractions
from tpcarbon.physics.photosynthesis import (
    calc_c3_temperature_factors,
    calc_c4_temperature_factors,
    calc_jmax_ratio,
    calc_leaf_boundary_conductance,
    calc_leaf_c3,
    calc_leaf_c4,
    calc_medlyn_ci,
    calc_rd25_top_atkin,
    calc_vcmax25_top,
)
from tpcarbon.physics.radiation import (
    calc_capacity_scaling,
    calc_kb,
    calc_mubar,
    calc_ross_coefficients,
    calc_sunlit_fraction,
    calc_sunshade_absorption,
)


@njit(cache=True, nogil=True, error_model="numpy")
def canopy_patch(ip, pft, tlai, tsai, fb, leafc, btran, ta, qsat_a, qa, pa, rho_air, vpd, wind, sw, co2_ppm,
                 t10, dayl, dayl_max, htop, n_sub, mu_sub, mu_mean, tf):
    """Radiation, photosynthesis and conductance of one patch over one forcing step.

    Parameters
    ----------
    ip : int
        PFT index.
    pft : PftParams
        Parameters.
    tlai, tsai : float
        Total leaf and stem area index [m2 m-2].
    fb : float
        Fraction of the canopy above the snow [-].
    leafc : float
        Displayed leaf carbon [g C m-2].
    btran : float
        Water stress [-].
    ta, qsat_a, qa, pa, rho_air, vpd, wind, sw : float
        Air temperature [K], saturation and actual humidity [kg kg-1], pressure [Pa],
        air density [kg m-3], VPD [Pa], wind [m s-1], shortwave [W m-2] (interval mean).
    co2_ppm : float
        CO2 [ppm].
    t10 : float
        10-day mean air temperature [K].
    dayl, dayl_max : float
        Daylength and the cell's maximum daylength [s].
    htop : float
        Canopy top height [m].
    n_sub : int
        Photosynthesis sub-steps.
    mu_sub : ndarray, shape (>= n_sub,)
        max(cos zenith, 0) at the sub-step centres [-].
    mu_mean : float
        Interval-mean max(cos zenith, 0) [-].
    tf : ndarray, shape (11,)
        Temperature factors of the step, shared by all patches (:func:`leaf_temperature_factors`).

    Returns
    -------
    (float, float, float, float, float, float)
        GPP [g C m-2 s-1], leaf maintenance respiration [g C m-2 s-1], transpiration demand
        [kg m-2 s-1], shortwave reaching the ground [W m-2], canopy gap fraction [-], exposed LAI [m2 m-2].
    """
    elai = tlai * fb
    esai = tsai * fb
    lsai = elai + esai
    gap = math.exp(-lsai)
    if lsai <= 0.0:
        return 0.0, 0.0, 0.0, sw, 1.0, 0.0
    c3 = pft[ip, PFT_C3PSN] > 0.5
    # ---- capacities at the top of the canopy (spec §1.5-§1.6)
    if tlai > 0.0 and leafc > 0.0:
        n_area = min(leafc / (pft[ip, PFT_LEAFCN] * tlai), LEAF_N_AREA_MAX)
    else:
        n_area = 1.0 / (pft[ip, PFT_SLATOP] * pft[ip, PFT_LEAFCN])
    # daylength factor f_dayl = clamp((dayl/dayl_max)^2, 0.01, 1) (CanopyFluxesMod.F90 l.596): CLM5 applies it
    # only on the non-LUNA path (PhotosynthesisMod.F90 l.1385, vcmax_opt = 3), i.e. to C4 grass; C3 natural PFTs
    # take LUNA's V_cmax25 without it (l.1514-1516). Applying it to C3 cut an evergreen needleleaf canopy at a cold
    # site from LAI 2.3 to 0.45 (docs/model.md, D1).
    if c3:
        dfac = 1.0
    else:
        dl = dayl / dayl_max
        dfac = min(max(dl * dl, DAYL_FACTOR_MIN), 1.0)
    vc25 = calc_vcmax25_top(pft[ip, PFT_I_VCAD], pft[ip, PFT_S_VCAD], n_area, dfac)
    rd25 = calc_rd25_top_atkin(pft[ip, PFT_LMR_INTERCEPT_ATKIN], n_area, t10)
    rd_sparse = min(RD_ELAI_FACTOR[0] * math.exp(RD_ELAI_FACTOR[1] * elai), 1.0)
    if c3:
        fv, fj, fp, fr, kc, ko, gst = tf[0], tf[1], tf[2], tf[3], tf[4], tf[5], tf[6]
        jm25 = tf[10] * vc25
        tp25 = TPU_RATIO * vc25
        theta_cj = THETA_CJ_C3
    else:
        fv, fj, fr = tf[7], tf[8], tf[9]
        fp = 0.0
        kc = ko = gst = 0.0
        jm25 = C4_KP_RATIO * vc25   # k_p25 for C4 (stored in the J slot)
        tp25 = 0.0
        theta_cj = THETA_CJ_C4
    ca = co2_ppm * 1.0e-6 * pa
    oi = O2_MOLAR * pa
    g1 = pft[ip, PFT_MEDLYNSLOPE]
    g0 = pft[ip, PFT_MEDLYNINTERCEPT]
    ci_ratio = calc_medlyn_ci(1.0, g1, vpd)
    # leaf boundary layer: u_af = friction velocity above the canopy (CLM uaf = u*)
    z0m = max(pft[ip, PFT_Z0MR] * htop, 1.0e-3)
    disp = min(pft[ip, PFT_DISPLAR] * htop, 0.9 * Z_REF)
    ustar = VKC * max(wind, 1.0) / math.log((Z_REF - disp) / z0m)
    rb, gb = calc_leaf_boundary_conductance(max(ustar, 0.1), pft[ip, PFT_DLEAF], ta, pa)
    cf = pa / (RGAS * ta) * 1.0e6  # µmol m-3: g[µmol m-2 s-1] = cf * g[m s-1]
    # ---- optics (visible band, leaf + stem mix)
    wl = elai / lsai
    sig_vis = (pft[ip, PFT_RHOLVIS] + pft[ip, PFT_TAULVIS]) * wl + (pft[ip, PFT_RHOSVIS] + pft[ip, PFT_TAUSVIS]) * (1.0 - wl)
    sig_nir = (pft[ip, PFT_RHOLNIR] + pft[ip, PFT_TAULNIR]) * wl + (pft[ip, PFT_RHOSNIR] + pft[ip, PFT_TAUSNIR]) * (1.0 - wl)
    phi1, phi2 = calc_ross_coefficients(pft[ip, PFT_XL])
    kd = 1.0 / calc_mubar(phi1, phi2)
    # ---- ground shortwave from the interval mean (both bands)
    sw_ground = sw
    if sw > 0.0 and mu_mean > 0.0:
        rv, rn = calc_direct_fractions(sw)
        kb_m = calc_kb(mu_mean, phi1, phi2)
        vis = SW_VIS_FRACTION * sw
        nir = sw - vis
        _, _, g_vis = calc_sunshade_absorption(vis * rv, vis * (1.0 - rv), kb_m, kd, sig_vis, lsai)
        _, _, g_nir = calc_sunshade_absorption(nir * rn, nir * (1.0 - rn), kb_m, kd, sig_nir, lsai)
        sw_ground = g_vis + g_nir
    # ---- sub-stepped photosynthesis
    gpp = 0.0
    lmr = 0.0
    gcan = 0.0   # canopy conductance to water [m s-1]
    # sun weights at sub-step centres
    wsum = 0.0
    for k in range(n_sub):
        wsum += mu_mean if n_sub == 1 else mu_sub[k]
    for k in range(n_sub):
        mu_k = mu_mean if n_sub == 1 else mu_sub[k]
        if wsum > 0.0:
            sw_k = sw * mu_k * n_sub / wsum
        else:
            sw_k = 0.0
        day = sw_k > 0.0 and mu_k > 0.0
        if day:
            kb = calc_kb(mu_k, phi1, phi2)
            fsun = calc_sunlit_fraction(kb, lsai)
        else:
            kb = 0.0
            fsun = 0.0
        c_sun, c_sha = calc_capacity_scaling(KN_CANOPY, kb, elai, fsun, day)
        lai_sun = elai * fsun
        lai_sha = elai - lai_sun
        light = RD_LIGHT_INHIBITION if day else 1.0
        rd_sun = rd25 * c_sun * fr * btran * rd_sparse * light
        rd_sha = rd25 * c_sha * fr * btran * rd_sparse * light
        ag_sun = 0.0
        ag_sha = 0.0
        gs_night = max(btran * g0, GS_MIN_UMOL)
        gs_sun = gs_night
        gs_sha = gs_night
        if day:
            rv, _ = calc_direct_fractions(sw_k)
            vis = SW_VIS_FRACTION * sw_k
            a_sun, a_sha, _ = calc_sunshade_absorption(vis * rv, vis * (1.0 - rv), kb, kd, sig_vis, lsai)
            par_sun = a_sun / (fsun * lsai) if fsun > 0.0 else 0.0
            par_sha = a_sha / ((1.0 - fsun) * lsai) if fsun < 1.0 else 0.0
            if c3:
                if lai_sun > 0.0:
                    ag_sun, an_sun, gs_sun = calc_leaf_c3(vc25 * c_sun * fv * btran, jm25 * c_sun * fj,
                                                          tp25 * c_sun * fp, rd_sun, kc, ko, gst, oi, ca, pa,
                                                          ci_ratio, g0, g1, vpd, gb, par_sun, theta_cj,
                                                          THETA_IP)
                if lai_sha > 0.0:
                    ag_sha, an_sha, gs_sha = calc_leaf_c3(vc25 * c_sha * fv * btran, jm25 * c_sha * fj,
                                                          tp25 * c_sha * fp, rd_sha, kc, ko, gst, oi, ca, pa,
                                                          ci_ratio, g0, g1, vpd, gb, par_sha, theta_cj,
                                                          THETA_IP)
            else:
                if lai_sun > 0.0:
                    ag_sun, an_sun, gs_sun = calc_leaf_c4(vc25 * c_sun * fv * btran, jm25 * c_sun * fj, rd_sun,
                                                          ca, pa, ci_ratio, g0, g1, vpd, gb, par_sun, theta_cj,
                                                          THETA_IP)
                if lai_sha > 0.0:
                    ag_sha, an_sha, gs_sha = calc_leaf_c4(vc25 * c_sha * fv * btran, jm25 * c_sha * fj, rd_sha,
                                                          ca, pa, ci_ratio, g0, g1, vpd, gb, par_sha, theta_cj,
                                                          THETA_IP)
        # A_n <= 0 (dark, or respiration above assimilation): g_s = max(β g0, 1) (spec corrections #5)
        if ag_sun - rd_sun <= 0.0:
            gs_sun = gs_night
        if ag_sha - rd_sha <= 0.0:
            gs_sha = gs_night
        rs_sun = min(cf / gs_sun, RS_MAX)
        rs_sha = min(cf / gs_sha, RS_MAX)
        gpp += (ag_sun * lai_sun + ag_sha * lai_sha) * UMOL_C_TO_G_C
        lmr += (rd_sun * lai_sun + rd_sha * lai_sha) * UMOL_C_TO_G_C
        gcan += lai_sun / (rb + rs_sun) + lai_sha / (rb + rs_sha)
    gpp /= n_sub
    lmr /= n_sub
    gcan /= n_sub
    et = rho_air * gcan * max(qsat_a - qa, 0.0) if btran > 0.0 else 0.0
    return gpp, lmr, et, sw_ground, gap, elai


@njit(cache=True, nogil=True, error_model="numpy")
def leaf_temperature_factors(ta, t10, pa, out):
    """Temperature factors of one step, shared by every patch of a cell (leaf temperature = air temperature).

    ``out`` = [C3: f_Vcmax, f_Jmax, f_TPU, f_Rd, K_c, K_o, Γ*; C4: f_Vcmax, f_kp, f_Rd; J_max25/V_cmax25].
    """
    fv, fj, fp, fr, kc, ko, gst = calc_c3_temperature_factors(ta, t10, pa)
    out[0] = fv
    out[1] = fj
    out[2] = fp
    out[3] = fr
    out[4] = kc
    out[5] = ko
    out[6] = gst
    fv4, fk4, fr4 = calc_c4_temperature_factors(ta)
    out[7] = fv4
    out[8] = fk4
    out[9] = fr4
    out[10] = calc_jmax_ratio(t10)
