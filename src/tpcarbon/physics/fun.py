"""FUN (Fixation and Uptake of Nitrogen) as CLM5.0 runs it: plants pay carbon for nitrogen.

Sources: CTSM ``release-clm5.0`` ``src/biogeochem/CNFUNMod.F90`` (``CNFUN``, ``fun_cost_fix``,
``fun_cost_active``, ``fun_cost_nonmyc``, ``fun_retranslocation``), run with ``use_flexibleCN = .true.`` and
``use_nitrif_denitrif = .true.``; Fisher et al. (2010), Brzostek et al. (2014), Shi et al. (2016); Tech Note
chapter "FUN". The code wins over the Tech Note where they differ.

Structure of one call (one patch, one model step Δt; every quantity inside is per step, the outputs are
per second — CLM calls FUN every step, ``fun_period`` is unused):

* two mycorrhizal steps, ECM (weight ``perecm``) and AM (1 − ``perecm``), each seeing that share of the
  available C, of the plant N demand, of the soil N offered to plants and of the root C;
* inside each, two fixer branches: a share ``FUN_fracfixers`` of the C may also pay for symbiotic
  fixation, the rest may not;
* per branch: pathway costs per soil layer (fixation, active and non-mycorrhizal uptake of NO3 and NH4),
  C split among pathways ∝ 1/cost, paid retranslocation from falling leaves while it is cheaper than soil
  N, the flexible-C:N reduction of C spent ("excess carbon" goes to growth at a higher C:N), the C spent
  on N :math:`\\Delta NPP = S/[(1+g_1)\\,CN_{plant}/R + 1]\\;f_{ideal}`, N gained per layer capped by the
  soil N offered, and the C left unspent "burned off" (respired).

Outputs feed ``NutrientCompetitionFlexibleCNMod.F90``: N to the plant N pool (soil + fixation + paid and
free retranslocation), ``npp_Nuptake`` = ``soilc_change`` (C spent on N, respired: part of AR) and
``npp_growth`` (C for new tissue, without growth respiration): availc = npp_Nuptake + (1 + g1) npp_growth.
"""

from __future__ import annotations

import math

from tpcarbon.constants import TFRZ
from tpcarbon.params.fixed import (
    FUN_BIG_COST,
    FUN_BURN_THRESHOLD,
    FUN_CROOTFR_MIN,
    FUN_FIX_SCALE,
    FUN_FLEX_FRAC_MIN,
    FUN_FLEX_NEG_SLOPE,
    FUN_RETRANS_COST_EXP,
    FUN_RETRANS_MAX_CN,
    FUN_RETRANS_MAX_ITER,
    FUN_RETRANS_MIN_CN,
    FUN_ROOTC_MIN,
    FUN_SMALL_VALUE,
)
from tpcarbon.params.pft import (
    PFT_A_FIX,
    PFT_AKC_ACTIVE,
    PFT_AKN_ACTIVE,
    PFT_B_FIX,
    PFT_C3PSN,
    PFT_C_FIX,
    PFT_EKC_ACTIVE,
    PFT_EKN_ACTIVE,
    PFT_FUN_CN_FLEX_A,
    PFT_FUN_CN_FLEX_B,
    PFT_FUN_CN_FLEX_C,
    PFT_FUN_FRACFIXERS,
    PFT_GRPERC,
    PFT_KC_NONMYC,
    PFT_KN_NONMYC,
    PFT_LEAFCN,
    PFT_PERECM,
    PFT_S_FIX,
    PFT_SEASON_DECID,
    PFT_STRESS_DECID,
)
from tpcarbon.physics import kernel

#: Pathway rows of the cost / fraction / flux matrices.
P_FIX, P_ACT_NO3, P_ACT_NH4, P_NMC_NO3, P_NMC_NH4 = range(5)
#: Number of soil pathways (retranslocation is handled separately).
NPATH = 5
#: Rows of the ``work`` array of :func:`calc_fun`: costs, fractions, N and C fluxes (NPATH rows each),
#: then the NO3 and NH4 offered to the patch in the current mycorrhizal step.
W_COST, W_FRAC, W_N, W_C, W_NO3, W_NH4 = 0, NPATH, 2 * NPATH, 3 * NPATH, 4 * NPATH, 4 * NPATH + 1
FUN_NWORK = 4 * NPATH + 2

