"""Soil nitrogen of CLM5-BGC: decomposition N, NH4/NO3 competition, nitrification, denitrification, leaching.

What CLM5.0 runs (``use_nitrif_denitrif = .true.``, ``use_fun = .true.``, ``use_vertsoilc = .true.``), per
soil layer j, each step (CTSM ``release-clm5.0``):

1. ``SoilBiogeochemPotentialMod.F90``: potential C loss of each cascade transition and its potential mineral N
   flux (immobilisation > 0, mineralisation < 0) from donor and receiver C:N — litter/CWD C:N floating, SOM
   C:N fixed (:func:`calc_decomp_potential_n`).
2. ``SoilBiogeochemNitrifDenitrifMod.F90``: potential nitrification and denitrification
   (:func:`calc_potential_nitrification`, :func:`calc_potential_denitrification`, :func:`calc_n2_n2o_ratio`).
3. ``SoilBiogeochemCompetitionMod.F90``: immobilisers, nitrifiers and plants compete for NH4 first, then
   immobilisers, denitrifiers and plants for NO3; with FUN the plants are offered all that is left
   (:func:`calc_n_competition`), and FUN decides what it pays for (``physics.fun``).
4. ``SoilBiogeochemDecompMod.F90``: immobilising transitions proceed at f_pi of their potential
   (:func:`calc_decomp_actual_n`, :func:`calc_decomp_cn_update`).
5. ``SoilBiogeochemNStateUpdate1Mod.F90``: NH4/NO3 update (:func:`calc_mineral_n_update`).
6. ``SoilBiogeochemNLeachingMod.F90`` (after hydrology): NO3 leaching with drainage and loss with surface
   runoff (:func:`calc_no3_leaching_column`).

Mineral N is not mixed vertically in CLM5.0 (``SoilBiogeochemLittVertTranspMod.F90`` transports only the
decomposing pools); each layer's leached NO3 leaves the column.

Pool order as in :mod:`tpcarbon.physics.soil_bgc` (CWD 0, L1 1, L2 2, L3 3, S1 4, S2 5, S3 6); transitions in
CLM's order (:data:`TRANS_DONOR`, :data:`TRANS_RECEIVER`). Units: pools g C m-3 / g N m-3, fluxes per second.
"""

from __future__ import annotations

import math

import numpy as np

from tpcarbon.constants import DENH2O, GRAV, SECSPDAY, SECSPYR
from tpcarbon.params.fixed import (
    D_CON_G_O2,
    D_CON_G_SCALE,
    D_CON_W_O2,
    D_CON_W_SCALE,
    DEPTH_RUNOFF_NLOSS,
    DIFFUS_MIN_EXP,
    DIFFUS_OM_EXP,
    INITIAL_CN_LITTER,
    N2N2O_CO2_PROD_MIN,
    N2N2O_K1,
    N2N2O_MIN_FACTOR,
    N2N2O_NO3_CO2_DEFAULT,
    N2N2O_NO3_CO2_EXP,
    N2N2O_WFPS,
    NITRIF_PH,
    R_MAX_PSI,
    S2_TO_S1,
    S2_TO_S3,
    UG_PER_G_PER_G_PER_KG,
)
from tpcarbon.physics import kernel
from tpcarbon.physics.soil_bgc import CWD, L1, L2, L3, NDECOMP, S1, S2, S3

#: Transition indices (CLM ``init_decompcascade_bgc`` order).
T_L1S1, T_L2S1, T_L3S2, T_S1S2, T_S1S3, T_S2S1, T_S2S3, T_S3S1, T_CWDL2, T_CWDL3 = range(10)
#: Number of cascade transitions.
NTRANS = 10
#: Donor and receiver pool of each transition.
TRANS_DONOR = np.array([L1, L2, L3, S1, S1, S2, S2, S3, CWD, CWD], dtype=np.int64)
TRANS_RECEIVER = np.array([S1, S1, S2, S2, S3, S1, S3, S1, L2, L3], dtype=np.int64)
#: First pool with a fixed C:N (S1); CWD and litter (pools < S1) float.
FIRST_FIXED_CN = S1


@kernel
def calc_cascade_fractions(rf_l1s1, rf_l2s1, rf_l3s2, rf_s2s1, rf_s2s3, rf_s3s1, rf_cwdl2, rf_cwdl3,
                           texture_t, f13, cwd_fcel, cwd_flig, rf, pf):
    """Respired fraction and path fraction of each transition of the CENTURY cascade.

    ====================  ===================  ==================
    transition            pf                   rf
    ====================  ===================  ==================
    L1 → S1, L2 → S1      1, 1                 rf_l1s1, rf_l2s1
    L3 → S2               1                    rf_l3s2
    S1 → S2, S1 → S3      1 − f13, f13         t, t
    S2 → S1, S2 → S3      0.42/0.45, 0.03/0.45 rf_s2s1, rf_s2s3
    S3 → S1               1                    rf_s3s1
    CWD → L2, CWD → L3    cwd_fcel, cwd_flig   rf_cwdl2, rf_cwdl3
    ====================  ===================  ==================

    Parameters
    ----------
    rf_l1s1, rf_l2s1, rf_l3s2, rf_s2s1, rf_s2s3, rf_s3s1, rf_cwdl2, rf_cwdl3 : float
        Respired fractions [-] (parameter file).
    texture_t, f13 : float
        S1 respired fraction and S1 → S3 path fraction [-]
        (:func:`tpcarbon.physics.soil_bgc.calc_texture_t`).
    cwd_fcel, cwd_flig : float
        CWD fragmentation fractions [-].
    rf, pf : ndarray, shape (NTRANS,)
        Output respired and path fractions.

    References
    ----------
    Spec §5.3; ``SoilBiogeochemDecompCascadeBGCMod.F90::init_decompcascade_bgc`` (l.560-650).

    Examples
    --------
    >>> import numpy as np
    >>> rf = np.zeros(NTRANS); pf = np.zeros(NTRANS)
    >>> calc_cascade_fractions(0.55, 0.5, 0.5, 0.55, 0.55, 0.55, 0.0, 0.0, 0.442, 0.00717, 0.76, 0.24, rf, pf)
    >>> round(float(pf[T_S2S1] + pf[T_S2S3]), 12), float(rf[T_S1S3])
    (1.0, 0.442)
    """
    rf[T_L1S1] = rf_l1s1
    rf[T_L2S1] = rf_l2s1
    rf[T_L3S2] = rf_l3s2
    rf[T_S1S2] = texture_t
    rf[T_S1S3] = texture_t
    rf[T_S2S1] = rf_s2s1
    rf[T_S2S3] = rf_s2s3
    rf[T_S3S1] = rf_s3s1
    rf[T_CWDL2] = rf_cwdl2
    rf[T_CWDL3] = rf_cwdl3
    pf[T_L1S1] = 1.0
    pf[T_L2S1] = 1.0
    pf[T_L3S2] = 1.0
    pf[T_S1S2] = 1.0 - f13
    pf[T_S1S3] = f13
    pf[T_S2S1] = S2_TO_S1
    pf[T_S2S3] = S2_TO_S3
    pf[T_S3S1] = 1.0
    pf[T_CWDL2] = cwd_fcel
    pf[T_CWDL3] = cwd_flig


