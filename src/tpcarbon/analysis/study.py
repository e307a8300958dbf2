"""The study's analysis of a set of annual runs: series, trends, tables, maps (pure computation on arrays).

Input is a mapping ``experiment -> RunData`` (annual gridded fields and cell areas), read
from a tpcarbon run folder (:func:`load_run_folder`) or from CLM5 history files
(``tpcarbon.io.clm_history``). Output is a :class:`StudyResults` of pandas tables and
2-D maps that the report writes as CSV and PNG. Each step follows ``study.md``
"Analysis methods":

* regional series: area-weighted means over valid cells (:func:`~tpcarbon.analysis.regional.area_weighted_mean`);
* trends: OLS slope with a two-sided t-test, and Mann-Kendall / Sen as a robustness check;
* decadal table (calendar decades from 1980, as the study's Table 2);
* sink/source classes of the period-mean NEP map (≥ 50, 0-50, < 0 g C m-2 yr-1) and area shares;
* attribution: contribution = trend(S1) − trend(S_x), with the study's normalisations side by side;
* per-pixel second-order partial correlation of NEP with temperature, precipitation and
  shortwave (each controlling for the other two), dominant-driver map and area shares;
* future statistics per SSP for the near (2025-2050), mid (2051-2075) and long (2076-2100) terms.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray

from tpcarbon.analysis.attribution import attribution_note, factor_contribution_maps, factor_contributions
from tpcarbon.analysis.future import period_statistics
from tpcarbon.analysis.partial_corr import dominant_driver, partial_correlation_drivers
from tpcarbon.analysis.regional import area_weighted_mean, decadal_table
from tpcarbon.analysis.sinks import class_area_shares, sink_classes
from tpcarbon.analysis.trends import linear_trend, mann_kendall
from tpcarbon.errors import InputError

#: Carbon and climate variables of the regional series (when present).
SERIES_VARS = ("GPP", "NPP", "AR", "HR", "NEP", "TLAI", "TOTVEGC", "TOTSOMC", "TOTECOSYSC", "TBOT", "PRECIP", "FSDS")
#: Drivers of the partial correlation: name -> annual variable.
DRIVERS = {"temperature": "TBOT", "precipitation": "PRECIP", "radiation": "FSDS"}
#: Held factor of each sensitivity experiment.
HELD_FACTOR = {"S2": "temperature", "S3": "precipitation", "S4": "radiation"}
SSP_LABELS = {"ssp126": "SSP1-2.6", "ssp245": "SSP2-4.5", "ssp370": "SSP3-7.0", "ssp585": "SSP5-8.5"}
FUTURE_PERIODS = ((2025, 2050), (2051, 2075), (2076, 2100))


@dataclass
class RunData:
    """Annual gridded output of one experiment.

    Attributes
    ----------
    years : ndarray (nt,)
    values : dict of ndarray (nt, nlat, nlon)
        NaN outside the simulated cells. Fluxes in g C m-2 yr-1, TBOT in K, PRECIP in mm yr-1, FSDS in W m-2.
    area : ndarray (nlat, nlon)
        Land area [m2] (NaN or 0 outside).
    lat, lon : ndarray
        Cell centres [degrees].
    attrs : dict
        Global attributes of the source (forcing description etc.).
    """

    years: NDArray[np.int64]
    values: dict[str, NDArray[np.float64]]
    area: NDArray[np.float64]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    attrs: dict = field(default_factory=dict)

    @property
    def valid(self) -> NDArray[np.bool_]:
        """Cells with data: (nlat, nlon)."""
        nep = self.values.get("NEP")
        ok = np.isfinite(self.area) & (self.area > 0)
        if nep is not None:
            ok &= np.isfinite(nep).any(axis=0)
        return ok

    def cells(self, name: str) -> NDArray[np.float64]:
        """``values[name]`` at the valid cells, (nt, ncell)."""
        return self.values[name][:, self.valid]

    def select_years(self, first: int, last: int) -> RunData:
        """A copy restricted to ``first..last``."""
        sel = (self.years >= first) & (self.years <= last)
        return RunData(self.years[sel], {k: v[sel] for k, v in self.values.items()}, self.area, self.lat,
                       self.lon, self.attrs)


def run_data_from_dataset(ds: xr.Dataset) -> RunData:
    """One experiment's annual Dataset (``io.runs.open_annual``) → :class:`RunData` (loads the values)."""
    tdim = "time" if "time" in ds.dims else "year"
    area = np.where(ds["landmask"].values > 0, ds["area"].values * ds["landfrac"].fillna(0).values, np.nan)
    values = {k: ds[k].values.astype(np.float64) for k in ds.data_vars if ds[k].dims == (tdim, "lat", "lon")}
    units = {k: str(ds[k].attrs.get("units", "")) for k in values}
    attrs = dict(ds.attrs)
    attrs["units"] = units
    return RunData(ds["year"].values.astype(np.int64), values, area, ds["lat"].values, ds["lon"].values, attrs)


