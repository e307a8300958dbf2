"""Photosynthesis kernels against float64 values computed here from the spec's equations.

Reference: clm5_spec.md §1.2-§1.9 (CTSM release-clm5.0 ``PhotosynthesisMod.F90``). The
independent implementations below are written from the equations, not from the kernels,
and the CLM-style iterative c_i solution is used to bound the closed-form Medlyn departure.
"""

import math

import numpy as np
import pytest

from tpcarbon.physics import photosynthesis as ps

R = 8.31447
TREF = 298.15


def arrhenius(t, ha):
    return math.exp(ha / (R * TREF) * (1 - TREF / t))


def high_t(t, hd, s):
    return (1 + math.exp((-hd + s * TREF) / (R * TREF))) / (1 + math.exp((-hd + s * t) / (R * t)))


def smaller_root(a, b, c):
    d = b * b - 4 * a * c
    r1 = (-b - math.sqrt(d)) / (2 * a)
    r2 = (-b + math.sqrt(d)) / (2 * a)
    return min(r1, r2)


def c3_gross(vcmax, jmax, tpu, kc, ko, gam, oi, ci, par):
    ac = vcmax * max(ci - gam, 0) / (ci + kc * (1 + oi / ko))
    i = 0.5 * (1 - 0.15) * 4.6 * par
    j = smaller_root(0.7, -(i + jmax), i * jmax)
    aj = j * max(ci - gam, 0) / (4 * ci + 8 * gam)
    ap = 3 * tpu
    ai = smaller_root(0.98, -(ac + aj), ac * aj)
    return max(smaller_root(0.95, -(ai + ap), ai * ap), 0.0)


@pytest.mark.reference
def test_c3_assimilation_at_25c_and_given_ci():
    """C3 gross assimilation at 25 °C, c_i = 28 Pa, P = 100 kPa (Kc, Ko, Γ* at their 25 °C values)."""
    p = 100000.0
    kc, ko, gam = 404.9e-6 * p, 278.4e-3 * p, 42.75e-6 * p
    oi = 0.209 * p
    args = (60.0, 2.59 * 60.0 - 0.035 * 25 * 60.0, 0.167 * 60.0, kc, ko, gam, oi, 28.0, 150.0)
    ac, aj, ap = ps.calc_c3_limits(*args)
    ag = ps.calc_colimitation(ac, aj, ap, 0.98, 0.95)
    assert ag == pytest.approx(c3_gross(*args), rel=1e-12)
    assert ac == pytest.approx(60.0 * (28.0 - gam) / (28.0 + kc * (1 + oi / ko)), rel=1e-12)


@pytest.mark.reference
@pytest.mark.parametrize("tk,t10", [(278.15, 280.0), (288.15, 285.0), (298.15, 298.15), (308.15, 300.0)])
def test_c3_temperature_functions(tk, t10):
    p = 60000.0
    t10c = min(max(t10 - 273.15, 11.0), 35.0)
    sv, sj = 668.39 - 1.07 * t10c, 659.70 - 0.75 * t10c
    got = ps.calc_c3_temperature_factors(tk, t10, p)
    want = (arrhenius(tk, 72000) * high_t(tk, 200000, sv), arrhenius(tk, 50000) * high_t(tk, 200000, sj),
            arrhenius(tk, 72000) * high_t(tk, 200000, sv), arrhenius(tk, 46390) * high_t(tk, 150650, 490),
            404.9e-6 * p * arrhenius(tk, 79430), 278.4e-3 * p * arrhenius(tk, 36380),
            42.75e-6 * p * arrhenius(tk, 37830))
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.reference
def test_high_temperature_factor_is_one_at_25c_and_declines_above_35c():
    assert ps.calc_high_temp_factor(298.15, 200000.0, 650.0) == pytest.approx(1.0, abs=1e-14)
    assert ps.calc_high_temp_factor(318.15, 200000.0, 650.0) < 0.7


@pytest.mark.reference
def test_c4_temperature_functions():
    t = 303.15
    q = 2 ** ((t - TREF) / 10)
    fv, fk, fr = ps.calc_c4_temperature_factors(t)
    assert fv == pytest.approx(q / ((1 + math.exp(0.2 * (288.15 - t))) * (1 + math.exp(0.3 * (t - 313.15)))))
    assert fk == pytest.approx(q)
    assert fr == pytest.approx(q / (1 + math.exp(1.3 * (t - 328.15))))


@pytest.mark.reference
def test_vcmax_and_atkin_rd_at_target_stoichiometry():
    """Spec §1.6 quotes V_cmax25 = 42.7 for C3 arctic grass at N_a = 1/(slatop·leafcn) = 0.887 g m-2."""
    na = 1.0 / (0.04024 * 28.0269)
    assert na == pytest.approx(0.887, abs=1e-3)
    assert ps.calc_vcmax25_top(6.42, 40.96, na, 1.0) == pytest.approx(42.7, abs=0.05)
    assert ps.calc_rd25_top_atkin(2.1956, na, 283.15) == pytest.approx(2.1956 + 0.2061 * na - 0.0402 * 10)
    assert ps.calc_rd25_top_atkin(2.1956, 0.0, 283.15) == 0.0


