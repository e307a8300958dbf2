"""Two-stream canopy radiative transfer of CLM5 (one band, one patch, big-leaf sun/shade, nlevcan = 1).

The Dickinson (1983) / Sellers (1985) two-stream equations for the upward and downward diffuse fluxes
I↑, I↓ (per unit incident flux) at cumulative leaf+stem area x below the canopy top,

.. math::
    -\\bar\\mu\\,\\frac{dI^\\uparrow}{dx} + b\\,I^\\uparrow - c\\,I^\\downarrow
    = \\omega\\bar\\mu K\\beta_0\\,e^{-Kx},\\qquad
    \\bar\\mu\\,\\frac{dI^\\downarrow}{dx} + b\\,I^\\downarrow - c\\,I^\\uparrow
    = \\omega\\bar\\mu K(1-\\beta_0)\\,e^{-Kx},

with b = 1 − ω + ωβ, c = ωβ (the beam source only for the direct-beam problem), are solved in closed form
for the boundary conditions CLM5 uses, and the absorbed flux is split into sunlit and shaded parts
(Dai et al. 2004, Bonan et al. 2011). Sources: CTSM ``release-clm5.0`` (commit fdfc03a0)
``src/biogeophys/SurfaceAlbedoMod.F90`` (``SurfaceAlbedo`` l.733-981, ``TwoStream`` l.1116-1631) and
``SurfaceRadiationMod.F90`` (``CanopySunShadeFracs`` l.348-453, ``SurfaceRadiation`` l.456-1023); CLM5.0
Tech Note "Surface Albedos" eqs 3.1-3.57. Where the code and the Tech Note differ the code is followed:

* the direct-beam problem reflects the diffuse flux reaching the ground with the *direct* ground albedo,
  I↑(L+S) = α_g^μ [I↓(L+S) + e^{−K(L+S)}] (CLM's u1, u2, u3 all use ``albgrd``), while the absorbed
  fraction ``fabd`` is the residual 1 − albd − (1 − α_g^μ) ftdd − (1 − α_g) ftid. When α_g^μ ≠ α_g (snow),
  ``fabd`` therefore differs from the depth integral of the interception by (α_g − α_g^μ)·ftid, and that
  difference sits in ``fabd_sha`` (``fabd_sun`` is the integral).
* f_sun = (1 − s2)/min(K(L+S), 40): the optical-depth cap also enters the sunlit fraction.

The solution is written here in a form that divides neither by the ground albedo nor by e^{−h(L+S)}
(each homogeneous mode is scaled to its own boundary), so black ground and deep canopies are exact;
it equals CLM's h1…h10 expressions to rounding.
"""

from __future__ import annotations

import math

from tpcarbon.params.fixed import (
    BETAD_SNOW,
    BETAI_SNOW,
    OPTICS_MIN,
    TWOSTREAM_ASU_DENOM_MIN,
    TWOSTREAM_COSZ_MIN,
    TWOSTREAM_RESONANCE_REL,
    TWOSTREAM_TAU_MAX,
)
from tpcarbon.physics import kernel
from tpcarbon.physics.radiation import calc_chil, calc_kb, calc_mubar, calc_ross_coefficients


@kernel
def calc_leaf_stem_optics(elai, esai, rhol, taul, rhos, taus):
    """Leaf/stem reflectance and transmittance of one band, weighted by exposed leaf and stem area.

    .. math:: w_l = \\frac{L}{\\max(L+S, 10^{-6})},\\; w_s = \\frac{S}{\\max(L+S, 10^{-6})};\\quad
              \\rho = \\max(\\rho_l w_l + \\rho_s w_s, 10^{-6}),\\;
              \\tau = \\max(\\tau_l w_l + \\tau_s w_s, 10^{-6})

    Parameters
    ----------
    elai, esai : float
        Exposed leaf and stem area index L, S [m2 m-2].
    rhol, taul : float
        Leaf reflectance and transmittance of the band [-] (``rholvis``/``taulvis`` or
        ``rholnir``/``taulnir``).
    rhos, taus : float
        Stem reflectance and transmittance of the band [-] (``rhosvis``/``tausvis`` ...).

    Returns
    -------
    (float, float)
        ρ, τ [-].

    References
    ----------
    Tech Note eqs 3.11-3.12; ``SurfaceAlbedoMod.F90::SurfaceAlbedo`` l.752-763 (``mpe`` floor l.281).

    Examples
    --------
    >>> [round(x, 4) for x in calc_leaf_stem_optics(2.0, 0.5, 0.11, 0.05, 0.31, 0.12)]  # C3 grass, vis
    [0.15, 0.064]
    """
    lsai = max(elai + esai, OPTICS_MIN)
    wl = elai / lsai
    ws = esai / lsai
    rho = max(rhol * wl + rhos * ws, OPTICS_MIN)
    tau = max(taul * wl + taus * ws, OPTICS_MIN)
    return rho, tau


