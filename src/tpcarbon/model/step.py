"""One forcing step of one cell: the composition of every process, in CLM's order.

Order within a step (CLM5 ``clm_driver``): forcing derivations → canopy radiation and
photosynthesis per patch (with last step's soil water for btran) → ground energy balance,
soil/snow heat conduction, phase change, snow → soil water → vegetation carbon
(respiration, allocation, phenology, turnover, mortality) → litter inputs → (end of day)
soil biogeochemistry → (end of year) annual updates → output accumulation and the carbon
balance check.
"""

from __future__ import annotations

import math

from numba import njit

from tpcarbon.constants import (
    CPICE,
    SECSPDAY,
    DENH2O,
    DENICE,
    HFUS,
    HSUB,
    HVAP,
    O2_MOLAR,
    STEFAN,
    TFRZ,
    UMOL_C_TO_G_C,
)
from tpcarbon.model.daily import bgc_end_of_day
from tpcarbon.model.profiling import (
    PR_BGC,
    PR_CANOPY,
    PR_GROUND,
    PR_HEAT,
    PR_LUNA,
    PR_OUT,
    PR_RADIATION,
    PR_SNOW,
    PR_VEG,
    PR_WATER,
    tick,
)
from tpcarbon.model.canopy import (
    bare_ground_fluxes,
    canopy_fluxes,
    emitted_longwave_bare,
    ground_longwave_absorbed,
    leaf_n_area,
    luna_day,
    patch_capacities,
    patch_shortwave,
    qsat_and_derivative,
    sparse_rd_factor,
)
from tpcarbon.model.state import (
    A_IN_CWD,
    A_IN_L1,
    A_IN_L2,
    A_IN_L3,
    A_INN_CWD,
    A_INN_L1,
    A_INN_L2,
    A_INN_L3,
    A_TSCAL,
    A_WSCAL,
    A_XI,
    C_ALTMAX,
    C_ALTMAX_LAST,
    C_ANN_N,
    C_ANN_TSUM,
    C_ANNAVG_T2M,
    C_ANNET,
    C_ANNET_N,
    C_ET_DAY,
    C_DAY_N,
    C_DAYL,
    C_NALT_LAST,
    C_PBOT240,
    C_PCO2_240,
    C_PO2_240,
    C_PREC10,
    C_PREV_DAYL,
    C_QDRAI_DAY,
    C_QSURF_DAY,
    C_RUNMEAN_N,
    C_SNOW_AGE,
    C_SNOW_H,
    C_SNOW_T,
    C_SNOW_W,
    C_SPIN_NDAYS,
    C_T10,
    DEADSTEMC,
    C_FPI,
    LEAFC,
    LEAFC_FALL,
    NPOOL,
    NVEGC,
    O_FPI,
    O_LEAFC,
    O_LEAFN,
    O_NPOOL,
    O_SMIN_NH4,
    O_SMIN_NO3,
    SN_NH4,
    SN_NO3,
    O_ALT,
    O_AR,
    O_BTRAN,
    O_EBAL_ERR_MAX,
    O_EFLX_LH_TOT,
    O_FGR,
    O_FIRE,
    O_FSA,
    O_FSDS,
    O_FSH,
    O_FSR,
    O_GPP,
    O_GR,
    O_H2OSOI_1M,
    O_HR,
    O_MR,
    O_NEP,
    O_NPP,
    O_PRECIP,
    O_QSOIL,
    O_QVEGE,
    O_QVEGT,
    O_SNOWDP,
    O_TBOT,
    O_TG,
    O_TLAI,
    O_TSA,
    O_TSOI_10CM,
    O_TV,
    O_TV_ITER_FAIL,
    O_TV_ITER_STEPS,
    P_FPSN24,
    P_H2OCAN,
    P_HBOT,
    P_HTOP,
    P_JMX25,
    P_NDAY,
    P_NNIGHT,
    P_PAR24D,
    P_PAR24X,
    P_RB_LAST,
    P_RHAF_LAST,
    P_TLAI,
    P_TSAI,
    P_TVEG,
    P_TVEG_DAY_SUM,
    P_TVEG_NIGHT_SUM,
    P_VCMX25,
)
from tpcarbon.model.vegetation import (
    V_CWD_ABOVE,
    V_CWD_BELOW,
    V_FROOTLIT,
    V_CWD_ABOVE_N,
    V_CWD_BELOW_N,
    V_FROOTLIT_N,
    V_L1_ABOVE,
    V_L1_ABOVE_N,
    V_L1_BELOW,
    V_L1_BELOW_N,
    V_LEAFLIT,
    V_MR,
    vegetation_patch,
)
from tpcarbon.params.fixed import (
    AD_DEADWOOD_FACTOR,
    ANNET_PERIOD_DAYS,
    DEWMX,
    FWET_EXP,
    FWET_MAX,
    INTERCEPTION_FRACTION,
    ITMAX,
    LSAI_VEG_MIN,
    RUNMEAN_10D,
    SNOW_NODE_MIN_DEPTH,
    SW_VIS_FRACTION,
    WATMIN_VOL,
    Z0_SNOW,
    Z0_SOIL,
    Z_ATM,
)
from tpcarbon.params.pft import (
    PFT_C3PSN,
    PFT_DSLADLAI,
    PFT_FR_FCEL,
    PFT_FR_FLAB,
    PFT_FR_FLIG,
    PFT_LEAFCN,
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
from tpcarbon.physics.albedo import (
    calc_ground_albedo,
    calc_ground_emissivity,
    calc_snow_age_bats,
    calc_snow_albedo_bats,
    calc_soil_albedo,
)
from tpcarbon.physics.atmosphere import calc_air_density, calc_direct_fractions, calc_qsat, calc_snow_fraction
from tpcarbon.physics.luna import calc_luna_acc24_step, calc_runmean_step
from tpcarbon.physics.soil_n import calc_runmean_update
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
    calc_soil_surface_rh,
    calc_soilpsi_mpa,
    solve_soil_water,
)
from tpcarbon.physics.structure import calc_burial_fraction, calc_canopy_height, calc_lai, calc_tsai
from tpcarbon.physics.surface_layer import calc_soil_resistance_dsl

