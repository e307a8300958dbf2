"""Soil biogeochemistry against the numbers of clm5_spec.md §5 and against explicit integration."""

import math

import numpy as np
import pytest

from tpcarbon.model.bgc import ad_factor, soil_bgc_day
from tpcarbon.model.driver import base_rates
from tpcarbon.model.matrix import build_system, solve_steady_state
from tpcarbon.model.state import A_XI, NACC, NSPIN, S_POOL0
from tpcarbon.params.pft import load_params
from tpcarbon.params.vertical import DZ, NLEVSOI, Z, ZI
from tpcarbon.physics import soil_bgc as bgc

P = load_params()
SP = P.scalar
NL = NLEVSOI
DZA, ZA, ZIA = np.array(DZ[:NL]), np.array(Z[:NL]), np.array(ZI[:NL])


@pytest.mark.reference
def test_q10_normalisation_matches_spec():
    """Spec §5.4: N = 0.820595 (catanf(15) = 11.3819, catanf(30) = 20.8055)."""
    assert bgc.calc_catanf(15.0) == pytest.approx(11.3819, abs=1e-4)
    assert bgc.calc_catanf(30.0) == pytest.approx(20.8055, abs=1e-4)
    assert bgc.calc_q10_normalisation(1.5) == pytest.approx(0.820595, abs=1e-6)


@pytest.mark.reference
@pytest.mark.parametrize("tk", [253.15, 263.15, 272.15, 273.15, 283.15, 298.15, 308.15])
def test_temperature_scalar_is_one_continuous_q10_curve(tk):
    """With Q10 = froz_Q10 = 1.5 the frozen and unfrozen branches form one curve (spec §5.4)."""
    assert bgc.calc_decomp_t_scalar(tk, 1.5, 1.5, 0.820595) == pytest.approx(0.820595 * 1.5 ** ((tk - 298.15) / 10))


@pytest.mark.reference
def test_effective_turnover_times_reproduce_tech_note_table():
    """Spec §5.2 last column: τ/0.8206 = CWD 4.062, L1 0.0659, L2/L3 0.2487, S1 0.1669, S2 6.093, S3 270.8 yr."""
    k = base_rates(P)
    norm = bgc.calc_q10_normalisation(1.5)
    tau_eff = 1.0 / (k * norm * 365 * 86400)
    np.testing.assert_allclose(tau_eff, [4.062, 0.0659, 0.2487, 0.2487, 0.1669, 6.093, 270.8], rtol=2e-3)


@pytest.mark.reference
@pytest.mark.parametrize("lat,a", [(28, 1.41), (30, 1.55), (33, 1.86), (35, 2.15), (38, 2.78), (40, 3.37)])
def test_ad_latitude_term_matches_spec_table(lat, a):
    assert bgc.calc_ad_latitude_factor(lat) == pytest.approx(a, abs=0.006)


@pytest.mark.reference
def test_ad_base_factors():
    """CWD max(1, τ/2) = 1.667, S2 5, S3 222.2, others 1 (spec §5.7)."""
    f = [ad_factor(i, SP, 1.0) for i in range(bgc.NDECOMP)]
    np.testing.assert_allclose(f, [1.6667, 1, 1, 1, 1, 5.0, 222.222], rtol=1e-4)


@pytest.mark.reference
@pytest.mark.parametrize("sand,t,f13", [(20, 0.306, 0.00576), (40, 0.442, 0.00717), (60, 0.578, 0.00948)])
def test_texture_terms_match_spec(sand, t, f13):
    got = bgc.calc_texture_t(sand)
    assert got[0] == pytest.approx(t, abs=1e-3) and got[1] == pytest.approx(f13, abs=1e-5)


@pytest.mark.reference
def test_surface_input_profile_matches_spec_corrections():
    """Spec corrections #2: about 0.40, 0.29, 0.18, 0.09, 0.03 for layers 1-5 (all layers thawed)."""
    out = np.zeros(NL)
    bgc.calc_surface_input_profile(ZA, NL, NL, out)
    np.testing.assert_allclose(out[:5], [0.40, 0.29, 0.18, 0.09, 0.03], atol=0.01)
    assert out.sum() == pytest.approx(1.0)


