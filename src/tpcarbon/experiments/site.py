"""Site mode: one column on flux-tower forcing, spun up on the site's own years, scored against the tower.

``tpcarbon site --forcing FILE --lat --lon --pft NAME --out DIR``:

1. read the half-hourly or hourly tower file (:func:`tpcarbon.io.fluxnet.read_site_forcing`:
   FLUXNET2015/ONEFlux or europe-fluxdata, gaps filled and counted, missing wind and longwave
   estimated with a warning);
2. build a one-cell domain with the chosen CLM PFT (name or unambiguous prefix);
3. spin up by cycling the site's years (physics first, then the exact periodic soil state, as the
   gridded runs: ``experiments.spinup``) with CO2 from the file or the bundled table;
4. run the years once more at the file's step (``dt`` 1800 or 3600 s, no photosynthesis
   sub-steps), one chunk per day;
5. compute the two baselines from the same forcing (``analysis.site_skill``: MOD17 light-use
   efficiency GPP, and LUE + Q10 NEE with fixed published parameters);
6. score model and baselines against the tower (daily and monthly GPP, NEE, ER, LE, H:
   r, RMSE, bias, annual sums, seasonal phase, interannual r, ILAMB scores).

Output folder: ``daily.csv`` (model ``GPP, NPP, AR, HR, NEP, NEE`` g C m-2 d-1, ``LAI`` m2 m-2,
``FSH, EFLX_LH_TOT`` W m-2; baselines ``GPP_LUE, ER_LUEQ10, NEE_LUEQ10``; tower ``*_tower`` on the
days that pass the missing-data rule), ``skill.csv`` (one row per variable × aggregation ×
source), ``annual.csv``, ``site.png`` and ``spinup.csv``; the log has one summary line per variable.

Tower time stamps are local standard time. Solar geometry needs UTC, so the column is placed
at the *solar-equivalent* longitude ``lon − 15·offset`` (the hour angle is then right for local
standard time), with ``offset`` the UTC offset of the stamps: ``utc_offset`` when given (a key of
the ``evaluate`` sites file), otherwise inferred from the timing of the measured shortwave (solar
noon), with a warning when it differs from the longitude's zone ``round(lon/15)`` (China is UTC+8
at 91°E, France UTC+1 at 7°E); the reported longitude is the real one. Soil texture is the
default loam (sand 40 %, clay 20 %) unless the tower's soil is known: a stated simplification.

``tpcarbon evaluate SITES.toml --out DIR`` (:func:`run_evaluate`) runs site mode over the sites of
a small TOML file and writes ``skill_all.csv`` and ``skill_summary.md`` (docs-ready tables).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.constants import UMOL_C_TO_G_C
from tpcarbon.errors import ConfigError, InputError
from tpcarbon.forcing.stream import ForcingChunk
from tpcarbon.params.vertical import NLEVSOI, Z
from tpcarbon.surface.domain import Domain
from tpcarbon.surface.grid import make_grid

_SECONDS_PER_DAY = 86400.0
#: Scored variables: tower attribute of SiteData, conversion of the tower records to daily units.
_GC_PER_DAY = UMOL_C_TO_G_C * _SECONDS_PER_DAY
_TOWER = {"GPP": ("gpp_obs", _GC_PER_DAY), "NEE": ("nee_obs", _GC_PER_DAY), "ER": ("reco_obs", _GC_PER_DAY),
          "LE": ("le_obs", 1.0), "H": ("h_obs", 1.0)}
#: Baseline each variable is compared with (the model "must beat" it).
_BASELINE_OF = {"GPP": "LUE", "NEE": "LUE+Q10", "ER": "LUE+Q10"}
SOURCES = ("model", "LUE", "LUE+Q10")


def site_domain(lat: float, lon: float, pft_name: str, pres_mean: float, utc_offset: float | None = None) -> Domain:
    """A one-cell domain at (lat, solar-equivalent lon) with one PFT."""
    from tpcarbon.io.fluxnet import elevation_from_pressure, solar_equivalent_lon
    from tpcarbon.params.pft import pft_index_from_name

    try:
        ip = pft_index_from_name(pft_name)
    except (KeyError, ValueError) as exc:
        raise ConfigError(None, str(exc).strip("'\""), "give a CLM PFT name or an unambiguous prefix",
                          variable="--pft") from None
    if not (-90 < lat < 90 and -180 <= lon <= 360):
        raise ConfigError(None, f"invalid position {lat}, {lon}", "give --lat in -90..90 and --lon in -180..180",
                          variable="--lat/--lon")
    lon_sol = solar_equivalent_lon(lon, utc_offset)
    grid = make_grid(1.0, bbox=(lat - 0.5, lat + 0.5, lon_sol - 0.5, lon_sol + 0.5))
    elev = elevation_from_pressure(pres_mean)
    organic = np.where(Z[:NLEVSOI] < 0.3, 20.0, 4.0)[None, :]
    return Domain(grid=grid, landmask=np.ones((1, 1), dtype=bool), elevation=np.array([elev]),
                  pft_index=np.array([[ip]], dtype=np.int64), pft_frac=np.ones((1, 1)), sand=np.array([40.0]),
                  clay=np.array([20.0]), organic=organic, landfrac=np.ones(1),
                  source=f"site column, PFT {ip}, lat {lat}, lon {lon} (solar-equivalent lon {lon_sol})")


class SiteSource:
    """A ``ForcingSource`` of one-day chunks from ``SiteData`` (years inside the file only)."""

    def __init__(self, data, domain: Domain, years: tuple[int, int]):
        self.data = data
        self.domain = domain
        self._years = years
        self.description = f"tower forcing {data.source}"
        self._day = data.time.astype("datetime64[D]")

    @property
    def years(self) -> tuple[int, int]:
        """Years available."""
        return self._years

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield one chunk per day, half-hourly (or hourly) records."""
        d = self.data
        yr = self._day.astype("datetime64[Y]").astype(int) + 1970
        sel = np.nonzero((yr >= first_year) & (yr <= last_year))[0]
        if sel.size == 0:
            raise InputError(d.source, f"no records in {first_year}-{last_year}", "choose --years inside the file")
        days = self._day[sel]
        starts = np.r_[0, np.nonzero(days[1:] != days[:-1])[0] + 1, sel.size]
        col = lambda a, i, j: np.ascontiguousarray(a[sel[i:j], None], dtype=np.float32)  # noqa: E731
        for i, j in zip(starts[:-1], starts[1:], strict=True):
            yield ForcingChunk(d.time[sel[i:j]], col(d.temp, i, j), col(d.shum, i, j), col(d.pres, i, j),
                               col(d.wind, i, j), col(d.srad, i, j), col(d.lrad, i, j), col(d.prec, i, j))

    def co2(self, co2_fn):
        """``co2(decimal_years)``: the file's CO2 where present, otherwise the bundled table."""
        d = self.data
        if d.co2 is None or not np.isfinite(d.co2).any():
            return co2_fn
        t_file = d.time.astype("datetime64[s]").astype(np.float64) / (365.2425 * 86400.0) + 1970.0
        ok = np.isfinite(d.co2) & (d.co2 > 250) & (d.co2 < 1000)
        if ok.sum() < 10:
            return co2_fn
        return lambda t: np.interp(np.asarray(t, float), t_file[ok], d.co2[ok])