@kernel
def calc_decomp_pool_cn(c, n, cn_s1, cn_s2, cn_s3, cn):
    """C:N of each decomposing pool: floating for CWD and litter, fixed for SOM.

    .. math:: CN_i = C_i / N_i \\;(i \\in \\{CWD, L1, L2, L3\\},\\ N_i > 0),\\qquad CN_{S1,S2,S3} = 8, 11, 11

    Parameters
    ----------
    c, n : ndarray, shape (NDECOMP,)
        Pools of one layer [g C m-3], [g N m-3].
    cn_s1, cn_s2, cn_s3 : float
        SOM C:N [g C g-1 N] (``cn_s1_bgc`` …).
    cn : ndarray, shape (NDECOMP,)
        Output C:N [g C g-1 N]; 0 for a floating pool without N (CLM leaves it unset; it is never used then).

    References
    ----------
    ``SoilBiogeochemPotentialMod.F90`` l.145-162 (and ``SoilBiogeochemDecompMod.F90`` l.146-162).

    Examples
    --------
    >>> import numpy as np
    >>> cn = np.zeros(7)
    >>> calc_decomp_pool_cn(np.full(7, 60.0), np.array([1., 2., 0., 1., 7.5, 5., 5.]), 8., 11., 11., cn)
    >>> [float(x) for x in cn]
    [60.0, 30.0, 0.0, 60.0, 8.0, 11.0, 11.0]
    """
    for i in range(FIRST_FIXED_CN):
        cn[i] = c[i] / n[i] if n[i] > 0.0 else 0.0
    cn[S1] = cn_s1
    cn[S2] = cn_s2
    cn[S3] = cn_s3


@kernel
def calc_decomp_potential_n(c, n, k, rf, pf, cn, ploss, pmnf):
    """Potential C loss and mineral N flux of each transition; potential immobilisation, gross mineralisation.

    For transition t from donor d to receiver r (fixed C:N):

    .. math:: L_t = C_d\\,k_d\\,pf_t,\\qquad
              M_t = L_t\\,\\frac{1 - rf_t - CN_r/CN_d}{CN_r}
              = L_t\\left(\\frac{1 - rf_t}{CN_r} - \\frac{1}{CN_d}\\right)

    (the ratio term is 0 when N_d = 0; M_t = 0 for CWD → litter). Immobilisation
    :math:`I = \\sum_{M_t > 0} M_t`, gross mineralisation :math:`G = -\\sum_{M_t \\le 0} M_t`, potential
    HR :math:`\\sum_t rf_t L_t`.

    Parameters
    ----------
    c, n : ndarray, shape (NDECOMP,)
        Pools [g C m-3], [g N m-3].
    k : ndarray, shape (NDECOMP,)
        Decomposition rate of each pool [s-1] (CLM ``decomp_k``). With tpcarbon's daily exponential
        integration pass :math:`k = \\lambda/\\Delta t` (λ the step's loss fraction).
    rf, pf : ndarray, shape (NTRANS,)
        Respired and path fractions (:func:`calc_cascade_fractions`).
    cn : ndarray, shape (NDECOMP,)
        Pool C:N (:func:`calc_decomp_pool_cn`).
    ploss, pmnf : ndarray, shape (NTRANS,)
        Output potential C loss L_t [g C m-3 s-1] and mineral N flux M_t [g N m-3 s-1].

    Returns
    -------
    (float, float, float)
        Potential immobilisation I [g N m-3 s-1], gross mineralisation G [g N m-3 s-1], potential HR
        (``phr_vr``) [g C m-3 s-1].

    References
    ----------
    ``SoilBiogeochemPotentialMod.F90::SoilBiogeochemPotential`` l.164-258.

    Examples
    --------
    >>> import numpy as np
    >>> rf = np.zeros(10); pf = np.zeros(10); cn = np.zeros(7); pl = np.zeros(10); pm = np.zeros(10)
    >>> calc_cascade_fractions(0.55, 0.5, 0.5, 0.55, 0.55, 0.55, 0., 0., 0.442, 0.00717, 0.76, 0.24, rf, pf)
    >>> c = np.array([0., 100., 0., 0., 0., 0., 0.]); n = np.array([0., 1., 0., 0., 0., 0., 0.])
    >>> calc_decomp_pool_cn(c, n, 8., 11., 11., cn)
    >>> i, g, h = calc_decomp_potential_n(c, n, np.full(7, 1e-6), rf, pf, cn, pl, pm)
    >>> f"{i:.4e} {g:.1e} {h:.2e}"     # L1 (C:N 100) -> S1 (C:N 8): 1e-4 (0.45/8 - 1/100)
    '4.6250e-06 0.0e+00 5.50e-05'
    """
    immob = 0.0
    gross = 0.0
    phr = 0.0
    for t in range(NTRANS):
        d = TRANS_DONOR[t]
        r = TRANS_RECEIVER[t]
        ploss[t] = 0.0
        pmnf[t] = 0.0
        if c[d] > 0.0 and k[d] > 0.0:
            ploss[t] = c[d] * k[d] * pf[t]
            if r >= FIRST_FIXED_CN:
                ratio = cn[r] / cn[d] if n[d] > 0.0 else 0.0
                pmnf[t] = ploss[t] * (1.0 - rf[t] - ratio) / cn[r]
        if pmnf[t] > 0.0:
            immob += pmnf[t]
        else:
            gross -= pmnf[t]
        phr += rf[t] * ploss[t]
    return immob, gross, phr


