"""Physical and model-wide constants: the one home of every fixed number.

Each field of :class:`CoreConst` carries its symbol, value, units and source.
``clm5_spec.md`` below is ``shared/reference/clm5_spec.md`` (its section numbers
are quoted as "spec §x"), which records the CTSM ``release-clm5.0`` file that
holds each value.

Numba kernels read the module-level aliases (``TFRZ``, ``RGAS`` ...) that are
derived from the single frozen instance :data:`CONST`: numba treats module-level
floats as compile-time constants, and there is still one home for each number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CoreConst:
    """Core physical constants (pyrealm ``CoreConst`` style)."""

    tfrz: float = 273.15
    """Freezing point of water (T_f, 273.15, K; spec §0, ``clm_varcon.F90``)."""

    rgas: float = 8.31447
    """Universal gas constant (R, 8.31447, J mol-1 K-1; spec §0, ``rgas*1e-3``)."""

    grav: float = 9.80616
    """Gravitational acceleration (g, 9.80616, m s-2; spec §0)."""

    denh2o: float = 1000.0
    """Density of liquid water (rho_liq, 1000, kg m-3; spec §0)."""

    denice: float = 917.0
    """Density of ice (rho_ice, 917, kg m-3; spec §0)."""

    cpliq: float = 4188.0
    """Specific heat of liquid water (C_liq, 4188, J kg-1 K-1; spec §0)."""

    cpice: float = 2117.27
    """Specific heat of ice (C_ice, 2117.27, J kg-1 K-1; spec §0)."""

    hfus: float = 3.337e5
    """Latent heat of fusion (L_f, 3.337e5, J kg-1; spec §0)."""

    hvap: float = 2.501e6
    """Latent heat of vaporisation (lambda_vap, 2.501e6, J kg-1; spec §0)."""

    hsub: float = 2.501e6 + 3.337e5
    """Latent heat of sublimation (L_s = lambda_vap + L_f, J kg-1; ``clm_varcon.F90``)."""

    tkwat: float = 0.57
    """Thermal conductivity of liquid water (lambda_liq, 0.57, W m-1 K-1; spec §0)."""

    tkice: float = 2.29
    """Thermal conductivity of ice (lambda_ice, 2.29, W m-1 K-1; spec §0)."""

    tkair: float = 0.023
    """Thermal conductivity of air (lambda_air, 0.023, W m-1 K-1; spec §0)."""

    tk_bedrock: float = 3.0
    """Thermal conductivity of bedrock (3.0, W m-1 K-1; spec §0 ``thk_bedrock``)."""

    csol_bedrock: float = 2.0e6
    """Volumetric heat capacity of bedrock (2.0e6, J m-3 K-1; spec §0 ``csol_bedrock``)."""

    cpair: float = 1004.64
    """Specific heat of dry air at constant pressure (c_p, 1004.64, J kg-1 K-1; ``clm_varcon.F90``)."""

    rair: float = 287.04
    """Gas constant of dry air (R_d, 287.04, J kg-1 K-1; ``clm_varcon.F90`` rair)."""

    stefan: float = 5.67e-8
    """Stefan-Boltzmann constant (sigma, 5.67e-8, W m-2 K-4; ``clm_varcon.F90`` sb)."""

    vkc: float = 0.4
    """von Karman constant (k, 0.4, -; ``clm_varcon.F90``)."""

    eps_h2o: float = 0.622
    """Ratio of molecular weights water/dry air (epsilon, 0.622, -; spec §1.1)."""

    o2_molar: float = 0.209
    """O2 mole fraction of air (0.209, mol mol-1; spec §1.1 ``o2_molar_const``)."""

    mmc: float = 12.011
    """Molar mass of carbon (12.011, g mol-1; spec §1.5, the 12.011e-6 factor)."""

    solar_const: float = 1361.0
    """Total solar irradiance at 1 AU (S0, 1361, W m-2; Kopp & Lean 2011)."""

    earth_radius: float = 6.371e6
    """Earth radius for cell areas (R_E, 6.371e6, m; ``shared/data/README.md``)."""

    secspday: float = 86400.0
    """Seconds per day (86400, s; exact)."""

    secsphr: float = 3600.0
    """Seconds per hour (3600, s; exact)."""

    dayspyr: float = 365.0
    """Days per year used for rate constants (365, d; spec §0 'noleap')."""

    lapse_rate: float = 0.0065
    """Standard-atmosphere temperature lapse rate (Gamma, 0.0065, K m-1; ICAO 1993)."""

    p0_sea: float = 101325.0
    """Standard sea-level pressure (p_0, 101325, Pa; ICAO 1993)."""

    t0_sea: float = 288.15
    """Standard sea-level temperature (T_0, 288.15, K; ICAO 1993)."""

    m_air: float = 0.0289644
    """Molar mass of dry air (M, 0.0289644, kg mol-1; ICAO 1993)."""

    rwv: float = 8314.467 / 18.016
    """Gas constant of water vapour (R_v = R*/M_w = 8314.467/18.016 = 461.5 J kg-1 K-1; CESM ``SHR_CONST_RWV``)."""


CONST = CoreConst()
"""The single instance every module reads."""

# ---- aliases for numba kernels (compile-time constants derived from CONST) ----
TFRZ = CONST.tfrz
RGAS = CONST.rgas
GRAV = CONST.grav
DENH2O = CONST.denh2o
DENICE = CONST.denice
CPLIQ = CONST.cpliq
CPICE = CONST.cpice
HFUS = CONST.hfus
HVAP = CONST.hvap
HSUB = CONST.hsub
TKWAT = CONST.tkwat
TKICE = CONST.tkice
TKAIR = CONST.tkair
TK_BEDROCK = CONST.tk_bedrock
CSOL_BEDROCK = CONST.csol_bedrock
CPAIR = CONST.cpair
RAIR = CONST.rair
STEFAN = CONST.stefan
VKC = CONST.vkc
EPS_H2O = CONST.eps_h2o
O2_MOLAR = CONST.o2_molar
MMC = CONST.mmc
SOLAR_CONST = CONST.solar_const
SECSPDAY = CONST.secspday
SECSPHR = CONST.secsphr
HOURS_PER_DAY = CONST.secspday / CONST.secsphr
DAYSPYR = CONST.dayspyr
RWV = CONST.rwv
SECSPYR = CONST.secspday * CONST.dayspyr

MM_PER_M = 1.0e3
"""Exact conversion m -> mm."""

UMOL_PER_MOL = 1.0e6
"""Exact conversion mol -> µmol (and ppm -> mol mol-1 as its inverse)."""

UMOL_C_TO_G_C = CONST.mmc * 1.0e-6
"""Exact conversion µmol CO2 -> g C (12.011e-6 g µmol-1; spec §1.11)."""

MM_PER_MPA = 1.0e6 / (CONST.denh2o * CONST.grav) * 1.0e3
"""Exact conversion of water potential: mm of water head per MPa (1e9/(rho g) mm MPa-1)."""

MPA_PER_MM = 9.8e-6
"""Water potential conversion used by CLM for ``soilpsi`` (9.8e-6 MPa mm-1;
spec §5.4, ``HydrologyNoDrainageMod.F90`` l.445-466 hard-codes 9.8e-6)."""