def _partition_if_needed(data):
    """When the file has NEE but no GPP, add night-time-partitioned GPP and R_eco (``analysis.partition``).

    Returns the (possibly replaced) site data and a one-line note ("" when nothing was done).
    """
    import dataclasses

    from tpcarbon.analysis.partition import partition_nighttime

    if data.gpp_obs is not None or data.nee_obs is None or not np.isfinite(data.nee_obs).any():
        return data, ""
    try:
        reco, gpp, info = partition_nighttime(data.time, data.nee_obs, data.temp, data.srad)
    except ValueError as err:
        return data, f"tower GPP not derived ({err})"
    note = (f"tower GPP and ER derived from NEE by night-time partitioning (Lloyd-Taylor E0 = {info['E0_K']:.0f} K "
            f"from {info['n_night']} night records; r_b in {info['windows_fitted']} 15-day windows, "
            f"{info['windows_interpolated']} interpolated; no u* filter)")
    return dataclasses.replace(data, gpp_obs=gpp, reco_obs=reco), note




def tower_daily(data) -> pd.DataFrame:
    """Daily tower values (g C m-2 d-1; W m-2) under the missing-data rule, one column per variable."""
    from tpcarbon.analysis.site_skill import daily_from_records

    cols = {}
    for var, (attr, factor) in _TOWER.items():
        v = getattr(data, attr, None)
        if v is not None and np.isfinite(v).any():
            cols[var] = daily_from_records(data.time, v * factor)
    return pd.DataFrame(cols)


