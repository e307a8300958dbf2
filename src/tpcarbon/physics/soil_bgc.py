"""Soil biogeochemistry: the vertically resolved CENTURY cascade of CLM5-BGC.

Pools (index): CWD 0, L1 1, L2 2, L3 3, S1 4, S2 5, S3 6, per soil layer, in g C m-3.
Decomposition rate of pool i in layer j:

.. math:: k_{i,j} = k_i\\, f_T(T_j)\\, f_W(\\psi_j)\\, f_O\\, f_D(z_j)\\, a_i a_{lat}

with CLM5's base turnover times, Q10 = 1.5 temperature function normalised to
CENTURY at 15 °C, Andrén–Paustian moisture function, depth e-folding 10 m, and the AD
spin-up factors (spec §5.2-§5.7, ``SoilBiogeochemDecompCascadeBGCMod.F90``,
``SoilBiogeochemPotentialMod.F90``, ``SoilBiogeochemLittVertTranspMod.F90``).

Named departures: f_O = 1 (no CH4/O2 model; f_O can only lower HR, to ≥ 0.2, in wet
layers; the model's O2 proxy is departure D23); the N limitation f_pi of immobilising
transitions is applied by the caller (``model/bgc.py``, coupled N cycle); the cascade is integrated with a
daily step using the day's mean scalars and an exact per-pool exponential loss
(CLM: explicit at every 30-min step). Its effect on daily and annual HR is < 0.5 %
(tests/reference/test_soil_bgc_reference.py compares with 3-hourly steps).
"""

from __future__ import annotations

import math

from tpcarbon.constants import MPA_PER_MM, SECSPDAY, SECSPYR, TFRZ
from tpcarbon.params.fixed import (
    AD_LAT,
    CATANF,
    F13_NUM,
    MAX_DEPTH_CRYOTURB,
    NORM_TCMP_C,
    NORM_TREF_C,
    S2_TO_S1,
    S2_TO_S3,
    SOILPSI_MIN_MPA,
    SOILPSI_SAT_FLOOR,
    SURFPROF_EXP,
    T_REF25,
    TEXTURE_T,
)
from tpcarbon.physics import kernel

#: Pool indices of the cascade.
CWD, L1, L2, L3, S1, S2, S3 = 0, 1, 2, 3, 4, 5, 6
#: Number of decomposing pools.
NDECOMP = 7


@kernel
def calc_catanf(tc):
    """CENTURY temperature function used for the Q10 normalisation.

    .. math:: \\mathrm{catanf}(T) = 11.75 + \\frac{29.7}{\\pi}\\arctan(\\pi\\,0.031\\,(T - 15.4))

    Parameters
    ----------
    tc : float
        Temperature [°C].

    Returns
    -------
    float
        catanf [-].

    References
    ----------
    Spec §5.4; ``SoilBiogeochemDecompCascadeBGCMod.F90``.

    Examples
    --------
    >>> round(calc_catanf(15.0), 4), round(calc_catanf(30.0), 4)
    (11.3819, 20.8055)
    """
    return CATANF[0] + CATANF[1] / math.pi * math.atan(math.pi * CATANF[2] * (tc - CATANF[3]))


@kernel
def calc_q10_normalisation(q10):
    """Normalisation of the Q10 function to CENTURY's temperature response at 15 °C.

    .. math:: N = \\frac{\\mathrm{catanf}(15)/\\mathrm{catanf}(30)}{Q_{10}^{(15 - 25)/10}}

    Parameters
    ----------
    q10 : float
        Q10 [-] (1.5).

    Returns
    -------
    float
        N [-] (0.820595 for Q10 = 1.5).

    References
    ----------
    Spec §5.4 (``normalize_q10_to_century_tfunc = .true.``, ``normalization_tref = 15``).

    Examples
    --------
    >>> round(calc_q10_normalisation(1.5), 6)
    0.820595
    """
    return (calc_catanf(NORM_TREF_C) / calc_catanf(NORM_TCMP_C)) / q10 ** ((NORM_TREF_C - (T_REF25 - TFRZ)) / 10.0)