def load_run_folder(run_dir: str | Path) -> dict[str, RunData]:
    """Read ``runs/<experiment>/annual.nc`` of a tpcarbon run folder."""
    from tpcarbon.io.runs import open_annual, run_files

    runs = {}
    for exp, f in run_files(run_dir).items():
        with open_annual(f) as ds:
            runs[exp] = run_data_from_dataset(ds)
    return runs


@dataclass
class StudyResults:
    """Tables (pandas), maps (2-D arrays with their attributes) and series of the analysis; see :func:`analyze`."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    maps: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    series: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    lat: NDArray[np.float64] | None = None
    lon: NDArray[np.float64] | None = None
    synthetic: bool = False
    forcing: str = ""
    map_attrs: dict[str, dict[str, str]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    periods: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add_map(self, name: str, values: NDArray, long_name: str, units: str, **extra) -> None:
        """Keep a map with its CF attributes (written to ``maps.nc``)."""
        self.maps[name] = values
        self.map_attrs[name] = {"long_name": long_name, "units": units, **extra}

    def maps_dataset(self) -> xr.Dataset:
        """Every map as one CF dataset on ``(lat, lon)`` (what ``maps.nc`` holds)."""
        ds = xr.Dataset(coords={
            "lat": ("lat", np.asarray(self.lat), {"standard_name": "latitude", "units": "degrees_north",
                                                  "axis": "Y"}),
            "lon": ("lon", np.asarray(self.lon), {"standard_name": "longitude", "units": "degrees_east",
                                                  "axis": "X"})})
        for name, m in self.maps.items():
            attrs = dict(self.map_attrs.get(name, {}))
            if "flag_values" in attrs:        # CF: flag values of the variable's own type
                attrs["flag_values"] = np.asarray(attrs["flag_values"], dtype=np.float64)
                attrs.pop("units", None)
            ds[name] = (("lat", "lon"), np.asarray(m, dtype=np.float64), attrs)
        return ds


def variable_units(name: str, run: RunData | None = None) -> str:
    """Units of an annual variable: from the run's file, else from ``io/variables.toml``."""
    if run is not None and run.attrs.get("units", {}).get(name):
        return run.attrs["units"][name]
    from tpcarbon.io.writers import VariableTableError, cf_attrs

    try:
        return cf_attrs({"TSA": "TBOT"}.get(name, name))["units"]
    except VariableTableError:
        return ""


def per_year(units: str) -> str:
    """The units of a trend of a quantity in ``units`` (per year).

    Examples
    --------
    >>> per_year("g m-2 yr-1"), per_year("K")
    ('g m-2 yr-2', 'K yr-1')
    """
    return units[:-4] + "yr-2" if units.endswith("yr-1") else (f"{units} yr-1" if units else "yr-1")


def regional_series(runs: dict[str, RunData]) -> pd.DataFrame:
    """Area-weighted annual means of :data:`SERIES_VARS` per experiment (long table)."""
    rows = []
    for exp, r in runs.items():
        a = r.area[r.valid]
        cols = {v: area_weighted_mean(r.cells(v), a) for v in SERIES_VARS if v in r.values}
        df = pd.DataFrame({"experiment": exp, "year": r.years, **cols})
        rows.append(df)
    out = pd.concat(rows, ignore_index=True)
    if "TBOT" in out:
        out["TBOT_degC"] = out["TBOT"] - 273.15
    return out