def vapour_pressure_deficit(data) -> np.ndarray:
    """VPD [Pa] from the site forcing (Magnus saturation pressure minus the vapour pressure)."""
    from tpcarbon.constants import CONST
    from tpcarbon.io.fluxnet import esat_magnus

    q, p = data.shum, data.pres
    e = q * p / (CONST.eps_h2o + (1.0 - CONST.eps_h2o) * q)
    es = esat_magnus(data.temp - CONST.tfrz) * 100.0
    return np.maximum(es - e, 0.0)


def score_site(daily: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Skill and annual tables of model and baselines against the tower, from a ``daily.csv`` frame."""
    from tpcarbon.analysis.site_skill import skill_table

    d = daily.set_index(pd.to_datetime(daily["date"]))
    model = {"GPP": d["GPP"], "NEE": d["NEE"], "ER": d["AR"] + d["HR"], "LE": d["EFLX_LH_TOT"], "H": d["FSH"]}
    sources = {"model": model, "LUE": {"GPP": d["GPP_LUE"]},
               "LUE+Q10": {"NEE": d["NEE_LUEQ10"], "ER": d["ER_LUEQ10"]}}
    obs = {v: d[f"{v}_tower"] for v in _TOWER if f"{v}_tower" in d}
    return skill_table(sources, obs)


def _fmt(x: float, spec: str) -> str:
    return "n/a" if not np.isfinite(x) else format(x, spec)


def summary_lines(skill: pd.DataFrame) -> list[str]:
    """One line per variable: daily r, RMSE, bias, annual value and overall score, model vs baseline.

    "ahead" means a higher daily r *and* a higher daily overall score than the baseline.
    """
    lines = []
    if skill.empty:
        return lines
    day = skill[skill["aggregation"] == "daily"].set_index(["variable", "source"])
    for var in _TOWER:
        if (var, "model") not in day.index:
            continue
        m = day.loc[(var, "model")]
        text = (f"site skill {var} ({m['n']:.0f} days): daily r {_fmt(m['r'], '.2f')}, RMSE "
                f"{_fmt(m['rmse'], '.2f')}, bias {_fmt(m['bias'], '+.2f')} {m['units']}, overall score "
                f"{_fmt(m['overall_score'], '.2f')}; annual model {_fmt(m['annual_src'], '.0f')} vs tower "
                f"{_fmt(m['annual_obs'], '.0f')} {m['annual_units']}")
        base = _BASELINE_OF.get(var)
        if base and (var, base) in day.index:
            b = day.loc[(var, base)]
            ahead = m["r"] > b["r"] and m["overall_score"] > b["overall_score"]
            text += (f"; {base}: r {_fmt(b['r'], '.2f')}, score {_fmt(b['overall_score'], '.2f')}, annual "
                     f"{_fmt(b['annual_src'], '.0f')} -> model {'ahead' if ahead else 'NOT ahead'}")
        lines.append(text)
    return lines


def run_site(forcing_file: str | Path, lat: float, lon: float, pft: str, years: tuple[int, int] | None = None,
             spinup_years: int | None = None, out: str | Path = "tpcarbon-site", progress: bool = True,
             log=print, utc_offset: float | None = None) -> Path:
    """Run site mode (module docstring); returns the path of ``daily.csv``.

    ``utc_offset`` [h] is the UTC offset of the file's local standard time (default: inferred from the
    timing of the measured shortwave, :func:`tpcarbon.io.fluxnet.infer_utc_offset`).
    """
    from tpcarbon.analysis.site_skill import PFT_BASELINE, baselines_daily
    from tpcarbon.experiments.runner import co2_function
    from tpcarbon.experiments.spinup import SpinupConfig, run_spinup
    from tpcarbon.io.fluxnet import read_site_forcing
    from tpcarbon.model.driver import Model, ModelOptions
    from tpcarbon.params.pft import PFT_NAMES, load_params

    out = Path(out)
    data = read_site_forcing(forcing_file, lat=lat, lon=lon, utc_offset=utc_offset)
    utc_offset = data.gapfill.get("utc_offset", utc_offset)
    domain = site_domain(lat, lon, pft, float(np.nanmean(data.pres)), utc_offset)
    pft_name = PFT_NAMES[int(domain.pft_index[0, 0])]
    if pft_name not in PFT_BASELINE:
        raise ConfigError(None, f"PFT '{pft_name}' has no vegetation to score", "give a vegetated PFT",
                          variable="--pft")
    fyears = data.time.astype("datetime64[Y]").astype(int) + 1970
    first, last = int(fyears.min()), int(fyears.max())
    # a trailing partial year (the last record of 31 Dec stamped into the next year) is not a run year
    full = [y for y in range(first, last + 1) if (fyears == y).sum() >= 300 * _SECONDS_PER_DAY / data.dt]
    if not full:
        span = f"{data.time[0].astype('datetime64[m]')} to {data.time[-1].astype('datetime64[m]')}"
        raise InputError(forcing_file, f"no calendar year with 300 days of records (the file has {span})",
                         "give a file with at least one full year",
                         variable=data.gapfill["columns"].get("time"))
    if years is not None and not (years[0] in full and years[1] in full):
        raise ConfigError(None, f"years {years[0]}-{years[1]} are not inside the file's full years "
                          f"{full[0]}-{full[-1]}", "choose --years among the file's full years",
                          variable="--years")
    years = years or (full[0], full[-1])
    out.mkdir(parents=True, exist_ok=True)
    for w in data.warnings:
        log(f"site: WARNING {w}")
    data, partition_note = _partition_if_needed(data)
    if partition_note:
        log(f"site: {partition_note}")
    for k, v in data.gapfill.items():
        if isinstance(v, float) and 0 < v < 1:
            log(f"site: {k} gap-filled for {100 * v:.2f} % of the records")
    model = Model(domain, load_params(), ModelOptions(dt=data.dt, n_substeps=1))
    source = SiteSource(data, domain, years)
    co2 = source.co2(co2_function("historical"))
    n = years[1] - years[0] + 1
    max_years = spinup_years or max(4 * n, 8)
    cfg = SpinupConfig(cycle_years=years, max_years=max_years)
    co2_spin = float(np.asarray(co2(np.array([years[0] + 0.5])))[0])
    log(f"site: spin-up cycling {years[0]}-{years[1]} (at most {max_years} years), CO2 {co2_spin:.1f} ppm")
    res = run_spinup(model, source, cfg, co2_spin, log=log, progress=progress, csv_path=out / "spinup.csv")
    state = res.state
    from tpcarbon.experiments.simulate import decimal_year

    rows = []
    for ch in source.iter_chunks(*years):
        o = model.run_chunk(state, ch, co2(decimal_year(ch.time)))
        rows.append({"date": str(ch.time[0].astype("datetime64[D]")),
                     **{k: float(o.get(k)[0]) for k in ("GPP", "NPP", "AR", "HR", "NEP")},
                     "LAI": float(o.get("TLAI")[0]),
                     **{k: float(o.get(k)[0]) for k in ("FSH", "EFLX_LH_TOT")}})
    daily = pd.DataFrame(rows)
    daily["NEE"] = -daily["NEP"]
    daily = daily[["date", "GPP", "NPP", "AR", "HR", "NEP", "NEE", "LAI", "FSH", "EFLX_LH_TOT"]]
    yr = data.time.astype("datetime64[Y]").astype(int) + 1970
    sel = (yr >= years[0]) & (yr <= years[1])
    base = baselines_daily(data.time[sel], data.temp[sel], vapour_pressure_deficit(data)[sel], data.srad[sel],
                           lat, pft_name)
    tower = tower_daily(data).add_suffix("_tower")
    idx = pd.to_datetime(daily["date"])
    extra = pd.concat([base[["GPP_LUE", "ER_LUEQ10", "NEE_LUEQ10"]], tower], axis=1).reindex(idx)
    daily = pd.concat([daily, extra.reset_index(drop=True)], axis=1)
    path = out / "daily.csv"
    daily.to_csv(path, index=False, float_format="%.5g")
    skill, annual = score_site(daily)
    if not skill.empty:
        skill.insert(0, "site", data.site_id)
        skill.to_csv(out / "skill.csv", index=False, float_format="%.4g")
        annual.insert(0, "site", data.site_id)
        annual.to_csv(out / "annual.csv", index=False, float_format="%.5g")
        for line in summary_lines(skill):
            log(line)
    else:
        log("site: the file has no tower fluxes to score (no NEE, GPP, ER, LE or H)")
    _site_figure(daily, skill, data.site_id, out / "site.png")
    log(f"site: {res.message}")
    return path


_STYLE = {"tower": dict(color="k", lw=1.0, alpha=0.8), "model": dict(color="C0", lw=1.0),
          "LUE": dict(color="C1", lw=0.9, ls="--"), "LUE+Q10": dict(color="C2", lw=0.9, ls="--")}


def _site_figure(daily: pd.DataFrame, skill: pd.DataFrame, site_id: str, path: Path) -> None:
    """Plot the daily and monthly series and mean seasonal cycle of GPP, NEE, ER, LE, H for every source."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tpcarbon.analysis.site_skill import UNITS, mean_annual_cycle, monthly_means

    d = daily.set_index(pd.to_datetime(daily["date"]))
    series = {
        "GPP": {"model": d["GPP"], "LUE": d["GPP_LUE"]},
        "NEE": {"model": d["NEE"], "LUE+Q10": d["NEE_LUEQ10"]},
        "ER": {"model": d["AR"] + d["HR"], "LUE+Q10": d["ER_LUEQ10"]},
        "LE": {"model": d["EFLX_LH_TOT"]},
        "H": {"model": d["FSH"]},
    }
    fig, axes = plt.subplots(len(series), 3, figsize=(13, 2.3 * len(series)), sharex="col",
                             gridspec_kw={"width_ratios": [3, 3, 1.4]})
    for row, (var, srcs) in enumerate(series.items()):
        obs = d.get(f"{var}_tower")
        has_obs = obs is not None and obs.notna().any()
        srcs = {k: srcs[k] for k in sorted(srcs, key=lambda k: k == "model")}  # the model drawn last
        curves = ({"tower": obs} if has_obs else {}) | srcs
        # monthly values as scored: paired with the tower days, months under the rule left out
        monthly = monthly_means(pd.DataFrame(curves)) if has_obs else pd.DataFrame(srcs).resample("MS").mean()
        ax_d, ax_m, ax_c = axes[row]
        for name, s in curves.items():
            ax_d.plot(s.index, s.values, label=name, **_STYLE[name])
            mon = monthly[name].reindex(pd.date_range(d.index[0].to_period("M").to_timestamp(), d.index[-1],
                                                      freq="MS"))
            ax_m.plot(mon.index, mon.values, marker=".", **_STYLE[name])
            ax_c.plot(np.arange(1, 13), mean_annual_cycle(mon), marker=".", **_STYLE[name])
        for ax in (ax_d, ax_m, ax_c):
            ax.axhline(0, color="0.6", lw=0.4)
        ax_d.set_ylabel(f"{var}\n[{UNITS[var]}]")
        r = skill if skill.empty else skill[(skill["variable"] == var) & (skill["aggregation"] == "daily")]
        note = ", ".join(f"{x.source} r={x.r:.2f}" for x in r.itertuples()) if len(r) else "no tower data"
        ax_d.text(0.01, 0.97, note, transform=ax_d.transAxes, va="top", fontsize=7)
        if row == 0:
            ax_d.set_title("daily")
            ax_m.set_title("monthly (paired with the tower days)")
            ax_c.set_title("mean seasonal cycle")
            ax_d.legend(fontsize=7, ncol=4, loc="upper right")
    axes[-1][2].set_xlabel("month")
    fig.suptitle(f"{site_id}: tpcarbon site mode against the tower (NEE positive = source)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --------------------------------------------------------------------------------------------
# tpcarbon evaluate: several sites from a TOML file
# --------------------------------------------------------------------------------------------

_SITE_KEYS = {"name": str, "file": str, "lat": float, "lon": float, "pft": str, "years": list,
              "spinup_years": int, "utc_offset": float}
_REQUIRED = ("file", "lat", "lon", "pft")

EXAMPLE_SITES = """# tpcarbon evaluate: the sites to score (paths relative to this file)
[[site]]
name = "FR-Hes"                                  # optional (default: the site code in the file name)
file = "data-cache/FR-Hes_europe-fluxdata_2016.txt"
lat = 48.6742
lon = 7.0656
pft = "broadleaf_deciduous_temperate_tree"
# years = [2016, 2016]                           # optional: a sub-range of the file's years
# spinup_years = 60                              # optional: cap of the spin-up
# utc_offset = 1                                 # optional: UTC offset of the stamps [h] (default: SW_IN)
"""


@dataclass(frozen=True)
class SiteSpec:
    """One site of a ``tpcarbon evaluate`` file."""

    name: str
    file: Path
    lat: float
    lon: float
    pft: str
    years: tuple[int, int] | None = None
    spinup_years: int | None = None
    utc_offset: float | None = None


def load_sites(path: str | Path) -> list[SiteSpec]:
    """Read and check a sites TOML file (``[[site]]`` tables, :data:`EXAMPLE_SITES`).

    Raises
    ------
    ConfigError
        One line naming the file, the key (``site[i].key``) and the fix.
    """
    import difflib

    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, "sites file not found", "give the path of a TOML file with [[site]] tables")
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"not valid TOML ({exc})", "fix the syntax at the position given") from None
    extra = set(data) - {"site"}
    if extra:
        key = sorted(extra)[0]
        raise ConfigError(path, f"unknown top-level key '{key}'", "put each site in a [[site]] table",
                          variable=key)
    sites = data.get("site")
    if not isinstance(sites, list) or not sites:
        raise ConfigError(path, "no [[site]] table", "add one [[site]] table per tower (file, lat, lon, pft)",
                          variable="site")
    out = []
    for i, s in enumerate(sites):
        where = f"site[{i}]"
        for k in s:
            if k not in _SITE_KEYS:
                hits = difflib.get_close_matches(k, list(_SITE_KEYS), n=1)
                fix = f"did you mean '{hits[0]}'?" if hits else f"valid keys: {', '.join(_SITE_KEYS)}"
                raise ConfigError(path, "unknown key", fix, variable=f"{where}.{k}")
        for k in _REQUIRED:
            if k not in s:
                raise ConfigError(path, "missing", f"give {k} for every site", variable=f"{where}.{k}")
        for k, typ in _SITE_KEYS.items():
            v = s.get(k)
            ok = isinstance(v, typ) or (typ is float and isinstance(v, int))
            if k in s and (not ok or isinstance(v, bool)):
                raise ConfigError(path, f"must be a {typ.__name__}", f"write {k} as a TOML {typ.__name__}",
                                  variable=f"{where}.{k}")
        years = s.get("years")
        if years is not None and (len(years) != 2 or not all(isinstance(y, int) for y in years)
                                  or years[1] < years[0]):
            raise ConfigError(path, f"{years} is not a year range", "write years = [Y0, Y1] with Y0 <= Y1",
                              variable=f"{where}.years")
        file = Path(s["file"])
        file = file if file.is_absolute() else path.parent / file
        if not file.is_file():
            raise ConfigError(path, f"tower file {file} not found",
                              "give the path of the tower file (relative to the sites file)",
                              variable=f"{where}.file")
        name = s.get("name") or file.stem
        out.append(SiteSpec(name=name, file=file, lat=float(s["lat"]), lon=float(s["lon"]), pft=s["pft"],
                            years=tuple(years) if years else None, spinup_years=s.get("spinup_years"),
                            utc_offset=None if s.get("utc_offset") is None else float(s["utc_offset"])))
    names = [x.name for x in out]
    dup = next((x for x in names if names.count(x) > 1), None)
    if dup:
        raise ConfigError(path, f"two sites are named '{dup}'", "give each site its own name",
                          variable="name")
    return out