@kernel
def calc_nuptake_profile(smin_nh4, smin_no3, dz, nfixation_prof, nlev, out):
    """Vertical profile of the plant N demand used in the competition: where mineral N is.

    .. math:: p_j = \\frac{N_{min,j}}{\\sum_k N_{min,k}\\Delta z_k}\\quad [m^{-1}];\\qquad p_j = p_{fix,j}
              \\text{ if } \\sum_k N_{min,k}\\Delta z_k = 0

    Parameters
    ----------
    smin_nh4, smin_no3 : ndarray, shape (nlev,)
        Mineral N [g N m-3].
    dz : ndarray, shape (nlev,)
        Layer thickness [m].
    nfixation_prof : ndarray, shape (nlev,)
        Fixation (root) profile [m-1] (``nfixation_prof`` = carbon root fraction / Δz, normalised).
    nlev : int
        Decomposition layers.
    out : ndarray, shape (nlev,)
        Output profile [m-1] (Σ p Δz = 1).

    References
    ----------
    ``SoilBiogeochemCompetitionMod.F90`` l.518-536 (nitrif_denitrif branch).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros(2); calc_nuptake_profile(np.array([1., 0.]), np.array([1., 2.]), np.array([0.5, 0.5]),
    ...                                       np.zeros(2), 2, p)
    >>> [float(x) for x in p]
    [1.0, 1.0]
    """
    tot = 0.0
    for j in range(nlev):
        tot += (smin_nh4[j] + smin_no3[j]) * dz[j]
    for j in range(nlev):
        out[j] = (smin_nh4[j] + smin_no3[j]) / tot if tot > 0.0 else nfixation_prof[j]


@kernel
def calc_n_competition(smin_nh4, smin_no3, plant_demand, pot_immob, pot_nit, pot_denit, compet_plant_nh4,
                       compet_plant_no3, compet_decomp_nh4, compet_decomp_no3, compet_nit, compet_denit, dt):
    """Competition for NH4 then NO3 between immobilisers, nitrifiers/denitrifiers and plants (FUN branch).

    NH4 demand :math:`D_4 = P + I + N_{it}` (P = plant demand in the layer). If :math:`D_4\\Delta t < NH_4`
    everything proceeds at its potential; otherwise, with :math:`S_4 = c_p P + c_i I + c_n N_{it}`,

    .. math:: I_4 = \\min\\left(\\frac{NH_4}{\\Delta t}\\frac{c_i I}{S_4}, I\\right),\\quad
              F_{nit} = \\min\\left(\\frac{NH_4}{\\Delta t}\\frac{c_n N_{it}}{S_4}, N_{it}\\right).

    With FUN the plants are offered all the rest: :math:`U_4 = NH_4/\\Delta t - I_4 - F_{nit}`. Then NO3 with
    :math:`D_3 = P + (I - I_4) + D_{en}`, :math:`S_3 = c_p P + c_i (I - I_4) + c_d D_{en}`, the same rule for
    :math:`I_3` and :math:`F_{denit}`, and :math:`U_3 = NO_3/\\Delta t - I_3 - F_{denit}`.
    :math:`f_{pi} = (I_4 + I_3)/I` (CLM: f_pi,NH4 = 1 and f_pi,NO3 = 1 − f_pi,NH4 when unlimited; 0 when
    I = 0 in a limited branch).

    Parameters
    ----------
    smin_nh4, smin_no3 : float
        Mineral N of the layer [g N m-3].
    plant_demand : float
        Plant N demand in the layer, column plant demand × uptake profile [g N m-3 s-1]
        (:func:`calc_nuptake_profile`; with FUN, demand = availc · n_allometry / c_allometry).
    pot_immob, pot_nit, pot_denit : float
        Potential immobilisation, nitrification, denitrification [g N m-3 s-1].
    compet_plant_nh4, compet_plant_no3, compet_decomp_nh4, compet_decomp_no3, compet_nit, compet_denit : float
        Relative competitiveness [-] (all 1 on the CLM5 file).
    dt : float
        Step [s].

    Returns
    -------
    tuple of 7 floats
        I_4, I_3 (actual immobilisation from NH4, NO3), F_nit, F_denit, U_4, U_3 (N offered to plants)
        [g N m-3 s-1], and f_pi of the layer [-].

    References
    ----------
    ``SoilBiogeochemCompetitionMod.F90::SoilBiogeochemCompetition`` l.538-731 (``use_nitrif_denitrif``,
    ``use_fun``).

    Examples
    --------
    >>> r = calc_n_competition(1.0, 0.0, 0.0, 2e-4, 0.0, 0.0, 1., 1., 1., 1., 1., 1., 10800.0)
    >>> round(r[6], 6), r[0] * 10800.0 == 1.0     # deficit: all NH4 to immobilisers, f_pi < 1
    (0.462963, True)
    """
    # ---- NH4
    d4 = plant_demand + pot_immob + pot_nit
    if d4 * dt < smin_nh4:
        i4 = pot_immob
        fnit = pot_nit
        u4 = smin_nh4 / dt - i4 - fnit
        fpi4 = 1.0
    else:
        if d4 > 0.0:
            s4 = plant_demand * compet_plant_nh4 + pot_immob * compet_decomp_nh4 + pot_nit * compet_nit
            i4 = min(smin_nh4 / dt * (pot_immob * compet_decomp_nh4 / s4), pot_immob)
            fnit = min(smin_nh4 / dt * (pot_nit * compet_nit / s4), pot_nit)
            u4 = smin_nh4 / dt - i4 - fnit
        else:
            i4 = 0.0
            fnit = 0.0
            u4 = 0.0
        fpi4 = i4 / pot_immob if pot_immob > 0.0 else 0.0
    # ---- NO3
    rest = pot_immob - i4
    d3 = plant_demand + rest + pot_denit
    if d3 * dt < smin_no3:
        i3 = rest
        fden = pot_denit
        u3 = smin_no3 / dt - i3 - fden
        fpi3 = 1.0 - fpi4
    else:
        if d3 > 0.0:
            s3 = plant_demand * compet_plant_no3 + rest * compet_decomp_no3 + pot_denit * compet_denit
            i3 = min(smin_no3 / dt * (rest * compet_decomp_no3 / s3), rest)
            fden = min(smin_no3 / dt * (pot_denit * compet_denit / s3), pot_denit)
            u3 = smin_no3 / dt - i3 - fden
        else:
            i3 = 0.0
            fden = 0.0
            u3 = 0.0
        fpi3 = i3 / pot_immob if pot_immob > 0.0 else 0.0
    return i4, i3, fnit, fden, u4, u3, fpi3 + fpi4


