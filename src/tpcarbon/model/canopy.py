"""One patch's canopy in one (sub-)step: two-stream radiation, leaf energy balance coupled to photosynthesis.

Composes the kernels of ``physics.twostream``, ``physics.surface_layer``, ``physics.photosynthesis`` and
``physics.luna`` in CLM5's order (``SurfaceAlbedoMod``/``SurfaceRadiationMod`` → ``CanopyFluxesMod``):

1. :func:`patch_shortwave`: two-stream absorption of the visible and near-infrared, direct and diffuse beams
   over the ground's albedos → absorbed by vegetation (``sabv``), by the ground (``sabg``), reflected
   (``fsr``), PAR per sunlit/shaded leaf area, sunlit/shaded LAI.
2. :func:`patch_capacities`: V_cmax25, J_max25, TPU25 of the sunlit and shaded big leaves (LUNA for C3,
   ``vcmax_opt = 3`` with the daylength factor for C4) and the Atkin leaf respiration at 25 °C.
3. :func:`canopy_fluxes`: CLM's leaf-temperature iteration (``CanopyFluxes`` l.742-1124): Monin–Obukhov
   friction velocity, aerodynamic, leaf boundary-layer and under-canopy resistances, photosynthesis and
   stomatal resistance of both leaf classes at the current leaf temperature and canopy-air humidity, heat and
   vapour conductances, a Newton step of the leaf energy balance (≤ 1 K), canopy-air state and the Obukhov
   length, until ΔT_v < 0.01 K and Δλ E_v < 0.1 W m-2 after at least three passes (at most 41). Returns the
   leaf and ground fluxes and the ground-flux derivatives the soil temperature solve needs (``cgrnds``,
   ``cgrndl``).
4. :func:`bare_ground_fluxes`: ``BareGroundFluxes`` (three Monin–Obukhov passes) for patches without exposed
   vegetation.

Photosynthesis is sub-stepped inside a 3-h forcing interval (the interval-mean shortwave redistributed over
``n_sub`` sub-steps in proportion to max(cos zenith, 0), CDEPS ``coszen``; ``model.step``): each sub-step
solves its own leaf energy balance at its own light, the ground temperature held at the step's value.
"""

from __future__ import annotations

import math

from numba import njit

