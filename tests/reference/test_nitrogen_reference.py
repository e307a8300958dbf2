"""Nitrogen kernels against values worked out by hand from the CTSM release-clm5.0 formulas.

Every expected value below is computed in the test with plain float64 ``math`` arithmetic, transcribing the
formula of the CTSM routine named in the test (``CNFUNMod.F90``, ``SoilBiogeochemCompetitionMod.F90``,
``SoilBiogeochemPotentialMod.F90``, ``SoilBiogeochemDecompMod.F90``, ``SoilBiogeochemNitrifDenitrifMod.F90``,
``SoilBiogeochemNLeachingMod.F90``, ``CNNDynamicsMod.F90``, ``CNPhenologyMod.F90``,
``NutrientCompetitionFlexibleCNMod.F90``); no kernel is called to build a reference. Parameters are those of
the CLM5.0 file ``clm5_params.c171117.nc`` (read, not computed).
"""

import math

import numpy as np
import pytest

from tpcarbon.params.fixed import (
    DENITRIF_NO3,
    DENITRIF_RESP,
    FREELIVFIX_INTERCEPT,
    FREELIVFIX_SLOPE_WET,
    K_NITR_MAX_PERDAY,
    NITRIF_N2O_LOSS_FRAC,
    SOIL_PH,
)
from tpcarbon.params.pft import load_params
from tpcarbon.physics import fun
from tpcarbon.physics import plant_n as pn
from tpcarbon.physics import soil_bgc as bgc
from tpcarbon.physics import soil_n as sn

P = load_params()
PFT = P.pft
SP = P.scalar
PM = P.pft_matrix
BIG = 1.0e9
DT = 1800.0


# =============================================================================== FUN (CNFUNMod.F90)

@pytest.mark.reference
@pytest.mark.parametrize("tc", [-5.0, 0.0, 5.0, 10.0, 15.0, 25.15, 35.0])
def test_symbiotic_fixation_cost_vs_soil_temperature(tc):
    """fun_cost_fix (l.1606): −s/(1.25 exp(a + b T (1 − 0.5 T/c))); lowest at T = c (6.0096 g C g-1 N at
    25.15 °C), rising steeply in cold soil."""
    ip = 13
    a, b, c, s = PFT.a_fix[ip], PFT.b_fix[ip], PFT.c_fix[ip], PFT.s_fix[ip]
    expected = (-s) / (1.25 * math.exp(a + b * tc * (1.0 - 0.5 * tc / c)))
    assert fun.calc_fun_cost_fix(1, a, b, c, s, 0.2, tc) == pytest.approx(expected, rel=1e-12)
    # no roots in the layer, or a non-fixer (C4 in CLM5.0): big_cost
    assert fun.calc_fun_cost_fix(1, a, b, c, s, 1e-7, tc) == BIG
    assert fun.calc_fun_cost_fix(0, a, b, c, s, 0.2, tc) == BIG


@pytest.mark.reference
def test_fixation_cost_values_at_plateau_temperatures():
    """Hand values with the nominal Houlton parameters a = −3.62, b = 0.27, c = 25.15, s = −6."""
    a, b, c, s = -3.62, 0.27, 25.15, -6.0
    for tc, val in [(0.0, 6.0 / (1.25 * math.exp(-3.62))),
                    (10.0, 6.0 / (1.25 * math.exp(-3.62 + 2.7 * (1.0 - 5.0 / 25.15)))),
                    (25.15, 6.0 / (1.25 * math.exp(-3.62 + 0.27 * 25.15 / 2.0)))]:
        assert fun.calc_fun_cost_fix(1, a, b, c, s, 0.5, tc) == pytest.approx(val, rel=1e-12)
    assert 6.0 / (1.25 * math.exp(-3.62)) == pytest.approx(179.23, abs=0.01)   # 0 °C: fixation is costly


@pytest.mark.reference
def test_uptake_costs_per_pathway():
    """fun_cost_active / fun_cost_nonmyc (l.1632, l.1660): k_n/N + k_c/C_root; big_cost below the minima."""
    ip = 13
    n_layer, rootc = 2.7e-3, 42.0
    assert fun.calc_fun_cost_uptake(n_layer, PFT.kc_nonmyc[ip], PFT.kn_nonmyc[ip], rootc) == \
        pytest.approx(0.012 / 2.7e-3 + 0.72 / 42.0, rel=1e-12)
    assert fun.calc_fun_cost_uptake(n_layer, PFT.akc_active[ip], PFT.akn_active[ip], rootc) == \
        pytest.approx(0.12 / 2.7e-3 + 0.06 / 42.0, rel=1e-12)
    assert fun.calc_fun_cost_uptake(n_layer, PFT.ekc_active[ip], PFT.ekn_active[ip], rootc) == \
        pytest.approx(0.06 / 2.7e-3 + 0.36 / 42.0, rel=1e-12)
    assert fun.calc_fun_cost_uptake(1e-13, 0.72, 0.012, rootc) == BIG
    assert fun.calc_fun_cost_uptake(n_layer, 0.72, 0.012, 1e-7) == BIG


