r"""Tower benchmark: skill of site-mode output against a flux tower, beside two fixed baselines.

Pure functions on pandas Series indexed by day (daily values) or month, and on the site
forcing arrays; no I/O. :func:`tpcarbon.experiments.site.run_site` assembles them into
``skill.csv``, ``annual.csv`` and ``site.png`` (``docs/validation.md`` documents the choices).

Aggregation (the missing-data rules)
------------------------------------
* **Daily**: the mean of a day's valid tower records; a day with more than
  :data:`MAX_MISSING_DAY` (20 %) of its records missing is dropped (:func:`daily_from_records`).
* **Monthly**: the mean of a calendar month's valid days, **paired** (model and tower on the same
  days); a month with fewer than :data:`MIN_MONTH_FRACTION` (50 %) of its days valid is dropped
  (:func:`monthly_means`). Raw tower files (e.g. FR-Hes) lose many winter days, so the monthly
  rule is looser than the daily one; gap-filled FLUXNET2015 files keep every month.
* **Annual**: :math:`\sum_m \bar x_m\, n_m` over the twelve months of a year (:math:`\bar x_m` the
  paired monthly mean, :math:`n_m` the days in the month) when every month has at least
  :data:`MIN_DAYS_ANNUAL` valid days; the sum over the paired days themselves is also reported.
  Energy fluxes get the day-weighted annual mean instead of a sum.

Metrics (model or baseline :math:`m`, tower :math:`o`, over the paired values)
---------------------------------------------------------------------------------
Pearson :math:`r`; :math:`\mathrm{bias} = \bar m - \bar o`;
:math:`\mathrm{RMSE} = \sqrt{\overline{(m - o)^2}}`; the centred RMSE
:math:`\mathrm{crmse} = \sqrt{\overline{((m - \bar m) - (o - \bar o))^2}}`; the tower's centred RMS
:math:`\sigma_o = \sqrt{\overline{(o - \bar o)^2}}`. ILAMB scores (Collier et al. 2018, JAMES 10,
2731, doi:10.1029/2018MS001354, §2.2-2.4; ILAMB ``ilamblib.Score`` and ``ScoreSeasonalCycle``):

.. math::

   S_{bias} = e^{-|\mathrm{bias}| / \sigma_o}, \qquad S_{rmse} = e^{-\mathrm{crmse} / \sigma_o}, \qquad
   S_{phase} = \tfrac12 \left(1 + \cos\frac{2\pi\,\Delta t}{365}\right), \qquad
   S_{iav} = e^{-|\mathrm{iav}_m - \mathrm{iav}_o| / \mathrm{iav}_o},

with :math:`\Delta t` [days] the shift between the days of the maxima of the mean annual cycles
(of the minima for NEE, the peak uptake), and :math:`\mathrm{iav}` the RMS of the monthly anomalies
from the mean annual cycle (needs two years). The overall score is ILAMB's weighted mean
:math:`(S_{bias} + 2 S_{rmse} + S_{phase} + S_{iav}) / 5` over the scores that exist (ILAMB
``Confrontation.weight``; its spatial-distribution score has no meaning at one site).

Baselines ("fitted to nothing")
-------------------------------
* **LUE**: MOD17 GPP (Running & Zhao 2015, MOD17 User's Guide, C6/C6.1),

  .. math:: \mathrm{GPP} = \varepsilon_{max} f(T_{min}) f(\mathrm{VPD})\, \mathrm{fAPAR}\, 0.45\, S_\downarrow

  daily, with the biome's BPLUT :math:`\varepsilon_{max}` and linear ramps of the daily minimum
  temperature (0 at ``tmin_min``, 1 at ``tmin_max``) and the daytime-mean VPD (1 at ``vpd_min``, 0
  at ``vpd_max``), :data:`MOD17_BPLUT`. fAPAR is *prescribed* (neither the model's LAI nor the
  tower's): :math:`\mathrm{fAPAR} = (1 - e^{-k\,\mathrm{LAI}_{max}})\, g(t)` with a PFT-typical
  :math:`\mathrm{LAI}_{max}` (:data:`PFT_BASELINE`), :math:`k` = 0.5, and :math:`g` = 1 for evergreen
  PFTs or the growing-season index of Jolly et al. (2005) for deciduous PFTs and grasses.
* **LUE + Q10**: :math:`\mathrm{NEE} = R_{ref}\, Q_{10}^{(T_a - T_{ref})/10} - \mathrm{GPP}_{LUE}` with
  :math:`Q_{10}` = 2 (the MOD17 BPLUT value), :math:`T_{ref}` = 15 °C, :math:`T_a` the half-hourly air
  temperature, and :math:`R_{ref}` such that ER = GPP over the run (steady state), not a fit to
  the tower.

References
----------
Collier, N. et al. (2018), J. Adv. Model. Earth Syst. 10, 2731-2754.
Jolly, W. M., Nemani, R. and Running, S. W. (2005), Glob. Change Biol. 11, 619-632.
Running, S. W. and Zhao, M. (2015), MOD17 User's Guide (C6), NASA; BPLUT values as in NTSG's
``mod17`` package (github.com/arthur-e/MOD17, ``mod17/data/MOD17_BPLUT_C5.1_MERRA_NASA.csv``, used there
for the C6.1 forward run).
Körner, C. (2013), in Strasburger's Plant Sciences, Springer, ch. 12 (typical LAI);
Asner, G. P., Scurlock, J. M. O. and Hicke, J. A. (2003), Glob. Ecol. Biogeogr. 12, 191-205.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tpcarbon.constants import CONST

__all__ = [
    "MOD17_BPLUT",
    "PFT_BASELINE",
    "Biome",
    "annual_values",
    "baselines_daily",
    "bias_score",
    "daily_from_records",
    "growing_season_index",
    "iav",
    "iav_score",
    "lue_gpp",
    "mean_annual_cycle",
    "monthly_means",
    "overall_score",
    "phase_score",
    "phase_shift_days",
    "q10_respiration",
    "rmse_score",
    "score_pair",
    "skill_table",
    "xcorr_lag_months",
]

#: Largest fraction of missing tower records for a day to be scored (site mode's rule).
MAX_MISSING_DAY = 0.2
#: Smallest fraction of valid days for a month to be scored.
MIN_MONTH_FRACTION = 0.5
#: Fewest valid days in every month of a year for the year's annual value.
MIN_DAYS_ANNUAL = 3
#: Fewest years for the interannual correlation of annual values.
MIN_YEARS_IAV_R = 3
#: ILAMB weights of the scores in the overall score (ILAMB ``Confrontation.weight``).
ILAMB_WEIGHTS = {"bias_score": 1.0, "rmse_score": 2.0, "phase_score": 1.0, "iav_score": 1.0}
#: Mid-month day of year of a 365-day year (the time axis of a monthly mean annual cycle).
MID_MONTH_DOY = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30]) + np.array(
    [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) / 2.0
DAYS_PER_YEAR = 365.0

#: Units of the scored variables (carbon: daily means of daily sums; energy: means).
UNITS = {"GPP": "g C m-2 d-1", "NEE": "g C m-2 d-1", "ER": "g C m-2 d-1", "LE": "W m-2", "H": "W m-2"}
CARBON = ("GPP", "NEE", "ER")
#: Columns of the skill table, in order.
SKILL_COLUMNS = (
    "variable", "aggregation", "source", "units", "n", "mean_obs", "mean_src", "bias", "rmse", "crmse", "r",
    "sigma_obs", "sigma_src", "bias_score", "rmse_score", "phase_shift_days", "xcorr_lag_months",
    "phase_score",
    "iav_obs", "iav_src", "iav_score", "overall_score", "sum_obs", "sum_src", "annual_obs", "annual_src",
    "annual_units", "n_years", "interannual_r",
)


# --------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------


def daily_from_records(time: NDArray[np.datetime64], values: NDArray[np.float64],
                       max_missing: float = MAX_MISSING_DAY) -> pd.Series:
    """Daily means of sub-daily records; days with more than ``max_missing`` of them missing are NaN.

    Parameters
    ----------
    time : ndarray of datetime64, shape (nt,)
        Record times (interval centres), regular.
    values : ndarray, shape (nt,)
        Records, NaN where missing (any units; the mean keeps them).
    max_missing : float
        Largest missing fraction of a day's records (default 0.2).

    Returns
    -------
    pandas.Series
        Daily means indexed by day (DatetimeIndex), NaN on dropped days.

    Examples
    --------
    >>> t = np.datetime64("2016-01-01T00:15") + np.arange(96) * np.timedelta64(30, "m")
    >>> v = np.ones(96); v[:10] = np.nan  # day 1: 10 of 48 missing (> 20 %)
    >>> daily_from_records(t, v).tolist()
    [nan, 1.0]
    """
    day = pd.to_datetime(np.asarray(time).astype("datetime64[D]"))
    g = pd.Series(np.asarray(values, dtype=np.float64), index=day).groupby(level=0)
    frac_missing = 1.0 - g.count() / g.size()
    return g.mean().where(frac_missing <= max_missing)


def monthly_means(daily: pd.DataFrame, min_fraction: float = MIN_MONTH_FRACTION) -> pd.DataFrame:
    """Monthly means of paired daily values (rows with any NaN are left out first).

    Parameters
    ----------
    daily : pandas.DataFrame
        Daily values (columns e.g. ``obs`` and ``src``) on a DatetimeIndex of days.
    min_fraction : float
        Smallest fraction of a month's calendar days that must be valid (default 0.5).

    Returns
    -------
    pandas.DataFrame
        Monthly means on a month-start DatetimeIndex, with the column ``n_days``; months below
        the threshold are dropped.

    Examples
    --------
    >>> d = pd.DataFrame({"obs": 1.0, "src": 2.0}, index=pd.date_range("2016-01-01", "2016-02-29"))
    >>> d.loc["2016-02-01":"2016-02-20", "obs"] = np.nan   # 9 of 29 February days left
    >>> monthly_means(d)[["obs", "n_days"]].values.tolist()
    [[1.0, 31.0]]
    """
    paired = daily.dropna()
    if paired.empty:
        return pd.DataFrame(columns=[*daily.columns, "n_days"], dtype=np.float64)
    key = paired.index.to_period("M")
    out = paired.groupby(key).mean()
    out["n_days"] = paired.groupby(key).size().astype(np.float64)
    ndays = np.array([p.days_in_month for p in out.index])
    out = out[out["n_days"] >= min_fraction * ndays]
    out.index = out.index.to_timestamp()
    return out


def annual_values(daily: pd.DataFrame, carbon: bool = True, min_days: int = MIN_DAYS_ANNUAL) -> pd.DataFrame:
    r"""Annual sums (carbon) or day-weighted means (energy) per year from paired daily values.

    .. math:: X_y = \sum_{m=1}^{12} \bar x_m\, n_m \quad (\text{carbon}), \qquad
              X_y = \frac{\sum_m \bar x_m n_m}{\sum_m n_m} \quad (\text{energy})

    with :math:`\bar x_m` the mean of the valid paired days of month :math:`m` and :math:`n_m` its
    calendar days; NaN unless every month has at least ``min_days`` valid days.

    Parameters
    ----------
    daily : pandas.DataFrame
        Daily values (e.g. ``obs``, ``src``) on a DatetimeIndex of days.
    carbon : bool
        Sum (g C m-2 d-1 → g C m-2 yr-1) or mean (W m-2).
    min_days : int
        Fewest valid days per month (default 3).

    Returns
    -------
    pandas.DataFrame
        Per year: the annual value of each column, ``n_days`` (paired days), ``sum_<column>``
        (the sums over the paired days only, carbon) and ``complete`` (all months present).

    Examples
    --------
    >>> d = pd.DataFrame({"obs": 2.0, "src": 1.0}, index=pd.date_range("2015-01-01", "2015-12-31"))
    >>> a = annual_values(d)
    >>> float(a.loc[2015, "obs"]), float(a.loc[2015, "src"]), bool(a.loc[2015, "complete"])
    (730.0, 365.0, True)
    """
    paired = daily.dropna()
    cols = list(daily.columns)
    rows = {}
    for year, grp in paired.groupby(paired.index.year):
        key = grp.index.month
        means = grp.groupby(key).mean()
        counts = grp.groupby(key).size()
        complete = len(counts) == 12 and bool((counts >= min_days).all())
        ndays = np.array([pd.Period(f"{year}-{m:02d}").days_in_month for m in means.index], dtype=np.float64)
        row = {"n_days": float(len(grp)), "complete": complete}
        for c in cols:
            if complete:
                tot = float((means[c].to_numpy() * ndays).sum())
                row[c] = tot if carbon else tot / ndays.sum()
            else:
                row[c] = np.nan
            if carbon:
                row[f"sum_{c}"] = float(grp[c].sum())
        rows[int(year)] = row
    return pd.DataFrame.from_dict(rows, orient="index")


# --------------------------------------------------------------------------------------------
# Metrics and ILAMB scores
# --------------------------------------------------------------------------------------------


def bias_score(bias: float, sigma_obs: float) -> float:
    r"""ILAMB bias score, :math:`S_{bias} = \exp(-|\mathrm{bias}|/\sigma_o)`.

    Collier et al. (2018), eqs. 4-6 (``ilamblib.Score(bias, crms)``); NaN if :math:`\sigma_o \le 0`.

    Examples
    --------
    >>> round(bias_score(1.0, 2.0), 4)
    0.6065
    """
    return float(np.exp(-abs(bias) / sigma_obs)) if sigma_obs > 0 else np.nan


def rmse_score(crmse: float, sigma_obs: float) -> float:
    r"""ILAMB RMSE score, :math:`S_{rmse} = \exp(-\mathrm{crmse}/\sigma_o)` (centred RMSE).

    Collier et al. (2018), eqs. 7-10 (``ilamblib.Score(crmse, crms)``).

    Examples
    --------
    >>> round(rmse_score(0.5, 1.0), 4)
    0.6065
    """
    return float(np.exp(-crmse / sigma_obs)) if sigma_obs > 0 else np.nan


def phase_score(shift_days: float) -> float:
    r"""ILAMB seasonal-cycle score, :math:`S_{phase} = \frac12 (1 + \cos(2\pi\Delta t / 365))`.

    Collier et al. (2018), eq. 12 (``ilamblib.ScoreSeasonalCycle``).

    Examples
    --------
    >>> phase_score(0.0), phase_score(182.5), round(phase_score(30.0), 4)
    (1.0, 0.0, 0.9348)
    """
    if not np.isfinite(shift_days):
        return np.nan
    return float(0.5 * (1.0 + math.cos(2.0 * math.pi * abs(shift_days) / DAYS_PER_YEAR)))


def iav_score(iav_src: float, iav_obs: float) -> float:
    r"""ILAMB interannual-variability score, :math:`\exp(-|iav_m - iav_o| / iav_o)`.

    Collier et al. (2018), eqs. 13-15.

    Examples
    --------
    >>> round(iav_score(3.0, 2.0), 4)
    0.6065
    """
    if not (np.isfinite(iav_src) and np.isfinite(iav_obs)) or iav_obs <= 0:
        return np.nan
    return float(np.exp(-abs(iav_src - iav_obs) / iav_obs))


def overall_score(scores: Mapping[str, float], weights: Mapping[str, float] = ILAMB_WEIGHTS) -> float:
    """ILAMB overall score: the weighted mean of the finite scores (bias 1, RMSE 2, phase 1, IAV 1).

    Examples
    --------
    >>> round(overall_score({"bias_score": 0.5, "rmse_score": 0.8, "phase_score": 1.0,
    ...                      "iav_score": float("nan")}), 4)
    0.775
    """
    num = den = 0.0
    for k, w in weights.items():
        v = scores.get(k, np.nan)
        if np.isfinite(v):
            num += w * v
            den += w
    return num / den if den > 0 else np.nan


def mean_annual_cycle(monthly: pd.Series) -> NDArray[np.float64]:
    """Mean annual cycle: the mean of each calendar month over the years (NaN where never valid).

    Examples
    --------
    >>> s = pd.Series(np.arange(24.0), index=pd.date_range("2015-01-01", periods=24, freq="MS"))
    >>> mean_annual_cycle(s)[:2].tolist()
    [6.0, 7.0]
    """
    s = monthly.dropna()
    cyc = np.full(12, np.nan)
    if s.empty:
        return cyc
    means = s.groupby(s.index.month).mean()
    cyc[means.index.to_numpy() - 1] = means.to_numpy()
    return cyc


def phase_shift_days(cycle_src: NDArray[np.float64], cycle_obs: NDArray[np.float64],
                     extremum: str = "max") -> float:
    """Days from the tower's to the source's annual-cycle extremum, wrapped to (-182.5, 182.5].

    The time of a month is its mid-month day (ILAMB ``timeOfExtrema`` of the annual cycle); months
    that are NaN in either cycle are ignored.

    Examples
    --------
    >>> obs = np.sin(np.arange(12) / 12 * 2 * np.pi)          # maximum in month 4 (April)
    >>> phase_shift_days(np.roll(obs, 1), obs)                 # source one month later
    30.5
    >>> phase_shift_days(np.roll(obs, -4), obs, "min")         # minima four months apart
    -122.5
    """
    ok = np.isfinite(cycle_src) & np.isfinite(cycle_obs)
    if ok.sum() < 2:
        return np.nan
    pick = np.nanargmax if extremum == "max" else np.nanargmin
    ts = MID_MONTH_DOY[pick(np.where(ok, cycle_src, np.nan))]
    to = MID_MONTH_DOY[pick(np.where(ok, cycle_obs, np.nan))]
    d = (ts - to + DAYS_PER_YEAR / 2) % DAYS_PER_YEAR - DAYS_PER_YEAR / 2
    return float(DAYS_PER_YEAR / 2 if d == -DAYS_PER_YEAR / 2 else d)


def xcorr_lag_months(cycle_src: NDArray[np.float64], cycle_obs: NDArray[np.float64]) -> float:
    """Lag [months] of the maximum circular cross-correlation of two mean annual cycles.

    Positive when the source lags the tower; NaN unless all 12 months are valid in both.

    Examples
    --------
    >>> obs = np.sin(np.arange(12) / 12 * 2 * np.pi)
    >>> xcorr_lag_months(np.roll(obs, 2), obs)
    2.0
    """
    if not (np.isfinite(cycle_src).all() and np.isfinite(cycle_obs).all()):
        return np.nan
    a = cycle_src - cycle_src.mean()
    b = cycle_obs - cycle_obs.mean()
    cc = [float(np.dot(np.roll(b, k), a)) for k in range(-5, 7)]
    return float(np.arange(-5, 7)[int(np.argmax(cc))])


def iav(monthly: pd.Series) -> float:
    r"""Interannual variability: RMS of the monthly anomalies from the mean annual cycle.

    .. math:: \mathrm{iav} = \sqrt{\overline{(x_t - c_{month(t)})^2}}

    (Collier et al. 2018, eq. 13); NaN with fewer than two years of months.

    Examples
    --------
    >>> s = pd.Series([1.0, 3.0], index=pd.to_datetime(["2015-07-01", "2016-07-01"]))
    >>> iav(s)
    1.0
    """
    s = monthly.dropna()
    if s.empty or s.index.year.nunique() < 2:
        return np.nan
    clim = s.groupby(s.index.month).transform("mean")
    return float(np.sqrt(((s - clim) ** 2).mean()))


def score_pair(src: pd.Series, obs: pd.Series) -> dict[str, float]:
    """r, bias, RMSE, centred RMSE, sigma and the bias/RMSE scores of one paired series.

    Parameters
    ----------
    src, obs : pandas.Series
        Source (model or baseline) and tower values on the same index; NaN pairs are left out.

    Returns
    -------
    dict
        ``n, mean_obs, mean_src, bias, rmse, crmse, r, sigma_obs, sigma_src, bias_score, rmse_score``.

    Examples
    --------
    >>> d = score_pair(pd.Series([2.0, 3.0, 4.0, 5.0]), pd.Series([1.0, 2.0, 3.0, 4.0]))
    >>> d["bias"], d["crmse"], round(d["bias_score"], 4), d["rmse_score"]
    (1.0, 0.0, 0.4088, 1.0)
    """
    j = pd.concat([src.rename("src"), obs.rename("obs")], axis=1).dropna()
    n = len(j)
    out = dict.fromkeys(("mean_obs", "mean_src", "bias", "rmse", "crmse", "r", "sigma_obs", "sigma_src",
                         "bias_score", "rmse_score"), np.nan)
    out["n"] = float(n)
    if n < 2:
        return out
    m, o = j["src"].to_numpy(), j["obs"].to_numpy()
    am, ao = m - m.mean(), o - o.mean()
    sm, so = float(np.sqrt(np.mean(am**2))), float(np.sqrt(np.mean(ao**2)))
    out.update(mean_obs=float(o.mean()), mean_src=float(m.mean()), bias=float(m.mean() - o.mean()),
               rmse=float(np.sqrt(np.mean((m - o) ** 2))), crmse=float(np.sqrt(np.mean((am - ao) ** 2))),
               sigma_obs=so, sigma_src=sm)
    out["r"] = float(np.dot(am, ao) / (n * sm * so)) if sm > 0 and so > 0 else np.nan
    out["bias_score"] = bias_score(out["bias"], so)
    out["rmse_score"] = rmse_score(out["crmse"], so)
    return out


def skill_table(sources: Mapping[str, Mapping[str, pd.Series]], obs: Mapping[str, pd.Series]
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every source against the tower: one row per variable × aggregation × source.

    Parameters
    ----------
    sources : mapping
        ``{source: {variable: daily Series}}``, e.g. ``{"model": {...}, "LUE": {"GPP": ...},
        "LUE+Q10": {"NEE": ..., "ER": ...}}``; variables among ``GPP, NEE, ER, LE, H`` (units
        :data:`UNITS`).
    obs : mapping
        ``{variable: daily tower Series}`` (NaN on dropped days).

    Returns
    -------
    skill : pandas.DataFrame
        Columns ``variable, aggregation (daily|monthly), source, units, n`` and the metrics of
        :func:`score_pair`, ``phase_shift_days, xcorr_lag_months, phase_score, iav_obs, iav_src,
        iav_score, overall_score``, ``sum_obs, sum_src`` (paired days, g C m-2), ``annual_obs,
        annual_src, annual_units, n_years, interannual_r``. The seasonal, interannual and annual
        columns come from the monthly series and are the same in the daily and monthly rows.
    annual : pandas.DataFrame
        Per variable, source and year: ``obs, src`` (annual values), ``sum_obs, sum_src``,
        ``n_days, complete``.
    """
    rows, annual_rows = [], []
    for var, o in obs.items():
        if o is None or not np.isfinite(o).any():
            continue
        for name, series in sources.items():
            s = series.get(var)
            if s is None:
                continue
            daily = pd.concat([o.rename("obs"), s.rename("src")], axis=1)
            daily = daily[daily["obs"].notna()]
            monthly = monthly_means(daily)
            ann = annual_values(daily, carbon=var in CARBON)
            cyc_o = mean_annual_cycle(monthly["obs"]) if len(monthly) else np.full(12, np.nan)
            cyc_s = mean_annual_cycle(monthly["src"]) if len(monthly) else np.full(12, np.nan)
            shift = phase_shift_days(cyc_s, cyc_o, "min" if var == "NEE" else "max")
            iav_o = iav(monthly["obs"]) if len(monthly) else np.nan
            iav_s = iav(monthly["src"]) if len(monthly) else np.nan
            full = ann[ann["complete"]] if len(ann) else ann
            common = {
                "phase_shift_days": shift, "xcorr_lag_months": xcorr_lag_months(cyc_s, cyc_o),
                "phase_score": phase_score(shift), "iav_obs": iav_o, "iav_src": iav_s,
                "iav_score": iav_score(iav_s, iav_o),
                "sum_obs": float(daily.dropna()["obs"].sum()) if var in CARBON else np.nan,
                "sum_src": float(daily.dropna()["src"].sum()) if var in CARBON else np.nan,
                "annual_obs": float(full["obs"].mean()) if len(full) else np.nan,
                "annual_src": float(full["src"].mean()) if len(full) else np.nan,
                "annual_units": "g C m-2 yr-1" if var in CARBON else "W m-2",
                "n_years": float(len(full)),
                "interannual_r": (float(np.corrcoef(full["obs"], full["src"])[0, 1])
                                  if len(full) >= MIN_YEARS_IAV_R else np.nan),
            }
            for agg, frame in (("daily", daily), ("monthly", monthly)):
                if len(frame) == 0:
                    continue
                sc = score_pair(frame["src"], frame["obs"])
                row = {"variable": var, "aggregation": agg, "source": name, "units": UNITS[var],
                       **sc, **common}
                row["overall_score"] = overall_score(row)
                rows.append(row)
            for year, a in ann.iterrows():
                annual_rows.append({"variable": var, "source": name, "year": int(year), "obs": a["obs"],
                                    "src": a["src"], "sum_obs": a.get("sum_obs", np.nan),
                                    "sum_src": a.get("sum_src", np.nan), "n_days": a["n_days"],
                                    "complete": bool(a["complete"])})
    table = pd.DataFrame(rows)
    if len(table):
        table = table[[c for c in SKILL_COLUMNS if c in table.columns]]
    return table, pd.DataFrame(annual_rows)


