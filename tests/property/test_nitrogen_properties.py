"""Property tests (hypothesis) of the nitrogen kernels: no pool goes negative, N (and C) is conserved.

Kernels are chained the way CLM5.0 calls them within a step (``CNDriverMod.F90``): potential decomposition →
nitrification / denitrification → competition → FUN → N-limited decomposition → mineral N update → leaching.
Units are the kernels' canonical units (``tpcarbon.physics``).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpcarbon.params.fixed import DENITRIF_NO3, DENITRIF_RESP, NITRIF_N2O_LOSS_FRAC
from tpcarbon.params.pft import NPFT, load_params
from tpcarbon.physics import fun
from tpcarbon.physics import plant_n as pn
from tpcarbon.physics import soil_n as sn

P = load_params()
PFT = P.pft
SP = P.scalar
PM = P.pft_matrix
SETTINGS = settings(max_examples=150, deadline=None)


def fin(lo, hi):
    """Finite floats in [lo, hi]."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def vec(lo, hi, n):
    """A float64 array of n finite floats in [lo, hi]."""
    return st.lists(fin(lo, hi), min_size=n, max_size=n).map(lambda v: np.array(v, dtype=np.float64))


def _cascade(texture_t=0.442, f13=0.00717):
    rf = np.zeros(sn.NTRANS)
    pf = np.zeros(sn.NTRANS)
    sn.calc_cascade_fractions(SP.rf_l1s1_bgc, SP.rf_l2s1_bgc, SP.rf_l3s2_bgc, SP.rf_s2s1_bgc, SP.rf_s2s3_bgc,
                              SP.rf_s3s1_bgc, SP.rf_cwdl2_bgc, SP.rf_cwdl3_bgc, texture_t, f13, SP.cwd_fcel,
                              SP.cwd_flig, rf, pf)
    return rf, pf


RF, PF = _cascade()
COMPET = (SP.compet_plant_nh4, SP.compet_plant_no3, SP.compet_decomp_nh4, SP.compet_decomp_no3, SP.compet_nit,
          SP.compet_denit)


# ============================================================================ competition

@SETTINGS
@given(nh4=fin(0.0, 5.0), no3=fin(0.0, 5.0), plant=fin(0.0, 1e-4), immob=fin(0.0, 1e-3), nit=fin(0.0, 1e-4),
       denit=fin(0.0, 1e-4), compet=vec(0.1, 3.0, 6), dt=st.sampled_from([1800.0, 10800.0, 86400.0]))
def test_competition_never_overdraws_and_offers_the_rest(nh4, no3, plant, immob, nit, denit, compet, dt):
    """Immobilisers, nitrifiers/denitrifiers and the FUN offer together use exactly the layer's NH4 (NO3);
    every flux ≥ 0; immobilisation ≤ potential; 0 ≤ f_pi ≤ 1 (SoilBiogeochemCompetitionMod, FUN branch)."""
    i4, i3, fnit, fden, u4, u3, fpi = sn.calc_n_competition(nh4, no3, plant, immob, nit, denit, *compet, dt)
    tol = 1e-12
    for x in (i4, i3, fnit, fden):
        assert x >= 0.0
    assert u4 >= -tol * nh4 / dt and u3 >= -tol * no3 / dt
    assert (i4 + fnit + u4) * dt == pytest.approx(nh4, rel=1e-12, abs=1e-300)
    assert (i3 + fden + u3) * dt == pytest.approx(no3, rel=1e-12, abs=1e-300)
    assert i4 + i3 <= immob * (1 + 1e-12) and fnit <= nit and fden <= denit
    assert -1e-12 <= fpi <= 1.0 + 1e-12
    if immob > 0.0:
        assert fpi == pytest.approx((i4 + i3) / immob, rel=1e-12, abs=1e-15)


# ============================================================================ decomposition

