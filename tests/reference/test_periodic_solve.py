"""The cyclo-stationary soil solve (``model.periodic``) against independent numpy constructions.

Over a forcing cycle of N days a daily affine map x_{d+1} = A_d x_d + b_d composes to X_N = M X_0 + c with the
monodromy M = A_{N−1} ⋯ A_0 and c = Σ_d A_{N−1} ⋯ A_{d+1} b_d; the periodic state solves (I − M) X* = c
(Qu et al. 2018, Biogeosciences 15:3967; Xia et al. 2012 for the cascade in that form). Here M
and c are built by explicit dense products and (I − M) X* = c is solved with ``numpy.linalg.solve``; the code
under test builds I − M column by column by applying its own daily maps to unit vectors (LU solve).

The carbon cascade of the reference is written out from the table of clm5_spec.md §5.3 (CLM5.0
``init_decompcascade_bgc``): path fractions and respired fractions per transition, the texture term
t = 0.85 − 0.68·0.01·(100 − %sand) and f_13 = 0.004/(1 − t). The respired and CWD fragmentation fractions are
those of the CLM5.0 parameter file ``clm5_params.c171117.nc`` (read by ``tpcarbon.params``, and checked
here against the spec's table). No tpcarbon cascade function (``calc_decompose_layer``) is used to build a
reference.
"""

import numpy as np
import pytest

from tpcarbon.model.periodic import apply_cycle_carbon, apply_cycle_litter_n, periodic_state
from tpcarbon.model.state import NREC, REC_DIFF, REC_INC0, REC_INN0, REC_LAM0
from tpcarbon.params.pft import load_params
from tpcarbon.physics.soil_bgc import NDECOMP

SP = load_params().scalar
CWD, L1, L2, L3, S1, S2, S3 = range(7)
#: Spec §5.3 path fractions of the S2 donor (0.42/0.45 to S1, 0.03/0.45 to S3).
PF_S2S1, PF_S2S3 = 0.42 / 0.45, 0.03 / 0.45
#: Spec §5.2 base rates at 25 °C [d-1] of CWD, L1, L2, L3, S1, S2, S3.
K_DAY = np.array([8.219e-4, 0.05068, 0.01342, 0.01342, 0.0200, 5.479e-4, 1.233e-5])
DAY_S = 86400.0


# ============================================================================ a two-pool linear system
def _two_pool_cycle(n: int):
    """Daily loss fractions λ_1, λ_2, transfer fraction f (pool 1 → pool 2) and inputs u of a cycle of n days.

    λ_1 has a turnover of ~1/0.02 d, λ_2 of ~300 yr (so 1 − M_22 ≈ 3e-3: the slow pool makes I − M nearly
    singular, as the passive SOM pool does); both and the inputs vary sinusoidally over the cycle."""
    d = np.arange(n)
    phase = 2.0 * np.pi * d / n
    lam1 = 0.02 * (1.0 + 0.8 * np.sin(phase))
    lam2 = (1.0 / (300.0 * 365.0)) * (1.0 + 0.9 * np.sin(phase - 0.7))
    f = 0.45
    u = np.stack([1.5 * (1.0 + np.cos(phase)), 0.05 * (1.0 + 0.5 * np.sin(2.0 * phase))], axis=1)
    return lam1, lam2, f, u


def _two_pool_matrices(lam1, lam2, f):
    """A_d = I − Λ_d + T_d with T_d[1, 0] = f λ_1,d (pool 1 loses λ_1 x_1, of which f enters pool 2)."""
    a = np.zeros((lam1.size, 2, 2))
    a[:, 0, 0] = 1.0 - lam1
    a[:, 1, 1] = 1.0 - lam2
    a[:, 1, 0] = f * lam1
    return a


