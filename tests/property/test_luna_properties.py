"""Property tests (hypothesis) of the LUNA kernels (tpcarbon.physics.luna; CLM5 LunaMod.F90, spec §1.6).

For random states and 10-day environments in physical ranges the daily update returns finite, non-negative
capacities inside CLM's limits (V_cmax25 ≤ 1000, J_max25 ≤ 2000), changes each capacity by at most the daily
enzyme turnover δ (or resets it), and keeps the enzyme status in its range. Two limits of CLM's algorithm,
found here and kept (they are CLM's): PNlc exceeds 0.95, even 1, when the functional N is below
0.05/0.95 g N m-2, because N_lc never falls below 0.05 g N m-2 (l.916); and the optimisation is NaN (CLM
stops with endrun) when c_i (first 0.7 c_a) ≤ Γ*, e.g. 180 ppm at 45 kPa and 30 °C, because LUNA's Γ* is a
fixed partial pressure (4.275 Pa at 25 °C) not scaled by pressure. The ranges below are tpcarbon's
(CO2 ≥ 280 ppm, P ≥ 50 kPa).
"""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tpcarbon.physics import luna

TF = 273.15


@st.composite
def day(draw):
    """One day's LUNA inputs: state, leaf traits and 10-day means (units of calc_luna_daily_update)."""
    t10c = draw(st.floats(-25.0, 38.0))
    par = draw(st.floats(1.0, 450.0))
    return dict(
        vcmx25=draw(st.floats(1.0, 150.0)),
        jmx25=draw(st.floats(2.0, 300.0)),
        pnlc=draw(st.floats(0.01, 0.9)),
        enzs=draw(st.floats(0.3, 1.0)),
        lnc=draw(st.floats(0.05, 10.0)),
        slatop=draw(st.floats(0.004, 0.06)),
        rholvis=draw(st.floats(0.05, 0.12)),
        taulvis=draw(st.floats(0.03, 0.08)),
        tlai=draw(st.floats(0.0, 8.0)),
        elai_frac=draw(st.floats(0.0, 1.0)),
        gpp_day=draw(st.sampled_from([0.0, 1.0, 5.0e4, 5.0e5])),
        t10=TF + t10c,
        t_veg10_day=TF + t10c + draw(st.floats(-2.0, 8.0)),
        t_veg10_night=TF + t10c - draw(st.floats(0.0, 12.0)),
        par240d=par,
        par240x=par * draw(st.floats(1.0, 3.0)),
        rb10=draw(st.floats(3.0, 300.0)),
        rh10=draw(st.floats(0.02, 1.05)),
        co2_ppm=draw(st.floats(280.0, 1200.0)),
        pbot240=draw(st.floats(50000.0, 105000.0)),
        dayl=draw(st.floats(0.0, 86400.0)),
    )


def _co2(d):
    return d["co2_ppm"] * 1e-6 * d["pbot240"]


def _fnca(d):
    """Functional N the update uses (relCLNCa = 1 with exposed leaves, from PAR_i = 0.01 without)."""
    return luna.calc_luna_optimal_capacity(
        d["lnc"],
        d["slatop"],
        d["rholvis"],
        d["taulvis"],
        d["tlai"] * d["elai_frac"],
        d["t10"],
        d["t_veg10_day"],
        d["t_veg10_night"],
        d["par240d"],
        d["par240x"],
        d["rb10"],
        d["rh10"],
        _co2(d),
        0.209 * d["pbot240"],
        d["pbot240"],
        d["dayl"],
        d["pnlc"],
    )[2]


def _call(d):
    return luna.calc_luna_daily_update(
        d["vcmx25"],
        d["jmx25"],
        d["pnlc"],
        d["enzs"],
        d["lnc"],
        d["slatop"],
        d["rholvis"],
        d["taulvis"],
        d["tlai"],
        d["tlai"] * d["elai_frac"],
        d["gpp_day"],
        d["t10"],
        d["t_veg10_day"],
        d["t_veg10_night"],
        d["par240d"],
        d["par240x"],
        d["rb10"],
        d["rh10"],
        _co2(d),
        0.209 * d["pbot240"],
        d["pbot240"],
        d["dayl"],
    )


@settings(max_examples=300, deadline=None)
@given(day())
def test_daily_update_is_finite_non_negative_and_bounded(d):
    v, j, pnlc, enzs = _call(d)
    assert all(math.isfinite(x) for x in (v, j, pnlc, enzs))
    assert 0.0 <= v <= 1000.0 and 0.0 <= j <= 2000.0
    pnlc_max = max(0.95, d["pnlc"], 0.05 / _fnca(d)) if d["tlai"] > 0.0 and d["lnc"] > 0.0 else d["pnlc"]
    assert 0.0 < pnlc <= pnlc_max * (1.0 + 1e-12)
    # enzs never drops below half once there, and grows by at most (1 + δ) from below 1
    delta = luna.calc_luna_daily_change_limit(d["t_veg10_day"], d["dayl"])
    assert 0.0 < enzs <= max(d["enzs"], 1.0) * (1.0 + delta)


@settings(max_examples=300, deadline=None)
@given(day())
def test_daily_change_is_limited_by_enzyme_turnover(d):
    v, j, _, _ = _call(d)
    if d["tlai"] <= 0.0 or d["lnc"] <= 0.0:
        assert (v, j) == (50.0, 85.0)
        return
    delta = luna.calc_luna_daily_change_limit(d["t_veg10_day"], d["dayl"])
    tol = 1e-12
    assert abs(v - d["vcmx25"]) <= delta * d["vcmx25"] * (1 + tol) or v == 50.0
    assert abs(j - d["jmx25"]) <= delta * d["jmx25"] * (1 + tol) or j == 85.0


@settings(max_examples=200, deadline=None)
@given(day())
def test_optimum_is_finite_and_partition_is_bounded(d):
    if d["tlai"] * d["elai_frac"] <= 0.0:
        return
    vopt, jopt, fnca, pnstore, pnlc, pnet, pnresp, pncb = luna.calc_luna_optimal_capacity(
        d["lnc"],
        d["slatop"],
        d["rholvis"],
        d["taulvis"],
        d["tlai"] * d["elai_frac"],
        d["t10"],
        d["t_veg10_day"],
        d["t_veg10_night"],
        d["par240d"],
        d["par240x"],
        d["rb10"],
        d["rh10"],
        _co2(d),
        0.209 * d["pbot240"],
        d["pbot240"],
        d["dayl"],
        d["pnlc"],
    )
    assert all(math.isfinite(x) for x in (vopt, jopt, fnca, pnstore, pnlc, pnet, pnresp, pncb))
    assert vopt >= 0.0 and jopt > 0.0 and 0.0 < fnca <= 15.0
    assert 0.0 < pnlc <= max(0.95, 0.05 / fnca) * (1.0 + 1e-12)
    assert pnet > 0.0 and pncb >= 0.0 and pnresp >= 0.0
    # the capacities are the fractions times FNC_a times the 25 °C N-use efficiencies
    assert vopt == pncb * fnca * 294.2 and jopt == pnet * fnca * 1257.0
