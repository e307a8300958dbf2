"""Surface-layer and canopy-exchange kernels against float64 values worked out here from CLM5's formulas.

Reference: CTSM ``release-clm5.0`` (commit fdfc03a0abec838ec0b66663a6a2f5e619cd2611), files
``src/biogeophys/FrictionVelocityMod.F90``, ``BareGroundFluxesMod.F90``, ``CanopyFluxesMod.F90``,
``CanopyTemperatureMod.F90``, ``CanopyHydrologyMod.F90``, ``SurfaceResistanceMod.F90``. Every expected value is
computed in this file with its own arithmetic (the numbers CLM hard-codes are typed here again, from the
Fortran), never by calling the kernel under test; where a closed form exists (neutral log law, dense or bare
canopy limits) it is used as a second check.
"""

import math

import pytest

from tpcarbon.physics import surface_layer as sl
from tpcarbon.physics.photosynthesis import calc_leaf_boundary_conductance

K = 0.4            # clm_varcon vkc
G = 9.80616        # clm_varcon grav
CP = 1004.64       # clm_varcon cpair
LV = 2.501e6       # clm_varcon hvap
SB = 5.67e-8       # clm_varcon sb
TOL = 1e-12


# ---------------------------------------------------------------- independent CLM formulas (written afresh)
def psi_m(z):
    x = (1.0 - 16.0 * z) ** 0.25
    return 2.0 * math.log(0.5 * (1.0 + x)) + math.log(0.5 * (1.0 + x * x)) - 2.0 * math.atan(x) + 0.5 * math.pi


def psi_h(z):
    return 2.0 * math.log(0.5 * (1.0 + (1.0 - 16.0 * z) ** 0.5))


def fm(z, L, z0):
    zeta = z / L
    if zeta < -1.574:
        return math.log(-1.574 * L / z0) - psi_m(-1.574) + psi_m(z0 / L) + 1.14 * ((-zeta) ** 0.333 - 1.574 ** 0.333)
    if zeta < 0.0:
        return math.log(z / z0) - psi_m(zeta) + psi_m(z0 / L)
    if zeta <= 1.0:
        return math.log(z / z0) + 5.0 * zeta - 5.0 * z0 / L
    return math.log(L / z0) + 5.0 - 5.0 * z0 / L + 5.0 * math.log(zeta) + zeta - 1.0


def fh(z, L, z0):
    zeta = z / L
    if zeta < -0.465:
        return math.log(-0.465 * L / z0) - psi_h(-0.465) + psi_h(z0 / L) + 0.8 * (0.465 ** -0.333 - (-zeta) ** -0.333)
    if zeta < 0.0:
        return math.log(z / z0) - psi_h(zeta) + psi_h(z0 / L)
    if zeta <= 1.0:
        return math.log(z / z0) + 5.0 * zeta - 5.0 * z0 / L
    return math.log(L / z0) + 5.0 - 5.0 * z0 / L + 5.0 * math.log(zeta) + zeta - 1.0


def stability_update(ustar, t1, t2, dth, dqh, q, th, thv, z, ur):
    ts, qs = t1 * dth, t2 * dqh
    tvs = ts * (1 + 0.61 * q) + 0.61 * th * qs
    zeta = z * K * G * tvs / (ustar ** 2 * thv)
    if zeta >= 0:
        zeta = min(0.5, max(zeta, 0.01))
        um = max(ur, 0.1)
    else:
        zeta = max(-100.0, min(zeta, -0.01))
        wc = 1.0 * (-G * ustar * tvs * 1000.0 / thv) ** 0.333
        um = math.sqrt(ur ** 2 + wc ** 2)
    return z / zeta, um, ts, qs


# ---------------------------------------------------------------- stability functions and profiles
@pytest.mark.reference
def test_psi_unstable_hand_values():
    """ψ_m and ψ_h at ζ = −1: x = 17^(1/4) = 2.030543..., written out term by term."""
    x2 = math.sqrt(17.0)
    x = math.sqrt(x2)
    expect_m = 2 * math.log((1 + x) / 2) + math.log((1 + x2) / 2) - 2 * math.atan(x) + math.pi / 2
    assert sl.calc_psi_m_unstable(-1.0) == pytest.approx(expect_m, rel=TOL)
    assert sl.calc_psi_m_unstable(-1.0) == pytest.approx(1.1162320, abs=1e-6)
    assert sl.calc_psi_h_unstable(-1.0) == pytest.approx(2 * math.log((1 + x2) / 2), rel=TOL)
    assert sl.calc_psi_h_unstable(-1.0) == pytest.approx(1.8812269, abs=1e-6)
    assert sl.calc_psi_m_unstable(0.0) == pytest.approx(0.0, abs=1e-15)
    assert sl.calc_psi_h_unstable(0.0) == 0.0


# z = 30 m above d, z0m = 0.05 m, z0h = 0.01 m; L chosen to land in every branch of both profiles
BRANCHES = [
    ("very unstable (ζ = −3)", -10.0),
    ("unstable, very unstable heat (ζ = −0.75)", -40.0),
    ("unstable (ζ = −0.3)", -100.0),
    ("stable (ζ = 0.6)", 50.0),
    ("very stable (ζ = 3)", 10.0),
]


