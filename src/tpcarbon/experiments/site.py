"""Site mode: one column on flux-tower forcing, spun up on the site's own years, compared with the tower.

``tpcarbon site --forcing FILE --lat --lon --pft NAME --out DIR``:

1. read the half-hourly or hourly tower file (:func:`tpcarbon.io.fluxnet.read_site_forcing`:
   FLUXNET2015 or europe-fluxdata, gaps filled and counted, LW estimated if absent);
2. build a one-cell domain with the chosen CLM PFT (name or unambiguous prefix);
3. spin up by cycling the site's years (AD + matrix, as the gridded runs) with CO2 from the
   file or the bundled table;
4. run the years once more at the file's step (``dt`` 1800 or 3600 s, no photosynthesis
   sub-steps), one chunk per day, and write ``daily.csv`` (``date, GPP, NPP, AR, HR, NEP,
   NEE, LAI`` in g C m-2 d-1 and m2 m-2) and, when the file has observed NEE / GPP,
   ``skill.csv`` (daily r, RMSE, bias and annual sums; days with > 20 % missing
   observations are left out) and ``site.png``.

Tower time stamps are local standard time. Solar geometry needs UTC, so the column is placed
at the *solar-equivalent* longitude ``lon − 15·round(lon/15)`` (the hour angle is then right
for local standard time); the reported longitude is the real one. Soil texture is the
default loam (sand 40 %, clay 20 %) unless the tower's soil is known: a stated simplification.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.errors import ConfigError, InputError
from tpcarbon.forcing.stream import ForcingChunk
from tpcarbon.params.vertical import NLEVSOI, Z
from tpcarbon.surface.domain import Domain
from tpcarbon.surface.grid import make_grid

#: µmol CO2 m-2 s-1 → g C m-2 s-1.
UMOL_TO_GC = 12.011e-6
MAX_MISSING_DAY = 0.2


def site_domain(lat: float, lon: float, pft_name: str, pres_mean: float) -> Domain:
    """A one-cell domain at (lat, solar-equivalent lon) with one PFT."""
    from tpcarbon.io.fluxnet import elevation_from_pressure
    from tpcarbon.params.pft import pft_index_from_name

    try:
        ip = pft_index_from_name(pft_name)
    except (KeyError, ValueError) as exc:
        raise ConfigError(None, str(exc).strip("'\""), "give a CLM PFT name or an unambiguous prefix",
                          variable="--pft") from None
    if not (-90 < lat < 90 and -180 <= lon <= 360):
        raise ConfigError(None, f"invalid position {lat}, {lon}", "give --lat in -90..90 and --lon in -180..180",
                          variable="--lat/--lon")
    lon_sol = lon - 15.0 * round(lon / 15.0)
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


def _daily_obs(d, name: str) -> pd.Series | None:
    v = getattr(d, name)
    if v is None or not np.isfinite(v).any():
        return None
    day = pd.to_datetime(d.time.astype("datetime64[D]"))
    s = pd.DataFrame({"day": day, "v": v * UMOL_TO_GC * d.dt})
    g = s.groupby("day")["v"]
    n = g.size()
    frac_missing = 1.0 - g.count() / n
    daily = g.mean() * n  # mean of available steps x steps per day
    return daily.where(frac_missing <= MAX_MISSING_DAY)


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


def skill_table(daily: pd.DataFrame, data) -> pd.DataFrame:
    """Daily r, RMSE, bias and annual sums of model vs tower (NEE, GPP when observed)."""
    rows = []
    for var, obs_name in (("NEE", "nee_obs"), ("GPP", "gpp_obs"), ("HR+AR", "reco_obs")):
        obs = _daily_obs(data, obs_name)
        if obs is None:
            continue
        mod = daily.set_index(pd.to_datetime(daily["date"]))
        m = mod["AR"] + mod["HR"] if var == "HR+AR" else mod[var]
        j = pd.concat([m.rename("model"), obs.rename("obs")], axis=1).dropna()
        if len(j) < 10:
            continue
        diff = j["model"] - j["obs"]
        rows.append({"variable": "ER" if var == "HR+AR" else var, "n_days": len(j),
                     "r_daily": float(np.corrcoef(j["model"], j["obs"])[0, 1]),
                     "rmse_gC_m2_d": float(np.sqrt((diff**2).mean())), "bias_gC_m2_d": float(diff.mean()),
                     "model_sum_gC_m2": float(j["model"].sum()), "obs_sum_gC_m2": float(j["obs"].sum()),
                     "model_annual_gC_m2_yr": float(m.sum() * 365.0 / max(len(m), 1)),
                     "obs_annual_gC_m2_yr": float(j["obs"].mean() * 365.0)})
    return pd.DataFrame(rows)


def run_site(forcing_file: str | Path, lat: float, lon: float, pft: str, years: tuple[int, int] | None = None,
             spinup_years: int | None = None, out: str | Path = "tpcarbon-site", progress: bool = True,
             log=print) -> Path:
    """Run site mode (module docstring); returns the path of ``daily.csv``."""
    from tpcarbon.experiments.runner import co2_function
    from tpcarbon.experiments.spinup import SpinupConfig, run_spinup
    from tpcarbon.io.fluxnet import read_site_forcing
    from tpcarbon.model.driver import Model, ModelOptions
    from tpcarbon.params.pft import load_params

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = read_site_forcing(forcing_file, lat=lat, lon=lon)
    for w in data.warnings:
        log(f"site: WARNING {w}")
    data, partition_note = _partition_if_needed(data)
    if partition_note:
        log(f"site: {partition_note}")
    fyears = data.time.astype("datetime64[Y]").astype(int) + 1970
    first, last = int(fyears.min()), int(fyears.max())
    # a trailing partial year (the last record of 31 Dec stamped into the next year) is not a run year
    full = [y for y in range(first, last + 1) if (fyears == y).sum() >= 300 * 86400 / data.dt]
    if not full:
        raise InputError(forcing_file, "no year with at least 300 days of records", "give a file with a full year")
    years = years or (full[0], full[-1])
    for k, v in data.gapfill.items():
        if isinstance(v, float) and v > 0:
            log(f"site: {k} gap-filled for {100 * v:.2f} % of the records")
    domain = site_domain(lat, lon, pft, float(np.nanmean(data.pres)))
    model = Model(domain, load_params(), ModelOptions(dt=data.dt, n_substeps=1))
    source = SiteSource(data, domain, years)
    co2 = source.co2(co2_function("historical"))
    n = years[1] - years[0] + 1
    max_years = spinup_years or max(60, 3 * n)
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
                     "LAI": float(o.get("TLAI")[0])})
    daily = pd.DataFrame(rows)
    daily["NEE"] = -daily["NEP"]
    daily = daily[["date", "GPP", "NPP", "AR", "HR", "NEP", "NEE", "LAI"]]
    path = out / "daily.csv"
    daily.to_csv(path, index=False, float_format="%.5g")
    sk = skill_table(daily, data)
    if not sk.empty:
        sk.to_csv(out / "skill.csv", index=False, float_format="%.4g")
        for r in sk.itertuples():
            log(f"site skill {r.variable}: daily r {r.r_daily:.2f}, RMSE {r.rmse_gC_m2_d:.2f}, bias "
                f"{r.bias_gC_m2_d:+.2f} g C m-2 d-1; sums model {r.model_sum_gC_m2:.0f} vs tower "
                f"{r.obs_sum_gC_m2:.0f} g C m-2 over {r.n_days} days")
        _site_figure(daily, data, out / "site.png")
    log(f"site: {res.message}")
    return path


def _site_figure(daily: pd.DataFrame, data, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.2))
    t = pd.to_datetime(daily["date"])
    ax.plot(t, daily["NEE"], lw=1, label="tpcarbon NEE")
    obs = _daily_obs(data, "nee_obs")
    if obs is not None:
        ax.plot(obs.index, obs.values, lw=1, label="tower NEE", alpha=0.8)
    ax.axhline(0, color="0.5", lw=0.5)
    ax.set(ylabel="g C m-2 d-1", title=f"{data.site_id}: daily NEE (positive = source)")
    ax.legend()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
