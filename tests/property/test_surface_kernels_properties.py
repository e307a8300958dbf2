"""Property tests (hypothesis) of the surface-layer, canopy-exchange and ground-albedo kernels.

Each test states the law it checks; the formulas are CTSM release-clm5.0's (``FrictionVelocityMod.F90``,
``BareGroundFluxesMod.F90``, ``CanopyFluxesMod.F90``, ``SurfaceResistanceMod.F90``, ``SurfaceAlbedoMod.F90``) and,
for snow, the BATS scheme of CLM3.0. Units are the kernels' canonical units.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpcarbon.physics import albedo as al
from tpcarbon.physics import surface_layer as sl

PROP = settings(max_examples=150, deadline=None)
LV = 2.501e6

z_ref = st.floats(5.0, 60.0)
z0 = st.floats(1.0e-4, 0.5)


# ---------------------------------------------------------------- Monin–Obukhov profiles
@PROP
@given(z=z_ref, z0m=z0, which=st.sampled_from(["m", "h"]), at=st.sampled_from(["vu", "zero", "one"]))
def test_profiles_continuous_at_branch_points(z, z0m, which, at):
    """F_m is continuous at ζ = −1.574, 0, 1 and F_h at ζ = −0.465, 0, 1 (CLM's matching conditions)."""
    f = sl.calc_profile_momentum if which == "m" else sl.calc_profile_scalar
    zeta0 = {"vu": -1.574 if which == "m" else -0.465, "zero": 0.0, "one": 1.0}[at]
    eps = 1.0e-9
    lo, hi = zeta0 - eps, zeta0 + eps
    if zeta0 == 0.0:
        # approach neutrality from both sides: |L| = z/eps
        assert f(z, -z / eps, z0m) == pytest.approx(f(z, z / eps, z0m), abs=1e-6)
    else:
        assert f(z, z / lo, z0m) == pytest.approx(f(z, z / hi, z0m), abs=1e-6)


@PROP
@given(z=z_ref, r0=st.floats(1.0e-5, 0.05), zeta1=st.floats(-5.0, 5.0), zeta2=st.floats(-5.0, 5.0))
def test_momentum_profile_increases_with_stability(z, r0, zeta1, zeta2):
    """F_m(ζ) is non-decreasing for −5 ≤ ζ ≤ 5 (z0m/z ≤ 0.05): u* = k u_m/F_m falls as stratification grows stabler.

    Further out CLM's free-convection matching term 1.14[(−ζ)^0.333 − 1.574^0.333] makes F_m rise again: F_m has a
    minimum at ζ ≈ −18 (z0m/z → 0) to ζ ≈ −5 (z0m/z = 0.05); ζ is clamped only at −100.
    """
    if abs(zeta1) < 1e-6 or abs(zeta2) < 1e-6 or zeta1 == zeta2:
        return
    z0m = r0 * z
    a, b = sorted((zeta1, zeta2))
    assert sl.calc_profile_momentum(z, z / a, z0m) <= sl.calc_profile_momentum(z, z / b, z0m) + 1e-12


@PROP
@given(z=z_ref, z0h=st.floats(1.0e-5, 0.1), zeta1=st.floats(-100.0, 5.0), zeta2=st.floats(-100.0, 5.0))
def test_scalar_profile_increases_with_stability(z, z0h, zeta1, zeta2):
    """F_h(ζ) is non-decreasing over the whole clamped range −100 ≤ ζ ≤ 5."""
    if abs(zeta1) < 1e-6 or abs(zeta2) < 1e-6 or zeta1 == zeta2:
        return
    a, b = sorted((zeta1, zeta2))
    assert sl.calc_profile_scalar(z, z / a, z0h) <= sl.calc_profile_scalar(z, z / b, z0h) + 1e-12


@PROP
@given(w1=st.floats(0.0, 20.0), w2=st.floats(0.0, 20.0), dt=st.floats(-8.0, 8.0), z0m=st.sampled_from([0.01, 0.0024]))
def test_bare_ground_ustar_increases_with_wind(w1, w2, dt, z0m):
    """At a given ground–air temperature difference, u* (converged iteration) does not fall as wind rises."""
    h = 30.0 + z0m
    lo, hi = sorted((w1, w2))
    thm = 280.0 + 0.0098 * h
    u_lo = sl.calc_bare_ground_surface_layer(lo, 280.0, 281.0, 0.004, thm + dt, 0.004, h, h, h, z0m, 40)[0]
    u_hi = sl.calc_bare_ground_surface_layer(hi, 280.0, 281.0, 0.004, thm + dt, 0.004, h, h, h, z0m, 40)[0]
    assert u_hi >= u_lo * (1 - 1e-9)


@PROP
@given(wind=st.floats(0.0, 20.0), dt=st.floats(-15.0, 15.0), n=st.integers(1, 10))
def test_bare_ground_resistances_positive_and_obukhov_bounded(wind, dt, n):
    """r_am, r_ah, r_aw > 0 and ζ = z/L stays within CLM's clamps [−100, −0.01] ∪ [0.01, 0.5] on every pass."""
    h = 30.01
    thm = 280.0 + 0.0098 * h
    ustar, ram, rah, raw, obu, um, t2, q2, z0h = sl.calc_bare_ground_surface_layer(
        wind, 280.0, 281.0, 0.004, thm + dt, 0.004, h, h, h, 0.01, n)
    assert ustar > 0 and ram > 0 and rah > 0 and raw > 0 and um >= 0.1
    zeta = h / obu
    assert (-100.0 - 1e-9 <= zeta <= -0.01 + 1e-12) or (0.01 - 1e-12 <= zeta <= 0.5 + 1e-12)
    assert 0.0 < z0h <= 0.01


# ---------------------------------------------------------------- canopy exchange
@PROP
@given(tg=st.floats(250.0, 320.0), thm=st.floats(250.0, 320.0), tv=st.floats(250.0, 320.0),
       ca=st.floats(1e-4, 0.2), cl=st.floats(1e-4, 1.0), cg=st.floats(1e-5, 0.05))
def test_canopy_air_temperature_between_sources(tg, thm, tv, ca, cl, cg):
    """T_af is a convex combination of θ_m, T_v and T_g; the weights sum to one."""
    wa, wl, wg, wga, wal = sl.calc_conductance_weights(ca, cl, cg)
    assert wa + wl + wg == pytest.approx(1.0, rel=1e-14)
    taf = sl.calc_canopy_air_state(tg, thm, tv, 0.01, 0.01, 0.01, ca, cl, cg, ca, cl, cg)[0]
    assert min(tg, thm, tv) - 1e-9 <= taf <= max(tg, thm, tv) + 1e-9


@PROP
@given(l1=st.floats(0.0, 8.0), l2=st.floats(0.0, 8.0), uaf=st.floats(0.05, 2.0), z0g=st.sampled_from([0.01, 0.0024]))
def test_undercanopy_resistance_grows_with_canopy_density(l1, l2, uaf, z0g):
    """C_s blends the bare-soil coefficient (> csoilc = 0.004) toward 0.004 as W = e^{−(L+S)} falls."""
    a, b = sorted((l1, l2))
    r_a = sl.calc_undercanopy_resistance(uaf, z0g, a, 0.0, 1.0, 280.0, 281.0, False)[0]
    r_b = sl.calc_undercanopy_resistance(uaf, z0g, b, 0.0, 1.0, 280.0, 281.0, False)[0]
    assert r_a <= r_b * (1 + 1e-12)
    assert r_b <= 1.0 / (0.004 * uaf) * (1 + 1e-12)


@PROP
@given(tv=st.floats(255.0, 310.0), sabv=st.floats(0.0, 800.0), tg=st.floats(255.0, 310.0),
       dthm=st.floats(-10.0, 10.0), rh=st.floats(0.05, 1.2), rb=st.floats(5.0, 200.0), lsai=st.floats(0.1, 8.0),
       rah=st.floats(5.0, 500.0), rah2=st.floats(20.0, 2000.0), rpp=st.floats(0.0, 1.0),
       efeb=st.floats(-300.0, 300.0), h2ocan=st.floats(0.0, 0.5), btran=st.floats(0.0, 1.0))
def test_leaf_step_closes_energy_and_limits_step(tv, sabv, tg, dthm, rh, rb, lsai, rah, rah2, rpp, efeb, h2ocan,
                                                 btran):
    """S_v + L_v − H_v − λE_v = 0 for the returned fluxes in every branch, and |ΔT_v| ≤ 1 K (CF l.1016-1063)."""
    es = 610.78 * math.exp(17.27 * (tv - 273.15) / (tv - 35.85))
    qsat = 0.622 * es / 1.0e5
    dqsat = qsat * 17.27 * 237.3 / (tv - 35.85) ** 2
    emv = 1 - math.exp(-lsai)
    air, bir, cir = sl.calc_canopy_longwave_coefficients(emv, 0.96, 280.0)
    wtl = lsai / rb
    q = min(rh * qsat, 0.03)
    r = sl.calc_leaf_temperature_step(tv, qsat, dqsat, sabv, air, bir, cir, tg ** 4, 1.2, 1 / rah, wtl, 1 / rah2,
                                      1 / rah, wtl * rpp, 1 / (rah2 + 100.0), tv + dthm, tg, q, q, efeb, rpp,
                                      0.5 * rpp, btran, h2ocan, 1800.0, 0.0, False)
    dtv, dabs, sh, ev, tran, _, lwnet, _ = r
    assert abs(dtv) <= 1.0 + 1e-12 and dabs >= abs(dtv) - 1e-12
    assert sabv + lwnet - sh - LV * ev == pytest.approx(0.0, abs=1e-7 * (1 + abs(sh) + abs(LV * ev)))
    assert tran >= 0.0


@PROP
@given(liq1=st.floats(0.0, 9.0), liq2=st.floats(0.0, 9.0), ws=st.floats(0.3, 0.7), psis=st.floats(10.0, 700.0),
       b=st.floats(2.5, 15.0), t=st.floats(255.0, 320.0))
def test_dsl_resistance_falls_as_soil_wets(liq1, liq2, ws, psis, b, t):
    """r_soil is non-increasing in the top-layer liquid water and lies in [20, 1e6] s m-1 (SL14)."""
    lo, hi = sorted((liq1, liq2))
    _, r_dry = sl.calc_soil_resistance_dsl(lo, 0.0, 0.02, ws, psis, b, t)
    dsl_wet, r_wet = sl.calc_soil_resistance_dsl(hi, 0.0, 0.02, ws, psis, b, t)
    assert r_wet <= r_dry * (1 + 1e-12)
    assert 20.0 <= r_wet <= 1.0e6 and 0.0 <= dsl_wet <= 200.0


# ---------------------------------------------------------------- albedo
@PROP
@given(color=st.integers(1, 20), th1=st.floats(0.0, 0.7), th2=st.floats(0.0, 0.7))
def test_soil_albedo_bounded_and_darkens_when_wet(color, th1, th2):
    """α_sat ≤ α_soil ≤ α_dry ⊂ [0, 1] and a wetter top layer is not brighter."""
    lo, hi = sorted((th1, th2))
    dry = al.calc_soil_albedo(color, lo, 20)
    wet = al.calc_soil_albedo(color, hi, 20)
    for a_dry, a_wet in zip(dry, wet, strict=True):
        assert 0.0 <= a_wet <= a_dry <= 1.0


@PROP
@given(t1=st.floats(0.0, 50.0), t2=st.floats(0.0, 50.0), mu=st.floats(-0.2, 1.0))
def test_snow_albedo_bounded_and_darkens_with_age(t1, t2, mu):
    """Snow albedo ∈ [0, 1], falls with snow age, direct ≥ diffuse."""
    young, old = sorted((t1, t2))
    a_y = al.calc_snow_albedo_bats(young, mu)
    a_o = al.calc_snow_albedo_bats(old, mu)
    for y, o in zip(a_y, a_o, strict=True):
        assert 0.0 <= o <= y <= 1.0
    assert a_o[0] >= a_o[2] and a_o[1] >= a_o[3]


@PROP
@given(mu1=st.floats(0.0, 1.0), mu2=st.floats(0.0, 1.0), tau=st.floats(0.0, 10.0))
def test_snow_direct_albedo_rises_toward_the_horizon(mu1, mu2, tau):
    """The direct-beam albedo does not fall as the sun sinks (smaller μ)."""
    low, high = sorted((mu1, mu2))
    assert al.calc_snow_albedo_bats(tau, low)[0] >= al.calc_snow_albedo_bats(tau, high)[0]


@PROP
@given(tau=st.floats(0.0, 20.0), tg1=st.floats(230.0, 290.0), tg2=st.floats(230.0, 290.0),
       dt=st.floats(60.0, 86400.0))
def test_snow_age_grows_faster_when_warm(tau, tg1, tg2, dt):
    """Without snowfall τ grows, and grows faster at a warmer snow surface (r1, r2 increase with T_g)."""
    cold, warm = sorted((tg1, tg2))
    a_cold = al.calc_snow_age_bats(tau, dt, cold, 40.0, 40.0)
    a_warm = al.calc_snow_age_bats(tau, dt, warm, 40.0, 40.0)
    assert tau < a_cold <= a_warm


@PROP
@given(a_soil=st.floats(0.0, 1.0), a_snow=st.floats(0.0, 1.0), f=st.floats(0.0, 1.0))
def test_ground_albedo_and_emissivity_between_end_members(a_soil, a_snow, f):
    a = al.calc_ground_albedo(a_soil, a_snow, f)
    assert min(a_soil, a_snow) - 1e-15 <= a <= max(a_soil, a_snow) + 1e-15
    assert 0.96 - 1e-15 <= al.calc_ground_emissivity(f) <= 0.97 + 1e-15