@pytest.mark.reference
@pytest.mark.parametrize("name,L", BRANCHES)
def test_profiles_all_branches(name, L):
    assert sl.calc_profile_momentum(30.0, L, 0.05) == pytest.approx(fm(30.0, L, 0.05), rel=TOL)
    assert sl.calc_profile_scalar(30.0, L, 0.01) == pytest.approx(fh(30.0, L, 0.01), rel=TOL)


@pytest.mark.reference
def test_profile_stable_written_out():
    """ζ = 0.6: F_m = ln(600) + 3 − 5·0.05/50 = 9.391754...; F_h = ln(3000) + 3 − 0.001."""
    assert sl.calc_profile_momentum(30.0, 50.0, 0.05) == pytest.approx(math.log(600.0) + 3.0 - 0.005, rel=TOL)
    assert sl.calc_profile_scalar(30.0, 50.0, 0.01) == pytest.approx(math.log(3000.0) + 3.0 - 0.001, rel=TOL)


@pytest.mark.reference
def test_profile_very_stable_written_out():
    """ζ = 3 (L = 10): F = ln(L/z0) + 5 − 5 z0/L + 5 ln 3 + 3 − 1."""
    assert sl.calc_profile_momentum(30.0, 10.0, 0.05) == pytest.approx(
        math.log(200.0) + 5.0 - 0.025 + 5.0 * math.log(3.0) + 2.0, rel=TOL)


@pytest.mark.reference
@pytest.mark.parametrize("L", [1.0e12, -1.0e12])
def test_neutral_log_law_limit(L):
    """|L| → ∞: u* = k u/ln(z/z0m) and temp1 = k/ln(z/z0h) (the log law)."""
    ustar, t1, t2, t12, t22 = sl.calc_friction_velocity_mo(5.0, L, 30.0, 30.0, 30.0, 0.05, 0.01, 0.01)
    assert ustar == pytest.approx(0.4 * 5.0 / math.log(600.0), rel=1e-9)
    assert t1 == pytest.approx(0.4 / math.log(3000.0), rel=1e-9)
    assert t2 == t1
    assert t12 == pytest.approx(0.4 / math.log(2.01 / 0.01), rel=1e-9)
    assert t22 == t12


@pytest.mark.reference
@pytest.mark.parametrize("name,L", BRANCHES)
def test_friction_velocity_stable_neutral_unstable(name, L):
    um = 4.0
    ustar, t1, t2, t12, t22 = sl.calc_friction_velocity_mo(um, L, 30.0, 28.0, 26.0, 0.05, 0.01, 0.02)
    assert ustar == pytest.approx(0.4 * um / fm(30.0, L, 0.05), rel=TOL)
    assert t1 == pytest.approx(0.4 / fh(28.0, L, 0.01), rel=TOL)
    assert t2 == pytest.approx(0.4 / fh(26.0, L, 0.02), rel=TOL)
    assert t12 == pytest.approx(0.4 / fh(2.01, L, 0.01), rel=TOL)
    assert t22 == pytest.approx(0.4 / fh(2.02, L, 0.02), rel=TOL)


@pytest.mark.reference
def test_friction_velocity_ordering_with_stability():
    """At one wind speed u* is largest when unstable and smallest when very stable (L = −10 … +10 m)."""
    us = [sl.calc_friction_velocity_mo(4.0, L, 30.0, 30.0, 30.0, 0.05, 0.01, 0.01)[0] for _, L in BRANCHES]
    # order in BRANCHES: ζ = −3, −0.75, −0.3, 0.6, 3
    assert us == sorted(us, reverse=True)
    neutral = 0.4 * 4.0 / math.log(600.0)
    assert us[2] > neutral > us[3]


@pytest.mark.reference
def test_aerodynamic_resistances_hand():
    ram, rah, raw = sl.calc_aerodynamic_resistances(0.25, 3.0, 0.04, 0.05)
    assert ram == pytest.approx(3.0 / 0.0625, rel=TOL)
    assert rah == pytest.approx(100.0, rel=TOL)
    assert raw == pytest.approx(80.0, rel=TOL)


# ---------------------------------------------------------------- Obukhov length
@pytest.mark.reference
def test_monin_obukhov_ini_unstable():
    """Δθ_v = −2 K, u = 3: u_m = √9.25, Ri = g·30·(−2)/(280 u_m²), ζ = Ri ln(3000)."""
    um = math.sqrt(9.0 + 0.25)
    rib = G * 30.0 * (-2.0) / (280.0 * um * um)
    zeta = max(-100.0, min(rib * math.log(3000.0), -0.01))
    got_um, got_L = sl.calc_obukhov_length_init(3.0, 280.0, -2.0, 30.0, 0.01)
    assert got_um == pytest.approx(um, rel=TOL)
    assert got_L == pytest.approx(30.0 / zeta, rel=TOL)


@pytest.mark.reference
def test_monin_obukhov_ini_stable_and_caps():
    """Stable: ζ = Ri ln(z/z0)/(1 − 5 min(Ri, 0.19)) capped at zetamaxstable = 0.5; weak: floored at 0.01."""
    rib = G * 30.0 * 0.2 / (280.0 * 25.0)
    zeta = rib * math.log(3000.0) / (1.0 - 5.0 * rib)
    assert 0.01 < zeta < 0.5
    um, L = sl.calc_obukhov_length_init(5.0, 280.0, 0.2, 30.0, 0.01)
    assert um == 5.0 and L == pytest.approx(30.0 / zeta, rel=TOL)
    assert sl.calc_obukhov_length_init(1.0, 280.0, 5.0, 30.0, 0.01)[1] == pytest.approx(30.0 / 0.5, rel=TOL)
    assert sl.calc_obukhov_length_init(5.0, 280.0, 0.0, 30.0, 0.01)[1] == pytest.approx(30.0 / 0.01, rel=TOL)
    assert sl.calc_obukhov_length_init(1.0, 280.0, -50.0, 30.0, 0.01)[1] == pytest.approx(-0.3, rel=TOL)


