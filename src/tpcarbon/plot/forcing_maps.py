"""Figure of the forcing section: the default climatology's annual temperature and precipitation with the stations.

Two maps (annual mean air temperature, annual precipitation of the generator's climatology on the run grid)
with the located stations of ``data/tp_station_normals.csv`` on top, and two scatter plots of station against
cell, both moved to the station's elevation with the generator's fitted elevation profile (temperature: lapse
rate; precipitation: the fitted elevation term of ln P, ``p_cell_adj_mm``, else the cell's value
``p_cell_mm``). Generated weather: the figure says so.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from tpcarbon.plot.figures import finish_figure  # noqa: E402


def plot_station_climate(path: Path, lat, lon, temp_c, prec_mm, table: pd.DataFrame,
                         synthetic: bool = True) -> Path:
    """Write the station-climate figure and return its path.

    Parameters
    ----------
    path : Path
        PNG to write.
    lat, lon : ndarray, shape (nlat,), (nlon,)
        Grid centres [degrees].
    temp_c, prec_mm : ndarray, shape (nlat, nlon)
        Annual mean temperature [°C] and annual precipitation [mm] of the climatology (NaN outside the mask).
    table : DataFrame
        One row per station with ``lat, lon, t_obs_degC, t_cell_degC, p_obs_mm`` and ``p_cell_adj_mm`` (or
        ``p_cell_mm``, unadjusted) (NaN where the station does not publish the quantity), e.g.
        :func:`tpcarbon.report.forcing_table.station_vs_cell`.
    synthetic : bool
        Tag the figure as generated weather.
    """
    fig, axes = plt.subplots(2, 2, figsize=(11.0, 7.0), gridspec_kw={"width_ratios": [2.2, 1.0]})
    for ax, field, label, cmap, col in ((axes[0, 0], temp_c, "annual mean air temperature (°C)", "RdYlBu_r",
                                         "t_obs_degC"),
                                        (axes[1, 0], prec_mm, "annual precipitation (mm)", "YlGnBu", "p_obs_mm")):
        m = ax.pcolormesh(lon, lat, np.ma.masked_invalid(field), shading="nearest", cmap=cmap)
        fig.colorbar(m, ax=ax, label=label, shrink=0.85)
        has = table[col].notna()
        ax.scatter(table.lon[has], table.lat[has], c="k", s=22, marker="^", label="station with this normal")
        ax.scatter(table.lon[~has], table.lat[~has], facecolors="none", edgecolors="k", s=22, marker="^",
                   label="station without it")
        for _, r in table.iterrows():
            ax.annotate(r.station, (r.lon, r.lat), xytext=(3, 3), textcoords="offset points", fontsize=7)
        ax.set(xlabel="longitude (°E)", ylabel="latitude (°N)", aspect="equal", title=f"Default climatology: {label}")
        ax.legend(fontsize=7, loc="lower left")
    p_gen, p_ylab = (("p_cell_adj_mm", "generator, cell moved to the station's elevation\n(fitted elevation term of ln P)")
                     if "p_cell_adj_mm" in table else ("p_cell_mm", "generator, cell (no elevation adjustment)"))
    for ax, obs, gen, lab, log, ylab in (
            (axes[0, 1], "t_obs_degC", "t_cell_degC", "annual mean temperature (°C)", False,
             "generator, cell lapse-adjusted\nto the station's elevation (°C)"),
            (axes[1, 1], "p_obs_mm", p_gen, "annual precipitation (mm)", True, p_ylab + " (mm)")):
        ok = table[obs].notna() & table[gen].notna()
        ax.scatter(table[obs][ok], table[gen][ok], c="k", s=18)
        for _, r in table[ok].iterrows():
            ax.annotate(r.station, (r[obs], r[gen]), xytext=(3, 3), textcoords="offset points", fontsize=7)
        if ok.any():
            lo = float(min(table[obs][ok].min(), table[gen][ok].min()))
            hi = float(max(table[obs][ok].max(), table[gen][ok].max()))
            ax.plot([lo, hi], [lo, hi], color="0.5", lw=0.8)
        if log and ok.any() and (table[obs][ok] > 0).all() and (table[gen][ok] > 0).all():
            ax.set(xscale="log", yscale="log")
        if not ok.any():
            ax.text(0.5, 0.5, "no station with this normal in the region", ha="center", va="center",
                    transform=ax.transAxes, fontsize=8)
        ax.set(xlabel=f"station normal: {lab}", ylabel=ylab, title="Station vs cell")
    fig.tight_layout()
    return finish_figure(fig, path, synthetic)


__all__ = ["plot_station_climate"]