@kernel
def calc_decomp_t_scalar(tk, q10, froz_q10, norm):
    """Temperature scalar of decomposition (``use_century_tfunc = .false.``).

    .. math:: f_T = N\\,Q_{10}^{(T - 298.15)/10} \\;(T \\ge T_f),\\qquad
              f_T = N\\,Q_{10}^{(T_f - 298.15)/10} Q_{10,froz}^{(T - T_f)/10} \\;(T < T_f)

    Parameters
    ----------
    tk : float
        Soil temperature [K].
    q10, froz_q10 : float
        Q10 above and below freezing [-] (both 1.5 in CLM5).
    norm : float
        Normalisation N [-] (:func:`calc_q10_normalisation`).

    Returns
    -------
    float
        f_T [-].

    References
    ----------
    Spec §5.4; ``SoilBiogeochemDecompCascadeBGCMod.F90::decomp_rate_constants_bgc``.

    Examples
    --------
    >>> round(calc_decomp_t_scalar(298.15, 1.5, 1.5, 0.820595), 6), round(calc_decomp_t_scalar(263.15, 1.5, 1.5, 1.0), 4)
    (0.820595, 0.2419)
    """
    if tk >= TFRZ:
        return norm * math.exp(math.log(q10) * (tk - T_REF25) / 10.0)
    return norm * math.exp(math.log(q10) * (TFRZ - T_REF25) / 10.0 + math.log(froz_q10) * (tk - TFRZ) / 10.0)


@kernel
def calc_decomp_w_scalar(psi, minpsi, maxpsi):
    """Moisture scalar of decomposition (Andrén & Paustian 1987).

    .. math:: f_W = \\frac{\\ln(\\psi_{min}/\\psi)}{\\ln(\\psi_{min}/\\psi_{max})},\\; \\psi = \\min(\\psi_j, \\psi_{max});
              \\quad 0 \\text{ if } \\psi \\le \\psi_{min}

    Parameters
    ----------
    psi : float
        Soil water potential from liquid water [MPa] (CLM ``soilpsi``).
    minpsi, maxpsi : float
        ψ_min = −2.0, ψ_max = −0.002 MPa (``minpsi_hr``, ``maxpsi_hr``).

    Returns
    -------
    float
        f_W [-] in [0, 1].

    References
    ----------
    Spec §5.4 ([DOC≠CODE]: ψ_min is −2.0 MPa on the parameter file, not the Tech Note's −2.5).

    Examples
    --------
    >>> round(calc_decomp_w_scalar(-0.2, -2.0, -0.002), 4), calc_decomp_w_scalar(-3.0, -2.0, -0.002)
    (0.3333, 0.0)
    """
    p = min(psi, maxpsi)
    if p <= minpsi:
        return 0.0
    return math.log(minpsi / p) / math.log(minpsi / maxpsi)


@kernel
def calc_decomp_w_scalar_from_saturation(vol_liq, watsat, sucsat, bsw, minpsi, maxpsi):
    """Moisture scalar of decomposition straight from liquid water, without a power function.

    Same result as ``calc_decomp_w_scalar(calc_soilpsi_mpa(...))``: with
    :math:`\\ln(-\\psi) = \\ln(9.8\\times10^{-6}\\psi_{sat}) - B\\ln s`,

    .. math:: f_W = \\frac{\\ln(-\\psi_{min}) - \\ln(-\\psi)}{\\ln(\\psi_{min}/\\psi_{max})},
              \\quad \\psi \\in [-15, \\psi_{max}]

    Parameters
    ----------
    vol_liq, watsat : float
        Liquid water and porosity [m3 m-3].
    sucsat, bsw : float
        Saturated suction [mm] and B [-].
    minpsi, maxpsi : float
        ψ_min, ψ_max [MPa].

    Returns
    -------
    float
        f_W [-].

    References
    ----------
    Spec §5.4 (CLM ``soilpsi`` and Andrén & Paustian f_W).

    Examples
    --------
    >>> from tpcarbon.physics.soil_water import calc_soilpsi_mpa
    >>> a = calc_decomp_w_scalar_from_saturation(0.12, 0.45, 200.0, 6.0, -2.0, -0.002)
    >>> b = calc_decomp_w_scalar(calc_soilpsi_mpa(0.12, 0.45, 200.0, 6.0), -2.0, -0.002)
    >>> round(a, 12) == round(b, 12)
    True
    """
    if vol_liq <= 0.0:
        return 0.0
    s = max(vol_liq / watsat, SOILPSI_SAT_FLOOR)
    ln_neg_psi = math.log(MPA_PER_MM * sucsat) - bsw * math.log(s)      # ln(-psi), psi in MPa
    ln_neg_psi = min(ln_neg_psi, math.log(-SOILPSI_MIN_MPA))            # psi >= -15 MPa
    if ln_neg_psi <= math.log(-maxpsi):
        return 1.0
    if ln_neg_psi >= math.log(-minpsi):
        return 0.0
    return (math.log(-minpsi) - ln_neg_psi) / math.log(minpsi / maxpsi)