def trend_table(series: pd.DataFrame, variables=("GPP", "NPP", "HR", "NEP", "TBOT", "PRECIP", "FSDS"),
                units: dict[str, str] | None = None) -> pd.DataFrame:
    """OLS and Mann-Kendall trends of each regional series per experiment, with the units of each row."""
    units = units or {}
    rows = []
    for exp, g in series.groupby("experiment", sort=False):
        for v in variables:
            if v not in g or g[v].isna().all() or len(g) < 3:
                continue
            y = g[v].to_numpy()
            t = g["year"].to_numpy().astype(np.float64)
            tr = linear_trend(y, t)
            mk = mann_kendall(y, t) if len(g) >= 4 else None
            u = units.get(v, variable_units(v))
            rows.append({"experiment": exp, "variable": v, "unit": u, "first_year": int(t[0]),
                         "last_year": int(t[-1]), "mean": float(np.mean(y)), "slope_per_yr": float(tr.slope),
                         "slope_unit": per_year(u), "pvalue": float(tr.pvalue), "stderr": float(tr.stderr),
                         "sen_slope_per_yr": float(mk.sen_slope) if mk else np.nan,
                         "mk_pvalue": float(mk.pvalue) if mk else np.nan})
    return pd.DataFrame(rows)


def _trend_maps(run: RunData, var: str, valid: NDArray[np.bool_]):
    tr = linear_trend(run.values[var][:, valid], run.years.astype(np.float64))
    return _scatter(valid, tr.slope), _scatter(valid, tr.pvalue)