#: Indices of the scalar outputs of :func:`calc_fun` (all per second; CLM variable names).
(FUN_NFIX, FUN_NACTIVE_NO3, FUN_NACTIVE_NH4, FUN_NNONMYC_NO3, FUN_NNONMYC_NH4, FUN_NRETRANS_PAID,
 FUN_NRETRANS_FREE, FUN_NECM, FUN_NAM, FUN_SMINN_TO_PLANT, FUN_NUPTAKE, FUN_NPP_NFIX, FUN_NPP_NACTIVE,
 FUN_NPP_NNONMYC, FUN_NPP_NRETRANS, FUN_BURNED_C, FUN_NPP_NUPTAKE, FUN_NPP_GROWTH, FUN_EXCESS_C,
 FUN_PLANT_CN) = range(20)
#: Length of the ``out`` array of :func:`calc_fun`.
NFUNOUT = 20


@kernel
def calc_fun_cost_fix(fixer, a_fix, b_fix, c_fix, s_fix, crootfr, tc):
    """Cost of symbiotic N fixation in a soil layer vs soil temperature (Houlton et al. 2008 response).

    .. math:: c_{fix} = \\frac{-s_{fix}}{1.25\\,\\exp\\left(a + b\\,T\\,(1 - T/(2c))\\right)}

    for fixers with carbon root fraction > 1e-6, else ``big_cost`` = 1e9.

    Parameters
    ----------
    fixer : int
        1 if the PFT can fix. **CLM5.0 sets fixer = 1 for every C3 PFT and 0 for C4** (``c3psn == 1``,
        ``CNFUNMod.F90`` l.1063-1067); ``FUN_fracfixers`` then limits the C share.
    a_fix, b_fix, c_fix : float
        a [-] (−3.62), b [°C-1] (0.27), c [°C] (25.15).
    s_fix : float
        Baseline cost s [g C g-1 N] (−6).
    crootfr : float
        Carbon root fraction of the layer [-].
    tc : float
        Soil temperature of the layer T [°C].

    Returns
    -------
    float
        c_fix [g C g-1 N].

    References
    ----------
    ``CNFUNMod.F90::fun_cost_fix`` l.1563-1611 (the second assignment, l.1606, is the one used).

    Examples
    --------
    >>> round(calc_fun_cost_fix(1, -3.62, 0.27, 25.15, -6.0, 0.3, 25.15), 4)   # optimum T = c
    6.0096
    >>> calc_fun_cost_fix(0, -3.62, 0.27, 25.15, -6.0, 0.3, 25.15)
    1000000000.0
    """
    if fixer == 1 and crootfr > FUN_CROOTFR_MIN:
        return -s_fix / (FUN_FIX_SCALE * math.exp(a_fix + b_fix * tc * (1.0 - tc / (2.0 * c_fix))))
    return FUN_BIG_COST


@kernel
def calc_fun_cost_uptake(sminn_layer, kc, kn, rootc_dens):
    """Cost of active (mycorrhizal) or non-mycorrhizal uptake of NH4 or NO3 from a soil layer.

    .. math:: c = \\frac{k_n}{N_j} + \\frac{k_c}{C_{root,j}}

    if :math:`C_{root,j} > 10^{-6}` and :math:`N_j > 10^{-12}`, else ``big_cost`` = 1e9.

    Parameters
    ----------
    sminn_layer : float
        N of that form offered to the plant in the layer this step N_j [g N m-2] (CLM: the competition's
        ``smin_no3_to_plant_vr`` or ``smin_nh4_to_plant_vr`` × Δz × Δt × mycorrhizal share).
    kc, kn : float
        Cost constants (``kc_nonmyc``/``kn_nonmyc``, ``akc_active``/``akn_active`` (AM) or
        ``ekc_active``/``ekn_active`` (ECM)).
    rootc_dens : float
        Fine-root C in the layer C_root,j = crootfr_j × frootc × mycorrhizal share [g C m-2].

    Returns
    -------
    float
        c [g C g-1 N].

    References
    ----------
    ``CNFUNMod.F90::fun_cost_active`` l.1613-1639 and ``fun_cost_nonmyc`` l.1641-1667 (same formula).

    Examples
    --------
    >>> round(calc_fun_cost_uptake(0.05, 0.72, 0.012, 30.0), 6)    # 0.012/0.05 + 0.72/30
    0.264
    """
    if rootc_dens > FUN_ROOTC_MIN and sminn_layer > FUN_SMALL_VALUE:
        return kn / sminn_layer + kc / rootc_dens
    return FUN_BIG_COST