#: Number of soil colour classes of the albedo table (CLM5 surface datasets: 20).
SOIL_COLOR_CLASSES = 20

# scratch rows (per cell, width NLEVGRND + 1)
R_VLIQ, R_VICE, R_PSI, R_SINK = 0, 1, 2, 3
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

#: Per-patch canopy results of a step (``pout`` columns): vegetated flag, exposed LAI/SAI, wet/dry fractions,
#: btran, absorbed/reflected shortwave, leaf and ground fluxes and derivatives, longwave, GPP, leaf MR, 2-m T,
#: leaf temperature (means over the sub-steps) and the largest leaf energy-balance error.
(PO_VEG, PO_ELAI, PO_ESAI, PO_FWET, PO_FDRY, PO_BTRAN, PO_SABV, PO_SABG, PO_FSR, PO_HV, PO_EV, PO_ETR, PO_HG, PO_EG,
 PO_CGS, PO_CGL, PO_DLRAD, PO_ULRAD, PO_GPP, PO_LMR, PO_T2M, PO_TV, PO_ERR) = range(23)
NPOUT = 23


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
def nitrogen_totals(vegn, frac, soiln, acc, dz, nlev):
    """Nitrogen stocks of a cell [g N m-2]: vegetation (all pools incl. retranslocated, plant and falling-leaf
    N, patch-weighted), litter + CWD (incl. inputs in transit), soil organic matter, mineral N (NH4 + NO3).

    Returns
    -------
    (float, float, float, float)
        TOTVEGN, TOTLITN, TOTSOMN, SMINN [g N m-2]; their sum is TOTECOSYSN.
    """
    veg = 0.0
    for p in range(vegn.shape[0]):
        if frac[p] > 0.0:
            s = 0.0
            for i in range(LEAFC_FALL):      # every slot below LEAFC_FALL holds N; LEAFC_FALL holds carbon
                s += vegn[p, i]
            veg += frac[p] * s
    lit = 0.0
    som = 0.0
    smin = 0.0
    for j in range(nlev):
        sl = 0.0
        for i in range(4):
            sl += soiln[i, j] + acc[A_INN_CWD + i, j]
        lit += sl * dz[j]
        som += (soiln[4, j] + soiln[5, j] + soiln[6, j]) * dz[j]
        smin += (soiln[SN_NH4, j] + soiln[SN_NO3, j]) * dz[j]
    return veg, lit, som, smin


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
              ad_lat, rootfr_w, rootfr_c, fdepth, soil_color, vegc, vegn, pheno, col, tsoi, liq, ice, soilc, soiln,
              acc, rec, vspin, pft, sp, base_k, q10_norm, dz_l, z_l, zi_l, nlevsoi, nlevgrnd, dt, n_sub, ad_mode,
              spin_on, with_n, ndep, mu_mean, mu_sub, sc, prof, rootr_p, fl, vout, pout, bw, out, timing):
    """Advance one cell by one forcing step (see the module docstring for the order).

    Returns
    -------
    (float, float, float, float)
        GPP, AR and HR of the step [g C m-2], and the cell's N inputs minus outputs [g N m-2] (for the balance
        checks).
    """
    npatch = pft_idx.shape[0]
    profile = timing.shape[0] > 0     # cycle counters per process (benchmarks only, model/profiling.py)
    t_mark = tick() if profile else 0.0
    # ---------------------------------------------------------------- forcing derivations
    fsnow = calc_snow_fraction(ta)
    rain = prec * (1.0 - fsnow)
    snowf = prec * fsnow
    rho_air = calc_air_density(ta, qa, pa)
    qsat_a = calc_qsat(ta, pa)
    if qa > qsat_a:
        qa = qsat_a
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
    # ---------------------------------------------------------------- ground surface state (CanopyTemperatureMod)
    snow_w = col[C_SNOW_W]
    snow_h = col[C_SNOW_H]
    has_node = snow_h >= SNOW_NODE_MIN_DEPTH and snow_w > 0.0
    fsno = calc_snow_cover_fraction(snow_h, snow_w / snow_h if snow_h > 0.0 else 100.0) if snow_w > 0.0 else 0.0
    emg = calc_ground_emissivity(fsno)
    qs_soil, dqs_soil = qsat_and_derivative(tsoi[0], pa)
    hr_soil = calc_soil_surface_rh(liq[0], ice[0], dz_l[0], watsat[0], sucsat[0], bsw[0], tsoi[0])
    if qs_soil > qa and qa > hr_soil * qs_soil:
        qs_soil = qa
        dqs_soil = 0.0
    if has_node:
        t_grnd = col[C_SNOW_T]
        qg, dqgdt = qsat_and_derivative(t_grnd, pa)
        if qg > qa and qa > qg:
            qg = qa
            dqgdt = 0.0
        lat_heat = HSUB
        z0mg = Z0_SNOW
        soilresis = 0.0
    else:
        t_grnd = tsoi[0]
        qsn, dqsn = qsat_and_derivative(t_grnd, pa)
        qg = fsno * qsn + (1.0 - fsno) * hr_soil * qs_soil
        dqgdt = fsno * dqsn + (1.0 - fsno) * hr_soil * dqs_soil
        lat_heat = HVAP if (liq[0] > 0.0 and tsoi[0] >= TFRZ) else HSUB
        z0mg = Z0_SNOW if fsno > 0.0 else Z0_SOIL
        _, rsoil = calc_soil_resistance_dsl(liq[0], ice[0], dz_l[0], watsat[0], sucsat[0], bsw[0], tsoi[0])
        soilresis = rsoil * (1.0 - fsno)
    tg2 = t_grnd * t_grnd
    lw_emit_g = emg * STEFAN * tg2 * tg2
    # soil albedo by colour class from the top layer's water (SoilAlbedo), snow albedo by age (BATS)
    alb_sv, alb_sn, _, _ = calc_soil_albedo(soil_color, min(vliq[0] + vice[0], watsat[0]), SOIL_COLOR_CLASSES)
    if profile:
        t_now = tick()
        timing[PR_GROUND] += t_now - t_mark
        t_mark = t_now
    # ---------------------------------------------------------------- canopy: interception, then sub-stepped fluxes
    sink = sc[R_SINK]
    for j in range(nlevsoi):
        sink[j] = 0.0
    water_to_ground = 0.0            # liquid water reaching the ground; snow is not intercepted (D20)
    lai_cell = 0.0
    for p in range(npatch):
        po = pout[p]
        for k in range(NPOUT):
            po[k] = 0.0
        fp = frac[p]
        if fp <= 0.0:
            continue
        ip = pft_idx[p]
        ph = pheno[p]
        if ip == 0:
            water_to_ground += fp * rain
            po[PO_VEG] = 0.0
            continue
        lai_cell += fp * ph[P_TLAI]
        fb = calc_burial_fraction(pft[ip, PFT_WOODY], ph[P_HTOP], ph[P_HBOT], snow_h)
        elai = ph[P_TLAI] * fb
        esai = ph[P_TSAI] * fb
        po[PO_ELAI] = elai
        po[PO_ESAI] = esai
        lsai = elai + esai
        if lsai >= LSAI_VEG_MIN:
            po[PO_VEG] = 1.0
            # interception of rain and drip of the excess above dewmx (L + S) (CanopyHydrologyMod l.318-390)
            fpi = INTERCEPTION_FRACTION * math.tanh(lsai)
            h2ocanmx = DEWMX * lsai
            w = ph[P_H2OCAN] + rain * fpi * dt
            drip = max(w - h2ocanmx, 0.0)
            ph[P_H2OCAN] = w - drip
            water_to_ground += fp * (rain * (1.0 - fpi) + drip / dt)
            fwet = min((ph[P_H2OCAN] / h2ocanmx) ** FWET_EXP, FWET_MAX) if ph[P_H2OCAN] > 0.0 else 0.0
            po[PO_FWET] = fwet
            po[PO_FDRY] = (1.0 - fwet) * elai / lsai
            po[PO_BTRAN] = calc_btran_from_smp(bsmp, vice, watsat, rootfr_w[p], pft[ip, PFT_SMPSO], pft[ip, PFT_SMPSC],
                                              nlevsoi, rootr_p[p])
        else:
            po[PO_VEG] = 0.0
            water_to_ground += fp * (rain + ph[P_H2OCAN] / dt)
            ph[P_H2OCAN] = 0.0
            ph[P_TVEG] = ta
    # light of the sub-steps: the interval-mean shortwave in proportion to max(cos zenith, 0) (CDEPS coszen)
    wsum = 0.0
    for k in range(n_sub):
        wsum += mu_mean if n_sub == 1 else mu_sub[k]
    dts = dt / n_sub
    for k in range(n_sub):
        mu_k = mu_mean if n_sub == 1 else mu_sub[k]
        sw_k = sw * mu_k * n_sub / wsum if wsum > 0.0 else 0.0
        day = sw_k > 0.0 and mu_k > 0.0
        rv, rn = calc_direct_fractions(sw_k)
        vis = SW_VIS_FRACTION * sw_k
        nir = sw_k - vis
        sdv, siv, sdn, sin_ = vis * rv, vis * (1.0 - rv), nir * rn, nir * (1.0 - rn)
        if fsno > 0.0:
            snd_v, snd_n, sni_v, sni_n = calc_snow_albedo_bats(col[C_SNOW_AGE], mu_k)
        else:
            snd_v = snd_n = sni_v = sni_n = 0.0
        agd_v = calc_ground_albedo(alb_sv, snd_v, fsno)
        agi_v = calc_ground_albedo(alb_sv, sni_v, fsno)
        agd_n = calc_ground_albedo(alb_sn, snd_n, fsno)
        agi_n = calc_ground_albedo(alb_sn, sni_n, fsno)
        sabg_bare = sdv * (1.0 - agd_v) + siv * (1.0 - agi_v) + sdn * (1.0 - agd_n) + sin_ * (1.0 - agi_n)
        for p in range(npatch):
            fp = frac[p]
            if fp <= 0.0:
                continue
            ip = pft_idx[p]
            po = pout[p]
            ph = pheno[p]
            if po[PO_VEG] < 0.5:
                po[PO_SABG] += sabg_bare / n_sub
                po[PO_FSR] += (sw_k - sabg_bare) / n_sub
                continue
            elai = po[PO_ELAI]
            esai = po[PO_ESAI]
            c3 = pft[ip, PFT_C3PSN] > 0.5
            if profile:
                t_now = tick()
                timing[PR_GROUND] += t_now - t_mark
                t_mark = t_now
            sabv, sabg, fsr, parsun, parsha, laisun, laisha, fsun, kb = patch_shortwave(
                ip, pft, elai, esai, mu_k if day else 0.0, sdv, siv, sdn, sin_, agd_v, agi_v, agd_n, agi_n)
            if not day:
                sabg = 0.0
                fsr = sw_k
                fsun = 0.0
                laisun = 0.0
                laisha = elai
            leafn = vegn[p, LEAFC] if with_n else vegc[p, LEAFC] / pft[ip, PFT_LEAFCN]
            n_area = leaf_n_area(leafn, ph[P_TLAI], pft[ip, PFT_SLATOP], pft[ip, PFT_LEAFCN])
            caps = patch_capacities(ip, pft, c3, n_area, col[C_T10], dayl, dayl_max, ph[P_VCMX25], ph[P_JMX25],
                                    0.0, elai, kb, fsun, day)
            if profile:
                t_now = tick()
                timing[PR_RADIATION] += t_now - t_mark
                t_mark = t_now
            r = canopy_fluxes(ip, pft, c3, elai, esai, ph[P_HTOP], po[PO_BTRAN], caps, sparse_rd_factor(elai), day,
                              parsun, parsha, laisun, laisha, sabv, col[C_T10], ta, qa, pa, rho_air, lw, wind, co2,
                              Z_ATM, t_grnd, qg, dqgdt, z0mg, emg, soilresis, snow_h, ph[P_TVEG], po[PO_FWET],
                              po[PO_FDRY], ph[P_H2OCAN], dts)
            (tv, hv, ev, etr, hg, eg, cgs, cgl, dlrad, ulrad, gpp, lmr, t2m, err, npass, rb, rhaf) = r
            if profile:
                t_now = tick()
                timing[PR_CANOPY] += t_now - t_mark
                t_mark = t_now
            ph[P_TVEG] = tv
            ph[P_RB_LAST] = rb
            ph[P_RHAF_LAST] = rhaf
            w = 1.0 / n_sub
            po[PO_SABV] += sabv * w
            po[PO_SABG] += sabg * w
            po[PO_FSR] += fsr * w
            po[PO_HV] += hv * w
            po[PO_EV] += ev * w
            po[PO_ETR] += etr * w
            po[PO_HG] += hg * w
            po[PO_EG] += eg * w
            po[PO_CGS] += cgs * w
            po[PO_CGL] += cgl * w
            po[PO_DLRAD] += dlrad * w
            po[PO_ULRAD] += ulrad * w
            po[PO_GPP] += gpp * w
            po[PO_LMR] += lmr * w
            po[PO_T2M] += t2m * w
            po[PO_TV] += tv * w
            po[PO_ERR] = max(po[PO_ERR], abs(err))
            if npass > ITMAX:
                out[O_TV_ITER_FAIL] += w
            out[O_TV_ITER_STEPS] += w
            if c3:
                a = calc_luna_acc24_step(ph[P_TVEG_DAY_SUM], ph[P_NDAY], ph[P_TVEG_NIGHT_SUM], ph[P_NNIGHT],
                                         ph[P_PAR24D], ph[P_PAR24X], ph[P_FPSN24], tv, sabv, parsun, laisun, laisha,
                                         gpp / UMOL_C_TO_G_C, dts)
                (ph[P_TVEG_DAY_SUM], ph[P_NDAY], ph[P_TVEG_NIGHT_SUM], ph[P_NNIGHT], ph[P_PAR24D], ph[P_PAR24X],
                 ph[P_FPSN24]) = a
    # per-patch ground fluxes of bare patches (three Monin-Obukhov passes, once per step)
    gpp_cell = 0.0
    sw_abs = 0.0
    fsr_cell = 0.0
    h0 = 0.0
    dh0 = 0.0
    hg_cell = 0.0
    eg_cell = 0.0
    cgs_cell = 0.0
    cgl_cell = 0.0
    hv_cell = 0.0
    ev_cell = 0.0
    etr_cell = 0.0
    ulrad_cell = 0.0
    t2m_cell = 0.0
    tv_cell = 0.0
    fveg = 0.0
    btran_cell = 0.0
    ebal_canopy = 0.0
    hg_b = eg_b = cgs_b = cgl_b = t2m_b = 0.0
    bare_done = False
    for p in range(npatch):
        fp = frac[p]
        if fp <= 0.0:
            continue
        po = pout[p]
        if po[PO_VEG] < 0.5:
            if not bare_done:
                hg_b, eg_b, cgs_b, cgl_b, t2m_b = bare_ground_fluxes(ta, qa, rho_air, wind, Z_ATM, t_grnd, qg, dqgdt,
                                                                     z0mg, soilresis)
                bare_done = True
            po[PO_HG] = hg_b
            po[PO_EG] = eg_b
            po[PO_CGS] = cgs_b
            po[PO_CGL] = cgl_b
            po[PO_T2M] = t2m_b
            po[PO_DLRAD] = ground_longwave_absorbed(lw, emg)
            po[PO_ULRAD] = emitted_longwave_bare(lw, emg, t_grnd)
        else:
            fveg += fp
            tv_cell += fp * po[PO_TV]
            btran_cell += fp * po[PO_BTRAN]
            ebal_canopy = max(ebal_canopy, po[PO_ERR])
            etr_p = po[PO_ETR]
            if etr_p > 0.0:
                rr = rootr_p[p]
                for j in range(nlevsoi):
                    sink[j] += fp * etr_p * rr[j]
        gpp_cell += fp * po[PO_GPP]
        sw_abs += fp * (po[PO_SABV] + po[PO_SABG])
        fsr_cell += fp * po[PO_FSR]
        h0 += fp * (po[PO_SABG] + po[PO_DLRAD] - lw_emit_g - po[PO_HG] - lat_heat * po[PO_EG])
        dh0 += fp * (-4.0 * lw_emit_g / t_grnd - po[PO_CGS] - lat_heat * po[PO_CGL])
        hg_cell += fp * po[PO_HG]
        eg_cell += fp * po[PO_EG]
        cgs_cell += fp * po[PO_CGS]
        cgl_cell += fp * po[PO_CGL]
        hv_cell += fp * po[PO_HV]
        ev_cell += fp * po[PO_EV]
        etr_cell += fp * po[PO_ETR]
        ulrad_cell += fp * po[PO_ULRAD]
        t2m_cell += fp * po[PO_T2M]
    # limit transpiration by the liquid water available above the residual content; the latent heat of the
    # water that cannot be supplied becomes sensible heat of the canopy (keeps the energy balance closed)
    et_cell = 0.0
    for j in range(nlevsoi):
        avail = max(liq[j] - WATMIN_VOL * DENH2O * dz_l[j], 0.0) / dt
        if sink[j] > avail:
            sink[j] = avail
        et_cell += sink[j]
    if et_cell < etr_cell:
        hv_cell += HVAP * (etr_cell - et_cell)
        ev_cell -= etr_cell - et_cell
        etr_cell = et_cell
    # canopy water: evaporation of intercepted water (E_v - E_tr) and dew (E_v < E_tr) (CanopyFluxesMod l.1258)
    for p in range(npatch):
        if frac[p] > 0.0 and pout[p, PO_VEG] > 0.5:
            pheno[p, P_H2OCAN] = max(0.0, pheno[p, P_H2OCAN] + (pout[p, PO_ETR] - pout[p, PO_EV]) * dt)
    if profile:
        t_now = tick()
        timing[PR_GROUND] += t_now - t_mark
        t_mark = t_now
    # ---------------------------------------------------------------- LUNA (CanopyFluxesMod l.1310-1346)
    if end_of_day:
        for p in range(npatch):
            ip = pft_idx[p]
            if frac[p] <= 0.0 or ip == 0 or pout[p, PO_VEG] < 0.5 or pft[ip, PFT_C3PSN] < 0.5:
                continue
            leafn = vegn[p, LEAFC] if with_n else vegc[p, LEAFC] / pft[ip, PFT_LEAFCN]
            luna_day(pheno[p], leafn, pft, ip, col[C_T10], col[C_PCO2_240], col[C_PO2_240],
                     col[C_PBOT240], dayl, pout[p, PO_ELAI], dt / n_sub)
    nrm = RUNMEAN_10D / dt
    col[C_PCO2_240], _ = calc_runmean_step(col[C_PCO2_240], col[C_RUNMEAN_N], nrm, co2 * 1.0e-6 * pa)
    col[C_PO2_240], _ = calc_runmean_step(col[C_PO2_240], col[C_RUNMEAN_N], nrm, O2_MOLAR * pa)
    col[C_PBOT240], col[C_RUNMEAN_N] = calc_runmean_step(col[C_PBOT240], col[C_RUNMEAN_N], nrm, pa)
    if profile:
        t_now = tick()
        timing[PR_LUNA] += t_now - t_mark
        t_mark = t_now
    # ---------------------------------------------------------------- ground heat conduction (SoilTemperatureMod)
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
    tinc = nt[0] - t_old
    # ground fluxes at the new surface temperature (SoilFluxesMod l.196-260)
    hg_cell += cgs_cell * tinc
    evap = eg_cell + cgl_cell * tinc
    fgr = h0 + dh0 * tinc
    lw_up = ulrad_cell + 4.0 * lw_emit_g / t_grnd * tinc
    h_sens = hv_cell + hg_cell
    if has_node:
        col[C_SNOW_T] = nt[0]
    for j in range(nlevgrnd):
        tsoi[j] = nt[j + off]
    if profile:
        t_now = tick()
        timing[PR_HEAT] += t_now - t_mark
        t_mark = t_now
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
        lim = min(evap_soil, avail)
        # latent heat of water the dry top layer cannot supply becomes sensible heat (energy closure)
        h_sens += lat_heat * (evap_soil - lim)
        evap -= evap_soil - lim
        evap_soil = lim
        sink[0] += evap_soil
    elif evap_soil < 0.0:
        dew_soil = -evap_soil
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
    col[C_SNOW_AGE] = calc_snow_age_bats(col[C_SNOW_AGE], dt, col[C_SNOW_T] if snow_h >= SNOW_NODE_MIN_DEPTH
                                         else tsoi[0], snow_w, col[C_SNOW_W])
    col[C_SNOW_W] = snow_w
    col[C_SNOW_H] = snow_h
    if profile:
        t_now = tick()
        timing[PR_SNOW] += t_now - t_mark
        t_mark = t_now
    # ---------------------------------------------------------------- soil freeze-thaw
    for j in range(nlevsoi):
        capdz = calc_soil_heat_capacity(liq[j], ice[j], dz_l[j], watsat[j], csol[j]) * dz_l[j]
        lmax = calc_supercooled_liquid_max(tsoi[j], dz_l[j], watsat[j], sucsat[j], bsw[j])
        tsoi[j], liq[j], ice[j] = calc_phase_change(tsoi[j], liq[j], ice[j], capdz, lmax)
    # ---------------------------------------------------------------- soil water
    water_in = water_to_ground + melt / dt + dew_soil
    for j in range(nlevsoi):
        vliq[j] = liq[j] / (DENH2O * dz_l[j])
        vice[j] = ice[j] / (DENICE * dz_l[j])
    infil, runoff = calc_infiltration(water_in, vliq[0], vice[0], watsat[0], hksat[0])
    drainage = solve_soil_water(liq, ice, dz_l, z_l, watsat, bsw, sucsat, hksat, infil, sink, dt, nlevsoi,
                                sc[R_WATER:R_WATER + 6])
    col[C_QDRAI_DAY] += drainage * dt
    col[C_QSURF_DAY] += runoff * dt
    # 365-day running mean of evapotranspiration (free-living N fixation, CNFreeLivingFixation)
    col[C_ANNET], col[C_ANNET_N] = calc_runmean_update(col[C_ANNET], ev_cell + evap, col[C_ANNET_N],
                                                       ANNET_PERIOD_DAYS * SECSPDAY / dt)
    if profile:
        t_now = tick()
        timing[PR_WATER] += t_now - t_mark
        t_mark = t_now
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
        vegetation_patch(ip, pft, sp, vc, vegn[p], ph, pout[p, PO_GPP], pout[p, PO_LMR], ta, q10s, rootfr_c[p],
                         nlevsoi, t3, psi3, col[C_PREC10], dayl, ws_flag, col[C_ANNAVG_T2M], dt, ad_mode, spin_on,
                         with_n, vspin[p], fl, vout[p])
        vo = vout[p]
        mr_cell += fp * vo[V_MR]
        ar_cell += fp * vo[V_MR]
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
        if with_n:
            frn = fp * vo[V_FROOTLIT_N] * dt
            can = fp * vo[V_CWD_ABOVE_N] * dt
            cbn = fp * vo[V_CWD_BELOW_N] * dt
            lan = fp * vo[V_L1_ABOVE_N] * dt
            lbn = fp * vo[V_L1_BELOW_N] * dt
            for j in range(nlevsoi):
                s = surf[j] / dz_l[j]
                r = rp[j] / dz_l[j]
                acc[A_INN_L1, j] += lan * s + (frn * pft[ip, PFT_FR_FLAB] + lbn) * r
                acc[A_INN_L2, j] += frn * pft[ip, PFT_FR_FCEL] * r
                acc[A_INN_L3, j] += frn * pft[ip, PFT_FR_FLIG] * r
                acc[A_INN_CWD, j] += can * s + cbn * r
        # canopy structure
        tlai = calc_lai(vc[LEAFC], pft[ip, PFT_SLATOP], pft[ip, PFT_DSLADLAI])
        ph[P_TSAI] = calc_tsai(ph[P_TSAI], tlai_old, tlai, dt)
        ph[P_TLAI] = tlai
        dstem = vc[DEADSTEMC] * (AD_DEADWOOD_FACTOR if ad_mode else 1.0)
        htop, hbot = calc_canopy_height(pft[ip, PFT_WOODY], pft[ip, PFT_SHRUB], dstem, tlai)
        ph[P_HTOP] = htop
        ph[P_HBOT] = hbot
    if profile:
        t_now = tick()
        timing[PR_VEG] += t_now - t_mark
        t_mark = t_now
    # ---------------------------------------------------------------- decomposition scalars
    for j in range(nlevsoi):
        ft = calc_decomp_t_scalar(tsoi[j], sp.q10_mr, sp.froz_q10, q10_norm)
        fw = calc_decomp_w_scalar_from_saturation(liq[j] / (DENH2O * dz_l[j]), watsat[j], sucsat[j], bsw[j],
                                                  sp.minpsi_hr, sp.maxpsi_hr)
        acc[A_XI, j] += ft * fw
        acc[A_TSCAL, j] += ft
        acc[A_WSCAL, j] += fw
    col[C_DAY_N] += 1.0
    col[C_ET_DAY] += (ev_cell + evap) * dt
    hr = 0.0
    n_net = 0.0
    if end_of_day:
        day_s = col[C_DAY_N] * dt
        iday = int(col[C_SPIN_NDAYS])
        rec_day = rec[min(iday, rec.shape[0] - 1)]
        rec_on = spin_on and iday < rec.shape[0]
        gr_day, nc_day, hr, n_net = bgc_end_of_day(pft_idx, frac, pft, sp, vegc, vegn, pheno, soilc, soiln, acc, rec_day,
                                            col, base_k, fdepth, texture_t, f13, ad_lat, liq, ice, tsoi, watsat,
                                            sucsat, bsw, rootfr_c, prof, sc[R_SURFPROF], dz_l, z_l, zi_l, nlevsoi,
                                            ad_mode, rec_on, with_n, ndep, day_s, bw, out)
        gr_cell += gr_day / dt
        ar_cell += (gr_day + nc_day) / dt
        col[C_DAY_N] = 0.0
        col[C_QDRAI_DAY] = 0.0
        col[C_QSURF_DAY] = 0.0
        col[C_ET_DAY] = 0.0
        if spin_on:
            col[C_SPIN_NDAYS] += 1.0
    if profile:
        t_now = tick()
        timing[PR_BGC] += t_now - t_mark
        t_mark = t_now
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
    lh = HVAP * ev_cell + lat_heat * evap
    out[O_FSH] += h_sens
    out[O_EFLX_LH_TOT] += lh
    out[O_SNOWDP] += snow_h
    out[O_QVEGT] += etr_cell * dt
    out[O_QVEGE] += (ev_cell - etr_cell) * dt
    out[O_QSOIL] += evap * dt
    out[O_TG] += t_old + tinc
    out[O_TV] += tv_cell / fveg if fveg > 0.0 else ta
    out[O_TSA] += t2m_cell
    out[O_FSA] += sw_abs
    out[O_FSR] += fsr_cell
    out[O_FIRE] += lw_up
    out[O_FGR] += fgr
    out[O_BTRAN] += btran_cell / fveg if fveg > 0.0 else 0.0
    npool_cell = 0.0
    lcn_c = 0.0
    lcn_n = 0.0
    for p in range(npatch):
        if frac[p] > 0.0 and pft_idx[p] > 0:
            npool_cell += frac[p] * vegn[p, NPOOL]
            lcn_c += frac[p] * vegc[p, LEAFC]
            lcn_n += frac[p] * vegn[p, LEAFC]
    nh4_cell = 0.0
    no3_cell = 0.0
    for j in range(nlevsoi):
        nh4_cell += soiln[SN_NH4, j] * dz_l[j]
        no3_cell += soiln[SN_NO3, j] * dz_l[j]
    out[O_NPOOL] += npool_cell
    out[O_SMIN_NH4] += nh4_cell
    out[O_SMIN_NO3] += no3_cell
    out[O_FPI] += col[C_FPI]
    out[O_LEAFC] += lcn_c      # leaf C:N = LEAFC / LEAFN (a ratio of means: leafless steps carry no weight)
    out[O_LEAFN] += lcn_n
    # surface energy balance: absorbed shortwave + incoming longwave = emitted longwave + H + λE + G
    ebal = abs(sw_abs + lw - lw_up - h_sens - lh - fgr)
    ebal = max(ebal, ebal_canopy)
    if ebal > out[O_EBAL_ERR_MAX]:
        out[O_EBAL_ERR_MAX] = ebal
    if alt > out[O_ALT]:
        out[O_ALT] = alt
    if profile:
        timing[PR_OUT] += tick() - t_mark
    return gpp_cell * dt, ar_cell * dt, hr, n_net