# --------------------------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Biome:
    r"""MOD17 BPLUT entry of one biome (Running & Zhao 2015; C6/C6.1 values).

    Attributes
    ----------
    name : str
        UMD land-cover class (ENF, EBF, DNF, DBF, MF, CShrub, OShrub, WSavannas, Savannas, Grass, Crop).
    lue_max_gc_mj : float
        Maximum light-use efficiency :math:`\\varepsilon_{max}` [g C MJ-1 APAR].
    tmin_min_c, tmin_max_c : float
        Daily minimum temperature at which the TMIN scalar is 0 and 1 [°C].
    vpd_min_pa, vpd_max_pa : float
        Daytime VPD at which the VPD scalar is 1 and 0 [Pa].
    """

    name: str
    lue_max_gc_mj: float
    tmin_min_c: float
    tmin_max_c: float
    vpd_min_pa: float
    vpd_max_pa: float


#: MOD17 BPLUT (C6/C6.1; LUEmax converted from kg C to g C MJ-1).
MOD17_BPLUT: dict[str, Biome] = {
    b.name: b
    for b in (
        Biome("ENF", 1.211, -8.0, 8.31, 650.0, 3000.0),
        Biome("EBF", 1.405, -8.0, 9.09, 1000.0, 4000.0),
        Biome("DNF", 1.227, -8.0, 10.44, 650.0, 3500.0),
        Biome("DBF", 1.526, -6.0, 9.94, 650.0, 2900.0),
        Biome("MF", 1.226, -7.0, 9.50, 650.0, 2900.0),
        Biome("CShrub", 1.495, -8.0, 8.61, 650.0, 4300.0),
        Biome("OShrub", 1.027, -8.0, 8.80, 650.0, 4400.0),
        Biome("WSavannas", 1.498, -8.0, 11.39, 650.0, 3500.0),
        Biome("Savannas", 1.454, -8.0, 11.39, 650.0, 3600.0),
        Biome("Grass", 1.215, -8.0, 12.02, 650.0, 4200.0),
        Biome("Crop", 1.300, -8.0, 12.02, 650.0, 4500.0),
    )
}

