"""One forcing step of one cell: the composition of every process, in CLM's order.

Order within a step (CLM5 ``clm_driver``): forcing derivations → canopy radiation and
photosynthesis per patch (with last step's soil water for btran) → ground energy balance,
soil/snow heat conduction, phase change, snow → soil water → vegetation carbon
(respiration, allocation, phenology, turnover, mortality) → litter inputs → (end of day)
soil biogeochemistry → (end of year) annual updates → output accumulation and the carbon
balance check.
"""

from __future__ import annotations

from numba import njit

from tpcarbon.constants import (
    CPAIR,
    CPICE,
    DENH2O,
    DENICE,
    HFUS,
    HSUB,
    HVAP,
    STEFAN,
    TFRZ,
)
from tpcarbon.model.bgc import soil_bgc_day
from tpcarbon.model.canopy import canopy_patch, leaf_temperature_factors
from tpcarbon.model.state import (
    A_IN_CWD,
    A_IN_L1,
    A_IN_L2,
    A_IN_L3,
    A_XI,
    C_ALTMAX,
    C_ALTMAX_LAST,
    C_ANN_N,
    C_ANN_TSUM,
    C_ANNAVG_T2M,
    C_DAY_N,
    C_DAYL,
    C_NALT_LAST,
    C_PREC10,
    C_PREV_DAYL,
    C_SNOW_H,
    C_SNOW_T,
    C_SNOW_W,
    C_SPIN_NDAYS,
    C_T10,
    DEADSTEMC,
    LEAFC,
    NVEGC,
    O_ALT,
    O_AR,
    O_EFLX_LH_TOT,
    O_FSDS,
    O_FSH,
    O_GPP,
    O_GR,
    O_H2OSOI_1M,
    O_HR,
    O_MR,
    O_NEP,
    O_NPP,
    O_PRECIP,
    O_SNOWDP,
    O_TBOT,
    O_TLAI,
    O_TSOI_10CM,
    P_HBOT,
    P_HTOP,
    P_TLAI,
    P_TSAI,
)
from tpcarbon.model.vegetation import (
    V_CWD_ABOVE,
    V_CWD_BELOW,
    V_FROOTLIT,
    V_GR,
    V_L1_ABOVE,
    V_L1_BELOW,
    V_LEAFLIT,
    V_MR,
    V_NCOST,
    vegetation_patch,
)
from tpcarbon.params.fixed import (
    AD_DEADWOOD_FACTOR,
    ALBEDO_SNOW,
    ALBEDO_SOIL_DRY,
    ALBEDO_SOIL_WET,
    EMISS_SNOW,
    EMISS_SOIL,
    RUNMEAN_10D,
    SNOW_NODE_MIN_DEPTH,
    WATMIN_VOL,
    Z0_SNOW,
    Z0_SOIL,
)
from tpcarbon.params.pft import (
    PFT_DSLADLAI,
    PFT_FR_FCEL,
    PFT_FR_FLAB,
    PFT_FR_FLIG,
    PFT_LF_FCEL,
    PFT_LF_FLAB,
    PFT_LF_FLIG,
    PFT_SHRUB,
    PFT_SLATOP,
    PFT_SMPSC,
    PFT_SMPSO,
    PFT_WOODY,
)
from tpcarbon.params.vertical import PHENO_LAYER
from tpcarbon.physics.atmosphere import calc_air_density, calc_qsat, calc_snow_fraction, calc_vpd
from tpcarbon.physics.respiration import calc_mr_q10_factor
from tpcarbon.physics.snow import calc_fresh_snow_density, calc_snow_compaction, calc_snow_cover_fraction
from tpcarbon.physics.soil_bgc import (
    calc_decomp_t_scalar,
    calc_decomp_w_scalar_from_saturation,
    calc_root_input_profile,
    calc_surface_input_profile,
)
from tpcarbon.physics.soil_thermal import (
    calc_bedrock_properties,
    calc_phase_change,
    calc_snow_conductivity,
    calc_soil_conductivity,
    calc_soil_heat_capacity,
    calc_supercooled_liquid_max,
    solve_heat_conduction,
)
from tpcarbon.physics.soil_water import (
    calc_btran_from_smp,
    calc_btran_layer_smp,
    calc_infiltration,
    calc_soil_evap_beta,
    calc_soilpsi_mpa,
    solve_soil_water,
)
from tpcarbon.physics.structure import calc_burial_fraction, calc_canopy_height, calc_lai, calc_tsai
from tpcarbon.physics.surface import calc_ground_energy, calc_ground_resistance