@pytest.mark.reference
@pytest.mark.parametrize("dth,dqh", [(-2.0, -0.001), (1.5, 0.0005), (0.0, 0.0)])
def test_obukhov_update_hand(dth, dqh):
    args = (0.3, 0.05, 0.045, dth, dqh, 0.005, 281.0, 281.857, 30.0, 3.0)
    exp_L, exp_um, exp_ts, exp_qs = stability_update(*args)
    L, um, ts, qs, zeta = sl.calc_obukhov_length_update(*args)
    assert L == pytest.approx(exp_L, rel=TOL)
    assert um == pytest.approx(exp_um, rel=TOL)
    assert ts == pytest.approx(exp_ts, rel=TOL) and qs == pytest.approx(exp_qs, rel=TOL)
    assert zeta == pytest.approx(30.0 / exp_L, rel=TOL)


@pytest.mark.reference
def test_surface_layer_step_composes_friction_velocity_and_update():
    args = (3.0, 3.2, -40.0, 30.0, 30.0, 30.0, 0.05, 0.01, 0.01, -1.0, -0.0008, 0.005, 281.0, 281.857)
    ustar, ts, qs, L, um, t1, t2, t12, t22 = sl.calc_surface_layer_step(*args)
    e_us = 0.4 * 3.2 / fm(30.0, -40.0, 0.05)
    e_t1 = 0.4 / fh(30.0, -40.0, 0.01)
    e_L, e_um, e_ts, e_qs = stability_update(e_us, e_t1, e_t1, -1.0, -0.0008, 0.005, 281.0, 281.857, 30.0, 3.0)
    assert (ustar, ts, qs, L, um) == pytest.approx((e_us, e_ts, e_qs, e_L, e_um), rel=1e-11)
    assert t12 == pytest.approx(0.4 / fh(2.01, -40.0, 0.01), rel=TOL) and t2 == t1 and t22 == t12


# ---------------------------------------------------------------- bare ground
def bare_ground_reference(wind, t, th, q, tg, qg, hu, ht, hq, z0m, niters):
    """BareGroundFluxes l.248-381 restated: MoninObukIni, then niters passes; returns u*, rah, raw, T2m."""
    ur = max(1.0, wind)
    thm = t + 0.0098 * ht
    thv = th * (1 + 0.61 * q)
    dth, dqh = thm - tg, q - qg
    dthv = dth * (1 + 0.61 * q) + 0.61 * th * dqh
    um = max(ur, 0.1) if dthv >= 0 else math.sqrt(ur * ur + 0.25)
    rib = G * hu * dthv / (thv * um * um)
    if rib >= 0:
        zeta = min(0.5, max(rib * math.log(hu / z0m) / (1 - 5 * min(rib, 0.19)), 0.01))
    else:
        zeta = max(-100.0, min(rib * math.log(hu / z0m), -0.01))
    L = hu / zeta
    z0h = z0m
    for _ in range(niters):
        ustar = 0.4 * um / fm(hu, L, z0m)
        t1 = 0.4 / fh(ht, L, z0h)
        t2 = 0.4 / fh(hq, L, z0h)
        t12 = 0.4 / fh(2.0 + z0h, L, z0h)
        z0h = z0m / math.exp(0.13 * (ustar * z0m / 1.5e-5) ** 0.45)
        L, um, _, _ = stability_update(ustar, t1, t2, dth, dqh, q, th, thv, hu, ur)
    return ustar, um / ustar ** 2, 1 / (t1 * ustar), 1 / (t2 * ustar), thm + t1 * dth * (1 / t12 - 1 / t1)


@pytest.mark.reference
@pytest.mark.parametrize("tg,qg,wind", [(290.0, 0.008, 2.0),   # daytime unstable
                                        (270.0, 0.002, 4.0),   # night-time stable
                                        (280.294, 0.004, 6.0)])  # θ_m = T_g: weakly stable floor ζ = 0.01
def test_bare_ground_three_passes(tg, qg, wind):
    h = 30.0 + 0.01
    got = sl.calc_bare_ground_surface_layer(wind, 280.0, 281.0, 0.004, tg, qg, h, h, h, 0.01, 3)
    ustar, ram, rah, raw, t2m = bare_ground_reference(wind, 280.0, 281.0, 0.004, tg, qg, h, h, h, 0.01, 3)
    assert got[0] == pytest.approx(ustar, rel=1e-11)
    assert got[1:4] == pytest.approx((ram, rah, raw), rel=1e-11)
    assert got[6] == pytest.approx(t2m, rel=1e-12)