def analyze(runs: dict[str, RunData], historical: tuple[int, int] | None = None,
            future: tuple[int, int] = (2025, 2100)) -> StudyResults:
    """All tables and maps of the study for the experiments present in ``runs``."""
    if "S1" not in runs:
        raise InputError(None, f"no control run S1 among {sorted(runs)}", "run or pass the S1 experiment")
    s1 = runs["S1"]
    if historical is not None:
        runs = {k: (v.select_years(*historical) if k in ("S1", "S2", "S3", "S4") else v) for k, v in runs.items()}
        s1 = runs["S1"]
    res = StudyResults(lat=s1.lat, lon=s1.lon)
    fsrc = str(s1.attrs.get("forcing_source", ""))
    res.forcing = fsrc
    res.synthetic = "SYNTHETIC" in fsrc.upper()
    res.units = {v: variable_units(v, s1) for v in SERIES_VARS}
    res.units["TBOT_degC"] = "degC"
    res.periods["historical"] = (int(s1.years[0]), int(s1.years[-1])) if s1.years.size else (0, 0)
    valid = s1.valid
    area = s1.area[valid]
    hist_runs = {k: v for k, v in runs.items() if k in ("S1", "S2", "S3", "S4")}
    res.series = regional_series(runs)
    res.tables["regional_annual"] = res.series
    res.tables["trends"] = trend_table(res.series[res.series.experiment.isin(list(hist_runs))], units=res.units)
    u = res.units
    uc = u.get("NEP", "g m-2 yr-1")

    # decadal table of NEP (and NPP, HR) of S1
    s = res.series[res.series.experiment == "S1"]
    start = 1980 if s["year"].min() <= 1980 <= s["year"].max() - 1 else None
    res.tables["decadal_S1"] = decadal_table(s["year"].to_numpy(), {v: s[v].to_numpy() for v in
                                                                     ("NEP", "NPP", "HR", "GPP")},
                                             start=start, with_change=True)
    # maps of the S1 period
    h0, h1 = res.periods["historical"]
    nep = s1.values["NEP"]
    mean_nep = _nanmean(nep, axis=0) if nep.shape[0] else nep[0]
    res.add_map("NEP_mean_S1", np.where(valid, mean_nep, np.nan), f"mean NEP of S1, {h0}-{h1}", uc)
    for v in ("GPP", "NPP", "HR", "TLAI", "TOTSOMC"):
        if v in s1.values:
            res.add_map(f"{v}_mean_S1", np.where(valid, _nanmean(s1.values[v], axis=0), np.nan),
                        f"mean {v} of S1, {h0}-{h1}", u.get(v) or variable_units(v, s1))
    if s1.years.size >= 3:
        slope, p = _trend_maps(s1, "NEP", valid)
        res.add_map("NEP_trend_S1", slope, f"OLS trend of NEP, S1 {h0}-{h1}", per_year(uc))
        res.add_map("NEP_trend_p_S1", p, "two-sided p-value of NEP_trend_S1", "1")
        for v in ("TBOT", "PRECIP", "FSDS"):
            if v in s1.values:
                slope, p = _trend_maps(s1, v, valid)
                res.add_map(f"{v}_trend_S1", slope, f"OLS trend of {v} (forcing), S1 {h0}-{h1}", per_year(u[v]))
                res.add_map(f"{v}_trend_p_S1", p, f"two-sided p-value of {v}_trend_S1", "1")
    classes = sink_classes(mean_nep[valid])
    res.add_map("sink_class_S1", _scatter(valid, classes.astype(np.float64)), "sink/source class of mean NEP, S1",
                "1", flag_values=np.array([0, 1, 2], dtype=np.int8), flag_meanings="source weak_sink strong_sink")
    shares = class_area_shares(mean_nep[valid], area)
    res.tables["sink_source_S1"] = pd.DataFrame([{"class": k, "area_share": v,
                                                  "area_million_km2": v * area.sum() / 1e12}
                                                 for k, v in shares.items()])

    # attribution
    held = {HELD_FACTOR[k]: k for k in ("S2", "S3", "S4") if k in hist_runs}
    if held:
        tabs = []
        tr = res.tables["trends"]
        for v in ("NEP", "NPP", "HR"):
            def get(e: str, v: str = v) -> float:
                return float(tr[(tr.experiment == e) & (tr.variable == v)]["slope_per_yr"].iloc[0])

            df = factor_contributions(get("S1"), {f: get(e) for f, e in held.items()})
            df.insert(0, "variable", v)
            df.insert(1, "unit", per_year(u.get(v, uc)))
            tabs.append(df)
        res.tables["attribution"] = pd.concat(tabs, ignore_index=True)
        res.notes.append(attribution_note(tabs[0].drop(columns=["variable", "unit"])))
        for v in ("NEP", "NPP", "HR"):
            if v not in s1.values or not all(v in hist_runs[e].values for e in held.values()):
                continue
            s1_slope = linear_trend(s1.cells(v), s1.years.astype(np.float64)).slope
            tmaps = {f: linear_trend(hist_runs[e].values[v][:, valid], hist_runs[e].years.astype(np.float64)).slope
                     for f, e in held.items()}
            for f, m in factor_contribution_maps(s1_slope, tmaps).items():
                key = "other" if f not in held else f
                res.add_map(f"{v}_contribution_{key}", _scatter(valid, m),
                            f"contribution of {f} to the {v} trend: trend(S1) - trend(S_x)", per_year(u.get(v, uc)))

    # partial correlation and dominant driver
    if all(v in s1.values for v in DRIVERS.values()) and s1.years.size >= 6:
        y = s1.cells("NEP")
        drv = {name: s1.cells(var) for name, var in DRIVERS.items()}
        pc = partial_correlation_drivers(y, drv)
        for name, (r, p) in pc.items():
            res.add_map(f"partial_r_{name}", _scatter(valid, r),
                        f"partial correlation of NEP with {name} (controlling for the others)", "1")
            res.add_map(f"partial_p_{name}", _scatter(valid, p), f"two-sided p-value of partial_r_{name}", "1")
        dom_any = _dominant_any(pc)
        dom_sig = dominant_driver(pc, alpha=0.05)
        res.add_map("dominant_driver", _scatter(valid, dom_any.astype(np.float64)),
                    "driver with the largest |partial r| of NEP", "1",
                    flag_values=np.arange(len(pc), dtype=np.int8), flag_meanings=" ".join(pc))
        names = list(pc)
        rows = []
        for code, name in enumerate(names):
            rows.append({"driver": name, "area_share_largest_abs_r": float(area[dom_any == code].sum() / area.sum()),
                         "area_share_significant_p05": float(area[dom_sig == code].sum() / area.sum()),
                         "mean_partial_r": float(np.nansum(pc[name][0] * area) / area.sum())})
        rows.append({"driver": "none significant", "area_share_largest_abs_r": 0.0,
                     "area_share_significant_p05": float(area[dom_sig < 0].sum() / area.sum()), "mean_partial_r": np.nan})
        res.tables["dominant_driver"] = pd.DataFrame(rows)
    elif s1.years.size < 6:
        res.notes.append(f"Partial correlations need at least 6 years; S1 has {s1.years.size}: skipped.")

    # future
    ssps = [k for k in SSP_LABELS if k in runs]
    if ssps:
        frows, prows = [], []
        periods = [p for p in FUTURE_PERIODS if p[0] <= future[1] and p[1] >= future[0]] or [future]
        res.periods["future"] = tuple(future)
        ref = float(np.nansum(res.maps["NEP_mean_S1"][valid] * area) / area.sum())
        for k in ssps:
            r = runs[k].select_years(*future)
            if r.years.size == 0:
                continue
            reg = area_weighted_mean(r.values["NEP"][:, valid], area)
            tr = linear_trend(reg, r.years.astype(np.float64)) if r.years.size >= 3 else None
            frows.append({"experiment": k, "unit": uc, "first_year": int(r.years[0]), "last_year": int(r.years[-1]),
                          "NEP_mean": float(reg.mean()), "NEP_min": float(reg.min()), "NEP_max": float(reg.max()),
                          "year_of_max": int(r.years[np.argmax(reg)]),
                          "trend_per_yr": float(tr.slope) if tr else np.nan, "trend_unit": per_year(uc),
                          "trend_pvalue": float(tr.pvalue) if tr else np.nan,
                          "change_vs_S1_mean": float(reg.mean() - ref),
                          "sink_area_share": float(area[_nanmean(r.values['NEP'][:, valid], axis=0) >= 0].sum()
                                                   / area.sum())})
            ps = period_statistics(r.years, r.values["NEP"][:, valid], area, periods=periods)
            ps.insert(0, "experiment", k)
            ps.insert(1, "unit", uc)
            prows.append(ps)
            res.add_map(f"NEP_change_{k}", np.where(valid, _nanmean(r.values["NEP"], axis=0) - mean_nep, np.nan),
                        f"mean NEP of {SSP_LABELS[k]} {r.years[0]}-{r.years[-1]} minus mean NEP of S1 {h0}-{h1}", uc)
            for p0, p1 in periods:
                rp = r.select_years(p0, p1)
                if rp.years.size >= 3:
                    slope, p = _trend_maps(rp, "NEP", valid)
                    tag = f"{k}_{rp.years[0]}_{rp.years[-1]}"
                    res.add_map(f"NEP_trend_{tag}", slope, f"OLS trend of NEP, {SSP_LABELS[k]} "
                                f"{rp.years[0]}-{rp.years[-1]}", per_year(uc))
                    res.add_map(f"NEP_trend_p_{tag}", p, f"two-sided p-value of NEP_trend_{tag}", "1")
        res.tables["future_summary"] = pd.DataFrame(frows)
        if prows:
            res.tables["future_periods"] = pd.concat(prows, ignore_index=True)
    return res