def _hand_fun(ip, availc, leafc, leafn, frootc, crootfr, tsoil, no3_rate, nh4_rate, dz, dt):
    """CNFUN (l.780-1560) transcribed for a patch without litterfall, both mycorrhizal steps and fixer
    branches, as plain float arithmetic. Returns per-second N by pathway, npp_Nuptake, npp_growth, and the
    per-layer soil uptake [g N m-3 s-1]."""
    nl = len(dz)
    cnl, cnfr, f1, g1 = PFT.leafcn[ip], PFT.frootcn[ip], PFT.froot_leaf[ip], PFT.grperc[ip]
    c_allom = 1.0 + f1
    n_allom = 1.0 / cnl + f1 / cnfr
    plant_cn = c_allom / n_allom
    fixer = 1 if PFT.c3psn[ip] == 1.0 else 0
    res = {"fix": 0.0, "act_no3": 0.0, "act_nh4": 0.0, "nmc_no3": 0.0, "nmc_nh4": 0.0, "c": 0.0, "burn": 0.0,
           "excess": 0.0}
    no3_vr = [0.0] * nl
    nh4_vr = [0.0] * nl
    for step in ("ecm", "am"):
        pm = PFT.perecm[ip] if step == "ecm" else 1.0 - PFT.perecm[ip]
        kca = PFT.ekc_active[ip] if step == "ecm" else PFT.akc_active[ip]
        kna = PFT.ekn_active[ip] if step == "ecm" else PFT.akn_active[ip]
        no3 = [no3_rate[j] * dz[j] * dt * pm for j in range(nl)]
        nh4 = [nh4_rate[j] * dz[j] * dt * pm for j in range(nl)]
        root = [crootfr[j] * frootc * pm for j in range(nl)]

        def upcost(n, kc, kn, r):
            return kn / n + kc / r if (r > 1e-6 and n > 1e-12) else BIG

        cfix = []
        for j in range(nl):
            tc = tsoil[j] - 273.15
            cfix.append((-PFT.s_fix[ip]) / (1.25 * math.exp(PFT.a_fix[ip] + PFT.b_fix[ip] * tc
                                                            * (1.0 - 0.5 * tc / PFT.c_fix[ip])))
                        if (fixer == 1 and crootfr[j] > 1e-6) else BIG)
        ca3 = [upcost(no3[j], kca, kna, root[j]) for j in range(nl)]
        ca4 = [upcost(nh4[j], kca, kna, root[j]) for j in range(nl)]
        cn3 = [upcost(no3[j], PFT.kc_nonmyc[ip], PFT.kn_nonmyc[ip], root[j]) for j in range(nl)]
        cn4 = [upcost(nh4[j], PFT.kc_nonmyc[ip], PFT.kn_nonmyc[ip], root[j]) for j in range(nl)]
        for fixing in (True, False):
            ff = PFT.FUN_fracfixers[ip] if fixing else 1.0 - PFT.FUN_fracfixers[ip]
            spend = availc * dt * pm * ff
            if availc * dt * pm * n_allom / c_allom <= 0.0:
                continue
            g = sum(1 / ca3[j] + 1 / ca4[j] + 1 / cn3[j] + 1 / cn4[j] + (1 / cfix[j] if fixing else 0.0)
                    for j in range(nl))
            acq = sum((1 / ca3[j]) ** 2 + (1 / ca4[j]) ** 2 + (1 / cn3[j]) ** 2 + (1 / cn4[j]) ** 2
                      + ((1 / cfix[j]) ** 2 if fixing else 0.0) for j in range(nl)) / g
            r = 1.0 / acq
            delta = (leafc / leafn) - cnl
            f = max(0.0, 1.0 - (r - PFT.fun_cn_flex_a[ip]) / PFT.fun_cn_flex_b[ip])
            if delta > 0 and f < 1:
                f = f + (1 - f) * min(1.0, delta / PFT.fun_cn_flex_c[ip])
            if delta < 0:
                f = f + 0.5 * delta / PFT.fun_cn_flex_c[ip]
            f = max(min(1.0, f), 0.5)
            excess = spend * (1 - f)
            if excess * (1 + g1) > spend:
                excess = spend / (1 + g1)
            spend -= excess * (1 + g1)
            res["excess"] += excess
            dnpp = spend / ((1 + g1) * plant_cn / r + 1.0) * f
            for j in range(nl):
                na3 = (1 / ca3[j]) / g * dnpp / ca3[j]
                nn3 = (1 / cn3[j]) / g * dnpp / cn3[j]
                na4 = (1 / ca4[j]) / g * dnpp / ca4[j]
                nn4 = (1 / cn4[j]) / g * dnpp / cn4[j]
                nfx = (1 / cfix[j]) / g * dnpp / cfix[j] if fixing else 0.0
                if na3 + nn3 > no3[j] * ff:            # scale both down to the NO3 offered
                    s3 = no3[j] * ff / (na3 + nn3)
                    na3, nn3 = na3 * s3, nn3 * s3
                if na4 + nn4 > nh4[j] * ff:
                    s4 = nh4[j] * ff / (na4 + nn4)
                    na4, nn4 = na4 * s4, nn4 * s4
                c_spent = na3 * ca3[j] + nn3 * cn3[j] + na4 * ca4[j] + nn4 * cn4[j] + nfx * cfix[j]
                spend -= c_spent + (na3 + nn3 + na4 + nn4 + nfx) * plant_cn * (1 + g1)
                res["fix"] += nfx
                res["act_no3"] += na3
                res["act_nh4"] += na4
                res["nmc_no3"] += nn3
                res["nmc_nh4"] += nn4
                res["c"] += c_spent
                no3_vr[j] += (na3 + nn3) / (dz[j] * dt)
                nh4_vr[j] += (na4 + nn4) / (dz[j] * dt)
            if spend >= 1e-13:
                res["burn"] += spend
    n_tot = res["fix"] + res["act_no3"] + res["act_nh4"] + res["nmc_no3"] + res["nmc_nh4"]
    return {"nfix": res["fix"] / dt, "act_no3": res["act_no3"] / dt, "act_nh4": res["act_nh4"] / dt,
            "nmc_no3": res["nmc_no3"] / dt, "nmc_nh4": res["nmc_nh4"] / dt,
            "npp_nuptake": (res["c"] + res["burn"]) / dt, "burn": res["burn"] / dt,
            "npp_growth": n_tot / dt * plant_cn + res["excess"] / dt, "no3_vr": no3_vr, "nh4_vr": nh4_vr,
            "plant_cn": plant_cn, "c_allom": c_allom, "n_allom": n_allom}