@pytest.mark.reference
def test_bare_ground_three_passes_against_converged_value():
    """CLM's fixed three passes are not converged in strong daytime instability (T_g − θ_m ≈ 10 K, 2 m s-1):
    u* is 3 % and r_ah 5 % off the fixed point reached after ~8 passes; at night (stable, ζ capped at 0.5)
    three passes are already converged."""
    h = 30.01
    three = sl.calc_bare_ground_surface_layer(2.0, 280.0, 281.0, 0.004, 290.0, 0.008, h, h, h, 0.01, 3)
    many = sl.calc_bare_ground_surface_layer(2.0, 280.0, 281.0, 0.004, 290.0, 0.008, h, h, h, 0.01, 50)
    more = sl.calc_bare_ground_surface_layer(2.0, 280.0, 281.0, 0.004, 290.0, 0.008, h, h, h, 0.01, 51)
    assert more[0] == pytest.approx(many[0], rel=1e-9)      # the iteration has a fixed point
    assert three[0] == pytest.approx(many[0], rel=0.04)
    assert three[0] != pytest.approx(many[0], rel=0.02)
    assert three[2] == pytest.approx(many[2], rel=0.06)
    night3 = sl.calc_bare_ground_surface_layer(4.0, 280.0, 281.0, 0.004, 270.0, 0.002, h, h, h, 0.01, 3)
    night50 = sl.calc_bare_ground_surface_layer(4.0, 280.0, 281.0, 0.004, 270.0, 0.002, h, h, h, 0.01, 50)
    assert night3[:4] == pytest.approx(night50[:4], rel=1e-9)


@pytest.mark.reference
def test_zeng_wang_z0h_and_t2m():
    assert sl.calc_z0h_zeng_wang(0.01, 0.3) == pytest.approx(0.01 / math.exp(0.13 * 200.0 ** 0.45), rel=TOL)
    assert sl.calc_t_ref2m(285.0, 0.0, 0.05, 0.07) == 285.0
    assert sl.calc_t_ref2m(285.0, -3.0, 0.05, 0.08) == pytest.approx(285.0 - 0.15 * (12.5 - 20.0), rel=TOL)
    assert sl.calc_q_ref2m(0.005, -0.001, 0.05, 0.08) == pytest.approx(0.005 - 0.00005 * (12.5 - 20.0), rel=TOL)
    assert sl.calc_thm(280.0, 40.0) == pytest.approx(280.392, rel=TOL)
    assert sl.calc_virtual_potential_temperature(281.0, 0.005) == pytest.approx(281.0 * 1.00305, rel=TOL)
    assert sl.calc_forcing_height_patch(30.0, 0.1, 1.0) == pytest.approx(31.1, rel=TOL)


# ---------------------------------------------------------------- canopy pieces
@pytest.mark.reference
def test_sparse_canopy_roughness():
    """L+S = 0.6: egvf = (1 − e^−0.6)/(1 − e^−2); dense (L+S ≥ 2): unchanged."""
    e = (1 - math.exp(-0.6)) / (1 - math.exp(-2.0))
    z0, d = sl.calc_canopy_roughness_sparse(0.5, 0.1, 0.06, 0.33, 0.01)
    assert z0 == pytest.approx(0.06 ** e * 0.01 ** (1 - e), rel=1e-12)
    assert d == pytest.approx(0.33 * e, rel=TOL)
    z0, d = sl.calc_canopy_roughness_sparse(3.0, 1.0, 0.06, 0.33, 0.01)
    assert z0 == pytest.approx(0.06, rel=1e-12) and d == pytest.approx(0.33, rel=TOL)


@pytest.mark.reference
def test_canopy_air_wind_is_ustar_and_leaf_boundary_layer():
    """u_af = u_m √(1/(r_am u_m)) = u*; r_b = 1/(c_f u_af), c_f = 0.01/(√u_af √d_leaf) (CF l.786-797)."""
    ustar, um = 0.27, 3.5
    uaf = sl.calc_canopy_air_wind(um, um / ustar ** 2)
    assert uaf == pytest.approx(ustar, rel=1e-12)
    cf = 0.01 / (math.sqrt(uaf) * math.sqrt(0.04))
    rb, _ = calc_leaf_boundary_conductance(uaf, 0.04, 280.0, 60000.0)
    assert rb == pytest.approx(1.0 / (cf * uaf), rel=1e-12)
    assert rb == pytest.approx(100.0 * math.sqrt(0.04 / 0.27), rel=1e-12)


@pytest.mark.reference
def test_undercanopy_resistance_limits_and_blend():
    uaf, z0mg = 0.3, 0.01
    csoilb = 0.4 / (0.13 * (z0mg * uaf / 1.5e-5) ** 0.45)
    # bare: W = 1
    r, cs = sl.calc_undercanopy_resistance(uaf, z0mg, 0.0, 0.0, 0.5, 280.0, 281.0, False)
    assert cs == pytest.approx(csoilb, rel=TOL) and r == pytest.approx(1 / (csoilb * uaf), rel=TOL)
    # dense: W → 0 gives csoilc = 0.004
    r, cs = sl.calc_undercanopy_resistance(uaf, z0mg, 30.0, 5.0, 20.0, 280.0, 281.0, False)
    assert cs == pytest.approx(0.004, rel=1e-12)
    # L + S = 2.5
    w = math.exp(-2.5)
    r, cs = sl.calc_undercanopy_resistance(uaf, z0mg, 2.0, 0.5, 0.5, 280.0, 281.0, False)
    assert cs == pytest.approx(csoilb * w + 0.004 * (1 - w), rel=TOL)
    assert r == pytest.approx(1 / ((csoilb * w + 0.004 * (1 - w)) * uaf), rel=TOL)


