"""Property tests (hypothesis) of the physics kernels and of one month of the whole model.

Every test states the physical law it checks and the section of the CLM5 reference specification
(/work/shared/reference/clm5_spec.md) it comes from. Kernels are called the way the model composes them
(``model/canopy.py``, ``model/bgc.py``, ``model/step.py``), so the inputs drawn here are the inputs the model
can produce. Units are the kernels' canonical units (``tpcarbon.physics``).
"""

import functools
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tpcarbon.constants import DENH2O, DENICE, HFUS, O2_MOLAR, TFRZ
from tpcarbon.errors import ModelError
from tpcarbon.experiments.spinup import carbon_stocks
from tpcarbon.model.bgc import ad_factor, soil_bgc_day
from tpcarbon.model.columns import LAYER_DZ, LAYER_Z, LAYER_ZI
from tpcarbon.model.driver import LUNA_UNSET_SLOTS, Model, base_rates
from tpcarbon.model.state import A_IN_CWD, A_XI, NACC, NREC, REC_DIFF, REC_INC0, REC_LAM0, XSMRPOOL
from tpcarbon.params.fixed import (
    C4_KP_RATIO,
    C4_QUANTUM_EFF,
    F_NPS,
    GB_CO2_RATIO,
    GS_CO2_RATIO,
    GS_MIN_UMOL,
    PAR_UMOL_PER_J,
    RD_LIGHT_INHIBITION,
    SNOW_RHO_MAX,
    THETA_CJ_C3,
    THETA_CJ_C4,
    THETA_IP,
    TPU_RATIO,
    WATMIN_VOL,
)
from tpcarbon.params.pft import load_params
from tpcarbon.params.vertical import NLEVSOI
from tpcarbon.physics import photosynthesis as ps
from tpcarbon.physics import radiation as rad
from tpcarbon.physics import respiration as resp
from tpcarbon.physics import snow
from tpcarbon.physics import soil_bgc as bgc
from tpcarbon.physics import soil_thermal as thermal
from tpcarbon.physics import soil_water as sw
from tpcarbon.physics.atmosphere import calc_esat
from tpcarbon.testing.domains import small_domain
from tpcarbon.testing.forcing import synthetic_chunk

PARAMS = load_params()
SP = PARAMS.scalar
BASE_K = base_rates(PARAMS)
Q10_NORM = float(bgc.calc_q10_normalisation(SP.q10_mr))

#: CLM5 Medlyn intercept g_0 for every PFT (spec §1.9) [µmol m-2 s-1].
G0_CLM5 = 100.0
#: Characteristic leaf dimension d_leaf (spec §1.9) [m].
DLEAF = 0.04


def fin(lo, hi):
    """Finite floats in [lo, hi]."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def vec(lo, hi, n):
    """A float64 array of n finite floats in [lo, hi]."""
    return st.lists(fin(lo, hi), min_size=n, max_size=n).map(lambda v: np.array(v, dtype=np.float64))


# ============================================================================ photosynthesis (spec §1.2-§1.9)

@st.composite
def leaf_env(draw):
    """A leaf's environment and capacities, within the ranges the model meets (spec §1.1, §1.6, T-E)."""
    tk = draw(fin(253.0, 313.0))
    return {
        "tk": tk,
        "t10": draw(fin(253.0, 313.0)),
        "pres": draw(fin(50000.0, 101325.0)),
        "par": draw(fin(0.0, 2000.0)),             # absorbed PAR per leaf area [µmol m-2 s-1]
        "co2": draw(fin(150.0, 1200.0)),           # [ppm]
        "vpd": draw(fin(0.0, 1.0)) * calc_esat(tk),  # 0 ≤ D ≤ e_sat(T) [Pa]
        "btran": draw(fin(0.0, 1.0)),
        "vc25": draw(fin(10.0, 100.0)),            # V_cmax25 [µmol m-2 s-1]
        "rd25": draw(fin(0.0, 3.0)),               # R_d25 [µmol m-2 s-1]
        "g1": draw(fin(1.62, 5.25)),               # medlynslope range of CLM5 PFTs [kPa^0.5]
        "uaf": draw(fin(0.1, 10.0)),               # canopy-air wind [m s-1]
        "c3": draw(st.booleans()),
    }


def leaf_inputs(e):
    """Leaf-level capacities at leaf temperature, composed as ``model/canopy.py`` does (btran scales V_cmax and
    R_d, spec §1.10; daytime light inhibition of R_d, spec §1.5)."""
    tk, t10, pres = e["tk"], e["t10"], e["pres"]
    _, gb = ps.calc_leaf_boundary_conductance(e["uaf"], DLEAF, tk, pres)
    d = {
        "ca": e["co2"] * 1.0e-6 * pres,
        "oi": O2_MOLAR * pres,
        "ratio": ps.calc_medlyn_ci(1.0, e["g1"], e["vpd"]),
        "gb": gb,
        "phi": e["par"] / PAR_UMOL_PER_J,          # absorbed PAR [W m-2]
    }
    if e["c3"]:
        fv, fj, fp, fr, kc, ko, gst = ps.calc_c3_temperature_factors(tk, t10, pres)
        d.update(vcmax=e["vc25"] * fv * e["btran"], jmax=ps.calc_jmax_ratio(t10) * e["vc25"] * fj,
                 tpu=TPU_RATIO * e["vc25"] * fp, rd=e["rd25"] * fr * e["btran"] * RD_LIGHT_INHIBITION,
                 kc=kc, ko=ko, gst=gst)
    else:
        fv, fk, fr = ps.calc_c4_temperature_factors(tk)
        d.update(vcmax=e["vc25"] * fv * e["btran"], kp=C4_KP_RATIO * e["vc25"] * fk,
                 rd=e["rd25"] * fr * e["btran"] * RD_LIGHT_INHIBITION)
    return d