@kernel
def calc_depth_scalar(z, efolding):
    """Depth scalar of decomposition.

    .. math:: f_D = \\exp(-z / z_\\tau),\\quad z_\\tau = 10\\ \\mathrm{m}

    Parameters
    ----------
    z : float
        Node depth [m].
    efolding : float
        e-folding depth z_τ [m] (``decomp_depth_efolding``).

    Returns
    -------
    float
        f_D [-].

    References
    ----------
    Spec §5.4; Tech Note eq. 21.9.

    Examples
    --------
    >>> round(calc_depth_scalar(1.0, 10.0), 6)
    0.904837
    """
    return math.exp(-z / efolding)


@kernel
def calc_ad_latitude_factor(lat_deg):
    """Latitude multiplier of the accelerated-decomposition factors.

    .. math:: a_{lat} = 1 + \\frac{50}{1 + \\exp(-0.15(|\\varphi| - 60))}

    Parameters
    ----------
    lat_deg : float
        Latitude [degrees].

    Returns
    -------
    float
        a_lat [-].

    References
    ----------
    Spec §5.7; ``SoilBiogeochemStateType.F90::get_spinup_latitude_term`` ([DOC≠CODE]: the code's slope 0.15).

    Examples
    --------
    >>> round(calc_ad_latitude_factor(30.0), 2), round(calc_ad_latitude_factor(40.0), 2)
    (1.55, 3.37)
    """
    return 1.0 + AD_LAT[0] / (1.0 + math.exp(-AD_LAT[1] * (abs(lat_deg) - AD_LAT[2])))


@kernel
def calc_texture_t(sand):
    """Texture-dependent respiration fraction of SOM1 decay and the S1→S3 path fraction.

    .. math:: t = 0.85 - 0.68 \\cdot 0.01\\,(100 - \\%sand),\\qquad f_{13} = 0.004/(1 - t)

    Parameters
    ----------
    sand : float
        Sand content [%].

    Returns
    -------
    (float, float)
        t [-] (respired fraction of S1 → S2/S3), f_13 [-].

    References
    ----------
    Spec §5.3; ``init_decompcascade_bgc``.

    Examples
    --------
    >>> [round(x, 5) for x in calc_texture_t(40.0)]
    [0.442, 0.00717]
    """
    t = TEXTURE_T[0] - TEXTURE_T[1] * 0.01 * (100.0 - sand)
    return t, F13_NUM / (1.0 - t)


@kernel
def calc_base_rate(tau_years):
    """Base decomposition rate from a turnover time.

    .. math:: k = 1/(\\tau \\cdot 365 \\cdot 86400)

    Parameters
    ----------
    tau_years : float
        Turnover time τ [yr].

    Returns
    -------
    float
        k [s-1].

    References
    ----------
    Spec §5.2.

    Examples
    --------
    >>> f"{calc_base_rate(1.0 / 18.5):.4e}"
    '5.8663e-07'
    """
    return 1.0 / (tau_years * SECSPYR)


