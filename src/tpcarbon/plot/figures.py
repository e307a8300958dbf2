"""Figures of the report (matplotlib, Agg): lat/lon maps with the outline of the simulated cells, series, bars.

Every function takes analysis results (arrays, tables) and a path, writes the figure as PNG
(150 dpi) with SVG and PDF beside it, and returns the PNG path. Maps that are compared share
one colour scale (robust: the 98th percentile of the absolute values over all panels, so one
extreme pixel does not wash the others out); significance (p < 0.05) is stippled. Series are
autoscaled to their data. No cartopy: maps are ``pcolormesh`` on regular lat/lon.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize, TwoSlopeNorm  # noqa: E402

SYNTHETIC_TAG = "generated weather - not observations"
#: Formats written beside every PNG.
VECTOR_FORMATS = ("svg", "pdf")
#: Resolution of the PNG files [dots per inch].
DPI = 150
#: Percentile of |values| (over all panels of a figure) used as the colour limit of compared maps.
ROBUST_PERCENTILE = 98.0
#: p-value below which a pixel is stippled.
ALPHA = 0.05
#: Line style of each experiment in series plots (so that overlapping runs stay visible).
STYLES = {"S1": {"color": "black", "lw": 2.2, "ls": "-", "marker": "o", "zorder": 5},
          "S2": {"color": "#d95f02", "lw": 1.3, "ls": "--", "marker": "s", "zorder": 4},
          "S3": {"color": "#1b9e77", "lw": 1.3, "ls": "-.", "marker": "^", "zorder": 4},
          "S4": {"color": "#7570b3", "lw": 1.3, "ls": ":", "marker": "D", "zorder": 6},
          "ssp126": {"color": "#1a9850", "lw": 1.3, "ls": "-", "marker": None, "zorder": 4},
          "ssp245": {"color": "#4575b4", "lw": 1.3, "ls": "-", "marker": None, "zorder": 4},
          "ssp370": {"color": "#f46d43", "lw": 1.3, "ls": "-", "marker": None, "zorder": 4},
          "ssp585": {"color": "#a50026", "lw": 1.3, "ls": "-", "marker": None, "zorder": 4}}


def finish_figure(fig, path: Path, synthetic: bool) -> Path:
    """Save ``fig`` as PNG (``DPI``) at ``path`` and beside it in ``VECTOR_FORMATS``, tagged when the run used
    generated weather, then close it. Returns ``path``."""
    if synthetic:
        fig.text(0.99, 0.005, SYNTHETIC_TAG, ha="right", va="bottom", fontsize=7, color="firebrick")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    for ext in VECTOR_FORMATS:
        fig.savefig(path.with_suffix(f".{ext}"), bbox_inches="tight")
    plt.close(fig)
    return path


def robust_limit(fields: Sequence[np.ndarray], percentile: float = ROBUST_PERCENTILE) -> float:
    """One symmetric colour limit for maps that are compared: a high percentile of |values| over all of them.

    Examples
    --------
    >>> robust_limit([np.array([1.0, -2.0, np.nan]), np.array([3.0, 100.0])], percentile=50)
    2.5
    """
    vals = np.concatenate([np.abs(np.asarray(f, dtype=np.float64)).ravel() for f in fields])
    vals = vals[np.isfinite(vals)]
    lim = float(np.percentile(vals, percentile)) if vals.size else 1.0
    return lim if lim > 0 else (float(vals.max()) if vals.size and vals.max() > 0 else 1.0)


def robust_range(fields: Sequence[np.ndarray], percentile: float = ROBUST_PERCENTILE) -> tuple[float, float]:
    """Shared (low, high) colour range of compared sequential maps: the (100 - p, p) percentiles over all."""
    vals = np.concatenate([np.asarray(f, dtype=np.float64).ravel() for f in fields])
    vals = vals[np.isfinite(vals)]
    if not vals.size:
        return 0.0, 1.0
    lo, hi = np.percentile(vals, [100.0 - percentile, percentile])
    return (float(lo), float(hi)) if hi > lo else (float(vals.min()), float(vals.min()) + 1.0)


def _outline(ax, lat, lon, valid):
    if valid.any() and not valid.all():
        ax.contour(lon, lat, valid.astype(float), levels=[0.5], colors="k", linewidths=0.6)


def _stipple(ax, lat, lon, pvalue, alpha: float = ALPHA) -> None:
    if pvalue is None:
        return
    sig = np.isfinite(pvalue) & (pvalue < alpha)
    if sig.any():
        la, lo = np.meshgrid(lat, lon, indexing="ij")
        ax.scatter(lo[sig], la[sig], s=14, c="k", marker=".", linewidths=0, label=f"p < {alpha}")


def _draw_map(ax, lat, lon, field, norm, cmap, pvalue=None):
    valid = np.isfinite(field)
    m = ax.pcolormesh(lon, lat, np.ma.masked_invalid(field), shading="nearest", cmap=cmap, norm=norm)
    _outline(ax, lat, lon, valid)
    _stipple(ax, lat, lon, pvalue)
    ax.set(xlabel="longitude (°E)", ylabel="latitude (°N)", aspect="equal")
    return m


def _norm(fields: Sequence[np.ndarray], diverging: bool, limit: float | tuple[float, float] | None):
    if diverging:
        lim = float(limit) if isinstance(limit, (int, float)) else robust_limit(fields)
        return TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim), "RdBu_r"
    lo, hi = limit if isinstance(limit, tuple) else robust_range(fields)
    return Normalize(vmin=lo, vmax=hi), "viridis"


def map_figure(path: Path, lat, lon, field, title: str, units: str, synthetic: bool = False,
               diverging: bool = False, cmap: str | None = None, pvalue=None,
               limit: float | tuple[float, float] | None = None) -> Path:
    """One map of a 2-D field [units] with the outline of the valid cells; stippled where ``pvalue`` < 0.05."""
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    norm, default_cmap = _norm([field], diverging, limit)
    m = _draw_map(ax, lat, lon, field, norm, cmap or default_cmap, pvalue)
    fig.colorbar(m, ax=ax, label=units, shrink=0.85, extend="both")
    ax.set_title(title + (f"\n(dots: p < {ALPHA})" if pvalue is not None else ""), fontsize=10)
    return finish_figure(fig, path, synthetic)


def map_panels(path: Path, lat, lon, panels: Sequence[tuple[str, np.ndarray, np.ndarray | None]], title: str,
               units: str, synthetic: bool = False, diverging: bool = True, ncols: int = 2,
               limit: float | tuple[float, float] | None = None) -> Path:
    """Maps that are compared, side by side on one shared colour scale and one colour bar.

    ``panels`` is a list of ``(panel title, field, p-value map or None)``; the colour limit is
    :func:`robust_limit` over all fields (or ``limit``).
    """
    n = len(panels)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    aspect = (np.ptp(lat) + 1e-9) / (np.ptp(lon) + 1e-9) if np.size(lat) > 1 and np.size(lon) > 1 else 0.5
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols + 0.8, (4.2 * aspect + 0.7) * nrows + 0.6),
                             squeeze=False, constrained_layout=True)
    norm, cmap = _norm([f for _, f, _ in panels], diverging, limit)
    m = None
    for ax, (sub, field, p) in zip(axes.ravel(), panels, strict=False):
        m = _draw_map(ax, lat, lon, field, norm, cmap, p)
        ax.set_title(sub, fontsize=9)
        ax.label_outer()
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    if m is not None:
        fig.colorbar(m, ax=axes.ravel().tolist(), label=units, shrink=0.8, extend="both")
    stippled = any(p is not None for _, _, p in panels)
    fig.suptitle(title + (f" (dots: p < {ALPHA})" if stippled else ""), fontsize=11)
    return finish_figure(fig, path, synthetic)


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
    return finish_figure(fig, path, synthetic)


def series_figure(path: Path, series: pd.DataFrame, variable: str, experiments: list[str], title: str, units: str,
                  synthetic: bool = False, trend: bool = True, labels: dict[str, str] | None = None) -> Path:
    """Regional annual series of ``variable`` for some experiments, with OLS trend lines; autoscaled.

    Each experiment has its own colour, line style and marker (S1 thick black, drawn under S4's dotted
    line), so runs that coincide stay visible; the y axis spans the data, not zero.
    """
    labels = labels or {}
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    lo, hi = np.inf, -np.inf
    for exp in experiments:
        g = series[series.experiment == exp]
        if g.empty or variable not in g:
            continue
        st = STYLES.get(exp, {"lw": 1.2})
        ax.plot(g["year"], g[variable], ms=3, label=labels.get(exp, exp), **st)
        lo, hi = min(lo, float(g[variable].min())), max(hi, float(g[variable].max()))
        if trend and len(g) >= 3:
            k, b = np.polyfit(g["year"], g[variable], 1)
            ax.plot(g["year"], k * g["year"] + b, ls=(0, (4, 2)), lw=0.8, color=st.get("color"), zorder=3)
    if np.isfinite(lo) and lo < 0.0 < hi:
        ax.axhline(0.0, color="0.6", lw=0.5)
    if np.isfinite(lo):
        pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
        ax.set_ylim(lo - pad, hi + pad)
    ax.set(title=title, xlabel="year", ylabel=units)
    n = len([e for e in experiments if not series[series.experiment == e].empty])
    if n > 1:   # below the axes, where it hides no data
        ax.legend(fontsize=8, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    else:
        ax.legend(fontsize=8, loc="best")
    return finish_figure(fig, path, synthetic)


def bar_figure(path: Path, labels: list[str], values: list[float], title: str, units: str,
               synthetic: bool = False) -> Path:
    """A horizontal bar chart (attribution, area shares): labels wrapped, each bar with its value."""
    fig, ax = plt.subplots(figsize=(6.4, 0.55 * len(labels) + 1.2))
    y = np.arange(len(labels))
    vals = np.asarray(values, dtype=np.float64)
    ax.barh(y, vals, color=["#d95f02" if v < 0 else "#1b9e77" for v in vals])
    ax.set_yticks(y, ["\n".join(textwrap.wrap(str(lab), 22)) for lab in labels], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0.0, color="k", lw=0.5)
    span = float(np.nanmax(np.abs(vals))) if np.isfinite(vals).any() else 1.0
    for yi, v in zip(y, vals, strict=True):
        if np.isfinite(v):
            ax.text(v + (0.02 * span if v >= 0 else -0.02 * span), yi, f"{v:+.3g}", va="center",
                    ha="left" if v >= 0 else "right", fontsize=8)
    ax.set_xlim(-1.3 * span if (vals < 0).any() else -0.05 * span, 1.3 * span if (vals > 0).any() else 0.05 * span)
    ax.set(title=title, xlabel=units)
    return finish_figure(fig, path, synthetic)
