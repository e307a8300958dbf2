"""Ground albedo and emissivity: CLM5 soil-colour albedo, BATS snow albedo with snow age, snow-cover blending.

Sources:

* Soil: CTSM ``release-clm5.0`` ``SurfaceAlbedoMod.F90`` (``SurfaceAlbedoInitTimeConst``: the saturated and
  dry albedo tables of the 8- and 20-class soil colours; ``SoilAlbedo``: the wetness brightening), and the
  blending with snow in ``SurfaceAlbedo`` (l.659-660). Default colour where the raw data have none: 15 of 20
  (4 of 8), from CTSM's ``mksurfdata`` (``tools/mksurfdata_map/src/mksoilMod.F90``, release-cesm2.0).
* Snow: CLM5 uses SNICAR (``SnowSnicarMod.F90``), too expensive here. This module keeps the scheme CLM used
  before SNICAR (CLM2.0-CLM3.5): the BATS snow-age albedo of Dickinson et al. (1993, NCAR/TN-387+STR) as
  documented in the CLM3.0 Technical Note (Oleson et al. 2004, NCAR/TN-461+STR, "Snow albedo" and "Snow
  age") and coded in CLM2/CLM3.0 ``SurfaceAlbedoMod.F90::SnowAlbedo`` (G. Bonan) and ``SnowAge.F90``
  (R. Dickinson's BATS code, integrated by Y. Dai 1999). This is a named departure from CLM5: no aerosol
  deposition, no grain-size evolution, no vertical absorption profile, no dependence on the underlying
  surface for thin snow.
* Emissivity: ``CanopyTemperatureMod.F90`` l.362-369 (ε_g = 0.96 soil, 0.97 snow, weighted by snow cover).
"""

from __future__ import annotations

import math

from tpcarbon.constants import TFRZ
from tpcarbon.params.fixed import (
    EMISS_SNOW,
    EMISS_SOIL,
    SNOW_AGE_CN,
    SNOW_AGE_CS,
    SNOW_AGE_DIRT,
    SNOW_AGE_MELT,
    SNOW_AGE_RESET,
    SNOW_AGE_SWE_MAX,
    SNOW_AGE_TAU0,
    SNOW_AGE_VAPOUR,
    SNOW_ALB_FRESH_NIR,
    SNOW_ALB_FRESH_VIS,
    SNOW_COSZEN_MIN,
    SNOW_ZEN_B,
    SNOW_ZEN_COEF,
    SOIL_ALB_INC,
    SOIL_ALBDRY_8,
    SOIL_ALBDRY_20,
    SOIL_ALBSAT_8,
    SOIL_ALBSAT_20,
)
from tpcarbon.physics import kernel


@kernel
def calc_soil_albedo(soil_color, h2osoi_vol, mxsoil_color):
    """Direct and diffuse albedo of snow-free soil by CLM soil colour class, visible and near-infrared.

    .. math:: \\Delta = \\max(0.11 - 0.40\\,\\theta_1, 0),\\qquad
              \\alpha_{soil,\\Lambda} = \\min(\\alpha_{sat,\\Lambda}(c) + \\Delta, \\alpha_{dry,\\Lambda}(c))

    Direct and diffuse are equal (CLM ``albsod = albsoi``).

    Parameters
    ----------
    soil_color : int
        CLM soil colour class c, 1 … ``mxsoil_color`` (1 brightest). Default where unknown:
        ``SOIL_COLOR_DEFAULT_20`` = 15 (``SOIL_COLOR_DEFAULT_8`` = 4).
    h2osoi_vol : float
        Volumetric water content of the top soil layer θ_1 (liquid + ice) [m3 m-3].
    mxsoil_color : int
        Number of colour classes of the surface dataset: 20 (CLM5) or 8.

    Returns
    -------
    (float, float, float, float)
        Direct visible, direct near-infrared, diffuse visible, diffuse near-infrared albedo [-].

    Raises
    ------
    ValueError
        If ``mxsoil_color`` is not 8 or 20, or ``soil_color`` is outside 1 … ``mxsoil_color``.

    References
    ----------
    CLM5 Tech Note eq. 3.61 (Surface Albedos, "Ground albedos") and its colour table;
    ``SurfaceAlbedoMod.F90::SoilAlbedo``
    l.1048-1058 and the tables of ``SurfaceAlbedoInitTimeConst`` l.150-163.

    Examples
    --------
    >>> [round(x, 3) for x in calc_soil_albedo(15, 0.1, 20)]
    [0.16, 0.25, 0.16, 0.25]
    """
    if mxsoil_color == 20:
        sat = SOIL_ALBSAT_20
        dry = SOIL_ALBDRY_20
    elif mxsoil_color == 8:
        sat = SOIL_ALBSAT_8
        dry = SOIL_ALBDRY_8
    else:
        raise ValueError("mxsoil_color must be 8 or 20 (CLM SurfaceAlbedoInitTimeConst)")
    if soil_color < 1 or soil_color > mxsoil_color:
        raise ValueError("soil_color must be in 1 .. mxsoil_color")
    inc = max(SOIL_ALB_INC[0] - SOIL_ALB_INC[1] * h2osoi_vol, 0.0)
    vis = float(min(sat[soil_color - 1, 0] + inc, dry[soil_color - 1, 0]))
    nir = float(min(sat[soil_color - 1, 1] + inc, dry[soil_color - 1, 1]))
    return vis, nir, vis, nir