@pytest.mark.reference
@pytest.mark.parametrize("n", [365, 730])
def test_periodic_state_of_two_pool_system_matches_monodromy_solve(n):
    """x_{d+1} = (I − Λ_d) x_d + T_d x_d + u_d over N days: ``periodic_state`` (dense solve built from the map itself)
    recovers the x_0 of (I − M) x_0 = c, M = Π_d A_d and c = Σ_d (Π_{e>d} A_e) u_d by explicit products, to
    relative 1e-8, and one more pass of the cycle from it returns to it (relative 1e-8): the state is
    periodic."""
    lam1, lam2, f, u = _two_pool_cycle(n)
    a = _two_pool_matrices(lam1, lam2, f)
    m = np.eye(2)
    c = np.zeros(2)
    for d in range(n):                       # left-multiply: M ← A_d M, c ← A_d c + u_d
        m = a[d] @ m
        c = a[d] @ c + u[d]
    x_ref = np.linalg.solve(np.eye(2) - m, c)

    def apply(x, with_inputs):
        x = np.array(x, dtype=np.float64)
        for d in range(n):
            x1, x2 = x
            loss1 = lam1[d] * x1
            x = np.array([x1 - loss1, x2 - lam2[d] * x2 + f * loss1])
            if with_inputs:
                x = x + u[d]
        return x

    x, info = periodic_state(apply, 2, x_guess=np.array([10.0, 1.0]))
    assert np.abs(x / x_ref - 1.0).max() < 1e-8, (x, x_ref)
    assert info["residual"] < 1e-10
    again = apply(x, True)
    assert np.abs(again / x - 1.0).max() < 1e-8
    # the slow pool is far from any "cycle-mean steady state" guess: the test can fail
    assert x_ref[1] > 10.0 * x_ref[0]


# ============================================================================ the CENTURY cascade of the spec
def _spec_texture(sand: float) -> tuple[float, float]:
    """Spec §5.3: t = 0.85 − 0.68·0.01·(100 − sand), f_13 = 0.004/(1 − t)."""
    t = 0.85 - 0.68 * 0.01 * (100.0 - sand)
    return t, 0.004 / (1.0 - t)


def _spec_cascade_map(lam: np.ndarray, t: float, f13: float) -> np.ndarray:
    """The daily decomposition map of one layer, new = (I − Λ + T Λ) c, from the table of spec §5.3.

    Row = receiver, column = donor; the donor loses λ_i c_i, the receiver gains (1 − rf_k) pf_k λ_i c_i."""
    rf_l1, rf_l2, rf_l3 = SP.rf_l1s1_bgc, SP.rf_l2s1_bgc, SP.rf_l3s2_bgc
    rf_s2s1, rf_s2s3, rf_s3 = SP.rf_s2s1_bgc, SP.rf_s2s3_bgc, SP.rf_s3s1_bgc
    tr = np.zeros((7, 7))
    tr[S1, L1] = 1.0 - rf_l1                       # 1  L1 → S1
    tr[S1, L2] = 1.0 - rf_l2                       # 2  L2 → S1
    tr[S2, L3] = 1.0 - rf_l3                       # 3  L3 → S2
    tr[S2, S1] = (1.0 - f13) * (1.0 - t)           # 4  S1 → S2 (rf = t)
    tr[S3, S1] = f13 * (1.0 - t)                   # 5  S1 → S3 (rf = t)
    tr[S1, S2] = PF_S2S1 * (1.0 - rf_s2s1)         # 6  S2 → S1
    tr[S3, S2] = PF_S2S3 * (1.0 - rf_s2s3)         # 7  S2 → S3
    tr[S1, S3] = 1.0 - rf_s3                       # 8  S3 → S1
    tr[L2, CWD] = SP.cwd_fcel                      # 9  CWD → L2 (rf = 0)
    tr[L3, CWD] = SP.cwd_flig                      # 10 CWD → L3 (rf = 0)
    return np.eye(7) - np.diag(lam) + tr * lam[None, :]


def _hand_record(ndays: int, nlev: int, seed: int, diff: float = 0.0) -> np.ndarray:
    """A daily record (ndays, NREC, nlev), float32 as the model writes it: loss fractions
    λ = 1 − exp(−k ξ_d Δt) with spec §5.2 rates and a seasonal scalar ξ_d (and a depth decline), litter inputs
    to CWD, L1-L3 in the surface layers in summer, their N, and the mixing coefficient ``diff`` [m2 s-1] at
    every interface."""
    rng = np.random.default_rng(seed)
    d = np.arange(ndays)
    xi = 0.05 + 0.9 * np.clip(np.sin(2.0 * np.pi * (d - 80) / 365.0), 0.0, None)
    depth = np.exp(-np.arange(nlev) * 0.3)
    rec = np.zeros((ndays, NREC, nlev), dtype=np.float32)
    for i in range(NDECOMP):
        rec[:, REC_LAM0 + i, :] = 1.0 - np.exp(-K_DAY[i] * xi[:, None] * depth[None, :])
    growing = xi[:, None] * depth[None, :] ** 2
    for i, scale in enumerate((0.05, 0.8, 1.2, 0.4)):
        rec[:, REC_INC0 + i, :] = scale * growing * (1.0 + 0.2 * rng.random((ndays, nlev)))
        rec[:, REC_INN0 + i, :] = rec[:, REC_INC0 + i, :] / (40.0 + 20.0 * i)
    rec[:, REC_DIFF, :] = diff
    rec[:, REC_DIFF, nlev - 1] = 0.0
    return rec


