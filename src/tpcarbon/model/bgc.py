"""The daily soil biogeochemistry update of one cell: inputs, decomposition, vertical mixing.

Called once per day (at the day's last forcing step) with the day's accumulated litter
inputs and mean decomposition scalars (see ``physics.soil_bgc`` for the departure
this daily step is). Optionally accumulates the terms of the matrix spin-up
(``experiments.spinup``).
"""

from __future__ import annotations

from numba import njit

from tpcarbon.constants import DENH2O, DENICE, MMC, O2_MOLAR, RGAS, SECSPDAY, TFRZ
from tpcarbon.model.state import (
    A_IN_CWD,
    A_INN_CWD,
    A_TSCAL,
    A_WSCAL,
    A_XI,
    REC_DIFF,
    REC_INC0,
    REC_INN0,
    REC_LAM0,
    SN_NH4,
    SN_NO3,
)
from tpcarbon.params.fixed import (
    BULK_DENSITY_SOLID,
    DENITRIF_NO3,
    DENITRIF_RESP,
    K_NITR_MAX_PERDAY,
    NITRIF_N2O_LOSS_FRAC,
    O2_REF_PRESSURE,
    SOIL_PH,
)
from tpcarbon.physics.soil_bgc import (
    BGC_DT,
    CWD,
    L1,
    L2,
    L3,
    NDECOMP,
    S2,
    S3,
    calc_decompose_layer,
    calc_loss_fraction,
    calc_som_diffusivity,
    solve_vertical_mixing,
)
from tpcarbon.physics.soil_n import (
    NTRANS,
    TRANS_DONOR,
    calc_anaerobic_fraction,
    calc_cascade_fractions,
    calc_decomp_actual_n,
    calc_decomp_cn_update,
    calc_decomp_pool_cn,
    calc_decomp_potential_n,
    calc_mineral_n_update,
    calc_n2_n2o_ratio,
    calc_n_competition,
    calc_nitrif_ph_scalar,
    calc_no3_leaching_column,
    calc_potential_denitrification,
    calc_potential_nitrification,
)
from tpcarbon.physics.soil_water import calc_soilpsi_mpa


@njit(cache=True, nogil=True, error_model="numpy")
def ad_factor(pool, sp, ad_lat):
    """Accelerated-decomposition multiplier a_i·a_lat of a pool (1 for L1-L3, S1) (spec §5.7).

    CWD: max(1, τ_cwd/2); S2: max(1, τ_S2); S3: max(1, τ_S3).
    """
    if pool == CWD:
        return max(1.0, sp.tau_cwd / 2.0) * ad_lat
    if pool == S2:
        return max(1.0, sp.tau_s2) * ad_lat
    if pool == S3:
        return max(1.0, sp.tau_s3) * ad_lat
    return 1.0


