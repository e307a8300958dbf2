"""Autotrophic respiration: maintenance (Q10 = 1.5 per g N) and growth (0.11 of new tissue).

Sources: spec §4.3 (``CNMRespMod.F90``, ``CNGRespMod.F90``). Leaf maintenance respiration
comes from photosynthesis (R_d, spec §1.5), not from here. tpcarbon is carbon-only:
tissue N = tissue C / C:N at the PFT's target ratio (spec §4.3 "C-only reduction").
"""

from __future__ import annotations

import math

from tpcarbon.params.fixed import Q10_SPAN, T_REF_MR
from tpcarbon.physics import kernel


@kernel
def calc_mr_q10_factor(tk, q10):
    """Maintenance-respiration temperature factor, reference 20 °C.

    .. math:: f(T) = Q_{10}^{(T - 293.15)/10}

    Parameters
    ----------
    tk : float
        Tissue temperature [K] (2 m air for stems and coarse roots, soil layer for fine roots).
    q10 : float
        Q10 [-] (``q10_mr`` = 1.5).

    Returns
    -------
    float
        f(T) [-].

    References
    ----------
    Spec §4.3; ``CNMRespMod.F90``. ([DOC≠CODE]: the Tech Note's 2.0 is not what the code uses.)

    Examples
    --------
    >>> round(calc_mr_q10_factor(273.15, 1.5), 4)
    0.4444
    """
    return math.exp(math.log(q10) * (tk - T_REF_MR) / Q10_SPAN)


@kernel
def calc_tissue_mr(tissue_c, tissue_cn, base_rate, tk, q10):
    """Maintenance respiration of a live tissue pool from its N content.

    .. math:: MR = \\frac{C}{CN}\\, b\\, Q_{10}^{(T - 293.15)/10}

    Parameters
    ----------
    tissue_c : float
        Tissue carbon [g C m-2].
    tissue_cn : float
        Tissue C:N [g C g-1 N] (``livewdcn``, ``frootcn``).
    base_rate : float
        Base rate b [g C g-1 N s-1] (``br_mr`` = 2.525e-6 stems; ``br_root`` = 0.83e-6 roots).
    tk : float
        Temperature [K].
    q10 : float
        Q10 [-].

    Returns
    -------
    float
        MR [g C m-2 s-1].

    References
    ----------
    Spec §4.3 (live stem, live coarse root); ``CNMRespMod.F90``.

    Examples
    --------
    >>> f"{calc_tissue_mr(100.0, 50.0, 2.525e-6, 293.15, 1.5):.4e}"
    '5.0500e-06'
    """
    if tissue_c <= 0.0 or tissue_cn <= 0.0:
        return 0.0
    return tissue_c / tissue_cn * base_rate * calc_mr_q10_factor(tk, q10)


@kernel
def calc_froot_mr(frootc, frootcn, base_rate, q10_factor, rootfr_c, nlev):
    """Fine-root maintenance respiration summed over soil layers with the carbon root profile.

    .. math:: MR_{froot} = \\sum_j \\frac{C_{froot}}{CN_{froot}}\\, b_{root}\\, Q_{10}^{(T_j - 293.15)/10}\\, r_{c,j}

    Parameters
    ----------
    frootc : float
        Fine-root carbon [g C m-2].
    frootcn : float
        Fine-root C:N [g C g-1 N].
    base_rate : float
        b_root [g C g-1 N s-1] (0.83e-6 with FUN).
    q10_factor : ndarray, shape (nlevsoi,)
        :func:`calc_mr_q10_factor` of each layer's temperature [-] (shared by all patches of a cell).
    rootfr_c : ndarray, shape (nlevsoi,)
        Carbon root fractions r_c,j [-] (sum 1).
    nlev : int
        Number of rooted layers.

    Returns
    -------
    float
        MR [g C m-2 s-1].

    References
    ----------
    Spec §4.3; ``CNMRespMod.F90`` (``crootfr``).

    Examples
    --------
    >>> import numpy as np
    >>> f"{calc_froot_mr(100.0, 42.0, 0.83e-6, np.ones(3), np.array([0.5, 0.3, 0.2]), 3):.4e}"
    '1.9762e-06'
    """
    if frootc <= 0.0:
        return 0.0
    n = frootc / frootcn * base_rate
    total = 0.0
    for j in range(nlev):
        total += rootfr_c[j] * q10_factor[j]
    return n * total


@kernel
def calc_growth_respiration(alloc_c, grperc):
    """Growth respiration charged at allocation (``grpnow = 1``).

    .. math:: GR = g_1 \\cdot C_{alloc}

    Parameters
    ----------
    alloc_c : float
        Carbon allocated to new tissue (display + storage) [g C m-2 s-1].
    grperc : float
        Growth respiration fraction g_1 [-] (0.11).

    Returns
    -------
    float
        GR [g C m-2 s-1].

    References
    ----------
    Spec §4.3; ``CNGRespMod.F90``.

    Examples
    --------
    >>> round(calc_growth_respiration(1.0, 0.11), 2)
    0.11
    """
    return grperc * alloc_c
