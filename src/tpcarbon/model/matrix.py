"""Semi-analytic steady state of the soil cascade: dX/dt = B u − A ξ K X (spec §5.7 SASU form).

Over a forcing cycle the model accumulates, per cell, layer and pool, the litter inputs
u, the effective daily loss fractions (k ξ f_D and the AD factor, exactly as the daily
update applied them), and the mean vertical mixing coefficient. The cycle-mean matrix

.. math:: M = -\\mathrm{diag}(\\bar r) + \\sum_{d\\to r} (1 - rf)\\, pf\\, \\bar r_d + V

(transfers within a layer, V the implicit diffusion between layers) gives the steady state
:math:`X^* = -M^{-1}\\bar u`, solved per cell as one dense (7·nlev)² system (CTSM's SASU
``CNSoilMatrixMod.F90`` does the same with its accumulated T_acc, I_acc). The effective
rate of each pool is its decomposed carbon over its stock, both summed over the cycle, so
the seasonal covariance of rate and stock is included and X* is the cycle-mean stock;
it is mapped back to the end-of-cycle phase with each pool's end/mean ratio. The spin-up
still checks the drift by running the model after the solve.
"""

from __future__ import annotations

import numpy as np

from tpcarbon.model.state import NSPIN, S_DIFF, S_FLUX0, S_IN0, S_LOSS0, S_POOL0
from tpcarbon.params.fixed import S2_TO_S1, S2_TO_S3
from tpcarbon.params.pft import ScalarParams
from tpcarbon.physics.soil_bgc import CWD, L1, L2, L3, NDECOMP, S1, S2, S3

#: Rows with a total loss rate below this [s-1] are pinned to their current value (frozen, dry, no input).
PIN_RATE = 1.0e-16



def transfer_fractions(sp: ScalarParams, texture_t: float, f13: float) -> list[tuple[int, int, float]]:
    """(donor, receiver, fraction of the donor's loss entering the receiver) of the CLM5 cascade (spec §5.3).

    Examples
    --------
    >>> from tpcarbon.params.pft import load_params
    >>> tr = transfer_fractions(load_params().scalar, 0.442, 0.00717)
    >>> [(d, r, round(f, 4)) for d, r, f in tr][:3]
    [(1, 4, 0.45), (2, 4, 0.5), (3, 5, 0.5)]
    """
    return [
        (L1, S1, 1.0 - sp.rf_l1s1_bgc),
        (L2, S1, 1.0 - sp.rf_l2s1_bgc),
        (L3, S2, 1.0 - sp.rf_l3s2_bgc),
        (S1, S2, (1.0 - f13) * (1.0 - texture_t)),
        (S1, S3, f13 * (1.0 - texture_t)),
        (S2, S1, S2_TO_S1 * (1.0 - sp.rf_s2s1_bgc)),
        (S2, S3, S2_TO_S3 * (1.0 - sp.rf_s2s3_bgc)),
        (S3, S1, 1.0 - sp.rf_s3s1_bgc),
        (CWD, L2, sp.cwd_fcel),
        (CWD, L3, sp.cwd_flig),
    ]