def clm_iterative_ci(vcmax, jmax, tpu, rd, kc, ko, gam, oi, ca, pres, g0, g1, vpd, gb, par):
    """CLM-style c_i solution (spec §1.9): Medlyn with g0 and the boundary layer, solved by bisection of
    f(ci) = ci - ca + A_n P (1.4 g_s + 1.6 g_b)/(g_b g_s), with g_s the larger root of the quadratic."""
    d_l = max(vpd, 50.0) / 1000.0

    def residual(ci):
        an = c3_gross(vcmax, jmax, tpu, kc, ko, gam, oi, ci, par) - rd
        cs = max(ca - 1.4 * an * pres / gb, 1e-6)
        if an <= 0:
            gs = g0
        else:
            d = 1.6 * an * 1e-6 / (cs / pres)
            b = -(2 * (g0 * 1e-6 + d) + (g1 * d) ** 2 / (gb * 1e-6 * d_l))
            c = (g0 * 1e-6) ** 2 + (2 * g0 * 1e-6 + d * (1 - g1 ** 2 / d_l)) * d
            gs = (-b + math.sqrt(b * b - 4 * c)) / 2 * 1e6
        return ci - ca + an * pres * (1.4 * gs + 1.6 * gb) / (gb * gs), an

    lo, hi = 1e-3, ca
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if residual(mid)[0] > 0:
            hi = mid
        else:
            lo = mid
    return residual(0.5 * (lo + hi))[1] + rd


@pytest.mark.reference
@pytest.mark.parametrize("par,vpd,g1", [(50.0, 500.0, 2.22), (200.0, 1000.0, 2.22), (400.0, 2000.0, 5.25),
                                        (300.0, 800.0, 2.35)])
def test_one_pass_medlyn_matches_converged_clm_solution(par, vpd, g1):
    """The named departure (closed-form start + one fixed-point pass) is within 0.05 % of CLM's converged c_i."""
    p = 60000.0
    kc, ko, gam = 404.9e-6 * p, 278.4e-3 * p, 42.75e-6 * p
    oi, ca = 0.209 * p, 400e-6 * p
    vc, jm, tp, rd = 40.0, 90.0, 0.167 * 40.0, 0.6
    gb = 1.0e6  # µmol m-2 s-1, ~ r_b of 40 s m-1 at plateau density
    ref = clm_iterative_ci(vc, jm, tp, rd, kc, ko, gam, oi, ca, p, 100.0, g1, vpd, gb, par)
    r = ps.calc_medlyn_ci(1.0, g1, vpd)
    ag, an, gs = ps.calc_leaf_c3(vc, jm, tp, rd, kc, ko, gam, oi, ca, p, r, 100.0, g1, vpd, gb, par, 0.98, 0.95)
    assert ag == pytest.approx(ref, rel=5e-4)
    # and the pure closed form (no pass) would be ~1 % off: the pass matters
    ag0 = c3_gross(vc, jm, tp, kc, ko, gam, oi, ca * r, par)
    assert abs(ag0 / ref - 1) > 5e-3


@pytest.mark.reference
def test_gs_quadratic_reduces_to_medlyn_closed_form_without_boundary_layer_and_g0():
    an, cs, p, g1, vpd = 10.0, 23.0, 60000.0, 2.22, 1000.0
    quad = ps.calc_medlyn_gs_quadratic(an, cs, p, 1e-9, g1, 1e15, vpd)
    assert quad == pytest.approx(1.6 * (1 + g1 / math.sqrt(vpd / 1000)) * an / (cs / p), rel=1e-6)


@pytest.mark.reference
def test_co2_fertilisation_through_partial_pressure():
    """More CO2 (ppm × pressure) gives more assimilation. Because CLM scales K_c, K_o, Γ* and c_a all with
    pressure (spec §1.2 TP note), the same mole fraction gives the same rate at 60 and 101 kPa."""
    def gross(ppm, p):
        kc, ko, gam = 404.9e-6 * p, 278.4e-3 * p, 42.75e-6 * p
        r = ps.calc_medlyn_ci(1.0, 2.22, 1000.0)
        return ps.calc_leaf_c3(40.0, 90.0, 6.7, 0.5, kc, ko, gam, 0.209 * p, ppm * 1e-6 * p, p, r, 100.0, 2.22,
                               1000.0, 1e6, 300.0, 0.98, 0.95)[0]
    assert gross(600.0, 60000.0) > gross(400.0, 60000.0) > gross(280.0, 60000.0)
    assert gross(400.0, 60000.0) == pytest.approx(gross(400.0, 101325.0), rel=1e-9)