#: Per CLM PFT: (MOD17 biome, PFT-typical maximum LAI [m2 m-2], deciduous/seasonal canopy).
#: LAI_max: 5.5 temperate deciduous forest (Körner 2013, "about 5.5 for temperate mixed deciduous
#: forests"); 5.1 temperate evergreen forest (the lower end of Asner et al. 2003's 5.1-6.7);
#: 3.5 boreal needleleaf forest (Körner 2013, "3-4 for Pinus forests"); 2.0 grasses and shrubs
#: (Körner 2013, "alpine grassland often operates at LAI < 2"; Asner et al. 2003: grasslands and
#: shrublands among the lowest biomes). A documented choice, not a fit.
PFT_BASELINE: dict[str, tuple[str, float, bool]] = {
    "needleleaf_evergreen_temperate_tree": ("ENF", 5.1, False),
    "needleleaf_evergreen_boreal_tree": ("ENF", 3.5, False),
    "needleleaf_deciduous_boreal_tree": ("DNF", 3.5, True),
    "broadleaf_evergreen_tropical_tree": ("EBF", 5.1, False),
    "broadleaf_evergreen_temperate_tree": ("EBF", 5.1, False),
    "broadleaf_deciduous_tropical_tree": ("DBF", 5.5, True),
    "broadleaf_deciduous_temperate_tree": ("DBF", 5.5, True),
    "broadleaf_deciduous_boreal_tree": ("DBF", 5.5, True),
    "broadleaf_evergreen_shrub": ("CShrub", 2.0, False),
    "broadleaf_deciduous_temperate_shrub": ("OShrub", 2.0, True),
    "broadleaf_deciduous_boreal_shrub": ("OShrub", 2.0, True),
    "c3_arctic_grass": ("Grass", 2.0, True),
    "c3_non-arctic_grass": ("Grass", 2.0, True),
    "c4_grass": ("Grass", 2.0, True),
}
#: Canopy extinction coefficient of the prescribed fAPAR (0.5, -; spherical leaf angles,
#: Campbell & Norman 1998).
K_EXT = 0.5
#: PAR fraction of shortwave (0.45, -; MOD17).
PAR_FRACTION = 0.45
#: Q10 of the baseline respiration (2, -; MOD17 BPLUT Q10).
Q10 = 2.0
#: Reference temperature of the baseline respiration [°C] (sets only the meaning of R_ref).
T_REF_C = 15.0
_MJ_PER_J = 1.0e-6
#: Growing-season index ramps (Jolly et al. 2005): Tmin [°C], VPD [Pa], photoperiod [s].
GSI_TMIN = (-2.0, 5.0)
GSI_VPD = (900.0, 4100.0)
GSI_PHOTO = (36000.0, 39600.0)
#: Length of the GSI running mean [days] (Jolly et al. 2005).
GSI_WINDOW = 21