@kernel
def calc_fun_pathway_fractions(cost, fixing, nlev, frac):
    """Share of the C spent on N that goes to each pathway and layer, and the whole-soil N cost.

    .. math:: \\phi_{x,j} = \\frac{1/c_{x,j}}{\\sum_{y,k} 1/c_{y,k}},\\qquad
              R = \\left(\\sum_{x,j} \\frac{\\phi_{x,j}}{c_{x,j}}\\right)^{-1}

    over the four uptake pathways, plus fixation in the fixing branch.

    Parameters
    ----------
    cost : ndarray, shape (NPATH, nlev)
        Costs c_x,j [g C g-1 N], rows P_FIX, P_ACT_NO3, P_ACT_NH4, P_NMC_NO3, P_NMC_NH4.
    fixing : bool
        Fixing branch (fixation pathway included).
    nlev : int
        Decomposition layers.
    frac : ndarray, shape (NPATH, nlev)
        Output φ (row P_FIX is 0 in the non-fixing branch).

    Returns
    -------
    float
        R (``total_N_resistance``) [g C g-1 N].

    References
    ----------
    ``CNFUNMod.F90::CNFUN`` l.1132-1189 (``COST_METHOD = 2``).

    Examples
    --------
    >>> import numpy as np
    >>> c = np.full((5, 1), 1e9); c[1, 0] = 2.0; c[2, 0] = 2.0; f = np.zeros((5, 1))
    >>> round(float(calc_fun_pathway_fractions(c, False, 1, f)), 6), round(float(f[1, 0]), 6)
    (2.0, 0.5)
    """
    total = 0.0
    for j in range(nlev):
        total += 1.0 / cost[P_ACT_NO3, j] + 1.0 / cost[P_ACT_NH4, j] + 1.0 / cost[P_NMC_NO3, j] \
            + 1.0 / cost[P_NMC_NH4, j]
        if fixing:
            total += 1.0 / cost[P_FIX, j]
    acquired = 0.0
    for j in range(nlev):
        for x in range(NPATH):
            if x == P_FIX and not fixing:
                frac[x, j] = 0.0
            else:
                frac[x, j] = (1.0 / cost[x, j]) / total
                acquired += frac[x, j] / cost[x, j]
    return 1.0 / acquired


@kernel
def calc_fun_retranslocation(npp_to_spend, falling_leaf_c, falling_leaf_n, total_n_resistance, target_leafcn,
                             grperc, plant_cn):
    """Free and paid retranslocation of N from falling leaves.

    Free: N above a leaf-litter C:N of 1.5 × target is resorbed at no cost,
    :math:`N_{free} = \\max(N_f - C_f/(1.5\\,CN_t), 0)`. Paid: while the resorption cost

    .. math:: c_{rt} = \\frac{1/CN_t}{(1/CN_f)^{1.3}} = \\frac{CN_f^{1.3}}{CN_t}

    is below the soil cost R (and C remains, and CN_f < 3 CN_t, ≤ 150 passes), spend the C that raises
    CN_f by 1, :math:`\\Delta C = c_{rt}(N_f - C_f/(CN_f + 1))` (≤ the C left), extract
    :math:`\\Delta N = \\min(\\Delta C/c_{rt}, N_f)` and set aside :math:`\\Delta N\\,CN_{plant}(1+g_1)` of C
    for the growth it supports. If the C left goes negative the overshoot is removed from the C spent (so C
    closes; the C spent can then be negative — a CLM5.0 behaviour, reproduced).

    Parameters
    ----------
    npp_to_spend : float
        C available to the branch S [g C m-2 per step].
    falling_leaf_c, falling_leaf_n : float
        Leaf C and N falling this step C_f, N_f [g m-2 per step] (× mycorrhizal share × fixer share).
    total_n_resistance : float
        Soil N cost R [g C g-1 N] (:func:`calc_fun_pathway_fractions`).
    target_leafcn : float
        Target leaf C:N CN_t (``leafcn``). The file's ``kr_resorb`` is not used by CLM5.0.
    grperc : float
        Growth respiration fraction g_1 [-].
    plant_cn : float
        Whole-plant C:N of new growth c_allometry / n_allometry.

    Returns
    -------
    (float, float, float, float)
        C spent on paid retranslocation, C accounted for the growth it supports [g C m-2 per step],
        free N and paid N [g N m-2 per step].

    References
    ----------
    ``CNFUNMod.F90::fun_retranslocation`` l.1671-1797.

    Examples
    --------
    >>> r = calc_fun_retranslocation(0.0, 1.0, 0.05, 10.0, 25.0, 0.11, 35.0)   # no C: free part only
    >>> [round(x, 6) for x in r]
    [0.0, 0.0, 0.023333, 0.0]
    """
    total_spent = 0.0
    total_accounted = 0.0
    paid = 0.0
    spend_left = npp_to_spend
    max_cn = target_leafcn * FUN_RETRANS_MAX_CN
    min_cn = target_leafcn * FUN_RETRANS_MIN_CN
    fl_c = falling_leaf_c
    free = max(falling_leaf_n - fl_c / min_cn, 0.0)
    fl_n = falling_leaf_n - free
    fl_cn = fl_c / fl_n
    kresorb = 1.0 / target_leafcn
    cost = kresorb / (1.0 / fl_cn) ** FUN_RETRANS_COST_EXP
    it = 0
    done = False
    while (not done) and cost < total_n_resistance and fl_n >= 0.0 and npp_to_spend > 0.0:
        c_spent = cost * (fl_n - fl_c / (fl_cn + 1.0))
        c_spent = min(spend_left, c_spent)
        n_ext = min(fl_n, c_spent / cost)
        c_acc = n_ext * plant_cn * (1.0 + grperc)
        fl_n -= n_ext
        if fl_n > 0.0:
            fl_cn = fl_c / fl_n
            cost = kresorb / (1.0 / fl_cn) ** FUN_RETRANS_COST_EXP
        else:
            done = True
        total_spent += c_spent
        total_accounted += c_acc
        paid += n_ext
        spend_left -= c_spent + c_acc
        it += 1
        if spend_left <= 0.0:
            done = True
            total_spent += spend_left
        if fl_cn >= max_cn:
            done = True
        if it >= FUN_RETRANS_MAX_ITER:
            done = True
    return total_spent, total_accounted, free, paid