@kernel
def calc_decompose_layer(c, loss_frac, rf_l1s1, rf_l2s1, rf_l3s2, rf_s2s1, rf_s2s3, rf_s3s1, texture_t, f13,
                         cwd_fcel, cwd_flig, out):
    """Advance one layer's pools through the cascade given each pool's fractional loss.

    For donor pool i, loss L_i = C_i λ_i (λ_i = 1 − e^{−k_i Δt}); each transition k with path
    fraction pf_k and respired fraction rf_k sends (1 − rf_k) pf_k L_i to its receiver and
    respires rf_k pf_k L_i:

    ====================  ===================  ==================
    transition            pf                   rf
    ====================  ===================  ==================
    L1 → S1               1                    rf_l1s1 (0.55)
    L2 → S1               1                    rf_l2s1 (0.50)
    L3 → S2               1                    rf_l3s2 (0.50)
    S1 → S2, S1 → S3      1 − f13, f13         t (texture)
    S2 → S1, S2 → S3      0.42/0.45, 0.03/0.45 0.55, 0.55
    S3 → S1               1                    0.55
    CWD → L2, CWD → L3    cwd_fcel, cwd_flig   0
    ====================  ===================  ==================

    Parameters
    ----------
    c : ndarray, shape (7,)
        Pools [g C m-3] at the start of the step.
    loss_frac : ndarray, shape (7,)
        Fraction of each pool decomposed this step λ_i [-].
    rf_l1s1, rf_l2s1, rf_l3s2, rf_s2s1, rf_s2s3, rf_s3s1 : float
        Respired fractions [-].
    texture_t, f13 : float
        S1 respired fraction and S1 → S3 path fraction [-].
    cwd_fcel, cwd_flig : float
        CWD fragmentation fractions to L2 and L3 [-].
    out : ndarray, shape (7,)
        New pools [g C m-3] (may alias nothing else).

    Returns
    -------
    (float, float)
        Heterotrophic respiration from litter (L1-L3) and from SOM (S1-S3) [g C m-3 per step].

    References
    ----------
    Spec §5.3; ``init_decompcascade_bgc``; ``SoilBiogeochemDecompMod.F90``.

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([10.0, 5.0, 5.0, 5.0, 20.0, 100.0, 500.0]); out = np.zeros(7)
    >>> hl, hs = calc_decompose_layer(c, np.full(7, 0.1), 0.55, 0.5, 0.5, 0.55, 0.55, 0.55, 0.442, 0.00717, 0.76, 0.24,
    ...                               out)
    >>> abs(round(float(c.sum() - out.sum() - hl - hs), 12))   # carbon conserved
    0.0
    """
    loss0 = c[CWD] * loss_frac[CWD]
    loss1 = c[L1] * loss_frac[L1]
    loss2 = c[L2] * loss_frac[L2]
    loss3 = c[L3] * loss_frac[L3]
    loss4 = c[S1] * loss_frac[S1]
    loss5 = c[S2] * loss_frac[S2]
    loss6 = c[S3] * loss_frac[S3]
    hr_lit = rf_l1s1 * loss1 + rf_l2s1 * loss2 + rf_l3s2 * loss3
    hr_som = texture_t * loss4 + (S2_TO_S1 * rf_s2s1 + S2_TO_S3 * rf_s2s3) * loss5 + rf_s3s1 * loss6
    out[CWD] = c[CWD] - loss0
    out[L1] = c[L1] - loss1
    out[L2] = c[L2] - loss2 + cwd_fcel * loss0
    out[L3] = c[L3] - loss3 + cwd_flig * loss0
    out[S1] = (c[S1] - loss4 + (1.0 - rf_l1s1) * loss1 + (1.0 - rf_l2s1) * loss2
               + S2_TO_S1 * (1.0 - rf_s2s1) * loss5 + (1.0 - rf_s3s1) * loss6)
    out[S2] = c[S2] - loss5 + (1.0 - rf_l3s2) * loss3 + (1.0 - f13) * (1.0 - texture_t) * loss4
    out[S3] = c[S3] - loss6 + f13 * (1.0 - texture_t) * loss4 + S2_TO_S3 * (1.0 - rf_s2s3) * loss5
    # CWD fragmentation fractions sum to 1 in CLM5 (0.76 + 0.24); any remainder is not respired
    return hr_lit, hr_som