def leaf(e, par=None, co2=None):
    """(A_g, A_n, g_s) of one leaf; ``par`` [µmol m-2 s-1] and ``co2`` [ppm] override the environment."""
    e = dict(e)
    if par is not None:
        e["par"] = par
    if co2 is not None:
        e["co2"] = co2
    d = leaf_inputs(e)
    if e["c3"]:
        return ps.calc_leaf_c3(d["vcmax"], d["jmax"], d["tpu"], d["rd"], d["kc"], d["ko"], d["gst"], d["oi"],
                               d["ca"], e["pres"], d["ratio"], G0_CLM5, e["g1"], e["vpd"], d["gb"], d["phi"],
                               THETA_CJ_C3, THETA_IP)
    return ps.calc_leaf_c4(d["vcmax"], d["kp"], d["rd"], d["ca"], e["pres"], d["ratio"], G0_CLM5, e["g1"],
                           e["vpd"], d["gb"], d["phi"], THETA_CJ_C4, THETA_IP)


#: A limiting rate [µmol m-2 s-1]: exactly 0, or physically meaningful.
RATE = st.one_of(st.just(0.0), fin(1.0e-9, 300.0))


def no_less(hi, lo, rel=1e-9, abs_=1e-12):
    """hi ≥ lo within a tiny tolerance."""
    return hi >= lo - rel * abs(lo) - abs_


@settings(max_examples=300, deadline=None)
@given(e=leaf_env(), ci_frac=fin(0.0, 1.0), par_a=fin(0.0, 2000.0), par_b=fin(0.0, 2000.0))
def test_biochemical_assimilation_at_fixed_ci_non_decreasing_in_absorbed_par(e, ci_frac, par_a, par_b):
    """Light response of the biochemistry (spec §1.4): at a fixed c_i, J (smaller root of
    θ J² − (I + J_max) J + I J_max = 0) and hence A_j rise with absorbed PAR (C3: A_j = J (c_i − Γ*)/(4 c_i + 8Γ*);
    C4: A_j = α 4.6 φ), A_c and A_p do not depend on light, and the co-limited A_g is non-decreasing in each
    limit; so more absorbed PAR never lowers A_g, and darkness gives A_g = 0."""
    d = leaf_inputs(e)
    ci = max(ci_frac * d["ca"], 1.0e-6)
    lo, hi = sorted((par_a, par_b))

    def gross(par):
        phi = par / PAR_UMOL_PER_J
        if e["c3"]:
            lim = ps.calc_c3_limits(d["vcmax"], d["jmax"], d["tpu"], d["kc"], d["ko"], d["gst"], d["oi"], ci, phi)
            return ps.calc_colimitation(*lim, THETA_CJ_C3, THETA_IP)
        return ps.calc_colimitation(*ps.calc_c4_limits(d["vcmax"], d["kp"], ci, e["pres"], phi), THETA_CJ_C4,
                                    THETA_IP)
    assert no_less(gross(hi), gross(lo)), (gross(lo), gross(hi))
    assert gross(0.0) == 0.0


#: Known defect of the leaf solution (one-pass c_i), pinned by explicit examples in the two tests marked with it.
ONE_PASS_CI_XFAIL = pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "one-pass c_i of calc_leaf_c3/calc_leaf_c4 (physics/photosynthesis.py l.752-762, l.797-807) is not monotone: "
    "(a) c_i jumps from c_s*g1/(g1+sqrt(D)) (first-pass A_n <= 0, l.760/805) to ~c_s (g_0-dominated Medlyn pass, "
    "l.758/803) when the first-pass A_n crosses 0, then falls back as A_n grows; for a CLM5 C3 grass A_g drops "
    "1.271 -> 1.218 as PAR rises 15.9 -> 16.3 umol m-2 s-1, and 1.281 -> 1.218 as CO2 rises 392 -> 419 ppm "
    "(converged CLM c_i solution: 1.187 -> 1.206 and 1.187 -> 1.203, monotone; kernel error up to +8 %/-6 %; the "
    "module docstring claims < 0.05 %); (b) when the first-pass boundary-layer draw-down 1.4 A_n P/g_b exceeds "
    "c_a, c_s is floored at 1e-6 Pa (l.699) and A_g collapses (C4, u_af 0.1 m/s, 150 ppm, 50 kPa: A_g 24.5 at "
    "600 -> 2.9e-5 at 853 umol m-2 s-1 PAR; converged 24.8 -> 27.7)"))


#: CLM5 C3 arctic grass at target stoichiometry (V_cmax25 = 42.7, Atkin R_d25 = 2.18, g_1 = 2.22, spec §1.5-§1.6,
#: T-E), 20 °C, 60 kPa, 400 ppm, D = 1 kPa, u_af = 1 m s-1: near the light compensation point.
C3_GRASS_NEAR_COMPENSATION = {"tk": 293.0, "t10": 288.0, "pres": 60000.0, "par": 0.0, "co2": 400.0, "vpd": 1000.0,
                              "btran": 1.0, "vc25": 42.7, "rd25": 2.18, "g1": 2.22, "uaf": 1.0, "c3": True}
