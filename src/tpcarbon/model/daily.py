"""The end-of-day biogeochemistry of one cell: N competition, FUN and allocation, decomposition, mineral N.

CLM5 runs this chain every 30-min step (``CNDriverNoLeaching`` / ``CNDriverLeaching``,
``docs/nitrogen_integration.md`` §1); tpcarbon runs it once per day on the day's accumulated available carbon,
litter inputs and mean soil scalars (departures D8, D21):

1. litter C and N inputs enter the pools; potential decomposition and its mineral-N fluxes, potential
   nitrification and denitrification (:func:`~tpcarbon.model.bgc.soil_cn_potential`);
2. the column's plant N demand (Σ patches A·n_allom/c_allom) competes with immobilisers, nitrifiers and
   denitrifiers for each layer's NH4 and NO3 (:func:`~tpcarbon.model.bgc.soil_n_competition`);
3. each patch spends its day's carbon through FUN on the N offered and allocates the rest to new tissue
   (:func:`~tpcarbon.model.vegetation.plant_day`);
4. N-limited decomposition, mineral N with deposition, free-living fixation, plant uptake, nitrification,
   denitrification, leaching, and vertical mixing of C and N (:func:`~tpcarbon.model.bgc.soil_cn_actual`);
5. the day's leaf litter N (split by FUN's retranslocation) joins tomorrow's litter inputs.

Carbon-only mode (``with_n`` False, study option ``nitrogen = "fun-lite"``): FUN-lite allocation and the
carbon cascade of :func:`~tpcarbon.model.bgc.soil_bgc_day`.
"""

from __future__ import annotations

from numba import njit

from tpcarbon.model.bgc import (
    NPOT,
    PT_I3,
    PT_I4,
    PT_IMMOB,
    PT_NIT,
    PT_U3,
    PT_U4,
    soil_bgc_day,
    soil_cn_actual,
    soil_cn_potential,
    soil_n_competition,
)
from tpcarbon.model.state import (
    A_INN_L1,
    A_INN_L2,
    A_INN_L3,
    C_ALTMAX,
    C_ALTMAX_LAST,
    C_ANNET,
    C_DAY_N,
    C_FPI,
    C_N_SUPPLEMENT,
    C_QDRAI_DAY,
    C_QSURF_DAY,
    CPOOL,
    O_F_DENIT,
    O_F_N2O_NIT,
    O_FFIX_TO_SMINN,
    O_NDEP_TO_SMINN,
    O_NFIX,
    O_NUPTAKE_C,
    O_RETRANSN_TO_NPOOL,
    O_SMIN_NO3_LEACHED,
    O_SMIN_NO3_RUNOFF,
    O_SMINN_TO_PLANT,
    O_SUPPLEMENT_TO_SMINN,
    SN_NH4,
    SN_NO3,
)
from tpcarbon.model.vegetation import plant_day
from tpcarbon.params.fixed import CCRIT, FREELIVFIX_INTERCEPT, FREELIVFIX_SLOPE_WET, NCRIT
from tpcarbon.params.pft import (
    PFT_CROOT_STEM,
    PFT_DEADWDCN,
    PFT_FLIVEWD,
    PFT_FROOT_LEAF,
    PFT_FROOTCN,
    PFT_LEAFCN,
    PFT_LF_FCEL,
    PFT_LF_FLAB,
    PFT_LF_FLIG,
    PFT_LIVEWDCN,
    PFT_STEM_LEAF,
    PFT_WOODY,
)
from tpcarbon.physics.allocation import calc_c_allometry, calc_n_allometry
from tpcarbon.physics.fun import FUN_NWORK, NFUNOUT
from tpcarbon.physics.plant_n import NNALLOC, calc_plant_ndemand_fun
from tpcarbon.physics.soil_n import NTRANS, calc_fpi_column, calc_free_living_fixation, calc_nuptake_profile