@kernel
def calc_snow_age_bats(snowage, dtime, t_grnd, h2osno, h2osno_old):
    """Non-dimensional snow age of the BATS scheme after one time step.

    .. math:: r_1 = \\exp\\left[5000\\left(\\frac{1}{T_f} - \\frac{1}{T_g}\\right)\\right],\\quad
              r_2 = \\exp\\left[\\min\\left(0, 10 \\times 5000\\left(\\frac{1}{T_f}
              - \\frac{1}{T_g}\\right)\\right)\\right],
              \\quad r_3 = 0.3

    .. math:: \\tau^{n+1} = \\max\\left[0, \\left(\\tau^n
              + \\frac{\\Delta t}{\\tau_0}(r_1 + r_2 + r_3)\\right)
              \\left(1 - 0.1\\max(0, W^{n+1} - W^n)\\right)\\right],\\quad \\tau_0 = 10^6\\ \\mathrm{s}

    r_1: grain growth by vapour diffusion; r_2: additional growth near and at freezing (freezing of melt
    water); r_3: dirt and soot. A snowfall of 10 mm (kg m-2) or more in the step resets τ to 0; τ = 0 when
    there is no snow and when W > 800 mm (CLM's Antarctic/perennial-snow rule).

    Parameters
    ----------
    snowage : float
        Snow age τ^n [-].
    dtime : float
        Time step Δt [s].
    t_grnd : float
        Ground (snow surface) temperature T_g [K].
    h2osno : float
        Snow water equivalent after the step W^{n+1} [kg m-2].
    h2osno_old : float
        Snow water equivalent before the step W^n [kg m-2].

    Returns
    -------
    float
        τ^{n+1} [-].

    References
    ----------
    Dickinson et al. (1993) NCAR/TN-387+STR; Oleson et al. (2004) CLM3.0 Tech Note NCAR/TN-461+STR, snow age
    (section on snow albedo); CLM2/CLM3.0 ``SnowAge.F90`` (as carried in NASA-LIS ``surfacemodels/land/clm2/
    biogeophys/SnowAge.F90``). Not in CLM5 (replaced by SNICAR grain growth,
    ``SnowSnicarMod.F90::SnowAge_grain``).

    Examples
    --------
    >>> round(calc_snow_age_bats(0.0, 86400.0, 268.15, 20.0, 20.0), 5)   # one day at -5 °C
    0.09018
    """
    if h2osno <= 0.0 or h2osno > SNOW_AGE_SWE_MAX:
        return 0.0
    arg = SNOW_AGE_VAPOUR * (1.0 / TFRZ - 1.0 / t_grnd)
    age1 = math.exp(arg)
    age2 = math.exp(min(0.0, SNOW_AGE_MELT * arg))
    dela = dtime / SNOW_AGE_TAU0 * (age1 + age2 + SNOW_AGE_DIRT)
    dels = SNOW_AGE_RESET * max(0.0, h2osno - h2osno_old)
    return max(0.0, (snowage + dela) * (1.0 - dels))