def _ramp(x: NDArray[np.float64], lo: float, hi: float) -> NDArray[np.float64]:
    """0 at ``lo``, 1 at ``hi``, linear between (``hi < lo`` gives a falling ramp)."""
    return np.clip((np.asarray(x, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0)


def lue_gpp(sw_mj_d: NDArray[np.float64], tmin_c: NDArray[np.float64], vpd_day_pa: NDArray[np.float64],
            fapar: NDArray[np.float64], biome: Biome) -> NDArray[np.float64]:
    r"""MOD17 daily GPP.

    .. math:: \mathrm{GPP} = \varepsilon_{max}\, f(T_{min})\, f(\mathrm{VPD})\, \mathrm{fAPAR}\, 0.45\, S

    Parameters
    ----------
    sw_mj_d : ndarray
        Daily incoming shortwave :math:`S` [MJ m-2 d-1].
    tmin_c : ndarray
        Daily minimum air temperature [°C].
    vpd_day_pa : ndarray
        Daytime mean VPD [Pa].
    fapar : ndarray
        Fraction of absorbed PAR [-].
    biome : Biome
        BPLUT entry.

    Returns
    -------
    ndarray
        GPP [g C m-2 d-1].

    References
    ----------
    Running and Zhao (2015), MOD17 User's Guide, eq. for GPP and the TMIN / VPD scalars.

    Examples
    --------
    >>> b = MOD17_BPLUT["DBF"]
    >>> round(float(lue_gpp(20.0, 12.0, 500.0, 0.9, b)), 3)     # no stress: 1.526 x 0.9 x 0.45 x 20
    12.361
    >>> round(float(lue_gpp(20.0, 1.97, 1775.0, 0.9, b)), 3)    # half-way on both ramps: a quarter
    3.09
    """
    f_t = _ramp(tmin_c, biome.tmin_min_c, biome.tmin_max_c)
    f_v = _ramp(vpd_day_pa, biome.vpd_max_pa, biome.vpd_min_pa)
    return biome.lue_max_gc_mj * f_t * f_v * np.asarray(fapar) * PAR_FRACTION * np.asarray(sw_mj_d)


def growing_season_index(tmin_c: NDArray[np.float64], vpd_pa: NDArray[np.float64],
                         daylength_s: NDArray[np.float64], window: int = GSI_WINDOW) -> NDArray[np.float64]:
    r"""Growing-season index of Jolly et al. (2005): the running mean of three daily ramps.

    .. math:: \mathrm{GSI} = \overline{i_{T_{min}}\, i_{VPD}\, i_{photo}}^{\,21\,d}

    with :math:`i_{T_{min}}` 0 at -2 °C and 1 at 5 °C, :math:`i_{VPD}` 1 at 900 Pa and 0 at 4100 Pa,
    :math:`i_{photo}` 0 at 10 h and 1 at 11 h; a trailing mean over ``window`` days (fewer at the
    start of the series).

    Parameters
    ----------
    tmin_c, vpd_pa, daylength_s : ndarray, shape (ndays,)
        Daily minimum temperature [°C], daily mean VPD [Pa], daylength [s].
    window : int
        Days of the running mean (21).

    Returns
    -------
    ndarray, shape (ndays,)
        GSI [0-1].

    Examples
    --------
    >>> growing_season_index(np.array([1.5, 10.0]), np.array([500.0, 500.0]), np.array([4e4, 4e4]),
    ...                      window=1).tolist()
    [0.5, 1.0]
    """
    daily = _ramp(tmin_c, *GSI_TMIN) * _ramp(vpd_pa, GSI_VPD[1], GSI_VPD[0]) * _ramp(daylength_s, *GSI_PHOTO)
    return pd.Series(daily).rolling(window, min_periods=1).mean().to_numpy()


def q10_respiration(temp_c: NDArray[np.float64], r_ref: float, q10: float = Q10,
                    t_ref_c: float = T_REF_C) -> NDArray[np.float64]:
    r"""Respiration :math:`R = R_{ref}\, Q_{10}^{(T - T_{ref})/10}`.

    Examples
    --------
    >>> q10_respiration(np.array([5.0, 15.0, 25.0]), 2.0).tolist()
    [1.0, 2.0, 4.0]
    """
    return r_ref * q10 ** ((np.asarray(temp_c, dtype=np.float64) - t_ref_c) / 10.0)


def baselines_daily(time: NDArray[np.datetime64], temp_k: NDArray[np.float64], vpd_pa: NDArray[np.float64],
                    srad: NDArray[np.float64], lat: float, pft: str) -> pd.DataFrame:
    """Compute the two baselines, daily, from the site forcing alone (module docstring).

    Parameters
    ----------
    time : ndarray of datetime64, shape (nt,)
        Record centres (regular, local standard time).
    temp_k : ndarray, shape (nt,)
        Air temperature [K].
    vpd_pa : ndarray, shape (nt,)
        Vapour pressure deficit [Pa].
    srad : ndarray, shape (nt,)
        Incoming shortwave [W m-2].
    lat : float
        Latitude [degrees_north] (photoperiod of the GSI).
    pft : str
        CLM PFT name (:data:`PFT_BASELINE`).

    Returns
    -------
    pandas.DataFrame
        Daily on a DatetimeIndex: ``GPP_LUE, ER_LUEQ10, NEE_LUEQ10`` [g C m-2 d-1], ``fAPAR_LUE``.

    Raises
    ------
    KeyError
        If ``pft`` has no baseline entry.
    """
    from tpcarbon.physics.solar import calc_daylength, calc_declination

    biome_name, lai_max, seasonal = PFT_BASELINE[pft]
    biome = MOD17_BPLUT[biome_name]
    day = pd.to_datetime(np.asarray(time).astype("datetime64[D]"))
    tc = np.asarray(temp_k, dtype=np.float64) - CONST.tfrz
    dt_s = float((time[1] - time[0]).astype("timedelta64[s]").astype(np.float64))
    f = pd.DataFrame({"tc": tc, "vpd": vpd_pa, "sw": srad,
                      "vpd_day": np.where(np.asarray(srad) > 0.0, vpd_pa, np.nan),
                      "q10": Q10 ** ((tc - T_REF_C) / 10.0)}, index=day)
    g = f.groupby(level=0)
    d = pd.DataFrame({"tmin": g["tc"].min(), "vpd": g["vpd"].mean(), "vpd_day": g["vpd_day"].mean(),
                      "sw_mj": g["sw"].sum() * dt_s * _MJ_PER_J, "q10": g["q10"].mean()})
    d["vpd_day"] = d["vpd_day"].fillna(d["vpd"])  # polar night: the daily mean
    fapar_max = 1.0 - math.exp(-K_EXT * lai_max)
    if seasonal:
        doy = d.index.day_of_year.to_numpy().astype(np.float64)
        dayl = np.array([calc_daylength(float(lat), calc_declination(x + 0.5)) for x in doy])
        fapar = fapar_max * growing_season_index(d["tmin"].to_numpy(), d["vpd"].to_numpy(), dayl)
    else:
        fapar = np.full(len(d), fapar_max)
    gpp = lue_gpp(d["sw_mj"].to_numpy(), d["tmin"].to_numpy(), d["vpd_day"].to_numpy(), fapar, biome)
    tot_q10 = float(d["q10"].sum())
    r_ref = float(gpp.sum()) / tot_q10 if tot_q10 > 0 else 0.0  # steady state: sum ER = sum GPP
    er = r_ref * d["q10"].to_numpy()
    return pd.DataFrame({"GPP_LUE": gpp, "ER_LUEQ10": er, "NEE_LUEQ10": er - gpp, "fAPAR_LUE": fapar},
                        index=d.index)