@pytest.mark.reference
def test_moisture_scalar_limits_and_frozen_soil():
    assert bgc.calc_decomp_w_scalar(-0.002, -2.0, -0.002) == pytest.approx(1.0)
    assert bgc.calc_decomp_w_scalar(-2.0, -2.0, -0.002) == 0.0
    mid = bgc.calc_decomp_w_scalar(-0.0632456, -2.0, -0.002)   # geometric mean of the two limits
    assert mid == pytest.approx(0.5, abs=1e-5)
    # no liquid water (frozen) -> no decomposition
    assert bgc.calc_decomp_w_scalar_from_saturation(0.0, 0.45, 200.0, 6.0, -2.0, -0.002) == 0.0


def _run_days(ndays, inputs, xi, ad, spin_last_days=0):
    soil = np.zeros((bgc.NDECOMP, NL))
    acc = np.zeros((NACC, NL))
    spin = np.zeros((NSPIN, NL))
    sc = np.zeros((8, NL))
    k = base_rates(P)
    fd = np.exp(-ZA / 10.0)
    for d in range(ndays):
        acc[:4] = inputs
        acc[A_XI] = xi * 8.0
        soil_bgc_day(soil, acc, spin, 8.0, k, fd, 0.442, 0.00717, 1.5, 0.6, 0.5, DZA, ZA, ZIA, NL, SP, ad,
                     d >= ndays - spin_last_days, sc)
    return soil, spin


@pytest.mark.reference
def test_matrix_steady_state_equals_long_explicit_integration():
    """Constant inputs and scalars: −M⁻¹u (spec §5.7 SASU form) equals the daily update run to equilibrium.

    Run in AD mode so that the passive pool equilibrates within 150 years (the system is the same
    linear cascade with faster rates)."""
    inputs = np.zeros((4, NL))
    inputs[1, :3] = [1.0, 0.5, 0.2]
    inputs[2, :5] = 0.5
    inputs[3, :5] = 0.3
    inputs[0, :2] = 0.2
    xi = np.linspace(0.9, 0.4, NL)
    days = 365 * 150
    soil, spin = _run_days(days, inputs, xi, ad=True, spin_last_days=365)
    m, u = build_system(spin, 365.0, SP, 0.442, 0.00717,
                        np.array([ad_factor(i, SP, 1.5) for i in range(bgc.NDECOMP)]), DZA, ZA)
    mean = spin[S_POOL0:S_POOL0 + bgc.NDECOMP].reshape(-1) / 365.0
    x = solve_steady_state(m, u, mean).reshape(bgc.NDECOMP, NL)
    # the matrix gives the stock exposed to decomposition (pool + the day's input): compare like with like
    exposed = soil.copy()
    exposed[:4] += inputs
    totals_m = (x * DZA).sum(axis=1)
    totals_e = (exposed * DZA).sum(axis=1)
    np.testing.assert_allclose(totals_m, totals_e, rtol=2e-4)


@pytest.mark.reference
def test_ad_exit_rescaling_keeps_fluxes_and_gives_the_normal_steady_state():
    """Exit from AD (pool × a_i a_lat) conserves the carbon fluxes: the rescaled AD steady state equals the
    normal-mode steady state of the same inputs and scalars, so HR is continuous across the exit."""
    rng = np.random.default_rng(1)
    spin = np.zeros((NSPIN, NL))
    ndays = 365.0
    spin[0:4] = rng.random((4, NL)) * ndays
    base_loss = np.outer(base_rates(P), np.ones(NL)) * 86400.0 * 0.3          # normal-mode daily loss fractions
    spin[11] = 1e-11 * ndays
    fac = np.array([ad_factor(i, SP, 1.7) for i in range(bgc.NDECOMP)])
    normal = spin.copy()
    normal[4:11] = base_loss * ndays
    accel = spin.copy()
    accel[4:11] = base_loss * fac[:, None] * ndays
    xn = solve_steady_state(*build_system(normal, ndays, SP, 0.44, 0.007, np.ones(7), DZA, ZA), np.zeros(7 * NL))
    xa = solve_steady_state(*build_system(accel, ndays, SP, 0.44, 0.007, fac, DZA, ZA), np.zeros(7 * NL))
    rescaled = xa.reshape(7, NL) * fac[:, None]
    np.testing.assert_allclose(rescaled, xn.reshape(7, NL), rtol=1e-9, atol=1e-12)
    hr_ad = (base_loss * fac[:, None] * xa.reshape(7, NL)).sum()
    hr_normal = (base_loss * rescaled).sum()
    assert hr_ad == pytest.approx(hr_normal, rel=1e-12)