@kernel
def calc_snow_albedo_bats(snowage, coszen):
    """Direct and diffuse snow albedo (visible, near-infrared) of the BATS scheme.

    .. math:: F_{age} = 1 - \\frac{1}{1 + \\tau},\\quad
              \\alpha_{vis}^{dif} = 0.95(1 - 0.2F_{age}),\\quad \\alpha_{nir}^{dif} = 0.65(1 - 0.5F_{age})

    .. math:: f(\\mu) = \\max\\left(0, \\frac{1 + 1/b}{1 + 2b\\mu} - \\frac{1}{b}\\right),\\ b = 2,
              \\ \\mu \\ge 0.001,

    .. math:: \\alpha_\\Lambda^{dir} = \\alpha_\\Lambda^{dif} + 0.4 f(\\mu)(1 - \\alpha_\\Lambda^{dif})

    (f(μ) = 0 for μ ≥ 0.5, i.e. solar zenith angles below 60°.)

    Parameters
    ----------
    snowage : float
        Snow age τ [-] (:func:`calc_snow_age_bats`).
    coszen : float
        Cosine of the solar zenith angle μ [-].

    Returns
    -------
    (float, float, float, float)
        Direct visible, direct near-infrared, diffuse visible, diffuse near-infrared snow albedo [-].

    References
    ----------
    Dickinson et al. (1993); Oleson et al. (2004) NCAR/TN-461+STR, snow albedo; CLM2/CLM3.0
    ``SurfaceAlbedoMod.F90::SnowAlbedo`` (as carried in NASA-LIS ``surfacemodels/land/clm2/biogeophys/
    SnowAlbedo.F90``). A departure from CLM5's SNICAR.

    Examples
    --------
    >>> [round(x, 4) for x in calc_snow_albedo_bats(0.0, 0.25)]
    [0.955, 0.685, 0.95, 0.65]
    """
    fage = 1.0 - 1.0 / (1.0 + snowage)
    dif_vis = SNOW_ALB_FRESH_VIS * (1.0 - SNOW_AGE_CS * fage)
    dif_nir = SNOW_ALB_FRESH_NIR * (1.0 - SNOW_AGE_CN * fage)
    mu = max(SNOW_COSZEN_MIN, coszen)
    cff = (1.0 + 1.0 / SNOW_ZEN_B) / (1.0 + mu * 2.0 * SNOW_ZEN_B) - 1.0 / SNOW_ZEN_B
    cff = max(cff, 0.0)
    dir_vis = dif_vis + SNOW_ZEN_COEF * cff * (1.0 - dif_vis)
    dir_nir = dif_nir + SNOW_ZEN_COEF * cff * (1.0 - dif_nir)
    return dir_vis, dir_nir, dif_vis, dif_nir


@kernel
def calc_ground_albedo(alb_soil, alb_snow, frac_sno):
    """Ground albedo of one band and beam type: soil and snow weighted by the snow-covered fraction.

    .. math:: \\alpha_g = \\alpha_{soil}(1 - f_{sno}) + \\alpha_{sno} f_{sno}

    Parameters
    ----------
    alb_soil : float
        Soil albedo [-].
    alb_snow : float
        Snow albedo [-].
    frac_sno : float
        Snow-covered fraction of the ground [-].

    Returns
    -------
    float
        α_g [-].

    References
    ----------
    CLM5 Tech Note eqs 3.58-3.59; ``SurfaceAlbedoMod.F90::SurfaceAlbedo`` l.659-660.

    Examples
    --------
    >>> round(calc_ground_albedo(0.2, 0.8, 0.25), 3)
    0.35
    """
    return alb_soil * (1.0 - frac_sno) + alb_snow * frac_sno


@kernel
def calc_ground_emissivity(frac_sno):
    """Longwave emissivity of the ground: soil 0.96 and snow 0.97 weighted by snow cover.

    .. math:: \\varepsilon_g = 0.96\\,(1 - f_{sno}) + 0.97\\,f_{sno}

    Parameters
    ----------
    frac_sno : float
        Snow-covered fraction of the ground [-].

    Returns
    -------
    float
        ε_g [-].

    References
    ----------
    CLM5 Tech Note eq. 4.19; ``CanopyTemperatureMod.F90`` l.362-369 (0.97 for glaciers).

    Examples
    --------
    >>> round(calc_ground_emissivity(0.5), 3)
    0.965
    """
    return (1.0 - frac_sno) * EMISS_SOIL + frac_sno * EMISS_SNOW
