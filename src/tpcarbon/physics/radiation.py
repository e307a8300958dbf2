"""Canopy radiation: sunlit/shaded big leaf with CLM's extinction, sun fraction and capacity scaling.

CLM5 computes K_b, G(μ), μ̄, f_sun and the sun/shade scaling of photosynthetic capacity
exactly as here (spec §1.7-§1.8, ``SurfaceAlbedoMod.F90``, ``SurfaceRadiationMod.F90``).
The model's canopy absorption is CLM's two-stream (``physics/twostream.py``);
:func:`calc_sunshade_absorption` (de Pury & Farquhar 1997, σ = ρ + τ) is kept only as the
independent comparison of the two-stream tests and is not called by the model.
"""

from __future__ import annotations

import math

from tpcarbon.params.fixed import ROSS_PHI1, ROSS_PHI2, XL_ABS_MIN, XL_MAX, XL_MIN
from tpcarbon.physics import kernel

#: Smallest cos(zenith) for which the beam is treated as present (CLM ``coszen > 0``).
_MU_MIN = 1.0e-3


@kernel
def calc_chil(xl):
    """Leaf orientation index clamped to the range of the Ross–Goudriaan fit.

    .. math:: \\chi = \\mathrm{clamp}(x_l, -0.4, 0.6);\\quad \\chi = 0.01 \\text{ if } |\\chi| \\le 0.01

    Parameters
    ----------
    xl : float
        Leaf orientation index χ_L [-] (``xl``).

    Returns
    -------
    float
        χ [-] (``chil``).

    References
    ----------
    Spec §1.8; ``SurfaceAlbedoMod.F90::TwoStream`` l.1254-1255.

    Examples
    --------
    >>> calc_chil(-0.5), calc_chil(0.0), calc_chil(0.25)
    (-0.4, 0.01, 0.25)
    """
    chi = min(max(xl, XL_MIN), XL_MAX)
    if abs(chi) <= XL_ABS_MIN:
        chi = XL_ABS_MIN
    return chi


@kernel
def calc_ross_coefficients(xl):
    """Ross–Goudriaan leaf-angle coefficients of G(μ) = φ1 + φ2 μ.

    .. math:: \\chi = \\mathrm{clamp}(x_l, -0.4, 0.6),\\; |\\chi| \\ge 0.01;\\quad
              \\phi_1 = 0.5 - 0.633\\chi - 0.33\\chi^2,\\quad \\phi_2 = 0.877 (1 - 2\\phi_1)

    Parameters
    ----------
    xl : float
        Leaf orientation index χ_L [-] (``xl``).

    Returns
    -------
    (float, float)
        φ1, φ2 [-].

    References
    ----------
    Spec §1.8; ``SurfaceAlbedoMod.F90::TwoStream``; Tech Note eq. 3.3.

    Examples
    --------
    >>> [round(x, 4) for x in calc_ross_coefficients(-0.3)]
    [0.6602, -0.281]
    """
    chi = calc_chil(xl)
    phi1 = ROSS_PHI1[0] + ROSS_PHI1[1] * chi + ROSS_PHI1[2] * chi * chi
    phi2 = ROSS_PHI2 * (1.0 - 2.0 * phi1)
    return phi1, phi2


@kernel
def calc_kb(mu, phi1, phi2):
    """Direct-beam extinction coefficient per unit leaf+stem area.

    .. math:: K_b = G(\\mu)/\\mu = (\\phi_1 + \\phi_2\\mu)/\\mu

    Parameters
    ----------
    mu : float
        Cosine of the solar zenith angle (> 0) [-].
    phi1, phi2 : float
        Ross coefficients [-].

    Returns
    -------
    float
        K_b [-].

    References
    ----------
    Spec §1.8 (``twostext``).

    Examples
    --------
    >>> round(calc_kb(0.5, 0.5, 0.0), 3)   # spherical leaves: 0.5/μ
    1.0
    """
    mu = max(mu, _MU_MIN)
    return (phi1 + phi2 * mu) / mu


@kernel
def calc_mubar(phi1, phi2):
    """Average inverse diffuse optical depth per unit leaf area μ̄ (so K_d = 1/μ̄).

    .. math:: \\bar\\mu = \\frac{1}{\\phi_2}\\left[1 - \\frac{\\phi_1}{\\phi_2}\\ln\\frac{\\phi_1 + \\phi_2}{\\phi_1}\\right]

    Parameters
    ----------
    phi1, phi2 : float
        Ross coefficients [-].

    Returns
    -------
    float
        μ̄ [-].

    References
    ----------
    Spec §1.8; Tech Note eq. 3.4.

    Examples
    --------
    >>> round(calc_mubar(0.6602, -0.281), 4)
    1.0773
    """
    return (1.0 - phi1 / phi2 * math.log((phi1 + phi2) / phi1)) / phi2


@kernel
def calc_sunlit_fraction(kb, lsai):
    """Sunlit fraction of the canopy.

    .. math:: f_{sun} = \\frac{1 - e^{-K_b (L+S)}}{K_b (L+S)}

    Parameters
    ----------
    kb : float
        Beam extinction coefficient [-].
    lsai : float
        Exposed leaf + stem area index L + S [m2 m-2].

    Returns
    -------
    float
        f_sun [-] (1 for a vanishing canopy).

    References
    ----------
    Spec §1.8; ``SurfaceRadiationMod.F90::CanopySunShadeFracs``.

    Examples
    --------
    >>> round(calc_sunlit_fraction(0.5, 4.0), 4)
    0.4323
    """
    x = kb * lsai
    if x <= 1.0e-9:
        return 1.0
    return (1.0 - math.exp(-x)) / x