def build_system(spin: np.ndarray, ndays: float, sp: ScalarParams, texture_t: float, f13: float,
                 mix_factor: np.ndarray, dz: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cycle-mean matrix M and input vector u of one cell (pool-major ordering q = i·nlev + j).

    Parameters
    ----------
    spin : ndarray, shape (NSPIN, nlev)
        Accumulated inputs [g C m-3], daily loss fractions [-] and mixing coefficients [m2 s-1].
    ndays : float
        Days accumulated.
    sp : ScalarParams
        Parameters.
    texture_t, f13 : float
        Cell texture terms.
    mix_factor : ndarray, shape (NDECOMP,)
        Multiplier of the mixing coefficient per pool (AD factors in AD mode, else 1).
    dz, z : ndarray, shape (nlev,)
        Layer thickness and node depth [m].

    Returns
    -------
    (ndarray, ndarray)
        M [s-1], shape (7 nlev, 7 nlev); u [g C m-3 s-1], shape (7 nlev,).
    """
    assert spin.shape[0] == NSPIN
    nl = spin.shape[1]
    n = NDECOMP * nl
    secs = ndays * 86400.0
    m = np.zeros((n, n))
    u = np.zeros(n)
    # effective loss rates: decomposed carbon / exposed stock (exact for the cycle mean, including the
    # seasonal covariance of rate and stock); the mean daily fraction where a pool was empty
    flux = spin[S_FLUX0:S_FLUX0 + NDECOMP]
    pool = spin[S_POOL0:S_POOL0 + NDECOMP]
    rate = np.where(pool > 0.0, flux / np.where(pool > 0.0, pool, 1.0) / 86400.0,
                    spin[S_LOSS0:S_LOSS0 + NDECOMP] / secs)   # (7, nl) [s-1]
    for i in range(4):
        u[i * nl:(i + 1) * nl] = spin[S_IN0 + i] / secs
    idx = np.arange(nl)
    for i in range(NDECOMP):
        m[i * nl + idx, i * nl + idx] -= rate[i]
    for d, r, f in transfer_fractions(sp, texture_t, f13):
        m[r * nl + idx, d * nl + idx] += f * rate[d]
    diff = spin[S_DIFF] / ndays                                 # mean D at the bottom interface [m2 s-1]
    for i in range(NDECOMP):
        for j in range(nl - 1):
            g = mix_factor[i] * diff[j] / (z[j + 1] - z[j])
            if g <= 0.0:
                continue
            a, b = i * nl + j, i * nl + j + 1
            m[a, a] -= g / dz[j]
            m[a, b] += g / dz[j]
            m[b, b] -= g / dz[j + 1]
            m[b, a] += g / dz[j + 1]
    return m, u


def solve_steady_state(m: np.ndarray, u: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Steady state X* = −M⁻¹u; rows with (almost) no loss keep their current value.

    Parameters
    ----------
    m : ndarray, shape (n, n)
        Matrix [s-1].
    u : ndarray, shape (n,)
        Inputs [g C m-3 s-1].
    current : ndarray, shape (n,)
        Present pools [g C m-3] (pool-major).

    Returns
    -------
    ndarray, shape (n,)
        X* [g C m-3], clipped at 0.

    Examples
    --------
    >>> import numpy as np
    >>> solve_steady_state(np.array([[-2.0, 0.0], [1.0, -1.0]]), np.array([4.0, 0.0]), np.zeros(2)).tolist()
    [2.0, 2.0]
    """
    m = m.copy()
    rhs = -u.copy()
    pinned = np.abs(np.diag(m)) < PIN_RATE
    if pinned.any():
        m[pinned, :] = 0.0
        m[pinned, pinned] = 1.0
        rhs[pinned] = current[pinned]
    return np.maximum(np.linalg.solve(m, rhs), 0.0)


def phase_ratio(pool_sum_last_year: np.ndarray, ndays_last_year: float, end: np.ndarray) -> np.ndarray:
    """Ratio of each pool's end-of-cycle stock to its mean over the cycle's last year (1 where that mean is 0).

    The steady state of the cycle-mean system is a cycle-mean stock; multiplying by this ratio
    returns it to the seasonal phase of the cycle's end, where the next cycle starts. The last
    year (not the whole cycle) is used so that a pool still relaxing during the cycle does not
    bias the ratio.

    Parameters
    ----------
    pool_sum_last_year : ndarray, shape (NDECOMP, nlev)
        Σ of the daily exposed stock P over the last year [g C m-3 d].
    ndays_last_year : float
        Days in that sum.
    end : ndarray, shape (NDECOMP, nlev)
        Stocks at the end of the cycle [g C m-3].

    Examples
    --------
    >>> import numpy as np
    >>> phase_ratio(np.array([[365.0, 0.0]]), 365.0, np.array([[2.0, 5.0]])).tolist()
    [[2.0, 1.0]]
    """
    mean = pool_sum_last_year / ndays_last_year
    return np.where(mean > 0.0, end / np.where(mean > 0.0, mean, 1.0), 1.0)


def shift_to_steady_state(end: np.ndarray, cycle_mean: np.ndarray, steady_mean: np.ndarray,
                          turnovers: np.ndarray) -> np.ndarray:
    r"""Remove from the end-of-cycle stock the part of the cycle's deviation from steady state that remains.

    .. math:: e_{end} = (\bar X - X^*)\, g(K), \quad g(K) = \frac{K}{e^{K} - 1}, \quad
              X_{end}' = X_{end} - e_{end}

    with :math:`K = \bar r\,T` the pool's loss rate times the cycle length (turnovers per cycle).
    For a linear pool any trajectory is the periodic solution plus a perturbation e that decays as
    :math:`e_0 e^{-rt}`, whose cycle mean is :math:`\bar e = \bar X - X^*` and whose end value is
    :math:`\bar e\, g(K)`; subtracting it leaves the periodic solution, *including* its interannual
    phase at the cycle's end (a pool with a 5-year turnover ends a cycle in the state of the cycle's last
    years, not of its mean). A slow pool (K → 0, g → 1) is shifted by the whole :math:`X^* - \bar X`, a
    fast one (g → 0) is left alone. Setting the stock to X* itself would restart every cycle off the
    periodic trajectory and leave a drift of either sign in the next cycle. Exact for one pool with a
    constant rate; for the coupled, seasonally varying cascade an approximation that the following
    cycle's drift check verifies. Spec §5.7 (matrix / SASU spin-up); a named departure (docs/model.md D19).

    Parameters
    ----------
    end, cycle_mean, steady_mean : ndarray, same shape
        End-of-cycle stock, mean stock over the cycle and steady-state mean stock X* [g C m-3].
    turnovers : ndarray, same shape
        K = mean loss rate × cycle length [-].

    Returns
    -------
    ndarray
        Corrected end-of-cycle stock [g C m-3]; where the correction would make it negative, the
        stock is scaled by X*/X̄ instead.

    Examples
    --------
    >>> import numpy as np
    >>> shift_to_steady_state(np.array([2.0, 1.0]), np.array([3.0, 4.0]), np.array([5.0, 2.0]),
    ...                       np.zeros(2)).tolist()
    [4.0, 0.5]
    """
    kk = np.maximum(turnovers, 0.0)
    big = kk > 1e-8
    g = 1.0 - kk / 2.0                                       # series of K/(e^K - 1) for small K
    g = np.where(big, kk / np.expm1(np.where(big, np.minimum(kk, 700.0), 1.0)), g)
    shifted = end - (cycle_mean - steady_mean) * g
    ratio = np.where(cycle_mean > 0.0, steady_mean / np.where(cycle_mean > 0.0, cycle_mean, 1.0), 1.0)
    return np.where(shifted >= 0.0, shifted, end * ratio)