@st.composite
def soil_layer(draw):
    """Decomposing pools with C:N in CLM's range, rates with k Δt ≤ 1, and an f_pi."""
    c = draw(vec(0.0, 5000.0, 7))
    cn_lit = draw(vec(10.0, 500.0, 4))
    n = c.copy()
    n[:4] = c[:4] / cn_lit
    n[4] = c[4] / SP.cn_s1_bgc
    n[5] = c[5] / SP.cn_s2_bgc
    n[6] = c[6] / SP.cn_s3_bgc
    dt = draw(st.sampled_from([1800.0, 10800.0, 86400.0]))
    k = draw(vec(0.0, 1.0, 7)) / dt
    fpi = draw(fin(0.0, 1.0))
    return c, n, k, fpi, dt


@SETTINGS
@given(layer=soil_layer())
def test_decomposition_conserves_c_and_n_and_keeps_pools_positive(layer):
    """Σ C' + HR = Σ C and Σ N' + net mineralisation = Σ N exactly; no pool < 0 when k Δt ≤ 1; actual
    immobilisation = f_pi × potential (SoilBiogeochemPotential/Decomp, NStateUpdate1)."""
    c, n, k, fpi, dt = layer
    cn = np.zeros(7)
    sn.calc_decomp_pool_cn(c, n, SP.cn_s1_bgc, SP.cn_s2_bgc, SP.cn_s3_bgc, cn)
    pl, pm = np.zeros(sn.NTRANS), np.zeros(sn.NTRANS)
    immob, gross, phr = sn.calc_decomp_potential_n(c, n, k, RF, PF, cn, pl, pm)
    la, ma, tn = np.zeros(sn.NTRANS), np.zeros(sn.NTRANS), np.zeros(sn.NTRANS)
    hr, net = sn.calc_decomp_actual_n(c, n, cn, RF, fpi, pl, pm, la, ma, tn)
    co, no = np.zeros(7), np.zeros(7)
    hr_step, dmin = sn.calc_decomp_cn_update(c, n, la, RF, tn, ma, dt, co, no)
    scale_c = c.sum() + 1.0
    scale_n = n.sum() + 1e-3
    assert co.sum() + hr_step == pytest.approx(c.sum(), rel=1e-12, abs=1e-12 * scale_c)
    assert no.sum() + dmin == pytest.approx(n.sum(), rel=1e-12, abs=1e-12 * scale_n)
    assert hr_step == pytest.approx(hr * dt, rel=1e-12, abs=1e-300)
    assert dmin == pytest.approx(net * dt, rel=1e-12, abs=1e-12 * scale_n)
    assert np.all(co >= -1e-12 * scale_c) and np.all(no >= -1e-12 * scale_n)
    assert gross >= 0.0 and immob >= 0.0 and phr >= 0.0 and hr <= phr * (1 + 1e-12)
    assert sum(m for m in ma if m > 0.0) == pytest.approx(fpi * immob, rel=1e-12, abs=1e-300)


# ============================================================================ one layer, one step, chained

@st.composite
def mineral_layer(draw):
    c, n, k, _, dt = draw(soil_layer())
    return dict(c=c, n=n, k=k, dt=dt, nh4=draw(fin(0.0, 3.0)), no3=draw(fin(0.0, 3.0)),
                plant=draw(fin(0.0, 5e-5)), take=draw(vec(0.0, 1.0, 2)), t=draw(fin(0.1, 1.2)),
                w=draw(fin(0.0, 1.0)), fanox=draw(fin(0.0, 1.0)), inp=draw(fin(0.0, 1e-6)),
                liq=draw(fin(0.0, 60.0)), drain=draw(fin(0.0, 1e-4)), surf=draw(fin(0.0, 1e-4)))


