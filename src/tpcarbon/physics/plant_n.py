"""Vegetation nitrogen of CLM5.0 with flexible C:N and FUN: demand, allocation, litter N, leaf N for V_cmax.

What ``release-clm5.0`` does (``use_flexibleCN = .true.``, ``CNratio_floating = .true.``,
``CN_partition_opt = 1``, ``carbon_resp_opt = 0`` with FUN, ``downreg_opt = .false.``):

* plant N demand is only a gate for FUN: availc · n_allometry / c_allometry
  (``NutrientCompetitionFlexibleCNMod.F90`` l.1693-1694);
* new C goes to tissues by the fixed allometry of ``npp_growth`` (the C FUN did not spend on N), and **the
  whole plant N pool is handed out every step** in proportion to each tissue's N demand at target C:N
  (l.768-898): tissue C:N float freely. No C:N bounds are applied: ``leafcn_min``/``leafcn_max``,
  ``frootcn_min``/``max`` and ``livewdcn_min``/``max`` are on the parameter file but are not read by
  CLM5.0 (``pftconMod.F90`` has no such reads); the only ±10 / +15 g C g-1 N offsets in the code belong to
  branches that are off (``nscalar_opt`` demand, ``carbon_resp_opt = 1``). The feedback on C:N is FUN's
  f_ideal (``physics.fun.calc_fun_flex_cn_fraction``);
* leaf litter N leaves with the leaf's own C:N, split between litter and the retranslocation pool by FUN's
  free + paid retranslocation (``CNPhenologyMod.F90`` l.2476-2545, l.2628-2688); fine-root litter N with
  the root's C:N; with FUN, live-wood turnover retranslocates nothing (l.2789-2793);
* V_cmax25 (``vcmax_opt = 3``, ``lnc_opt = .true.``) reads the displayed leaf N per unit leaf area,
  leafn / tlai, capped at 10 g N m-2 (``PhotosynthesisMod.F90`` l.2940-2976).
"""

from __future__ import annotations

from tpcarbon.params.fixed import LEAF_N_AREA_MAX
from tpcarbon.physics import kernel

#: Outputs of :func:`calc_npool_allocation` (CLM ``npool_to_*`` names).
(NA_LEAF, NA_LEAF_STOR, NA_FROOT, NA_FROOT_STOR, NA_LIVESTEM, NA_LIVESTEM_STOR, NA_DEADSTEM, NA_DEADSTEM_STOR,
 NA_LIVECROOT, NA_LIVECROOT_STOR, NA_DEADCROOT, NA_DEADCROOT_STOR) = range(12)
#: Length of the output of :func:`calc_npool_allocation`.
NNALLOC = 12


@kernel
def calc_plant_ndemand_fun(availc, c_allometry, n_allometry):
    """Plant N demand with FUN: the N that the available C would need at target stoichiometry.

    .. math:: D_N = A\\,\\frac{n_{allom}}{c_{allom}}

    Parameters
    ----------
    availc : float
        Available C A [g C m-2 s-1].
    c_allometry, n_allometry : float
        FUN-form allometry (``physics.allocation.calc_c_allometry``, ``calc_n_allometry``).

    Returns
    -------
    float
        D_N [g N m-2 s-1] (a gate for FUN's soil uptake and the plant term of the soil competition).

    References
    ----------
    ``NutrientCompetitionFlexibleCNMod.F90::calc_plant_nitrogen_demand`` l.1693-1694.

    Examples
    --------
    >>> round(calc_plant_ndemand_fun(3.5e-5, 2.5, 0.07139) * 1e6, 6)
    0.99946
    """
    if c_allometry <= 0.0:
        return 0.0
    return availc * n_allometry / c_allometry


