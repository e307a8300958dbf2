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
    CPOOL,
    DEADCROOTC,
    DEADSTEMC,
    FROOTC,
    LEAFC,
    LIVECROOTC,
    LEAFC_FALL,
    LEAFN_FALL,
    LIVESTEMC,
    NPOOL,
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
    RETRANSN,
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
from tpcarbon.physics.fun import (
    FUN_NFIX,
    FUN_NPP_GROWTH,
    FUN_NPP_NUPTAKE,
    FUN_NRETRANS_FREE,
    FUN_NRETRANS_PAID,
    FUN_SMINN_TO_PLANT,
    calc_fun,
)
from tpcarbon.physics.plant_n import (
    NNALLOC,
    calc_leaf_litter_n_fun,
    calc_livewood_turnover_n,
    calc_npool_allocation,
    calc_plant_ndemand_fun,
)
from tpcarbon.physics.respiration import calc_froot_mr, calc_growth_respiration, calc_tissue_mr

# flux matrix columns: 0 chain (stor->xfer, xfer->display, live->dead wood), 1 litterfall, 2 mortality,
# 3 background transfer storage->xfer (kept apart: its N moves as N_storage·bgtr, its C as the surplus rule)
F_CHAIN, F_LITTER, F_MORT, F_BG = 0, 1, 2, 3
NFLUXCOL = 4
# output slots of vegetation_patch: MR, GR, N-acquisition C (GR and the N cost come from the daily allocation),
# litter C by destination, and the N of the litterfall that is not leaf litter (leaf litter N is split at the end
# of the day by FUN's retranslocation)
(V_MR, V_GR, V_NCOST, V_LEAFLIT, V_FROOTLIT, V_CWD_ABOVE, V_CWD_BELOW, V_L1_ABOVE, V_L1_BELOW, V_FROOTLIT_N,
 V_CWD_ABOVE_N, V_CWD_BELOW_N, V_L1_ABOVE_N, V_L1_BELOW_N) = range(14)
NVOUT = 14
#: N output slot of each C litter slot (V_LEAFLIT has none: its N goes to LEAFN_FALL).


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