@kernel
def calc_twostream_parameters(mu, rho, tau, xl, fcansno, omega_sno):
    """Two-stream coefficients K, μ̄, ω, β0 (direct upscatter), β (diffuse upscatter) of one band.

    .. math::
        G = \\phi_1 + \\phi_2\\mu,\\quad K = G/\\mu,\\quad
        a_s = \\frac{\\omega_v}{2}\\,\\frac{G}{g}\\left[1 - \\frac{\\mu\\phi_1}{g}
              \\ln\\frac{\\mu\\phi_1 + g}{\\mu\\phi_1}\\right],\\; g = \\max(\\mu\\phi_2 + G, 10^{-6})

    .. math::
        \\omega_v = \\rho + \\tau,\\quad
        \\omega_v\\beta_{0,v} = \\frac{1 + \\bar\\mu K}{\\bar\\mu K}\\,a_s,\\quad
        \\omega_v\\beta_v = \\tfrac12\\left[\\rho + \\tau
            + (\\rho - \\tau)\\left(\\tfrac{1+\\chi}{2}\\right)^2\\right]

    and with a snow-covered canopy fraction f (CLM5 ``snowveg_flag = 'ON_RAD'``)

    .. math::
        \\omega = (1-f)\\omega_v + f\\omega_s,\\quad
        \\omega\\beta_0 = (1-f)\\omega_v\\beta_{0,v} + f\\omega_s\\beta_{0,s},\\quad
        \\omega\\beta = (1-f)\\omega_v\\beta_v + f\\omega_s\\beta_s

    μ is clamped to ≥ 0.001 (the caller only calls for μ > 0).

    Parameters
    ----------
    mu : float
        Cosine of the solar zenith angle μ (> 0) [-].
    rho, tau : float
        Leaf/stem reflectance and transmittance of the band (:func:`calc_leaf_stem_optics`) [-].
    xl : float
        Leaf orientation index χ_L [-] (``xl``).
    fcansno : float
        Fraction of the canopy covered by snow f_can,sno [-] (``fcansno``; 0 for a snow-free canopy).
    omega_sno : float
        Scattering coefficient of intercepted snow for the band ω_s [-] (``OMEGA_SNOW[0]`` vis, ``[1]`` nir).

    Returns
    -------
    (float, float, float, float, float)
        K (``twostext``), μ̄ (``avmu``), ω, β0 (``betad``), β (``betai``) [-].

    References
    ----------
    Tech Note eqs 3.3-3.16; ``SurfaceAlbedoMod.F90::TwoStream`` l.1252-1267 (K, μ̄, a_s terms) and
    l.1313-1342 (ω, β0, β and the snow weighting); ``clm_varcon.F90`` l.208-211.

    Examples
    --------
    >>> [round(x, 4) for x in calc_twostream_parameters(0.5, 0.1, 0.05, 0.25, 0.0, 0.8)]
    [0.956, 0.9638, 0.15, 0.4673, 0.5651]
    """
    cosz = max(mu, TWOSTREAM_COSZ_MIN)
    chi = calc_chil(xl)
    phi1, phi2 = calc_ross_coefficients(xl)
    gdir = phi1 + phi2 * cosz
    kb = calc_kb(cosz, phi1, phi2)
    avmu = calc_mubar(phi1, phi2)
    # single-scattering albedo a_s(μ) (Tech Note eq. 3.16)
    g = max(gdir + phi2 * cosz, TWOSTREAM_ASU_DENOM_MIN)
    a = phi1 * cosz
    omega_v = rho + tau
    asu = omega_v / 2.0 * gdir / g * (1.0 - a / g * math.log((a + g) / a))
    # products ω_v β0_v and ω_v β_v of the vegetation (Tech Note eqs 3.13, 3.15)
    ob0_v = (1.0 + avmu * kb) / (avmu * kb) * asu
    ob_v = (omega_v + (rho - tau) * ((1.0 + chi) / 2.0) ** 2) / 2.0
    # intercepted-snow weighting of ω and of the products ωβ0, ωβ (Tech Note eqs 3.5-3.7)
    omega = (1.0 - fcansno) * omega_v + fcansno * omega_sno
    betad = ((1.0 - fcansno) * ob0_v + fcansno * omega_sno * BETAD_SNOW) / omega
    betai = ((1.0 - fcansno) * ob_v + fcansno * omega_sno * BETAI_SNOW) / omega
    return kb, avmu, omega, betad, betai


