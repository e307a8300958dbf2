"""One patch's vegetation carbon in one step: respiration, allocation, phenology, turnover, mortality.

The phenology state machines (evergreen, seasonal-deciduous, stress-deciduous) follow
``CNPhenologyMod.F90`` (spec §3.2-§3.4); allocation follows spec §4.1-§4.4 with the
FUN-lite N cost; gap mortality spec §3.5; live-wood turnover spec §3.1. All new growth is
routed through storage (f_cur = 0 for every natural PFT in CLM5.0, spec §4.2). Growth
respiration is charged at allocation (grpnow = 1), so CLM's growth-respiration storage
pools stay empty and are not carried (no effect).

This is the impure layer: it updates the patch's pools and phenology state in place,
using the pure rate kernels of ``physics.phenology``, ``physics.respiration`` and
``physics.allocation``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tpcarbon.constants import DAYSPYR, SECSPDAY, TFRZ
from tpcarbon.model.state import (
    DEADCROOTC,
    DEADSTEMC,
    FROOTC,
    LEAFC,
    LIVECROOTC,
    LIVESTEMC,
    NTISSUE,
    NVEGC,
    P_DAYS_ACTIVE,
    P_DORMANT,
    P_OFFSET_COUNTER,
    P_OFFSET_FDD,
    P_OFFSET_FLAG,
    P_OFFSET_SWI,
    P_ONSET_COUNTER,
    P_ONSET_FDD,
    P_ONSET_FLAG,
    P_ONSET_GDD,
    P_ONSET_GDDFLAG,
    P_ONSET_SWI,
    P_PREV_FROOT_LITTER,
    P_PREV_LEAF_LITTER,
    XSMRPOOL,
)
from tpcarbon.params.fixed import (
    AD_DEADWOOD_FACTOR,
    BR_ROOT,
    RUNMEAN_10D,
    STRESS_DECID_MIN_DAYL,
    STRESS_DECID_RAIN_MM,
)
from tpcarbon.params.pft import (
    PFT_CROOT_STEM,
    PFT_DEADWDCN,
    PFT_EVERGREEN,
    PFT_FLIVEWD,
    PFT_FROOT_LEAF,
    PFT_FROOTCN,
    PFT_FUN_KAPPA,
    PFT_GRPERC,
    PFT_LEAF_LONG,
    PFT_LEAFCN,
    PFT_LIVEWDCN,
    PFT_SEASON_DECID,
    PFT_STEM_LEAF,
    PFT_STRESS_DECID,
    PFT_WOODY,
)
from tpcarbon.physics.allocation import (
    calc_c_allometry,
    calc_fun_lite_n_cost,
    calc_mr_deficit,
    calc_n_allometry,
    calc_xsmr_recovery,
)
from tpcarbon.physics.phenology import (
    calc_evergreen_rates,
    calc_gdd_crit,
    calc_long_growing_season,
    calc_offset_litterfall,
    calc_onset_flux,
)
from tpcarbon.physics.respiration import calc_froot_mr, calc_growth_respiration, calc_tissue_mr

# flux matrix columns: 0 chain (stor->xfer, xfer->display, live->dead wood), 1 litterfall, 2 mortality
F_CHAIN, F_LITTER, F_MORT = 0, 1, 2
# output slots of vegetation_patch
V_MR, V_GR, V_NCOST, V_LEAFLIT, V_FROOTLIT, V_CWD_ABOVE, V_CWD_BELOW, V_L1_ABOVE, V_L1_BELOW = range(9)
NVOUT = 9


def _chain_targets() -> np.ndarray:
    """Receiving pool of the chain flux out of each pool (−1 if none): storage → transfer → display,
    live stem → dead stem, live coarse root → dead coarse root."""
    tgt = np.full(NVEGC, -1, dtype=np.int64)
    for t in range(NTISSUE):
        tgt[3 * t + 1] = 3 * t + 2
        tgt[3 * t + 2] = 3 * t
    tgt[LIVESTEMC] = DEADSTEMC
    tgt[LIVECROOTC] = DEADCROOTC
    return tgt


#: Chain-flux receiver of each vegetation pool (constant lookup table for the kernels).
CHAIN_TARGET = _chain_targets()
#: Litter destination of each pool's litterfall and mortality (V_* output slot).
LITTER_SLOT = np.array(
    [V_LEAFLIT, V_L1_ABOVE, V_L1_ABOVE,            # leaf: display, storage, transfer
     V_FROOTLIT, V_L1_BELOW, V_L1_BELOW,           # fine root
     V_CWD_ABOVE, V_L1_ABOVE, V_L1_ABOVE,          # live stem
     V_CWD_ABOVE, V_L1_ABOVE, V_L1_ABOVE,          # dead stem
     V_CWD_BELOW, V_L1_BELOW, V_L1_BELOW,          # live coarse root
     V_CWD_BELOW, V_L1_BELOW, V_L1_BELOW,          # dead coarse root
     -1], dtype=np.int64)                           # xsmrpool


@njit(cache=True, nogil=True, error_model="numpy")
def _seasonal_phenology(ph, dt, ws_flag, dayl, t_soil3, gdd_crit, sp):
    """Seasonal-deciduous state machine (spec §3.3). Returns (onset_event, offset_event)."""
    onset_event = False
    offset_event = False
    fracday = dt / SECSPDAY
    if ph[P_DORMANT] > 0.5:
        if ws_flag and ph[P_ONSET_GDDFLAG] < 0.5:
            ph[P_ONSET_GDDFLAG] = 1.0
            ph[P_ONSET_GDD] = 0.0
        if (not ws_flag) and ph[P_ONSET_GDDFLAG] > 0.5:
            ph[P_ONSET_GDDFLAG] = 0.0
            ph[P_ONSET_GDD] = 0.0
        if ph[P_ONSET_GDDFLAG] > 0.5 and t_soil3 > TFRZ:
            ph[P_ONSET_GDD] += (t_soil3 - TFRZ) * fracday
        if ph[P_ONSET_GDD] > gdd_crit:
            onset_event = True
            ph[P_ONSET_FLAG] = 1.0
            ph[P_DORMANT] = 0.0
            ph[P_ONSET_GDDFLAG] = 0.0
            ph[P_ONSET_GDD] = 0.0
            ph[P_ONSET_COUNTER] = sp.ndays_on * SECSPDAY
    elif ph[P_OFFSET_FLAG] < 0.5:
        if (not ws_flag) and dayl < sp.crit_dayl:
            offset_event = True
            ph[P_OFFSET_FLAG] = 1.0
            ph[P_OFFSET_COUNTER] = sp.ndays_off * SECSPDAY
            ph[P_PREV_LEAF_LITTER] = 0.0
            ph[P_PREV_FROOT_LITTER] = 0.0
    return onset_event, offset_event


@njit(cache=True, nogil=True, error_model="numpy")
def _stress_phenology(ph, dt, dayl, t_soil3, psi3, prec10, gdd_crit, sp):
    """Stress-deciduous state machine (spec §3.4). Returns (onset_event, offset_event)."""
    onset_event = False
    offset_event = False
    fracday = dt / SECSPDAY
    if ph[P_DORMANT] > 0.5:
        if ph[P_ONSET_GDDFLAG] < 0.5 and t_soil3 < TFRZ:
            ph[P_ONSET_FDD] += fracday
            if ph[P_ONSET_FDD] > sp.crit_onset_fdd:
                ph[P_ONSET_GDDFLAG] = 1.0
                ph[P_ONSET_FDD] = 0.0
                ph[P_ONSET_SWI] = 0.0
        if ph[P_ONSET_GDDFLAG] > 0.5 and t_soil3 > TFRZ:
            ph[P_ONSET_GDD] += (t_soil3 - TFRZ) * fracday
        if psi3 >= sp.soilpsi_on:
            ph[P_ONSET_SWI] += fracday
        rain_ok = prec10 * RUNMEAN_10D >= STRESS_DECID_RAIN_MM
        if ph[P_ONSET_SWI] > sp.crit_onset_swi and rain_ok:
            go = True
            if ph[P_ONSET_GDDFLAG] > 0.5 and ph[P_ONSET_GDD] < gdd_crit:
                go = False
            if dayl <= STRESS_DECID_MIN_DAYL:
                go = False
            if go:
                onset_event = True
                ph[P_ONSET_FLAG] = 1.0
                ph[P_DORMANT] = 0.0
                ph[P_DAYS_ACTIVE] = 0.0
                ph[P_ONSET_GDDFLAG] = 0.0
                ph[P_ONSET_GDD] = 0.0
                ph[P_ONSET_FDD] = 0.0
                ph[P_ONSET_SWI] = 0.0
                ph[P_ONSET_COUNTER] = sp.ndays_on * SECSPDAY
    elif ph[P_OFFSET_FLAG] < 0.5:
        onset_done = ph[P_ONSET_FLAG] < 0.5
        go = False
        if psi3 <= sp.soilpsi_off:
            ph[P_OFFSET_SWI] += fracday
            if ph[P_OFFSET_SWI] >= sp.crit_offset_swi and onset_done:
                go = True
        elif psi3 >= sp.soilpsi_on:
            ph[P_OFFSET_SWI] = max(ph[P_OFFSET_SWI] - fracday, 0.0)
        if ph[P_OFFSET_FDD] > 0.0 and t_soil3 > TFRZ:
            ph[P_OFFSET_FDD] = max(ph[P_OFFSET_FDD] - fracday, 0.0)
        if t_soil3 <= TFRZ:
            ph[P_OFFSET_FDD] += fracday
            if ph[P_OFFSET_FDD] > sp.crit_offset_fdd and onset_done:
                go = True
        if dayl <= STRESS_DECID_MIN_DAYL and onset_done:
            go = True
        if go:
            offset_event = True
            ph[P_OFFSET_FLAG] = 1.0
            ph[P_OFFSET_FDD] = 0.0
            ph[P_OFFSET_SWI] = 0.0
            ph[P_OFFSET_COUNTER] = sp.ndays_off * SECSPDAY
            ph[P_PREV_LEAF_LITTER] = 0.0
            ph[P_PREV_FROOT_LITTER] = 0.0
    if ph[P_DORMANT] < 0.5:
        ph[P_DAYS_ACTIVE] += fracday
    return onset_event, offset_event


@njit(cache=True, nogil=True, error_model="numpy")
def vegetation_patch(ip, pft, sp, vc, ph, gpp, leaf_mr, ta, q10_soil, rootfr_c, nlev, t_soil3, psi3, prec10, dayl,
                     ws_flag, annavg_t2m, dt, ad_mode, spin_on, vspin, fl, out):
    """Advance one patch's vegetation carbon through one step.

    Parameters
    ----------
    ip : int
        PFT index.
    pft : PftParams
        PFT parameters.
    sp : ScalarParams
        Scalar parameters.
    vc : ndarray, shape (NVEGC,)
        Vegetation pools [g C m-2]; updated in place.
    ph : ndarray, shape (NPHENO,)
        Phenology state; updated in place.
    gpp, leaf_mr : float
        This step's GPP and leaf maintenance respiration [g C m-2 s-1].
    ta : float
        Air temperature [K].
    q10_soil : ndarray, shape (NLEVSOI,)
        Maintenance-respiration Q10 factor of each soil layer's temperature [-].
    rootfr_c : ndarray, shape (NLEVSOI,)
        Carbon root fractions.
    nlev : int
        Soil layers.
    t_soil3, psi3 : float
        Temperature [K] and water potential [MPa] of soil layer 3.
    prec10 : float
        10-day mean precipitation [kg m-2 s-1].
    dayl : float
        Daylength [s].
    ws_flag : bool
        Between the winter and summer solstice.
    annavg_t2m : float
        Last year's mean air temperature [K].
    dt : float
        Step [s].
    ad_mode : bool
        Accelerated-decomposition spin-up (dead-wood mortality × 10).
    spin_on : bool
        Accumulate the inflow to dead wood into ``vspin``.
    vspin : ndarray, shape (2,)
        Dead stem and dead coarse root inflow accumulators [g C m-2].
    fl : ndarray, shape (NVEGC, 3)
        Scratch flux matrix [g C m-2 s-1].
    out : ndarray, shape (NVOUT,)
        Output: MR, GR, N-acquisition C, and litter fluxes by destination [g C m-2 s-1].
    """
    for k in range(NVOUT):
        out[k] = 0.0
    fl[:, :] = 0.0
    woody = pft[ip, PFT_WOODY]
    q10 = sp.q10_mr
    # ---- maintenance respiration (spec §4.3)
    froot_mr = calc_froot_mr(vc[FROOTC], pft[ip, PFT_FROOTCN], BR_ROOT, q10_soil, rootfr_c, nlev)
    stem_mr = 0.0
    croot_mr = 0.0
    if woody > 0.0:
        stem_mr = calc_tissue_mr(vc[LIVESTEMC], pft[ip, PFT_LIVEWDCN], sp.br_mr, ta, q10)
        croot_mr = calc_tissue_mr(vc[LIVECROOTC], pft[ip, PFT_LIVEWDCN], BR_ROOT, ta, q10)
    mr = leaf_mr + froot_mr + stem_mr + croot_mr
    # ---- allocation (spec §4.1-§4.2, FUN-lite §4.4)
    availc, xs = calc_mr_deficit(gpp, mr)
    vc[XSMRPOOL] -= xs * dt
    rec = calc_xsmr_recovery(vc[XSMRPOOL], availc, sp.dayscrecover, SECSPDAY)
    availc -= rec
    vc[XSMRPOOL] += rec * dt
    f1 = pft[ip, PFT_FROOT_LEAF]
    f2 = pft[ip, PFT_CROOT_STEM]
    f3 = pft[ip, PFT_STEM_LEAF]
    f4 = pft[ip, PFT_FLIVEWD]
    g1 = pft[ip, PFT_GRPERC]
    c_allom = calc_c_allometry(woody, f1, f3, f2)
    n_allom = calc_n_allometry(woody, f1, f3, f2, f4, pft[ip, PFT_LEAFCN], pft[ip, PFT_FROOTCN], pft[ip, PFT_LIVEWDCN],
                               pft[ip, PFT_DEADWDCN])
    ncost = calc_fun_lite_n_cost(availc, g1, c_allom / n_allom, pft[ip, PFT_FUN_KAPPA])
    calloc = availc - ncost
    tissue = calloc / (1.0 + g1)
    gr = calc_growth_respiration(tissue, g1)
    nlc = tissue / c_allom
    out[V_MR] = mr
    out[V_GR] = gr
    out[V_NCOST] = ncost
    # ---- phenology (spec §3)
    onset_event = False
    evergreen = pft[ip, PFT_EVERGREEN] > 0.5
    season = pft[ip, PFT_SEASON_DECID] > 0.5
    stress = pft[ip, PFT_STRESS_DECID] > 0.5
    bglfr = 0.0
    bgtr = 0.0
    gdd_crit = calc_gdd_crit(annavg_t2m, sp.gddfunc_p1, sp.gddfunc_p2) if ph[P_DORMANT] > 0.5 else 0.0
    if evergreen:
        bglfr, ktr = calc_evergreen_rates(pft[ip, PFT_LEAF_LONG])
        for t in range(NTISSUE):
            fl[3 * t + 1, F_CHAIN] = ktr * vc[3 * t + 1]
            fl[3 * t + 2, F_CHAIN] = vc[3 * t + 2] / dt
    else:
        if season:
            onset_event, _ = _seasonal_phenology(ph, dt, ws_flag, dayl, t_soil3, gdd_crit, sp)
        elif stress:
            onset_event, _ = _stress_phenology(ph, dt, dayl, t_soil3, psi3, prec10, gdd_crit, sp)
            lgsf = calc_long_growing_season(ph[P_DAYS_ACTIVE], pft[ip, PFT_LEAF_LONG])
            if ph[P_OFFSET_FLAG] < 0.5:
                bglfr = lgsf / (pft[ip, PFT_LEAF_LONG] * DAYSPYR * SECSPDAY)
            if ph[P_ONSET_FLAG] < 0.5:
                bgtr = lgsf / (DAYSPYR * SECSPDAY)
        if onset_event:
            for t in range(NTISSUE):
                fl[3 * t + 1, F_CHAIN] = sp.fstor2tran * vc[3 * t + 1] / dt
        elif ph[P_ONSET_FLAG] > 0.5:
            for t in range(NTISSUE):
                fl[3 * t + 2, F_CHAIN] = calc_onset_flux(vc[3 * t + 2], ph[P_ONSET_COUNTER], dt)
            ph[P_ONSET_COUNTER] -= dt
            if ph[P_ONSET_COUNTER] <= 0.0:
                ph[P_ONSET_FLAG] = 0.0
                ph[P_ONSET_COUNTER] = 0.0
        if bgtr > 0.0:
            # background transfer (spec §3.4, corrections #3): leaf/froot from the surplus of storage over display
            for t in range(NTISSUE):
                if t == 0 or t == 1:
                    fl[3 * t + 1, F_CHAIN] += max(vc[3 * t + 1] - vc[3 * t], 0.0) * bgtr
                else:
                    fl[3 * t + 1, F_CHAIN] += vc[3 * t + 1] * bgtr
                fl[3 * t + 2, F_CHAIN] += vc[3 * t + 2] / dt
        if ph[P_OFFSET_FLAG] > 0.5:
            lf = calc_offset_litterfall(vc[LEAFC], ph[P_PREV_LEAF_LITTER], ph[P_OFFSET_COUNTER], dt)
            ff = calc_offset_litterfall(vc[FROOTC], ph[P_PREV_FROOT_LITTER], ph[P_OFFSET_COUNTER], dt)
            fl[LEAFC, F_LITTER] += lf
            fl[FROOTC, F_LITTER] += ff
            ph[P_PREV_LEAF_LITTER] = lf
            ph[P_PREV_FROOT_LITTER] = ff
            ph[P_OFFSET_COUNTER] -= dt
            if ph[P_OFFSET_COUNTER] <= 0.0:
                ph[P_OFFSET_FLAG] = 0.0
                ph[P_OFFSET_COUNTER] = 0.0
                ph[P_DORMANT] = 1.0
                ph[P_DAYS_ACTIVE] = 0.0
                ph[P_PREV_LEAF_LITTER] = 0.0
                ph[P_PREV_FROOT_LITTER] = 0.0
    if bglfr > 0.0:
        fl[LEAFC, F_LITTER] += bglfr * vc[LEAFC]
        fl[FROOTC, F_LITTER] += bglfr * vc[FROOTC]
    # ---- live-wood turnover and gap mortality (spec §3.1, §3.5)
    if woody > 0.0:
        lwt = sp.lwtop_ann / (DAYSPYR * SECSPDAY)
        fl[LIVESTEMC, F_CHAIN] += lwt * vc[LIVESTEMC]
        fl[LIVECROOTC, F_CHAIN] += lwt * vc[LIVECROOTC]
    m = sp.r_mort / (DAYSPYR * SECSPDAY)
    # non-woody PFTs have no stem or coarse-root pools (allocation factors are 0): skip them
    npool = XSMRPOOL if woody > 0.0 else 6
    for i in range(npool):
        mi = m
        if ad_mode and (i == DEADSTEMC or i == DEADCROOTC):
            mi = m * AD_DEADWOOD_FACTOR
        fl[i, F_MORT] = mi * max(vc[i], 0.0)
    # ---- limit outflows to the pool content, then apply
    for i in range(npool):
        tot = (fl[i, 0] + fl[i, 1] + fl[i, 2]) * dt
        if tot > vc[i] and tot > 0.0:
            s = max(vc[i], 0.0) / tot
            fl[i, 0] *= s
            fl[i, 1] *= s
            fl[i, 2] *= s
    for i in range(npool):
        out_i = fl[i, 0] + fl[i, 1] + fl[i, 2]
        if out_i == 0.0:
            continue
        vc[i] -= out_i * dt
        tgt = CHAIN_TARGET[i]
        if tgt >= 0:
            vc[tgt] += fl[i, 0] * dt
            if spin_on and tgt == DEADSTEMC:
                vspin[0] += fl[i, 0] * dt
            elif spin_on and tgt == DEADCROOTC:
                vspin[1] += fl[i, 0] * dt
        out[LITTER_SLOT[i]] += fl[i, 1] + fl[i, 2]
    # new growth into storage (f_cur = 0)
    vc[LEAFC + 1] += nlc * dt
    vc[FROOTC + 1] += nlc * f1 * dt
    if woody > 0.0:
        vc[LIVESTEMC + 1] += nlc * f3 * f4 * dt
        vc[DEADSTEMC + 1] += nlc * f3 * (1.0 - f4) * dt
        vc[LIVECROOTC + 1] += nlc * f2 * f3 * f4 * dt
        vc[DEADCROOTC + 1] += nlc * f2 * f3 * (1.0 - f4) * dt