@kernel
def calc_fpi_column(actual_immob_vr, pot_immob_vr, dz, nlev):
    """Column fraction of potential immobilisation realised (history ``FPI``).

    .. math:: f_{pi} = \\frac{\\sum_j I^{act}_j \\Delta z_j}{\\sum_j I_j \\Delta z_j}
              \\quad (1 \\text{ if no demand})

    Parameters
    ----------
    actual_immob_vr, pot_immob_vr : ndarray, shape (nlev,)
        Actual (I_4 + I_3) and potential immobilisation [g N m-3 s-1].
    dz : ndarray, shape (nlev,)
        Thickness [m].
    nlev : int
        Layers.

    Returns
    -------
    float
        f_pi [-].

    References
    ----------
    ``SoilBiogeochemCompetitionMod.F90`` l.925-937.

    Examples
    --------
    >>> import numpy as np
    >>> float(calc_fpi_column(np.array([1., 0.]), np.array([1., 3.]), np.array([0.1, 0.1]), 2))
    0.25
    """
    a = 0.0
    p = 0.0
    for j in range(nlev):
        a += actual_immob_vr[j] * dz[j]
        p += pot_immob_vr[j] * dz[j]
    return a / p if p > 0.0 else 1.0


@kernel
def calc_decomp_actual_n(c, n, cn, rf, fpi, ploss, pmnf, ploss_act, pmnf_act, ntransfer):
    """N-limited decomposition: immobilising transitions proceed at f_pi of their potential.

    .. math:: L^{act}_t = f_{pi} L_t,\\; M^{act}_t = f_{pi} M_t \\;(M_t > 0);\\qquad
              L^{act}_t = L_t,\\; M^{act}_t = M_t \\;(M_t \\le 0);\\qquad T^N_t = L^{act}_t / CN_d

    (:math:`T^N_t = 0` when N_d = 0).

    Parameters
    ----------
    c, n, cn : ndarray, shape (NDECOMP,)
        Pools [g C m-3], [g N m-3] and their C:N.
    rf : ndarray, shape (NTRANS,)
        Respired fractions.
    fpi : float
        f_pi of the layer [-] (:func:`calc_n_competition`).
    ploss, pmnf : ndarray, shape (NTRANS,)
        Potential C loss and mineral N flux (:func:`calc_decomp_potential_n`).
    ploss_act, pmnf_act, ntransfer : ndarray, shape (NTRANS,)
        Output actual C loss [g C m-3 s-1], mineral N flux [g N m-3 s-1] and donor→receiver N transfer
        [g N m-3 s-1].

    Returns
    -------
    (float, float)
        Heterotrophic respiration [g C m-3 s-1] and net mineralisation −Σ M^act [g N m-3 s-1].

    References
    ----------
    ``SoilBiogeochemDecompMod.F90::SoilBiogeochemDecomp`` l.165-206; spec §5.3.

    Examples
    --------
    >>> import numpy as np
    >>> rf = np.zeros(10); pf = np.zeros(10); cn = np.zeros(7); pl = np.zeros(10); pm = np.zeros(10)
    >>> calc_cascade_fractions(0.55, 0.5, 0.5, 0.55, 0.55, 0.55, 0., 0., 0.442, 0.00717, 0.76, 0.24, rf, pf)
    >>> c = np.array([0., 100., 0., 0., 0., 0., 0.]); n = np.array([0., 1., 0., 0., 0., 0., 0.])
    >>> calc_decomp_pool_cn(c, n, 8., 11., 11., cn)
    >>> _ = calc_decomp_potential_n(c, n, np.full(7, 1e-6), rf, pf, cn, pl, pm)
    >>> la = np.zeros(10); ma = np.zeros(10); tn = np.zeros(10)
    >>> hr, nm = calc_decomp_actual_n(c, n, cn, rf, 0.5, pl, pm, la, ma, tn)
    >>> f"{hr:.3e} {nm:.4e}"          # half of the potential, and N is immobilised
    '2.750e-05 -2.3125e-06'
    """
    hr = 0.0
    net = 0.0
    for t in range(NTRANS):
        d = TRANS_DONOR[t]
        if c[d] > 0.0:
            if pmnf[t] > 0.0:
                ploss_act[t] = ploss[t] * fpi
                pmnf_act[t] = pmnf[t] * fpi
            else:
                ploss_act[t] = ploss[t]
                pmnf_act[t] = pmnf[t]
            hr += rf[t] * ploss_act[t]
            ntransfer[t] = ploss_act[t] / cn[d] if n[d] > 0.0 else 0.0
            net -= pmnf_act[t]
        else:
            ploss_act[t] = 0.0
            pmnf_act[t] = 0.0
            ntransfer[t] = 0.0
    return hr, net


@kernel
def calc_decomp_cn_update(c, n, ploss, rf, ntransfer, pmnf, dt, c_out, n_out):
    """Advance one layer's decomposing C and N pools through the cascade by one step.

    .. math:: C_d \\mathrel{-}= L_t\\Delta t,\\; C_r \\mathrel{+}= (1-rf_t)L_t\\Delta t,\\;
              N_d \\mathrel{-}= T^N_t\\Delta t,\\; N_r \\mathrel{+}= (T^N_t + M_t)\\Delta t

    Mineral N changes by :math:`-\\sum_t M_t\\Delta t` (returned), so N is conserved exactly.

    Parameters
    ----------
    c, n : ndarray, shape (NDECOMP,)
        Pools at the start of the step [g C m-3], [g N m-3].
    ploss, rf, ntransfer, pmnf : ndarray, shape (NTRANS,)
        Actual C loss, respired fractions, N transfer and mineral N flux (:func:`calc_decomp_actual_n`).
    dt : float
        Step [s].
    c_out, n_out : ndarray, shape (NDECOMP,)
        New pools.

    Returns
    -------
    (float, float)
        HR of the step [g C m-3] and mineral N gained (net mineralisation) [g N m-3].

    References
    ----------
    ``SoilBiogeochemNStateUpdate1Mod.F90`` l.101-133; ``CNCStateUpdate1Mod.F90`` (decomposition part).

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([0., 100., 0., 0., 0., 0., 0.]); n = np.array([0., 1., 0., 0., 0., 0., 0.])
    >>> pl = np.zeros(10); pl[0] = 1e-4; rf = np.zeros(10); rf[0] = 0.55; tn = pl / 100.0
    >>> pm = np.zeros(10); pm[0] = 1e-4 * (0.45 / 8.0 - 0.01)
    >>> co = np.zeros(7); no = np.zeros(7)
    >>> hr, dmin = calc_decomp_cn_update(c, n, pl, rf, tn, pm, 86400., co, no)
    >>> round(float(no.sum() + dmin - n.sum()), 12), round(float(co[S1] / no[S1]), 9)
    (0.0, 8.0)
    """
    for i in range(NDECOMP):
        c_out[i] = c[i]
        n_out[i] = n[i]
    hr = 0.0
    dmin = 0.0
    for t in range(NTRANS):
        d = TRANS_DONOR[t]
        r = TRANS_RECEIVER[t]
        c_out[d] -= ploss[t] * dt
        c_out[r] += (1.0 - rf[t]) * ploss[t] * dt
        hr += rf[t] * ploss[t] * dt
        n_out[d] -= ntransfer[t] * dt
        n_out[r] += (ntransfer[t] + pmnf[t]) * dt
        dmin -= pmnf[t] * dt
    return hr, dmin


