r"""Reader of eddy-covariance site forcing: FLUXNET2015 CSV and europe-fluxdata files.

Formats
-------
* **FLUXNET2015** FULLSET/SUBSET ``HH`` (half-hourly) or ``HR`` (hourly) CSV,
  ``FLX_<SITE>_FLUXNET2015_<FULLSET|SUBSET>_<HH|HR>_<y0>-<y1>_<ver>.csv``: ``TIMESTAMP_START``,
  ``TIMESTAMP_END`` (``YYYYMMDDHHMM``), ``TA_F`` [°C], ``VPD_F`` [hPa], ``PA_F`` [kPa], ``WS_F``
  [m s-1], ``SW_IN_F``, ``LW_IN_F`` [W m-2], ``P_F`` [mm per step], ``CO2_F_MDS`` [µmol mol-1],
  ``NEE_VUT_REF``, ``GPP_NT_VUT_REF``, ``RECO_NT_VUT_REF`` [µmol CO2 m-2 s-1].
* **europe-fluxdata** (the raw ICOS/European Fluxes Database submission format, e.g.
  ``FR-Hes_europe-fluxdata_2016.txt``): comma separated, one header line, ``TIMESTAMP_END`` only,
  variables with position qualifiers ``_H_V_R`` (``_1_1_1`` = the top sensor): ``TA_1_1_1`` [°C],
  ``RH_1_1_1`` [%], ``PA_1_1_1`` [kPa], ``WS_1_1_1``, ``SW_IN_1_1_1``, ``LW_IN_1_1_1``, ``P_1_1_1``
  [mm per step], ``CO2_1_1_1`` [µmol mol-1], ``NEE_PI_1_1_1`` / ``FC_1_1_1`` [µmol m-2 s-1].

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
If ``LW_IN`` is missing entirely, incoming longwave is **estimated** with the clear-sky
emissivity of Brutsaert (1975), :math:`\epsilon_a = 1.24\, (e / T_a)^{1/7}` (e in hPa, T in K),
:math:`L_\downarrow = \epsilon_a \sigma T_a^4`; this ignores clouds and underestimates
:math:`L_\downarrow` under overcast skies (``gapfill["lrad_method"]`` says so).

The flux observations (NEE, GPP, Reco) are returned as in the file, not filled: µmol CO2 m-2 s-1,
NEE positive for a source (FLUXNET sign). Multiply by
:data:`tpcarbon.constants.UMOL_C_TO_G_C` × ``dt`` to get g C m-2 per step.

References
----------
Alduchov, O. A. and Eskridge, R. E. (1996), J. Appl. Meteor. 35, 601-609.
Brutsaert, W. (1975), Water Resour. Res. 11, 742-744.
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

__all__ = ["SiteData", "esat_magnus", "fill_gaps", "read_site_forcing", "specific_humidity"]

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
    site_id : str
        Site code, e.g. ``"FR-Hes"``.
    source : str
        ``"FLUXNET2015"`` or ``"europe-fluxdata"``.
    gapfill : dict
        Fraction (0-1) of records filled per forcing variable; ``"lrad_method"`` (a string) is
        present when incoming longwave was estimated (Brutsaert 1975), and ``"columns"`` maps
        each variable to the file column it came from.
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


def _brutsaert_lw(tk: NDArray[np.float64], e_hpa: NDArray[np.float64]) -> NDArray[np.float64]:
    """Clear-sky incoming longwave [W m-2] from air temperature [K] and vapour pressure [hPa]."""
    emis = BRUTSAERT_COEF * (np.maximum(e_hpa, 0.0) / tk) ** BRUTSAERT_EXP
    return emis * CONST.stefan * tk**4


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
    },
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
    raise InputError(
        path,
        "no header line with TIMESTAMP_START/TIMESTAMP_END in the first 10 lines",
        "give a FLUXNET2015 CSV or a europe-fluxdata file",
        variable="TIMESTAMP_END",
    )


def _detect(path: Path, names: list[str]) -> str:
    if any(re.search(r"_\d+_\d+_\d+$", c) for c in names) and "TIMESTAMP_END" in names:
        return "europe-fluxdata"
    if "TIMESTAMP_START" in names and "TIMESTAMP_END" in names:
        return "FLUXNET2015"
    raise InputError(
        path,
        "unrecognised site file format (neither FLUXNET2015 nor europe-fluxdata columns)",
        "give a FLUXNET2015 FULLSET/SUBSET HH or HR CSV or a europe-fluxdata file",
        variable="TIMESTAMP_START",
    )


def _site_id(path: Path) -> str:
    m = re.search(r"([A-Z]{2}-[A-Za-z0-9]{3})", path.name)
    return m.group(1) if m else path.stem


def _parse_stamps(path: Path, values: pd.Series, column: str) -> NDArray[np.datetime64]:
    try:
        t = pd.to_datetime(values.astype(str).str.strip().str[:12], format="%Y%m%d%H%M")
    except (ValueError, TypeError) as exc:
        raise InputError(
            path,
            f"time stamps are not YYYYMMDDHHMM ({exc})",
            "give the file's original time column",
            variable=column,
        ) from None
    return t.to_numpy().astype("datetime64[s]")


def _time_axis(path: Path, df: pd.DataFrame, fmt: str) -> tuple[NDArray[np.datetime64], float]:
    """Return the interval centres and the step [s] of each row (rows may still have holes)."""
    end = _parse_stamps(path, df["TIMESTAMP_END"], "TIMESTAMP_END")
    if fmt == "FLUXNET2015":
        start = _parse_stamps(path, df["TIMESTAMP_START"], "TIMESTAMP_START")
        steps = (end - start).astype(np.float64)
    else:
        steps = np.diff(end).astype(np.float64)
    if steps.size == 0:
        raise InputError(
            path, "fewer than two records", "give at least a day of data", variable="TIMESTAMP_END"
        )
    dt = float(np.median(steps))
    if dt not in _ALLOWED_DT:
        raise InputError(
            path,
            f"time step {dt:g} s is neither 1800 nor 3600",
            "give a half-hourly or hourly file",
            variable="TIMESTAMP_END",
        )
    if fmt == "FLUXNET2015" and np.any(steps != dt):
        raise InputError(
            path,
            "TIMESTAMP_END - TIMESTAMP_START is not constant",
            "give the original file",
            variable="TIMESTAMP_START",
        )
    centre = end - np.timedelta64(int(dt // 2), "s")
    return centre, dt


def _regular(
    path: Path, centre: NDArray[np.datetime64], dt: float
) -> tuple[NDArray[np.datetime64], NDArray[np.intp]]:
    """Return the regular axis from the first to the last centre, and the position of each row on it."""
    step = np.timedelta64(int(dt), "s")
    off = (centre - centre[0]).astype(np.int64)
    if np.any(off % int(dt) != 0) or np.any(np.diff(off) <= 0):
        raise InputError(
            path,
            "time stamps are not strictly increasing on a regular grid",
            "give the file sorted in time without duplicated records",
            variable="TIMESTAMP_END",
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


def read_site_forcing(path: str | PathLike) -> SiteData:
    """Read a FLUXNET2015 or europe-fluxdata file into gap-filled site forcing in model units.

    Parameters
    ----------
    path : str or PathLike
        ``FLX_<SITE>_FLUXNET2015_<FULLSET|SUBSET>_<HH|HR>_*.csv`` or a europe-fluxdata file
        (``<SITE>_europe-fluxdata_<year>.txt``); the format is detected from the header.

    Returns
    -------
    SiteData
        Forcing on a regular time axis (interval centres, file time): temp [K], shum [kg kg-1],
        pres [Pa], wind [m s-1], srad and lrad [W m-2], prec [kg m-2 s-1], co2 [ppm]; flux
        observations [µmol CO2 m-2 s-1, NEE positive = source] not filled; ``gapfill`` with the
        filled fraction of each forcing variable (see the module docstring for the methods).

    Raises
    ------
    InputError
        Naming the file (and the column): unreadable file, unknown format, bad time stamps or
        step, or a required meteorological column (TA, VPD/RH, PA, WS, SW_IN, P) missing or
        entirely -9999.

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
    wanted = {c for cands in spec.values() for c in cands if c in names}
    time_cols = ["TIMESTAMP_END"] + (["TIMESTAMP_START"] if fmt == "FLUXNET2015" else [])
    try:
        df = pd.read_csv(
            path,
            sep=sep,
            skiprows=skip,
            header=0,
            usecols=sorted(wanted) + time_cols,
            dtype={c: str for c in time_cols},
            engine="c" if len(sep) == 1 else "python",
        )
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise InputError(
            path, f"cannot be parsed as a table ({exc})", "give the original site file"
        ) from None
    for c in wanted:
        v = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=np.float64)
        df[c] = np.where(np.abs(v - MISSING) < 0.5, np.nan, v)

    centre, dt = _time_axis(path, df, fmt)
    time, pos = _regular(path, centre, dt)
    nt = time.size
    spd = int(round(86400.0 / dt))
    first_slot = int((time[0] - time[0].astype("datetime64[D]")).astype(np.int64) // int(dt)) % spd

    def series(col: str) -> NDArray[np.float64]:
        out = np.full(nt, np.nan)
        out[pos] = df[col].to_numpy(dtype=np.float64)
        return out

    def required(key: str) -> tuple[str, NDArray[np.float64], NDArray[np.bool_]]:
        col = _column(df, spec[key])
        if col is None:
            first = spec[key][0]
            raise InputError(
                path,
                "required column is missing or entirely -9999",
                _FIX[fmt].format(col=first, desc=_DESCRIPTION[key]),
                variable=first,
            )
        filled, miss = fill_gaps(series(col), dt, first_slot)
        return col, filled, miss

    columns: dict[str, str] = {}
    gapfill: dict = {}
    cols_t, ta, miss_t = required("temp")
    cols_p, pa, miss_p = required("pres")
    _, ws, miss_w = required("wind")
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

    es = esat_magnus(ta)
    if hkind == "vpd":
        e = np.clip(es - np.maximum(hval, 0.0), 0.0, es)
    else:
        e = np.clip(hval, 0.0, 100.0) / 100.0 * es
    p_hpa = pa * _HPA_PER_KPA
    temp = ta + CONST.tfrz
    shum = specific_humidity(e, p_hpa)

    lw_col = _column(df, spec["lrad"])
    if lw_col is not None:
        lrad, miss_lw = fill_gaps(series(lw_col), dt, first_slot)
        columns["lrad"] = lw_col
        gapfill["lrad"] = float(miss_lw.mean())
    else:
        lrad = _brutsaert_lw(temp, e)
        gapfill["lrad"] = 1.0
        gapfill["lrad_method"] = (
            "estimated: Brutsaert (1975) clear-sky emissivity from TA and humidity (no LW_IN)"
        )

    co2 = None
    co2_col = _column(df, spec["co2"])
    if co2_col is not None:
        co2, miss_c = fill_gaps(series(co2_col), dt, first_slot)
        columns["co2"] = co2_col
        gapfill["co2"] = float(miss_c.mean())

    obs = {}
    for key in ("nee", "gpp", "reco"):
        col = _column(df, spec[key])
        obs[key] = series(col) if col is not None else None
        if col is not None:
            columns[f"{key}_obs"] = col

    gapfill.update(
        temp=float(miss_t.mean()),
        shum=float((miss_t | miss_h | miss_p).mean()),
        pres=float(miss_p.mean()),
        wind=float(miss_w.mean()),
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
        srad=np.maximum(sw, 0.0),
        lrad=lrad,
        prec=np.maximum(pr, 0.0) / dt,
        co2=co2,
        nee_obs=obs["nee"],
        gpp_obs=obs["gpp"],
        reco_obs=obs["reco"],
        site_id=_site_id(path),
        source=fmt,
        gapfill=gapfill,
    )