@kernel
def calc_npool_allocation(nlc, fcur, f1, f2, f3, f4, woody, cnl, cnfr, cnlw, cndw, npool, dt, out):
    """Hand the whole plant N pool to the new tissues in proportion to their N demand (flexible C:N).

    Demand of tissue k: :math:`d_k = C^{new}_k / CN_k` with the new C of allometry (new leaf C
    :math:`n_{lc}`, fine root :math:`f_1 n_{lc}`, stem :math:`f_3 n_{lc}` split live/dead by :math:`f_4`,
    coarse root :math:`f_2 f_3 n_{lc}`), each split display/storage by :math:`f_{cur}`;

    .. math:: F_k = \\frac{d_k}{\\sum_i d_i}\\,\\frac{N_{pool}}{\\Delta t}
              \\quad(0 \\text{ if } \\sum_i d_i = 0)

    Parameters
    ----------
    nlc : float
        New leaf C = npp_growth / c_allometry [g C m-2 s-1].
    fcur : float
        Fraction to display now (CLM5.0: 0 for every natural PFT — evergreen fcur is set to 0 with
        ``downreg_opt = .false.``).
    f1, f2, f3, f4 : float
        froot_leaf, croot_stem, stem_leaf, flivewd.
    woody : float
        Woody flag.
    cnl, cnfr, cnlw, cndw : float
        Target C:N of leaf, fine root, live and dead wood [g C g-1 N].
    npool : float
        Plant N pool after this step's uptake [g N m-2].
    dt : float
        Step [s].
    out : ndarray, shape (NNALLOC,)
        N fluxes to tissues [g N m-2 s-1] at the ``NA_*`` indices.

    References
    ----------
    ``NutrientCompetitionFlexibleCNMod.F90::calc_plant_cn_alloc`` l.768-915 (``CN_partition_opt = 1``).

    Examples
    --------
    >>> import numpy as np
    >>> o = np.zeros(NNALLOC)
    >>> calc_npool_allocation(1e-6, 0.0, 1.5, 0., 0., 0., 0., 28., 42., 0., 0., 0.1, 1800., o)
    >>> round(float(o.sum() * 1800.0), 12), round(float(o[NA_LEAF_STOR] / o[NA_FROOT_STOR]), 6)
    (0.1, 1.0)
    """
    for k in range(NNALLOC):
        out[k] = 0.0
    out[NA_LEAF] = nlc / cnl * fcur
    out[NA_LEAF_STOR] = nlc / cnl * (1.0 - fcur)
    out[NA_FROOT] = nlc * f1 / cnfr * fcur
    out[NA_FROOT_STOR] = nlc * f1 / cnfr * (1.0 - fcur)
    if woody == 1.0:
        out[NA_LIVESTEM] = nlc * f3 * f4 / cnlw * fcur
        out[NA_LIVESTEM_STOR] = nlc * f3 * f4 / cnlw * (1.0 - fcur)
        out[NA_DEADSTEM] = nlc * f3 * (1.0 - f4) / cndw * fcur
        out[NA_DEADSTEM_STOR] = nlc * f3 * (1.0 - f4) / cndw * (1.0 - fcur)
        out[NA_LIVECROOT] = nlc * f2 * f3 * f4 / cnlw * fcur
        out[NA_LIVECROOT_STOR] = nlc * f2 * f3 * f4 / cnlw * (1.0 - fcur)
        out[NA_DEADCROOT] = nlc * f2 * f3 * (1.0 - f4) / cndw * fcur
        out[NA_DEADCROOT_STOR] = nlc * f2 * f3 * (1.0 - f4) / cndw * (1.0 - fcur)
    total = 0.0
    for k in range(NNALLOC):
        total += out[k]
    for k in range(NNALLOC):
        out[k] = out[k] / total * npool / dt if total != 0.0 else 0.0


@kernel
def calc_leaf_litter_n_fun(leafc_to_litter, leafc, leafn, retrans_to_npool, leafcn_target, dt):
    """Leaf N litterfall and retranslocation during litterfall with FUN and floating C:N.

    With R = FUN's paid + free retranslocation this step (per second):

    .. math:: CN_{off} = \\frac{C_l}{N_l - R\\Delta t},\\quad
              N_{lit}^0 = \\max(F_C/CN_{off} - R, 0),\\quad \\rho = \\frac{N_{lit}^0}{N_{lit}^0 + R};

    then the N leaving the leaf is the leaf's own fraction :math:`T = F_C N_l/C_l`, split
    :math:`N_{lit} = \\rho T` to litter and :math:`T - N_{lit}` to the retranslocated-N pool.
    (CN_off = C_l/N_l if N_l − RΔt ≤ 0, and the target C:N if N_l = 0; ρ = 0 if both terms are 0.)

    Parameters
    ----------
    leafc_to_litter : float
        Leaf C litterfall F_C [g C m-2 s-1] (offset or background litterfall; with FUN the offset flux is
        capped at leafc/Δt + cpool_to_leafc).
    leafc, leafn : float
        Leaf C and N [g m-2].
    retrans_to_npool : float
        R = FUN_NRETRANS_PAID + FUN_NRETRANS_FREE of this step [g N m-2 s-1].
    leafcn_target : float
        ``leafcn``.
    dt : float
        Step [s].

    Returns
    -------
    (float, float, float)
        Leaf N to litter, leaf N to the retranslocated-N pool [g N m-2 s-1], and CN_off (CLM
        ``leafcn_offset``, kept as state: FUN's leaf-litter C:N of the next step; reset to ``leafcn`` once a
        year by ``CNFUNInit``).

    References
    ----------
    ``CNPhenologyMod.F90::CNOffsetLitterfall`` l.2476-2536 and ``CNBackgroundLitterfall`` l.2628-2680.
    Guard (not in CLM): no litter N when leafc ≤ 0 (CLM would divide 0 by 0).

    Examples
    --------
    >>> lit, rt, cn = calc_leaf_litter_n_fun(1e-5, 50.0, 2.0, 3e-7, 28.0, 1800.0)
    >>> round((lit + rt) / 1e-5, 12), round(lit / (lit + rt), 6)      # N leaves at the leaf's C:N 25
    (0.04, 0.249797)
    """
    if leafc <= 0.0:
        return 0.0, 0.0, leafcn_target
    if leafn > 0.0:
        if leafn - retrans_to_npool * dt > 0.0:
            cn_off = leafc / (leafn - retrans_to_npool * dt)
        else:
            cn_off = leafc / leafn
    else:
        cn_off = leafcn_target
    lit0 = max(leafc_to_litter / cn_off - retrans_to_npool, 0.0)
    denom = retrans_to_npool + lit0
    if denom != 0.0:
        rho = lit0 / denom
    elif lit0 == 0.0:
        rho = 0.0
    else:
        rho = 1.0
    ntovr = leafc_to_litter * (leafn / leafc)
    lit = rho * ntovr
    return lit, ntovr - lit, cn_off