FUN_CASE = dict(leafc=40.0, leafn=1.25, frootc=60.0, crootfr=[0.7, 0.3], tsoil=[288.15, 283.15],
                no3_rate=[1e-5, 2e-6], nh4_rate=[3e-5, 5e-7], dz=[0.05, 0.1])


def _run_fun(ip, availc, case):
    nl = len(case["dz"])
    out = np.zeros(fun.NFUNOUT)
    no3 = np.zeros(nl)
    nh4 = np.zeros(nl)
    work = np.zeros((fun.FUN_NWORK, nl))
    c_allom = 1.0 + PFT.froot_leaf[ip]
    n_allom = 1.0 / PFT.leafcn[ip] + PFT.froot_leaf[ip] / PFT.frootcn[ip]
    fun.calc_fun(PM, ip, availc, availc * n_allom / c_allom, case["leafc"], case["leafn"], 0.0, 0.0,
                 case["frootc"], 0.0, 0.0, c_allom, n_allom, np.array(case["crootfr"]),
                 np.array(case["tsoil"]), np.array(case["no3_rate"]), np.array(case["nh4_rate"]),
                 np.array([10.0, 20.0]), np.array(case["dz"]), nl, DT, True, no3, nh4, out, work)
    return out, no3, nh4


@pytest.mark.reference
@pytest.mark.parametrize("ip", [13, 12, 14])     # AM grass, ECM grass (perecm = 1), C4 non-fixer
@pytest.mark.parametrize("availc", [2e-5, 2e-4])  # soil N ample / caps binding and C burned
def test_fun_partitioned_uptake_matches_hand_computation(ip, availc):
    """FUN for a two-layer soil: N by pathway, per-layer uptake, C spent, C for growth (CNFUN l.780-1560)."""
    ref = _hand_fun(ip, availc, **FUN_CASE, dt=DT)
    out, no3, nh4 = _run_fun(ip, availc, FUN_CASE)
    assert out[fun.FUN_NFIX] == pytest.approx(ref["nfix"], rel=1e-10, abs=1e-30)
    assert out[fun.FUN_NACTIVE_NO3] == pytest.approx(ref["act_no3"], rel=1e-10)
    assert out[fun.FUN_NACTIVE_NH4] == pytest.approx(ref["act_nh4"], rel=1e-10)
    assert out[fun.FUN_NNONMYC_NO3] == pytest.approx(ref["nmc_no3"], rel=1e-10)
    assert out[fun.FUN_NNONMYC_NH4] == pytest.approx(ref["nmc_nh4"], rel=1e-10)
    assert out[fun.FUN_NPP_NUPTAKE] == pytest.approx(ref["npp_nuptake"], rel=1e-10)
    assert out[fun.FUN_BURNED_C] == pytest.approx(ref["burn"], rel=1e-10, abs=1e-25)
    assert out[fun.FUN_NPP_GROWTH] == pytest.approx(ref["npp_growth"], rel=1e-10)
    np.testing.assert_allclose(no3, ref["no3_vr"], rtol=1e-10)
    np.testing.assert_allclose(nh4, ref["nh4_vr"], rtol=1e-10)
    # carbon: availc = npp_Nuptake + (1 + g1) npp_growth; soil N taken <= N offered, per layer
    assert out[fun.FUN_NPP_NUPTAKE] + (1 + PFT.grperc[ip]) * out[fun.FUN_NPP_GROWTH] == pytest.approx(availc,
                                                                                                     rel=1e-12)
    assert np.all(no3 <= np.array(FUN_CASE["no3_rate"]) * (1 + 1e-12))
    assert np.all(nh4 <= np.array(FUN_CASE["nh4_rate"]) * (1 + 1e-12))