def _implicit_mixing_map(diff: np.ndarray, dz: np.ndarray, z: np.ndarray, dt: float) -> np.ndarray:
    """Inverse of the implicit diffusion operator,
    Δz_j (C'_j − C_j)/Δt = D_{j−1/2}(C'_{j−1} − C'_j)/(z_j − z_{j−1})
    − D_{j+1/2}(C'_j − C'_{j+1})/(z_{j+1} − z_j), zero flux at both ends (spec §5.5, central diffusion)."""
    n = dz.size
    a = np.diag(dz / dt)
    for j in range(n - 1):
        g = diff[j] / (z[j + 1] - z[j])
        a[j, j] += g
        a[j + 1, j + 1] += g
        a[j, j + 1] -= g
        a[j + 1, j] -= g
    return np.linalg.inv(a) @ np.diag(dz / dt)


def _daily_maps(rec: np.ndarray, t: float, f13: float, dz: np.ndarray, z: np.ndarray):
    """Dense daily maps of the soil carbon of a column (pool-major, q = i·nlev + j): X ← V (B (X + u)), with
    B the spec cascade in every layer, V the implicit mixing of every pool, u the day's inputs."""
    ndays, _, nlev = rec.shape
    n = NDECOMP * nlev
    rec = rec.astype(np.float64)
    maps = np.zeros((ndays, n, n))
    inputs = np.zeros((ndays, n))
    for d in range(ndays):
        b = np.zeros((n, n))
        for j in range(nlev):
            bj = _spec_cascade_map(rec[d, REC_LAM0:REC_LAM0 + NDECOMP, j], t, f13)
            idx = np.arange(NDECOMP) * nlev + j
            b[np.ix_(idx, idx)] = bj
        v = np.zeros((n, n))
        mix = _implicit_mixing_map(rec[d, REC_DIFF], dz, z, DAY_S)
        for i in range(NDECOMP):
            v[i * nlev:(i + 1) * nlev, i * nlev:(i + 1) * nlev] = mix
        maps[d] = v @ b
        for i in range(4):
            inputs[d, i * nlev:(i + 1) * nlev] = rec[d, REC_INC0 + i]
    return maps, inputs


def _run_code(rec, t, f13, dz, z, x0, with_inputs):
    ndays, _, nlev = rec.shape
    out = np.empty(NDECOMP * nlev)
    work = np.zeros((8, max(nlev, NDECOMP)))
    apply_cycle_carbon(np.ascontiguousarray(x0, dtype=np.float64), np.ascontiguousarray(rec), ndays, nlev,
                       with_inputs, SP, t, f13, np.ones(NDECOMP), dz, z, out, work)
    return out


@pytest.mark.reference
def test_cascade_parameters_are_the_spec_table():
    """Spec §5.3 respired fractions (0.55, 0.50, 0.50, 0.55, 0.55, 0.55), CWD → L2/L3 0.76/0.24 without
    respiration, and the texture terms of the spec's examples (sand 40 % → t = 0.442, f_13 = 0.00717)."""
    assert (SP.rf_l1s1_bgc, SP.rf_l2s1_bgc, SP.rf_l3s2_bgc) == pytest.approx((0.55, 0.50, 0.50), abs=1e-12)
    assert (SP.rf_s2s1_bgc, SP.rf_s2s3_bgc, SP.rf_s3s1_bgc) == pytest.approx((0.55, 0.55, 0.55), abs=1e-12)
    assert (SP.cwd_fcel, SP.cwd_flig) == pytest.approx((0.76, 0.24), abs=1e-12)
    assert (SP.rf_cwdl2_bgc, SP.rf_cwdl3_bgc) == (0.0, 0.0)   # apply_cycle_carbon: CWD does not respire
    t, f13 = _spec_texture(40.0)
    assert t == pytest.approx(0.442, abs=1e-12) and f13 == pytest.approx(0.00717, abs=1e-5)