@kernel
def _overlap_integral(kb, h, lsai, s_slow):
    """∫_0^{L+S} exp(−K x − h (L+S − x)) dx, stable as K → h (s_slow = exp(−min(K, h)(L+S)))."""
    z = abs(h - kb) * lsai
    if z == 0.0:
        return lsai * s_slow
    return lsai * s_slow * (-math.expm1(-z)) / z


@kernel
def calc_twostream_fluxes(kb, avmu, omega, betad, betai, lsai, albgrd, albgri):
    """Analytic two-stream solution for unit direct and unit diffuse flux on a canopy over reflecting ground.

    With m = μ̄K, b = 1 − ω + ωβ, c = ωβ, d = ωmβ0, f = ωm(1 − β0), μ̄h = √((b − c)(b + c)), p = b + μ̄h,
    σ = m² − (μ̄h)², s1 = e^{−min(h(L+S), 40)}, s2 = e^{−min(K(L+S), 40)}, the solution is

    .. math::
        I^\\uparrow = P e^{-Kx} + \\alpha\\,c\\,e^{-hx} + \\gamma\\,p\\,e^{-h(L+S-x)},\\quad
        I^\\downarrow = Q e^{-Kx} + \\alpha\\,p\\,e^{-hx} + \\gamma\\,c\\,e^{-h(L+S-x)}

    with P = −[d(b − m) + cf]/σ, Q = −[f(b + m) + cd]/σ (P = Q = 0 for diffuse incidence) and α, γ from the
    boundary conditions I↓(0) = 0, I↑(L+S) = α_g^μ [I↓(L+S) + s2] (direct, as in CLM) or I↓(0) = 1,
    I↑(L+S) = α_g I↓(L+S) (diffuse). Then

    .. math::
        \\mathrm{albd} = I^\\uparrow(0),\\; \\mathrm{ftid} = I^\\downarrow(L+S),\\; \\mathrm{ftdd} = s_2,\\;
        \\mathrm{fabd} = 1 - \\mathrm{albd} - (1-\\alpha_g^\\mu)\\,\\mathrm{ftdd}
            - (1-\\alpha_g)\\,\\mathrm{ftid}

    .. math::
        \\mathrm{fabd_{sun}} = (1-\\omega)\\left[1 - s_2 + \\frac{1}{\\bar\\mu}\\int_0^{L+S}
            e^{-Kx}(I^\\uparrow + I^\\downarrow)\\,dx\\right],\\quad
        \\mathrm{fabi_{sun}} = \\frac{1-\\omega}{\\bar\\mu}
            \\int_0^{L+S} e^{-Kx}(I^\\uparrow + I^\\downarrow)\\,dx

    and fabd_sha = fabd − fabd_sun, fabi = 1 − albi − (1 − α_g) ftii, fabi_sha = fabi − fabi_sun,
    f_sun = (1 − s2)/min(K(L+S), 40). Where |K − h| < 1e-8 h, the beam source uses K = h(1 ± 1e-8) (σ = 0 is
    a removable singularity that CLM does not guard; the shift bounds the error by ≈ 2e-8).

    Parameters
    ----------
    kb, avmu, omega, betad, betai : float
        K, μ̄, ω, β0, β of the band (:func:`calc_twostream_parameters`) [-].
    lsai : float
        Exposed leaf + stem area index L + S (> 0) [m2 m-2].
    albgrd, albgri : float
        Ground albedo for direct and for diffuse radiation of the band α_g^μ, α_g [-] (0 allowed).

    Returns
    -------
    tuple of 12 float
        ``albd, fabd, fabd_sun, fabd_sha, ftdd, ftid, albi, fabi, fabi_sun, fabi_sha, ftii, fsun``: reflected,
        absorbed by the canopy, by its sunlit and shaded parts, and transmitted to the ground as direct and as
        diffuse flux, per unit incident direct flux (…d) and per unit incident diffuse flux (…i) [-]; sunlit
        fraction of L+S [-].

    References
    ----------
    Tech Note eqs 3.17-3.57 (Sellers 1985 with the h4 correction); ``SurfaceAlbedoMod.F90::TwoStream``
    l.1344-1411 (direct), l.1414-1452 (diffuse), l.1466 (f_sun).

    Examples
    --------
    >>> k = calc_twostream_parameters(0.5, 0.1, 0.05, 0.25, 0.0, 0.8)
    >>> [round(x, 4) for x in calc_twostream_fluxes(*k, 3.0, 0.1, 0.1)]
    [0.0369, 0.8997, 0.8388, 0.061, 0.0568, 0.0136, 0.0456, 0.9046, 0.4787, 0.4259, 0.0553, 0.3289]
    """
    tau_b = min(kb * lsai, TWOSTREAM_TAU_MAX)
    s2 = math.exp(-tau_b)
    fsun = -math.expm1(-tau_b) / tau_b   # (1 - s2)/τ without cancellation as τ → 0
    # common terms (Tech Note eqs 3.31-3.36)
    b = 1.0 - omega + omega * betai
    c = omega * betai
    root = math.sqrt((b - c) * (b + c))     # μ̄h
    h = root / avmu
    p = b + root
    s1 = math.exp(-min(h * lsai, TWOSTREAM_TAU_MAX))
    s_slow = max(s1, s2)
    # the two homogeneous modes: (I↑, I↓) ∝ (c, p) e^{-hx} (alpha) and (p, c) e^{-h(L+S-x)} (gamma);
    # boundary rows: top I↓(0), bottom I↑ − α_g I↓ at L+S. Column sums give the sun-weighted integrals.
    e_plus = (1.0 - s1 * s2) / (kb + h)       # ∫ e^{-Kx} e^{-hx} dx
    # ---- diffuse incidence: I↓(0) = 1, I↑(L+S) = α_g I↓(L+S)
    a21 = s1 * (c - albgri * p)
    a22 = p - albgri * c
    det = p * a22 - c * s1 * a21
    alpha = a22 / det
    gamma = -a21 / det
    albi = alpha * c + gamma * p * s1
    ftii = alpha * p * s1 + gamma * c
    fabi = 1.0 - albi - (1.0 - albgri) * ftii
    e_minus = _overlap_integral(kb, h, lsai, s_slow)   # ∫ e^{-Kx} e^{-h(L+S-x)} dx
    sun_int = (p + c) * (alpha * e_plus + gamma * e_minus)
    fabi_sun = (1.0 - omega) / avmu * sun_int
    fabi_sha = fabi - fabi_sun
    # ---- direct incidence: beam source, I↓(0) = 0, I↑(L+S) = α_g^μ [I↓(L+S) + s2]
    kr = kb
    gap = TWOSTREAM_RESONANCE_REL * h
    if abs(kb - h) < gap:   # removable singularity σ = 0: step K off it (tpcarbon guard, not in CLM)
        kr = h + gap if kb >= h else h - gap
    m = avmu * kr
    d = omega * m * betad
    f = omega * m * (1.0 - betad)
    sigma = m * m - root * root
    pp = -(d * (b - m) + c * f) / sigma
    qq = -(f * (b + m) + c * d) / sigma
    s2r = s2 if kr == kb else math.exp(-min(kr * lsai, TWOSTREAM_TAU_MAX))
    a21 = s1 * (c - albgrd * p)
    a22 = p - albgrd * c
    det = p * a22 - c * s1 * a21
    r1 = -qq
    r2 = s2r * (albgrd * (qq + 1.0) - pp)
    alpha = (r1 * a22 - c * s1 * r2) / det
    gamma = (p * r2 - a21 * r1) / det
    albd = pp + alpha * c + gamma * p * s1
    ftid = qq * s2r + alpha * p * s1 + gamma * c
    ftdd = s2
    fabd = 1.0 - albd - (1.0 - albgrd) * ftdd - (1.0 - albgri) * ftid
    e_beam = (1.0 - s2r * s2r) / (2.0 * kr)   # ∫ e^{-2Kx} dx
    if kr != kb:
        e_plus = (1.0 - s1 * s2r) / (kr + h)
        e_minus = _overlap_integral(kr, h, lsai, max(s1, s2r))
    sun_int = (pp + qq) * e_beam + (p + c) * (alpha * e_plus + gamma * e_minus)
    fabd_sun = (1.0 - omega) * (1.0 - s2 + sun_int / avmu)
    fabd_sha = fabd - fabd_sun
    return albd, fabd, fabd_sun, fabd_sha, ftdd, ftid, albi, fabi, fabi_sun, fabi_sha, ftii, fsun