@kernel
def calc_fun_flex_cn_fraction(total_n_resistance, leafc_tot, leafn_tot, leafn, target_leafcn, flex_a, flex_b,
                              flex_c):
    """Fraction of the C needed to stay at target C:N that FUN actually spends (flexible C:N link).

    .. math:: f_0 = \\max\\left(0, 1 - \\frac{R - a}{b}\\right);\\quad
              \\Delta = \\frac{C_{leaf} + C_{leaf,stor}}{N_{leaf} + N_{leaf,stor}} - CN_t;

    :math:`f \\leftarrow f_0 + (1 - f_0)\\min(1, \\Delta/c)` if Δ > 0 and f_0 < 1;
    :math:`f \\leftarrow f + 0.5\\,\\Delta/c` if Δ < 0; finally :math:`f = \\min(\\max(f, 0.5), 1)`.
    Δ = c when leaf N is 0.

    Parameters
    ----------
    total_n_resistance : float
        R [g C g-1 N].
    leafc_tot, leafn_tot : float
        Leaf C and N including storage [g m-2].
    leafn : float
        Displayed leaf N [g N m-2] (only its being 0 matters).
    target_leafcn : float
        CN_t (``leafcn``).
    flex_a, flex_b, flex_c : float
        ``fun_cn_flex_a/b/c`` (5, 100, 8).

    Returns
    -------
    float
        f_ideal ∈ [0.5, 1] [-].

    References
    ----------
    ``CNFUNMod.F90::CNFUN`` l.1225-1250 (``use_flexibleCN``).

    Examples
    --------
    >>> round(calc_fun_flex_cn_fraction(45.0, 30.0, 1.0, 1.0, 28.0, 5.0, 100.0, 8.0), 6)   # Δ = 2
    0.7
    """
    if leafn == 0.0:
        delta = flex_c
    else:
        delta = leafc_tot / leafn_tot - target_leafcn
    f = max(0.0, 1.0 - (total_n_resistance - flex_a) / flex_b)
    if delta > 0.0 and f < 1.0:
        f = f + (1.0 - f) * min(1.0, delta / flex_c)
    if delta < 0.0:
        f = f + FUN_FLEX_NEG_SLOPE * (delta / flex_c)
    return max(min(1.0, f), FUN_FLEX_FRAC_MIN)


@kernel
def _cap_pair(nflux, cflux, cost, xa, xb, j, lim):
    """Scale active + non-mycorrhizal uptake of one N form in layer j down to ``lim`` (CNFUN l.1309-1350).

    CLM writes a − (a + b − lim) a/(a + b); here a·lim/(a + b) and lim − that (the same number up to
    rounding), so that the sum never exceeds ``lim`` by a rounding error and stays ≥ 0.
    """
    a = nflux[xa, j]
    b = nflux[xb, j]
    if a + b > lim:
        na = a * (lim / (a + b))
        na = min(na, lim)
        nflux[xa, j] = na
        nflux[xb, j] = max(lim - na, 0.0)
        cflux[xa, j] = nflux[xa, j] * cost[xa, j]
        cflux[xb, j] = nflux[xb, j] * cost[xb, j]