# rows of the per-cell daily work array ``bw`` (width >= max(nlev, NFUNOUT))
B_LAM = 0                      # 7 rows: loss fractions
B_CN = 7                       # 7 rows: pool C:N
B_PLOSS = 14                   # NTRANS rows
B_PMNF = B_PLOSS + NTRANS      # NTRANS rows
B_POT = B_PMNF + NTRANS        # NPOT rows
B_RF = B_POT + NPOT            # cascade respired fractions (width NTRANS)
B_PF = B_RF + 1                # path fractions
B_UPROF = B_PF + 1             # uptake profile [m-1]
B_FIXPROF = B_UPROF + 1        # fixation (root) profile [m-1]
B_NH4UP = B_FIXPROF + 1        # column NH4 uptake [g N m-3 s-1]
B_NO3UP = B_NH4UP + 1
B_NH4UP_P = B_NO3UP + 1        # one patch's uptake
B_NO3UP_P = B_NH4UP_P + 1
B_NH4IN = B_NO3UP_P + 1        # NH4 inputs (deposition, free-living fixation) [g N m-3 s-1]
B_FUNOUT = B_NH4IN + 1         # NFUNOUT values
B_NAOUT = B_FUNOUT + 1         # NNALLOC values
B_LEAFLITN = B_NAOUT + 1       # leaf litter N of each patch [g N m-2 of cell]
B_NOUT = B_LEAFLITN + 1        # 4 column N losses
B_FUNWORK = B_NOUT + 1         # FUN_NWORK rows
B_SOIL = B_FUNWORK + FUN_NWORK  # 14 rows of scratch for soil_cn_actual / soil_bgc_day
NBW = B_SOIL + 14
#: Width of ``bw``.
BW_WIDTH = max(24, NFUNOUT, NNALLOC, NTRANS)


@njit(cache=True, nogil=True, error_model="numpy")
def truncate_small_pools(vc, vn, fp, soilc, soiln, surf, dz, nlev, with_n):
    """Precision control of one patch's vegetation pools (CLM5 ``CNPrecisionControlMod``), in place.

    Every structural C pool (leaf, fine root, live/dead stem, live/dead coarse root: display, storage and
    transfer) with \|C\| < ccrit = 1e-8 g C m-2, or (coupled N) whose N partner has \|N\| < ncrit = 1e-8 g N m-2,
    is set to zero with its partner. CLM sends the truncated mass to the ``ctrunc``/``ntrunc`` sinks; here it
    joins the metabolic litter pool L1 (surface profile), so the C and N balance checks stay closed. Without
    it a dying patch decays exponentially for centuries into subnormal numbers (C ≈ 1e-285, N ≈ 1e-160 g m-2
    after ~930 years of the normal-mode reference) and a ratio of two underflowed pools returns NaN.

    Parameters
    ----------
    vc, vn : ndarray, shape (NVEGC,), (NVEGN,)
        Patch C [g C m-2] and N [g N m-2]; pools 0-17 are paired.
    fp : float
        Patch fraction of the column [-].
    soilc, soiln : ndarray, shape (7 or more, nlev)
        Soil C and N per layer [g m-3]; row 1 (metabolic litter L1) receives the truncation.
    surf, dz : ndarray
        Surface input profile (fractions per layer) and layer thicknesses [m].

    Returns
    -------
    (float, float)
        The truncated C [g C m-2] and N [g N m-2] of the patch (patch area).
    """
    ctr = 0.0
    ntr = 0.0
    for i in range(18):
        c = vc[i]
        if c == 0.0 and vn[i] == 0.0:
            continue
        if abs(c) < CCRIT or (with_n and abs(vn[i]) < NCRIT):
            ctr += c
            ntr += vn[i]
            vc[i] = 0.0
            vn[i] = 0.0
    if ctr != 0.0 or ntr != 0.0:
        for j in range(nlev):
            s = fp * surf[j] / dz[j]
            soilc[1, j] += ctr * s
            soiln[1, j] += ntr * s
    return ctr, ntr