@kernel
def calc_froot_litter_n(frootc_to_litter, frootc, frootn, dt):
    """Fine-root N litterfall at the root's own C:N (no retranslocation), capped by the pool.

    .. math:: F_N = \\min\\left(F_C\\,\\frac{N_{fr}}{C_{fr}}, \\frac{N_{fr}}{\\Delta t}\\right)

    Parameters
    ----------
    frootc_to_litter : float
        Fine-root C litterfall [g C m-2 s-1].
    frootc, frootn : float
        Fine-root C and N [g m-2].
    dt : float
        Step [s].

    Returns
    -------
    float
        F_N [g N m-2 s-1].

    References
    ----------
    ``CNPhenologyMod.F90`` l.2532-2543 (``CNratio_floating`` and the FUN cap).

    Examples
    --------
    >>> f"{calc_froot_litter_n(1e-5, 80.0, 2.0, 1800.0):.3e}"
    '2.500e-07'
    """
    fn = 0.0 if frootc == 0.0 else frootc_to_litter * (frootn / frootc)
    if fn * dt > frootn:
        fn = frootn / dt
    return fn


@kernel
def calc_livewood_turnover_n(ctovr, livec, liven):
    """N moved with live-wood → dead-wood turnover with floating C:N and FUN.

    .. math:: F_N^{dead} = \\tfrac{1}{2}\\,C_{tovr}\\frac{N_{live}}{C_{live}},\\qquad F_N^{retrans} = 0

    (the other half of the live wood's N stays in the live pool: with FUN CLM5.0 switches the
    retranslocation off).

    Parameters
    ----------
    ctovr : float
        Live → dead wood C turnover [g C m-2 s-1] (live C × lwtop_ann per year).
    livec, liven : float
        Live stem (or coarse root) C and N [g m-2].

    Returns
    -------
    (float, float)
        N to dead wood and N to retranslocation [g N m-2 s-1].

    References
    ----------
    ``CNPhenologyMod.F90::CNLivewoodTurnover`` l.2745-2793.

    Examples
    --------
    >>> calc_livewood_turnover_n(1e-6, 100.0, 2.0)
    (1e-08, 0.0)
    """
    ntovr = 0.0 if livec == 0.0 else ctovr * (liven / livec)
    return ntovr / 2.0, 0.0


@kernel
def calc_leaf_n_area(leafn, tlai):
    """Leaf N per unit leaf area read by V_cmax25 (``vcmax_opt = 3``) and the Atkin leaf respiration.

    .. math:: N_a = \\min(N_{leaf}/L, 10)

    with the displayed leaf N (not storage) and the total one-sided LAI ``tlai`` (sun/shade big leaf:
    one canopy layer, N scaler 1).

    Parameters
    ----------
    leafn : float
        Displayed leaf N [g N m-2 ground].
    tlai : float
        Total leaf area index [m2 m-2].

    Returns
    -------
    float
        N_a [g N m-2 leaf] (0 when tlai = 0).

    References
    ----------
    ``PhotosynthesisMod.F90::PhotosynthesisHydraulicStress`` l.2940-2976 (``lnc_opt = .true.``); spec §1.5,
    corrections #7. Replaces ``leafc / (leafcn · tlai)`` of ``model/canopy.py`` (the ``lnc_opt = .false.``
    form).

    Examples
    --------
    >>> calc_leaf_n_area(2.0, 1.6), calc_leaf_n_area(2.0, 0.0)
    (1.25, 0.0)
    """
    if tlai <= 0.0:
        return 0.0
    return min(leafn / tlai, LEAF_N_AREA_MAX)