@kernel
def calc_nitrif_ph_scalar(ph):
    """Nitrification scalar of soil pH (Parton et al. 1996 form as coded).

    .. math:: f_{pH} = 0.56 + \\frac{1}{\\pi}\\arctan\\left(\\pi\\,0.45\\,(pH - 5)\\right)

    Parameters
    ----------
    ph : float
        Soil pH [-] (CLM5.0 uses 6.5 for every soil, ``params.fixed.SOIL_PH``).

    Returns
    -------
    float
        f_pH [-].

    References
    ----------
    ``SoilBiogeochemNitrifDenitrifMod.F90`` l.307, l.382.

    Examples
    --------
    >>> round(calc_nitrif_ph_scalar(6.5), 6)
    0.919738
    """
    return NITRIF_PH[0] + math.atan(math.pi * NITRIF_PH[1] * (ph - NITRIF_PH[2])) / math.pi


@kernel
def calc_potential_nitrification(smin_nh4, t_scalar, w_scalar, k_nitr_max, f_ph, anaerobic_frac):
    """Potential nitrification of a layer.

    .. math:: F^{pot}_{nit} = NH_4\\,k_{max}\\,\\min(f_T, 1)\\,f_W\\,f_{pH}\\,(1 - f_{anox})

    Parameters
    ----------
    smin_nh4 : float
        NH4 [g N m-3].
    t_scalar, w_scalar : float
        Decomposition temperature scalar (Q10 form × CENTURY normalisation) and moisture scalar [-]
        (:func:`tpcarbon.physics.soil_bgc.calc_decomp_t_scalar`, ``calc_decomp_w_scalar``).
    k_nitr_max : float
        Maximum rate [s-1] (0.1 d-1 / 86400).
    f_ph : float
        pH scalar (:func:`calc_nitrif_ph_scalar`).
    anaerobic_frac : float
        Anoxic fraction of the layer [-] (:func:`calc_anaerobic_fraction`; 0 without an O2 model).

    Returns
    -------
    float
        F_nit^pot [g N m-3 s-1] ≥ 0.

    References
    ----------
    ``SoilBiogeochemNitrifDenitrifMod.F90`` l.378-399 (``no_frozen_nitrif_denitrif = .false.``: no frozen
    cut-off).

    Examples
    --------
    >>> f"{calc_potential_nitrification(1.0, 0.5, 0.8, 0.1 / 86400.0, 0.919738, 0.0):.4e}"
    '4.2580e-07'
    """
    k = k_nitr_max * min(t_scalar, 1.0) * w_scalar * f_ph
    return max(smin_nh4 * k, 0.0) * (1.0 - anaerobic_frac)


@kernel
def calc_soil_ug_per_g(bd, h2osoi_liq, dz):
    """Factor from g m-3 to µg per g of (wet) soil.

    .. math:: \\phi = \\frac{10^3}{\\rho_b + w_{liq}/\\Delta z}

    Parameters
    ----------
    bd : float
        Dry bulk density [kg m-3] (CLM: (1 − θ_sat,mineral) 2700).
    h2osoi_liq : float
        Liquid water of the layer [kg m-2].
    dz : float
        Thickness [m].

    Returns
    -------
    float
        φ [µg g-1 per g m-3].

    References
    ----------
    ``SoilBiogeochemNitrifDenitrifMod.F90`` l.408-412.

    Examples
    --------
    >>> calc_soil_ug_per_g(1300.0, 20.0, 0.1)
    0.6666666666666666
    """
    return UG_PER_G_PER_G_PER_KG / (bd + h2osoi_liq / dz)


@kernel
def calc_potential_denitrification(smin_no3, phr, bd, h2osoi_liq, dz, anaerobic_frac, resp_coef, resp_exp,
                                   no3_coef, no3_exp):
    """Potential denitrification of a layer (Del Grosso et al. 2000 as coded in CLM).

    With φ from :func:`calc_soil_ug_per_g`, :math:`\\Phi = 86400\\,\\phi`,
    CO2 production :math:`P = HR^{pot}\\,\\Phi` [µg C g-1 d-1] and :math:`[NO_3] = \\phi\\,NO_3` [µg N g-1]:

    .. math:: F^{pot}_{denit} = f_{anox}\\,\\max\\left(\\min\\left(\\frac{a_r P^{b_r}}{\\Phi},
              \\frac{a_n [NO_3]^{b_n}}{\\Phi}\\right), 0\\right)

    Parameters
    ----------
    smin_no3 : float
        NO3 [g N m-3].
    phr : float
        Potential (not N-limited) HR of the layer [g C m-3 s-1] (:func:`calc_decomp_potential_n`).
    bd, h2osoi_liq, dz : float
        Dry bulk density [kg m-3], liquid water [kg m-2], thickness [m].
    anaerobic_frac : float
        Anoxic fraction [-]. **0 without CLM's CH4/O2 model** (``use_lch4 = .false.`` branch, l.368-371):
        then CLM5 has no denitrification.
    resp_coef, resp_exp, no3_coef, no3_exp : float
        a_r = 0.1, b_r = 1.3, a_n = 1.15, b_n = 0.57 (``params.fixed.DENITRIF_RESP``, ``DENITRIF_NO3``).

    Returns
    -------
    float
        F_denit^pot [g N m-3 s-1].

    References
    ----------
    ``SoilBiogeochemNitrifDenitrifMod.F90`` l.402-433.

    Examples
    --------
    >>> f"{calc_potential_denitrification(2.0, 1e-5, 1300.0, 20.0, 0.1, 0.3, 0.1, 1.3, 1.15, 0.57):.4e}"
    '2.5424e-07'
    """
    phi = calc_soil_ug_per_g(bd, h2osoi_liq, dz)
    phi_day = phi * SECSPDAY
    no3_mass = max(smin_no3, 0.0) * phi
    co2_prod = phr * phi_day
    fmax_c = resp_coef * co2_prod ** resp_exp / phi_day
    fmax_n = no3_coef * no3_mass ** no3_exp / phi_day
    return max(min(fmax_c, fmax_n), 0.0) * anaerobic_frac


