"""Figures of the report (matplotlib, Agg): plain lat/lon maps with the plateau outline, series, bars.

Every function takes analysis results (arrays, tables) and a path, writes one PNG and
returns the path. No cartopy: maps are ``pcolormesh`` on regular lat/lon with the
outline of the simulated cells.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap, TwoSlopeNorm  # noqa: E402

SYNTHETIC_TAG = "generated weather - not observations"


def _finish(fig, path: Path, synthetic: bool) -> Path:
    if synthetic:
        fig.text(0.99, 0.01, SYNTHETIC_TAG, ha="right", va="bottom", fontsize=7, color="firebrick")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def _outline(ax, lat, lon, valid):
    ax.contour(lon, lat, valid.astype(float), levels=[0.5], colors="k", linewidths=0.6)


def map_figure(path: Path, lat, lon, field, title: str, units: str, synthetic: bool = False,
               diverging: bool = False, cmap: str = "viridis") -> Path:
    """One map of a 2-D field [units] with the outline of the valid cells."""
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    valid = np.isfinite(field)
    kw = {}
    if diverging and valid.any():
        lim = float(np.nanmax(np.abs(field))) or 1.0
        kw["norm"] = TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim)
        cmap = "RdBu_r" if cmap == "viridis" else cmap
    m = ax.pcolormesh(lon, lat, np.ma.masked_invalid(field), shading="nearest", cmap=cmap, **kw)
    _outline(ax, lat, lon, valid)
    fig.colorbar(m, ax=ax, label=units, shrink=0.85)
    ax.set(title=title, xlabel="longitude (°E)", ylabel="latitude (°N)", aspect="equal")
    return _finish(fig, path, synthetic)


def class_map(path: Path, lat, lon, codes, labels: list[str], colors: list[str], title: str,
              synthetic: bool = False) -> Path:
    """A categorical map (codes 0..n-1, NaN outside)."""
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    cmap = ListedColormap(colors)
    norm = BoundaryNorm(np.arange(-0.5, len(labels) + 0.5), cmap.N)
    m = ax.pcolormesh(lon, lat, np.ma.masked_invalid(np.where(codes >= 0, codes, np.nan)), shading="nearest",
                      cmap=cmap, norm=norm)
    _outline(ax, lat, lon, np.isfinite(codes))
    cb = fig.colorbar(m, ax=ax, ticks=range(len(labels)), shrink=0.85)
    cb.ax.set_yticklabels(labels)
    ax.set(title=title, xlabel="longitude (°E)", ylabel="latitude (°N)", aspect="equal")
    return _finish(fig, path, synthetic)


def series_figure(path: Path, series: pd.DataFrame, variable: str, experiments: list[str], title: str, units: str,
                  synthetic: bool = False, trend: bool = True) -> Path:
    """Regional annual series of ``variable`` for some experiments, with OLS trend lines."""
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    for exp in experiments:
        g = series[series.experiment == exp]
        if g.empty or variable not in g:
            continue
        (line,) = ax.plot(g["year"], g[variable], marker="o", ms=2.5, lw=1.2, label=exp)
        if trend and len(g) >= 3:
            k, b = np.polyfit(g["year"], g[variable], 1)
            ax.plot(g["year"], k * g["year"] + b, ls="--", lw=0.8, color=line.get_color())
    ax.axhline(0.0, color="0.6", lw=0.5)
    ax.set(title=title, xlabel="year", ylabel=units)
    ax.legend(fontsize=8, ncols=4)
    return _finish(fig, path, synthetic)


def bar_figure(path: Path, labels: list[str], values: list[float], title: str, units: str,
               synthetic: bool = False) -> Path:
    """A bar chart (attribution, area shares)."""
    fig, ax = plt.subplots(figsize=(6.0, 3.2))
    ax.bar(labels, values, color=["#d95f02" if v < 0 else "#1b9e77" for v in values])
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set(title=title, ylabel=units)
    return _finish(fig, path, synthetic)