@pytest.mark.reference
def test_undercanopy_stability_option():
    """Sakaguchi & Zeng: T_af > T_g → csoilc/(1 + 0.5 min(S, 10)), S = g h (T_af − T_g)/(T_af u_af²)."""
    uaf, w = 0.2, math.exp(-3.0)
    s = G * 10.0 * 2.0 / (282.0 * uaf * uaf)
    csoilb = 0.4 / (0.13 * (0.01 * uaf / 1.5e-5) ** 0.45)
    ric = 0.004 / (1 + 0.5 * min(s, 10.0))
    _, cs = sl.calc_undercanopy_resistance(uaf, 0.01, 2.5, 0.5, 10.0, 282.0, 280.0, True)
    assert cs == pytest.approx(csoilb * w + ric * (1 - w), rel=TOL)
    # unstable under-canopy air, or option off: plain csoilc
    _, cs_off = sl.calc_undercanopy_resistance(uaf, 0.01, 2.5, 0.5, 10.0, 282.0, 280.0, False)
    _, cs_uns = sl.calc_undercanopy_resistance(uaf, 0.01, 2.5, 0.5, 10.0, 280.0, 282.0, True)
    assert cs_off == pytest.approx(csoilb * w + 0.004 * (1 - w), rel=TOL) and cs_uns == cs_off


@pytest.mark.reference
def test_litter_and_ground_vapour_conductance():
    assert sl.calc_litter_resistance(0.0, 0.3) == pytest.approx((1 - math.exp(-0.5)) / (0.004 * 0.3), rel=TOL)
    assert sl.calc_litter_resistance(0.025, 0.3) == pytest.approx((1 - math.exp(-0.25)) / 0.0012, rel=TOL)
    assert sl.calc_litter_resistance(0.2, 0.3) == 0.0
    # dew (delq < 0): 1/(raw' + rdl); DSL: 1/(raw' + rsoil); beta: beta/(raw' + rdl)
    assert sl.calc_ground_vapour_conductance(500.0, 300.0, 100.0, 0.5, -1e-4, True) == pytest.approx(1 / 800.0)
    assert sl.calc_ground_vapour_conductance(500.0, 300.0, 100.0, 0.5, 1e-4, True) == pytest.approx(1 / 600.0)
    assert sl.calc_ground_vapour_conductance(500.0, 300.0, 100.0, 0.5, 1e-4, False) == pytest.approx(0.5 / 800.0)


@pytest.mark.reference
def test_wet_dry_fractions_and_rppdry():
    """f_wet = (W/(0.1(L+S)))^0.666666666666 ≤ f_max; f_dry = (1 − f_wet) L/(L+S)."""
    fwet, fdry = sl.calc_canopy_wet_dry_fractions(0.01, 2.0, 0.5, 0.1, 1.0)
    assert fwet == pytest.approx(0.04 ** 0.666666666666, rel=TOL)
    assert fdry == pytest.approx((1 - 0.04 ** 0.666666666666) * 0.8, rel=TOL)
    assert sl.calc_canopy_wet_dry_fractions(0.01, 2.0, 0.5, 0.1, 0.05) == pytest.approx((0.05, 0.95 * 0.8))
    assert sl.calc_canopy_wet_dry_fractions(0.0, 2.0, 0.5, 0.1, 0.05) == (0.0, 0.8)
    r = sl.calc_rppdry(0.8, 20.0, 1.0, 2.0, 200.0, 400.0, 3.0)
    assert r == pytest.approx(0.8 * 20.0 * (1 / 220.0 + 2 / 420.0) / 3.0, rel=TOL)
    assert sl.calc_rppdry(0.0, 20.0, 1.0, 2.0, 200.0, 400.0, 3.0) == 0.0


@pytest.mark.reference
def test_leaf_evaporation_fraction_branches():
    """CF l.936-952 without plant hydraulics, l.922-935 with it."""
    f = sl.calc_leaf_evaporation_fraction
    assert f(1e-4, 0.05, 0.02, 0.8, 0.1, 1800.0, 0.0, False) == pytest.approx((0.07, 5e-6), rel=TOL)
    # canopy water limit: (E_tr + W/Δt)/E_pot = (5e-6 + 0)/1e-4 = 0.05 < 0.07
    assert f(1e-4, 0.05, 0.02, 0.8, 0.0, 1800.0, 0.0, False) == pytest.approx((0.05, 5e-6), rel=TOL)
    assert f(1e-4, 0.05, 0.02, 0.0, 0.1, 1800.0, 0.0, False) == pytest.approx((0.02, 0.0))
    assert f(-1e-5, 0.05, 0.02, 0.8, 0.1, 1800.0, 0.0, False) == (1.0, 0.0)
    assert f(1e-4, 0.05, 0.02, 0.8, 0.0, 1800.0, 3e-6, True) == pytest.approx((0.03, 3e-6), rel=TOL)