@kernel
def calc_n2_n2o_ratio(smin_no3, phr, bd, h2osoi_liq, dz, diffus, h2osoi_vol, watsat):
    """N2:N2O ratio of denitrification (Del Grosso et al. 2000 as coded in CLM).

    .. math:: k_1 = \\max(1.7, 38.4 - 350 D),\\quad
              R = \\max\\left(0.16 k_1, k_1 e^{-0.8 [NO_3]/P}\\right)\\,\\max(0.1, 0.015\\,WFPS - 0.32)

    with [NO3] and P as in :func:`calc_potential_denitrification` ([NO3]/P = 100 when P ≤ 1e-9) and
    WFPS = 100 clamp(θ/θ_sat, 0, 1) [%].

    Parameters
    ----------
    smin_no3, phr, bd, h2osoi_liq, dz : float
        As in :func:`calc_potential_denitrification`.
    diffus : float
        Relative O2 diffusivity D (:func:`calc_soil_o2_diffusivity`; 0 without the CH4 model, so k_1 = 38.4).
    h2osoi_vol, watsat : float
        Volumetric water and porosity [m3 m-3].

    Returns
    -------
    float
        R = N2/N2O [g N g-1 N]; N2O of denitrification = F_denit / (1 + R).

    References
    ----------
    ``SoilBiogeochemNitrifDenitrifMod.F90`` l.437-459 (``anoxia_wtsat = .false.``).

    Examples
    --------
    >>> round(calc_n2_n2o_ratio(2.0, 1e-5, 1300.0, 20.0, 0.1, 0.0, 0.2, 0.45), 4)
    2.1299
    """
    phi = calc_soil_ug_per_g(bd, h2osoi_liq, dz)
    no3_mass = max(smin_no3, 0.0) * phi
    co2_prod = phr * phi * SECSPDAY
    k1 = max(N2N2O_K1[0], N2N2O_K1[1] - N2N2O_K1[2] * diffus)
    ratio_no3_co2 = no3_mass / co2_prod if co2_prod > N2N2O_CO2_PROD_MIN else N2N2O_NO3_CO2_DEFAULT
    wfps = max(min(h2osoi_vol / watsat, 1.0), 0.0) * 100.0
    fr_wfps = max(N2N2O_WFPS[0], N2N2O_WFPS[1] * wfps - N2N2O_WFPS[2])
    return max(N2N2O_MIN_FACTOR * k1, k1 * math.exp(-N2N2O_NO3_CO2_EXP * ratio_no3_co2)) * fr_wfps


@kernel
def calc_soil_o2_diffusivity(t_soil, watsat, watfc, bsw, om_frac):
    """Relative gas (O2) diffusivity of a layer used by the N2:N2O ratio (``use_lch4`` branch).

    .. math:: D = D_g(T)\\left(f_{om}\\frac{f_a^{10/3}}{\\theta_s^2} + (1 - f_{om})\\,\\varepsilon^2
              f_a^{3/B}\\right),\\quad f_a = 1 - \\theta_{fc}/\\theta_s,\\;
              \\varepsilon = \\theta_s - \\theta_{fc}

    :math:`D_g = (0.1759 + 0.00117\\,T)\\,10^{-4}` with T the soil temperature **in K**, as coded.

    Parameters
    ----------
    t_soil : float
        Soil temperature [K].
    watsat, watfc : float
        Porosity and field capacity [m3 m-3].
    bsw : float
        Clapp–Hornberger B [-].
    om_frac : float
        Organic fraction min(ρ_om/130, 1) [-].

    Returns
    -------
    float
        D [m2 s-1, as coded].

    References
    ----------
    ``SoilBiogeochemNitrifDenitrifMod.F90`` l.314-333.

    Examples
    --------
    >>> f"{calc_soil_o2_diffusivity(283.15, 0.45, 0.3, 6.0, 0.0):.4e}"
    '6.5885e-07'
    """
    f_a = 1.0 - watfc / watsat
    eps = watsat - watfc
    dg = (D_CON_G_O2[0] + D_CON_G_O2[1] * t_soil) * D_CON_G_SCALE
    return dg * (om_frac * f_a ** DIFFUS_OM_EXP / watsat ** 2 + (1.0 - om_frac) * eps ** 2
                 * f_a ** (DIFFUS_MIN_EXP / bsw))