@njit(cache=True, nogil=True, error_model="numpy")
def soil_bgc_day(soilc, acc, rec, nsteps, base_k, fdepth, texture_t, f13, ad_lat, altmax, altmax_last, dz, z, zi,
                 nlev, sp, ad_mode, spin_on, scratch):
    """Apply one day of litter inputs, decomposition and vertical mixing to a cell's soil pools.

    Parameters
    ----------
    soilc : ndarray, shape (NDECOMP, nlev)
        Pools [g C m-3]; updated in place.
    acc : ndarray, shape (NACC, nlev)
        Today's inputs [g C m-3] and Σ f_T f_W over ``nsteps`` steps; reset to 0 here.
    rec : ndarray, shape (NREC, nlev) or empty
        Today's row of the spin-up record (written when ``spin_on`` and not empty).
    nsteps : float
        Number of forcing steps accumulated today.
    base_k : ndarray, shape (NDECOMP,)
        Base rates [s-1].
    fdepth : ndarray, shape (nlev,)
        Depth scalars.
    texture_t, f13, ad_lat : float
        Cell texture terms and AD latitude factor.
    altmax, altmax_last : float
        Thaw depth this year and last year [m].
    dz, z, zi : ndarray, shape (nlev,)
        Layer geometry [m].
    nlev : int
        Soil layers.
    sp : ScalarParams
        Parameters.
    ad_mode, spin_on : bool
        Accelerated decomposition; accumulate spin-up terms.
    scratch : ndarray, shape (8, nlev)
        Work space.

    Returns
    -------
    (float, float)
        Litter and SOM heterotrophic respiration of the day [g C m-2].
    """
    loss = scratch[0, :NDECOMP]
    newc = scratch[1, :NDECOMP]
    cvec = scratch[2, :NDECOMP]
    diff = scratch[3]
    work = scratch[4:8]
    hr_lit = 0.0
    hr_som = 0.0
    for j in range(nlev):
        # inputs of the day
        for i in range(4):
            soilc[i, j] += acc[A_IN_CWD + i, j]
        xi = acc[A_XI, j] / nsteps if nsteps > 0.0 else 0.0
        for i in range(NDECOMP):
            rate = base_k[i] * xi * fdepth[j]
            if ad_mode:
                rate *= ad_factor(i, sp, ad_lat)
            loss[i] = calc_loss_fraction(rate, BGC_DT)
            cvec[i] = soilc[i, j]
        hl, hs = calc_decompose_layer(cvec, loss, sp.rf_l1s1_bgc, sp.rf_l2s1_bgc, sp.rf_l3s2_bgc, sp.rf_s2s1_bgc,
                                      sp.rf_s2s3_bgc, sp.rf_s3s1_bgc, texture_t, f13, sp.cwd_fcel, sp.cwd_flig,
                                      newc)
        for i in range(NDECOMP):
            soilc[i, j] = newc[i]
        hr_lit += hl * dz[j]
        hr_som += hs * dz[j]
        if spin_on and rec.shape[0] > 0:
            for i in range(4):
                rec[REC_INC0 + i, j] = acc[A_IN_CWD + i, j]
                rec[REC_INN0 + i, j] = 0.0
            for i in range(NDECOMP):
                rec[REC_LAM0 + i, j] = loss[i]
        for i in range(acc.shape[0]):
            acc[i, j] = 0.0
    # vertical mixing (bioturbation / cryoturbation), per pool, AD-scaled
    mix_decomposing_pools(soilc, soilc, False, altmax, altmax_last, zi, dz, z, nlev, sp, ad_mode, ad_lat, spin_on,
                          rec, diff, work)
    return hr_lit, hr_som


@njit(cache=True, nogil=True, error_model="numpy")
def mix_decomposing_pools(soilc, soiln, with_n, altmax, altmax_last, zi, dz, z, nlev, sp, ad_mode, ad_lat, spin_on,
                          rec, diff, work):
    """Vertical mixing of every decomposing pool's C (and N, ``with_n``) over the day, in place (spec §5.5).

    .. math:: \Delta z_j\,\frac{C'_j - C_j}{\Delta t} = D_{j-1/2}\frac{C'_{j-1} - C'_j}{z_j - z_{j-1}}
              - D_{j+1/2}\frac{C'_j - C'_{j+1}}{z_{j+1} - z_j}

    with D [m2 s-1] of :func:`~tpcarbon.physics.soil_bgc.calc_som_diffusivity` (bioturbation, or cryoturbation
    where the active layer is shallow), scaled by the AD factor of each pool in AD mode, zero flux at both ends,
    implicit over ``BGC_DT`` (CLM ``SoilBiogeochemLittVertTranspMod.F90``). C and N of a pool share D. The day's
    D is stored in the spin-up record (``REC_DIFF``) when recording. ``diff`` [m2 s-1] and ``work`` are scratch.
    """
    calc_som_diffusivity(altmax, altmax_last, zi, nlev, sp.som_diffus, sp.cryoturb_diffusion_k,
                         sp.max_altdepth_cryoturbation, diff)
    if spin_on and rec.shape[0] > 0:
        for j in range(nlev):
            rec[REC_DIFF, j] = diff[j]
    for i in range(NDECOMP):
        f = ad_factor(i, sp, ad_lat) if ad_mode else 1.0
        if f != 1.0:
            for j in range(nlev):
                diff[j] *= f
        solve_vertical_mixing(soilc[i], diff, dz, z, BGC_DT, nlev, work)
        if with_n:
            solve_vertical_mixing(soiln[i], diff, dz, z, BGC_DT, nlev, work)
        if f != 1.0:
            for j in range(nlev):
                diff[j] /= f



# ============================================================================ coupled C-N soil (daily)
#: Rows of the per-layer potential / competition work array ``pot`` (shape (NPOT, nlev)):
#: potential immobilisation I, gross mineralisation G, potential HR, potential nitrification and
#: denitrification [per s]; actual immobilisation from NH4 and NO3, nitrification, denitrification, N offered to
#: plants from NH4 and NO3 [g N m-3 s-1]; f_pi [-]; the N2:N2O ratio of denitrification [-].
(PT_IMMOB, PT_GMIN, PT_PHR, PT_NIT, PT_DENIT, PT_I4, PT_I3, PT_FNIT, PT_FDEN, PT_U4, PT_U3, PT_FPI,
 PT_N2N2O) = range(13)