@pytest.mark.reference
def test_fun_caps_bind_and_burn_carbon_when_soil_n_is_short():
    """With 2e-4 g C m-2 s-1 the cheapest pool (layer-1 NH4) caps: uptake = offer, in both fixer branches;
    the C that finds no N is burned off (respired in npp_Nuptake), as CLM does (l.1309-1402)."""
    out, no3, nh4 = _run_fun(13, 2e-4, FUN_CASE)
    assert nh4[0] == pytest.approx(FUN_CASE["nh4_rate"][0], rel=1e-12)
    assert nh4[1] < FUN_CASE["nh4_rate"][1] and np.all(no3 < np.array(FUN_CASE["no3_rate"]))
    assert out[fun.FUN_BURNED_C] > 0.0


@pytest.mark.reference
def test_pathway_fractions_and_whole_soil_cost():
    """COST_METHOD 2 (l.1132-1189): φ = (1/c)/Σ(1/c), R = 1/Σ(φ/c) — by hand for 1 layer, costs 2, 4, 8, 8."""
    c = np.full((fun.NPATH, 1), BIG)
    c[fun.P_ACT_NO3, 0], c[fun.P_ACT_NH4, 0], c[fun.P_NMC_NO3, 0], c[fun.P_NMC_NH4, 0] = 2.0, 4.0, 8.0, 8.0
    frac = np.zeros((fun.NPATH, 1))
    g = 1 / 2 + 1 / 4 + 1 / 8 + 1 / 8
    r_ref = 1.0 / ((1 / 4 + 1 / 16 + 1 / 64 + 1 / 64) / g)
    assert fun.calc_fun_pathway_fractions(c, False, 1, frac) == pytest.approx(r_ref, rel=1e-14)
    assert frac[fun.P_ACT_NO3, 0] == pytest.approx(0.5 / g)
    assert frac[fun.P_FIX, 0] == 0.0
    # fixing branch: big_cost fixation adds 1e-9 to the conductance
    r_fix = fun.calc_fun_pathway_fractions(c, True, 1, frac)
    g2 = g + 1e-9
    assert r_fix == pytest.approx(1.0 / ((1 / 4 + 1 / 16 + 1 / 64 + 1 / 64 + 1e-18) / g2), rel=1e-14)


@pytest.mark.reference
def test_flexible_cn_fraction_branches():
    """l.1225-1250: f0 = max(0, 1 − (R − a)/b); raised by (1 − f0) min(1, Δ/c) if Δ > 0; lowered by 0.5 Δ/c if
    Δ < 0; clamped to [0.5, 1]."""
    a, b, c = 5.0, 100.0, 8.0
    # R = 45, leaf C:N 32 vs 28: f0 = 0.6, Δ = 4 -> 0.6 + 0.4 * 0.5 = 0.8
    assert fun.calc_fun_flex_cn_fraction(45.0, 32.0, 1.0, 1.0, 28.0, a, b, c) == pytest.approx(0.8, rel=1e-14)
    # leaf C:N 24 (Δ = −4): f0 = 0.6 − 0.25 = 0.35 -> clamped to 0.5
    assert fun.calc_fun_flex_cn_fraction(45.0, 24.0, 1.0, 1.0, 28.0, a, b, c) == 0.5
    # R = 15, Δ = −2: 0.9 − 0.125 = 0.775
    f = fun.calc_fun_flex_cn_fraction(15.0, 26.0, 1.0, 1.0, 28.0, a, b, c)
    assert f == pytest.approx(0.775, rel=1e-14)
    # cheap N (R < a) at target: f0 = 1.05 -> 1
    assert fun.calc_fun_flex_cn_fraction(0.0, 28.0, 1.0, 1.0, 28.0, a, b, c) == 1.0
    # leaf N 0: Δ = c -> f = 1
    assert fun.calc_fun_flex_cn_fraction(45.0, 0.0, 0.0, 0.0, 28.0, a, b, c) == 1.0


@pytest.mark.reference
def test_retranslocation_free_and_paid_by_hand():
    """fun_retranslocation (l.1671-1797), first passes by hand: falling leaf C 1, N 0.04 (C:N 25), target 28,
    soil cost R = 20, C to spend 0.1, CN_plant 35, g1 0.11."""
    flc, fln, cnt, r, s, cnp, g1 = 1.0, 0.04, 28.0, 20.0, 0.1, 35.0, 0.11
    free = max(fln - flc / (1.5 * cnt), 0.0)
    n = fln - free                                # C:N now 42 = 1.5 target
    cn = flc / n
    cost = (1 / cnt) / (1 / cn) ** 1.3
    assert cost < r                               # cheaper than soil: paid retranslocation starts
    spent = acc = paid = 0.0
    left = s
    for _ in range(150):
        if not (cost < r and n >= 0.0):
            break
        dc = min(left, cost * (n - flc / (cn + 1.0)))
        dn = min(n, dc / cost)
        ac = dn * cnp * (1 + g1)
        n -= dn
        stop = False
        if n > 0:
            cn = flc / n
            cost = (1 / cnt) / (1 / cn) ** 1.3
        else:
            stop = True
        spent += dc
        acc += ac
        paid += dn
        left -= dc + ac
        if left <= 0:
            spent += left
            stop = True
        if cn >= 3 * cnt:
            stop = True
        if stop:
            break
    got = fun.calc_fun_retranslocation(s, flc, fln, r, cnt, g1, cnp)
    assert got[2] == pytest.approx(0.04 - 1.0 / 42.0, rel=1e-14)
    np.testing.assert_allclose(got, (spent, acc, free, paid), rtol=1e-13)
    assert got[0] + got[1] == pytest.approx(s, rel=1e-13)      # all the C used (spent + accounted)