from tpcarbon.constants import CPAIR, EPS_H2O, HVAP, O2_MOLAR, RGAS, STEFAN, UMOL_C_TO_G_C
from tpcarbon.params.fixed import (
    C4_KP_RATIO,
    CS_DENSE,
    DAYL_FACTOR_MIN,
    GS_MIN_UMOL,
    ITMAX,
    KN_CANOPY,
    LEAF_N_AREA_MAX,
    PS_RECALC_DE,
    PS_RECALC_DRB,
    PS_RECALC_DT,
    LEAF_BL_COEF,
    RD_ELAI_FACTOR,
    RD_LIGHT_INHIBITION,
    RS_MAX,
    THETA_CJ_C3,
    THETA_CJ_C4,
    THETA_IP,
    TPU_RATIO,
    VIRTUAL_COEF,
    WIND_MIN,
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
from tpcarbon.physics.atmosphere import calc_esat_and_derivative
from tpcarbon.physics.photosynthesis import (
    _c3_temperature_factors,
    calc_c3_acclimation,
    calc_c3_rd_temperature_factor,
    calc_c4_rd_temperature_factor,
    calc_c4_temperature_factors,
    calc_leaf_c3,
    calc_leaf_c4,
    calc_medlyn_ci,
    calc_rd25_top_atkin,
    calc_vcmax25_top,
)
from tpcarbon.physics.radiation import calc_capacity_scaling, calc_kb, calc_ross_coefficients
from tpcarbon.physics.surface_layer import (
    calc_aerodynamic_resistances,
    calc_bare_ground_surface_layer,
    calc_canopy_air_state,
    calc_canopy_air_wind,
    calc_canopy_longwave_coefficients,
    calc_canopy_longwave_fluxes,
    calc_canopy_roughness_sparse,
    _litter_resistance,
    _undercanopy_resistance,
    calc_canopy_gap,
    calc_friction_velocity_2m,
    calc_friction_velocity_one_height,
    calc_litter_opacity,
    calc_ground_fluxes_under_canopy,
    calc_ground_vapour_conductance,
    calc_leaf_evaporation_fraction,
    calc_leaf_iteration_converged,
    calc_leaf_temperature_step,
    calc_obukhov_length_init,
    calc_obukhov_length_update,
    calc_obukhov_sign_guard,
    calc_rppdry,
    calc_t_ref2m,
    calc_thm,
    calc_vegetation_emissivity,
)
from tpcarbon.physics.luna import calc_luna_acc240_day, calc_luna_daily_update
from tpcarbon.physics.twostream import calc_canopy_shortwave, calc_leaf_stem_optics, calc_twostream
from tpcarbon.model.state import (
    P_ENZS,
    P_FPSN24,
    P_JMX25,
    P_NDAY,
    P_NNIGHT,
    P_PAR24D,
    P_PAR24X,
    P_PAR240D,
    P_PAR240X,
    P_PNLC,
    P_RB10,
    P_RB_LAST,
    P_RH10,
    P_RHAF_LAST,
    P_TLAI,
    P_TVEG10_DAY,
    P_TVEG10_NIGHT,
    P_TVEG_DAY_SUM,
    P_TVEG_NIGHT_SUM,
    P_VCMX25,
)


@njit(cache=True, nogil=True, error_model="numpy")
def qsat_and_derivative(tk, pres):
    """Saturation specific humidity and its temperature derivative [kg kg-1, kg kg-1 K-1].

    .. math:: q_s = \\frac{\\epsilon e_s}{p - (1-\\epsilon)e_s},\\qquad
              \\frac{dq_s}{dT} = \\frac{\\epsilon p}{(p - (1-\\epsilon)e_s)^2}\\frac{de_s}{dT}

    with e_s of ``physics.atmosphere.calc_esat`` (Murray 1967, departure D14 from CLM's ``QSatMod``).
    """
    qs, dqs, _ = qsat_esat_and_derivative(tk, pres)
    return qs, dqs


@njit(cache=True, nogil=True, error_model="numpy")
def qsat_esat_and_derivative(tk, pres):
    """:func:`qsat_and_derivative` and e_s(T) [Pa], from one evaluation of e_s."""
    es, des = calc_esat_and_derivative(tk)
    den = pres - (1.0 - EPS_H2O) * es
    return EPS_H2O * es / den, EPS_H2O * pres / (den * den) * des, es


@njit(cache=True, nogil=True, error_model="numpy")
def patch_shortwave(ip, pft, elai, esai, mu, sw_dir_vis, sw_dif_vis, sw_dir_nir, sw_dif_nir, albgrd_vis,
                    albgri_vis, albgrd_nir, albgri_nir):
    """Two-stream shortwave of one patch for one (sub-)step (CLM ``SurfaceAlbedo`` + ``SurfaceRadiation``).

    Parameters
    ----------
    ip : int
        PFT index.
    pft : ndarray
        PFT parameter matrix.
    elai, esai : float
        Exposed leaf and stem area [m2 m-2].
    mu : float
        Cosine of the solar zenith angle [-].
    sw_dir_vis, sw_dif_vis, sw_dir_nir, sw_dif_nir : float
        Incident direct and diffuse shortwave per band [W m-2].
    albgrd_vis, albgri_vis, albgrd_nir, albgri_nir : float
        Ground albedos (direct, diffuse) per band [-].

    Returns
    -------
    (float, float, float, float, float, float, float, float, float)
        sabv, sabg, fsr [W m-2]; PAR absorbed per sunlit and shaded leaf+stem area [W m-2]; sunlit and shaded
        LAI [m2 m-2]; sunlit fraction f_sun [-]; direct-beam extinction K_b [-].
    """
    lsai = elai + esai
    rv, tv = calc_leaf_stem_optics(elai, esai, pft[ip, PFT_RHOLVIS], pft[ip, PFT_TAULVIS], pft[ip, PFT_RHOSVIS],
                                   pft[ip, PFT_TAUSVIS])
    rn, tn = calc_leaf_stem_optics(elai, esai, pft[ip, PFT_RHOLNIR], pft[ip, PFT_TAULNIR], pft[ip, PFT_RHOSNIR],
                                   pft[ip, PFT_TAUSNIR])
    ts_vis = calc_twostream(mu, lsai, rv, tv, pft[ip, PFT_XL], albgrd_vis, albgri_vis, 0.0, 0.0)
    ts_nir = calc_twostream(mu, lsai, rn, tn, pft[ip, PFT_XL], albgrd_nir, albgri_nir, 0.0, 0.0)
    sabv, sabg, fsr, parsun, parsha, laisun, laisha = calc_canopy_shortwave(
        sw_dir_vis, sw_dif_vis, sw_dir_nir, sw_dif_nir, ts_vis, ts_nir, albgrd_vis, albgri_vis, albgrd_nir,
        albgri_nir, elai, esai)
    kb = 0.0
    if mu > 0.0:
        phi1, phi2 = calc_ross_coefficients(pft[ip, PFT_XL])
        kb = calc_kb(mu, phi1, phi2)
    return sabv, sabg, fsr, parsun, parsha, laisun, laisha, ts_vis[11], kb


@njit(cache=True, nogil=True, error_model="numpy")
def patch_capacities(ip, pft, c3, n_area, t10, dayl, dayl_max, vcmx25_luna, jmx25_luna, jmax_ratio, elai, kb,
                     fsun, day):
    """Photosynthetic capacities at 25 °C of the sunlit and shaded big leaves and the top-of-canopy R_d25.

    C3 (LUNA, CLM5 C3 natural PFTs; ``PhotosynthesisMod.F90`` l.1514-1522): the sunlit leaf takes LUNA's
    V_cmax25 and J_max25 as they are, the shaded leaf V_cmax25 c_sha/c_sun; no daylength factor.
    C4 (``vcmax_opt = 3``, l.1385): V_cmax25,top = (i_vcad + s_vcad N_a) f_dayl, scaled by c_sun, c_sha;
    k_p25 = 20000 V_cmax25 (held in the J slot). R_d25,top: Atkin et al. (2016) from leaf N per area (l.1445).
    c_sun, c_sha: canopy integrals of the N profile with K_n = 0.30 (``SurfaceAlbedoMod.F90`` l.1466-1486).

    Returns
    -------
    (float, float, float, float, float, float, float, float, float)
        V_cmax25, J_max25 (or k_p25), TPU25 of the sunlit leaf; the same of the shaded leaf
        [µmol m-2 s-1]; R_d25,top [µmol m-2 s-1]; c_sun, c_sha [-].
    """
    c_sun, c_sha = calc_capacity_scaling(KN_CANOPY, kb, elai, fsun, day)
    rd25 = calc_rd25_top_atkin(pft[ip, PFT_LMR_INTERCEPT_ATKIN], n_area, t10)
    if c3:
        vs = vcmx25_luna
        js = jmx25_luna
        ratio = c_sha / c_sun if c_sun > 0.0 else 1.0
        return vs, js, TPU_RATIO * vs, vs * ratio, js * ratio, TPU_RATIO * vs * ratio, rd25, c_sun, c_sha
    dl = dayl / dayl_max
    dfac = min(max(dl * dl, DAYL_FACTOR_MIN), 1.0)
    vc25 = calc_vcmax25_top(pft[ip, PFT_I_VCAD], pft[ip, PFT_S_VCAD], n_area, dfac)
    kp25 = C4_KP_RATIO * vc25
    return vc25 * c_sun, kp25 * c_sun, 0.0, vc25 * c_sha, kp25 * c_sha, 0.0, rd25, c_sun, c_sha


@njit(cache=True, nogil=True, error_model="numpy")
def _leaf_dark(rd25c, fr, btran, g0):
    """A leaf without absorbed PAR: A_g = 0, R_d, g_s = max(β g0, 1) (CLM ``PhotosynthesisMod.F90`` l.1590-1603:
    ag = 0, an = −lmr_z, rs = min(rsmax0, cf/bbb) with bbb = max(β g0, 1))."""
    return 0.0, rd25c * fr * btran, max(btran * g0, GS_MIN_UMOL)


@njit(cache=True, nogil=True, error_model="numpy")
def _leaf(c3, day, par, lai, v25, j25, t25, rd25c, fv, fj, fp, fr, kc, ko, gst, btran, oi, ca, pa, g0, g1, ci_ratio,
          vpd, gb):
    """Gross assimilation, respiration and stomatal conductance of one leaf class [µmol m-2 s-1]."""
    if not day or lai <= 0.0 or par <= 0.0:
        return _leaf_dark(rd25c, fr, btran, g0)
    rd = rd25c * fr * btran
    gs_night = max(btran * g0, GS_MIN_UMOL)
    if c3:
        ag, _, gs = calc_leaf_c3(v25 * fv * btran, j25 * fj, t25 * fp, rd, kc, ko, gst, oi, ca, pa, ci_ratio, g0,
                                 g1, vpd, gb, par, THETA_CJ_C3, THETA_IP)
    else:
        ag, _, gs = calc_leaf_c4(v25 * fv * btran, j25 * fj, rd, ca, pa, ci_ratio, g0, g1, vpd, gb, par,
                                 THETA_CJ_C4, THETA_IP)
    # A_n <= 0: g_s = max(β g0, 1) (spec corrections #5)
    if ag - rd <= 0.0:
        gs = gs_night
    return ag, rd, gs


@njit(cache=True, nogil=True, error_model="numpy")
def canopy_fluxes(ip, pft, c3, elai, esai, htop, btran, caps, rd_sparse, day, parsun, parsha, laisun, laisha,
                  sabv, t10, forc_t, forc_q, forc_pbot, forc_rho, forc_lw, wind, co2_ppm, z_atm, t_grnd, qg, dqgdt,
                  z0mg, emg, soilresis, snow_depth, t_veg0, fwet, fdry, h2ocan, dt):
    """CLM5's leaf-temperature iteration for one patch, coupled to sunlit/shaded photosynthesis.

    Each pass (``CanopyFluxesMod.F90`` l.755-1124): u* and the heat/vapour profile terms from the Obukhov
    length; r_am, r_ah, r_aw; u_af = u*; leaf boundary-layer resistance r_b = 1/(0.01 √(u_af/d_leaf));
    under-canopy resistance r_ah' from C_s (Zeng et al. 2005); photosynthesis of both leaf classes at T_v
    with the canopy-air vapour pressure e_a = P q_af/0.622 (Medlyn VPD D = max(e_s(T_v) − min(e_a, e_s), 50 Pa),
    boundary-layer conductance 1/r_b) → stomatal resistances; conductances; the Newton step of

    .. math:: S_v + L_v(T_v) - H_v(T_v) - \\lambda E_v(T_v) = 0

    limited to 1 K; T_af, q_af; θ*, q*, ζ and L. Converged when ΔT_v < 0.01 K and Δ(λE_v) < 0.1 W m-2 after
    ≥ 3 passes (at most 41). GPP and leaf respiration are those of the last pass (as CLM's
    ``PhotosynthesisTotal``).

    Parameters
    ----------
    ip : int
        PFT index.
    pft : ndarray
        PFT parameter matrix.
    c3 : bool
        C3 photosynthesis.
    elai, esai, htop : float
        Exposed LAI, SAI [m2 m-2], canopy top height [m].
    btran : float
        Soil water stress [-].
    caps : tuple
        :func:`patch_capacities` output.
    rd_sparse : float
        Sparse-canopy leaf respiration factor min(0.2 exp(3.218 elai), 1) [-].
    day : bool
        Sun above the horizon with shortwave.
    parsun, parsha, laisun, laisha, sabv : float
        :func:`patch_shortwave` outputs.
    t10 : float
        10-day mean air temperature [K].
    forc_t, forc_q, forc_pbot, forc_rho, forc_lw, wind : float
        Forcing temperature [K], humidity [kg kg-1], pressure [Pa], air density [kg m-3], longwave [W m-2],
        wind [m s-1].
    co2_ppm : float
        CO2 [ppm].
    z_atm : float
        Forcing height above d + z0m [m].
    t_grnd, qg, dqgdt, z0mg, emg, soilresis, snow_depth : float
        Ground temperature [K], humidity [kg kg-1] and its derivative [kg kg-1 K-1], roughness [m],
        emissivity [-], soil evaporation resistance [s m-1], snow depth [m].
    t_veg0 : float
        Leaf temperature of the previous step [K].
    fwet, fdry, h2ocan : float
        Wet and dry canopy fractions [-], canopy water [kg m-2].
    dt : float
        Step [s].

    Returns
    -------
    tuple of 16 floats
        T_v [K], H_v [W m-2], E_v (canopy evaporation + transpiration) [kg m-2 s-1], E_tr [kg m-2 s-1],
        H_g [W m-2], E_g [kg m-2 s-1], cgrnds [W m-2 K-1], cgrndl [kg m-2 s-1 K-1], dlrad, ulrad [W m-2],
        GPP, leaf MR [g C m-2 s-1], 2-m air temperature [K], leaf energy-balance error [W m-2], passes,
        r_b [s m-1], canopy-air relative humidity e_a/e_s(T_v) [-].

    References
    ----------
    CLM5 Tech Note §5.3 (eqs 5.86-5.139); ``CanopyFluxesMod.F90::CanopyFluxes`` l.667-1260; spec §1.9.
    """
    lsai = elai + esai
    z0m = max(pft[ip, PFT_Z0MR] * htop, z0mg)
    displa0 = pft[ip, PFT_DISPLAR] * htop
    hgt = z_atm + z0m + displa0
    thm = calc_thm(forc_t, hgt)
    thv = forc_t * (1.0 + VIRTUAL_COEF * forc_q)
    z0mv, displa = calc_canopy_roughness_sparse(elai, esai, z0m, displa0, z0mg)
    emv = calc_vegetation_emissivity(elai, esai)
    air, bir, cir = calc_canopy_longwave_coefficients(emv, emg, forc_lw)
    tg2 = t_grnd * t_grnd
    lw_grnd4 = tg2 * tg2
    ca = co2_ppm * 1.0e-6 * forc_pbot
    oi = O2_MOLAR * forc_pbot
    g1 = pft[ip, PFT_MEDLYNSLOPE]
    g0 = pft[ip, PFT_MEDLYNINTERCEPT]
    dleaf = pft[ip, PFT_DLEAF]
    cf = forc_pbot / (RGAS * thm) * 1.0e6       # µmol m-3: g[µmol m-2 s-1] = cf g[m s-1]
    vs, js, ps, vh, jh, ph, rd25, c_sun, c_sha = caps
    light = RD_LIGHT_INHIBITION if day else 1.0
    rd_sun25 = rd25 * c_sun * rd_sparse * light
    rd_sha25 = rd25 * c_sha * rd_sparse * light
    t_veg = t_veg0
    qsatl, qsatldt, esat_tv = qsat_esat_and_derivative(t_veg, forc_pbot)
    # terms constant within the iteration (each computed exactly as the per-pass kernels would)
    gap = calc_canopy_gap(elai, esai)
    litter = calc_litter_opacity(snow_depth)
    accl = calc_c3_acclimation(t10) if c3 else (0.0, 0.0, 0.0, 0.0, 0.0)
    taf = (t_grnd + thm) / 2.0
    qaf = (forc_q + qg) / 2.0
    ur = max(wind, WIND_MIN)
    dth = thm - taf
    dqh = forc_q - qaf
    delq = qg - qaf
    dthv = dth * (1.0 + VIRTUAL_COEF * forc_q) + VIRTUAL_COEF * forc_t * dqh
    zldis = hgt - displa
    log_z = math.log(zldis / z0mv)
    um, obu = calc_obukhov_length_init(ur, thv, dthv, zldis, z0mv)
    itlef = 0
    del_now = 0.0
    efeb = 0.0
    obuold = 0.0
    nmozsgn = 0
    ustar = temp1 = 0.0
    wta = wtl = wtg = wtaq = wtlq = wtgq = 0.0
    dt_veg = 0.0
    tlbef = t_veg
    sh = ev = tran = 0.0
    ag_sun = ag_sha = rdl_sun = rdl_sha = 0.0
    gs_sun = gs_sha = 0.0
    rb = 0.0
    rhaf = 1.0
    # leaf state of the last photosynthesis call: recomputed only when leaf temperature, canopy-air vapour
    # pressure or leaf boundary layer have moved since (departure D24; CLM calls it in every pass)
    t_ps = -1.0
    eah_ps = -1.0
    rb_ps = -1.0
    obu_pass = obu
    while itlef <= ITMAX:
        ustar, temp1 = calc_friction_velocity_one_height(um, obu, zldis, z0mv, log_z)
        temp2 = temp1
        obu_pass = obu
        tlbef = t_veg
        del_prev = del_now
        ram, rah1, raw1 = calc_aerodynamic_resistances(ustar, um, temp1, temp2)
        uaf = calc_canopy_air_wind(um, ram)
        rb = 1.0 / (LEAF_BL_COEF * math.sqrt(uaf / dleaf))
        rah2, _ = _undercanopy_resistance(uaf, z0mg, gap, CS_DENSE)
        # ---- photosynthesis and stomatal resistance at the current T_v and canopy-air humidity
        eah = forc_pbot * qaf / EPS_H2O
        rhaf = eah / esat_tv
        if (abs(t_veg - t_ps) > PS_RECALC_DT or abs(eah - eah_ps) > PS_RECALC_DE
                or abs(rb - rb_ps) > PS_RECALC_DRB * rb):
            if day:
                vpd = max(esat_tv - min(eah, esat_tv), 50.0)
                gb = cf / rb
                if c3:
                    fv, fj, fp, fr, kc, ko, gst = _c3_temperature_factors(t_veg, forc_pbot, accl)
                else:
                    fv, fj, fr = calc_c4_temperature_factors(t_veg)
                    fp = kc = ko = gst = 0.0
                ci_ratio = calc_medlyn_ci(1.0, g1, vpd)
                ag_sun, rdl_sun, gs_sun = _leaf(c3, day, parsun, laisun, vs, js, ps, rd_sun25, fv, fj, fp, fr, kc,
                                                ko, gst, btran, oi, ca, forc_pbot, g0, g1, ci_ratio, vpd, gb)
                ag_sha, rdl_sha, gs_sha = _leaf(c3, day, parsha, laisha, vh, jh, ph, rd_sha25, fv, fj, fp, fr, kc,
                                                ko, gst, btran, oi, ca, forc_pbot, g0, g1, ci_ratio, vpd, gb)
            else:                       # no light: only dark respiration depends on T_v (CLM l.1590-1603)
                fr = calc_c3_rd_temperature_factor(t_veg) if c3 else calc_c4_rd_temperature_factor(t_veg)
                ag_sun, rdl_sun, gs_sun = _leaf_dark(rd_sun25, fr, btran, g0)
                ag_sha, rdl_sha, gs_sha = _leaf_dark(rd_sha25, fr, btran, g0)
            t_ps = t_veg
            eah_ps = eah
            rb_ps = rb
        rssun = min(cf / gs_sun, RS_MAX)
        rssha = min(cf / gs_sha, RS_MAX)
        # ---- conductances, evaporation fractions, Newton step
        wta = 1.0 / rah1
        wtl = lsai / rb
        wtg = 1.0 / rah2
        rppdry = calc_rppdry(fdry, rb, laisun, laisha, rssun, rssha, elai)
        efpot = forc_rho * wtl * (qsatl - qaf)
        rpp, _ = calc_leaf_evaporation_fraction(efpot, rppdry, fwet, btran, h2ocan, dt, 0.0, False)
        wtaq = 1.0 / raw1
        wtlq = lsai / rb * rpp
        rdl = _litter_resistance(litter, uaf)
        wtgq = calc_ground_vapour_conductance(rah2, rdl, soilresis, 1.0, delq, True)
        dt_veg, del_now, sh, ev, tran, efe, _, _ = calc_leaf_temperature_step(
            tlbef, qsatl, qsatldt, sabv, air, bir, cir, lw_grnd4, forc_rho, wta, wtl, wtg, wtaq, wtlq, wtgq,
            thm, t_grnd, qg, forc_q, efeb, rpp, rppdry, btran, h2ocan, dt, 0.0, False)
        t_veg = tlbef + dt_veg
        qsatl, qsatldt, esat_tv = qsat_esat_and_derivative(t_veg, forc_pbot)
        taf, qaf, dth, dqh, delq = calc_canopy_air_state(t_grnd, thm, t_veg, qsatl, qg, forc_q, wta, wtl, wtg,
                                                         wtaq, wtlq, wtgq)
        obu, um, _, _, _ = calc_obukhov_length_update(ustar, temp1, temp2, dth, dqh, forc_q, forc_t, thv, zldis,
                                                      ur)
        obu, nmozsgn = calc_obukhov_sign_guard(obu, obuold, nmozsgn, zldis)
        obuold = obu
        itlef += 1
        converged, efeb = calc_leaf_iteration_converged(itlef, del_now, del_prev, efe, efeb)
        if converged:
            break
    hg, eg, cgrnds, cgrndl = calc_ground_fluxes_under_canopy(t_grnd, t_veg, thm, qg, qsatl, forc_q, dqgdt,
                                                             forc_rho, wta, wtl, wtg, wtaq, wtlq, wtgq)
    tb3 = tlbef * tlbef * tlbef
    err = sabv + air + bir * tb3 * (tlbef + 4.0 * dt_veg) + cir * lw_grnd4 - sh - HVAP * ev
    dlrad, ulrad = calc_canopy_longwave_fluxes(forc_lw, emv, emg, tlbef, dt_veg, lw_grnd4)
    t2m = calc_t_ref2m(thm, dth, temp1, calc_friction_velocity_2m(obu_pass, z0mv))
    gpp = (ag_sun * laisun + ag_sha * laisha) * UMOL_C_TO_G_C
    lmr = (rdl_sun * laisun + rdl_sha * laisha) * UMOL_C_TO_G_C
    return (t_veg, sh, ev, tran, hg, eg, cgrnds, cgrndl, dlrad, ulrad, gpp, lmr, t2m, err, float(itlef), rb,
            min(rhaf, 1.0))


@njit(cache=True, nogil=True, error_model="numpy")
def bare_ground_fluxes(forc_t, forc_q, forc_rho, wind, z_atm, t_grnd, qg, dqgdt, z0mg, soilresis):
    """Sensible and latent heat of ground without exposed vegetation (CLM ``BareGroundFluxes``, 3 passes).

    .. math:: H_g = \\rho c_p \\frac{T_g - \\theta_m}{r_{ah}},\\qquad
              E_g = \\rho \\frac{q_g - q_{atm}}{r_{aw} + r_{soil}}\\ (r_{soil} = 0 \\text{ for dew})

    Returns
    -------
    (float, float, float, float, float)
        H_g [W m-2], E_g [kg m-2 s-1], cgrnds = ρ c_p / r_ah [W m-2 K-1], cgrndl = ρ dq_g/dT/(r_aw + r_soil)
        [kg m-2 s-1 K-1], 2-m air temperature [K].

    References
    ----------
    ``BareGroundFluxesMod.F90`` l.283-390; CLM5 Tech Note eqs 5.54-5.71.
    """
    hgt = z_atm + z0mg
    _, _, rah, raw, _, _, t2m, _, _ = calc_bare_ground_surface_layer(wind, forc_t, forc_t, forc_q, t_grnd, qg, hgt,
                                                                    hgt, hgt, z0mg, 3)
    thm = calc_thm(forc_t, hgt)
    raih = forc_rho * CPAIR / rah
    dqh = forc_q - qg
    rs = soilresis if dqh < 0.0 else 0.0   # evaporation through the dry surface layer; dew unresisted
    raiw = forc_rho / (raw + rs)
    return raih * (t_grnd - thm), -raiw * dqh, raih, raiw * dqgdt, t2m


@njit(cache=True, nogil=True, error_model="numpy")
def ground_longwave_absorbed(forc_lw, emg):
    """Longwave absorbed by bare ground [W m-2]: ε_g L↓ (``SoilFluxesMod.F90`` l.246)."""
    return emg * forc_lw


@njit(cache=True, nogil=True, error_model="numpy")
def emitted_longwave_bare(forc_lw, emg, t_grnd):
    """Upward longwave above bare ground [W m-2]: (1 − ε_g) L↓ + ε_g σ T_g⁴."""
    t2 = t_grnd * t_grnd
    return (1.0 - emg) * forc_lw + emg * STEFAN * t2 * t2


@njit(cache=True, nogil=True, error_model="numpy")
def sparse_rd_factor(elai):
    """Leaf respiration reduction of sparse canopies min(0.2 exp(3.218 elai), 1) (spec corrections #1)."""
    return min(RD_ELAI_FACTOR[0] * math.exp(RD_ELAI_FACTOR[1] * elai), 1.0)


@njit(cache=True, nogil=True, error_model="numpy")
def leaf_n_area(leafn, tlai, slatop, leafcn):
    """Leaf N per unit leaf area N_a [g N m-2 leaf] as CLM's ``lnc`` (``lnc_opt``, nlevcan = 1; l.2967-2978).

    .. math:: N_a = \\min(N_{leaf}/L_{tot}, 10)

    with 1/(slatop·leafcn) when the patch has no leaves (the target stoichiometry at the canopy top).
    """
    if tlai > 0.0 and leafn > 0.0:
        return min(leafn / tlai, LEAF_N_AREA_MAX)
    return 1.0 / (slatop * leafcn)


@njit(cache=True, nogil=True, error_model="numpy")
def luna_day(ph, leafn, pft, ip, t10, pco2_240, po2_240, pbot240, dayl, elai, dtime):
    """End-of-day LUNA update of one patch in place: 10-day filters, optimal V_cmax25/J_max25, clear the day.

    ``Acc240_Climate_LUNA`` → ``Update_Photosynthesis_Capacity`` → ``Clear24_Climate_LUNA`` at the step ending
    at 0 Z (``CanopyFluxesMod.F90`` l.1310-1346); see ``physics.luna`` and ``docs/luna_integration.md``.
    ``dtime`` is the length of the (sub-)steps the day's sums were accumulated over [s].
    """
    if ph[P_NDAY] + ph[P_NNIGHT] <= 0.0:
        return
    (ph[P_PAR240D], ph[P_PAR240X], ph[P_TVEG10_DAY], ph[P_TVEG10_NIGHT], ph[P_RH10],
     ph[P_RB10]) = calc_luna_acc240_day(ph[P_PAR240D], ph[P_PAR240X], ph[P_TVEG10_DAY], ph[P_TVEG10_NIGHT],
                                       ph[P_RH10], ph[P_RB10], ph[P_PAR24D], ph[P_PAR24X], ph[P_TVEG_DAY_SUM],
                                       ph[P_NDAY], ph[P_TVEG_NIGHT_SUM], ph[P_NNIGHT], ph[P_RHAF_LAST],
                                       ph[P_RB_LAST], dtime)
    tlai = ph[P_TLAI]
    lnc = leaf_n_area(leafn, tlai, pft[ip, PFT_SLATOP], pft[ip, PFT_LEAFCN])
    v, j, pn, en = calc_luna_daily_update(ph[P_VCMX25], ph[P_JMX25], ph[P_PNLC], ph[P_ENZS], lnc,
                                          pft[ip, PFT_SLATOP], pft[ip, PFT_RHOLVIS], pft[ip, PFT_TAULVIS], tlai, elai,
                                          ph[P_FPSN24], t10, ph[P_TVEG10_DAY], ph[P_TVEG10_NIGHT], ph[P_PAR240D],
                                          ph[P_PAR240X], ph[P_RB10], ph[P_RH10], pco2_240, po2_240, pbot240, dayl)
    if math.isfinite(v) and math.isfinite(j):
        ph[P_VCMX25] = v
        ph[P_JMX25] = j
        ph[P_PNLC] = pn
        ph[P_ENZS] = en
    ph[P_TVEG_DAY_SUM] = 0.0
    ph[P_NDAY] = 0.0
    ph[P_TVEG_NIGHT_SUM] = 0.0
    ph[P_NNIGHT] = 0.0
    ph[P_PAR24D] = 0.0
    ph[P_PAR24X] = 0.0
    ph[P_FPSN24] = 0.0


__all__ = ["leaf_n_area", "luna_day", "bare_ground_fluxes", "canopy_fluxes", "emitted_longwave_bare", "ground_longwave_absorbed",
           "patch_capacities", "patch_shortwave", "qsat_and_derivative", "sparse_rd_factor", "HVAP",
           "PFT_C3PSN"]
