"""Station-by-station check of the generator's climatology: leave-one-out at the run grid.

For each located station the generator is re-anchored without it, its climatology is evaluated at the run-grid
cell that contains the station (cell elevation: the area-weighted mean of the bundled DEM) and the cell
temperature is moved to the station's elevation with the generator's elevation profile
(:meth:`~tpcarbon.forcing.generator.WeatherGenerator.temperature_at`: the fitted quadratic one, or the
background's 6 K km-1). Compared with the station's normals moved to the generator's period (1979-2018) with the
study's trends: the RMSE of the published monthly means (January, July and the other months where published)
and the relative error of annual precipitation. Precipitation is read three ways:

* ``p_rel_err`` (the criterion's reading): the cell's value moved to the station's elevation with the
  climatology's own fitted elevation term (:meth:`~tpcarbon.forcing.generator.WeatherGenerator.precipitation_at`),
  as temperature is moved with the fitted lapse rate;
* ``p_rel_err_published``: moved with the published mean relative gradient of the plateau's sub-basins,
  +4.25 % per 100 m (:data:`P_GRADIENT_PUBLISHED`; Jiang et al. 2022, HESS 26, 4587, annual RPG averaged over
  388 sub-basins above 2500 m), linear in the elevation difference;
* ``p_rel_err_cell``: the cell's value as it is (no elevation adjustment).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tpcarbon.forcing import stations as st_mod
from tpcarbon.forcing.generator import P_MEAN_TARGET, P_TREND, REF_YEAR, T_TREND, WeatherGenerator
from tpcarbon.surface.default import aggregate_to_grid
from tpcarbon.surface.grid import make_grid

#: The issue-13 criteria: monthly temperature RMSE [K] and relative annual precipitation error [-].
T_RMSE_MAX = 1.5
P_REL_MAX = 0.25
#: Share of stations that must meet each criterion [-].
SHARE_MIN = 0.8
#: Published relative precipitation gradient [per 100 m] (Jiang et al. 2022, HESS 26, 4587: 4.25 % per 100 m,
#: the annual mean over the plateau's sub-basins; negative along the Himalayas, Hengduan and western Kunlun).
P_GRADIENT_PUBLISHED = 0.0425


def cell_of(lat: float, lon: float, res: float) -> tuple[float, float, float]:
    """Centre latitude, longitude [degrees] and mean elevation [m] of the ``res`` grid cell holding a point."""
    s, w = np.floor(lat / res) * res, np.floor(lon / res) * res
    g = make_grid(res, bbox=(round(s, 6), round(s + 2 * res, 6), round(w, 6), round(w + 2 * res, 6)))  # 2 x 2 cells
    elev, _ = aggregate_to_grid(g)
    return float(g.lat[0]), float(g.lon[0]), float(elev[0, 0])


def compare(gen: WeatherGenerator, st: st_mod.Station, res: float) -> dict:
    """Generator (at the cell, lapse-adjusted) against one station's normals (see the module docstring)."""
    clat, clon, celev = cell_of(st.lat, st.lon, res)
    la, lo, z = np.array([clat]), np.array([clon]), np.array([celev])
    shift = np.nan_to_num(REF_YEAR - st_mod.period_centre(st.t_period))
    p_shift = np.nan_to_num(REF_YEAR - st_mod.period_centre(st.p_period))
    t_gen = gen.temperature_at(gen.monthly_temperature(la, lo, z)[:, 0], celev, st.elev)
    t_obs = st.t_month + T_TREND * shift
    ok = np.isfinite(t_obs)
    rmse = float(np.sqrt(np.mean((t_gen[ok] - t_obs[ok]) ** 2))) if ok.any() else float("nan")
    clim = gen.climatology(la, lo, z)
    t_ann_gen = float(gen.temperature_at(clim["temp_c"][0], celev, st.elev))
    p_cell = float(clim["prec_mm"][0])
    p_gen = float(gen.precipitation_at(p_cell, celev, st.elev))
    p_pub = p_cell * max(1.0 + P_GRADIENT_PUBLISHED * (st.elev - celev) / 100.0, 0.05)
    p_obs = st.p_ann * (1.0 + P_TREND / P_MEAN_TARGET * p_shift)
    rel = (lambda p: p / p_obs - 1.0) if np.isfinite(p_obs) else (lambda p: float("nan"))
    return {"station": st.name, "region": st.region, "lat": st.lat, "lon": st.lon, "elev_m": st.elev,
            "cell_elev_m": celev, "n_months": int(ok.sum()), "t_rmse_K": rmse,
            "t_ann_bias_K": t_ann_gen - (st.t_ann + T_TREND * shift), "p_obs_mm": p_obs, "p_cell_mm": p_cell,
            "p_gen_mm": p_gen, "p_rel_err": rel(p_gen), "p_rel_err_published": rel(p_pub),
            "p_rel_err_cell": rel(p_cell)}


def leave_one_out(res: float = 0.1, base: WeatherGenerator | None = None) -> pd.DataFrame:
    """Leave-one-out table over the located stations, plus the background-only and in-sample errors.

    Columns ``t_rmse_K``, ``p_rel_err`` (leave-one-out), ``*_background`` (generator without stations) and
    ``*_insample`` (all stations used).
    """
    base = base or WeatherGenerator()
    rows = []
    for st in st_mod.stations():
        if not st.located:
            continue
        loo = compare(WeatherGenerator(seed=base.seed, t0=base.t0, p0=base.p0, exclude=(st.name,)), st, res)
        bg = compare(WeatherGenerator(seed=base.seed, t0=base.t0, p0=base.p0, stations=False), st, res)
        ins = compare(base, st, res)
        loo.update({"t_rmse_K_background": bg["t_rmse_K"], "p_rel_err_background": bg["p_rel_err"],
                    "t_rmse_K_insample": ins["t_rmse_K"], "p_rel_err_insample": ins["p_rel_err"]})
        rows.append(loo)
    return pd.DataFrame(rows)


def criteria(table: pd.DataFrame, p_column: str = "p_rel_err") -> dict[str, float]:
    """Shares of stations meeting each criterion (over the stations that publish the quantity).

    ``p_column`` selects the precipitation reading (``p_rel_err``, ``p_rel_err_published``, ``p_rel_err_cell``).
    """
    t = table.t_rmse_K.dropna()
    p = table[p_column].dropna()
    return {"n_temperature": int(t.size), "share_t_rmse_ok": float((t <= T_RMSE_MAX).mean()) if t.size else np.nan,
            "n_precipitation": int(p.size),
            "share_p_ok": float((p.abs() <= P_REL_MAX).mean()) if p.size else np.nan}


__all__ = ["P_GRADIENT_PUBLISHED", "P_REL_MAX", "SHARE_MIN", "T_RMSE_MAX", "cell_of", "compare", "criteria", "leave_one_out"]