#: A C4 leaf in calm air (u_af = 0.1 m s-1, the model's floor of u*) at 150 ppm, 50 kPa, 35 °C.
C4_CALM_LOW_CO2 = {"tk": 308.0, "t10": 253.0, "pres": 50000.0, "par": 0.0, "co2": 150.0, "vpd": 0.0, "btran": 1.0,
                   "vc25": 36.0, "rd25": 0.0, "g1": 2.0, "uaf": 0.1, "c3": False}


@settings(max_examples=300, deadline=None)
@example(e=C3_GRASS_NEAR_COMPENSATION, par_a=15.9, par_b=16.3)
@example(e=C4_CALM_LOW_CO2, par_a=600.0, par_b=853.0)
@given(e=leaf_env(), par_a=fin(0.0, 2000.0), par_b=fin(0.0, 2000.0))
def test_leaf_gross_assimilation_non_decreasing_in_absorbed_par(e, par_a, par_b):
    """Light response of the leaf with its stomata (spec §1.4, §1.9): the biochemistry is non-decreasing in
    absorbed PAR at any c_i (test above), and in CLM's converged solution of c_i = c_a − A_n P (1.4/g_b + 1.6/g_s)
    more light cannot lower A_g; with everything else fixed, the leaf solution (A_g, A_n, g_s) must therefore give
    an A_g that never falls as absorbed PAR rises (C3 and C4), and A_g = 0 in darkness."""
    lo, hi = sorted((par_a, par_b))
    ag_lo = leaf(e, par=lo)[0]
    ag_hi = leaf(e, par=hi)[0]
    assert no_less(ag_hi, ag_lo), (ag_lo, ag_hi)
    assert leaf(e, par=0.0)[0] == 0.0


@settings(max_examples=300, deadline=None)
@given(e=leaf_env(), co2_a=fin(150.0, 1200.0), co2_b=fin(150.0, 1200.0))
def test_c3_biochemical_assimilation_at_medlyn_ci_non_decreasing_in_co2(e, co2_a, co2_b):
    """CO2 fertilisation of the biochemistry (spec §1.4, §1.9): at the Medlyn closed-form c_i = c_a g_1/(g_1 + √D)
    (the model's first pass), c_i rises with c_a and C3 A_c, A_j rise with c_i (A_p does not depend on it), so
    more atmospheric CO2 never lowers the co-limited A_g."""
    e = dict(e, c3=True)
    lo, hi = sorted((co2_a, co2_b))

    def gross(co2):
        d = leaf_inputs(dict(e, co2=co2))
        lim = ps.calc_c3_limits(d["vcmax"], d["jmax"], d["tpu"], d["kc"], d["ko"], d["gst"], d["oi"],
                                d["ca"] * d["ratio"], d["phi"])
        return ps.calc_colimitation(*lim, THETA_CJ_C3, THETA_IP)
    assert no_less(gross(hi), gross(lo)), (gross(lo), gross(hi))


@settings(max_examples=300, deadline=None)
@example(e=dict(C3_GRASS_NEAR_COMPENSATION, par=16.0), co2_a=392.0, co2_b=419.0)
@given(e=leaf_env(), co2_a=fin(150.0, 1200.0), co2_b=fin(150.0, 1200.0))
def test_c3_leaf_gross_assimilation_non_decreasing_in_co2(e, co2_a, co2_b):
    """CO2 fertilisation of the leaf with its stomata (spec §1.4, §1.9): A_c and A_j increase with c_i, and in
    CLM's converged solution c_i rises with c_a, so for C3, with everything else fixed, more atmospheric CO2
    never lowers A_g of the leaf solution."""
    e = dict(e, c3=True)
    lo, hi = sorted((co2_a, co2_b))
    ag_lo = leaf(e, co2=lo)[0]
    ag_hi = leaf(e, co2=hi)[0]
    assert no_less(ag_hi, ag_lo), (ag_lo, ag_hi)