NPOT = 13


@njit(cache=True, nogil=True, error_model="numpy")
def soil_cn_potential(soilc, soiln, acc, nsteps, base_k, fdepth, texture_t, f13, ad_lat, liq, ice, tsoi, watsat, sucsat,
                      bsw, dz, nlev, sp, ad_mode, rf, pf, lam, cnv, ploss, pmnf, pot, day_s):
    """First half of the day's coupled soil step: litter C and N inputs, loss fractions, potential decomposition
    with its mineral-N fluxes, potential nitrification and denitrification, per layer.

    Decomposition rates k_i = k_base,i f_T f_W f_D (× AD) from the day's mean scalars; the day's loss fraction
    λ_i = 1 − e^{−k_i Δt}; the potential C flux of each transition L_t = C_donor λ_donor pf_t / Δt and its
    mineral-N flux (``SoilBiogeochemPotentialMod``, :func:`~tpcarbon.physics.soil_n.calc_decomp_potential_n`);
    nitrification F = k_nitr,max NH4 f_T f_W f_pH (1 − f_anox); denitrification of Del Grosso et al. (2000)
    on the anoxic fraction (Arah & Vinten 1995) with O2 at atmospheric partial pressure in the air-filled pores
    (departure D23: CLM5 takes O2 from its CH4/O2 diffusion model).

    Parameters
    ----------
    soilc, soiln : ndarray, shape (NDECOMP, nlev), (NSOILN, nlev)
        Soil C [g C m-3] and N [g N m-3]; today's inputs are added here.
    acc : ndarray, shape (NACC, nlev)
        Today's inputs and scalar sums (reset by :func:`soil_cn_actual`).
    nsteps : float
        Steps accumulated today.
    base_k, fdepth : ndarray
        Base rates [s-1] and depth scalars.
    texture_t, f13, ad_lat : float
        Texture terms and AD latitude factor.
    liq, ice, tsoi, watsat, sucsat, bsw, dz : ndarray, shape (nlev,)
        Soil water [kg m-2], temperature [K], porosity, ψ_sat [mm], B, thickness [m].
    nlev : int
        Soil layers.
    sp : ScalarParams
        Parameters.
    ad_mode : bool
        Accelerated decomposition.
    rf, pf : ndarray, shape (NTRANS,)
        Cascade fractions (output of ``calc_cascade_fractions``).
    lam : ndarray, shape (NDECOMP, nlev)
        Output loss fractions of the day.
    cnv : ndarray, shape (NDECOMP, nlev)
        Output pool C:N.
    ploss, pmnf : ndarray, shape (NTRANS, nlev)
        Output potential C loss and mineral N flux per transition [per s].
    pot : ndarray, shape (NPOT, nlev)
        Output potential rates (rows ``PT_IMMOB`` … ``PT_DENIT``, ``PT_N2N2O``).
    day_s : float
        Length of the day [s].
    """
    calc_cascade_fractions(sp.rf_l1s1_bgc, sp.rf_l2s1_bgc, sp.rf_l3s2_bgc, sp.rf_s2s1_bgc, sp.rf_s2s3_bgc,
                           sp.rf_s3s1_bgc, sp.rf_cwdl2_bgc, sp.rf_cwdl3_bgc, texture_t, f13, sp.cwd_fcel,
                           sp.cwd_flig, rf, pf)
    f_ph = calc_nitrif_ph_scalar(SOIL_PH)
    k_nitr = K_NITR_MAX_PERDAY / SECSPDAY
    for j in range(nlev):
        for i in range(4):
            soilc[i, j] += acc[A_IN_CWD + i, j]
            soiln[i, j] += acc[A_INN_CWD + i, j]
        xi = acc[A_XI, j] / nsteps if nsteps > 0.0 else 0.0
        for i in range(NDECOMP):
            rate = base_k[i] * xi * fdepth[j]
            if ad_mode:
                rate *= ad_factor(i, sp, ad_lat)
            lam[i, j] = calc_loss_fraction(rate, day_s)
        c = soilc[:, j]
        n = soiln[:NDECOMP, j]
        calc_decomp_pool_cn(c, n, sp.cn_s1_bgc, sp.cn_s2_bgc, sp.cn_s3_bgc, cnv[:, j])
        kk = lam[:, j] / day_s
        i_pot, g_pot, phr = calc_decomp_potential_n(c, n, kk, rf, pf, cnv[:, j], ploss[:, j], pmnf[:, j])
        pot[PT_IMMOB, j] = i_pot
        pot[PT_GMIN, j] = g_pot
        pot[PT_PHR, j] = phr
        t_mean = acc[A_TSCAL, j] / nsteps if nsteps > 0.0 else 0.0
        w_mean = acc[A_WSCAL, j] / nsteps if nsteps > 0.0 else 0.0
        vol = liq[j] / (DENH2O * dz[j])
        voli = ice[j] / (DENICE * dz[j])
        # O2 in the air-filled pores at atmospheric partial pressure; consumption by decomposition (1 mol O2
        # per mol C respired) -> anoxic fraction (departure D23)
        air_frac = max(watsat[j] - vol - voli, 0.0)
        conc_o2 = O2_MOLAR * O2_REF_PRESSURE / (RGAS * tsoi[j]) * air_frac
        o2_cons = phr / (MMC * 1.0)
        psi = calc_soilpsi_mpa(vol, watsat[j], sucsat[j], bsw[j])
        fanox = 0.0
        if conc_o2 > 0.0 and o2_cons > 0.0 and tsoi[j] > TFRZ:
            fanox = calc_anaerobic_fraction(psi, o2_cons, conc_o2, vol, watsat[j], tsoi[j],
                                            sp.surface_tension_water, sp.rij_kro_a, sp.rij_kro_alpha,
                                            sp.rij_kro_beta, sp.rij_kro_gamma, sp.rij_kro_delta)
        pot[PT_NIT, j] = calc_potential_nitrification(soiln[SN_NH4, j], t_mean, w_mean, k_nitr, f_ph, fanox)
        bd = BULK_DENSITY_SOLID * (1.0 - watsat[j])
        pot[PT_DENIT, j] = calc_potential_denitrification(soiln[SN_NO3, j], phr, bd, liq[j], dz[j], fanox,
                                                          DENITRIF_RESP[0], DENITRIF_RESP[1], DENITRIF_NO3[0],
                                                          DENITRIF_NO3[1])
        pot[PT_N2N2O, j] = calc_n2_n2o_ratio(soiln[SN_NO3, j], phr, bd, liq[j], dz[j], 0.0, vol, watsat[j])


