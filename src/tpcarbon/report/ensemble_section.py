"""The report's ensemble section: bands on every headline number, claim probabilities, sensitivity, drivers.

Self-contained: it reads what :mod:`tpcarbon.ensemble.stats` wrote (``tables/ensemble_*.csv``,
``ensemble/modal_driver.npz``, ``ensemble/summary.json``, ``ensemble/parameter_ranges.csv``), draws its
figures and returns HTML fragments; :func:`tpcarbon.report.html.build_report` appends them when the run
folder is an ensemble folder, and nothing otherwise.

Figures (``figures/figE*.png``): plateau-mean NEP with the ensemble median and 5-95 % band per
experiment (S1-S4) and per SSP, the reference member dashed; first-order sensitivity indices of the NEP
mean and trend (bars with bootstrap 5-95 % whiskers); the dominant-driver map as the modal driver over the
members with the share of members agreeing (hatched where fewer than two thirds agree).
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402

from tpcarbon.plot.figures import finish_figure  # noqa: E402

#: Colours of the experiments / scenarios in the band figures.
COLOURS = {
    "S1": "#1b9e77",
    "S2": "#d95f02",
    "S3": "#7570b3",
    "S4": "#e7298a",
    "ssp126": "#1a9850",
    "ssp245": "#4575b4",
    "ssp370": "#fdae61",
    "ssp585": "#d73027",
}
SSP_LABELS = {"ssp126": "SSP1-2.6", "ssp245": "SSP2-4.5", "ssp370": "SSP3-7.0", "ssp585": "SSP5-8.5"}
DRIVER_COLOURS = ["#e41a1c", "#377eb8", "#ff7f00"]
#: Agreement below which a modal-driver cell is hatched.
LOW_AGREEMENT = 2.0 / 3.0


def plot_nep_bands(
    path: Path,
    series: pd.DataFrame,
    experiments: list[str],
    title: str,
    reference: int | None = 0,
    synthetic: bool = False,
    variable: str = "NEP",
) -> Path:
    """One panel per experiment: ensemble median and 5-95 % band of a regional series, the reference dashed.

    Panels share the y axis, so the experiments compare directly; the 5-95 % range is over the sampled
    members of each year (quantiles with linear interpolation).
    """
    exps = [e for e in experiments if not series[series.experiment == e].empty]
    ncol = min(2, max(len(exps), 1))
    nrow = -(-max(len(exps), 1) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.4 * ncol, 2.6 * nrow + 0.6), sharey=True, squeeze=False)
    sampled = series[series.member != reference] if reference is not None else series
    for ax, exp in zip(axes.ravel(), exps, strict=False):
        g = sampled[sampled.experiment == exp]
        c = COLOURS.get(exp, None)
        if not g.empty:
            q = g.groupby("year")[variable].quantile([0.05, 0.5, 0.95]).unstack()
            ax.fill_between(q.index, q[0.05], q[0.95], color=c, alpha=0.3, lw=0, label="5-95 %")
            ax.plot(q.index, q[0.5], color=c, lw=1.5, label="median")
        if reference is not None:
            r = series[(series.member == reference) & (series.experiment == exp)]
            if not r.empty:
                ax.plot(r["year"], r[variable], color="k", lw=0.8, ls="--", label="default parameters")
        ax.axhline(0.0, color="0.5", lw=0.5)
        ax.set_title(SSP_LABELS.get(exp, exp), fontsize=10)
        ax.tick_params(labelsize=8)
    for ax in axes.ravel()[len(exps) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(f"{variable} (g C m-2 yr-1)", fontsize=9)
    axes.ravel()[0].legend(fontsize=7)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return finish_figure(fig, path, synthetic)


def plot_sensitivity(
    path: Path, sens: pd.DataFrame, targets: list[tuple[str, str]], top: int = 12, synthetic: bool = False
) -> Path:
    """Horizontal bars of the first-order indices (regression estimate) per target, largest on top."""
    fig, axes = plt.subplots(1, len(targets), figsize=(4.2 * len(targets), 0.32 * top + 1.4), squeeze=False)
    for ax, (target, label) in zip(axes[0], targets, strict=True):
        t = sens[(sens.target == target) & (sens.method == "regression")].head(top).iloc[::-1]
        colours = ["#4575b4" if g == "parameter" else "#d73027" for g in t.group]
        err = None
        if t.ci_low.notna().any():
            err = np.vstack(
                [np.clip(t["index"] - t.ci_low, 0, None), np.clip(t.ci_high - t["index"], 0, None)]
            )
        ax.barh(t.input, t["index"], color=colours, xerr=err, error_kw={"lw": 0.7, "capsize": 2})
        ax.set(title=label, xlabel="first-order index (share of variance)", xlim=(0, 1))
        ax.tick_params(axis="y", labelsize=8)
    fig.text(0.01, 0.01, "blue: parameters, red: scenario inputs; whiskers: bootstrap 5-95 %", fontsize=7)
    fig.tight_layout()
    return finish_figure(fig, path, synthetic)


def plot_modal_driver(
    path: Path, lat, lon, mode, agreement, drivers: list[str], synthetic: bool = False
) -> Path:
    """Modal dominant driver over the members (hatched where < 2/3 agree) and the agreement share."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12.0, 3.8))
    cmap = ListedColormap(DRIVER_COLOURS[: len(drivers)])
    norm = BoundaryNorm(np.arange(-0.5, len(drivers) + 0.5), cmap.N)
    m1 = a1.pcolormesh(lon, lat, np.ma.masked_invalid(mode), shading="nearest", cmap=cmap, norm=norm)
    from matplotlib.patches import Rectangle

    dlat = float(np.diff(lat).mean()) if len(lat) > 1 else 1.0
    dlon = float(np.diff(lon).mean()) if len(lon) > 1 else 1.0
    for i, j in zip(*np.nonzero(np.isfinite(agreement) & (agreement < LOW_AGREEMENT)), strict=True):
        a1.add_patch(
            Rectangle(
                (lon[j] - dlon / 2, lat[i] - dlat / 2),
                dlon,
                dlat,
                fill=False,
                hatch="///",
                lw=0.0,
                edgecolor="0.15",
            )
        )
    cb = fig.colorbar(m1, ax=a1, ticks=range(len(drivers)), shrink=0.85)
    cb.ax.set_yticklabels(drivers)
    a1.set(xlabel="longitude (°E)", ylabel="latitude (°N)", aspect="equal")
    a1.set_title("Modal dominant driver of NEP (hatched: < 2/3 agree)", fontsize=10)
    m2 = a2.pcolormesh(
        lon, lat, np.ma.masked_invalid(agreement), shading="nearest", cmap="viridis", vmin=1 / 3, vmax=1.0
    )
    fig.colorbar(m2, ax=a2, label="share of members", shrink=0.85)
    a2.set(xlabel="longitude (°E)", aspect="equal")
    a2.set_title("Members agreeing with the modal driver", fontsize=10)
    return finish_figure(fig, path, synthetic)