@njit(cache=True, nogil=True, error_model="numpy")
def bgc_end_of_day(pft_idx, frac, pft, sp, vegc, vegn, pheno, soilc, soiln, acc, rec, col, base_k, fdepth,
                   texture_t, f13, ad_lat, liq, ice, tsoi, watsat, sucsat, bsw, rootfr_c, prof, surf, dz, z, zi, nlev,
                   ad_mode, spin_on, with_n, ndep, day_s, bw, out):
    """Run the day's biogeochemistry of one cell (module docstring) in place.

    Parameters
    ----------
    pft_idx, frac : ndarray, shape (npatch,)
        PFT index and fraction of each patch.
    pft, sp :
        PFT and scalar parameters.
    vegc, vegn, pheno : ndarray, shape (npatch, ...)
        Vegetation C, N and phenology state.
    soilc, soiln, acc, rec : ndarray
        Soil C, soil N, today's accumulators, today's row of the spin-up record (or empty).
    col : ndarray, shape (NCOL,)
        Column scalars (day counts, drainage, ET running mean, thaw depths; ``C_FPI`` is set here).
    base_k, fdepth : ndarray
        Base decomposition rates [s-1] and depth scalars.
    texture_t, f13, ad_lat : float
        Texture terms, AD latitude factor.
    liq, ice, tsoi, watsat, sucsat, bsw, rootfr_c, prof, surf, dz, z, zi : ndarray
        Soil state and column properties; ``prof`` the root input profile of each patch and ``surf`` the surface
        profile (fractions per layer).
    nlev : int
        Soil layers.
    ad_mode, spin_on, with_n : bool
        Accelerated decomposition, spin-up accumulation, coupled N cycle.
    ndep : float
        Atmospheric N deposition [g N m-2 s-1].
    day_s : float
        Length of the day [s].
    bw : ndarray, shape (NBW, BW_WIDTH)
        Scratch.
    out : ndarray, shape (NOUT,)
        Chunk output sums (N fluxes of the day are added here) [g N m-2].

    Returns
    -------
    (float, float, float, float)
        Growth respiration, C spent on N acquisition, heterotrophic respiration of the day [g C m-2], and the
        day's N inputs minus outputs of the cell (deposition + fixation − gaseous losses − leaching) [g N m-2].
    """
    npatch = pft_idx.shape[0]
    gr_tot = 0.0
    nc_tot = 0.0
    if not with_n:
        for p in range(npatch):
            ip = pft_idx[p]
            fp = frac[p]
            if fp <= 0.0 or ip == 0:
                continue
            gr, nc, _, _, _, _ = plant_day(ip, pft, sp, vegc[p], vegn[p], pheno[p], day_s, False, rootfr_c[p], tsoi,
                                           liq, dz, nlev, bw[B_NO3UP_P], bw[B_NH4UP_P], bw[B_NO3UP], bw[B_NH4UP],
                                           bw[B_FUNOUT], bw[B_FUNWORK:B_FUNWORK + FUN_NWORK], bw[B_NAOUT])
            gr_tot += fp * gr
            nc_tot += fp * nc
            truncate_small_pools(vegc[p], vegn[p], fp, soilc, soiln, surf, dz, nlev, False)
        hl, hs = soil_bgc_day(soilc, acc, rec, col[C_DAY_N], base_k, fdepth, texture_t, f13, ad_lat, col[C_ALTMAX],
                              col[C_ALTMAX_LAST], dz, z, zi, nlev, sp, ad_mode, spin_on, bw[B_SOIL:B_SOIL + 8])
        return gr_tot, nc_tot, hl + hs, 0.0
    lam = bw[B_LAM:B_LAM + 7, :nlev]
    cnv = bw[B_CN:B_CN + 7, :nlev]
    ploss = bw[B_PLOSS:B_PLOSS + NTRANS, :nlev]
    pmnf = bw[B_PMNF:B_PMNF + NTRANS, :nlev]
    pot = bw[B_POT:B_POT + NPOT, :nlev]
    rf = bw[B_RF, :NTRANS]
    pf = bw[B_PF, :NTRANS]
    soil_cn_potential(soilc, soiln, acc, col[C_DAY_N], base_k, fdepth, texture_t, f13, ad_lat, liq, ice, tsoi, watsat,
                      sucsat, bsw, dz, nlev, sp, ad_mode, rf, pf, lam, cnv, ploss, pmnf, pot, day_s)
    # column plant N demand and the fixation (root) profile [m-1]
    fixprof = bw[B_FIXPROF, :nlev]
    for j in range(nlev):
        fixprof[j] = 0.0
    demand = 0.0
    fveg = 0.0
    for p in range(npatch):
        ip = pft_idx[p]
        fp = frac[p]
        if fp <= 0.0 or ip == 0:
            continue
        woody = pft[ip, PFT_WOODY]
        c_allom = calc_c_allometry(woody, pft[ip, PFT_FROOT_LEAF], pft[ip, PFT_STEM_LEAF], pft[ip, PFT_CROOT_STEM])
        n_allom = calc_n_allometry(woody, pft[ip, PFT_FROOT_LEAF], pft[ip, PFT_STEM_LEAF], pft[ip, PFT_CROOT_STEM],
                                   pft[ip, PFT_FLIVEWD], pft[ip, PFT_LEAFCN], pft[ip, PFT_FROOTCN],
                                   pft[ip, PFT_LIVEWDCN], pft[ip, PFT_DEADWDCN])
        demand += fp * calc_plant_ndemand_fun(max(vegc[p, CPOOL], 0.0) / day_s, c_allom, n_allom)
        fveg += fp
        for j in range(nlev):
            fixprof[j] += fp * prof[p, j] / dz[j]
    if fveg > 0.0:
        for j in range(nlev):
            fixprof[j] /= fveg
    else:
        for j in range(nlev):
            fixprof[j] = surf[j] / dz[j]
    uprof = bw[B_UPROF, :nlev]
    calc_nuptake_profile(soiln[SN_NH4], soiln[SN_NO3], dz, fixprof, nlev, uprof)
    supplement = 0.0
    if col[C_N_SUPPLEMENT] > 0.5:
        supplement = supplement_mineral_n(soiln, pot, demand, uprof, dz, nlev, day_s)
        out[O_SUPPLEMENT_TO_SMINN] += supplement
    soil_n_competition(soiln, pot, demand, uprof, nlev, sp, day_s)
    col[C_FPI] = calc_fpi_column(pot[PT_I4] + pot[PT_I3], pot[PT_IMMOB], dz, nlev) if nlev > 0 else 1.0
    nh4_up = bw[B_NH4UP, :nlev]
    no3_up = bw[B_NO3UP, :nlev]
    for j in range(nlev):
        nh4_up[j] = 0.0
        no3_up[j] = 0.0
    nh4_p = bw[B_NH4UP_P, :nlev]
    no3_p = bw[B_NO3UP_P, :nlev]
    leaflitn = bw[B_LEAFLITN]
    nfix_col = 0.0
    for p in range(npatch):
        leaflitn[p] = 0.0
        ip = pft_idx[p]
        fp = frac[p]
        if fp <= 0.0 or ip == 0:
            continue
        gr, nc, litn, nfix, nsoil, nretr = plant_day(ip, pft, sp, vegc[p], vegn[p], pheno[p], day_s, True,
                                                     rootfr_c[p], tsoi, liq, dz, nlev, pot[PT_U3], pot[PT_U4], no3_p,
                                                     nh4_p, bw[B_FUNOUT], bw[B_FUNWORK:B_FUNWORK + FUN_NWORK],
                                                     bw[B_NAOUT])
        gr_tot += fp * gr
        nc_tot += fp * nc
        leaflitn[p] = fp * litn
        for j in range(nlev):
            nh4_up[j] += fp * nh4_p[j]
            no3_up[j] += fp * no3_p[j]
        out[O_NFIX] += fp * nfix
        nfix_col += fp * nfix
        out[O_SMINN_TO_PLANT] += fp * nsoil
        out[O_RETRANSN_TO_NPOOL] += fp * nretr
        out[O_NUPTAKE_C] += fp * nc
        truncate_small_pools(vegc[p], vegn[p], fp, soilc, soiln, surf, dz, nlev, True)
    # NH4 inputs: deposition with the surface profile, free-living fixation with the root profile
    ffix = calc_free_living_fixation(col[C_ANNET], FREELIVFIX_SLOPE_WET, FREELIVFIX_INTERCEPT)
    nh4_in = bw[B_NH4IN, :nlev]
    for j in range(nlev):
        nh4_in[j] = ndep * surf[j] / dz[j] + ffix * fixprof[j]
    nout = bw[B_NOUT]
    hl, hs = soil_cn_actual(soilc, soiln, acc, rec, lam, cnv, rf, ploss, pmnf, pot, nh4_up, no3_up, nh4_in, zi, dz, z,
                            liq, nlev, col[C_QDRAI_DAY], col[C_QSURF_DAY], col[C_ALTMAX], col[C_ALTMAX_LAST], sp,
                            ad_mode, ad_lat, spin_on, day_s, bw[B_SOIL:B_SOIL + 14], nout)
    out[O_NDEP_TO_SMINN] += ndep * day_s
    out[O_FFIX_TO_SMINN] += ffix * day_s
    out[O_F_DENIT] += nout[0]
    out[O_F_N2O_NIT] += nout[1]
    out[O_SMIN_NO3_LEACHED] += nout[2]
    out[O_SMIN_NO3_RUNOFF] += nout[3]
    # the day's leaf litter N joins tomorrow's litter inputs (surface profile, litter chemistry of leaves)
    for p in range(npatch):
        ln = leaflitn[p]
        if ln <= 0.0:
            continue
        ip = pft_idx[p]
        for j in range(nlev):
            s = surf[j] / dz[j]
            acc[A_INN_L1, j] += ln * pft[ip, PFT_LF_FLAB] * s
            acc[A_INN_L2, j] += ln * pft[ip, PFT_LF_FCEL] * s
            acc[A_INN_L3, j] += ln * pft[ip, PFT_LF_FLIG] * s
    n_net = ndep * day_s + ffix * day_s + nfix_col + supplement - nout[0] - nout[1] - nout[2] - nout[3]
    return gr_tot, nc_tot, hl + hs, n_net