@pytest.mark.reference
def test_daily_step_matches_subdaily_integration():
    """The daily exponential update (a named departure) against 3-hourly steps with the same mean scalars:
    total HR over a year within 0.5 %."""
    k = base_rates(P)
    c0 = np.array([500.0, 40.0, 150.0, 80.0, 100.0, 3000.0, 8000.0])
    xi = 0.6
    daily = c0.copy()
    hr_d = 0.0
    out = np.zeros(7)
    for _ in range(365):
        loss = np.array([bgc.calc_loss_fraction(ki * xi, 86400.0) for ki in k])
        hl, hs = bgc.calc_decompose_layer(daily, loss, SP.rf_l1s1_bgc, SP.rf_l2s1_bgc, SP.rf_l3s2_bgc,
                                          SP.rf_s2s1_bgc, SP.rf_s2s3_bgc, SP.rf_s3s1_bgc, 0.442, 0.00717,
                                          SP.cwd_fcel, SP.cwd_flig, out)
        daily = out.copy()
        hr_d += hl + hs
    sub = c0.copy()
    hr_s = 0.0
    for _ in range(365 * 8):
        loss = np.array([bgc.calc_loss_fraction(ki * xi, 10800.0) for ki in k])
        hl, hs = bgc.calc_decompose_layer(sub, loss, SP.rf_l1s1_bgc, SP.rf_l2s1_bgc, SP.rf_l3s2_bgc,
                                          SP.rf_s2s1_bgc, SP.rf_s2s3_bgc, SP.rf_s3s1_bgc, 0.442, 0.00717,
                                          SP.cwd_fcel, SP.cwd_flig, out)
        sub = out.copy()
        hr_s += hl + hs
    assert hr_d == pytest.approx(hr_s, rel=5e-3)
    assert math.isclose(c0.sum() - daily.sum(), hr_d, rel_tol=1e-12)


def _one_pool_cycle(x0, k_daily, u):
    """Explicit daily update of dX = u − k X over one forcing cycle: end stock, Σ X, Σ k X, Σ X of the last year."""
    x, sx, skx, last = x0, 0.0, 0.0, 0.0
    n = len(k_daily)
    for d, k in enumerate(k_daily):
        sx += x
        skx += k * x
        if d >= n - 365:
            last += x
        x = x + u - k * x
    return x, sx, skx, last


@pytest.mark.reference
@pytest.mark.parametrize("turnover_years", [3.0, 30.0, 300.0])
@pytest.mark.parametrize("start", [0.2, 1.0])
def test_shift_to_steady_state_restarts_on_the_periodic_trajectory(turnover_years, start):
    """After one solve, the next cycle's drift is smaller with the trajectory shift than with the stock set
    to X* (the cycle-mean steady state, mapped to the end's seasonal phase): interannual variability of the
    rates makes the end-of-cycle stock of a pool that is not slow differ from its cycle mean."""
    from tpcarbon.model.matrix import phase_ratio, shift_to_steady_state

    years = 20
    rng = np.random.default_rng(3)
    annual = np.exp(rng.normal(0.0, 0.3, years))                       # interannual rate anomalies
    season = 1.0 + 0.9 * np.sin(2 * np.pi * np.arange(365) / 365.0)
    k = np.concatenate([a * season for a in annual]) / (365.0 * turnover_years)
    u = 1.0
    x_end, sx, skx, last = _one_pool_cycle(start * u / k.mean(), k, u)   # 0.2: far below equilibrium
    x_star = u / (skx / sx)                                            # cycle-mean steady state
    set_to_star = x_star * float(phase_ratio(np.array([last]), 365.0, np.array([x_end]))[0])
    shifted = float(shift_to_steady_state(np.array([x_end]), np.array([sx / len(k)]), np.array([x_star]),
                                          np.array([skx / sx * len(k)]))[0])
    xp = x_end                                                          # the periodic end state
    for _ in range(int(20 * turnover_years / years) + 40):
        xp = _one_pool_cycle(xp, k, u)[0]

    def drift(x0):
        return abs(_one_pool_cycle(x0, k, u)[0] - x0) / years

    assert drift(shifted) < drift(set_to_star)
    assert abs(shifted - xp) / xp < 0.05