# ======================================================== decomposition N and immobilisation limitation

def _cascade():
    rf = np.zeros(sn.NTRANS)
    pf = np.zeros(sn.NTRANS)
    t, f13 = 0.442, 0.00717
    sn.calc_cascade_fractions(SP.rf_l1s1_bgc, SP.rf_l2s1_bgc, SP.rf_l3s2_bgc, SP.rf_s2s1_bgc, SP.rf_s2s3_bgc,
                              SP.rf_s3s1_bgc, SP.rf_cwdl2_bgc, SP.rf_cwdl3_bgc, t, f13, SP.cwd_fcel,
                              SP.cwd_flig, rf, pf)
    return rf, pf, t, f13


@pytest.mark.reference
def test_potential_mineral_n_flux_per_transition():
    """SoilBiogeochemPotential (l.164-258): M = L (1 − rf − CN_r/CN_d)/CN_r; litter C:N floats, SOM fixed."""
    rf, pf, t, f13 = _cascade()
    c = np.array([300.0, 60.0, 120.0, 80.0, 150.0, 2000.0, 5000.0])
    n = np.array([1.0, 2.0, 1.5, 0.5, 150.0 / 8.0, 2000.0 / 11.0, 5000.0 / 11.0])
    k = np.array([1e-8, 6e-7, 1.5e-7, 1.5e-7, 2e-7, 6e-9, 1e-10])
    cn = np.zeros(7)
    sn.calc_decomp_pool_cn(c, n, SP.cn_s1_bgc, SP.cn_s2_bgc, SP.cn_s3_bgc, cn)
    pl = np.zeros(sn.NTRANS)
    pm = np.zeros(sn.NTRANS)
    immob, gross, phr = sn.calc_decomp_potential_n(c, n, k, rf, pf, cn, pl, pm)
    cn_ref = [300.0, 30.0, 80.0, 160.0, 8.0, 11.0, 11.0]
    # (donor, receiver, rf, pf) in CLM order
    trans = [(1, 4, 0.55, 1.0), (2, 4, 0.5, 1.0), (3, 5, 0.5, 1.0), (4, 5, t, 1 - f13), (4, 6, t, f13),
             (5, 4, 0.55, 0.42 / 0.45), (5, 6, 0.55, 0.03 / 0.45), (6, 4, 0.55, 1.0), (0, 2, 0.0, 0.76),
             (0, 3, 0.0, 0.24)]
    m_ref = []
    for d, r, rfi, pfi in trans:
        loss = c[d] * k[d] * pfi
        m_ref.append(0.0 if r < 4 else loss * (1 - rfi - cn_ref[r] / cn_ref[d]) / cn_ref[r])
    np.testing.assert_allclose(pm, m_ref, rtol=1e-13, atol=1e-30)
    # L1 (C:N 30) -> S1 immobilises: 60 * 6e-7 * (0.45/8 - 1/30)
    assert pm[sn.T_L1S1] == pytest.approx(60 * 6e-7 * (0.45 / 8 - 1 / 30), rel=1e-13)
    assert pm[sn.T_S2S1] < 0.0                     # SOM2 (11) -> SOM1 (8) with 55 % respired mineralises
    assert immob == pytest.approx(sum(m for m in m_ref if m > 0), rel=1e-13)
    assert gross == pytest.approx(-sum(m for m in m_ref if m <= 0), rel=1e-13)
    assert phr == pytest.approx(sum(c[d] * k[d] * pfi * rfi for d, _, rfi, pfi in trans), rel=1e-13)