@pytest.mark.reference
def test_canopy_air_state_hand():
    wta, wtl, wtg = 0.02, 0.1, 0.002
    wtaq, wtlq, wtgq = 0.02, 0.01, 0.001
    s, sq = wta + wtl + wtg, wtaq + wtlq + wtgq
    taf = (wtg * 280.0 + wta * 278.0 + wtl * 279.0) / s
    qaf = (wtlq * 0.006 + wtgq * 0.005 + wtaq * 0.004) / sq
    got = sl.calc_canopy_air_state(280.0, 278.0, 279.0, 0.006, 0.005, 0.004, wta, wtl, wtg, wtaq, wtlq, wtgq)
    assert got[0] == pytest.approx(taf, rel=TOL) and got[1] == pytest.approx(qaf, rel=TOL)
    assert got[2] == pytest.approx(278.0 - taf, rel=1e-9) and got[3] == pytest.approx(0.004 - qaf, rel=1e-9)
    assert got[4] == pytest.approx(0.005 - qaf, rel=1e-9)


@pytest.mark.reference
def test_longwave_coefficients_and_emissivity():
    emv = 1 - math.exp(-2.5)
    assert sl.calc_vegetation_emissivity(2.0, 0.5) == pytest.approx(emv, rel=TOL)
    air, bir, cir = sl.calc_canopy_longwave_coefficients(emv, 0.96, 300.0)
    assert air == pytest.approx(emv * (1 + (1 - emv) * 0.04) * 300.0, rel=TOL)
    assert bir == pytest.approx(-(2 - emv * 0.04) * emv * SB, rel=TOL)
    assert cir == pytest.approx(emv * 0.96 * SB, rel=TOL)
    # full canopy over a black ground at the air's radiative temperature: absorbs L↓ + σTg⁴ − 2σTv⁴
    air, bir, cir = sl.calc_canopy_longwave_coefficients(1.0, 1.0, 300.0)
    assert air + bir * 280.0 ** 4 + cir * 275.0 ** 4 == pytest.approx(300.0 + SB * (275.0 ** 4 - 2 * 280.0 ** 4))
    dl, ul = sl.calc_canopy_longwave_fluxes(300.0, emv, 0.96, 280.0, 0.5, 282.0 ** 4)
    lv = SB * 280.0 ** 3 * (280.0 + 2.0)
    assert dl == pytest.approx((1 - emv) * 0.96 * 300.0 + emv * 0.96 * lv, rel=TOL)
    assert ul == pytest.approx(0.04 * (1 - emv) ** 2 * 300.0 + emv * (1 + 0.04 * (1 - emv)) * lv
                               + 0.96 * (1 - emv) * SB * 282.0 ** 4, rel=TOL)


def leaf_step_reference(tv, qs, dqs, sabv, air, bir, cir, lw4, rho, wta, wtl, wtg, wtaq, wtlq, wtgq, thm, tg, qg, q,
                        efeb, rpp, rppdry, btran, h2ocan, dt):
    """CanopyFluxes l.992-1063 restated (no plant hydraulics)."""
    s, sq = wta + wtl + wtg, wtaq + wtlq + wtgq
    wtga, wtg0, wta0 = (wta + wtg) / s, wtg / s, wta / s
    wtgaq, wtgq0, wtaq0 = (wtaq + wtgq) / sq, wtgq / sq, wtaq / sq
    dc1, dc2 = rho * CP * wtl, LV * rho * wtlq
    efsh = dc1 * (wtga * tv - wtg0 * tg - wta0 * thm)
    efe = dc2 * (wtgaq * qs - wtgq0 * qg - wtaq0 * q)
    erre = 0.0
    if efe * efeb < 0:
        erre = -0.9 * efe
        efe = 0.1 * efe
    dtv = (sabv + air + bir * tv ** 4 + cir * lw4 - efsh - efe) / (-4 * bir * tv ** 3 + dc1 * wtga + dc2 * wtgaq * dqs)
    d = abs(dtv)
    err = 0.0
    if d > 1.0:
        dtv = dtv / d
        err = (sabv + air + bir * tv ** 3 * (tv + 4 * dtv) + cir * lw4 - (efsh + dc1 * wtga * dtv)
               - (efe + dc2 * wtgaq * dqs * dtv))
    efpot = rho * wtl * (wtgaq * (qs + dqs * dtv) - wtgq0 * qg - wtaq0 * q)
    tran = efpot * rppdry if (efpot > 0 and btran > 0) else 0.0
    ev = rpp * efpot
    ecidif = max(0.0, ev - tran - h2ocan / dt)
    ev = min(ev, tran + h2ocan / dt)
    sh = efsh + dc1 * wtga * dtv + err + erre + LV * ecidif
    return dtv, d, sh, ev, tran, efe


LEAF_CASES = {
    # tv, qsat, dqsat/dT, sabv, LW coefficients (ε_v = 0.9, ε_g = 0.96, L↓ = 300), Σf T⁴, ρ, conductances,
    # θ_m, T_g, q_g, q, efeb, r'', r''_dry, β_t, W_can, Δt
    "small step": (284.0, 0.0099, 6.4e-4, 150.0, 271.08, -1.00223e-07, 4.8989e-08, 283.0 ** 4, 1.2,
                   0.03, 0.25, 0.004, 0.03, 0.012, 0.001, 283.5, 283.0, 0.007, 0.006, 0.0, 0.048, 0.048, 1.0,
                   0.0, 1800.0),
    "limited step": (275.0, 0.0055, 4.0e-4, 400.0, 271.08, -1.00223e-07, 4.8989e-08, 283.0 ** 4, 1.2,
                     0.03, 0.25, 0.004, 0.03, 0.012, 0.001, 283.5, 283.0, 0.007, 0.006, 0.0, 0.048, 0.048, 1.0,
                     0.0, 1800.0),
    "dew, damped sign change": (280.0, 0.0062, 4.3e-4, 0.0, 271.08, -1.00223e-07, 4.8989e-08, 279.0 ** 4,
                                1.25, 0.03, 0.25, 0.004, 0.03, 0.25, 0.001, 281.0, 279.0, 0.005, 0.0075, 5.0,
                                1.0, 0.0, 1.0, 0.0, 1800.0),
    "wet canopy, interception limit": (290.0, 0.0135, 8.4e-4, 300.0, 271.08, -1.00223e-07, 4.8989e-08,
                                       290.0 ** 4, 1.15, 0.03, 0.25, 0.004, 0.03, 0.06, 0.001, 289.0, 290.0,
                                       0.009, 0.006, 0.0, 0.24, 0.04, 1.0, 0.01, 1800.0),
}