@kernel
def calc_fun_spend(npp_to_spend, frac_ideal, grperc, plant_cn, total_n_resistance, fixing, frac, cost,
                   no3_avail, nh4_avail, fixerfrac, nlev, nflux, cflux):
    """Spend a branch's C on N: the FUN balance, the per-layer uptake caps, and the C burned off.

    Excess carbon :math:`E = S(1 - f)` (≤ S/(1 + g_1)) goes to growth without N; of the rest
    :math:`S' = S - E(1+g_1)` the C spent on N solves spent/R = growth/CN_plant,

    .. math:: \\Delta NPP = \\frac{S'}{(1 + g_1)\\,CN_{plant}/R + 1}\\,f,\\qquad
              C_{x,j} = \\phi_{x,j}\\Delta NPP,\\quad N_{x,j} = C_{x,j}/c_{x,j}.

    In each layer, active + non-mycorrhizal uptake of NO3 (NH4) is scaled down proportionally to at most the
    N offered × fixer share (:func:`_cap_pair`), and C re-derived from N. The C still unspent after all
    layers (≥ 1e-13) is "burned" (respired; CLM adds it to ``soilc_change``).

    Parameters
    ----------
    npp_to_spend : float
        S [g C m-2 per step] (after retranslocation).
    frac_ideal : float
        f (:func:`calc_fun_flex_cn_fraction`; 1 without flexible C:N).
    grperc, plant_cn, total_n_resistance : float
        g_1 [-], CN_plant [g C g-1 N], R [g C g-1 N].
    fixing : bool
        Fixing branch.
    frac, cost : ndarray, shape (NPATH, nlev)
        φ and c (:func:`calc_fun_pathway_fractions`).
    no3_avail, nh4_avail : ndarray, shape (nlev,)
        NO3 and NH4 offered in this mycorrhizal step [g N m-2 per step].
    fixerfrac : float
        Share of this branch (``FUN_fracfixers`` or its complement).
    nlev : int
        Layers.
    nflux, cflux : ndarray, shape (NPATH, nlev)
        Output N gained [g N m-2 per step] and C spent [g C m-2 per step] per pathway and layer.

    Returns
    -------
    (float, float)
        Excess carbon E and burned-off carbon [g C m-2 per step].

    References
    ----------
    ``CNFUNMod.F90::CNFUN`` l.1222-1403.

    Examples
    --------
    >>> import numpy as np
    >>> c = np.full((5, 1), 1e9); c[1, 0] = c[2, 0] = c[3, 0] = c[4, 0] = 8.0
    >>> f = np.zeros((5, 1)); r = calc_fun_pathway_fractions(c, False, 1, f)
    >>> nf = np.zeros((5, 1)); cf = np.zeros((5, 1))
    >>> e, b = calc_fun_spend(1.0, 1.0, 0.11, 35.0, r, False, f, c, np.ones(1), np.ones(1), 0.75, 1, nf, cf)
    >>> round(float(cf.sum()), 6), round(float(nf.sum() * 35.0 * 1.11 + cf.sum()), 12), e, b
    (0.170758, 1.0, 0.0, 0.0)
    """
    g1p = 1.0 + grperc
    excess = npp_to_spend * (1.0 - frac_ideal)
    if excess * g1p > npp_to_spend:
        excess = npp_to_spend / g1p
    spend = npp_to_spend - excess * g1p
    dnpp = spend / (g1p * (plant_cn / total_n_resistance) + 1.0) * frac_ideal
    for j in range(nlev):
        for x in range(NPATH):
            if x == P_FIX and not fixing:
                cflux[x, j] = 0.0
                nflux[x, j] = 0.0
            else:
                cflux[x, j] = frac[x, j] * dnpp
                nflux[x, j] = cflux[x, j] / cost[x, j]
    for j in range(nlev):
        _cap_pair(nflux, cflux, cost, P_ACT_NO3, P_NMC_NO3, j, no3_avail[j] * fixerfrac)
        _cap_pair(nflux, cflux, cost, P_ACT_NH4, P_NMC_NH4, j, nh4_avail[j] * fixerfrac)
        n_acq = 0.0
        c_sp = 0.0
        for x in range(NPATH):
            n_acq += nflux[x, j]
            c_sp += cflux[x, j]
        spend = spend - c_sp - n_acq * plant_cn * g1p
    burned = spend if spend >= FUN_BURN_THRESHOLD else 0.0
    return excess, burned