@kernel
def calc_twostream(mu, lsai, rho, tau, xl, albgrd, albgri, fcansno, omega_sno):
    """CLM5 two-stream canopy radiation of one band for one patch, including night and bare-ground cases.

    For μ > 0 and L + S > 0: :func:`calc_twostream_parameters` then :func:`calc_twostream_fluxes`.
    For μ ≤ 0 (CLM's initial values, ``SurfaceAlbedo`` l.397-413): albd = albi = 1, all absorbed and
    transmitted fractions and f_sun = 0. For μ > 0 and L + S = 0 (l.956-975): albd = α_g^μ, albi = α_g,
    ftdd = ftii = 1, everything else 0.

    .. math:: \\mathrm{albd} + \\mathrm{fabd} + (1-\\alpha_g^\\mu)\\mathrm{ftdd}
              + (1-\\alpha_g)\\mathrm{ftid} = 1,
              \\quad \\mathrm{albi} + \\mathrm{fabi} + (1-\\alpha_g)\\mathrm{ftii} = 1 \\quad (\\mu > 0)

    Parameters
    ----------
    mu : float
        Cosine of the solar zenith angle μ [-] (CLM: of the step the fractions are used in, computed at the
        end of the step before; docs/twostream_integration.md).
    lsai : float
        Exposed leaf + stem area index L + S (``elai + esai``) [m2 m-2].
    rho, tau : float
        Leaf/stem-weighted reflectance and transmittance of the band (:func:`calc_leaf_stem_optics`) [-].
    xl : float
        Leaf orientation index χ_L [-].
    albgrd, albgri : float
        Ground (snow/soil blended) albedo for direct and diffuse radiation of the band [-].
    fcansno : float
        Snow-covered fraction of the canopy [-] (0: snow-free).
    omega_sno : float
        Intercepted-snow scattering coefficient of the band [-] (``OMEGA_SNOW``).

    Returns
    -------
    tuple of 12 float
        ``albd, fabd, fabd_sun, fabd_sha, ftdd, ftid, albi, fabi, fabi_sun, fabi_sha, ftii, fsun`` [-]
        (see :func:`calc_twostream_fluxes`).

    References
    ----------
    Tech Note "Surface Albedos" eqs 3.1-3.57; ``SurfaceAlbedoMod.F90::SurfaceAlbedo`` l.397-413, l.733-981 and
    ``TwoStream`` l.1116-1631 (CTSM release-clm5.0, commit fdfc03a0).

    Examples
    --------
    >>> r = calc_twostream(0.5, 3.0, 0.1, 0.05, 0.25, 0.1, 0.1, 0.0, 0.8)
    >>> [round(x, 4) for x in r[:4]]          # albd, fabd, fabd_sun, fabd_sha
    [0.0369, 0.8997, 0.8388, 0.061]
    >>> calc_twostream(-0.1, 3.0, 0.1, 0.05, 0.25, 0.1, 0.1, 0.0, 0.8)[0]   # night: all reflected
    1.0
    """
    if mu <= 0.0:
        return 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0
    if lsai <= 0.0:
        return albgrd, 0.0, 0.0, 0.0, 1.0, 0.0, albgri, 0.0, 0.0, 0.0, 1.0, 0.0
    kb, avmu, omega, betad, betai = calc_twostream_parameters(mu, rho, tau, xl, fcansno, omega_sno)
    return calc_twostream_fluxes(kb, avmu, omega, betad, betai, lsai, albgrd, albgri)


