"""Ground albedo and emissivity kernels against values worked out here from CLM's formulas and tables.

Soil: CTSM ``release-clm5.0`` (commit fdfc03a0abec838ec0b66663a6a2f5e619cd2611)
``src/biogeophys/SurfaceAlbedoMod.F90`` (tables l.150-163 typed again below from the Fortran; ``SoilAlbedo``
l.1051-1056). Snow: the BATS snow-age scheme of CLM2/CLM3.0 (``SnowAge.F90``, ``SurfaceAlbedoMod.F90::SnowAlbedo``;
Oleson et al. 2004, NCAR/TN-461+STR). Emissivity: ``CanopyTemperatureMod.F90`` l.367.
"""

import math

import pytest

from tpcarbon.params.fixed import SOIL_COLOR_DEFAULT_8, SOIL_COLOR_DEFAULT_20
from tpcarbon.physics import albedo as al

# (class, sat vis, sat nir, dry vis, dry nir) from release-clm5.0 SurfaceAlbedoMod.F90, mxsoil_color = 20
CLM_TABLE_20 = {1: (0.25, 0.50, 0.36, 0.61), 15: (0.09, 0.18, 0.18, 0.29), 20: (0.04, 0.08, 0.08, 0.16)}


@pytest.mark.reference
@pytest.mark.parametrize("color", [1, 15, 20])
@pytest.mark.parametrize("theta", [0.0, 0.15, 0.30])
def test_soil_albedo_three_colours_three_wetness_levels(color, theta):
    """α = min(α_sat + max(0.11 − 0.40 θ, 0), α_dry): θ = 0 → +0.11 (dry limit), 0.15 → +0.05, 0.30 → α_sat."""
    sv, sn, dv, dn = CLM_TABLE_20[color]
    inc = {0.0: 0.11, 0.15: 0.05, 0.30: 0.0}[theta]
    vis, nir = min(sv + inc, dv), min(sn + inc, dn)
    got = al.calc_soil_albedo(color, theta, 20)
    assert got == pytest.approx((vis, nir, vis, nir), abs=1e-15)


@pytest.mark.reference
def test_soil_albedo_hand_table():
    """The nine (class, θ) values above, written out: e.g. class 15 dry = (0.18, 0.29), wet = (0.09, 0.18)."""
    expect = {(1, 0.0): (0.36, 0.61), (1, 0.15): (0.30, 0.55), (1, 0.30): (0.25, 0.50),
              (15, 0.0): (0.18, 0.29), (15, 0.15): (0.14, 0.23), (15, 0.30): (0.09, 0.18),
              (20, 0.0): (0.08, 0.16), (20, 0.15): (0.08, 0.13), (20, 0.30): (0.04, 0.08)}
    for (c, th), (v, n) in expect.items():
        assert al.calc_soil_albedo(c, th, 20)[:2] == pytest.approx((v, n), abs=1e-12)


@pytest.mark.reference
def test_soil_albedo_eight_class_table_and_defaults():
    """8 classes (older datasets): class 4 = sat (0.09, 0.18), dry (0.18, 0.36); defaults 15 of 20, 4 of 8."""
    assert al.calc_soil_albedo(4, 0.0, 8)[:2] == pytest.approx((0.18, 0.29), abs=1e-12)
    assert al.calc_soil_albedo(4, 0.5, 8)[:2] == pytest.approx((0.09, 0.18), abs=1e-12)
    assert al.calc_soil_albedo(1, 0.0, 8)[:2] == pytest.approx((0.23, 0.35), abs=1e-12)
    assert (SOIL_COLOR_DEFAULT_20, SOIL_COLOR_DEFAULT_8) == (15, 4)


@pytest.mark.reference
@pytest.mark.parametrize("color,mx", [(0, 20), (21, 20), (9, 8), (3, 10)])
def test_soil_albedo_rejects_bad_classes(color, mx):
    with pytest.raises(ValueError):
        al.calc_soil_albedo(color, 0.2, mx)


def snow_age_rate(tg):
    """dτ/dt of BATS (SnowAge.F90): (r1 + r2 + 0.3)/1e6 s-1, r1 = exp(5000(1/Tf − 1/Tg)), r2 = exp(min(0, 10 …))."""
    arg = 5000.0 * (1.0 / 273.15 - 1.0 / tg)
    return (math.exp(arg) + math.exp(min(0.0, 10.0 * arg)) + 0.3) * 1.0e-6