@kernel
def calc_fun(pft, ip, availc, plant_ndemand, leafc, leafn, leafc_storage, leafn_storage, frootc,
             leafc_to_litter_fun, offset_flag, c_allometry, n_allometry, crootfr, t_soil, smin_no3_to_plant,
             smin_nh4_to_plant, h2osoi_liq, dz, nlev, dt, flexible_cn, no3_vr, nh4_vr, out, work):
    """FUN for one patch and one step: N acquired by pathway and the C it costs (CLM5.0 ``CNFUN``).

    For the ECM and AM steps (share :math:`p_m` = perecm, 1 − perecm) and the fixing / non-fixing branches
    (share :math:`p_f` = FUN_fracfixers, 1 − FUN_fracfixers), with :math:`S = A\\Delta t\\,p_m p_f`:
    costs (:func:`calc_fun_cost_fix`, :func:`calc_fun_cost_uptake`) → φ, R
    (:func:`calc_fun_pathway_fractions`) → retranslocation (:func:`calc_fun_retranslocation`) →
    f_ideal (:func:`calc_fun_flex_cn_fraction`) → spending (:func:`calc_fun_spend`). Then, per second,

    .. math:: NPP_{Nuptake} = \\frac{\\sum C_{x,j} + C_{rt} + C_{burned}}{\\Delta t},\\qquad
              NPP_{growth} = (N_{uptake} - N_{free})\\,CN_{plant} + \\frac{E}{\\Delta t}

    with :math:`A = NPP_{Nuptake} + (1 + g_1)\\,NPP_{growth}` exactly.

    Parameters
    ----------
    pft : ndarray, shape (NPFT, NFIELD)
        Packed PFT parameters (:meth:`tpcarbon.params.pft.PftParams.as_matrix`).
    ip : int
        PFT index.
    availc : float
        C available for allocation after MR and xsmr recovery A [g C m-2 s-1].
    plant_ndemand : float
        availc · n_allometry / c_allometry [g N m-2 s-1] (a gate only: no soil uptake when ≤ 0).
    leafc, leafn, leafc_storage, leafn_storage, frootc : float
        Plant pools [g m-2].
    leafc_to_litter_fun : float
        Leaf C litterfall of the **previous** step [g C m-2 s-1] (CLM ``leafc_to_litter_fun``, set in
        phenology after FUN; deciduous PFTs use it only while ``offset_flag`` = 1).
    offset_flag : float
        1 during leaf offset.
    c_allometry, n_allometry : float
        Allometry (FUN form, without growth respiration) [g C, g N per g C of new leaf].
    crootfr, t_soil : ndarray, shape (nlev,)
        Carbon root fraction [-] and soil temperature [K] per layer.
    smin_no3_to_plant, smin_nh4_to_plant : ndarray, shape (nlev,)
        NO3 and NH4 offered to plants by the competition (U_3, U_4 of
        :func:`tpcarbon.physics.soil_n.calc_n_competition`) [g N m-3 s-1]; column values (every patch of the
        column sees all of it).
    h2osoi_liq : ndarray, shape (nlev,)
        Liquid water [kg m-2] (no uptake from a layer with < 1e-12).
    dz : ndarray, shape (nlev,)
        Thickness [m].
    nlev : int
        Decomposition layers.
    dt : float
        Step [s].
    flexible_cn : bool
        ``use_flexibleCN`` (True in CLM5.0).
    no3_vr, nh4_vr : ndarray, shape (nlev,)
        Output soil uptake by layer (``sminn_to_plant_fun_no3_vr``, ``_nh4_vr``) [g N m-3 s-1].
    out : ndarray, shape (NFUNOUT,)
        Output fluxes [g N or g C m-2 s-1] at the ``FUN_*`` indices; ``out[FUN_PLANT_CN]`` = CN_plant.
    work : ndarray, shape (FUN_NWORK, nlev)
        Scratch.

    References
    ----------
    ``CNFUNMod.F90::CNFUN`` l.196-1560; Tech Note "FUN"; spec §4.4.

    Examples
    --------
    >>> import numpy as np
    >>> from tpcarbon.params.pft import load_params
    >>> pft = load_params().pft_matrix; nl = 2
    >>> out = np.zeros(NFUNOUT); no3 = np.zeros(nl); nh4 = np.zeros(nl); w = np.zeros((FUN_NWORK, nl))
    >>> calc_fun(pft, 12, 1e-5, 1e-5 / 35.0, 50.0, 50.0 / 28.0, 0.0, 0.0, 80.0, 0.0, 0.0, 2.5, 2.5 / 35.0,
    ...          np.array([0.6, 0.4]), np.array([283.15, 281.15]), np.array([2e-5, 1e-5]),
    ...          np.array([4e-5, 2e-5]), np.array([20., 30.]), np.array([0.1, 0.2]), nl, 1800.0, True,
    ...          no3, nh4, out, w)
    >>> bool(abs(out[FUN_NPP_NUPTAKE] + 1.11 * out[FUN_NPP_GROWTH] - 1e-5) < 1e-18)      # C closes
    True
    """
    for k in range(NFUNOUT):
        out[k] = 0.0
    for j in range(nlev):
        no3_vr[j] = 0.0
        nh4_vr[j] = 0.0
    perecm = pft[ip, PFT_PERECM]
    fracfix = pft[ip, PFT_FUN_FRACFIXERS]
    grperc = pft[ip, PFT_GRPERC]
    leafcn = pft[ip, PFT_LEAFCN]
    fixer = 1 if pft[ip, PFT_C3PSN] == 1.0 else 0
    deciduous = pft[ip, PFT_SEASON_DECID] == 1.0 or pft[ip, PFT_STRESS_DECID] == 1.0
    plant_cn = c_allometry / n_allometry if n_allometry > 0.0 else 0.0
    availc_pool = availc * dt
    ndemand_pool = max(plant_ndemand * dt, 0.0)
    cost = work[W_COST:W_COST + NPATH]
    frac = work[W_FRAC:W_FRAC + NPATH]
    nflux = work[W_N:W_N + NPATH]
    cflux = work[W_C:W_C + NPATH]
    no3_step = work[W_NO3]
    nh4_step = work[W_NH4]
    # accumulators over the two mycorrhizal steps [per step]
    n_fix = 0.0
    n_act_no3 = 0.0
    n_act_nh4 = 0.0
    n_nmc_no3 = 0.0
    n_nmc_nh4 = 0.0
    n_paid = 0.0
    n_free = 0.0
    n_ecm = 0.0
    n_am = 0.0
    c_fix = 0.0
    c_act = 0.0
    c_nmc = 0.0
    c_retrans = 0.0
    burned = 0.0
    excess_acc = 0.0
    for istp in range(2):
        if istp == 0:      # ECM
            permyc = perecm
            kc_act = pft[ip, PFT_EKC_ACTIVE]
            kn_act = pft[ip, PFT_EKN_ACTIVE]
        else:              # AM
            permyc = 1.0 - perecm
            kc_act = pft[ip, PFT_AKC_ACTIVE]
            kn_act = pft[ip, PFT_AKN_ACTIVE]
        litter_c = 0.0
        litter_n = 0.0
        if leafc > 0.0:
            litter_c = dt * permyc * leafc_to_litter_fun
            litter_n = dt * permyc * leafn * leafc_to_litter_fun / leafc
        if deciduous and offset_flag != 1.0:
            litter_c = 0.0
            litter_n = 0.0
        ndemand_step = ndemand_pool * permyc
        npp_remaining = availc_pool * permyc
        # ---- costs per layer
        for j in range(nlev):
            cost[P_FIX, j] = calc_fun_cost_fix(fixer, pft[ip, PFT_A_FIX], pft[ip, PFT_B_FIX],
                                               pft[ip, PFT_C_FIX], pft[ip, PFT_S_FIX], crootfr[j],
                                               t_soil[j] - TFRZ)
            if h2osoi_liq[j] < FUN_SMALL_VALUE:
                no3_layer = 0.0
                nh4_layer = 0.0
            else:
                no3_layer = max(smin_no3_to_plant[j] * dz[j] * dt, 0.0)
                nh4_layer = max(smin_nh4_to_plant[j] * dz[j] * dt, 0.0)
            no3_step[j] = no3_layer * permyc
            nh4_step[j] = nh4_layer * permyc
            rootc_dens = crootfr[j] * frootc * permyc if availc_pool > 0.0 else 0.0
            cost[P_ACT_NO3, j] = calc_fun_cost_uptake(no3_step[j], kc_act, kn_act, rootc_dens)
            cost[P_ACT_NH4, j] = calc_fun_cost_uptake(nh4_step[j], kc_act, kn_act, rootc_dens)
            kc_nmc = pft[ip, PFT_KC_NONMYC]
            kn_nmc = pft[ip, PFT_KN_NONMYC]
            cost[P_NMC_NO3, j] = calc_fun_cost_uptake(no3_step[j], kc_nmc, kn_nmc, rootc_dens)
            cost[P_NMC_NH4, j] = calc_fun_cost_uptake(nh4_step[j], kc_nmc, kn_nmc, rootc_dens)
        # ---- fixing and non-fixing branches
        for ifix in range(2):
            fixing = ifix == 0
            fixerfrac = fracfix if fixing else 1.0 - fracfix
            spend = npp_remaining * fixerfrac
            resistance = calc_fun_pathway_fractions(cost, fixing, nlev, frac)
            if leafc > 0.0 and litter_n * fixerfrac > 0.0:
                c_sp, c_ac, free, paid = calc_fun_retranslocation(spend, litter_c * fixerfrac,
                                                                  litter_n * fixerfrac, resistance, leafcn,
                                                                  grperc, plant_cn)
            else:
                c_sp = 0.0
                c_ac = 0.0
                free = 0.0
                paid = 0.0
            # (guard, not in CLM: C + accounted may exceed S by a rounding error; never spend negative C)
            spend = max(spend - c_sp - c_ac, 0.0)
            c_retrans += c_sp
            n_paid += paid
            n_free += free
            if ndemand_step > 0.0:
                if flexible_cn:
                    fideal = calc_fun_flex_cn_fraction(resistance, leafc + leafc_storage,
                                                       leafn + leafn_storage, leafn, leafcn,
                                                       pft[ip, PFT_FUN_CN_FLEX_A], pft[ip, PFT_FUN_CN_FLEX_B],
                                                       pft[ip, PFT_FUN_CN_FLEX_C])
                else:
                    fideal = 1.0
                exc, burn = calc_fun_spend(spend, fideal, grperc, plant_cn, resistance, fixing, frac, cost,
                                           no3_step, nh4_step, fixerfrac, nlev, nflux, cflux)
                excess_acc += exc
                burned += burn
                for j in range(nlev):
                    n_fix += nflux[P_FIX, j]
                    c_fix += cflux[P_FIX, j]
                    n_act_no3 += nflux[P_ACT_NO3, j]
                    n_act_nh4 += nflux[P_ACT_NH4, j]
                    n_nmc_no3 += nflux[P_NMC_NO3, j]
                    n_nmc_nh4 += nflux[P_NMC_NH4, j]
                    c_act += cflux[P_ACT_NO3, j] + cflux[P_ACT_NH4, j]
                    c_nmc += cflux[P_NMC_NO3, j] + cflux[P_NMC_NH4, j]
                    no3_vr[j] += nflux[P_ACT_NO3, j] + nflux[P_NMC_NO3, j]
                    nh4_vr[j] += nflux[P_ACT_NH4, j] + nflux[P_NMC_NH4, j]
                    if istp == 0:
                        n_ecm += nflux[P_ACT_NO3, j] + nflux[P_ACT_NH4, j]
                    else:
                        n_am += nflux[P_ACT_NO3, j] + nflux[P_ACT_NH4, j]
    # ---- back to fluxes per second
    for j in range(nlev):
        no3_vr[j] = no3_vr[j] / (dz[j] * dt)
        nh4_vr[j] = nh4_vr[j] / (dz[j] * dt)
    out[FUN_NFIX] = n_fix / dt
    out[FUN_NACTIVE_NO3] = n_act_no3 / dt
    out[FUN_NACTIVE_NH4] = n_act_nh4 / dt
    out[FUN_NNONMYC_NO3] = n_nmc_no3 / dt
    out[FUN_NNONMYC_NH4] = n_nmc_nh4 / dt
    out[FUN_NRETRANS_PAID] = n_paid / dt
    out[FUN_NRETRANS_FREE] = n_free / dt
    out[FUN_NECM] = n_ecm / dt
    out[FUN_NAM] = n_am / dt
    out[FUN_SMINN_TO_PLANT] = (n_act_no3 + n_act_nh4 + n_nmc_no3 + n_nmc_nh4 + n_fix) / dt
    out[FUN_NUPTAKE] = out[FUN_SMINN_TO_PLANT] + out[FUN_NRETRANS_PAID] + out[FUN_NRETRANS_FREE]
    out[FUN_NPP_NFIX] = c_fix / dt
    out[FUN_NPP_NACTIVE] = c_act / dt
    out[FUN_NPP_NNONMYC] = c_nmc / dt
    out[FUN_NPP_NRETRANS] = c_retrans / dt
    out[FUN_BURNED_C] = burned / dt
    out[FUN_NPP_NUPTAKE] = (c_act + c_nmc + c_fix + c_retrans + burned) / dt
    out[FUN_EXCESS_C] = excess_acc / dt
    out[FUN_NPP_GROWTH] = (out[FUN_NUPTAKE] - out[FUN_NRETRANS_FREE]) * plant_cn + excess_acc / dt
    out[FUN_PLANT_CN] = plant_cn