@pytest.mark.reference
def test_fpi_with_an_immobilisation_deficit():
    """SoilBiogeochemCompetition (nitrif_denitrif, FUN; l.538-729): NH4 short, then NO3 short, by hand."""
    nh4, no3, dt = 0.5, 0.2, 10800.0
    plant, immob, nit, denit = 1e-5, 1e-4, 2e-5, 1e-6
    # NH4: demand * dt = 1.404 > 0.5 -> shares of the scaled demand (all competitivities 1)
    s4 = plant + immob + nit
    i4 = min(nh4 / dt * immob / s4, immob)
    fnit = min(nh4 / dt * nit / s4, nit)
    u4 = nh4 / dt - i4 - fnit
    # NO3: rest of the immobilisation demand, denitrification, plant demand
    rest = immob - i4
    s3 = plant + rest + denit
    assert s3 * dt > no3
    i3 = min(no3 / dt * rest / s3, rest)
    fden = min(no3 / dt * denit / s3, denit)
    u3 = no3 / dt - i3 - fden
    fpi = i4 / immob + i3 / immob
    got = sn.calc_n_competition(nh4, no3, plant, immob, nit, denit, SP.compet_plant_nh4, SP.compet_plant_no3,
                                SP.compet_decomp_nh4, SP.compet_decomp_no3, SP.compet_nit, SP.compet_denit,
                                dt)
    np.testing.assert_allclose(got, (i4, i3, fnit, fden, u4, u3, fpi), rtol=1e-13)
    assert fpi == pytest.approx(0.51429, abs=1e-5)      # (3.5613e-5 + 1.5816e-5) / 1e-4
    # everything offered or taken: the layer is emptied by the competition + FUN offer
    assert (got[0] + got[2] + got[4]) * dt == pytest.approx(nh4, rel=1e-13)
    # N-limited decomposition: immobilising transitions at fpi, mineralising ones untouched (Decomp l.174-190)
    rf, pf, _, _ = _cascade()
    c = np.array([0.0, 100.0, 0.0, 0.0, 0.0, 1000.0, 0.0])
    n = np.array([0.0, 1.0, 0.0, 0.0, 0.0, 1000.0 / 11.0, 0.0])
    k = np.full(7, 1e-7)
    cn = np.zeros(7)
    sn.calc_decomp_pool_cn(c, n, 8.0, 11.0, 11.0, cn)
    pl, pm = np.zeros(10), np.zeros(10)
    sn.calc_decomp_potential_n(c, n, k, rf, pf, cn, pl, pm)
    la, ma, tn = np.zeros(10), np.zeros(10), np.zeros(10)
    hr, net = sn.calc_decomp_actual_n(c, n, cn, rf, fpi, pl, pm, la, ma, tn)
    assert la[sn.T_L1S1] == pytest.approx(100.0 * 1e-7 * fpi, rel=1e-13)
    assert ma[sn.T_L1S1] == pytest.approx(100.0 * 1e-7 * fpi * (0.45 / 8.0 - 1 / 100.0), rel=1e-13)
    assert la[sn.T_S2S1] == pytest.approx(1000.0 * 1e-7 * 0.42 / 0.45, rel=1e-13)
    assert tn[sn.T_L1S1] == pytest.approx(100.0 * 1e-7 * fpi / 100.0, rel=1e-13)
    assert hr == pytest.approx(0.55 * la[sn.T_L1S1] + 0.55 * (la[sn.T_S2S1] + la[sn.T_S2S3]), rel=1e-13)


@pytest.mark.reference
def test_fpi_column_and_no_deficit():
    """Ample NH4: fpi = 1 and all demands at potential; the FUN offer is the remaining NH4/NO3."""
    got = sn.calc_n_competition(5.0, 3.0, 1e-6, 1e-5, 1e-6, 1e-7, 1, 1, 1, 1, 1, 1, 1800.0)
    np.testing.assert_allclose(got, (1e-5, 0.0, 1e-6, 1e-7, 5.0 / 1800 - 1.1e-5, 3.0 / 1800 - 1e-7, 1.0),
                               rtol=1e-13)
    assert sn.calc_fpi_column(np.array([1e-5, 2e-5]), np.array([2e-5, 2e-5]), np.array([0.1, 0.3]), 2) == \
        pytest.approx((1e-6 + 6e-6) / (2e-6 + 6e-6))


# ======================================================== nitrification / denitrification / leaching

@pytest.mark.reference
@pytest.mark.parametrize("tk,psi", [(278.15, -0.05), (288.15, -0.3), (298.15, -0.01), (308.15, -1.0)])
def test_nitrification_rate_at_given_temperature_and_water(tk, psi):
    """SoilBiogeochemNitrifDenitrif l.378-399: k_max min(f_T, 1) f_W f_pH NH4, pH 6.5, no O2 model."""
    nh4 = 0.8
    catanf = lambda x: 11.75 + (29.7 / math.pi) * math.atan(math.pi * 0.031 * (x - 15.4))  # noqa: E731
    norm = (catanf(15.0) / catanf(30.0)) / 1.5 ** ((15.0 - 25.0) / 10.0)
    ft = norm * 1.5 ** ((tk - 298.15) / 10.0)
    fw = math.log(-2.0 / min(psi, -0.002)) / math.log(-2.0 / -0.002)
    fph = 0.56 + math.atan(math.pi * 0.45 * (6.5 - 5.0)) / math.pi
    expected = nh4 * (0.1 / 86400.0) * min(ft, 1.0) * fw * fph
    t_sc = bgc.calc_decomp_t_scalar(tk, SP.q10_mr, SP.froz_q10, bgc.calc_q10_normalisation(SP.q10_mr))
    w_sc = bgc.calc_decomp_w_scalar(psi, SP.minpsi_hr, SP.maxpsi_hr)
    got = sn.calc_potential_nitrification(nh4, t_sc, w_sc, K_NITR_MAX_PERDAY / 86400.0,
                                          sn.calc_nitrif_ph_scalar(SOIL_PH), 0.0)
    assert got == pytest.approx(expected, rel=1e-12)
    # the N2O part: 6e-4 of nitrification
    _, _, n2o = sn.calc_mineral_n_update(nh4, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, got, 0.0,
                                         NITRIF_N2O_LOSS_FRAC, DT)
    assert n2o == pytest.approx(6e-4 * expected, rel=1e-12)