def run_evaluate(sites_file: str | Path, out: str | Path, progress: bool = True, log=print) -> Path:
    """Run site mode at every site of a TOML file; write ``skill_all.csv`` and ``skill_summary.md``.

    Each site's outputs go to ``out/<name>/``. Returns the path of ``skill_summary.md``.
    """
    specs = load_sites(sites_file)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = []
    for spec in specs:
        log(f"evaluate: {spec.name} ({spec.file.name}, {spec.pft})")
        site_out = out / spec.name
        run_site(spec.file, spec.lat, spec.lon, spec.pft, years=spec.years, spinup_years=spec.spinup_years,
                 out=site_out, progress=progress, log=log, utc_offset=spec.utc_offset)
        if (site_out / "skill.csv").is_file():
            t = pd.read_csv(site_out / "skill.csv")
            t["site"] = spec.name
            t.insert(1, "pft", spec.pft)
            tables.append(t)
    allt = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    allt.to_csv(out / "skill_all.csv", index=False, float_format="%.4g")
    md = out / "skill_summary.md"
    md.write_text(skill_markdown(allt))
    return md


def _cell(x, spec: str) -> str:
    try:
        return _fmt(float(x), spec)
    except (TypeError, ValueError):
        return "n/a"


def headline_markdown(skill: pd.DataFrame) -> str:
    """One row per site: daily r and annual values of GPP and NEE (model vs baseline), LE and H r."""
    day = skill[skill["aggregation"] == "daily"].set_index(["site", "variable", "source"])

    def get(site, var, src, col, spec):
        key = (site, var, src)
        return _cell(day.loc[key, col], spec) if key in day.index else "n/a"

    lines = ["| site | PFT | days (NEE) | GPP r model / LUE | NEE r model / LUE+Q10 "
             "| annual GPP tower / model / LUE | annual NEE tower / model / LUE+Q10 | LE r | H r |",
             "|" + "---|" * 9]
    for site in dict.fromkeys(skill["site"]):
        pft = skill.loc[skill["site"] == site, "pft"].iloc[0] if "pft" in skill else ""
        lines.append(
            f"| {site} | {pft} | {get(site, 'NEE', 'model', 'n', '.0f')} | "
            f"{get(site, 'GPP', 'model', 'r', '.2f')} / {get(site, 'GPP', 'LUE', 'r', '.2f')} | "
            f"{get(site, 'NEE', 'model', 'r', '.2f')} / {get(site, 'NEE', 'LUE+Q10', 'r', '.2f')} | "
            f"{get(site, 'GPP', 'model', 'annual_obs', '.0f')} / "
            f"{get(site, 'GPP', 'model', 'annual_src', '.0f')} / "
            f"{get(site, 'GPP', 'LUE', 'annual_src', '.0f')} | "
            f"{get(site, 'NEE', 'model', 'annual_obs', '.0f')} / "
            f"{get(site, 'NEE', 'model', 'annual_src', '.0f')} / "
            f"{get(site, 'NEE', 'LUE+Q10', 'annual_src', '.0f')} | "
            f"{get(site, 'LE', 'model', 'r', '.2f')} | {get(site, 'H', 'model', 'r', '.2f')} |")
    return "\n".join(lines) + "\n"


