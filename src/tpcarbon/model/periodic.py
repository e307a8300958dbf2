"""The exact periodic steady state of the soil's linear pools over a forcing cycle.

Over one forcing cycle of N days the daily soil update is an affine map of the pools: each day adds the day's
inputs, decomposes every pool by its effective loss fraction λ_d (N limitation included) along the CENTURY
cascade, and mixes every pool vertically (implicit diffusion). Composing the N days gives

.. math:: X_N = M X_0 + c,

and the cyclo-stationary state (the start of a cycle equals its end) solves (I − M) X* = c. tpcarbon records the
daily λ, inputs and mixing coefficients of a cycle (``experiments.spinup``), applies the recorded maps to vectors
(M column by column: one pass of the homogeneous maps over the cycle per unit vector; c one pass of the affine maps
from 0) and solves the dense system by LU to round-off. The same machinery serves any subset of
the cascade with its own transfer structure: the seven carbon pools (CWD, L1–L3, S1–S3 with respiration and
texture-dependent paths, spec §5.3) and the four litter/CWD nitrogen pools (whose N decays at the C pool's
effective rate and moves CWD → L2/L3 with the fragmenting C; SOM N is C/(C:N), fixed).

References: Qu et al. (2018, Biogeosciences 15:3967) for the cyclo-stationary solution of a linearised land
model; Xia et al. (2012) and CTSM's SASU (``CNSoilMatrixMod.F90``) for the matrix form of the cascade.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tpcarbon.model.bgc import ad_factor
from tpcarbon.model.state import REC_DIFF, REC_INC0, REC_INN0, REC_LAM0
from tpcarbon.physics.soil_bgc import BGC_DT, CWD, L2, L3, NDECOMP, calc_decompose_layer, solve_vertical_mixing

#: Largest acceptable relative residual ‖x − Mx − c‖/‖c‖ of the periodic solve (``experiments.spinup`` warns above).
PERIODIC_RTOL = 1.0e-8


@njit(cache=True, nogil=True, error_model="numpy")
def apply_cycle_carbon(x0, rec, ndays, nlev, with_inputs, sp, texture_t, f13, mixf, dz, z, out, work):
    """One pass of the recorded daily carbon maps over the cycle: ``out`` = X_N from X_0 = ``x0``.

    Per day: pools + inputs (if ``with_inputs``), the cascade of
    :func:`~tpcarbon.physics.soil_bgc.calc_decompose_layer` with the recorded loss fractions, implicit mixing
    with the recorded coefficient × ``mixf`` (the AD factor of each pool, 1 in normal mode).

    Parameters
    ----------
    x0 : ndarray, shape (NDECOMP * nlev,)
        Pools at the start [g C m-3], pool-major.
    rec : ndarray, shape (ndays, NREC, nlev)
        The daily record.
    ndays, nlev : int
        Days of the cycle and soil layers.
    with_inputs : bool
        Add the recorded inputs (the affine map) or not (its linear part M).
    sp : ScalarParams
        Respired fractions and CWD fragmentation fractions.
    texture_t, f13 : float
        Texture terms of the cell.
    mixf : ndarray, shape (NDECOMP,)
        Factor on the mixing coefficient of each pool.
    dz, z : ndarray, shape (nlev,)
        Layer geometry [m].
    out : ndarray, shape (NDECOMP * nlev,)
        Result.
    work : ndarray, shape (8, max(nlev, NDECOMP))
        Scratch.
    """
    for k in range(out.shape[0]):
        out[k] = x0[k]
    c = work[0, :NDECOMP]
    loss = work[1, :NDECOMP]
    newc = work[2, :NDECOMP]
    diff = work[3, :nlev]
    mw = work[4:8, :nlev]
    for d in range(ndays):
        for j in range(nlev):
            for i in range(NDECOMP):
                c[i] = out[i * nlev + j]
                loss[i] = rec[d, REC_LAM0 + i, j]
            if with_inputs:
                for i in range(4):
                    c[i] += rec[d, REC_INC0 + i, j]
            calc_decompose_layer(c, loss, sp.rf_l1s1_bgc, sp.rf_l2s1_bgc, sp.rf_l3s2_bgc, sp.rf_s2s1_bgc,
                                 sp.rf_s2s3_bgc, sp.rf_s3s1_bgc, texture_t, f13, sp.cwd_fcel, sp.cwd_flig, newc)
            for i in range(NDECOMP):
                out[i * nlev + j] = newc[i]
        for i in range(NDECOMP):
            for j in range(nlev):
                diff[j] = rec[d, REC_DIFF, j] * mixf[i]
            solve_vertical_mixing(out[i * nlev:(i + 1) * nlev], diff, dz, z, BGC_DT, nlev, mw)


@njit(cache=True, nogil=True, error_model="numpy")
def apply_cycle_litter_n(x0, rec, ndays, nlev, with_inputs, sp, mixf, dz, z, out, work):
    """One pass of the recorded daily maps of the litter and CWD nitrogen pools (CWD, L1, L2, L3).

    The N of a decomposing litter pool leaves at the pool's effective C loss fraction (N moves with C, the
    pool's C:N floating); CWD fragmentation moves its N to L2 and L3 by ``cwd_fcel``/``cwd_flig`` with the C
    (no respiration); the N of L1-L3 decomposition goes to SOM and mineral N (outside this subsystem).
    Same conventions as :func:`apply_cycle_carbon` (``x0``, ``out``: shape (4 * nlev,)).
    """
    for k in range(out.shape[0]):
        out[k] = x0[k]
    diff = work[3, :nlev]
    mw = work[4:8, :nlev]
    for d in range(ndays):
        for j in range(nlev):
            n_cwd = out[CWD * nlev + j] + (rec[d, REC_INN0 + CWD, j] if with_inputs else 0.0)
            lost_cwd = n_cwd * rec[d, REC_LAM0 + CWD, j]
            out[CWD * nlev + j] = n_cwd - lost_cwd
            for i in range(1, 4):
                n = out[i * nlev + j] + (rec[d, REC_INN0 + i, j] if with_inputs else 0.0)
                n -= n * rec[d, REC_LAM0 + i, j]
                if i == L2:
                    n += sp.cwd_fcel * lost_cwd
                elif i == L3:
                    n += sp.cwd_flig * lost_cwd
                out[i * nlev + j] = n
        for i in range(4):
            for j in range(nlev):
                diff[j] = rec[d, REC_DIFF, j] * mixf[i]
            solve_vertical_mixing(out[i * nlev:(i + 1) * nlev], diff, dz, z, BGC_DT, nlev, mw)


def periodic_state(apply, n: int, x_guess: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Solve X = M X + c for the affine cycle map ``apply(x, with_inputs) -> M x (+ c)``.

    M is built column by column (``n`` passes of the homogeneous map over unit vectors), c by one pass of the
    affine map from 0, and (I − M) X = c is solved by LU with one step of iterative refinement. The pools'
    slowest modes make I − M ill-conditioned (condition numbers up to ~1e6 for frozen deep layers over a 10-year
    cycle), where restarted GMRES can stagnate; the dense solve costs about as many passes as GMRES needs and
    is exact to round-off.

    Parameters
    ----------
    apply : callable
        ``apply(x, with_inputs)``: one pass of the cycle from ``x``; with ``with_inputs`` False the linear part.
    n : int
        Size of the state.
    x_guess : ndarray, optional
        Unused (kept for the matrix-free interface).

    Returns
    -------
    (ndarray, dict)
        The periodic state and diagnostics (``iterations`` = passes of the cycle map, ``residual`` =
        ‖x − Mx − c‖/‖c‖ after clipping negative round-off to 0).

    Examples
    --------
    >>> m = np.array([[0.5, 0.1], [0.0, 0.9]]); c = np.array([1.0, 2.0])
    >>> x, info = periodic_state(lambda v, w: m @ v + (c if w else 0.0), 2)
    >>> bool(np.allclose(x, np.linalg.solve(np.eye(2) - m, c))), info["residual"] < 1e-12
    (True, True)
    """
    zero = np.zeros(n)
    c = np.asarray(apply(zero, True), dtype=np.float64)
    cn = float(np.linalg.norm(c))
    if cn == 0.0:
        return zero, {"iterations": 1, "residual": 0.0}
    a = np.empty((n, n))
    e = np.zeros(n)
    for i in range(n):
        e[i] = 1.0
        a[:, i] = -np.asarray(apply(e, False), dtype=np.float64)
        a[i, i] += 1.0
        e[i] = 0.0
    x = np.linalg.solve(a, c)
    x += np.linalg.solve(a, c - a @ x)          # one step of iterative refinement
    x = np.maximum(x, 0.0)
    res = float(np.linalg.norm(x - apply(x, True)) / cn)
    return x, {"iterations": n + 2, "residual": res}


def mixing_factors(sp, ad_lat: float, ad_mode: bool) -> np.ndarray:
    """AD factor of each pool's mixing coefficient (1 in normal mode; spec §5.5, §5.7)."""
    return np.array([ad_factor(i, sp, ad_lat) if ad_mode else 1.0 for i in range(NDECOMP)])


__all__ = ["PERIODIC_RTOL", "apply_cycle_carbon", "apply_cycle_litter_n", "mixing_factors", "periodic_state"]