@pytest.mark.reference
@pytest.mark.parametrize("theta,no3,phr", [(0.30, 2.0, 1e-5), (0.40, 0.5, 3e-6), (0.15, 5.0, 2e-7)])
def test_denitrification_and_n2o_at_given_water_and_nitrate(theta, no3, phr):
    """SoilBiogeochemNitrifDenitrif l.402-459: Del Grosso f_max from CO2 production and [NO3]; N2:N2O ratio
    from [NO3]/CO2 and WFPS; with a given anoxic fraction, and 0 without the O2 model (CLM use_lch4 = F)."""
    watsat, dz, bd = 0.45, 0.1, 1350.0
    liq = theta * dz * 1000.0
    rho = bd + liq / dz
    ug = 1e3 / rho
    co2 = phr * ug * 86400.0
    no3_ug = no3 * ug
    fmax = min(0.1 * co2 ** 1.3, 1.15 * no3_ug ** 0.57) / (ug * 86400.0)
    fanox = 0.25
    got = sn.calc_potential_denitrification(no3, phr, bd, liq, dz, fanox, *DENITRIF_RESP, *DENITRIF_NO3)
    assert got == pytest.approx(fanox * fmax, rel=1e-12)
    assert sn.calc_potential_denitrification(no3, phr, bd, liq, dz, 0.0, *DENITRIF_RESP, *DENITRIF_NO3) == 0.0
    k1 = 38.4                                        # D = 0 without the CH4 model
    ratio_nc = no3_ug / co2 if co2 > 1e-9 else 100.0
    fr = max(0.1, 0.015 * (theta / watsat * 100.0) - 0.32)
    ratio = max(0.16 * k1, k1 * math.exp(-0.8 * ratio_nc)) * fr
    assert sn.calc_n2_n2o_ratio(no3, phr, bd, liq, dz, 0.0, theta, watsat) == pytest.approx(ratio, rel=1e-12)


@pytest.mark.reference
def test_anoxic_fraction_arah_vinten_by_hand():
    """l.337-348: r_psi = sqrt(r_min r_max), f = exp(−a r^-α O^-β [O2]^γ (θ + D_g/D_w θ_s)^δ), T in K."""
    psi, o2c, conc, theta, ws, tk = -0.05, 2e-6, 3.0, 0.35, 0.45, 280.0
    sig = SP.surface_tension_water
    rmin = 2 * sig / (1000.0 * 9.80616 * 0.05)
    rmax = 2 * sig / (1000.0 * 9.80616 * 0.1)
    rpsi = math.sqrt(rmin * rmax)
    dg = (0.1759 + 0.00117 * tk) * 1e-4
    dw = (1.172 + 0.03443 * tk + 0.0005048 * tk ** 2) * 1e-9
    x = SP.rij_kro_a * rpsi ** (-SP.rij_kro_alpha) * o2c ** (-SP.rij_kro_beta) * conc ** SP.rij_kro_gamma \
        * (theta + dg / dw * ws) ** SP.rij_kro_delta
    got = sn.calc_anaerobic_fraction(psi, o2c, conc, theta, ws, tk, sig, SP.rij_kro_a, SP.rij_kro_alpha,
                                     SP.rij_kro_beta, SP.rij_kro_gamma, SP.rij_kro_delta)
    assert got == pytest.approx(math.exp(-x), rel=1e-12)


@pytest.mark.reference
def test_no3_leaching_and_runoff_for_a_given_drainage():
    """SoilBiogeochemNLeaching (vertsoilc, nitrif_denitrif; l.120-283): L_j = sf NO3_j q_drain / W; runoff
    within the top 5 cm, the partial layer included; caps."""
    no3 = np.array([2.0, 1.0, 0.5])
    liq = np.array([6.0, 10.0, 40.0])
    dz = np.array([0.02, 0.04, 0.2])
    zi = np.array([0.02, 0.06, 0.26])
    qd, qs = 2e-5, 1e-5
    w = 56.0
    ws = 6.0 + 10.0 * (0.05 - 0.02) / 0.04
    leach_ref = [no3[j] * qd / w for j in range(3)]
    runoff_ref = [(no3[j] * dz[j] / liq[j]) * qs * liq[j] / (ws * dz[j]) for j in range(2)] + [0.0]
    le, ro = np.zeros(3), np.zeros(3)
    tl, tr = sn.calc_no3_leaching_column(no3, liq, dz, zi, qd, qs, SP.sf_no3, DT, 3, le, ro)
    np.testing.assert_allclose(le, leach_ref, rtol=1e-13)
    np.testing.assert_allclose(ro, runoff_ref, rtol=1e-13)
    assert tl == pytest.approx(qd * (no3 * dz).sum() / w, rel=1e-13)
    assert tr == pytest.approx(sum(runoff_ref[j] * dz[j] for j in range(3)), rel=1e-13)
    # a flood: losses capped at the pool
    sn.calc_no3_leaching_column(no3, liq, dz, zi, 1.0, 1.0, 1.0, DT, 3, le, ro)
    assert np.all((le + ro) * DT <= no3 * (1 + 1e-12))