@kernel
def calc_capacity_scaling(kn, kb, elai, fsun, daytime):
    """Sun/shade scaling of top-of-canopy photosynthetic capacity (big-leaf, nlevcan = 1).

    .. math:: c_{sun} = \\frac{1 - e^{-(K_n + K_b)L}}{(K_n + K_b) f_{sun} L},\\quad
              c_{sha} = \\frac{[1 - e^{-K_n L}]/K_n - [1 - e^{-(K_n + K_b)L}]/(K_n + K_b)}{(1 - f_{sun}) L}

    At night (``daytime`` False): c_sun = 0, c_sha = [1 - e^{-K_n L}]/(K_n L).

    Parameters
    ----------
    kn : float
        Nitrogen extinction coefficient K_n [-] (0.30).
    kb : float
        Beam extinction coefficient [-].
    elai : float
        Exposed LAI L [m2 m-2].
    fsun : float
        Sunlit fraction [-].
    daytime : bool
        Sun above the horizon.

    Returns
    -------
    (float, float)
        c_sun, c_sha [-].

    References
    ----------
    Spec §1.7; ``SurfaceAlbedoMod.F90`` l.902-921, 1466-1486; Tech Note eqs 9.18-9.19.

    Examples
    --------
    >>> [round(x, 4) for x in calc_capacity_scaling(0.3, 0.5, 2.0, 0.6321, True)]
    [0.7891, 0.6881]
    """
    if elai <= 0.0:
        return 0.0, 0.0
    total = (1.0 - math.exp(-kn * elai)) / kn
    if not daytime or fsun <= 0.0:
        return 0.0, total / elai
    k = kn + kb
    sun = (1.0 - math.exp(-k * elai)) / k
    c_sun = sun / (fsun * elai)
    if fsun >= 1.0:
        return c_sun, 0.0
    return c_sun, (total - sun) / ((1.0 - fsun) * elai)


@kernel
def calc_sunshade_absorption(i_beam, i_diff, kb, kd, sigma, lsai):
    """Radiation absorbed by the sunlit and shaded canopy and transmitted to the ground (one band).

    de Pury & Farquhar (1997): with k_b' = K_b√(1-σ), k_d' = K_d√(1-σ),
    ρ_h = (1 - √(1-σ))/(1 + √(1-σ)), ρ_cb = 1 - exp(-2ρ_h K_b/(1 + K_b)), ρ_cd ≈ ρ_h,

    .. math:: I_c = (1-\\rho_{cb}) I_b (1 - e^{-k_b' L}) + (1-\\rho_{cd}) I_d (1 - e^{-k_d' L})

    .. math:: I_{sun} = I_b(1-\\sigma)(1 - e^{-K_b L}) + I_d(1-\\rho_{cd})\\frac{k_d'}{k_d'+K_b}(1 - e^{-(k_d'+K_b)L})
              + I_b\\left[(1-\\rho_{cb})\\frac{k_b'}{k_b'+K_b}(1 - e^{-(k_b'+K_b)L}) - (1-\\sigma)\\frac{1 - e^{-2K_bL}}{2}\\right]

    I_sha = I_c − I_sun; ground receives I_b e^{-k_b' L} + I_d e^{-k_d' L}.

    Parameters
    ----------
    i_beam, i_diff : float
        Incident direct and diffuse radiation of the band [W m-2].
    kb : float
        Beam extinction coefficient K_b [-].
    kd : float
        Diffuse extinction coefficient K_d = 1/μ̄ [-].
    sigma : float
        Leaf/stem scattering coefficient ρ + τ of the band [-].
    lsai : float
        Exposed leaf + stem area index L [m2 m-2].

    Returns
    -------
    (float, float, float)
        Absorbed by sunlit and shaded canopy, and transmitted to the ground [W m-2 ground].

    References
    ----------
    de Pury & Farquhar (1997) PCE 20:537, eqs 13, 20b; spec §1.8 (simplified reduction of ``TwoStream``).

    Examples
    --------
    >>> [round(x, 2) for x in calc_sunshade_absorption(300.0, 100.0, 0.5, 0.8, 0.16, 3.0)]
    [263.0, 39.76, 86.95]
    """
    if lsai <= 0.0:
        return 0.0, 0.0, i_beam + i_diff
    s = math.sqrt(1.0 - sigma)
    kbp = kb * s
    kdp = kd * s
    rho_h = (1.0 - s) / (1.0 + s)
    rho_cb = 1.0 - math.exp(-2.0 * rho_h * kb / (1.0 + kb))
    rho_cd = rho_h
    e_b = math.exp(-kb * lsai)      # exp(-K_b L)
    e_bp = math.exp(-kbp * lsai)    # exp(-k_b' L)
    e_dp = math.exp(-kdp * lsai)    # exp(-k_d' L)
    absorbed = (1.0 - rho_cb) * i_beam * (1.0 - e_bp) + (1.0 - rho_cd) * i_diff * (1.0 - e_dp)
    sun = (i_beam * (1.0 - sigma) * (1.0 - e_b)
           + i_diff * (1.0 - rho_cd) * kdp / (kdp + kb) * (1.0 - e_dp * e_b)
           + i_beam * ((1.0 - rho_cb) * kbp / (kbp + kb) * (1.0 - e_bp * e_b)
                       - (1.0 - sigma) * (1.0 - e_b * e_b) / 2.0))
    sun = min(max(sun, 0.0), absorbed)
    ground = i_beam * e_bp + i_diff * e_dp
    return sun, absorbed - sun, ground