@SETTINGS
@given(s=mineral_layer())
def test_one_step_of_the_layer_n_cycle_keeps_nh4_no3_positive_and_closes_n(s):
    """Potential → competition → plant takes a share of the offer → f_pi-limited decomposition → NH4/NO3
    update → leaching: NH4, NO3 ≥ 0 and ΔN_total = inputs − plant uptake − denitrification − nitrification
    N2O − leaching (CNBalanceCheck's terms for one layer)."""
    c, n, k, dt = s["c"], s["n"], s["k"], s["dt"]
    cn = np.zeros(7)
    sn.calc_decomp_pool_cn(c, n, SP.cn_s1_bgc, SP.cn_s2_bgc, SP.cn_s3_bgc, cn)
    pl, pm = np.zeros(10), np.zeros(10)
    immob, gross, phr = sn.calc_decomp_potential_n(c, n, k, RF, PF, cn, pl, pm)
    pot_nit = sn.calc_potential_nitrification(s["nh4"], s["t"], s["w"], 0.1 / 86400.0,
                                              sn.calc_nitrif_ph_scalar(6.5), s["fanox"])
    dz = 0.1
    pot_den = sn.calc_potential_denitrification(s["no3"], phr, 1350.0, s["liq"], dz, s["fanox"],
                                                *DENITRIF_RESP, *DENITRIF_NO3)
    i4, i3, fnit, fden, u4, u3, fpi = sn.calc_n_competition(s["nh4"], s["no3"], s["plant"], immob, pot_nit,
                                                            pot_den, *COMPET, dt)
    up4 = max(u4, 0.0) * s["take"][0]
    up3 = max(u3, 0.0) * s["take"][1]
    la, ma, tn = np.zeros(10), np.zeros(10), np.zeros(10)
    sn.calc_decomp_actual_n(c, n, cn, RF, fpi, pl, pm, la, ma, tn)
    co, no = np.zeros(7), np.zeros(7)
    _, dmin = sn.calc_decomp_cn_update(c, n, la, RF, tn, ma, dt, co, no)
    # mineralised N enters NH4 as gross mineralisation; immobilisation leaves NH4 (i4) and NO3 (i3)
    nh4, no3, n2o = sn.calc_mineral_n_update(s["nh4"], s["no3"], s["inp"], gross, i4, i3, up4, up3, fnit,
                                             fden, NITRIF_N2O_LOSS_FRAC, dt)
    scale = s["nh4"] + s["no3"] + n.sum() + 1e-6
    assert nh4 >= -1e-12 * scale and no3 >= -1e-12 * scale
    assert np.all(no >= -1e-12 * scale)
    # decomposition's mineral balance equals what the mineral update used: G − (I4 + I3) = net mineralisation
    assert (gross - i4 - i3) * dt == pytest.approx(dmin, rel=1e-9, abs=1e-11 * scale)
    le, ro = np.zeros(1), np.zeros(1)
    no3_arr = np.array([max(no3, 0.0)])
    sn.calc_no3_leaching_column(no3_arr, np.array([s["liq"]]), np.array([dz]), np.array([dz]), s["drain"],
                                s["surf"], SP.sf_no3, dt, 1, le, ro)
    assert (le[0] + ro[0]) * dt <= no3_arr[0] * (1 + 1e-12) + 1e-300
    no3_end = no3_arr[0] - (le[0] + ro[0]) * dt
    before = s["nh4"] + s["no3"] + n.sum()
    after = nh4 + no3_end + no.sum()
    flux = (s["inp"] - up4 - up3 - fden - n2o - le[0] - ro[0]) * dt
    assert after - before == pytest.approx(flux, rel=1e-9, abs=1e-11 * scale)


# ============================================================================ FUN

@st.composite
def fun_patch(draw):
    nl = draw(st.integers(1, 4))
    ip = draw(st.integers(1, NPFT - 1))
    dt = draw(st.sampled_from([1800.0, 10800.0]))
    root = draw(vec(0.0, 1.0, nl))
    root = root / root.sum() if root.sum() > 0 else np.full(nl, 1.0 / nl)
    leafc = draw(fin(0.0, 300.0))
    lctl = draw(fin(0.0, 1.0)) * leafc / dt           # at most the whole leaf in a step
    return dict(ip=ip, nl=nl, dt=dt, availc=draw(fin(0.0, 5e-4)), leafc=leafc,
                leafn=leafc / draw(fin(10.0, 120.0)), lstor=draw(fin(0.0, 50.0)), nstor=draw(fin(0.0, 1.0)),
                frootc=draw(fin(0.0, 400.0)), lctl=lctl, offset=draw(st.sampled_from([0.0, 1.0])),
                crootfr=root, tsoil=draw(vec(253.0, 303.0, nl)), no3=draw(vec(0.0, 1e-4, nl)),
                nh4=draw(vec(0.0, 1e-4, nl)), liq=draw(vec(0.0, 50.0, nl)), dz=draw(vec(0.02, 0.5, nl)),
                flex=draw(st.booleans()))