@kernel
def calc_anaerobic_fraction(soilpsi, o2_consumption, conc_o2, h2osoi_vol, watsat, t_soil, surface_tension,
                            rij_a, rij_alpha, rij_beta, rij_gamma, rij_delta):
    """Anoxic fraction of a layer (Arah & Vinten 1995), needs the O2 model's consumption and concentration.

    .. math:: r_\\psi = \\sqrt{\\frac{2\\sigma}{\\rho_w g |\\psi|}\\frac{2\\sigma}{\\rho_w g\\,0.1}},\\quad
              f_{anox} = \\exp\\left(-a\\,r_\\psi^{-\\alpha}\\,O^{-\\beta}\\,[O_2]^{\\gamma}
              (\\theta + \\tfrac{D_g}{D_w}\\theta_s)^{\\delta}\\right)

    and 0 when O ≤ 0. **Without CLM's CH4/O2 model** (``use_lch4 = .false.``, l.368-371) CLM5 sets
    f_anox = 0 (and D = 0): pass ``o2_consumption = 0``. D_g, D_w use T in K, as coded.

    Parameters
    ----------
    soilpsi : float
        Soil water potential [MPa] (CLM ``soilpsi``, ≤ 0).
    o2_consumption : float
        O2 consumption by decomposition in the unsaturated fraction O [mol m-3 s-1]
        (``o2_decomp_depth_unsat``).
    conc_o2 : float
        O2 concentration in the unsaturated fraction [mol m-3] (``conc_o2_unsat``).
    h2osoi_vol, watsat : float
        Volumetric water and porosity [m3 m-3].
    t_soil : float
        Soil temperature [K].
    surface_tension, rij_a, rij_alpha, rij_beta, rij_gamma, rij_delta : float
        σ [J m-2] and the Arah–Vinten parameters (parameter file).

    Returns
    -------
    float
        f_anox [-].

    References
    ----------
    ``SoilBiogeochemNitrifDenitrifMod.F90`` l.325-371.

    Examples
    --------
    >>> calc_anaerobic_fraction(-0.01, 0.0, 8.0, 0.3, 0.45, 283.15, 0.073, 1.5e-10, 1.26, 0.6, 0.6, 0.85)
    0.0
    >>> f = calc_anaerobic_fraction(-0.01, 1e-5, 0.5, 0.4, 0.45, 283.15, 0.073, 1.5e-10, 1.26, 0.6, 0.6, 0.85)
    >>> round(f, 4)
    0.76
    """
    if o2_consumption <= 0.0:
        return 0.0
    r_min = 2.0 * surface_tension / (DENH2O * GRAV * abs(soilpsi))
    r_max = 2.0 * surface_tension / (DENH2O * GRAV * R_MAX_PSI)
    r_psi = math.sqrt(r_min * r_max)
    dg = (D_CON_G_O2[0] + D_CON_G_O2[1] * t_soil) * D_CON_G_SCALE
    dw = (D_CON_W_O2[0] + D_CON_W_O2[1] * t_soil + D_CON_W_O2[2] * t_soil ** 2) * D_CON_W_SCALE
    return math.exp(-rij_a * r_psi ** (-rij_alpha) * o2_consumption ** (-rij_beta) * conc_o2 ** rij_gamma
                    * (h2osoi_vol + dg / dw * watsat) ** rij_delta)


@kernel
def calc_no3_leaching_column(smin_no3, h2osoi_liq, dz, zi, qflx_drain, qflx_surf, sf_no3, dt, nlev, leached,
                             runoff):
    """NO3 lost with subsurface drainage (leaching) and with surface runoff, per layer.

    With total liquid water :math:`W = \\sum_j w_j` and dissolved concentration
    :math:`c_j = sf\\,NO_{3,j}\\Delta z_j / w_j`:

    .. math:: L_j = \\min\\left(c_j\\,q_{drain}\\frac{w_j}{W\\,\\Delta z_j}, \\frac{NO_{3,j}}{\\Delta t},
              \\frac{sf\\,NO_{3,j}}{\\Delta t}\\right)
              = \\frac{sf\\,NO_{3,j}\\,q_{drain}}{W} \\text{ (uncapped)}

    and, for the layers within the top 0.05 m (surface water :math:`W_s`, partial last layer),
    :math:`R_j = \\min(c_j\\,q_{surf}\\,w_j/(W_s\\Delta z_j), NO_{3,j}/\\Delta t - L_j)` (computed before the
    sf cap of L_j, as coded).

    Parameters
    ----------
    smin_no3 : ndarray, shape (nlev,)
        NO3 after this step's biogeochemistry [g N m-3].
    h2osoi_liq : ndarray, shape (nlev,)
        Liquid water [kg m-2].
    dz, zi : ndarray, shape (nlev,)
        Thickness and depth of the bottom interface of each layer [m].
    qflx_drain, qflx_surf : float
        Subsurface drainage and surface runoff of the column [kg m-2 s-1].
    sf_no3 : float
        Soluble fraction of NO3 [-] (1).
    dt : float
        Step [s].
    nlev : int
        Layers (CLM: water summed over ``nlevsoi``, N over ``nlevdecomp``; tpcarbon uses one set).
    leached, runoff : ndarray, shape (nlev,)
        Output loss rates [g N m-3 s-1].

    Returns
    -------
    (float, float)
        Column leaching and runoff loss [g N m-2 s-1] (history ``SMIN_NO3_LEACHED``, ``SMIN_NO3_RUNOFF``).

    References
    ----------
    ``SoilBiogeochemNLeachingMod.F90::SoilBiogeochemNLeaching`` l.120-283 (``use_vertsoilc``).

    Examples
    --------
    >>> import numpy as np
    >>> le = np.zeros(2); ro = np.zeros(2)
    >>> tot = calc_no3_leaching_column(np.array([1.0, 1.0]), np.array([10., 30.]), np.array([0.1, 0.1]),
    ...                                np.array([0.1, 0.2]), 1e-5, 0.0, 1.0, 1800.0, 2, le, ro)
    >>> f"{tot[0]:.2e}"                  # sf q_drain total NO3 / W = 1e-5 * 0.2 / 40
    '5.00e-08'
    """
    tot_water = 0.0
    surface_water = 0.0
    for j in range(nlev):
        tot_water += h2osoi_liq[j]
        ztop = zi[j - 1] if j > 0 else 0.0
        if zi[j] <= DEPTH_RUNOFF_NLOSS:
            surface_water += h2osoi_liq[j]
        elif ztop < DEPTH_RUNOFF_NLOSS:
            surface_water += h2osoi_liq[j] * ((DEPTH_RUNOFF_NLOSS - ztop) / dz[j])
    tot_l = 0.0
    tot_r = 0.0
    for j in range(nlev):
        ztop = zi[j - 1] if j > 0 else 0.0
        # c_j w_j / Δz_j = sf NO3_j, written without forming c_j (no inf·0 for a nearly dry layer)
        wet = h2osoi_liq[j] > 0.0
        lj = sf_no3 * smin_no3[j] * (qflx_drain / tot_water) if wet else 0.0
        lj = max(min(lj, smin_no3[j] / dt), 0.0)
        if wet and surface_water > 0.0 and (zi[j] <= DEPTH_RUNOFF_NLOSS or ztop < DEPTH_RUNOFF_NLOSS):
            # the partial-layer branch of CLM reduces to the same expression
            rj = sf_no3 * smin_no3[j] * (qflx_surf / surface_water)
        else:
            rj = 0.0
        rj = max(min(rj, smin_no3[j] / dt - lj), 0.0)
        lj = max(min(lj, sf_no3 * smin_no3[j] / dt), 0.0)
        leached[j] = lj
        runoff[j] = rj
        tot_l += lj * dz[j]
        tot_r += rj * dz[j]
    return tot_l, tot_r