def skill_markdown(skill: pd.DataFrame) -> str:
    """Docs-ready markdown: a headline row per site, then every variable and source of every site."""
    if skill.empty:
        return "No site had tower fluxes to score.\n"
    lines = [headline_markdown(skill),
             "| site | variable | source | days | daily r | daily RMSE | daily bias | monthly r "
             "| phase shift (d) | interannual r | annual tower | annual source | overall score (daily) |",
             "|" + "---|" * 13]
    day = skill[skill["aggregation"] == "daily"]
    mon = skill[skill["aggregation"] == "monthly"].set_index(["site", "variable", "source"])
    for r in day.to_dict("records"):
        key = (r["site"], r["variable"], r["source"])
        mr = mon.loc[key, "r"] if key in mon.index else np.nan
        cells = [_cell(r.get(c), f) for c, f in (("n", ".0f"), ("r", ".2f"), ("rmse", ".2f"),
                                                 ("bias", "+.2f"))]
        cells += [_cell(mr, ".2f")]
        cells += [_cell(r.get(c), f) for c, f in (("phase_shift_days", "+.0f"), ("interannual_r", ".2f"),
                                                 ("annual_obs", ".0f"), ("annual_src", ".0f"),
                                                 ("overall_score", ".2f"))]
        lines.append(f"| {r['site']} | {r['variable']} | {r['source']} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Units: GPP, NEE, ER daily values in g C m-2 d-1 and annual values in g C m-2 yr-1; LE, H "
                 "in W m-2 (annual: mean). NEE positive = source. Scores: ILAMB (Collier et al. 2018), "
                 "1 = perfect. n/a: not enough data (annual values need every month with >= 3 valid days, "
                 "interannual r >= 3 such years).")
    return "\n".join(lines) + "\n"