# scratch rows (per cell, width NLEVGRND + 1)
R_VLIQ, R_VICE, R_PSI, R_SINK, R_ROOTR = 0, 1, 2, 3, 4
R_BSMP = 31        # btran matric potential per layer
R_TF = 32          # temperature factors of the step (first 11 entries)
R_Q10 = 33         # maintenance-respiration Q10 factor per soil layer
R_NT, R_NLAM, R_NCAP, R_NDZ, R_NZ, R_NZI = 5, 6, 7, 8, 9, 10
R_HEAT = 11        # 5 rows
R_WATER = 16       # 6 rows
R_BGC = 22         # 8 rows
R_SURFPROF = 30
NSCRATCH = 34
# the carbon root profile of each patch is stored in a separate (npatch, nlevsoi) array


@njit(cache=True, nogil=True, error_model="numpy")
def carbon_totals(vegc, frac, soilc, acc, dz, nlev):
    """Carbon stocks of a cell [g C m-2]: vegetation (patch-weighted), litter + CWD (incl. today's inputs
    in transit to the soil), and soil organic matter.

    Returns
    -------
    (float, float, float)
        TOTVEGC, TOTLITC, TOTSOMC [g C m-2]; their sum is TOTECOSYSC.
    """
    veg = 0.0
    for p in range(vegc.shape[0]):
        if frac[p] > 0.0:
            s = 0.0
            for i in range(NVEGC):
                s += vegc[p, i]
            veg += frac[p] * s
    lit = 0.0
    som = 0.0
    for j in range(nlev):
        sl = 0.0
        for i in range(4):
            sl += soilc[i, j] + acc[A_IN_CWD + i, j]
        lit += sl * dz[j]
        som += (soilc[4, j] + soilc[5, j] + soilc[6, j]) * dz[j]
    return veg, lit, som


@njit(cache=True, nogil=True, error_model="numpy")
def update_profiles(col, rootfr_c, nlev, z, sc, prof):
    """Recompute the litter input profiles for the layers thawed last year."""
    nalt = int(col[C_NALT_LAST])
    if nalt < 1:
        nalt = 1
    if nalt > nlev:
        nalt = nlev
    calc_surface_input_profile(z, nalt, nlev, sc[R_SURFPROF])
    for p in range(rootfr_c.shape[0]):
        calc_root_input_profile(rootfr_c[p], nalt, nlev, prof[p])


@njit(cache=True, nogil=True, error_model="numpy")
def init_structure(pft_idx, frac, vegc, pheno, pft, ad_mode):
    """Set LAI, SAI and canopy height of every patch from its pools (cold start and restart)."""
    for p in range(pft_idx.shape[0]):
        ip = pft_idx[p]
        if frac[p] <= 0.0 or ip == 0:
            continue
        pheno[p, P_TLAI] = calc_lai(vegc[p, LEAFC], pft[ip, PFT_SLATOP], pft[ip, PFT_DSLADLAI])
        if pheno[p, P_TSAI] <= 0.0:
            pheno[p, P_TSAI] = calc_tsai(0.0, 0.0, 0.0, 0.0)
        dstem = vegc[p, DEADSTEMC] * (AD_DEADWOOD_FACTOR if ad_mode else 1.0)
        htop, hbot = calc_canopy_height(pft[ip, PFT_WOODY], pft[ip, PFT_SHRUB], dstem, pheno[p, P_TLAI])
        pheno[p, P_HTOP] = htop
        pheno[p, P_HBOT] = hbot


