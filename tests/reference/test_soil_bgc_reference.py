"""Soil biogeochemistry against the numbers of clm5_spec.md §5 and against explicit integration.

The periodic (cyclo-stationary) solve of the cascade is tested in ``test_periodic_solve.py``."""

import math

import numpy as np
import pytest

from tpcarbon.model.bgc import ad_factor
from tpcarbon.model.driver import base_rates
from tpcarbon.params.pft import load_params
from tpcarbon.params.vertical import NLEVSOI, Z
from tpcarbon.physics import soil_bgc as bgc

P = load_params()
SP = P.scalar
NL = NLEVSOI
ZA = np.array(Z[:NL])


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
