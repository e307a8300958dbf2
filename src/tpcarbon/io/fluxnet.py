r"""Reader of eddy-covariance site forcing: FLUXNET2015 CSV and europe-fluxdata files.

Formats
-------
* **FLUXNET2015 / ONEFlux** FULLSET/SUBSET ``HH`` (half-hourly) or ``HR`` (hourly) CSV,
  ``FLX_<SITE>_FLUXNET2015_<FULLSET|SUBSET>_<HH|HR>_<y0>-<y1>_<ver>.csv``: ``TIMESTAMP_START``,
  ``TIMESTAMP_END`` (``YYYYMMDDHHMM``; either one suffices: the other is derived from the step,
  which is inferred from the stamps), ``TA_F`` [°C], ``VPD_F`` [hPa], ``PA_F`` [kPa], ``WS_F``
  [m s-1], ``SW_IN_F``, ``LW_IN_F`` [W m-2], ``P_F`` [mm per step], ``CO2_F_MDS`` [µmol mol-1],
  ``NEE_VUT_REF``, ``GPP_NT_VUT_REF``, ``RECO_NT_VUT_REF`` [µmol CO2 m-2 s-1], ``LE_F_MDS``,
  ``H_F_MDS`` [W m-2].
* **europe-fluxdata** (the raw ICOS/European Fluxes Database submission format, e.g.
  ``FR-Hes_europe-fluxdata_2016.txt``): comma separated, one header line, ``TIMESTAMP_END`` only,
  variables with position qualifiers ``_H_V_R`` (``_1_1_1`` = the top sensor): ``TA_1_1_1`` [°C],
  ``RH_1_1_1`` [%], ``PA_1_1_1`` [kPa], ``WS_1_1_1``, ``SW_IN_1_1_1``, ``LW_IN_1_1_1``, ``P_1_1_1``
  [mm per step], ``CO2_1_1_1`` [µmol mol-1], ``NEE_PI_1_1_1`` / ``FC_1_1_1`` [µmol m-2 s-1],
  ``LE_PI_1_1_1`` / ``LE_1_1_1``, ``H_PI_1_1_1`` / ``H_1_1_1`` [W m-2].

The format is told apart by the column names: position qualifiers ``_H_V_R`` mean
europe-fluxdata, anything else is read with the FLUXNET2015 names. A file that site mode cannot
use is refused with one line naming the file, the column at fault and the fix (e.g.
``FILE: TIMESTAMP_END: missing and TIMESTAMP_START not found ... Fix: ...``; a FLUXNET2015 DD/WW/MM/YY
aggregate, which has only ``TIMESTAMP``, is refused as ``TIMESTAMP_START: missing``).

In both, ``-9999`` marks a missing value. Time stamps are kept as in the file (local standard
time, no daylight saving, for FLUXNET2015); :attr:`SiteData.time` holds interval **centres**.

Conversions
-----------
Specific humidity from the vapour pressure :math:`e` [hPa] and pressure :math:`p` [hPa],

.. math:: q = \frac{\epsilon\, e}{p - (1 - \epsilon)\, e}, \qquad \epsilon = 0.622,

with :math:`e = e_s(T_a) - \mathrm{VPD}` (FLUXNET2015) or :math:`e = \mathrm{RH}/100 \; e_s(T_a)`
(europe-fluxdata), :math:`0 \le e \le e_s`, and the Magnus formula of Alduchov & Eskridge (1996,
their AERK form, over water at all temperatures)

.. math:: e_s(T) = 6.1094 \exp\left(\frac{17.625\, T}{T + 243.04}\right)

with :math:`T` in °C and :math:`e_s` in hPa.

Precipitation [mm per step] is divided by the step length to give kg m-2 s-1; negative shortwave
(night-time sensor offsets) is set to 0.

Gap filling of the meteorology (a departure from FLUXNET's own MDS filling, needed for raw files)
----------------------------------------------------------------------------------------------
1. Gaps of at most 2 h with valid values on both sides: linear interpolation in time.
2. Other gaps: the mean diurnal cycle of a ±7-day window, i.e. the mean of the valid
   *observations* at the same time of day on the 15 days centred on the gap day; the window
   doubles (±14, ±28 ... days) where it holds no valid value.

The fraction of filled records per variable is returned in :attr:`SiteData.gapfill`.

Missing columns that are estimated (with a warning in ``gapfill["warnings"]``)
-------------------------------------------------------------------------------
* **Wind speed** (``WS_F`` / ``WS_1_1_1`` absent or entirely -9999): the constant
  :data:`DEFAULT_WIND` = 2 m s-1, the value FAO-56 recommends where no wind data exist (the
  average over 2000 weather stations; Allen et al. 1998, ch. 3, "Wind speed"). Wind enters the
  model only through the aerodynamic resistances of the energy balance.
* **Incoming longwave** (``LW_IN_F`` / ``LW_IN_1_1_1`` absent or entirely -9999): the
  cloud-corrected emissivity of Crawford & Duchon (1999),

  .. math:: L_\downarrow = \left[c + (1 - c)\,\epsilon_{clr}\right] \sigma T_a^4, \qquad
            \epsilon_{clr} = \left(1.22 + 0.06 \sin\left[(m + 2)\frac{\pi}{6}\right]\right)
            \left(\frac{e}{T_a}\right)^{1/7}

  (:math:`e` in hPa, :math:`T_a` in K, :math:`m` the month 1-12), with the cloud fraction
  :math:`c = 1 - s` from the ratio :math:`s = S_\downarrow / S_{clr}` (clipped to [0, 1]) of the
  measured shortwave to the clear-sky shortwave of FAO-56 (Allen et al. 1998, eq. 37),
  :math:`S_{clr} = (0.75 + 2\cdot10^{-5} z)\, S_0\, d_r \cos\theta_z`, where the sun is higher than
  :data:`LW_MIN_COSZ` (about 8.6°); at night and at low sun, :math:`c` is interpolated linearly in
  time between the neighbouring daytime values, as Crawford & Duchon do. The zenith angle uses the
  site position (local standard time, the solar-equivalent longitude of site mode), the elevation
  :math:`z` comes from the mean pressure. The clear-sky Brutsaert (1975) value alone underestimates
  :math:`L_\downarrow` under overcast skies by tens of W m-2; without a site position the reader
  refuses the file rather than use it.

Observation quality (FLUXNET2015)
---------------------------------
Where a flux column has a ``<column>_QC`` companion (``NEE_VUT_REF_QC``, ``LE_F_MDS_QC``,
``H_F_MDS_QC``; GPP and Reco use ``NEE_VUT_REF_QC``), records gap-filled with medium or poor
confidence (QC 2 or 3; Pastorello et al. 2020) are set to missing, so scores use measured and
good-quality filled records only.

The flux observations (NEE, GPP, Reco; LE, H) are returned as in the file, not filled:
µmol CO2 m-2 s-1, NEE positive for a source (FLUXNET sign); W m-2, positive upward. Multiply the
carbon fluxes by :data:`tpcarbon.constants.UMOL_C_TO_G_C` × ``dt`` to get g C m-2 per step.

References
----------
Alduchov, O. A. and Eskridge, R. E. (1996), J. Appl. Meteor. 35, 601-609.
Allen, R. G., Pereira, L. S., Raes, D. and Smith, M. (1998), Crop evapotranspiration (FAO
Irrigation and Drainage Paper 56), FAO, Rome.
Brutsaert, W. (1975), Water Resour. Res. 11, 742-744.
Crawford, T. M. and Duchon, C. E. (1999), J. Appl. Meteor. 38, 474-480.
Pastorello, G. et al. (2020), Sci. Data 7, 225 (FLUXNET2015 variables and units).
``shared/reference/data_formats.md`` §5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tpcarbon.constants import CONST
from tpcarbon.errors import InputError

__all__ = [
    "SiteData",
    "cloud_fraction",
    "elevation_from_pressure",
    "esat_magnus",
    "fill_gaps",
    "longwave_brutsaert",
    "longwave_crawford_duchon",
    "infer_utc_offset",
    "read_site_forcing",
    "solar_equivalent_lon",
    "specific_humidity",
]

#: Missing-value marker of FLUXNET and europe-fluxdata files.
MISSING = -9999.0

MAGNUS_A = 6.1094
"""Saturation vapour pressure at 0 °C of the Magnus formula (6.1094, hPa; Alduchov & Eskridge 1996)."""
MAGNUS_B = 17.625
"""Magnus coefficient b (17.625, -; Alduchov & Eskridge 1996)."""
MAGNUS_C = 243.04
"""Magnus coefficient c (243.04, °C; Alduchov & Eskridge 1996)."""
BRUTSAERT_COEF = 1.24
"""Clear-sky emissivity coefficient (1.24, hPa^-1/7 K^1/7; Brutsaert 1975)."""
BRUTSAERT_EXP = 1.0 / 7.0
"""Clear-sky emissivity exponent (1/7, -; Brutsaert 1975)."""
ISA_P0 = 101325.0
"""Sea-level pressure of the ICAO standard atmosphere (101325, Pa)."""
ISA_EXP = 5.25588
"""Exponent of the standard-atmosphere pressure-height relation (5.25588, -)."""
ISA_LAPSE = 2.25577e-5
"""Coefficient of the standard-atmosphere pressure-height relation (2.25577e-5, m-1)."""

DEFAULT_WIND = 2.0
"""Wind speed used when the file has none (2, m s-1; Allen et al. 1998, FAO-56 ch. 3: "a value of
2 m/s can be used as a temporary estimate", the average over 2000 weather stations)."""
CD_EMIS_A = 1.22
"""Mean clear-sky emissivity coefficient (1.22, hPa^-1/7 K^1/7; Crawford & Duchon 1999)."""
CD_EMIS_B = 0.06
"""Amplitude of its seasonal term (0.06, hPa^-1/7 K^1/7; Crawford & Duchon 1999)."""
CD_MONTH_SHIFT = 2.0
"""Month shift of the seasonal term, sin[(m + 2) pi/6] (2, months; Crawford & Duchon 1999)."""
FAO_RSO_A = 0.75
"""Clear-sky transmissivity at sea level (0.75, -; Allen et al. 1998, FAO-56 eq. 37)."""
FAO_RSO_B = 2.0e-5
"""Increase of the clear-sky transmissivity with elevation (2e-5, m-1; FAO-56 eq. 37)."""
LW_MIN_COSZ = 0.15
"""Lowest cosine of the solar zenith angle (0.15, i.e. sun about 8.6 deg high) at which the
shortwave ratio gives the cloud fraction; below it the fraction is interpolated in time."""
MIN_DIURNAL_RESULTANT = 0.3
"""Smallest concentration of the shortwave in the time of day (mean resultant length, 0-1) for the
UTC offset to be inferred from it (real shortwave: 0.6-0.8; constant: 0)."""
#: Flux quality flags (FLUXNET2015 ``*_QC``) kept: 0 measured, 1 good-quality gap fill.
MAX_FLUX_QC = 1

#: Longest gap filled by linear interpolation [s].
SHORT_GAP_S = 7200.0
#: Half width of the mean-diurnal-cycle window [days].
WINDOW_DAYS = 7

_HPA_PER_KPA = 10.0
_PA_PER_KPA = 1000.0
_ALLOWED_DT = (1800.0, 3600.0)


@dataclass(frozen=True)
class SiteData:
    """Forcing and flux observations of one site on a regular time axis.

    Attributes
    ----------
    time : ndarray of datetime64[s], shape (nt,)
        Interval centres, in the file's (local standard) time, regular with step ``dt``.
    dt : float
        Time step [s] (1800 or 3600).
    temp : ndarray, shape (nt,)
        Air temperature [K].
    shum : ndarray, shape (nt,)
        Specific humidity [kg kg-1].
    pres : ndarray, shape (nt,)
        Air pressure [Pa].
    wind : ndarray, shape (nt,)
        Wind speed [m s-1].
    srad : ndarray, shape (nt,)
        Incoming shortwave radiation, mean over the interval [W m-2], >= 0.
    lrad : ndarray, shape (nt,)
        Incoming longwave radiation, mean over the interval [W m-2].
    prec : ndarray, shape (nt,)
        Precipitation, mean over the interval [kg m-2 s-1].
    co2 : ndarray, shape (nt,), or None
        CO2 mole fraction [ppm] (None if the file has none).
    nee_obs : ndarray, shape (nt,), or None
        Observed NEE [µmol CO2 m-2 s-1], positive = source, as in the file (not filled).
    gpp_obs, reco_obs : ndarray, shape (nt,), or None
        Partitioned GPP and ecosystem respiration [µmol CO2 m-2 s-1] (FLUXNET2015 only).
    le_obs, h_obs : ndarray, shape (nt,), or None
        Observed latent and sensible heat flux [W m-2], positive upward (not filled).
    site_id : str
        Site code, e.g. ``"FR-Hes"``.
    source : str
        ``"FLUXNET2015"`` or ``"europe-fluxdata"``.
    gapfill : dict
        Fraction (0-1) of records filled per forcing variable; ``"lrad_method"`` and
        ``"wind_method"`` (strings) are present when incoming longwave or wind was estimated
        (module docstring), and ``"columns"`` maps each variable to the file column it came from.
    warnings : tuple of str
        One-line warnings (estimated columns, derived time stamps) for the caller to show.
    """

    time: NDArray[np.datetime64]
    dt: float
    temp: NDArray[np.float64]
    shum: NDArray[np.float64]
    pres: NDArray[np.float64]
    wind: NDArray[np.float64]
    srad: NDArray[np.float64]
    lrad: NDArray[np.float64]
    prec: NDArray[np.float64]
    co2: NDArray[np.float64] | None
    nee_obs: NDArray[np.float64] | None
    gpp_obs: NDArray[np.float64] | None
    reco_obs: NDArray[np.float64] | None
    site_id: str
    source: str
    gapfill: dict = field(default_factory=dict)
    le_obs: NDArray[np.float64] | None = None
    h_obs: NDArray[np.float64] | None = None
    warnings: tuple[str, ...] = ()

    @property
    def nt(self) -> int:
        """Number of time steps."""
        return int(self.time.size)


# --------------------------------------------------------------------------------------------
# Physics of the conversions (documented in the module docstring)
# --------------------------------------------------------------------------------------------


def esat_magnus(tc: NDArray[np.float64] | float) -> NDArray[np.float64]:
    r"""Saturation vapour pressure over water by the Magnus formula.

    .. math:: e_s = 6.1094 \exp\left(\frac{17.625\, T}{T + 243.04}\right)

    Parameters
    ----------
    tc : float or ndarray
        Air temperature :math:`T` [°C].

    Returns
    -------
    ndarray
        Saturation vapour pressure :math:`e_s` [hPa].

    References
    ----------
    Alduchov and Eskridge (1996), eq. 21 (AERK).

    Examples
    --------
    >>> round(float(esat_magnus(20.0)), 3)
    23.334
    """
    tc = np.asarray(tc, dtype=np.float64)
    return MAGNUS_A * np.exp(MAGNUS_B * tc / (tc + MAGNUS_C))


def specific_humidity(
    e_hpa: NDArray[np.float64] | float, p_hpa: NDArray[np.float64] | float
) -> NDArray[np.float64]:
    r"""Specific humidity from vapour pressure and air pressure.

    .. math:: q = \frac{\epsilon e}{p - (1 - \epsilon) e}

    Parameters
    ----------
    e_hpa : float or ndarray
        Vapour pressure :math:`e` [hPa].
    p_hpa : float or ndarray
        Air pressure :math:`p` [hPa].

    Returns
    -------
    ndarray
        Specific humidity :math:`q` [kg kg-1].

    Examples
    --------
    >>> round(float(specific_humidity(10.0, 1000.0)), 6)
    0.006244
    """
    e = np.asarray(e_hpa, dtype=np.float64)
    p = np.asarray(p_hpa, dtype=np.float64)
    eps = CONST.eps_h2o
    return eps * e / (p - (1.0 - eps) * e)


def longwave_brutsaert(tk: NDArray[np.float64], e_hpa: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Clear-sky incoming longwave of Brutsaert (1975).

    .. math:: L_\downarrow = 1.24 \left(\frac{e}{T_a}\right)^{1/7} \sigma T_a^4

    Parameters
    ----------
    tk : ndarray
        Air temperature :math:`T_a` [K].
    e_hpa : ndarray
        Vapour pressure :math:`e` [hPa].

    Returns
    -------
    ndarray
        Clear-sky incoming longwave [W m-2] (an underestimate under clouds).

    Examples
    --------
    >>> round(float(longwave_brutsaert(293.15, 13.33)), 1)
    333.9
    """
    tk = np.asarray(tk, dtype=np.float64)
    emis = BRUTSAERT_COEF * (np.maximum(np.asarray(e_hpa, dtype=np.float64), 0.0) / tk) ** BRUTSAERT_EXP
    return emis * CONST.stefan * tk**4


def longwave_crawford_duchon(
    tk: NDArray[np.float64], e_hpa: NDArray[np.float64], month: NDArray[np.int64], cloud: NDArray[np.float64]
) -> NDArray[np.float64]:
    r"""Cloud-corrected incoming longwave of Crawford & Duchon (1999).

    .. math:: L_\downarrow = \left[c + (1 - c)\left(1.22 + 0.06 \sin\left[(m + 2)\frac{\pi}{6}\right]\right)
              \left(\frac{e}{T_a}\right)^{1/7}\right] \sigma T_a^4

    Parameters
    ----------
    tk : ndarray
        Air temperature :math:`T_a` [K].
    e_hpa : ndarray
        Vapour pressure :math:`e` [hPa].
    month : ndarray of int
        Calendar month :math:`m` (1-12).
    cloud : ndarray
        Cloud fraction :math:`c` [0-1] (:func:`cloud_fraction`).

    Returns
    -------
    ndarray
        Incoming longwave [W m-2].

    References
    ----------
    Crawford and Duchon (1999), J. Appl. Meteor. 38, 474-480 (their clear-sky emissivity is
    Brutsaert's with a seasonally varying coefficient).

    Examples
    --------
    >>> round(float(longwave_crawford_duchon(293.15, 13.33, 4, 0.0)), 1)   # clear April sky
    328.5
    >>> round(float(longwave_crawford_duchon(293.15, 13.33, 4, 1.0)), 1)   # overcast: sigma T^4
    418.7
    """
    tk = np.asarray(tk, dtype=np.float64)
    c = np.clip(np.asarray(cloud, dtype=np.float64), 0.0, 1.0)
    m = np.asarray(month, dtype=np.float64)
    coef = CD_EMIS_A + CD_EMIS_B * np.sin((m + CD_MONTH_SHIFT) * np.pi / 6.0)
    emis_clr = coef * (np.maximum(np.asarray(e_hpa, dtype=np.float64), 0.0) / tk) ** BRUTSAERT_EXP
    return (c + (1.0 - c) * emis_clr) * CONST.stefan * tk**4


def elevation_from_pressure(p_pa: float) -> float:
    r"""Elevation of a mean surface pressure in the ICAO standard atmosphere.

    .. math:: z = \frac{1 - (p / p_0)^{1/5.25588}}{2.25577\cdot10^{-5}}

    Parameters
    ----------
    p_pa : float
        Mean air pressure :math:`p` [Pa]; :math:`p_0` = 101325 Pa.

    Returns
    -------
    float
        Elevation [m], >= 0.

    Examples
    --------
    >>> round(elevation_from_pressure(60000.0))
    4206
    """
    return max(0.0, (1.0 - (float(p_pa) / ISA_P0) ** (1.0 / ISA_EXP)) / ISA_LAPSE)


def solar_equivalent_lon(lon: float, utc_offset: float | None = None) -> float:
    """Longitude at which local standard time (UTC + ``utc_offset`` h) is UTC: ``lon - 15 utc_offset``.

    Without ``utc_offset`` the time zone of the longitude, ``round(lon / 15)`` h, is assumed; that is
    wrong where the legal zone differs (China is UTC+8 everywhere, France and Spain UTC+1).

    Examples
    --------
    >>> round(solar_equivalent_lon(91.07), 2), round(solar_equivalent_lon(91.07, 8.0), 2)
    (1.07, -28.93)
    """
    offset = round(lon / 15.0) if utc_offset is None else float(utc_offset)
    return lon - 15.0 * offset


def infer_utc_offset(time: NDArray[np.datetime64], srad: NDArray[np.float64], lon: float) -> float | None:
    r"""UTC offset [h] of the stamps from the timing of the measured shortwave.

    The shortwave-weighted circular mean of the time of day, :math:`\bar h`, falls at solar noon,
    :math:`12 - \lambda/15 + \Delta` in local standard time (the equation of time averages out over a
    year and is below 0.3 h on any day), so

    .. math:: \Delta = \mathrm{round}(\bar h - 12 + \lambda / 15)

    (whole hours; a half-hour zone needs ``utc_offset``).

    Parameters
    ----------
    time : ndarray of datetime64
        Interval centres in the file's time.
    srad : ndarray
        Incoming shortwave [W m-2] (>= 0).
    lon : float
        Longitude :math:`\lambda` [degrees_east].

    Returns
    -------
    float or None
        UTC offset :math:`\Delta` [h]; None when the shortwave has no diurnal cycle to time (the
        length of the weighted mean of the unit vectors of the times of day is below
        :data:`MIN_DIURNAL_RESULTANT`).

    Examples
    --------
    >>> t = np.datetime64("2016-06-01T00:15") + np.arange(48) * np.timedelta64(30, "m")
    >>> h = np.arange(48) / 2 + 0.25
    >>> sw = np.maximum(0.0, np.cos((h - 12.5) / 24 * 2 * np.pi))   # noon at 12:30 in file time
    >>> infer_utc_offset(t, sw, 7.07)                                # FR-Hes: UTC+1
    1.0
    """
    t = np.asarray(time, dtype="datetime64[s]")
    hour = (t - t.astype("datetime64[D]")).astype(np.float64) / 3600.0
    w = np.maximum(np.asarray(srad, dtype=np.float64), 0.0)
    ang = 2.0 * np.pi * hour / 24.0
    s, c = float(np.sum(w * np.sin(ang))), float(np.sum(w * np.cos(ang)))
    if w.sum() <= 0 or np.hypot(s, c) < MIN_DIURNAL_RESULTANT * w.sum():
        return None  # no diurnal cycle to time (constant or zero shortwave)
    centre = (np.arctan2(s, c) * 24.0 / (2.0 * np.pi)) % 24.0
    return float(round(centre - 12.0 + lon / 15.0))


def _solar_geometry(time: NDArray[np.datetime64], lat: float, lon: float,
                    utc_offset: float | None = None) -> tuple[NDArray, NDArray]:
    """cos(zenith) and the eccentricity factor at local-standard-time stamps (site-mode convention)."""
    from tpcarbon.physics.solar import calc_coszen, calc_eccentricity_factor

    t = np.asarray(time, dtype="datetime64[s]")
    calday = (t - t.astype("datetime64[Y]")).astype(np.float64) / 86400.0 + 1.0
    lon_sol = solar_equivalent_lon(lon, utc_offset)
    cosz = np.array([calc_coszen(float(d), float(lat), lon_sol) for d in calday])
    ecc = np.array([calc_eccentricity_factor(float(d)) for d in calday])
    return cosz, ecc


def cloud_fraction(
    time: NDArray[np.datetime64],
    srad: NDArray[np.float64],
    lat: float,
    lon: float,
    elevation_m: float = 0.0,
    utc_offset: float | None = None,
) -> NDArray[np.float64]:
    r"""Cloud fraction from measured over clear-sky shortwave, interpolated through the night.

    .. math:: c = 1 - \min\left(1, \frac{S_\downarrow}{(0.75 + 2\cdot10^{-5} z) S_0 d_r \cos\theta_z}\right)

    where :math:`\cos\theta_z \ge` :data:`LW_MIN_COSZ`; elsewhere :math:`c` is interpolated linearly
    in time between the neighbouring daytime values (held constant before the first and after the
    last), as Crawford & Duchon (1999) do for the night.

    Parameters
    ----------
    time : ndarray of datetime64
        Interval centres in local standard time.
    srad : ndarray
        Measured incoming shortwave :math:`S_\downarrow` [W m-2] (gap-filled).
    lat, lon : float
        Site position [degrees_north, degrees_east]; the hour angle uses the solar-equivalent
        longitude (:func:`solar_equivalent_lon`, site mode's convention for local standard time).
    elevation_m : float
        Site elevation :math:`z` [m].
    utc_offset : float, optional
        UTC offset of the stamps [h] (default: the longitude's time zone, ``round(lon / 15)``).

    Returns
    -------
    ndarray
        Cloud fraction :math:`c` [0-1].

    Raises
    ------
    ValueError
        If the sun never rises above the threshold in the file (polar night only).

    References
    ----------
    Allen et al. (1998), FAO-56 eq. 37 (clear-sky shortwave); Crawford and Duchon (1999).
    """
    cosz, ecc = _solar_geometry(time, lat, lon, utc_offset)
    day = cosz >= LW_MIN_COSZ
    if not day.any():
        raise ValueError("the sun is never high enough to estimate cloudiness")
    clear = (FAO_RSO_A + FAO_RSO_B * elevation_m) * CONST.solar_const * ecc * np.maximum(cosz, 0.0)
    c_day = 1.0 - np.clip(np.asarray(srad, dtype=np.float64)[day] / clear[day], 0.0, 1.0)
    idx = np.arange(cosz.size, dtype=np.float64)
    return np.interp(idx, idx[day], c_day)


# --------------------------------------------------------------------------------------------
# Gap filling
# --------------------------------------------------------------------------------------------


def fill_gaps(
    x: NDArray[np.float64],
    dt: float,
    first_slot: int = 0,
    short_gap_s: float = SHORT_GAP_S,
    window_days: int = WINDOW_DAYS,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Fill the gaps (NaN) of a regular time series: linear for short gaps, mean diurnal cycle otherwise.

    Parameters
    ----------
    x : ndarray, shape (nt,)
        Values on a regular time axis, NaN where missing (any units; returned in the same units).
    dt : float
        Time step [s]; must divide 86400.
    first_slot : int, optional
        Time-of-day index of ``x[0]`` (0 = the first step after midnight), so that the slots of the
        diurnal cycle line up with the clock.
    short_gap_s : float, optional
        Longest gap [s] filled by linear interpolation between its two neighbours (default 2 h).
    window_days : int, optional
        Half width [days] of the window of the mean diurnal cycle used for the other gaps
        (default 7, i.e. 15 days); doubled until the window holds a valid value.

    Returns
    -------
    filled : ndarray, shape (nt,)
        ``x`` with every gap filled.
    was_missing : ndarray of bool, shape (nt,)
        True where ``x`` was missing.

    Raises
    ------
    ValueError
        If ``x`` has no valid value at all.

    Examples
    --------
    >>> y, m = fill_gaps(np.array([0.0, np.nan, np.nan, 3.0]), 1800.0)
    >>> y.tolist(), int(m.sum())
    ([0.0, 1.0, 2.0, 3.0], 2)
    """
    x = np.array(x, dtype=np.float64)
    miss = ~np.isfinite(x)
    n = x.size
    if not miss.any():
        return x, miss
    if miss.all():
        raise ValueError("no valid value to fill gaps from")
    # 1. short interior gaps: linear interpolation
    edges = np.diff(np.concatenate(([0], miss.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    max_len = int(np.floor(short_gap_s / dt + 1e-9))
    short = (ends - starts <= max_len) & (starts > 0) & (ends < n)
    lengths = ends - starts
    run_mask = np.repeat(short, lengths)
    gap_idx = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
    lin = gap_idx[run_mask]
    valid = np.flatnonzero(~miss)
    x[lin] = np.interp(lin.astype(np.float64), valid.astype(np.float64), x[valid])
    rest = np.isnan(x)
    if not rest.any():
        return x, miss
    # 2. mean diurnal cycle of the observations in a +-window_days window
    spd = int(round(86400.0 / dt))
    if spd * dt != 86400.0:
        raise ValueError(f"time step {dt} s does not divide a day")
    first_slot = int(first_slot) % spd
    ndays = -(-(first_slot + n) // spd)
    obs = np.full(ndays * spd, np.nan)
    obs[first_slot : first_slot + n] = np.where(miss, np.nan, x)
    obs = obs.reshape(ndays, spd)
    ok = np.isfinite(obs)
    csum = np.concatenate((np.zeros((1, spd)), np.cumsum(np.where(ok, obs, 0.0), axis=0)))
    ccnt = np.concatenate((np.zeros((1, spd)), np.cumsum(ok, axis=0)))
    pos = np.flatnonzero(rest) + first_slot
    day, slot = pos // spd, pos % spd
    fill = np.full(pos.size, np.nan)
    w = max(int(window_days), 0)
    while True:
        todo = np.isnan(fill)
        lo = np.clip(day[todo] - w, 0, ndays)
        hi = np.clip(day[todo] + w + 1, 0, ndays)
        cnt = ccnt[hi, slot[todo]] - ccnt[lo, slot[todo]]
        tot = csum[hi, slot[todo]] - csum[lo, slot[todo]]
        with np.errstate(invalid="ignore", divide="ignore"):
            fill[todo] = np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)
        if not np.isnan(fill).any() or w >= ndays:
            break
        w = max(2 * w, 1)
    fill[np.isnan(fill)] = np.nanmean(obs)  # a time of day never observed: the overall mean
    x[rest] = fill
    return x, miss


# --------------------------------------------------------------------------------------------
# File formats
# --------------------------------------------------------------------------------------------

#: Candidate columns of each quantity, in order of preference, per format.
_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "FLUXNET2015": {
        "temp": ("TA_F", "TA_F_MDS", "TA"),
        "vpd": ("VPD_F", "VPD_F_MDS", "VPD"),
        "rh": ("RH",),
        "pres": ("PA_F", "PA"),
        "wind": ("WS_F", "WS"),
        "srad": ("SW_IN_F", "SW_IN_F_MDS", "SW_IN"),
        "lrad": ("LW_IN_F", "LW_IN_F_MDS", "LW_IN"),
        "prec": ("P_F", "P"),
        "co2": ("CO2_F_MDS", "CO2"),
        "nee": ("NEE_VUT_REF", "NEE_CUT_REF"),
        "gpp": ("GPP_NT_VUT_REF", "GPP_NT_CUT_REF"),
        "reco": ("RECO_NT_VUT_REF", "RECO_NT_CUT_REF"),
        "le": ("LE_F_MDS", "LE"),
        "h": ("H_F_MDS", "H"),
    },
    "europe-fluxdata": {
        "temp": ("TA_1_1_1",),
        "vpd": ("VPD_PI_1_1_1",),
        "rh": ("RH_1_1_1",),
        "pres": ("PA_1_1_1",),
        "wind": ("WS_1_1_1",),
        "srad": ("SW_IN_1_1_1", "SW_IN_1_1_2"),
        "lrad": ("LW_IN_1_1_1",),
        "prec": ("P_1_1_1",),
        "co2": ("CO2_1_1_1",),
        "nee": ("NEE_PI_1_1_1", "FC_1_1_1"),
        "gpp": (),
        "reco": (),
        "le": ("LE_PI_1_1_1", "LE_1_1_1"),
        "h": ("H_PI_1_1_1", "H_1_1_1"),
    },
}
#: Quality-flag column of each flux column (FLUXNET2015), see MAX_FLUX_QC.
_QC = {
    "NEE_VUT_REF": "NEE_VUT_REF_QC",
    "NEE_CUT_REF": "NEE_CUT_REF_QC",
    "GPP_NT_VUT_REF": "NEE_VUT_REF_QC",
    "GPP_NT_CUT_REF": "NEE_CUT_REF_QC",
    "RECO_NT_VUT_REF": "NEE_VUT_REF_QC",
    "RECO_NT_CUT_REF": "NEE_CUT_REF_QC",
    "LE_F_MDS": "LE_F_MDS_QC",
    "H_F_MDS": "H_F_MDS_QC",
}
#: Order in which the humidity columns are tried.
_HUMIDITY = {"FLUXNET2015": ("vpd", "rh"), "europe-fluxdata": ("rh", "vpd")}
_DESCRIPTION = {
    "temp": "air temperature [degC]",
    "humidity": "vapour pressure deficit [hPa] or relative humidity [%]",
    "pres": "air pressure [kPa]",
    "wind": "wind speed [m s-1]",
    "srad": "incoming shortwave radiation [W m-2]",
    "prec": "precipitation [mm per step]",
}
_FIX = {
    "FLUXNET2015": "use the FLUXNET2015 FULLSET or SUBSET HH/HR file of the site, which has {col} ({desc})",
    "europe-fluxdata": "add the column {col} ({desc}) to the file, e.g. from the site's meteo station",
}


_TIME_FIX = (
    "give the half-hourly (HH) or hourly (HR) FLUXNET2015/ONEFlux CSV of the site (columns TIMESTAMP_START"
    " and/or TIMESTAMP_END, YYYYMMDDHHMM) or a europe-fluxdata file (TIMESTAMP_END)"
)


def _header(path: Path) -> tuple[int, str, list[str]]:
    """Return the header line number, the separator and the column names."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            lines = [fh.readline() for _ in range(10)]
    except OSError as exc:
        raise InputError(
            path, f"cannot be read ({exc.strerror or exc})", "check the path of the site file"
        ) from None
    for i, line in enumerate(lines):
        if "TIMESTAMP" in line.upper():
            sep = next((s for s in (",", ";", "\t") if s in line), r"\s+")
            names = [c.strip().strip('"').strip("'") for c in re.split(sep, line.strip())]
            return i, sep, names
    first = lines[0].strip()[:60] if lines and lines[0].strip() else "empty file"
    raise InputError(
        path,
        f"missing and TIMESTAMP_START not found in the first 10 lines (first line: '{first}')",
        _TIME_FIX,
        variable="TIMESTAMP_END",
    )


def _detect(path: Path, names: list[str]) -> str:
    """Tell the format from the column names; refuse a file without a usable time column."""
    upper = {c.upper() for c in names}
    if "TIMESTAMP_START" not in upper and "TIMESTAMP_END" not in upper:
        stamps = sorted(c for c in names if "TIMESTAMP" in c.upper())
        raise InputError(
            path,
            f"missing and TIMESTAMP_END missing (the file has {', '.join(stamps)}: a FLUXNET2015 DD/WW/MM/YY"
            " aggregate or another table, not half-hourly or hourly records)",
            _TIME_FIX,
            variable="TIMESTAMP_START",
        )
    if any(re.search(r"_\d+_\d+_\d+$", c) for c in names):
        return "europe-fluxdata"
    return "FLUXNET2015"


def _site_id(path: Path) -> str:
    m = re.search(r"([A-Z]{2}-[A-Za-z0-9]{3})", path.name)
    return m.group(1) if m else path.stem


def _parse_stamps(path: Path, values: pd.Series, column: str) -> NDArray[np.datetime64]:
    text = values.astype(str).str.strip().str[:12]
    t = pd.to_datetime(text, format="%Y%m%d%H%M", errors="coerce")
    bad = t.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            path,
            f"time stamp '{values.iloc[i]}' (data row {i + 1}) is not YYYYMMDDHHMM",
            "give the file's original time column (-9999 or empty stamps are not allowed)",
            variable=column,
        )
    return t.to_numpy().astype("datetime64[s]")


def _step(path: Path, stamps: NDArray[np.datetime64], column: str) -> float:
    """Return the step [s] of a stamp column: the most common difference of consecutive stamps."""
    if stamps.size < 2:
        raise InputError(path, "fewer than two records", "give at least a day of data", variable=column)
    diffs = np.diff(stamps).astype(np.int64)
    vals, counts = np.unique(diffs[diffs > 0], return_counts=True)
    if vals.size == 0:
        raise InputError(
            path, "time stamps do not increase", "give the file sorted in time", variable=column
        )
    dt = float(vals[np.argmax(counts)])
    if dt not in _ALLOWED_DT:
        raise InputError(
            path,
            f"time step {dt:g} s (the most common difference of consecutive stamps) is neither 1800 nor 3600",
            "give a half-hourly (HH) or hourly (HR) file",
            variable=column,
        )
    return dt


def _time_axis(
    path: Path, df: pd.DataFrame, names: dict[str, str]
) -> tuple[NDArray[np.datetime64], float, str, str]:
    """Return the interval centres and the step [s] of the rows, the stamp column used and a note.

    The rows may still have holes; the note is "" or says how a missing stamp column was derived.
    """
    start_col, end_col = names.get("TIMESTAMP_START"), names.get("TIMESTAMP_END")
    if start_col is not None and end_col is not None:
        start = _parse_stamps(path, df[start_col], "TIMESTAMP_START")
        end = _parse_stamps(path, df[end_col], "TIMESTAMP_END")
        steps = (end - start).astype(np.float64)
        dt = float(np.median(steps)) if steps.size else 0.0
        if steps.size < 2:
            raise InputError(
                path, "fewer than two records", "give at least a day of data", variable="TIMESTAMP_END"
            )
        if dt not in _ALLOWED_DT:
            raise InputError(
                path,
                f"time step TIMESTAMP_END - TIMESTAMP_START = {dt:g} s is neither 1800 nor 3600",
                "give a half-hourly (HH) or hourly (HR) file",
                variable="TIMESTAMP_END",
            )
        if np.any(steps != dt):
            i = int(np.flatnonzero(steps != dt)[0])
            raise InputError(
                path,
                f"TIMESTAMP_END - TIMESTAMP_START is not constant ({steps[i]:g} s instead of {dt:g} s at "
                f"data row {i + 1})",
                "give the original file",
                variable="TIMESTAMP_END",
            )
        return start + np.timedelta64(int(dt // 2), "s"), dt, "TIMESTAMP_START", ""
    if start_col is not None:
        start = _parse_stamps(path, df[start_col], "TIMESTAMP_START")
        dt = _step(path, start, "TIMESTAMP_START")
        note = f"TIMESTAMP_END missing: derived as TIMESTAMP_START + {dt:g} s (the step of the stamps)"
        return start + np.timedelta64(int(dt // 2), "s"), dt, "TIMESTAMP_START", note
    end = _parse_stamps(path, df[end_col], "TIMESTAMP_END")
    dt = _step(path, end, "TIMESTAMP_END")
    return end - np.timedelta64(int(dt // 2), "s"), dt, "TIMESTAMP_END", ""


def _regular(
    path: Path, centre: NDArray[np.datetime64], dt: float, column: str
) -> tuple[NDArray[np.datetime64], NDArray[np.intp]]:
    """Return the regular axis from the first to the last centre, and the position of each row on it."""
    step = np.timedelta64(int(dt), "s")
    off = (centre - centre[0]).astype(np.int64)
    bad = np.flatnonzero((off[1:] % int(dt) != 0) | (np.diff(off) <= 0))
    if off[0] != 0 or bad.size:
        i = int(bad[0]) + 1
        what = "repeats or goes back" if off[i] <= off[i - 1] else f"is off the {dt:g}-s grid"
        raise InputError(
            path,
            f"time stamps are not strictly increasing on a regular grid (data row {i + 1} {what})",
            "give the file sorted in time without duplicated records",
            variable=column,
        )
    pos = off // int(dt)
    axis = centre[0] + step * np.arange(pos[-1] + 1)
    return axis, pos


def _column(df: pd.DataFrame, candidates: tuple[str, ...]) -> str | None:
    """Return the first candidate column holding at least one valid value."""
    for c in candidates:
        if c in df.columns and np.isfinite(df[c].to_numpy()).any():
            return c
    return None


def read_site_forcing(
    path: str | PathLike, lat: float | None = None, lon: float | None = None, utc_offset: float | None = None
) -> SiteData:
    """Read a FLUXNET2015/ONEFlux or europe-fluxdata file into gap-filled site forcing in model units.

    Parameters
    ----------
    path : str or PathLike
        ``FLX_<SITE>_FLUXNET2015_<FULLSET|SUBSET>_<HH|HR>_*.csv`` or a europe-fluxdata file
        (``<SITE>_europe-fluxdata_<year>.txt``); the format is detected from the header.
    lat, lon : float, optional
        Site position [degrees_north, degrees_east]; needed only to estimate incoming longwave
        when the file has none (cloud fraction from the clear-sky shortwave).
    utc_offset : float, optional
        UTC offset of the file's local standard time [h]. Default: inferred from the timing of the
        measured shortwave (:func:`infer_utc_offset`), with a warning when it differs from the
        longitude's zone ``round(lon / 15)``; stored in ``gapfill["utc_offset"]``.

    Returns
    -------
    SiteData
        Forcing on a regular time axis (interval centres, file time): temp [K], shum [kg kg-1],
        pres [Pa], wind [m s-1], srad and lrad [W m-2], prec [kg m-2 s-1], co2 [ppm]; flux
        observations [µmol CO2 m-2 s-1, NEE positive = source; LE, H W m-2] not filled;
        ``gapfill`` with the filled fraction of each forcing variable and ``warnings`` (see the
        module docstring for the methods).

    Raises
    ------
    InputError
        One line naming the file, the column at fault and the fix: unreadable file, no
        ``TIMESTAMP_START``/``TIMESTAMP_END``, bad time stamps or step, a required meteorological
        column (TA, VPD/RH, PA, SW_IN, P) missing or entirely -9999, or LW_IN missing without a
        site position.

    Examples
    --------
    >>> site = read_site_forcing("FLX_CN-Dan_FLUXNET2015_FULLSET_HH_2004-2005_1-4.csv")  # doctest: +SKIP
    >>> site.dt, site.temp.mean() - 273.15  # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found", "check the path of the site file")
    skip, sep, names = _header(path)
    fmt = _detect(path, names)
    spec = _COLUMNS[fmt]
    time_cols = {c.upper(): c for c in names if c.upper() in ("TIMESTAMP_START", "TIMESTAMP_END")}
    wanted = {c for cands in spec.values() for c in cands if c in names}
    qc_cols = {_QC[c] for c in wanted if c in _QC and _QC[c] in names} if fmt == "FLUXNET2015" else set()
    try:
        df = pd.read_csv(
            path,
            sep=sep,
            skiprows=skip,
            header=0,
            usecols=sorted(wanted | qc_cols | set(time_cols.values())),
            dtype={c: str for c in time_cols.values()},
            engine="c" if len(sep) == 1 else "python",
        )
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise InputError(
            path, f"cannot be parsed as a table ({' '.join(str(exc).split())})", "give the original site file"
        ) from None
    for c in wanted | qc_cols:
        v = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=np.float64)
        df[c] = np.where(np.abs(v - MISSING) < 0.5, np.nan, v)

    warnings: list[str] = []
    centre, dt, stamp_col, note = _time_axis(path, df, time_cols)
    if note:
        warnings.append(note)
    time, pos = _regular(path, centre, dt, stamp_col)
    nt = time.size
    spd = int(round(86400.0 / dt))
    first_slot = int((time[0] - time[0].astype("datetime64[D]")).astype(np.int64) // int(dt)) % spd

    def series(col: str) -> NDArray[np.float64]:
        out = np.full(nt, np.nan)
        out[pos] = df[col].to_numpy(dtype=np.float64)
        return out

    def missing(key: str) -> InputError:
        first = spec[key][0]
        return InputError(
            path,
            "required column is missing or entirely -9999",
            _FIX[fmt].format(col=first, desc=_DESCRIPTION[key]),
            variable=first,
        )

    def required(key: str) -> tuple[str, NDArray[np.float64], NDArray[np.bool_]]:
        col = _column(df, spec[key])
        if col is None:
            raise missing(key)
        filled, miss = fill_gaps(series(col), dt, first_slot)
        return col, filled, miss

    columns: dict[str, str] = {"time": stamp_col}
    gapfill: dict = {}
    cols_t, ta, miss_t = required("temp")
    cols_p, pa, miss_p = required("pres")
    cols_sw, sw, miss_sw = required("srad")
    _, pr, miss_pr = required("prec")
    columns.update(temp=cols_t, pres=cols_p, srad=cols_sw)

    hum = next(((k, c) for k in _HUMIDITY[fmt] if (c := _column(df, spec[k])) is not None), None)
    if hum is None:
        first = spec[_HUMIDITY[fmt][0]][0]
        second = spec[_HUMIDITY[fmt][1]][0]
        raise InputError(
            path,
            "required column is missing or entirely -9999",
            _FIX[fmt].format(col=f"{first} or {second}", desc=_DESCRIPTION["humidity"]),
            variable=first,
        )
    hkind, hcol = hum
    hval, miss_h = fill_gaps(series(hcol), dt, first_slot)
    columns["shum"] = hcol

    wind_col = _column(df, spec["wind"])
    if wind_col is not None:
        ws, miss_w = fill_gaps(series(wind_col), dt, first_slot)
        columns["wind"] = wind_col
        gapfill["wind"] = float(miss_w.mean())
    else:
        ws = np.full(nt, DEFAULT_WIND)
        gapfill["wind"] = 1.0
        gapfill["wind_method"] = (
            f"estimated: constant {DEFAULT_WIND:g} m s-1 (FAO-56 default, no {spec['wind'][0]})"
        )
        warnings.append(
            f"{spec['wind'][0]} missing: wind speed set to {DEFAULT_WIND:g} m s-1 "
            "(FAO-56 default for missing wind)"
        )

    es = esat_magnus(ta)
    if hkind == "vpd":
        e = np.clip(es - np.maximum(hval, 0.0), 0.0, es)
    else:
        e = np.clip(hval, 0.0, 100.0) / 100.0 * es
    p_hpa = pa * _HPA_PER_KPA
    temp = ta + CONST.tfrz
    shum = specific_humidity(e, p_hpa)
    srad = np.maximum(sw, 0.0)
    if lon is not None:
        zone = float(round(lon / 15.0))
        if utc_offset is None:
            utc_offset = infer_utc_offset(time, srad, lon)
            if utc_offset is None:
                utc_offset = zone
                warnings.append(f"{cols_sw} has no diurnal cycle: time stamps taken as UTC{zone:+g} h "
                                "(the longitude's zone)")
            elif utc_offset != zone:
                warnings.append(
                    f"time stamps are UTC{utc_offset:+g} h by the timing of {cols_sw} (solar noon), not "
                    f"UTC{zone:+g} h of the longitude's zone: UTC{utc_offset:+g} used for the solar geometry"
                )
        gapfill["utc_offset"] = float(utc_offset)

    lw_col = _column(df, spec["lrad"])
    if lw_col is not None:
        lrad, miss_lw = fill_gaps(series(lw_col), dt, first_slot)
        columns["lrad"] = lw_col
        gapfill["lrad"] = float(miss_lw.mean())
    else:
        first = spec["lrad"][0]
        if lat is None or lon is None:
            raise InputError(
                path,
                "missing or entirely -9999, and no site position to estimate it from the shortwave",
                "give the site latitude and longitude (read_site_forcing(path, lat, lon); site mode does)",
                variable=first,
            )
        elev = elevation_from_pressure(float(np.mean(pa)) * _PA_PER_KPA)
        try:
            cloud = cloud_fraction(time, srad, lat, lon, elev, utc_offset)
        except ValueError as err:
            raise InputError(
                path, f"missing and cannot be estimated ({err})", f"add {first} to the file", variable=first
            ) from None
        month = time.astype("datetime64[M]").astype(np.int64) % 12 + 1
        lrad = longwave_crawford_duchon(temp, e, month, cloud)
        gapfill["lrad"] = 1.0
        gapfill["lrad_method"] = (
            f"estimated: Crawford & Duchon (1999) cloud-corrected emissivity (mean cloud fraction "
            f"{cloud.mean():.2f} from SW_IN / clear-sky SW; no {first})"
        )
        warnings.append(
            f"{first} missing: incoming longwave estimated by Crawford & Duchon (1999), mean "
            f"{lrad.mean():.0f} W m-2, mean cloud fraction {cloud.mean():.2f}"
        )

    co2 = None
    co2_col = _column(df, spec["co2"])
    if co2_col is not None:
        co2, miss_c = fill_gaps(series(co2_col), dt, first_slot)
        columns["co2"] = co2_col
        gapfill["co2"] = float(miss_c.mean())

    obs = {}
    for key in ("nee", "gpp", "reco", "le", "h"):
        col = _column(df, spec[key])
        obs[key] = None
        if col is None:
            continue
        v = series(col)
        qc = _QC.get(col)
        if qc in df.columns:
            flag = series(qc)
            v = np.where(np.isfinite(flag) & (flag > MAX_FLUX_QC), np.nan, v)
            columns[f"{key}_qc"] = qc
        obs[key] = v
        columns[f"{key}_obs"] = col

    gapfill.update(
        temp=float(miss_t.mean()),
        shum=float((miss_t | miss_h | miss_p).mean()),
        pres=float(miss_p.mean()),
        srad=float(miss_sw.mean()),
        prec=float(miss_pr.mean()),
    )
    gapfill["columns"] = columns
    return SiteData(
        time=time,
        dt=dt,
        temp=temp,
        shum=shum,
        pres=pa * _PA_PER_KPA,
        wind=np.maximum(ws, 0.0),
        srad=srad,
        lrad=lrad,
        prec=np.maximum(pr, 0.0) / dt,
        co2=co2,
        nee_obs=obs["nee"],
        gpp_obs=obs["gpp"],
        reco_obs=obs["reco"],
        site_id=_site_id(path),
        source=fmt,
        gapfill=gapfill,
        le_obs=obs["le"],
        h_obs=obs["h"],
        warnings=tuple(warnings),
    )