@njit(cache=True, nogil=True, error_model="numpy")
def step_cell(ta, qa, pa, wind, sw, lw, prec, co2, calday, new_day, end_of_day, end_of_year, dayl_today,
              lat, lon, dayl_max, pft_idx, frac, watsat, bsw, sucsat, hksat, tksol, tkdry, csol, texture_t, f13,
              ad_lat, rootfr_w, rootfr_c, fdepth, vegc, pheno, col, tsoi, liq, ice, soilc, acc, spin, vspin, pft, sp,
              base_k, q10_norm, dz_l, z_l, zi_l, nlevsoi, nlevgrnd, dt, n_sub, ad_mode, spin_on, mu_mean, mu_sub, sc,
              prof, fl, vout, out):
    """Advance one cell by one forcing step (see the module docstring for the order).

    Returns
    -------
    (float, float, float)
        GPP, AR and HR of the step [g C m-2] (for the balance check).
    """
    npatch = pft_idx.shape[0]
    # ---------------------------------------------------------------- forcing derivations
    fsnow = calc_snow_fraction(ta)
    rain = prec * (1.0 - fsnow)
    snowf = prec * fsnow
    rho_air = calc_air_density(ta, qa, pa)
    qsat_a = calc_qsat(ta, pa)
    if qa > qsat_a:
        qa = qsat_a
    vpd = calc_vpd(ta, qa, pa)
    # running means (exponential 10-day filters) and annual accumulators
    w10 = dt / RUNMEAN_10D
    col[C_T10] += (ta - col[C_T10]) * w10
    col[C_PREC10] += (prec - col[C_PREC10]) * w10
    col[C_ANN_TSUM] += ta
    col[C_ANN_N] += 1.0
    if new_day:
        col[C_PREV_DAYL] = col[C_DAYL]
        col[C_DAYL] = dayl_today
    dayl = col[C_DAYL]
    ws_flag = dayl >= col[C_PREV_DAYL]
    # ---------------------------------------------------------------- soil water state
    vliq = sc[R_VLIQ]
    vice = sc[R_VICE]
    bsmp = sc[R_BSMP]
    for j in range(nlevsoi):
        vliq[j] = liq[j] / (DENH2O * dz_l[j])
        vice[j] = ice[j] / (DENICE * dz_l[j])
        bsmp[j] = calc_btran_layer_smp(vliq[j], vice[j], tsoi[j], watsat[j], sucsat[j], bsw[j])
    psi3 = calc_soilpsi_mpa(vliq[PHENO_LAYER], watsat[PHENO_LAYER], sucsat[PHENO_LAYER], bsw[PHENO_LAYER])
    tf = sc[R_TF]
    leaf_temperature_factors(ta, col[C_T10], pa, tf)
    # ---------------------------------------------------------------- canopy, per patch
    snow_w = col[C_SNOW_W]
    snow_h = col[C_SNOW_H]
    sink = sc[R_SINK]
    for j in range(nlevsoi):
        sink[j] = 0.0
    rootr = sc[R_ROOTR]
    gpp_cell = 0.0
    sw_ground = 0.0
    gap = 0.0
    et_cell = 0.0
    lai_cell = 0.0
    bare = 1.0
    for p in range(npatch):
        fp = frac[p]
        if fp <= 0.0:
            continue
        bare -= fp
        ip = pft_idx[p]
        if ip == 0:
            sw_ground += fp * sw
            gap += fp
            vout[p, 0] = 0.0
            vout[p, 1] = 0.0
            continue
        ph = pheno[p]
        fb = calc_burial_fraction(pft[ip, PFT_WOODY], ph[P_HTOP], ph[P_HBOT], snow_h)
        btran = calc_btran_from_smp(bsmp, vice, watsat, rootfr_w[p], pft[ip, PFT_SMPSO], pft[ip, PFT_SMPSC], nlevsoi, rootr)
        gpp, lmr, et, swg, gp, elai = canopy_patch(ip, pft, ph[P_TLAI], ph[P_TSAI], fb, vegc[p, LEAFC], btran, ta,
                                                   qsat_a, qa, pa, rho_air, vpd, wind, sw, co2, col[C_T10], dayl,
                                                   dayl_max, ph[P_HTOP], n_sub, mu_sub, mu_mean, tf)
        vout[p, 0] = gpp
        vout[p, 1] = lmr
        gpp_cell += fp * gpp
        sw_ground += fp * swg
        gap += fp * gp
        lai_cell += fp * ph[P_TLAI]
        if et > 0.0 and btran > 0.0:
            for j in range(nlevsoi):
                sink[j] += fp * et * rootr[j]
    if bare > 1.0e-12:
        sw_ground += bare * sw
        gap += bare
    # limit transpiration by the liquid water available above the residual content
    et_cell = 0.0
    for j in range(nlevsoi):
        avail = max(liq[j] - WATMIN_VOL * DENH2O * dz_l[j], 0.0) / dt
        if sink[j] > avail:
            sink[j] = avail
        et_cell += sink[j]
    # ---------------------------------------------------------------- ground energy and heat conduction
    has_node = snow_h >= SNOW_NODE_MIN_DEPTH and snow_w > 0.0
    fsno = calc_snow_cover_fraction(snow_h, snow_w / snow_h if snow_h > 0.0 else 100.0)
    if has_node:
        t_top = col[C_SNOW_T]
        emiss = EMISS_SNOW
        albedo = ALBEDO_SNOW
        beta = 1.0
        lat_heat = HSUB
        z0g = Z0_SNOW
    else:
        t_top = tsoi[0]
        emiss = EMISS_SOIL
        wet = min(vliq[0] / watsat[0], 1.0)
        albedo_soil = ALBEDO_SOIL_DRY + (ALBEDO_SOIL_WET - ALBEDO_SOIL_DRY) * wet
        albedo = fsno * ALBEDO_SNOW + (1.0 - fsno) * albedo_soil
        beta = calc_soil_evap_beta(vliq[0], watsat[0])
        lat_heat = HVAP if tsoi[0] >= TFRZ else HSUB
        z0g = Z0_SOIL
    ta2 = ta * ta
    lw_ground = gap * lw + (1.0 - gap) * STEFAN * ta2 * ta2
    r_g = calc_ground_resistance(wind, z0g, gap)
    h0, dh0, h_sens, evap, devap = calc_ground_energy(t_top, sw_ground * (1.0 - albedo), lw_ground, emiss, ta, qa,
                                                      pa, rho_air, r_g, beta, lat_heat)
    nt = sc[R_NT]
    nlam = sc[R_NLAM]
    ncap = sc[R_NCAP]
    ndz = sc[R_NDZ]
    nz = sc[R_NZ]
    nzi = sc[R_NZI]
    off = 0
    if has_node:
        nt[0] = col[C_SNOW_T]
        nlam[0] = calc_snow_conductivity(snow_w / snow_h)
        ncap[0] = snow_w * CPICE / snow_h
        ndz[0] = snow_h
        nz[0] = -0.5 * snow_h
        nzi[0] = 0.0
        off = 1
    lam_b, cap_b = calc_bedrock_properties()
    for j in range(nlevgrnd):
        k = j + off
        nt[k] = tsoi[j]
        ndz[k] = dz_l[j]
        nz[k] = z_l[j]
        nzi[k] = zi_l[j]
        if j < nlevsoi:
            nlam[k] = calc_soil_conductivity(tsoi[j], liq[j], ice[j], dz_l[j], watsat[j], tksol[j], tkdry[j])
            ncap[k] = calc_soil_heat_capacity(liq[j], ice[j], dz_l[j], watsat[j], csol[j])
        else:
            nlam[k] = lam_b
            ncap[k] = cap_b
    nnode = nlevgrnd + off
    t_old = nt[0]
    solve_heat_conduction(nt, nlam, ncap, ndz, nz, nzi, nnode, h0, dh0, dt, sc[R_HEAT:R_HEAT + 5])
    evap = evap + devap * (nt[0] - t_old)
    h_sens = h_sens + (nt[0] - t_old) * rho_air * CPAIR / r_g
    if has_node:
        col[C_SNOW_T] = nt[0]
    for j in range(nlevgrnd):
        tsoi[j] = nt[j + off]
    # ---------------------------------------------------------------- snow: melt, sublimation, accumulation
    melt = 0.0
    if has_node:
        if col[C_SNOW_T] > TFRZ:
            e = snow_w * CPICE * (col[C_SNOW_T] - TFRZ)
            m = min(e / HFUS, snow_w)
            col[C_SNOW_T] = TFRZ
            left = e - m * HFUS
            if snow_w - m <= 0.0 and left > 0.0:
                tsoi[0] += left / (calc_soil_heat_capacity(liq[0], ice[0], dz_l[0], watsat[0], csol[0]) * dz_l[0])
            snow_h = snow_h * (snow_w - m) / snow_w
            snow_w -= m
            melt += m
    elif snow_w > 0.0 and tsoi[0] > TFRZ:
        capdz = calc_soil_heat_capacity(liq[0], ice[0], dz_l[0], watsat[0], csol[0]) * dz_l[0]
        e = capdz * (tsoi[0] - TFRZ)
        m = min(e / HFUS, snow_w)
        tsoi[0] -= m * HFUS / capdz
        snow_h = snow_h * (snow_w - m) / snow_w
        snow_w -= m
        melt += m
    # evaporation / sublimation / dew
    dew_soil = 0.0
    if has_node or (snow_w > 0.0 and evap > 0.0):
        e_snow = min(evap * dt, snow_w) if evap > 0.0 else evap * dt
        if snow_w > 0.0:
            snow_h = snow_h * max(snow_w - e_snow, 0.0) / snow_w
        snow_w -= e_snow
        evap_soil = (evap * dt - e_snow) / dt
    else:
        evap_soil = evap
    if evap_soil > 0.0:
        avail = max(liq[0] - WATMIN_VOL * DENH2O * dz_l[0] - sink[0] * dt, 0.0) / dt
        evap_soil = min(evap_soil, avail)
        sink[0] += evap_soil
    elif evap_soil < 0.0:
        dew_soil = -evap_soil
    evap_total = evap_soil + (evap - evap_soil if (has_node or snow_w > 0.0) else 0.0)
    # snowfall
    if snowf > 0.0:
        snow_w += snowf * dt
        snow_h += snowf * dt / calc_fresh_snow_density(ta)
        if not has_node and snow_h >= SNOW_NODE_MIN_DEPTH:
            col[C_SNOW_T] = min(ta, TFRZ)
    if snow_w <= 1.0e-9:
        snow_w = 0.0
        snow_h = 0.0
    elif snow_h > 0.0:
        rho = calc_snow_compaction(snow_w / snow_h, col[C_SNOW_T] if has_node else min(ta, TFRZ), dt)
        snow_h = snow_w / rho
    col[C_SNOW_W] = snow_w
    col[C_SNOW_H] = snow_h
    # ---------------------------------------------------------------- soil freeze-thaw
    for j in range(nlevsoi):
        capdz = calc_soil_heat_capacity(liq[j], ice[j], dz_l[j], watsat[j], csol[j]) * dz_l[j]
        lmax = calc_supercooled_liquid_max(tsoi[j], dz_l[j], watsat[j], sucsat[j], bsw[j])
        tsoi[j], liq[j], ice[j] = calc_phase_change(tsoi[j], liq[j], ice[j], capdz, lmax)
    # ---------------------------------------------------------------- soil water
    water_in = rain + melt / dt + dew_soil
    for j in range(nlevsoi):
        vliq[j] = liq[j] / (DENH2O * dz_l[j])
        vice[j] = ice[j] / (DENICE * dz_l[j])
    infil, _runoff = calc_infiltration(water_in, vliq[0], vice[0], watsat[0], hksat[0])
    solve_soil_water(liq, ice, dz_l, z_l, watsat, bsw, sucsat, hksat, infil, sink, dt, nlevsoi,
                     sc[R_WATER:R_WATER + 6])
    # ---------------------------------------------------------------- vegetation carbon, per patch
    ar_cell = 0.0
    mr_cell = 0.0
    gr_cell = 0.0
    t3 = tsoi[PHENO_LAYER]
    q10s = sc[R_Q10]
    for j in range(nlevsoi):
        q10s[j] = calc_mr_q10_factor(tsoi[j], sp.q10_mr)
    surf = sc[R_SURFPROF]
    for p in range(npatch):
        fp = frac[p]
        ip = pft_idx[p]
        if fp <= 0.0 or ip == 0:
            continue
        vc = vegc[p]
        ph = pheno[p]
        tlai_old = ph[P_TLAI]
        vegetation_patch(ip, pft, sp, vc, ph, vout[p, 0], vout[p, 1], ta, q10s, rootfr_c[p], nlevsoi, t3, psi3,
                         col[C_PREC10], dayl, ws_flag, col[C_ANNAVG_T2M], dt, ad_mode, spin_on, vspin[p], fl,
                         vout[p, 2:])
        vo = vout[p, 2:]
        mr_cell += fp * vo[V_MR]
        gr_cell += fp * vo[V_GR]
        ar_cell += fp * (vo[V_MR] + vo[V_GR] + vo[V_NCOST])
        # litter to the soil (g C m-3 over this step)
        rp = prof[p]
        lf = fp * vo[V_LEAFLIT] * dt
        fr = fp * vo[V_FROOTLIT] * dt
        ca_ = fp * vo[V_CWD_ABOVE] * dt
        cb = fp * vo[V_CWD_BELOW] * dt
        la = fp * vo[V_L1_ABOVE] * dt
        lb = fp * vo[V_L1_BELOW] * dt
        for j in range(nlevsoi):
            s = surf[j] / dz_l[j]
            r = rp[j] / dz_l[j]
            acc[A_IN_L1, j] += (lf * pft[ip, PFT_LF_FLAB] + la) * s + (fr * pft[ip, PFT_FR_FLAB] + lb) * r
            acc[A_IN_L2, j] += lf * pft[ip, PFT_LF_FCEL] * s + fr * pft[ip, PFT_FR_FCEL] * r
            acc[A_IN_L3, j] += lf * pft[ip, PFT_LF_FLIG] * s + fr * pft[ip, PFT_FR_FLIG] * r
            acc[A_IN_CWD, j] += ca_ * s + cb * r
        # canopy structure
        tlai = calc_lai(vc[LEAFC], pft[ip, PFT_SLATOP], pft[ip, PFT_DSLADLAI])
        ph[P_TSAI] = calc_tsai(ph[P_TSAI], tlai_old, tlai, dt)
        ph[P_TLAI] = tlai
        dstem = vc[DEADSTEMC] * (AD_DEADWOOD_FACTOR if ad_mode else 1.0)
        htop, hbot = calc_canopy_height(pft[ip, PFT_WOODY], pft[ip, PFT_SHRUB], dstem, tlai)
        ph[P_HTOP] = htop
        ph[P_HBOT] = hbot
    # ---------------------------------------------------------------- decomposition scalars
    for j in range(nlevsoi):
        acc[A_XI, j] += (calc_decomp_t_scalar(tsoi[j], sp.q10_mr, sp.froz_q10, q10_norm)
                         * calc_decomp_w_scalar_from_saturation(liq[j] / (DENH2O * dz_l[j]), watsat[j], sucsat[j],
                                                                bsw[j], sp.minpsi_hr, sp.maxpsi_hr))
    col[C_DAY_N] += 1.0
    hr = 0.0
    if end_of_day:
        hl, hs = soil_bgc_day(soilc, acc, spin, col[C_DAY_N], base_k, fdepth, texture_t, f13, ad_lat,
                              col[C_ALTMAX], col[C_ALTMAX_LAST], dz_l, z_l, zi_l, nlevsoi, sp, ad_mode, spin_on,
                              sc[R_BGC:R_BGC + 8])
        hr = hl + hs
        col[C_DAY_N] = 0.0
        if spin_on:
            col[C_SPIN_NDAYS] += 1.0
    # ---------------------------------------------------------------- active layer
    alt = 0.0
    for j in range(nlevgrnd):
        if tsoi[j] > TFRZ:
            alt = zi_l[j]
        else:
            break
    if alt > col[C_ALTMAX]:
        col[C_ALTMAX] = alt
    if end_of_year:
        col[C_ANNAVG_T2M] = col[C_ANN_TSUM] / col[C_ANN_N]
        col[C_ANN_TSUM] = 0.0
        col[C_ANN_N] = 0.0
        col[C_ALTMAX_LAST] = col[C_ALTMAX]
        nalt = 0
        for j in range(nlevsoi):
            if zi_l[j] <= col[C_ALTMAX] + 1.0e-9:
                nalt = j + 1
        col[C_NALT_LAST] = max(nalt, 1)
        col[C_ALTMAX] = 0.0
        update_profiles(col, rootfr_c, nlevsoi, z_l, sc, prof)
    # ---------------------------------------------------------------- outputs (sums over the chunk)
    out[O_GPP] += gpp_cell * dt
    out[O_AR] += ar_cell * dt
    out[O_MR] += mr_cell * dt
    out[O_GR] += gr_cell * dt
    out[O_NPP] += (gpp_cell - ar_cell) * dt
    out[O_HR] += hr
    out[O_NEP] += (gpp_cell - ar_cell) * dt - hr
    out[O_PRECIP] += prec * dt
    out[O_TLAI] += lai_cell
    out[O_TBOT] += ta
    out[O_FSDS] += sw
    out[O_TSOI_10CM] += (0.02 * tsoi[0] + 0.04 * tsoi[1] + 0.04 * tsoi[2]) / 0.1
    h1 = 0.0
    for j in range(nlevsoi):
        if zi_l[j] <= 1.0:
            h1 += (liq[j] / DENH2O + ice[j] / DENICE)
        elif zi_l[j] - dz_l[j] < 1.0:
            h1 += (liq[j] / DENH2O + ice[j] / DENICE) * (1.0 - (zi_l[j] - dz_l[j])) / dz_l[j]
    out[O_H2OSOI_1M] += h1
    out[O_FSH] += h_sens
    out[O_EFLX_LH_TOT] += lat_heat * evap_total + HVAP * et_cell
    out[O_SNOWDP] += snow_h
    if alt > out[O_ALT]:
        out[O_ALT] = alt
    return gpp_cell * dt, ar_cell * dt, hr