@pytest.mark.reference
@pytest.mark.parametrize("with_inputs", [True, False])
@pytest.mark.parametrize("sand", [20.0, 60.0])
def test_apply_cycle_carbon_single_layer_matches_spec_cascade(with_inputs, sand):
    """One pass of ``apply_cycle_carbon`` over a hand-built 365-day record of one layer without mixing equals
    the explicit numpy integration c_{d+1} = (I − Λ_d + T Λ_d)(c_d + u_d) of the spec §5.3 cascade (inputs
    added before the day's decomposition, as ``soil_bgc_day`` does), to relative 1e-12 in every pool; without
    inputs the pass is the linear part M c_0."""
    t, f13 = _spec_texture(sand)
    rec = _hand_record(365, 1, seed=int(sand))
    dz, z = np.array([0.1]), np.array([0.05])
    c0 = np.array([400.0, 20.0, 60.0, 30.0, 50.0, 2000.0, 6000.0])
    c = c0.copy()
    r = rec.astype(np.float64)
    for d in range(365):
        if with_inputs:
            c[:4] += r[d, REC_INC0:REC_INC0 + 4, 0]
        c = _spec_cascade_map(r[d, REC_LAM0:REC_LAM0 + NDECOMP, 0], t, f13) @ c
    got = _run_code(rec, t, f13, dz, z, c0, with_inputs)
    np.testing.assert_allclose(got, c, rtol=1e-12)
    assert np.abs(got - c0).max() > 1.0          # the cycle moved the pools: the comparison is not trivial


@pytest.mark.reference
@pytest.mark.parametrize("nlev,diff", [(1, 0.0), (4, 3.0e-9)])
def test_periodic_soil_carbon_matches_monodromy_solve(nlev, diff):
    """The cyclo-stationary soil carbon of a 365-day record, by ``periodic_state`` on ``apply_cycle_carbon``,
    equals X* of (I − M) X* = c with M, c the explicit products of the dense daily maps V_d B_d (spec
    cascade B_d, implicit mixing V_d of spec §5.5 built from its finite-volume equation), to relative 1e-8 per
    pool and layer; one more cycle from X* returns to it (1e-8). With mixing, 4 layers; D exaggerated
    (~100 cm² yr⁻¹) so that mixing visibly moves carbon within a cycle."""
    t, f13 = _spec_texture(40.0)
    rec = _hand_record(365, nlev, seed=7, diff=diff)
    dz = np.array([0.02, 0.04, 0.06, 0.08])[:nlev]
    z = np.cumsum(dz) - 0.5 * dz
    maps, inputs = _daily_maps(rec, t, f13, dz, z)
    n = NDECOMP * nlev
    m = np.eye(n)
    c = np.zeros(n)
    for d in range(rec.shape[0]):
        c = maps[d] @ (c + inputs[d])
        m = maps[d] @ m
    x_ref = np.linalg.solve(np.eye(n) - m, c)

    x, info = periodic_state(lambda v, w: _run_code(rec, t, f13, dz, z, v, w), n)
    live = x_ref > 1e-6 * x_ref.max()
    assert live.sum() >= n - nlev                 # CWD at depth may be empty, little else
    np.testing.assert_allclose(x[live], x_ref[live], rtol=1e-8)
    np.testing.assert_allclose(_run_code(rec, t, f13, dz, z, x, True)[live], x[live], rtol=1e-8)
    assert info["residual"] < 1e-10
    # passive SOM dominates the periodic state (turnover ~ 10^3 yr at these scalars)
    assert x_ref[S3 * nlev] > x_ref[S1 * nlev]


@pytest.mark.reference
def test_apply_cycle_litter_n_single_layer_matches_hand_integration():
    """Litter and CWD nitrogen (``apply_cycle_litter_n``) over one 365-day pass of one layer: each pool gains
    the day's N input and loses N at its C pool's loss fraction (N moves with C, C:N floating); CWD's N goes
    to L2 and L3 with cwd_fcel, cwd_flig (spec §5.3 transitions 9-10; CLM5 ``SoilBiogeochemDecompMod.F90``).
    The N of L1-L3 decomposition leaves the subsystem. Relative 1e-12."""
    rec = _hand_record(365, 1, seed=11)
    r = rec.astype(np.float64)
    n0 = np.array([4.0, 0.5, 1.0, 0.6])
    n = n0.copy()
    for d in range(365):
        n = n + r[d, REC_INN0:REC_INN0 + 4, 0]
        lost = r[d, REC_LAM0:REC_LAM0 + 4, 0] * n
        n = n - lost
        n[L2] += SP.cwd_fcel * lost[CWD]
        n[L3] += SP.cwd_flig * lost[CWD]
    out = np.empty(4)
    apply_cycle_litter_n(n0.copy(), rec, 365, 1, True, SP, np.ones(NDECOMP), np.array([0.1]),
                         np.array([0.05]), out, np.zeros((8, NDECOMP)))
    np.testing.assert_allclose(out, n, rtol=1e-12)
    assert np.abs(out - n0).max() > 0.1