@pytest.mark.reference
@pytest.mark.parametrize("et_mm_yr", [0.0, 150.0, 300.0, 600.0])
def test_free_living_fixation_formula(et_mm_yr):
    """CNFreeLivingFixation (l.186): (0.0006 ET[mm/yr] + 0.0117) g N m-2 yr-1; e.g. 300 mm -> 0.1917."""
    secs = 365.0 * 86400.0
    expected = (0.0006 * et_mm_yr + 0.0117) / secs
    got = sn.calc_free_living_fixation(et_mm_yr / secs, FREELIVFIX_SLOPE_WET, FREELIVFIX_INTERCEPT)
    assert got == pytest.approx(expected, rel=1e-12)
    if et_mm_yr == 300.0:
        assert got * secs == pytest.approx(0.1917, rel=1e-12)


@pytest.mark.reference
def test_mineral_n_update_by_hand():
    """SoilBiogeochemNStateUpdate1 (FUN branch, l.66-73, l.218-258)."""
    nh4, no3 = 1.2, 0.7
    a, g, i4, i3, u4, u3, fn, fd = 1e-7, 2e-6, 1e-6, 5e-7, 4e-7, 3e-7, 6e-7, 1e-8
    got = sn.calc_mineral_n_update(nh4, no3, a, g, i4, i3, u4, u3, fn, fd, 6e-4, DT)
    assert got[0] == pytest.approx(nh4 + (a + g - i4 - u4 - fn) * DT, rel=1e-14)
    assert got[1] == pytest.approx(no3 + (fn * (1 - 6e-4) - i3 - u3 - fd) * DT, rel=1e-14)


# ======================================================== flexible C:N, litter N, leaf N

@pytest.mark.reference
def test_leaf_litter_n_with_fun_retranslocation():
    """CNOffsetLitterfall with FUN and CNratio_floating (l.2476-2536)."""
    fc, lc, ln, r, cnt = 2e-5, 60.0, 2.0, 4e-7, 28.0
    cn_off = lc / (ln - r * DT)
    lit0 = max(fc / cn_off - r, 0.0)
    frac = lit0 / (lit0 + r)
    ntovr = fc * ln / lc
    lit, rt, cno = pn.calc_leaf_litter_n_fun(fc, lc, ln, r, cnt, DT)
    assert (lit, rt, cno) == pytest.approx((frac * ntovr, ntovr - frac * ntovr, cn_off), rel=1e-13)
    # retranslocation larger than the litter N would be: everything retranslocated
    lit, rt, _ = pn.calc_leaf_litter_n_fun(fc, lc, ln, 1e-5, cnt, DT)
    assert lit == 0.0 and rt == pytest.approx(ntovr, rel=1e-14)


@pytest.mark.reference
def test_npool_allocation_by_target_demand():
    """calc_plant_cn_alloc, CN_partition_opt = 1 (l.768-915): the whole npool split by target-C:N demand."""
    ip = 2                                            # boreal needleleaf evergreen (woody)
    f1, f2, f3, f4 = PFT.froot_leaf[ip], PFT.croot_stem[ip], PFT.stem_leaf[ip], PFT.flivewd[ip]
    cnl, cnfr, cnlw, cndw = PFT.leafcn[ip], PFT.frootcn[ip], PFT.livewdcn[ip], PFT.deadwdcn[ip]
    nlc, npool = 3e-6, 0.05
    d = [1 / cnl, f1 / cnfr, f3 * f4 / cnlw, f3 * (1 - f4) / cndw, f2 * f3 * f4 / cnlw,
         f2 * f3 * (1 - f4) / cndw]
    out = np.zeros(pn.NNALLOC)
    pn.calc_npool_allocation(nlc, 0.0, f1, f2, f3, f4, 1.0, cnl, cnfr, cnlw, cndw, npool, DT, out)
    storage = out[[pn.NA_LEAF_STOR, pn.NA_FROOT_STOR, pn.NA_LIVESTEM_STOR, pn.NA_DEADSTEM_STOR,
                   pn.NA_LIVECROOT_STOR, pn.NA_DEADCROOT_STOR]]
    np.testing.assert_allclose(storage, np.array(d) / sum(d) * npool / DT, rtol=1e-13)
    assert out[pn.NA_LEAF] == 0.0                     # fcur = 0 in CLM5.0: all new growth via storage


@pytest.mark.reference
def test_leaf_n_per_area_for_vcmax():
    """lnc_opt: leafn / tlai, capped at 10 g N m-2 leaf (PhotosynthesisMod l.2970-2976)."""
    assert pn.calc_leaf_n_area(1.8, 1.2) == pytest.approx(1.5)
    assert pn.calc_leaf_n_area(30.0, 1.0) == 10.0


@pytest.mark.reference
def test_cold_start_soil_n():
    """InitCold: N = C / initial C:N (litter and CWD 90, SOM 8 / 11 / 11); mineral N 0."""
    c = np.array([90.0, 45.0, 0.0, 9.0, 200.0, 200.0, 200.0])
    out = np.zeros(7)
    sn.calc_cold_start_soil_n(c, SP.cn_s1_bgc, SP.cn_s2_bgc, SP.cn_s3_bgc, out)
    np.testing.assert_allclose(out, [1.0, 0.5, 0.0, 0.1, 25.0, 200 / 11, 200 / 11], rtol=1e-14)