@njit(cache=True, nogil=True, error_model="numpy")
def supplement_mineral_n(soiln, pot, plant_demand, uptake_prof, dz, nlev, day_s):
    r"""Top each layer's NH4 up so that the day's plant demand, potential immobilisation and nitrification can all
    be met (CLM ``suplnitro = 'ALL'``, ``SoilBiogeochemCompetitionMod``; in place).

    .. math:: S_j = \max\left(0,\; (D\,u_j + I_j + F_{nit,j})\,\Delta t - NH_{4,j} - NO_{3,j}\right)

    with D the column plant demand [g N m-2 s-1], u_j its uptake profile [m-1], I_j and F_nit,j the potential
    immobilisation and nitrification [g N m-3 s-1]. Used by the spin-up only (``experiments.spinup``).

    Returns
    -------
    float
        N added to the column [g N m-2].

    Examples
    --------
    >>> import numpy as np
    >>> from tpcarbon.model.bgc import NPOT, PT_IMMOB
    >>> soiln = np.zeros((9, 1)); soiln[SN_NH4, 0] = 0.1
    >>> pot = np.zeros((NPOT, 1)); pot[PT_IMMOB, 0] = 1e-6
    >>> round(supplement_mineral_n(soiln, pot, 2e-6, np.array([1.0]), np.array([0.5]), 1, 86400.0), 4)
    0.0796
    """
    added = 0.0
    for j in range(nlev):
        need = (plant_demand * uptake_prof[j] + pot[PT_IMMOB, j] + pot[PT_NIT, j]) * day_s
        have = soiln[SN_NH4, j] + soiln[SN_NO3, j]
        if need > have:
            soiln[SN_NH4, j] += need - have
            added += (need - have) * dz[j]
    return added


__all__ = ["BW_WIDTH", "NBW", "bgc_end_of_day", "SN_NH4", "SN_NO3", "PT_U3", "PT_U4", "supplement_mineral_n"]