@settings(max_examples=300, deadline=None)
@given(e=leaf_env())
def test_assimilation_bounded_by_its_limiting_rates_and_conductance_by_its_minimum(e):
    """Bounds of the leaf solution (spec §1.4, §1.9):

    * 0 ≤ A_g (gross assimilation is clipped at 0) and A_n = A_g − R_d;
    * the co-limited A_g never exceeds a single limiting rate: A_g ≤ A_c(c_i), A_j(c_i), 3 T_p (C3), and
      A_g ≤ V_cmax, α 4.6 φ (C4). c_i is not returned, but c_i ≤ c_a + 1.4 R_d P/g_b + 1.6 R_d P/g_0 (c_i can
      exceed c_a only by the respired CO2 crossing the boundary layer and the stomata, CLM ci_func), and A_c,
      A_j grow with c_i, so the rates at that upper bound bound A_g;
    * g_s ≥ g_0 (Medlyn intercept; the quadratic's larger root is ≥ g_0, and max(g_0, 1) when A_n ≤ 0).
    """
    ag, an, gs = leaf(e)
    d = leaf_inputs(e)
    tol = 1e-9 * max(abs(ag), 1.0e-12)
    assert ag >= 0.0
    assert an == pytest.approx(ag - d["rd"], rel=1e-12, abs=1e-15)
    if e["c3"]:
        c_up = (d["ca"] + GB_CO2_RATIO * d["rd"] * e["pres"] / d["gb"]
                + ps.GS_CO2_RATIO * d["rd"] * e["pres"] / max(G0_CLM5, 1.0))
        dc = max(c_up - d["gst"], 0.0)
        a_c = d["vcmax"] * dc / (c_up + d["kc"] * (1.0 + d["oi"] / d["ko"]))
        i_psii = 0.5 * (1.0 - F_NPS) * PAR_UMOL_PER_J * d["phi"]
        j = min(i_psii, d["jmax"])                  # J ≤ min(I_PSII, J_max) for any θ_PSII ∈ (0, 1]
        a_j = j * dc / (4.0 * c_up + 8.0 * d["gst"])
        assert ag <= a_c + tol
        assert ag <= a_j + tol
        assert ag <= 3.0 * d["tpu"] + tol
    else:
        assert ag <= d["vcmax"] + tol
        assert ag <= C4_QUANTUM_EFF * PAR_UMOL_PER_J * d["phi"] + tol
    assert gs >= max(G0_CLM5, GS_MIN_UMOL) * (1.0 - 1e-12)
    if e["par"] == 0.0:
        assert ag == 0.0


@settings(max_examples=300, deadline=None)
@given(e=leaf_env())
def test_intercellular_co2_between_zero_and_ambient_when_assimilating(e):
    """CO2 diffusion (spec §1.9): the flux-gradient relation c_i = c_a − A_n P (1.4/g_b + 1.6/g_s) with the
    returned A_n and g_s must give 0 < c_i ≤ c_a whenever A_n > 0 (the stomata cannot draw c_i below zero, and
    uptake needs c_i < c_a; equality only by rounding at vanishing A_n); and the Medlyn closed form gives
    0 < c_i < c_s."""
    _, an, gs = leaf(e)
    d = leaf_inputs(e)
    ci_medlyn = ps.calc_medlyn_ci(d["ca"], e["g1"], e["vpd"])
    assert 0.0 < ci_medlyn < d["ca"]
    if an > 0.0:
        ci = d["ca"] - an * e["pres"] * (GB_CO2_RATIO / d["gb"] + GS_CO2_RATIO / gs)
        assert 0.0 < ci <= d["ca"], (ci, d["ca"], an, gs)


@settings(max_examples=300, deadline=None)
@given(ac=RATE, aj=RATE, ap=RATE, c3=st.booleans())
def test_colimitation_never_exceeds_any_limiting_rate(ac, aj, ap, c3):
    """Co-limitation (spec §1.4): the smaller root of θ A² − (a + b) A + a b = 0 with 0 < θ ≤ 1 lies in
    [0, min(a, b)], so 0 ≤ A_g ≤ min(A_c, A_j, A_p). (Rates are 0 or ≥ 1e-9 µmol m-2 s-1: products of smaller
    rates underflow to subnormal floats and lose the relative precision the bound is checked to.)"""
    ag = ps.calc_colimitation(ac, aj, ap, THETA_CJ_C3 if c3 else THETA_CJ_C4, THETA_IP)
    assert 0.0 <= ag <= min(ac, aj, ap) * (1.0 + 1e-12) + 1e-300


@settings(max_examples=200, deadline=None)
@given(jmax=fin(0.0, 400.0), phi_a=fin(0.0, 500.0), phi_b=fin(0.0, 500.0))
def test_electron_transport_non_decreasing_in_light_and_below_both_limits(jmax, phi_a, phi_b):
    """Electron transport (spec §1.4): J(I) is non-decreasing in I_PSII and 0 ≤ J ≤ min(I_PSII, J_max)."""
    lo, hi = sorted((phi_a, phi_b))
    j_lo = ps.calc_electron_transport(jmax, lo)
    j_hi = ps.calc_electron_transport(jmax, hi)
    assert no_less(j_hi, j_lo)
    i_psii = 0.5 * (1.0 - F_NPS) * PAR_UMOL_PER_J * hi
    assert 0.0 <= j_hi <= min(i_psii, jmax) * (1.0 + 1e-12) + 1e-12


# ============================================================================ canopy radiation (spec §1.8)

@settings(max_examples=200, deadline=None)
@given(i_beam=fin(0.0, 600.0), i_diff=fin(0.0, 300.0), mu=fin(0.02, 1.0), xl=fin(-0.4, 0.6),
       sigma=fin(0.05, 0.95), lsai=fin(0.0, 8.0))
def test_sun_shade_absorption_conserves_energy(i_beam, i_diff, mu, xl, sigma, lsai):
    """Canopy radiation budget (spec §1.8): sunlit and shaded absorption are ≥ 0, and absorbed + transmitted
    to the ground never exceeds the incident radiation (the rest is reflected)."""
    phi1, phi2 = rad.calc_ross_coefficients(xl)
    kb = rad.calc_kb(mu, phi1, phi2)
    kd = 1.0 / rad.calc_mubar(phi1, phi2)
    sun, sha, ground = rad.calc_sunshade_absorption(i_beam, i_diff, kb, kd, sigma, lsai)
    total = i_beam + i_diff
    assert sun >= 0.0 and sha >= -1e-12 * total and ground >= 0.0
    assert sun + sha + ground <= total * (1.0 + 1e-12) + 1e-12