@kernel
def calc_som_diffusivity(altmax, altmax_lastyear, zi, nlev, som_diffus, cryoturb_k, max_alt_cryo, out):
    """Vertical mixing coefficient of soil organic matter at each layer interface.

    Permafrost (0 < ALT ≤ 2 m, ALT = max of this and last year's maximum thaw depth):
    D = D_cryo above ALT, falling linearly to 0 at min(3 m, bottom of the column);
    otherwise (ALT > 2 m) D = D_bio; always frozen (ALT = 0): D = 0.

    Parameters
    ----------
    altmax, altmax_lastyear : float
        Maximum active-layer (thaw) depth this year and last year [m].
    zi : ndarray, shape (nlev,)
        Depth of the bottom interface of each layer [m].
    nlev : int
        Number of soil layers (interfaces 0 … nlev−2 are interior).
    som_diffus, cryoturb_k : float
        D_bio = 1 cm² yr-1 and D_cryo = 5 cm² yr-1 [m2 s-1].
    max_alt_cryo : float
        Maximum ALT for cryoturbation [m] (2 m).
    out : ndarray, shape (nlev,)
        Output D at the bottom interface of each layer [m2 s-1] (last = 0).

    References
    ----------
    Spec §5.5; ``SoilBiogeochemLittVertTranspMod.F90``.

    Examples
    --------
    >>> import numpy as np
    >>> d = np.zeros(4); calc_som_diffusivity(1.0, 0.8, np.array([0.5, 1.0, 2.0, 3.26]), 4, 3.2e-12, 1.6e-11, 2.0, d)
    >>> [float(f"{x:.3e}") for x in d]
    [1.6e-11, 1.6e-11, 8e-12, 0.0]
    """
    alt = max(altmax, altmax_lastyear)
    bottom = min(MAX_DEPTH_CRYOTURB, zi[nlev - 1])
    for j in range(nlev):
        out[j] = 0.0
        if j == nlev - 1:
            continue
        if alt <= 0.0:
            continue
        if alt <= max_alt_cryo:
            if zi[j] <= alt:
                out[j] = cryoturb_k
            elif zi[j] < bottom:
                out[j] = cryoturb_k * (1.0 - (zi[j] - alt) / (bottom - alt))
        else:
            out[j] = som_diffus


@kernel
def solve_vertical_mixing(c, diff, dz, z, dt, nlev, work):
    """Implicit vertical diffusion of one pool's concentration (zero flux at top and bottom).

    .. math:: \\Delta z_j \\frac{C_j' - C_j}{\\Delta t} = D_{j-1/2}\\frac{C'_{j-1} - C'_j}{z_j - z_{j-1}}
              - D_{j+1/2}\\frac{C'_j - C'_{j+1}}{z_{j+1} - z_j}

    conserves Σ C_j Δz_j exactly.

    Parameters
    ----------
    c : ndarray, shape (nlev,)
        Concentration [g C m-3]; updated in place.
    diff : ndarray, shape (nlev,)
        D at the bottom interface of each layer [m2 s-1].
    dz, z : ndarray, shape (nlev,)
        Thickness and node depth [m].
    dt : float
        Time step [s].
    nlev : int
        Layers.
    work : ndarray, shape (4, nlev)
        Scratch.

    References
    ----------
    Spec §5.5 (CLM uses a Patankar power-law advection–diffusion scheme; with zero advection it
    reduces to this central diffusion).

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([100.0, 0.0, 0.0]); dz = np.array([0.1, 0.1, 0.1])
    >>> solve_vertical_mixing(c, np.array([1e-7, 1e-7, 0.0]), dz, np.array([0.05, 0.15, 0.25]), 86400.0, 3,
    ...                       np.zeros((4, 3)))
    >>> round(float((c * dz).sum()), 10)
    10.0
    """
    a = work[0]
    b = work[1]
    cc = work[2]
    r = work[3]
    for j in range(nlev):
        up = diff[j - 1] / (z[j] - z[j - 1]) if j > 0 else 0.0
        dn = diff[j] / (z[j + 1] - z[j]) if j < nlev - 1 else 0.0
        fac = dz[j] / dt
        a[j] = -up
        cc[j] = -dn
        b[j] = fac + up + dn
        r[j] = fac * c[j]
    for j in range(1, nlev):
        m = a[j] / b[j - 1]
        b[j] -= m * cc[j - 1]
        r[j] -= m * r[j - 1]
    c[nlev - 1] = r[nlev - 1] / b[nlev - 1]
    for j in range(nlev - 2, -1, -1):
        c[j] = (r[j] - cc[j] * c[j + 1]) / b[j]