def _call_fun(s):
    ip, nl = s["ip"], s["nl"]
    c_allom = 1.0 + PFT.froot_leaf[ip]
    n_allom = 1.0 / PFT.leafcn[ip] + PFT.froot_leaf[ip] / PFT.frootcn[ip]
    if PFT.woody[ip] > 0:
        f3, f2, f4 = PFT.stem_leaf[ip], PFT.croot_stem[ip], PFT.flivewd[ip]
        c_allom += f3 * (1 + f2)
        n_allom += f3 * f4 * (1 + f2) / PFT.livewdcn[ip] + f3 * (1 - f4) * (1 + f2) / PFT.deadwdcn[ip]
    out = np.zeros(fun.NFUNOUT)
    no3, nh4 = np.zeros(nl), np.zeros(nl)
    work = np.zeros((fun.FUN_NWORK, nl))
    fun.calc_fun(PM, ip, s["availc"], pn.calc_plant_ndemand_fun(s["availc"], c_allom, n_allom), s["leafc"],
                 s["leafn"], s["lstor"], s["nstor"], s["frootc"], s["lctl"], s["offset"], c_allom, n_allom,
                 s["crootfr"], s["tsoil"], s["no3"], s["nh4"], s["liq"], s["dz"], nl, s["dt"], s["flex"], no3,
                 nh4, out, work)
    return out, no3, nh4


@SETTINGS
@given(s=fun_patch())
def test_fun_never_takes_more_n_than_offered_and_closes_carbon(s):
    """Soil uptake per layer and form ≤ the competition's offer; retranslocation ≤ the N of the falling
    leaves; N fluxes ≥ 0; N_uptake = soil + fixation + retranslocation;
    availc = npp_Nuptake + (1 + g1) npp_growth (CNFUN; C below the 1e-13 burn threshold is the only slack)."""
    out, no3, nh4 = _call_fun(s)
    dt = s["dt"]
    assert np.all(no3 >= 0.0) and np.all(nh4 >= 0.0)
    assert np.all(no3 <= s["no3"] * (1 + 1e-12)) and np.all(nh4 <= s["nh4"] * (1 + 1e-12))
    for i in (fun.FUN_NFIX, fun.FUN_NACTIVE_NO3, fun.FUN_NACTIVE_NH4, fun.FUN_NNONMYC_NO3,
              fun.FUN_NNONMYC_NH4, fun.FUN_NRETRANS_PAID, fun.FUN_NRETRANS_FREE, fun.FUN_NPP_GROWTH,
              fun.FUN_BURNED_C, fun.FUN_EXCESS_C):
        assert out[i] >= 0.0
    soil = float(((no3 + nh4) * s["dz"]).sum())
    soil_out = (out[fun.FUN_NACTIVE_NO3] + out[fun.FUN_NACTIVE_NH4] + out[fun.FUN_NNONMYC_NO3]
                + out[fun.FUN_NNONMYC_NH4])
    assert soil == pytest.approx(soil_out, rel=1e-10, abs=1e-25)
    assert out[fun.FUN_NUPTAKE] == pytest.approx(soil + out[fun.FUN_NFIX] + out[fun.FUN_NRETRANS_PAID]
                                                 + out[fun.FUN_NRETRANS_FREE], rel=1e-10, abs=1e-25)
    falling_n = s["leafn"] * s["lctl"] / s["leafc"] if s["leafc"] > 0 else 0.0
    assert out[fun.FUN_NRETRANS_PAID] + out[fun.FUN_NRETRANS_FREE] <= falling_n * (1 + 1e-10) + 1e-25
    g1 = PFT.grperc[s["ip"]]
    closure = out[fun.FUN_NPP_NUPTAKE] + (1 + g1) * out[fun.FUN_NPP_GROWTH] - s["availc"]
    assert abs(closure) <= 1e-11 * s["availc"] + 8 * 1e-13 / dt


