"""The forcing section's station check: the default climatology against the bundled station normals.

Used by :mod:`tpcarbon.report.html` for runs on the embedded generated weather: a figure (maps with the
stations, station-vs-cell scatter; :func:`tpcarbon.plot.forcing_maps.plot_station_climate`) and a table
``tables/station_climate.csv`` (station, normal, cell value lapse-adjusted to the station's elevation).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.io.writers import atomic_path


def station_vs_cell(lat, lon, elev, temp_c, prec_mm) -> pd.DataFrame:
    """Located stations inside the grid: normal (moved to 1979-2018) against the cell holding the station.

    Cell temperature ``t_cell_degC`` and precipitation ``p_cell_adj_mm`` are moved to the station's elevation with
    the generator's fitted elevation profile; ``p_cell_mm`` is the cell's precipitation as it is.

    ``lat, lon`` grid centres (ascending, regular), ``elev, temp_c, prec_mm`` (nlat, nlon) with NaN outside.
    """
    from tpcarbon.forcing import stations as st_mod
    from tpcarbon.forcing.generator import P_MEAN_TARGET, P_TREND, REF_YEAR, T_TREND, WeatherGenerator

    lat, lon = np.asarray(lat), np.asarray(lon)
    res = float(lat[1] - lat[0]) if lat.size > 1 else float(lon[1] - lon[0]) if lon.size > 1 else 1.0
    gen = WeatherGenerator()
    rows = []
    for s in st_mod.stations():
        if not s.located:
            continue
        i, j = int(np.floor((s.lat - (lat[0] - res / 2)) / res)), int(np.floor((s.lon - (lon[0] - res / 2)) / res))
        if not (0 <= i < lat.size and 0 <= j < lon.size) or not np.isfinite(temp_c[i, j]):
            continue
        shift = np.nan_to_num(REF_YEAR - st_mod.period_centre(s.t_period))
        p_shift = np.nan_to_num(REF_YEAR - st_mod.period_centre(s.p_period))
        rows.append({"station": s.name, "region": s.region, "lat": s.lat, "lon": s.lon, "elev_m": s.elev,
                     "cell_elev_m": float(elev[i, j]), "t_period": s.t_period, "p_period": s.p_period,
                     "t_obs_degC": s.t_ann + T_TREND * shift,
                     "t_cell_degC": float(gen.temperature_at(temp_c[i, j], elev[i, j], s.elev)),
                     "p_obs_mm": s.p_ann * (1.0 + P_TREND / P_MEAN_TARGET * p_shift),
                     "p_cell_mm": float(prec_mm[i, j]),
                     "p_cell_adj_mm": float(gen.precipitation_at(prec_mm[i, j], elev[i, j], s.elev))})
    return pd.DataFrame(rows, columns=["station", "region", "lat", "lon", "elev_m", "cell_elev_m", "t_period",
                                       "p_period", "t_obs_degC", "t_cell_degC", "p_obs_mm", "p_cell_mm",
                                       "p_cell_adj_mm"])


def station_climate_outputs(res, out: Path) -> list[Path]:
    """Figure ``figures/fig02_station_climate.png`` and table ``tables/station_climate.csv`` of a run.

    Only for runs on the embedded generated weather (``res.synthetic``) with a map; returns the written paths.
    """
    if not res.synthetic or res.lat is None or "NEP_mean_S1" not in res.maps:
        return []
    from tpcarbon.forcing.generator import WeatherGenerator
    from tpcarbon.plot.forcing_maps import plot_station_climate
    from tpcarbon.surface.default import aggregate_to_grid
    from tpcarbon.surface.grid import Grid

    lat, lon = np.asarray(res.lat, dtype=np.float64), np.asarray(res.lon, dtype=np.float64)
    step = float(lat[1] - lat[0]) if lat.size > 1 else float(lon[1] - lon[0])
    elev, _ = aggregate_to_grid(Grid(lat=lat, lon=lon, res=step))
    valid = np.isfinite(res.maps["NEP_mean_S1"]) & np.isfinite(elev)
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    clim = WeatherGenerator().climatology(la[valid], lo[valid], elev[valid])
    temp, prec = np.full(valid.shape, np.nan), np.full(valid.shape, np.nan)
    temp[valid], prec[valid] = clim["temp_c"], clim["prec_mm"]
    table = station_vs_cell(lat, lon, np.where(valid, elev, np.nan), temp, prec)
    csv = out / "tables" / "station_climate.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(csv) as tmp:
        table.to_csv(tmp, index=False)
    fig = plot_station_climate(out / "figures" / "fig02_station_climate.png", lat, lon, temp, prec, table)
    return [fig, csv]


__all__ = ["station_climate_outputs", "station_vs_cell"]
