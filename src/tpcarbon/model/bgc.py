"""The daily soil biogeochemistry update of one cell: inputs, decomposition, vertical mixing.

Called once per day (at the day's last forcing step) with the day's accumulated litter
inputs and mean decomposition scalars (see ``physics.soil_bgc`` for the departure
this daily step is). Optionally accumulates the terms of the matrix spin-up
(``experiments.spinup``).
"""

from __future__ import annotations

from numba import njit

from tpcarbon.model.state import A_IN_CWD, A_XI, NSPIN, S_DIFF, S_FLUX0, S_IN0, S_LOSS0, S_POOL0
from tpcarbon.physics.soil_bgc import (
    BGC_DT,
    CWD,
    NDECOMP,
    S2,
    S3,
    calc_decompose_layer,
    calc_loss_fraction,
    calc_som_diffusivity,
    solve_vertical_mixing,
)


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
def soil_bgc_day(soilc, acc, spin, nsteps, base_k, fdepth, texture_t, f13, ad_lat, altmax, altmax_last, dz, z, zi,
                 nlev, sp, ad_mode, spin_on, scratch):
    """Apply one day of litter inputs, decomposition and vertical mixing to a cell's soil pools.

    Parameters
    ----------
    soilc : ndarray, shape (NDECOMP, nlev)
        Pools [g C m-3]; updated in place.
    acc : ndarray, shape (NACC, nlev)
        Today's inputs [g C m-3] and Σ f_T f_W over ``nsteps`` steps; reset to 0 here.
    spin : ndarray, shape (NSPIN, nlev)
        Matrix spin-up accumulators (updated when ``spin_on``).
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
        if spin_on:
            for i in range(4):
                spin[S_IN0 + i, j] += acc[A_IN_CWD + i, j]
            for i in range(NDECOMP):
                spin[S_LOSS0 + i, j] += loss[i]
                spin[S_FLUX0 + i, j] += loss[i] * cvec[i]
                spin[S_POOL0 + i, j] += cvec[i]
        for i in range(acc.shape[0]):
            acc[i, j] = 0.0
    # vertical mixing (bioturbation / cryoturbation), per pool, AD-scaled
    calc_som_diffusivity(altmax, altmax_last, zi, nlev, sp.som_diffus, sp.cryoturb_diffusion_k,
                         sp.max_altdepth_cryoturbation, diff)
    if spin_on:
        for j in range(nlev):
            spin[S_DIFF, j] += diff[j]
    for i in range(NDECOMP):
        f = ad_factor(i, sp, ad_lat) if ad_mode else 1.0
        if f != 1.0:
            for j in range(nlev):
                diff[j] *= f
        col = soilc[i]
        solve_vertical_mixing(col, diff, dz, z, BGC_DT, nlev, work)
        if f != 1.0:
            for j in range(nlev):
                diff[j] /= f
    return hr_lit, hr_som


assert NSPIN == S_POOL0 + NDECOMP