@kernel
def calc_surface_input_profile(z, nalt, nlev, out):
    """Vertical distribution of above-ground litter inputs.

    .. math:: p_j = \\frac{e^{-10 z_j}}{\\sum_{k<n_{alt}} e^{-10 z_k}}\\quad (j < n_{alt}),\\ 0 \\text{ below}

    (a fraction of the flux per layer, not per metre; divide by Δz_j for g C m-3).

    Parameters
    ----------
    z : ndarray, shape (nlev,)
        Node depths [m].
    nalt : int
        Number of layers thawed last year (≥ 1).
    nlev : int
        Layers.
    out : ndarray, shape (nlev,)
        Output fractions (sum 1).

    References
    ----------
    Spec §5.6 and corrections #2; ``SoilBiogeochemVerticalProfileMod.F90``.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros(5); calc_surface_input_profile(np.array([0.01, 0.04, 0.09, 0.16, 0.26]), 5, 5, p)
    >>> [round(float(x), 3) for x in p]
    [0.401, 0.297, 0.18, 0.089, 0.033]
    """
    total = 0.0
    for j in range(nlev):
        if j < nalt:
            out[j] = math.exp(-SURFPROF_EXP * z[j])
            total += out[j]
        else:
            out[j] = 0.0
    for j in range(nalt):
        out[j] /= total


@kernel
def calc_root_input_profile(rootfr_c, nalt, nlev, out):
    """Vertical distribution of below-ground litter inputs: carbon root fractions within the thawed layers.

    .. math:: p_j = \\frac{r_{c,j}}{\\sum_{k<n_{alt}} r_{c,k}}\\quad (j < n_{alt});\\ \\text{all in layer 1 if } \\sum = 0

    Parameters
    ----------
    rootfr_c : ndarray, shape (nlev,)
        Carbon root fractions [-].
    nalt : int
        Thawed layers (≥ 1).
    nlev : int
        Layers.
    out : ndarray, shape (nlev,)
        Output fractions (sum 1).

    References
    ----------
    Spec §5.6; ``SoilBiogeochemVerticalProfileMod.F90``.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros(3); calc_root_input_profile(np.array([0.5, 0.3, 0.2]), 2, 3, p)
    >>> [round(float(x), 6) for x in p]
    [0.625, 0.375, 0.0]
    """
    total = 0.0
    for j in range(nlev):
        out[j] = 0.0
        if j < nalt:
            total += rootfr_c[j]
    if total <= 0.0:
        out[0] = 1.0
        return
    for j in range(nalt):
        out[j] = rootfr_c[j] / total


@kernel
def calc_loss_fraction(rate, dt):
    """Fraction of a pool lost over a step with an exact exponential update.

    .. math:: \\lambda = 1 - e^{-k \\Delta t}

    Parameters
    ----------
    rate : float
        Effective decomposition rate k [s-1].
    dt : float
        Step [s].

    Returns
    -------
    float
        λ [-].

    References
    ----------
    Spec §9.1 ("an exact exponential update per step is a safe choice").

    Examples
    --------
    >>> round(calc_loss_fraction(1.0 / 86400.0, 86400.0), 6)
    0.632121
    """
    return -math.expm1(-rate * dt)


#: Seconds of the soil biogeochemistry step (one day).
BGC_DT = SECSPDAY