@njit(cache=True, nogil=True, error_model="numpy")
def soil_n_competition(soiln, pot, plant_demand, uptake_prof, nlev, sp, day_s):
    """Plants, immobilisers, nitrifiers and denitrifiers share each layer's NH4 and NO3 (CLM5 nitrif_denitrif).

    ``plant_demand`` is the column's plant N demand [g N m-2 s-1], distributed with ``uptake_prof`` [m-1]
    (:func:`~tpcarbon.physics.soil_n.calc_nuptake_profile`). Fills rows ``PT_I4`` … ``PT_FPI`` of ``pot``
    (:func:`~tpcarbon.physics.soil_n.calc_n_competition`).
    """
    for j in range(nlev):
        r = calc_n_competition(soiln[SN_NH4, j], soiln[SN_NO3, j], plant_demand * uptake_prof[j], pot[PT_IMMOB, j],
                               pot[PT_NIT, j], pot[PT_DENIT, j], sp.compet_plant_nh4, sp.compet_plant_no3,
                               sp.compet_decomp_nh4, sp.compet_decomp_no3, sp.compet_nit, sp.compet_denit, day_s)
        pot[PT_I4, j] = r[0]
        pot[PT_I3, j] = r[1]
        pot[PT_FNIT, j] = r[2]
        pot[PT_FDEN, j] = r[3]
        pot[PT_U4, j] = r[4]
        pot[PT_U3, j] = r[5]
        pot[PT_FPI, j] = r[6]


