"""Coefficients fixed in code: CLM5's hard-coded numbers and the empirical formulas tpcarbon uses.

Values that live on the CLM5 parameter file are *not* here: they are read from it
(:mod:`tpcarbon.params.pft`). Each entry names its source; "spec §x" is
``shared/reference/clm5_spec.md``.
"""

from __future__ import annotations

import numpy as np

# ----------------------------------------------------------------- solar geometry
#: Spencer (1971) Fourier coefficients of solar declination [rad] in the day angle
#: Γ = 2π(doy-1)/365: δ = a0 + Σ a_k cos(kΓ) + b_k sin(kΓ). Spencer, J.W. (1971), Search 2(5), 172.
#: A departure from CLM's orbital computation (``shr_orb_mod``); |error| < 0.0006 rad (0.035°).
SPENCER_DECL = np.array([0.006918, -0.399912, 0.070257, -0.006758, 0.000907, -0.002697, 0.00148])
#: Spencer (1971) eccentricity factor (r0/r)² coefficients: a0, a1, b1, a2, b2.
SPENCER_ECC = np.array([1.000110, 0.034221, 0.001280, 0.000719, 0.000077])
#: Spencer (1971) equation of time [min]: 229.18*(c0 + c1 cosΓ + d1 sinΓ + c2 cos2Γ + d2 sin2Γ).
SPENCER_EOT = np.array([229.18, 0.000075, 0.001868, -0.032077, -0.014615, -0.040849])
#: CLM daylength constant 13750.9871 s (= 86400/(2π) ...) in dayl = 2·c·acos(-tan φ tan δ)
#: (spec §3; ``DaylengthMod.F90``).
DAYL_COEF = 13750.9871

# ------------------------------------------------------- shortwave partition (DATM)
#: Visible and near-infrared share of incident shortwave (0.5 each; spec §1.8, CDEPS clmncep).
SW_VIS_FRACTION = 0.5
#: Direct-beam fraction of the visible band: polynomial in s = 0.5 SW [W m-2], clamped
#: to [0.01, 0.99] (spec §1.8, CDEPS ``datm_datamode_clmncep_mod.F90``).
DIRECT_VIS_POLY = np.array([0.17639, 0.00380, -9.0039e-6, 8.1351e-9])
#: Direct-beam fraction of the near-infrared band (same source).
DIRECT_NIR_POLY = np.array([0.29548, 0.00504, -1.4957e-5, 1.4881e-8])
#: Clamp of the direct fractions (spec §1.8).
DIRECT_FRAC_MIN = 0.01
DIRECT_FRAC_MAX = 0.99

# ------------------------------------------------------------ rain/snow partition
#: CLM5 ``repartition_rain_snow``: all snow at T <= Tf + 0 K, all rain at T >= Tf + 2 K,
#: linear between (spec §6.3, ``atm2lndMod.F90`` ``partition_precip``).
RAIN_SNOW_T_ALL_SNOW = 0.0
RAIN_SNOW_T_ALL_RAIN = 2.0

# ------------------------------------------------------------ saturation vapour pressure
#: Murray (1967) / Tetens form e_s = 610.78 exp(a (T-Tf)/(T-Tf+b)) [Pa]; over water (a, b)
#: and over ice (a, b). Departure: CLM uses the Flatau et al. (1992) polynomials
#: (``QSatMod.F90``); the two agree within 0.3 % over -40..40 °C.
ESAT_E0 = 610.78
ESAT_WATER = (17.2693882, 237.3)
ESAT_ICE = (21.8745584, 265.5)
