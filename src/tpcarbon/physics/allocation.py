"""Carbon allocation: available carbon, excess-MR pool, FUN-lite N cost, allometric partitioning.

Sources: spec §4.1-§4.4 (``NutrientCompetitionFlexibleCNMod.F90::calc_plant_cn_alloc``,
``CNFUNMod.F90``). N limitation follows the spec's FUN-lite reduction (§4.4 option 2): a
departure — CLM5's FUN computes the cost of N from soil mineral N and root carbon; here
an effective cost κ per PFT spends a share of available carbon on N acquisition, which is
respired and counted in AR as CLM5 does (so NPP excludes it).
"""

from __future__ import annotations

from tpcarbon.physics import kernel


@kernel
def calc_c_allometry(woody, froot_leaf, stem_leaf, croot_stem):
    """Carbon allometry (FUN form, growth respiration handled separately).

    .. math:: c_{allom} = 1 + f_1 + f_3 (1 + f_2) \\;(\\text{woody}),\\qquad 1 + f_1 \\;(\\text{non-woody})

    Parameters
    ----------
    woody : float
        Woody flag.
    froot_leaf, stem_leaf, croot_stem : float
        f1, f3, f2 [g C g-1 C].

    Returns
    -------
    float
        c_allometry [g C per g C of new leaf].

    References
    ----------
    Spec §4.2; Tech Note eqs 19.10-19.25.

    Examples
    --------
    >>> calc_c_allometry(1.0, 1.5, 2.3, 0.3), calc_c_allometry(0.0, 1.5, 0.0, 0.0)
    (5.49, 2.5)
    """
    if woody > 0.0:
        return 1.0 + froot_leaf + stem_leaf * (1.0 + croot_stem)
    return 1.0 + froot_leaf


@kernel
def calc_n_allometry(woody, froot_leaf, stem_leaf, croot_stem, flivewd, leafcn, frootcn, livewdcn, deadwdcn):
    """Nitrogen allometry [g N per g C of new leaf].

    .. math:: n_{allom} = \\frac{1}{CN_l} + \\frac{f_1}{CN_{fr}} + \\frac{f_3 f_4 (1+f_2)}{CN_{lw}}
              + \\frac{f_3 (1-f_4)(1+f_2)}{CN_{dw}}

    Parameters
    ----------
    woody : float
        Woody flag.
    froot_leaf, stem_leaf, croot_stem, flivewd : float
        f1, f3, f2, f4.
    leafcn, frootcn, livewdcn, deadwdcn : float
        Target C:N ratios [g C g-1 N].

    Returns
    -------
    float
        n_allometry [g N g-1 C].

    References
    ----------
    Spec §4.2 (table of plant C:N).

    Examples
    --------
    >>> round(calc_n_allometry(0.0, 1.5, 0.0, 0.0, 0.0, 28.0269, 42.0, 0.0, 0.0), 5)
    0.07139
    """
    n = 1.0 / leafcn + froot_leaf / frootcn
    if woody > 0.0:
        n += stem_leaf * flivewd * (1.0 + croot_stem) / livewdcn
        n += stem_leaf * (1.0 - flivewd) * (1.0 + croot_stem) / deadwdcn
    return n


@kernel
def calc_fun_lite_n_cost(availc, grperc, cn_plant, kappa):
    """Carbon spent on N acquisition under FUN-lite.

    .. math:: C_N = \\frac{C_{avail}}{(1 + g_1)\\, CN_{plant}/\\kappa + 1}

    Parameters
    ----------
    availc : float
        Carbon available after maintenance respiration [g C m-2 s-1].
    grperc : float
        Growth respiration fraction g_1 [-].
    cn_plant : float
        Whole-plant C:N of new growth = c_allometry/n_allometry [g C g-1 N].
    kappa : float
        Effective N cost κ [g C g-1 N] (0 disables N limitation).

    Returns
    -------
    float
        C_N [g C m-2 s-1] (respired, part of AR).

    References
    ----------
    Spec §4.4 option 2 (FUN-lite); FUN: Fisher et al. (2010), Shi et al. (2016).

    Examples
    --------
    >>> round(calc_fun_lite_n_cost(1.0, 0.11, 35.0, 13.0), 4)
    0.2507
    """
    if availc <= 0.0 or kappa <= 0.0:
        return 0.0
    return availc / ((1.0 + grperc) * cn_plant / kappa + 1.0)


@kernel
def calc_mr_deficit(gpp, mr):
    """Split maintenance respiration into the part paid from GPP and the excess paid from the xsmr pool.

    .. math:: C_{avail} = \\max(GPP - MR, 0),\\qquad MR_{xs} = \\max(MR - GPP, 0)

    Parameters
    ----------
    gpp : float
        Gross primary production [g C m-2 s-1].
    mr : float
        Total maintenance respiration [g C m-2 s-1].

    Returns
    -------
    (float, float)
        availc, the excess MR drawn from ``xsmrpool`` [g C m-2 s-1].

    References
    ----------
    Spec §4.1 steps 3-4.

    Examples
    --------
    >>> calc_mr_deficit(2.0, 3.0), calc_mr_deficit(3.0, 2.0)
    ((0.0, 1.0), (1.0, 0.0))
    """
    if mr > gpp:
        return 0.0, mr - gpp
    return gpp - mr, 0.0


@kernel
def calc_xsmr_recovery(xsmrpool, availc, dayscrecover, secspday):
    """Flux that refills a negative excess-MR pool from available carbon.

    .. math:: F = \\min\\left(\\frac{-C_{xsmr}}{d_{rec} \\cdot 86400},\\; C_{avail}\\right) \\text{ if } C_{xsmr} < 0

    Parameters
    ----------
    xsmrpool : float
        Excess-MR pool [g C m-2] (may be negative).
    availc : float
        Available carbon [g C m-2 s-1].
    dayscrecover : float
        Recovery time [d] (``dayscrecover`` = 30).
    secspday : float
        Seconds per day.

    Returns
    -------
    float
        F [g C m-2 s-1] ≥ 0.

    References
    ----------
    Spec §4.1 step 4.

    Examples
    --------
    >>> f"{calc_xsmr_recovery(-2.592, 1.0, 30.0, 86400.0):.1e}"
    '1.0e-06'
    """
    if xsmrpool >= 0.0:
        return 0.0
    return min(-xsmrpool / (dayscrecover * secspday), availc)