# ============================================================================ soil biogeochemistry (spec §5)

@settings(max_examples=300, deadline=None)
@given(ta=fin(233.15, 323.15), tb=fin(233.15, 323.15))
def test_decomposition_temperature_scalar_positive_and_monotone(ta, tb):
    """f_T (spec §5.4): f_T = N Q10^((T − 298.15)/10) above freezing, N Q10^(−2.5) Q10_froz^((T − T_f)/10) below,
    N = 0.820595 (Q10 = Q10_froz = 1.5). It is not bounded by 1 (f_T = N at 25 °C and exceeds 1 above ≈ 30 °C);
    the documented properties are: f_T > 0, continuous at T_f, monotone non-decreasing in T, and
    f_T(T + 10 K) = Q10 f_T(T) above freezing."""
    def f(t):
        return bgc.calc_decomp_t_scalar(t, SP.q10_mr, SP.froz_q10, Q10_NORM)
    lo, hi = sorted((ta, tb))
    assert 0.0 < f(lo) <= f(hi) * (1.0 + 1e-12)
    assert f(298.15) == pytest.approx(Q10_NORM, rel=1e-12)
    assert Q10_NORM == pytest.approx(0.820595, abs=1e-6)
    assert f(TFRZ) == pytest.approx(f(np.nextafter(TFRZ, 0.0)), rel=1e-9)
    if lo >= TFRZ and lo + 10.0 <= 323.15:
        assert f(lo + 10.0) == pytest.approx(SP.q10_mr * f(lo), rel=1e-9)


@settings(max_examples=300, deadline=None)
@given(psi_a=fin(-20.0, 0.0), psi_b=fin(-20.0, 0.0), wat_a=fin(0.0, 1.0), wat_b=fin(0.0, 1.0),
       watsat=fin(0.3, 0.93), sucsat=fin(10.0, 700.0), bsw=fin(2.7, 12.0))