@pytest.mark.reference
@pytest.mark.parametrize("case", list(LEAF_CASES))
def test_leaf_temperature_step_hand(case):
    a = LEAF_CASES[case]
    exp = leaf_step_reference(*a)
    got = sl.calc_leaf_temperature_step(*a[:24], a[24], 0.0, False)
    assert got[0] == pytest.approx(exp[0], rel=1e-11)
    assert got[1] == pytest.approx(exp[1], rel=1e-11)
    assert got[2:6] == pytest.approx(exp[2:6], rel=1e-10, abs=1e-14)
    if case == "limited step":
        assert got[1] > 1.0 and got[0] == pytest.approx(1.0, rel=TOL)
    if case == "dew, damped sign change":
        assert got[5] < 0.0 and got[3] < 0.0 and got[4] == 0.0


@pytest.mark.reference
@pytest.mark.parametrize("case", list(LEAF_CASES))
def test_leaf_step_closes_leaf_energy_balance(case):
    """S_v + L_v − H_v − λE_v = 0 for the returned fluxes, in every branch (CF's post-loop ``err`` check)."""
    a = LEAF_CASES[case]
    dtv, _, sh, ev, _, _, lwnet, _ = sl.calc_leaf_temperature_step(*a, 0.0, False)
    assert a[3] + lwnet - sh - LV * ev == pytest.approx(0.0, abs=1e-9)


@pytest.mark.reference
def test_leaf_newton_denominator_is_the_derivative():
    """Denominator = −df/dT of f(T) = S + a + bT⁴ + cΣ − H(T) − λE(T) (q_sat linear in T): one step solves f = 0
    to second order, and iterating the kernel converges to the root."""
    a = list(LEAF_CASES["small step"])
    q0, dq, t0 = a[1], a[2], a[0]

    def f(t):
        r = sl.calc_leaf_temperature_step(t, q0 + dq * (t - t0), dq, *a[3:], 0.0, False)
        return r
    t = t0
    for _ in range(6):
        dt = f(t)[0]
        t += dt
    assert abs(f(t)[0]) < 1e-10
    assert abs(f(t0)[0]) < 1.0 and abs(t - (t0 + f(t0)[0])) < 1e-3


@pytest.mark.reference
def test_ground_fluxes_under_canopy_hand_and_sum_rule():
    wta, wtl, wtg, wtaq, wtlq, wtgq = 0.02, 0.1, 0.002, 0.02, 0.01, 0.001
    tg, tv, thm, qg, qs, q, rho = 280.0, 279.0, 278.0, 0.0065, 0.006, 0.004, 1.2
    hg, eg, cgs, cgl = sl.calc_ground_fluxes_under_canopy(tg, tv, thm, qg, qs, q, 3e-4, rho, wta, wtl, wtg, wtaq,
                                                          wtlq, wtgq)
    taf, qaf, _, _, _ = sl.calc_canopy_air_state(tg, thm, tv, qs, qg, q, wta, wtl, wtg, wtaq, wtlq, wtgq)
    assert hg == pytest.approx(rho * CP * wtg * (tg - taf), rel=1e-9)
    assert eg == pytest.approx(rho * wtgq * (qg - qaf), rel=1e-9)
    assert cgs == pytest.approx(rho * CP * wtg * (wta + wtl) / (wta + wtl + wtg), rel=TOL)
    assert cgl == pytest.approx(rho * wtgq * (wtaq + wtlq) / (wtaq + wtlq + wtgq) * 3e-4, rel=TOL)
    # H_air = H_leaf + H_ground (T_af is the conductance-weighted mean)
    h_leaf = rho * CP * wtl * (tv - taf)
    assert rho * CP * wta * (taf - thm) == pytest.approx(h_leaf + hg, rel=1e-10)


@pytest.mark.reference
def test_convergence_test_and_sign_guard():
    conv = sl.calc_leaf_iteration_converged
    assert conv(2, 0.0, 0.0, 5.0, 5.0) == (False, 5.0)          # itlef ≤ itmin: no test, efeb kept
    assert conv(3, 0.009, 0.0099, 50.0, 50.09) == (True, 50.0)
    assert conv(3, 0.009, 0.011, 50.0, 50.0) == (False, 50.0)    # previous step too large
    assert conv(3, 0.001, 0.001, 50.0, 50.2) == (False, 50.0)    # latent flux still moving
    guard = sl.calc_obukhov_sign_guard
    assert guard(50.0, -40.0, 0, 30.0) == (50.0, 1)
    assert guard(50.0, 40.0, 3, 30.0) == (50.0, 3)
    assert guard(50.0, -40.0, 3, 30.0) == pytest.approx((-3000.0, 4))
    assert guard(-20.0, 0.0, 0, 30.0) == (-20.0, 0)                # first pass: obuold = 0