@SETTINGS
@given(s=fun_patch())
def test_fun_leaf_litter_and_leaf_n_stay_positive(s):
    """After FUN, the litterfall split (CNOffsetLitterfall with FUN) conserves the leaf N leaving
    (litter + retranslocated = F_C N/C) and leaves leaf N ≥ 0."""
    out, _, _ = _call_fun(s)
    rt = out[fun.FUN_NRETRANS_PAID] + out[fun.FUN_NRETRANS_FREE]
    lit, tr, cn_off = pn.calc_leaf_litter_n_fun(s["lctl"], s["leafc"], s["leafn"], rt, PFT.leafcn[s["ip"]],
                                                s["dt"])
    assert lit >= 0.0 and tr >= -1e-18
    if s["leafc"] > 0:
        assert lit + tr == pytest.approx(s["lctl"] * (s["leafn"] / s["leafc"]), rel=1e-12, abs=1e-300)
        assert s["leafn"] - (lit + tr) * s["dt"] >= -1e-12 * s["leafn"]
    assert cn_off > 0.0


@SETTINGS
@given(nlc=st.one_of(st.just(0.0), fin(1e-15, 1e-5)), fcur=fin(0.0, 1.0), ip=st.integers(1, NPFT - 1),
       npool=fin(0.0, 5.0))
def test_npool_allocation_hands_out_exactly_the_pool(nlc, fcur, ip, npool):
    """CN_partition_opt = 1: Σ N to tissues × Δt = npool when there is new growth, every flux ≥ 0."""
    out = np.zeros(pn.NNALLOC)
    pn.calc_npool_allocation(nlc, fcur, PFT.froot_leaf[ip], PFT.croot_stem[ip], PFT.stem_leaf[ip],
                             PFT.flivewd[ip], PFT.woody[ip], PFT.leafcn[ip], PFT.frootcn[ip],
                             PFT.livewdcn[ip], PFT.deadwdcn[ip], npool, 1800.0, out)
    assert np.all(out >= 0.0)
    if nlc > 0.0:
        assert out.sum() * 1800.0 == pytest.approx(npool, rel=1e-12, abs=1e-300)
    else:
        assert out.sum() == 0.0


@SETTINGS
@given(no3=vec(0.0, 5.0, 5), liq=vec(0.0, 80.0, 5), dz=vec(0.01, 0.5, 5), drain=fin(0.0, 1e-3),
       surf=fin(0.0, 1e-3), dt=st.sampled_from([1800.0, 10800.0]))
def test_leaching_and_runoff_never_exceed_the_nitrate(no3, liq, dz, drain, surf, dt):
    """SoilBiogeochemNLeaching: 0 ≤ L_j, R_j and (L_j + R_j) Δt ≤ NO3_j; the column totals are Σ rate × Δz."""
    zi = np.cumsum(dz)
    le, ro = np.zeros(5), np.zeros(5)
    tl, tr = sn.calc_no3_leaching_column(no3, liq, dz, zi, drain, surf, SP.sf_no3, dt, 5, le, ro)
    assert np.all(le >= 0.0) and np.all(ro >= 0.0)
    assert np.all((le + ro) * dt <= no3 * (1 + 1e-12) + 1e-300)
    assert tl == pytest.approx(float((le * dz).sum()), rel=1e-12, abs=1e-300)
    assert tr == pytest.approx(float((ro * dz).sum()), rel=1e-12, abs=1e-300)


@SETTINGS
@given(tc=fin(-20.0, 40.0), s=fin(-10.0, -1.0))
def test_fixation_cost_positive_and_coldest_is_dearest_below_optimum(tc, s):
    """c_fix > 0 and decreasing in T up to the optimum T = c (25.15 °C)."""
    ip = 13
    a, b, c = PFT.a_fix[ip], PFT.b_fix[ip], PFT.c_fix[ip]
    cost = fun.calc_fun_cost_fix(1, a, b, c, s, 0.5, tc)
    assert cost > 0.0 and math.isfinite(cost)
    if tc < c - 1.0:
        assert fun.calc_fun_cost_fix(1, a, b, c, s, 0.5, tc + 1.0) < cost