def test_decomposition_moisture_scalar_in_unit_interval_and_monotone(psi_a, psi_b, wat_a, wat_b, watsat, sucsat,
                                                                      bsw):
    """f_W (spec §5.4, Andrén & Paustian): f_W = ln(ψ_min/ψ)/ln(ψ_min/ψ_max) ∈ [0, 1], 0 at ψ ≤ ψ_min = −2 MPa,
    1 at ψ ≥ ψ_max = −0.002 MPa, non-decreasing in ψ; from liquid water (CLM soilpsi) it is non-decreasing in
    θ_liq, and the power-free form equals f_W(soilpsi(θ_liq))."""
    lo, hi = sorted((psi_a, psi_b))
    f_lo = bgc.calc_decomp_w_scalar(lo, SP.minpsi_hr, SP.maxpsi_hr)
    f_hi = bgc.calc_decomp_w_scalar(hi, SP.minpsi_hr, SP.maxpsi_hr)
    assert 0.0 <= f_lo <= f_hi + 1e-12 <= 1.0 + 1e-12
    wl, wh = sorted((wat_a * watsat, wat_b * watsat))
    g_lo = bgc.calc_decomp_w_scalar_from_saturation(wl, watsat, sucsat, bsw, SP.minpsi_hr, SP.maxpsi_hr)
    g_hi = bgc.calc_decomp_w_scalar_from_saturation(wh, watsat, sucsat, bsw, SP.minpsi_hr, SP.maxpsi_hr)
    assert 0.0 <= g_lo <= g_hi + 1e-12 <= 1.0 + 1e-12
    via_psi = bgc.calc_decomp_w_scalar(sw.calc_soilpsi_mpa(wh, watsat, sucsat, bsw), SP.minpsi_hr, SP.maxpsi_hr)
    assert g_hi == pytest.approx(via_psi, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(c=vec(0.0, 1.0e5, bgc.NDECOMP), loss=vec(0.0, 1.0, bgc.NDECOMP), rf=vec(0.0, 1.0, 6),
       sand=fin(0.0, 100.0), fcel=fin(0.0, 1.0))
def test_decomposition_cascade_keeps_pools_non_negative_and_conserves_carbon(c, loss, rf, sand, fcel):
    """CENTURY cascade (spec §5.3): each donor loses λ_i C_i (0 ≤ λ ≤ 1); of every transition a fraction rf is
    respired and 1 − rf enters the receiver. Hence all pools stay ≥ 0, HR ≥ 0, and
    Σ C_before = Σ C_after + HR_litter + HR_SOM (CWD fragments without respiration, cwd_fcel + cwd_flig = 1)."""
    texture_t, f13 = bgc.calc_texture_t(sand)
    out = np.zeros(bgc.NDECOMP)
    hl, hs = bgc.calc_decompose_layer(c, loss, *rf, texture_t, f13, fcel, 1.0 - fcel, out)
    assert (out >= 0.0).all(), out
    assert hl >= 0.0 and hs >= 0.0
    assert c.sum() == pytest.approx(out.sum() + hl + hs, rel=1e-12, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(soil=vec(0.0, 2.0e4, bgc.NDECOMP * NLEVSOI), inputs=vec(0.0, 50.0, 4 * NLEVSOI),
       xi=vec(0.0, 3.0, NLEVSOI), nsteps=st.integers(1, 48), sand=fin(0.0, 100.0),
       altmax=fin(0.0, 5.0), altmax_last=fin(0.0, 5.0), ad_mode=st.booleans(), spin_on=st.booleans())
def test_daily_soil_bgc_keeps_pools_non_negative_and_closes_carbon(soil, inputs, xi, nsteps, sand, altmax,
                                                                   altmax_last, ad_mode, spin_on):
    """One day of soil BGC (spec §5.3-§5.7): litter inputs, exact-exponential decomposition of every pool in
    every layer (any rate, AD factors included), then implicit vertical mixing (conservative, zero flux at both
    ends). Column carbon closes, Σ_j (C_after − C_before − I)_j Δz_j + HR = 0, and every pool stays ≥ 0.
    With the spin-up record on, the day's row holds the inputs, loss fractions λ = 1 − e^{−kΔt} ∈ [0, 1] and
    the mixing coefficient (≥ 0, not AD-scaled) that ``model.periodic`` replays; off, it is left untouched."""
    soilc = soil.reshape(bgc.NDECOMP, NLEVSOI).copy()
    acc = np.zeros((NACC, NLEVSOI))
    acc[A_IN_CWD:A_IN_CWD + 4] = inputs.reshape(4, NLEVSOI)
    acc[A_XI] = xi * nsteps
    dz = LAYER_DZ[:NLEVSOI]
    before = (soilc * dz).sum()
    added = (acc[A_IN_CWD:A_IN_CWD + 4] * dz).sum()
    texture_t, f13 = bgc.calc_texture_t(sand)
    fdepth = np.array([bgc.calc_depth_scalar(z, SP.decomp_depth_efolding) for z in LAYER_Z[:NLEVSOI]])
    rec = np.full((NREC, NLEVSOI), -1.0, dtype=np.float32)
    hl, hs = soil_bgc_day(soilc, acc, rec, float(nsteps), BASE_K, fdepth,
                          texture_t, f13, bgc.calc_ad_latitude_factor(31.0), altmax, altmax_last, LAYER_DZ,
                          LAYER_Z, LAYER_ZI, NLEVSOI, SP, ad_mode, spin_on, np.zeros((8, NLEVSOI)))
    after = (soilc * dz).sum()
    assert (soilc >= 0.0).all(), soilc.min()
    assert hl >= 0.0 and hs >= 0.0
    assert after + hl + hs == pytest.approx(before + added, rel=1e-12, abs=1e-9)
    assert (acc == 0.0).all()
    if not spin_on:
        assert (rec == -1.0).all()
        return
    # the record is float32: relative rounding 6e-8, underflow below 1e-38
    np.testing.assert_allclose(rec[REC_INC0:REC_INC0 + 4], inputs.reshape(4, NLEVSOI), rtol=1e-6, atol=1e-30)
    lam = rec[REC_LAM0:REC_LAM0 + bgc.NDECOMP]
    assert ((lam >= 0.0) & (lam <= 1.0)).all()
    ad_lat = bgc.calc_ad_latitude_factor(31.0)
    fac = np.array([ad_factor(i, SP, ad_lat) if ad_mode else 1.0 for i in range(bgc.NDECOMP)])
    expected = -np.expm1(-np.outer(BASE_K * fac, xi * fdepth) * 86400.0)       # λ = 1 − e^{−k ξ f_D a Δt}
    np.testing.assert_allclose(lam, expected, rtol=1e-6, atol=1e-30)
    diff = np.zeros(NLEVSOI)
    bgc.calc_som_diffusivity(altmax, altmax_last, LAYER_ZI, NLEVSOI, SP.som_diffus, SP.cryoturb_diffusion_k,
                             SP.max_altdepth_cryoturbation, diff)
    assert (diff >= 0.0).all()
    np.testing.assert_allclose(rec[REC_DIFF], diff, rtol=1e-6, atol=1e-30)     # not AD-scaled


# ============================================================================ autotrophic respiration (spec §4.3)

@settings(max_examples=300, deadline=None)
@given(tissue_c=fin(0.0, 5000.0), cn=fin(20.0, 100.0), base=st.sampled_from([2.525e-6, 0.83e-6]),
       ta=fin(233.15, 323.15), tb=fin(233.15, 323.15), tsoi=vec(233.15, 313.15, NLEVSOI),
       dt_layer=fin(0.0, 20.0), layer=st.integers(0, NLEVSOI - 1), beta=fin(0.9, 0.99))
def test_maintenance_respiration_non_negative_and_monotone_in_temperature(tissue_c, cn, base, ta, tb, tsoi,
                                                                          dt_layer, layer, beta):
    """Maintenance respiration (spec §4.3): MR = (C/CN) b Q10^((T − 293.15)/10), Q10 = q10_mr = 1.5, is ≥ 0 and
    non-decreasing in temperature (live stem/coarse root from T_2m; fine roots summed over layers with the
    carbon root fractions, so warming any one layer cannot lower it)."""
    lo, hi = sorted((ta, tb))
    mr_lo = resp.calc_tissue_mr(tissue_c, cn, base, lo, SP.q10_mr)
    mr_hi = resp.calc_tissue_mr(tissue_c, cn, base, hi, SP.q10_mr)
    assert 0.0 <= mr_lo <= mr_hi * (1.0 + 1e-12)
    assert resp.calc_mr_q10_factor(lo + 10.0, SP.q10_mr) == pytest.approx(
        SP.q10_mr * resp.calc_mr_q10_factor(lo, SP.q10_mr), rel=1e-12)
    zi = np.concatenate([[0.0], LAYER_ZI[:NLEVSOI]])
    rootfr = beta ** (100.0 * zi[:-1]) - beta ** (100.0 * zi[1:])
    rootfr /= rootfr.sum()
    warm = tsoi.copy()
    warm[layer] += dt_layer

    def froot(t):
        q = np.array([resp.calc_mr_q10_factor(x, SP.q10_mr) for x in t])
        return resp.calc_froot_mr(tissue_c, cn, base, q, rootfr, NLEVSOI)
    assert 0.0 <= froot(tsoi) <= froot(warm) * (1.0 + 1e-12)
    assert resp.calc_growth_respiration(tissue_c, 0.11) >= 0.0


# ============================================================================ soil water, snow, freeze-thaw (§6)

@st.composite
def soil_column(draw):
    """Hydraulic properties from texture and organic fraction (spec §6.3), and a liquid/ice state with
    θ_liq + θ_ice ≤ θ_sat and θ_liq ≥ the residual content, as the model keeps it."""
    sand, clay = draw(fin(5.0, 90.0)), draw(fin(5.0, 60.0))
    om = draw(vec(0.0, 1.0, NLEVSOI))
    props = np.array([sw.calc_hydraulic_properties(sand, clay, om[j], LAYER_Z[j]) for j in range(NLEVSOI)])
    watsat, bsw, sucsat, hksat = (np.ascontiguousarray(props[:, k]) for k in range(4))
    dz = LAYER_DZ[:NLEVSOI]
    ice_frac = draw(vec(0.0, 1.0, NLEVSOI)) * draw(st.sampled_from([0.0, 0.5, 0.95]))
    liq_frac = draw(vec(0.0, 1.0, NLEVSOI))
    vice = ice_frac * watsat
    vliq = WATMIN_VOL + liq_frac * np.maximum(watsat - vice - WATMIN_VOL, 0.0)
    return watsat, bsw, sucsat, hksat, vliq * DENH2O * dz, vice * DENICE * dz


@settings(max_examples=200, deadline=None)
@given(col=soil_column(), water_in=fin(0.0, 0.015), et_frac=vec(0.0, 1.0, NLEVSOI), et_scale=fin(0.0, 1.0))
def test_soil_water_stays_within_pore_space(col, water_in, et_frac, et_scale):
    """Soil water (spec §6.3; module docstring of ``physics/soil_water.py``): after one 3-h step of the
    Richards solve with infiltration (≤ 54 mm h-1 reaching the surface, split by ``calc_infiltration``) and
    root/evaporation sinks limited to the water above the residual content (as ``model/step.py`` does), every
    layer's liquid water is ≥ 0 and fits in the pore space left by ice, θ_liq ≤ θ_sat − θ_ice (over-saturation
    is pushed down to drainage), and the column's water balance closes with the returned drainage."""
    watsat, bsw, sucsat, hksat, liq, ice = col
    dz = LAYER_DZ[:NLEVSOI]
    dt = 10800.0
    vliq0 = liq[0] / (DENH2O * dz[0])
    vice0 = ice[0] / (DENICE * dz[0])
    infil, runoff = sw.calc_infiltration(water_in, vliq0, vice0, watsat[0], hksat[0])
    assert infil >= 0.0 and runoff >= 0.0 and infil + runoff == pytest.approx(water_in)
    avail = np.maximum(liq - WATMIN_VOL * DENH2O * dz, 0.0) / dt
    sink = et_frac * et_scale * avail
    before = liq.sum()
    new = liq.copy()
    drain = sw.solve_soil_water(new, ice, dz, LAYER_Z[:NLEVSOI], watsat, bsw, sucsat, hksat, infil, sink, dt,
                                NLEVSOI, np.zeros((6, NLEVSOI)))
    assert np.isfinite(new).all() and math.isfinite(drain)
    assert (new >= 0.0).all(), new.min()
    room = np.maximum(watsat - ice / (DENICE * dz), 0.0) * DENH2O * dz
    assert (new <= room * (1.0 + 1e-9) + 1e-9).all(), (new - room).max()
    assert new.sum() == pytest.approx(before + (infil - sink.sum() - drain) * dt, rel=1e-12, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(tk=fin(233.15, 303.15), tk2=fin(233.15, 303.15), rho=fin(50.0, SNOW_RHO_MAX), dt=fin(0.0, 864000.0),
       depth=fin(0.0, 2.0), depth2=fin(0.0, 2.0))
def test_snow_density_and_cover_stay_in_their_physical_ranges(tk, tk2, rho, dt, depth, depth2):
    """Snow (spec §6.4): fresh-snow density (Anderson) lies in [50, 169.16] kg m-3 and is non-decreasing in air
    temperature; densification moves ρ monotonically toward ρ_max without overshoot; snow cover fraction is in
    [0, 1] and non-decreasing in depth."""
    lo, hi = sorted((tk, tk2))
    r_lo, r_hi = snow.calc_fresh_snow_density(lo), snow.calc_fresh_snow_density(hi)
    assert 50.0 <= r_lo <= r_hi <= 169.16 + 0.01
    r_new = snow.calc_snow_compaction(rho, tk, dt)
    assert rho - 1e-9 <= r_new <= SNOW_RHO_MAX + 1e-9
    d_lo, d_hi = sorted((depth, depth2))
    f_lo, f_hi = snow.calc_snow_cover_fraction(d_lo, rho), snow.calc_snow_cover_fraction(d_hi, rho)
    assert 0.0 <= f_lo <= f_hi <= 1.0


@settings(max_examples=300, deadline=None)
@given(tk=fin(253.15, 293.15), liq=fin(0.0, 200.0), ice=fin(0.0, 200.0), cap_dz=fin(1.0e4, 2.0e6),
       watsat=fin(0.3, 0.9), sucsat=fin(10.0, 700.0), bsw=fin(2.7, 12.0))
def test_freeze_thaw_conserves_water_and_energy(tk, liq, ice, cap_dz, watsat, sucsat, bsw):
    """Phase change (spec §6.2): melting/freezing conserves water (liq + ice) and energy
    cΔz (T − T_f) + L_f w_liq, keeps liq, ice ≥ 0, and never freezes liquid below the supercooled maximum."""
    dz = 0.1
    lmax = thermal.calc_supercooled_liquid_max(tk, dz, watsat, sucsat, bsw)
    t1, liq1, ice1 = thermal.calc_phase_change(tk, liq, ice, cap_dz, lmax)
    assert liq1 >= 0.0 and ice1 >= 0.0
    assert liq1 + ice1 == pytest.approx(liq + ice, rel=1e-12, abs=1e-12)
    e0 = cap_dz * (tk - TFRZ) + HFUS * liq
    e1 = cap_dz * (t1 - TFRZ) + HFUS * liq1
    assert e1 == pytest.approx(e0, rel=1e-9, abs=1e-6 * HFUS)
    if liq1 < liq:
        assert liq1 >= min(lmax, liq) * (1.0 - 1e-12)


# ============================================================================ whole model, one month (§4.1, §9)

@functools.cache
def model():
    """The model on the small test domain (built once; the numba kernels are compiled or loaded once)."""
    return Model(small_domain())


@settings(max_examples=10, deadline=None)
@given(warm=fin(-10.0, 10.0), wet=fin(0.0, 3.0), sw_scale=fin(0.3, 1.5), month=st.sampled_from([1, 4, 7, 10]),
       seed=st.integers(0, 3), co2=fin(280.0, 800.0))
def test_one_month_keeps_pools_non_negative_finite_and_closes_carbon(warm, wet, sw_scale, month, seed, co2):
    """Carbon conservation of the whole model (spec §4.1 per-step budget, §9): over one month of perturbed
    synthetic forcing (T shift −10…+10 K, precipitation × 0–3, shortwave × 0.3–1.5) the per-step balance guard
    (|ΔC − (GPP − AR − HR)Δt| ≤ 1e-9 C per year) does not fire; the monthly change of total ecosystem carbon
    equals NEP within that tolerance (as in tests/invariants/test_carbon_closure.py); NPP = GPP − AR and
    NEP = NPP − HR; every carbon pool (vegetation except the excess-MR pool, which may be negative, spec §4.1;
    litter, CWD, SOM, inputs in transit) is ≥ 0; soil water and ice are ≥ 0; nothing is NaN or Inf."""
    m = model()
    s = m.init_state(t_init=275.0)
    chunk = synthetic_chunk(m.domain, 2001, month, warm=warm, wet=wet, sw_scale=sw_scale, seed=seed)
    c0 = carbon_stocks(s, m)["TOTECOSYSC"]
    try:
        out = m.run_chunk(s, chunk, co2)
    except ModelError as exc:  # the balance guard or the NaN check fired
        pytest.fail(f"model error: {exc}")
    c1 = carbon_stocks(s, m)["TOTECOSYSC"]
    for field, arr in zip(s._fields, s, strict=True):
        ok = np.isfinite(arr)
        if field == "pheno":   # LUNA's 10-day filters are NaN (CLM spval) until their first day ends
            ok[:, :, LUNA_UNSET_SLOTS] |= np.isnan(arr[:, :, LUNA_UNSET_SLOTS])
        assert ok.all(), field
    assert np.isfinite(out.values).all()
    nep = out.get("NEP")
    np.testing.assert_allclose(c1 - c0, nep, rtol=0, atol=1e-9 * c1.max() + 1e-9)
    np.testing.assert_allclose(out.get("NPP"), out.get("GPP") - out.get("AR"), atol=1e-9)
    np.testing.assert_allclose(nep, out.get("NPP") - out.get("HR"), atol=1e-9)
    assert (out.get("GPP") >= 0.0).all() and (out.get("HR") >= 0.0).all()
    assert (s.soilc >= 0.0).all()
    assert (s.bgc_acc[:, A_IN_CWD:A_IN_CWD + 4] >= 0.0).all()
    veg = np.delete(s.vegc, XSMRPOOL, axis=2)
    assert (veg >= -1e-9).all(), veg.min()
    assert (s.h2oliq >= 0.0).all() and (s.h2oice >= 0.0).all()