# ---------------------------------------------------------------- DSL soil resistance
def dsl_reference(liq, ice, dz, ws, psis, b, t):
    th = max(liq, 1e-6) / (dz * 1000.0)
    effpor = max(0.01, ws - min(ws, ice / (dz * 917.0)))
    aird = ws * (psis / 1e7) ** (1 / b)
    d0 = 2.12e-5 * (t / 273.15) ** 1.75
    eps = ws - aird
    dg = eps * d0 * (eps / ws) ** (3 / max(3, b))
    dsl = min(max(15 * max(0.001, 0.8 * effpor - th) / max(0.001, 0.8 * ws - aird), 0.0), 200.0)
    return dsl, min(1e6, dsl / (dg * eps * 1e3) + 20)


@pytest.mark.reference
@pytest.mark.parametrize("liq", [7.2, 4.0, 1.0])       # θ_liq = 0.36 (wet), 0.20, 0.05 (dry) in a 2 cm layer
def test_dsl_three_wetness_levels(liq):
    args = (liq, 0.0, 0.02, 0.45, 200.0, 6.0, 290.0)
    assert sl.calc_soil_resistance_dsl(*args) == pytest.approx(dsl_reference(*args), rel=1e-12)


@pytest.mark.reference
def test_dsl_limits_written_out():
    """At θ_liq ≥ 0.8 θ_sat the DSL is 15 × 0.001/(0.8θ_s − θ_air) mm and r = 20 + 19 s m-1 here; with ice the
    effective porosity falls, so at equal liquid water the dry layer is thinner (as CLM writes it)."""
    ws, psis, b = 0.45, 200.0, 6.0
    aird = ws * (psis / 1e7) ** (1 / b)
    dsl, r = sl.calc_soil_resistance_dsl(7.2, 0.0, 0.02, ws, psis, b, 273.15)
    assert dsl == pytest.approx(0.015 / (0.36 - aird), rel=1e-12)
    eps = ws - aird
    assert r == pytest.approx(dsl / (eps * 2.12e-5 * (eps / ws) ** 0.5 * eps * 1e3) + 20, rel=1e-12)
    assert 20.0 < r < 40.0
    _, r_ice = sl.calc_soil_resistance_dsl(1.0, 3.0, 0.02, ws, psis, b, 273.15)
    _, r_noice = sl.calc_soil_resistance_dsl(1.0, 0.0, 0.02, ws, psis, b, 273.15)
    assert r_ice < r_noice            # ice lowers θ_eff, so the dry layer is thinner at equal liquid


# ---------------------------------------------------------------- the assembled leaf-temperature iteration
def canopy_case(sabv, tg, lw, wind, t_veg0=284.0, btran=0.9, fwet=0.0, h2ocan=0.0):
    return (wind, 283.0, 284.0, 0.006, 85000.0, 1.04, lw, 30.0, 30.0, 30.0, 2.0, 0.5, 0.5, 0.12, 0.68, 0.04, tg,
            0.0075, 4.5e-4, 0.01, 0.96, tg ** 4, 150.0, 0.0, sabv, t_veg0, fwet, (1 - fwet) * 0.8, h2ocan, btran,
            0.8, 1.2, 150.0, 400.0, 1800.0)


CANOPY_CASES = {"day": (250.0, 285.0, 300.0, 3.0), "night": (0.0, 278.0, 250.0, 1.0),
                "hot calm": (500.0, 295.0, 330.0, 0.5)}


@pytest.mark.reference
@pytest.mark.parametrize("case", list(CANOPY_CASES))
def test_canopy_iteration_converges_and_closes(case):
    """CLM's loop (≥ 3, ≤ 41 passes) converges; the post-loop leaf energy error ``err`` is ~0; restarting from
    the converged T_v reproduces it within the convergence tolerance."""
    r = sl.calc_canopy_fluxes_fixed_rs(*canopy_case(*CANOPY_CASES[case]))
    tv, sh, ev, tran, hg, eg, taf, qaf, ustar, obu, t2m, n, err = r
    assert 3 <= n <= 41
    assert abs(err) < 1e-6
    again = sl.calc_canopy_fluxes_fixed_rs(*canopy_case(*CANOPY_CASES[case], t_veg0=tv))
    assert again[0] == pytest.approx(tv, abs=0.02)   # (T_af, q_af and L restart from CLM's first guesses)
    assert 0.0 <= tran <= max(ev, 0.0) + 1e-15
    if case == "night":
        assert tv < 283.0 and sh < 0.0           # radiative cooling below the air, heat from the air
    else:
        assert tv > 283.0 and sh > 0.0


@pytest.mark.reference
def test_canopy_iteration_no_transpiration_without_soil_water():
    r = sl.calc_canopy_fluxes_fixed_rs(*canopy_case(*CANOPY_CASES["day"], btran=0.0))
    dry = sl.calc_canopy_fluxes_fixed_rs(*canopy_case(*CANOPY_CASES["day"]))
    assert r[3] == 0.0 and r[2] == 0.0
    assert r[0] > dry[0]                          # no latent cooling: warmer leaves