@kernel
def calc_mineral_n_update(smin_nh4, smin_no3, nh4_input, gross_nmin, immob_nh4, immob_no3, plant_nh4,
                          plant_no3, f_nit, f_denit, n2o_frac, dt):
    """Update a layer's NH4 and NO3 with the step's fluxes (FUN branch).

    .. math:: NH_4' = NH_4 + (A + G - I_4 - U^{FUN}_4 - F_{nit})\\Delta t,\\qquad
              NO_3' = NO_3 + ((1 - f_{N_2O}) F_{nit} - I_3 - U^{FUN}_3 - F_{denit})\\Delta t

    (A = deposition × deposition profile + free-living fixation × fixation profile; symbiotic fixation goes
    straight to the plant and never enters the soil with FUN). The nitrification N2O
    :math:`f_{N_2O}F_{nit}` leaves the system.

    Parameters
    ----------
    smin_nh4, smin_no3 : float
        Pools at the start of the step [g N m-3].
    nh4_input : float
        A [g N m-3 s-1].
    gross_nmin : float
        Gross mineralisation G [g N m-3 s-1] (:func:`calc_decomp_potential_n`; not N-limited).
    immob_nh4, immob_no3, f_nit, f_denit : float
        Actual fluxes (:func:`calc_n_competition`) [g N m-3 s-1].
    plant_nh4, plant_no3 : float
        Uptake taken by FUN from the layer [g N m-3 s-1] (≤ the offer U_4, U_3).
    n2o_frac : float
        Nitrified fraction lost as N2O (6e-4).
    dt : float
        Step [s].

    Returns
    -------
    (float, float, float)
        New NH4, new NO3 [g N m-3] and the nitrification N2O flux [g N m-3 s-1].

    References
    ----------
    ``SoilBiogeochemNStateUpdate1Mod.F90`` l.66-73, l.218-258; ``SoilBiogeochemCompetitionMod.F90`` l.701.

    Examples
    --------
    >>> nh4, no3, n2o = calc_mineral_n_update(1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1e-5, 0.0, 6e-4, 1e4)
    >>> round(nh4, 9), round(no3, 9), f"{n2o:.1e}"
    (0.9, 1.09994, '6.0e-09')
    """
    nh4 = smin_nh4 + (nh4_input + gross_nmin - immob_nh4 - plant_nh4 - f_nit) * dt
    no3 = smin_no3 + (f_nit * (1.0 - n2o_frac) - immob_no3 - plant_no3 - f_denit) * dt
    return nh4, no3, f_nit * n2o_frac


@kernel
def calc_free_living_fixation(ann_et, slope, intercept):
    """Free-living N fixation of CLM5 with FUN: linear in the annual mean evapotranspiration.

    .. math:: F_{free} = \\frac{a\\,\\max(0, ET_{ann})\\,s_{yr} + b}{s_{yr}}

    Parameters
    ----------
    ann_et : float
        365-day running mean of total ET [kg m-2 s-1] (CLM ``AnnET``; :func:`calc_runmean_update`).
    slope, intercept : float
        a = 0.0006 g N m-2 yr-1 per mm yr-1, b = 0.0117 g N m-2 yr-1 (``FREELIVFIX_*``).

    Returns
    -------
    float
        F_free [g N m-2 s-1] (into NH4 with the fixation profile).

    References
    ----------
    ``CNNDynamicsMod.F90::CNFreeLivingFixation`` l.155-191 (called instead of the NPP-based ``CNNFixation``
    when ``use_fun``, ``CNDriverMod.F90`` l.269-279).

    Examples
    --------
    >>> round(calc_free_living_fixation(400.0 / (365 * 86400.0), 0.0006, 0.0117) * 365 * 86400, 6)
    0.2517
    """
    return (slope * max(0.0, ann_et) * SECSPYR + intercept) / SECSPYR


@kernel
def calc_runmean_update(value, x, nsteps, period_steps):
    """CLM ``runmean`` accumulator update (e.g. AnnET, 365-day running mean).

    .. math:: n \\leftarrow \\min(n + 1, N),\\qquad \\bar x \\leftarrow \\frac{(n - 1)\\bar x + x}{n}

    Parameters
    ----------
    value : float
        Current mean.
    x : float
        This step's value.
    nsteps : float
        Steps accumulated so far (0 at cold start).
    period_steps : float
        Period N in steps (365 d / Δt).

    Returns
    -------
    (float, float)
        New mean and new step count.

    References
    ----------
    ``accumulMod.F90::update_accum_field_runmean``; ``WaterfluxType.F90`` (AnnET, init 0).

    Examples
    --------
    >>> calc_runmean_update(0.0, 2.0, 0.0, 10.0), calc_runmean_update(1.0, 2.0, 10.0, 10.0)
    ((2.0, 1.0), (1.1, 10.0))
    """
    n = min(nsteps + 1.0, period_steps)
    return ((n - 1.0) * value + x) / n, n


@kernel
def calc_cold_start_soil_n(c, cn_s1, cn_s2, cn_s3, out):
    """Cold-start N of the decomposing pools: C / initial C:N.

    .. math:: N_i = C_i / CN^0_i,\\qquad CN^0 = 90 \\text{ (CWD, litter)},\\; 8, 11, 11 \\text{ (S1-S3)}

    Mineral NH4 and NO3 start at 0 (``SoilBiogeochemNitrogenStateType.F90::InitCold`` l.361-366).

    Parameters
    ----------
    c : ndarray, shape (NDECOMP,)
        Initial C [g C m-3] (CLM: SOM seeds 200 g C m-3 above 1.5 m, litter 0).
    cn_s1, cn_s2, cn_s3 : float
        SOM C:N.
    out : ndarray, shape (NDECOMP,)
        Initial N [g N m-3].

    References
    ----------
    ``SoilBiogeochemNitrogenStateType.F90::InitCold`` l.340-343; ``init_decompcascade_bgc`` l.427-480.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.zeros(7); calc_cold_start_soil_n(np.array([0., 0., 0., 0., 200., 200., 200.]), 8., 11., 11., n)
    >>> [round(float(x), 4) for x in n]
    [0.0, 0.0, 0.0, 0.0, 25.0, 18.1818, 18.1818]
    """
    for i in range(FIRST_FIXED_CN):
        out[i] = c[i] / INITIAL_CN_LITTER
    out[S1] = c[S1] / cn_s1
    out[S2] = c[S2] / cn_s2
    out[S3] = c[S3] / cn_s3