def _dominant_any(pc: dict[str, tuple[NDArray, NDArray]]) -> NDArray[np.int64]:
    """Index of the driver with the largest |partial r| per pixel (study's rule; -1 where all NaN)."""
    r = np.stack([np.abs(v[0]) for v in pc.values()])
    ok = np.isfinite(r).any(axis=0)
    out = np.full(r.shape[1], -1, dtype=np.int64)
    out[ok] = np.nanargmax(np.where(np.isfinite(r[:, ok]), r[:, ok], -1.0), axis=0)
    return out


def _nanmean(a: NDArray, axis: int = 0) -> NDArray[np.float64]:
    """``np.nanmean`` without the warning for all-NaN cells (they stay NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(a, axis=axis)


def _scatter(valid: NDArray[np.bool_], values: NDArray) -> NDArray[np.float64]:
    out = np.full(valid.shape, np.nan)
    out[valid] = values
    return out


def run_data_from_history(paths) -> RunData:
    """CLM5 (or CMIP-named) history files → annual :class:`RunData` (TSA → TBOT, RAIN+SNOW → PRECIP)."""
    from tpcarbon.io.clm_history import read_clm_history

    ds = read_clm_history(paths)
    rename = {"TSA": "TBOT"}
    values = {rename.get(k, k): ds[k].values.astype(np.float64) for k in ds.data_vars
              if ds[k].dims == ("year", "lat", "lon")}
    area = ds["area"].values.astype(np.float64)
    attrs = {"forcing_source": "CLM5 history files: " + ", ".join(str(p) for p in np.atleast_1d(paths))[:500]}
    return RunData(ds["year"].values.astype(np.int64), values, area, ds["lat"].values, ds["lon"].values, attrs)