@kernel
def calc_canopy_shortwave(sol_dir_vis, sol_dif_vis, sol_dir_nir, sol_dif_nir, ts_vis, ts_nir,
                          albgrd_vis, albgri_vis, albgrd_nir, albgri_nir, elai, esai):
    """Absorbed, reflected and sun/shade PAR fluxes of one patch from the two-stream fractions of both bands.

    .. math::
        S_v = \\sum_{b}\\left(S^\\mu_b\\,\\mathrm{fabd}_b + S_b\\,\\mathrm{fabi}_b\\right),\\quad
        S_g = \\sum_{b}\\left[S^\\mu_b\\,\\mathrm{ftdd}_b(1-\\alpha^\\mu_{g,b})
              + (S^\\mu_b\\,\\mathrm{ftid}_b + S_b\\,\\mathrm{ftii}_b)(1-\\alpha_{g,b})\\right],\\quad
        \\mathrm{FSR} = \\sum_{b}\\left(S^\\mu_b\\,\\mathrm{albd}_b + S_b\\,\\mathrm{albi}_b\\right)

    .. math::
        \\phi_{sun} = \\frac{S^\\mu_{vis}\\,\\mathrm{fabd_{sun}} + S_{vis}\\,\\mathrm{fabi_{sun}}}
                          {f_{sun}(L+S)},\\quad
        \\phi_{sha} = \\frac{S^\\mu_{vis}\\,\\mathrm{fabd_{sha}} + S_{vis}\\,\\mathrm{fabi_{sha}}}
                          {(1-f_{sun})(L+S)},\\quad
        L_{sun} = f_{sun} L,\\; L_{sha} = (1-f_{sun}) L

    (nlevcan = 1: one layer holding the whole exposed canopy, ``tlai_z = elai``). FSA = S_v + S_g, and
    S_v + S_g + FSR equals the incident shortwave whenever μ > 0 was used for the fractions.

    Parameters
    ----------
    sol_dir_vis, sol_dif_vis, sol_dir_nir, sol_dif_nir : float
        Incident direct and diffuse shortwave of the visible and near-infrared band S^μ_b, S_b [W m-2]
        (``forc_solad``, ``forc_solai``).
    ts_vis, ts_nir : tuple of 12 float
        :func:`calc_twostream` of the visible and near-infrared band.
    albgrd_vis, albgri_vis, albgrd_nir, albgri_nir : float
        Ground albedos used for those fractions [-].
    elai, esai : float
        Exposed leaf and stem area index [m2 m-2].

    Returns
    -------
    (float, float, float, float, float, float, float)
        ``sabv`` (absorbed by vegetation), ``sabg`` (absorbed by the ground), ``fsr`` (reflected)
        [W m-2 ground];
        ``parsun``, ``parsha``: absorbed visible radiation per unit sunlit / shaded leaf+stem area
        [W m-2 leaf] (CLM ``parsun_z(:,1)``, ``parsha_z(:,1)``; 0 where that area is 0);
        ``laisun``, ``laisha``: sunlit and shaded leaf area [m2 m-2].

    References
    ----------
    ``SurfaceRadiationMod.F90::CanopySunShadeFracs`` l.422-448 and ``SurfaceRadiation`` l.682-713, l.894-898;
    ``SurfaceAlbedoMod.F90::TwoStream`` l.1463-1473 (per-area PAR for nlevcan = 1).

    Examples
    --------
    >>> vis = calc_twostream(0.5, 3.0, 0.1, 0.05, 0.25, 0.1, 0.1, 0.0, 0.8)
    >>> nir = calc_twostream(0.5, 3.0, 0.45, 0.25, 0.25, 0.2, 0.2, 0.0, 0.4)
    >>> out = calc_canopy_shortwave(200.0, 100.0, 250.0, 100.0, vis, nir, 0.1, 0.1, 0.2, 0.2, 2.5, 0.5)
    >>> [round(x, 2) for x in out]
    [470.03, 69.83, 110.15, 218.56, 27.21, 0.82, 1.68]
    >>> round(sum(out[:3]), 9)   # sabv + sabg + fsr = incident
    650.0
    """
    sabv = 0.0
    sabg = 0.0
    fsr = 0.0
    for ib in range(2):
        if ib == 0:
            ts, s_dir, s_dif, agd, agi = ts_vis, sol_dir_vis, sol_dif_vis, albgrd_vis, albgri_vis
        else:
            ts, s_dir, s_dif, agd, agi = ts_nir, sol_dir_nir, sol_dif_nir, albgrd_nir, albgri_nir
        albd, fabd, _, _, ftdd, ftid, albi, fabi, _, _, ftii, _ = ts
        sabv += s_dir * fabd + s_dif * fabi
        sabg += s_dir * ftdd * (1.0 - agd) + (s_dir * ftid + s_dif * ftii) * (1.0 - agi)
        fsr += s_dir * albd + s_dif * albi
    fsun = ts_vis[11]
    lsai = elai + esai
    sun_area = fsun * lsai
    sha_area = (1.0 - fsun) * lsai
    parsun = 0.0
    parsha = 0.0
    if sun_area > 0.0:
        parsun = (sol_dir_vis * ts_vis[2] + sol_dif_vis * ts_vis[8]) / sun_area
    if sha_area > 0.0:
        parsha = (sol_dir_vis * ts_vis[3] + sol_dif_vis * ts_vis[9]) / sha_area
    laisun = elai * fsun
    laisha = elai * (1.0 - fsun)
    return sabv, sabg, fsr, parsun, parsha, laisun, laisha