def _img(path: Path, caption: str) -> str:
    b64 = base64.b64encode(path.read_bytes()).decode()
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{html.escape(caption)} (<code>figures/{path.name}</code>)</figcaption></figure>"
    )


def _fmt(v: float) -> str:
    return "" if not np.isfinite(v) else f"{v:.3g}"


def _table(df: pd.DataFrame, name: str) -> str:
    return (
        df.to_html(index=False, border=0, escape=True)
        + f'<p class="note">CSV: <code>{html.escape(name)}</code></p>'
    )


def ensemble_section(run_dir: str | Path, synthetic: bool = False) -> list[str]:
    """HTML fragments of the ensemble section (empty when ``run_dir`` holds no ensemble tables)."""
    run_dir = Path(run_dir)
    tables = run_dir / "tables"
    if not (tables / "ensemble_headline.csv").exists():
        return []
    figs = run_dir / "figures"
    meta_path = run_dir / "ensemble" / "summary.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    ref = meta.get("reference", 0)
    head = pd.read_csv(tables / "ensemble_headline.csv")
    parts = ["<h2>Ensemble: how sure are we?</h2>"]
    failed = meta.get("failed", [])
    spread = ", ".join(meta.get("spread", []))
    parts.append(
        f"<p>{meta.get('n_sampled_done', '?')} sampled members ({meta.get('method', '?')} design, seed "
        f"{meta.get('seed', '?')}, spread: {html.escape(spread)})"
        + (
            ", plus member 0 with the default parameters and central scenario ('reference', not counted)"
            if ref is not None
            else ""
        )
        + ". Each member is a whole study with its own spin-up. Ranges are the 5-95 % quantiles over the "
        "sampled "
        "members. Parameter spread reaches every experiment; scenario spread only the SSP runs.</p>"
    )
    if failed:
        parts.append(
            f'<div class="warn">{len(failed)} member(s) failed after their retries and are missing from '
            f"these statistics: {', '.join(f'member_{i:03d}' for i in failed)} "
            "(see <code>ensemble/failures.txt</code>).</div>"
        )
    n = int(head.n_members.max()) if len(head) else 0
    if n < 10:
        parts.append(
            f'<div class="warn">Only {n} sampled members: the ranges and shares below are indicative; '
            "the sensitivity indices need many more members than inputs.</div>"
        )
    cl = tables / "ensemble_claims.csv"
    if cl.exists():
        c = pd.read_csv(cl)
        c["share_of_members"] = c.share_of_members.map(lambda v: f"{100 * v:.0f} %")
        parts.append(
            "<h3>Claims and the share of members in which they hold</h3>"
            + _table(
                c.rename(columns={"share_of_members": "holds in", "n_members": "members"}),
                "tables/ensemble_claims.csv",
            )
        )
    h = head.copy()
    h["median [5-95 %]"] = [
        f"{_fmt(a)} [{_fmt(b)} to {_fmt(c)}]" for a, b, c in zip(h["median"], h.p05, h.p95, strict=True)
    ]
    h["reference"] = h.reference.map(_fmt)
    parts.append(
        "<h3>Headline numbers: ensemble median and 5-95 % range</h3>"
        + _table(
            h[["section", "quantity", "units", "median [5-95 %]", "reference", "n_members"]],
            "tables/ensemble_headline.csv",
        )
    )
    ser = tables / "ensemble_series.csv"
    if ser.exists():
        s = pd.read_csv(ser)
        hist = [e for e in ("S1", "S2", "S3", "S4") if e in set(s.experiment)]
        ssps = [e for e in SSP_LABELS if e in set(s.experiment)]
        if hist:
            p = plot_nep_bands(
                figs / "figE1_nep_bands_historical.png",
                s,
                hist,
                "Plateau-mean NEP, S1-S4: ensemble median and 5-95 % range",
                ref,
                synthetic,
            )
            parts.append(_img(p, "NEP of the historical experiments with ensemble bands"))
        if ssps:
            p = plot_nep_bands(
                figs / "figE1_nep_bands_ssp.png",
                s,
                ssps,
                "Plateau-mean NEP under the SSPs: ensemble median and 5-95 % range",
                ref,
                synthetic,
            )
            parts.append(_img(p, "NEP under the SSPs with ensemble bands"))
    sens_path = tables / "ensemble_sensitivity.csv"
    if sens_path.exists():
        sens = pd.read_csv(sens_path)
        targets = [
            (t, lab)
            for t, lab in (("NEP_mean_S1", "NEP mean, S1"), ("NEP_trend_S1", "NEP trend, S1"))
            if t in set(sens.target) and sens[sens.target == t]["index"].notna().any()
        ]
        if targets and n >= 10:
            p = plot_sensitivity(figs / "figE2_sensitivity.png", sens, targets, synthetic=synthetic)
            parts.append(_img(p, "First-order sensitivity of NEP to each sampled input"))
        elif targets:
            parts.append(
                f'<p class="note">Sensitivity figure omitted: {n} sampled members are too few for '
                "first-order indices (the table is kept for inspection).</p>"
            )
            top = sens[(sens.method == "regression") & (sens["rank"] <= 8)].copy()
            for col in ("index", "ci_low", "ci_high"):
                top[col] = top[col].map(_fmt)
            parts.append(
                "<details><summary>Sensitivity indices (top 8 per output; regression estimate "
                "rho(u, y)^2; the binned correlation-ratio estimate is in the CSV)</summary>"
                + _table(
                    top[["target", "input", "group", "index", "ci_low", "ci_high", "rank"]],
                    "tables/ensemble_sensitivity.csv",
                )
                + "</details>"
            )
    md = run_dir / "ensemble" / "modal_driver.npz"
    if md.exists():
        with np.load(md) as z:
            drivers = str(z["drivers"]).split()
            p = plot_modal_driver(
                figs / "figE3_modal_driver.png",
                z["lat"],
                z["lon"],
                z["mode"],
                z["agreement"],
                drivers,
                synthetic,
            )
        parts.append(_img(p, "Dominant driver of NEP over the ensemble: modal driver and agreement"))
    rng = run_dir / "ensemble" / "parameter_ranges.csv"
    if rng.exists():
        r = pd.read_csv(rng)
        parts.append(
            "<details><summary>Sampled inputs, ranges and sources</summary>"
            + _table(r, "ensemble/parameter_ranges.csv")
            + "</details>"
        )
    parts.append(
        '<p class="note">Per member: <code>ensemble/member_NNN/</code> (a full run folder); all annual '
        "variables with a member dimension: <code>ensemble/ensemble.zarr</code> "
        '(<code>xarray.open_zarr(path, group="S1")</code>).</p>'
    )
    return parts