#: Vegetation N pool receiving each output of ``calc_npool_allocation`` (NA_LEAF, NA_LEAF_STOR, NA_FROOT, ...):
#: tissue t = k // 2, display (k even) or storage (k odd).
NA_TARGET = np.array([3 * (k // 2) + (k % 2) for k in range(NNALLOC)], dtype=np.int64)
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
     -1, -1], dtype=np.int64)                       # xsmrpool, cpool
#: N output slot of each pool's litterfall and mortality (-1: leaf display litter goes to LEAFN_FALL).
LITTER_SLOT_N = np.array(
    [-1, V_L1_ABOVE_N, V_L1_ABOVE_N,
     V_FROOTLIT_N, V_L1_BELOW_N, V_L1_BELOW_N,
     V_CWD_ABOVE_N, V_L1_ABOVE_N, V_L1_ABOVE_N,
     V_CWD_ABOVE_N, V_L1_ABOVE_N, V_L1_ABOVE_N,
     V_CWD_BELOW_N, V_L1_BELOW_N, V_L1_BELOW_N,
     V_CWD_BELOW_N, V_L1_BELOW_N, V_L1_BELOW_N,
     -1, -1], dtype=np.int64)


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
def vegetation_patch(ip, pft, sp, vc, vn, ph, gpp, leaf_mr, ta, q10_soil, rootfr_c, nlev, t_soil3, psi3, prec10,
                     dayl, ws_flag, annavg_t2m, dt, ad_mode, spin_on, with_n, vspin, fl, out):
    """Advance one patch's vegetation C (and N) through one step: MR, available C, phenology, turnover, mortality.

    Available carbon A = GPP − MR − xsmr recovery goes into the day's ``cpool``; its allocation (N cost, growth
    respiration, new tissue) is daily (:func:`plant_day`, departure D21). N moves with C: every flux out of a pool
    removes the same fraction of its N, except background transfer of leaf and fine-root storage (N_storage·bgtr,
    ``CNPhenologyMod.F90`` l.1401) and live-wood turnover (half the N moves to dead wood, FUN on,
    :func:`~tpcarbon.physics.plant_n.calc_livewood_turnover_n`); leaf litter N waits in ``LEAFN_FALL`` for FUN's
    retranslocation at the end of the day.

    Parameters
    ----------
    ip : int
        PFT index.
    pft : PftParams
        PFT parameters.
    sp : ScalarParams
        Scalar parameters.
    vc, vn : ndarray, shape (NVEGC,), (NVEGN,)
        Vegetation C [g C m-2] and N [g N m-2] pools; updated in place.
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
    with_n : bool
        Nitrogen pools are prognostic (coupled N cycle); False: carbon-only FUN-lite, tissue N = C / target C:N.
    vspin : ndarray, shape (2,)
        Dead stem and dead coarse root inflow accumulators [g C m-2].
    fl : ndarray, shape (NVEGC, NFLUXCOL)
        Scratch flux matrix [g C m-2 s-1].
    out : ndarray, shape (NVOUT,)
        Output: MR, litter C fluxes by destination [g C m-2 s-1] and litter N [g N m-2 s-1].
    """
    for k in range(NVOUT):
        out[k] = 0.0
    fl[:, :] = 0.0
    woody = pft[ip, PFT_WOODY]
    q10 = sp.q10_mr
    # ---- maintenance respiration from tissue N (spec §4.3; CNMRespMod with the prognostic N pools)
    if with_n:
        froot_mr = calc_froot_mr(vn[FROOTC], 1.0, BR_ROOT, q10_soil, rootfr_c, nlev)
    else:
        froot_mr = calc_froot_mr(vc[FROOTC], pft[ip, PFT_FROOTCN], BR_ROOT, q10_soil, rootfr_c, nlev)
    stem_mr = 0.0
    croot_mr = 0.0
    if woody > 0.0:
        if with_n:
            stem_mr = calc_tissue_mr(vn[LIVESTEMC], 1.0, sp.br_mr, ta, q10)
            croot_mr = calc_tissue_mr(vn[LIVECROOTC], 1.0, BR_ROOT, ta, q10)
        else:
            stem_mr = calc_tissue_mr(vc[LIVESTEMC], pft[ip, PFT_LIVEWDCN], sp.br_mr, ta, q10)
            croot_mr = calc_tissue_mr(vc[LIVECROOTC], pft[ip, PFT_LIVEWDCN], BR_ROOT, ta, q10)
    mr = leaf_mr + froot_mr + stem_mr + croot_mr
    # ---- available carbon into the day's cpool (spec §4.1)
    availc, xs = calc_mr_deficit(gpp, mr)
    vc[XSMRPOOL] -= xs * dt
    rec = calc_xsmr_recovery(vc[XSMRPOOL], availc, sp.dayscrecover, SECSPDAY)
    availc -= rec
    vc[XSMRPOOL] += rec * dt
    vc[CPOOL] += availc * dt
    out[V_MR] = mr
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
                    fl[3 * t + 1, F_BG] += max(vc[3 * t + 1] - vc[3 * t], 0.0) * bgtr
                else:
                    fl[3 * t + 1, F_BG] += vc[3 * t + 1] * bgtr
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
    # ---- limit outflows to the pool content, then apply (C, and the same fractions of N)
    for i in range(npool):
        tot = (fl[i, 0] + fl[i, 1] + fl[i, 2] + fl[i, 3]) * dt
        scale = 1.0
        if tot > vc[i] and tot > 0.0:
            scale = max(vc[i], 0.0) / tot
            for k in range(NFLUXCOL):
                fl[i, k] *= scale
        out_i = fl[i, 0] + fl[i, 1] + fl[i, 2] + fl[i, 3]
        if with_n:
            n_i = vn[i]
            # fraction of the pool each C flux removes; background transfer of leaf/froot storage moves N_stor bgtr
            frac_c = dt / vc[i] if vc[i] > 0.0 else 0.0
            n_chain = n_i * fl[i, F_CHAIN] * frac_c
            if i == LEAFC + 1 or i == FROOTC + 1:
                n_bg = n_i * bgtr * dt * scale
            else:
                n_bg = n_i * fl[i, F_BG] * frac_c
            n_lit = n_i * fl[i, F_LITTER] * frac_c
            n_mort = n_i * fl[i, F_MORT] * frac_c
            n_tot = n_chain + n_bg + n_lit + n_mort
            if n_tot > n_i and n_tot > 0.0:
                f = max(n_i, 0.0) / n_tot
                n_chain *= f
                n_bg *= f
                n_lit *= f
                n_mort *= f
            tgt = CHAIN_TARGET[i]
            if i == LIVESTEMC or i == LIVECROOTC:
                # live -> dead wood: half of the N leaving with C moves, the rest stays (FUN on)
                n_move, _ = calc_livewood_turnover_n(fl[i, F_CHAIN], vc[i], n_i)
                n_chain = min(n_move * dt, n_chain)
            vn[i] -= n_chain + n_bg + n_lit + n_mort
            if tgt >= 0:
                vn[tgt] += n_chain + n_bg
            if i == LEAFC:
                vn[LEAFN_FALL] += n_lit
                vn[LEAFC_FALL] += fl[i, F_LITTER] * dt
                slot = LITTER_SLOT_N[LEAFC + 1]
                out[slot] += n_mort / dt
            else:
                out[LITTER_SLOT_N[i]] += (n_lit + n_mort) / dt
        if out_i == 0.0:
            continue
        vc[i] -= out_i * dt
        tgt = CHAIN_TARGET[i]
        if tgt >= 0:
            vc[tgt] += (fl[i, F_CHAIN] + fl[i, F_BG]) * dt
            if spin_on and tgt == DEADSTEMC:
                vspin[0] += (fl[i, F_CHAIN] + fl[i, F_BG]) * dt
            elif spin_on and tgt == DEADCROOTC:
                vspin[1] += (fl[i, F_CHAIN] + fl[i, F_BG]) * dt
        out[LITTER_SLOT[i]] += fl[i, F_LITTER] + fl[i, F_MORT]
    if with_n:
        # mortality of the retranslocated and plant N pools to metabolic litter (CNGapMortalityMod)
        for k in (RETRANSN, NPOOL):
            dn = m * max(vn[k], 0.0) * dt
            vn[k] -= dn
            out[V_L1_ABOVE_N] += dn / dt


@njit(cache=True, nogil=True, error_model="numpy")
def plant_day(ip, pft, sp, vc, vn, ph, day_s, with_n, crootfr, tsoi, liq, dz, nlev, no3_offer, nh4_offer,
              no3_up, nh4_up, fun_out, fun_work, na_out):
    """The day's allocation of one patch: N acquisition (FUN, or FUN-lite), growth respiration, new tissue C and N.

    With the coupled N cycle (``with_n``): the day's available carbon A = cpool/day goes to FUN
    (:func:`~tpcarbon.physics.fun.calc_fun`) with the soil N offered by the competition; FUN's C for N is
    respired (part of AR), its growth C :math:`G` builds new tissue by allometry (new leaf C = G/c_allom, all
    to storage, f_cur = 0) with growth respiration g₁G; the N taken up (soil, symbiotic fixation) and
    retranslocated fills the plant N pool, which is handed out completely to the new tissues by their N demand
    (:func:`~tpcarbon.physics.plant_n.calc_npool_allocation`); the day's falling leaf N is split between litter
    and the retranslocated pool with FUN's retranslocation
    (:func:`~tpcarbon.physics.plant_n.calc_leaf_litter_n_fun`). Carbon-only (``not with_n``): the N cost of
    FUN-lite, C_N = A/[(1 + g₁)CN_plant/κ + 1] (departure D6), then the same C allocation.

    Parameters
    ----------
    ip : int
        PFT index.
    pft, sp :
        PFT and scalar parameters.
    vc, vn, ph : ndarray
        Vegetation C, N and phenology state of the patch (updated in place; cpool is emptied).
    day_s : float
        Length of the day the cpool was accumulated over [s].
    with_n : bool
        Coupled N cycle.
    crootfr, tsoi, liq, dz : ndarray, shape (nlev,)
        Carbon root fractions, soil temperature [K], liquid water [kg m-2], layer thickness [m].
    nlev : int
        Soil layers.
    no3_offer, nh4_offer : ndarray, shape (nlev,)
        Soil N offered to plants by the competition [g N m-3 s-1].
    no3_up, nh4_up : ndarray, shape (nlev,)
        Output: this patch's uptake [g N m-3 s-1].
    fun_out, fun_work, na_out : ndarray
        FUN outputs (NFUNOUT), FUN scratch (FUN_NWORK, nlev), N allocation scratch (NNALLOC).

    Returns
    -------
    (float, float, float, float, float, float)
        Growth respiration, C spent on N (respired) [g C m-2 over the day]; leaf litter N [g N m-2];
        symbiotic fixation, soil N to the plant, retranslocation to the plant N pool [g N m-2 over the day].

    References
    ----------
    ``NutrientCompetitionFlexibleCNMod.F90::calc_plant_cn_alloc``; ``CNFUNMod.F90::CNFUN``;
    ``CNPhenologyMod.F90`` (leaf litter N with FUN); spec §4.1-§4.4.
    """
    woody = pft[ip, PFT_WOODY]
    f1 = pft[ip, PFT_FROOT_LEAF]
    f2 = pft[ip, PFT_CROOT_STEM]
    f3 = pft[ip, PFT_STEM_LEAF]
    f4 = pft[ip, PFT_FLIVEWD]
    g1 = pft[ip, PFT_GRPERC]
    cnl = pft[ip, PFT_LEAFCN]
    cnfr = pft[ip, PFT_FROOTCN]
    cnlw = pft[ip, PFT_LIVEWDCN]
    cndw = pft[ip, PFT_DEADWDCN]
    c_allom = calc_c_allometry(woody, f1, f3, f2)
    n_allom = calc_n_allometry(woody, f1, f3, f2, f4, cnl, cnfr, cnlw, cndw)
    availc = max(vc[CPOOL], 0.0) / day_s
    for j in range(nlev):
        no3_up[j] = 0.0
        nh4_up[j] = 0.0
    nfix = 0.0
    n_soil = 0.0
    n_retr = 0.0
    leaf_litter_n = 0.0
    if with_n:
        demand = calc_plant_ndemand_fun(availc, c_allom, n_allom)
        leafc_fall = vn[LEAFC_FALL] / day_s
        calc_fun(pft, ip, availc, demand, vc[LEAFC], vn[LEAFC], vc[LEAFC + 1], vn[LEAFC + 1], vc[FROOTC],
                 leafc_fall, ph[P_OFFSET_FLAG], c_allom, n_allom, crootfr, tsoi, no3_offer, nh4_offer, liq, dz, nlev,
                 day_s, True, no3_up, nh4_up, fun_out, fun_work)
        ncost = fun_out[FUN_NPP_NUPTAKE]
        growth = fun_out[FUN_NPP_GROWTH]
        nfix = fun_out[FUN_NFIX] * day_s
        n_soil = (fun_out[FUN_SMINN_TO_PLANT] - fun_out[FUN_NFIX]) * day_s
        r = fun_out[FUN_NRETRANS_PAID] + fun_out[FUN_NRETRANS_FREE]
        # the day's falling leaf N: litter and retranslocated parts (FUN's retranslocation of the same leaves)
        t_fall = vn[LEAFN_FALL]
        if t_fall > 0.0:
            lit, to_rt, _ = calc_leaf_litter_n_fun(leafc_fall, vc[LEAFC] + vn[LEAFC_FALL], vn[LEAFC] + t_fall, r,
                                                   cnl, day_s)
            rho = lit / (lit + to_rt) if lit + to_rt > 0.0 else 1.0
            leaf_litter_n = rho * t_fall
            vn[RETRANSN] += t_fall - leaf_litter_n
        vn[LEAFN_FALL] = 0.0
        vn[LEAFC_FALL] = 0.0
        n_retr = min(r * day_s, max(vn[RETRANSN], 0.0))
        vn[RETRANSN] -= n_retr
        vn[NPOOL] += n_soil + nfix + n_retr
    else:
        ncost = calc_fun_lite_n_cost(availc, g1, c_allom / n_allom, pft[ip, PFT_FUN_KAPPA])
        growth = (availc - ncost) / (1.0 + g1)
    vc[CPOOL] = 0.0
    gr = calc_growth_respiration(growth, g1)
    nlc = growth / c_allom * day_s
    vc[LEAFC + 1] += nlc
    vc[FROOTC + 1] += nlc * f1
    if woody > 0.0:
        vc[LIVESTEMC + 1] += nlc * f3 * f4
        vc[DEADSTEMC + 1] += nlc * f3 * (1.0 - f4)
        vc[LIVECROOTC + 1] += nlc * f2 * f3 * f4
        vc[DEADCROOTC + 1] += nlc * f2 * f3 * (1.0 - f4)
    if with_n:
        calc_npool_allocation(nlc / day_s, 0.0, f1, f2, f3, f4, woody, cnl, cnfr, cnlw, cndw, vn[NPOOL], day_s, na_out)
        given = 0.0
        for k in range(NNALLOC):
            dn = na_out[k] * day_s
            vn[NA_TARGET[k]] += dn
            given += dn
        vn[NPOOL] -= given
        if abs(vn[NPOOL]) < 1.0e-15:
            vn[NPOOL] = 0.0
    return gr * day_s, ncost * day_s, leaf_litter_n, nfix, n_soil, n_retr