@pytest.mark.reference
@pytest.mark.parametrize("tg", [253.15, 263.15, 273.15, 275.0])
@pytest.mark.parametrize("ndays", [1, 5, 20])
def test_snow_age_after_n_days(tg, ndays):
    """No new snow, 48 steps of 1800 s a day: τ_N = N·86400·rate(T_g) (a constant rate accumulates linearly)."""
    tau = 0.0
    for _ in range(48 * ndays):
        tau = al.calc_snow_age_bats(tau, 1800.0, tg, 50.0, 50.0)
    assert tau == pytest.approx(ndays * 86400.0 * snow_age_rate(tg), rel=1e-12)


@pytest.mark.reference
def test_snow_age_written_out():
    """At the melting point r1 = r2 = 1: τ after one day = 86400 × 2.3e-6 = 0.19872."""
    assert al.calc_snow_age_bats(0.0, 86400.0, 273.15, 30.0, 30.0) == pytest.approx(0.19872, rel=1e-12)
    # −20 °C: arg = 5000(1/273.15 − 1/253.15) = −1.446175...
    arg = 5000.0 * (1 / 273.15 - 1 / 253.15)
    assert arg == pytest.approx(-1.446175, abs=1e-6)
    assert al.calc_snow_age_bats(0.0, 86400.0, 253.15, 30.0, 30.0) == pytest.approx(
        0.0864 * (math.exp(arg) + math.exp(10 * arg) + 0.3), rel=1e-12)


@pytest.mark.reference
def test_snow_age_resets():
    tau = 1.5
    d = 1800.0 * snow_age_rate(268.15)
    # 10 mm of new snow in the step: reset; 5 mm: halved; any melt (negative change): aging only
    assert al.calc_snow_age_bats(tau, 1800.0, 268.15, 60.0, 50.0) == 0.0
    assert al.calc_snow_age_bats(tau, 1800.0, 268.15, 55.0, 50.0) == pytest.approx((tau + d) * 0.5, rel=1e-12)
    assert al.calc_snow_age_bats(tau, 1800.0, 268.15, 45.0, 50.0) == pytest.approx(tau + d, rel=1e-12)
    assert al.calc_snow_age_bats(tau, 1800.0, 268.15, 0.0, 5.0) == 0.0          # snow gone
    assert al.calc_snow_age_bats(tau, 1800.0, 268.15, 900.0, 900.0) == 0.0      # > 800 mm: perennial snow


@pytest.mark.reference
@pytest.mark.parametrize("ndays", [0, 1, 5, 20])
def test_snow_albedo_after_n_days(ndays):
    """Diffuse albedo after N days at −10 °C: 0.95(1 − 0.2 F), 0.65(1 − 0.5 F), F = τ/(1 + τ)."""
    tau = ndays * 86400.0 * snow_age_rate(263.15)
    f = tau / (1.0 + tau)
    got = al.calc_snow_albedo_bats(tau, 0.7)
    assert got[2:] == pytest.approx((0.95 * (1 - 0.2 * f), 0.65 * (1 - 0.5 * f)), rel=1e-12)
    assert got[:2] == got[2:]                       # μ = 0.7 ≥ 0.5: no zenith correction
    if ndays == 20:                                 # τ = 2.02..: visible 0.82, near-infrared 0.43
        assert got[2] == pytest.approx(0.8398, abs=1e-4) and got[3] == pytest.approx(0.4614, abs=1e-4)


@pytest.mark.reference
@pytest.mark.parametrize("mu", [0.001, 0.1, 0.3, 0.499, 0.5, 1.0])
def test_snow_albedo_zenith_correction(mu):
    """f(μ) = max(0, (1 + 1/2)/(1 + 4μ) − 1/2); α_dir = α_dif + 0.4 f (1 − α_dif); fresh snow (τ = 0)."""
    f = max(0.0, 1.5 / (1.0 + 4.0 * mu) - 0.5)
    dv, dn, iv, inn = al.calc_snow_albedo_bats(0.0, mu)
    assert (iv, inn) == pytest.approx((0.95, 0.65), rel=1e-15)
    assert dv == pytest.approx(0.95 + 0.4 * f * 0.05, rel=1e-12)
    assert dn == pytest.approx(0.65 + 0.4 * f * 0.35, rel=1e-12)
    if mu >= 0.5:
        assert (dv, dn) == (iv, inn)


@pytest.mark.reference
def test_ground_albedo_blend_and_emissivity():
    assert al.calc_ground_albedo(0.2, 0.8, 0.0) == 0.2
    assert al.calc_ground_albedo(0.2, 0.8, 1.0) == 0.8
    assert al.calc_ground_albedo(0.2, 0.8, 0.3) == pytest.approx(0.2 * 0.7 + 0.8 * 0.3, rel=1e-15)
    assert al.calc_ground_emissivity(0.0) == 0.96
    assert al.calc_ground_emissivity(1.0) == 0.97
    assert al.calc_ground_emissivity(0.4) == pytest.approx(0.6 * 0.96 + 0.4 * 0.97, rel=1e-15)