@njit(cache=True, nogil=True, error_model="numpy")
def soil_cn_actual(soilc, soiln, acc, rec, lam, cnv, rf, ploss, pmnf, pot, nh4_up, no3_up, nh4_in, zi, dz, z, liq,
                   nlev, qdrai, qsurf, altmax, altmax_last, sp, ad_mode, ad_lat, spin_on, day_s, scratch, nout):
    """Second half of the day's coupled soil step: N-limited decomposition, mineral N, leaching, vertical mixing.

    Immobilising transitions run at f_pi of their potential (``SoilBiogeochemDecompMod``); NH4 and NO3 are
    updated with mineralisation, immobilisation, plant uptake (FUN), nitrification (6e-4 of it lost as N2O),
    denitrification and the inputs ``nh4_in`` (deposition and free-living fixation); NO3 leaches with the day's
    drainage and runoff (``SoilBiogeochemNLeachingMod``); the C and N of the decomposing pools are mixed
    vertically together (``SoilBiogeochemLittVertTranspMod``; mineral N is not mixed).

    Returns
    -------
    (float, float)
        Litter and SOM heterotrophic respiration of the day [g C m-2]; ``nout`` receives the column N losses of
        the day [g N m-2]: denitrification, nitrification N2O, leaching, runoff.
    """
    cvec = scratch[0, :NDECOMP]
    nvec = scratch[1, :NDECOMP]
    cnew = scratch[2, :NDECOMP]
    nnew = scratch[3, :NDECOMP]
    la = scratch[4, :NTRANS]
    ma = scratch[5, :NTRANS]
    tn = scratch[6, :NTRANS]
    diff = scratch[7]
    work = scratch[8:12]
    leached = scratch[12]
    runoff = scratch[13]
    hr_lit = 0.0
    hr_som = 0.0
    denit = 0.0
    n2o = 0.0
    for j in range(nlev):
        for i in range(NDECOMP):
            cvec[i] = soilc[i, j]
            nvec[i] = soiln[i, j]
        fpi = pot[PT_FPI, j]
        calc_decomp_actual_n(cvec, nvec, cnv[:, j], rf, fpi, ploss[:, j], pmnf[:, j], la, ma, tn)
        hr, dmin = calc_decomp_cn_update(cvec, nvec, la, rf, tn, ma, day_s, cnew, nnew)
        hl = 0.0
        for t in range(NTRANS):
            d = TRANS_DONOR[t]
            if d == L1 or d == L2 or d == L3:
                hl += rf[t] * la[t] * day_s
        hr_lit += hl * dz[j]
        hr_som += (hr - hl) * dz[j]
        if spin_on and rec.shape[0] > 0:
            for i in range(4):
                rec[REC_INC0 + i, j] = acc[A_IN_CWD + i, j]
                rec[REC_INN0 + i, j] = acc[A_INN_CWD + i, j]
            for i in range(NDECOMP):
                # effective loss fraction of the day (N limitation included) for the periodic solve
                lost = 0.0
                for t in range(NTRANS):
                    if TRANS_DONOR[t] == i:
                        lost += la[t] * day_s
                rec[REC_LAM0 + i, j] = lost / cvec[i] if cvec[i] > 0.0 else lam[i, j]
        for i in range(NDECOMP):
            soilc[i, j] = cnew[i]
            soiln[i, j] = nnew[i]
        # mineral N: gross mineralisation here is the net mineral-N change of the N-limited cascade
        nh4, no3, f_n2o = calc_mineral_n_update(soiln[SN_NH4, j], soiln[SN_NO3, j], nh4_in[j],
                                               dmin / day_s + pot[PT_I4, j] + pot[PT_I3, j], pot[PT_I4, j],
                                               pot[PT_I3, j], nh4_up[j], no3_up[j], pot[PT_FNIT, j], pot[PT_FDEN, j],
                                               NITRIF_N2O_LOSS_FRAC, day_s)
        soiln[SN_NH4, j] = max(nh4, 0.0)
        soiln[SN_NO3, j] = max(no3, 0.0)
        denit += pot[PT_FDEN, j] * day_s * dz[j]
        n2o += f_n2o * day_s * dz[j]
        for i in range(acc.shape[0]):
            acc[i, j] = 0.0
    # NO3 leaching and runoff with the day's water
    lch, rnf = calc_no3_leaching_column(soiln[SN_NO3], liq, dz, zi, qdrai / day_s, qsurf / day_s, sp.sf_no3, day_s,
                                        nlev, leached, runoff)
    for j in range(nlev):
        soiln[SN_NO3, j] = max(soiln[SN_NO3, j] - (leached[j] + runoff[j]) * day_s, 0.0)
    nout[0] = denit
    nout[1] = n2o
    nout[2] = lch * day_s
    nout[3] = rnf * day_s
    # vertical mixing of C and N of the decomposing pools (same coefficient, AD-scaled)
    mix_decomposing_pools(soilc, soiln, True, altmax, altmax_last, zi, dz, z, nlev, sp, ad_mode, ad_lat, spin_on,
                          rec, diff, work)
    return hr_lit, hr_som
