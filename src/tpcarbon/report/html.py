"""One self-contained HTML page per run folder (figures embedded as PNG), plus ``tables/*.csv`` and ``figures/*.png``.

The page says first what the numbers rest on: the forcing (a red banner when it is the
embedded generated weather), the spin-up verdict, the provenance. Then the study's
figures and tables in its order: forcing trends, NEP series and decades, maps of mean NEP,
trend and sink/source classes, attribution (with the note on the paper's own
arithmetic), partial correlations and dominant drivers, future projections. The study's
reported numbers are shown beside ours for orientation, never as targets.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.analysis.study import DRIVERS, SSP_LABELS, StudyResults, analyze, load_run_folder
from tpcarbon.io.writers import atomic_path
from tpcarbon.plot import figures as F

#: The study's reported values (study.md "Reported results"), for side-by-side display only.
STUDY_REPORTED = [
    ("1979-2018 plateau-mean NEP", "23.96 g C m-2 yr-1"),
    ("NEP trend (S1)", "+0.2 g C m-2 yr-2"),
    ("Decadal NEP 1980-89 / 1990-99 / 2000-09 / 2010-18", "18.95 / 23.14 / 28.45 / 24.54"),
    ("Sink / source area", "67.7 % / 32.3 %"),
    ("Dominant driver area: temperature / radiation / precipitation", "46.5 % / 28.9 % / 24.6 %"),
    ("Trends NPP / Rh / NEP, S1", "2.4 / 2.1 / 0.2 g C m-2 yr-2"),
    ("Attribution reported: temperature / radiation / precipitation", "68 % / 21 % / 11 % (see note)"),
    ("Future NEP SSP1-2.6 / 2-4.5 / 3-7.0 / 5-8.5 ranges", "36-79 / 38-89 / 37-95 / 40-103 g C m-2 yr-1"),
]

CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;
text-align:right}th{background:#f3f3f3}.banner{background:#fde2e1;border:2px solid #c0392b;padding:.8em;
font-weight:600}.ok{background:#e3f6e8;border:1px solid #2e8b57;padding:.6em}.warn{background:#fff4d6;
border:1px solid #d4a017;padding:.6em}img{max-width:100%}.note{font-size:.9em;color:#444}
figure{margin:1em 0}figcaption{font-size:.85em;color:#555}code{background:#f4f4f4}"""


def _img(path: Path, caption: str) -> str:
    b64 = base64.b64encode(path.read_bytes()).decode()
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{b64}">'
            f"<figcaption>{html.escape(caption)} (<code>figures/{path.name}</code>)</figcaption></figure>")


def _table(df: pd.DataFrame, name: str, floatfmt: str = "{:.3g}") -> str:
    d = df.copy()
    for c in d.columns:
        if pd.api.types.is_float_dtype(d[c]):
            d[c] = d[c].map(lambda v: "" if pd.isna(v) else floatfmt.format(v))
    return d.to_html(index=False, border=0, escape=True) + f'<p class="note">CSV: <code>tables/{name}.csv</code></p>'


def write_outputs(res: StudyResults, out: Path) -> dict[str, list[Path]]:
    """Write tables (CSV) and figures (PNG) of ``res`` into ``out``; returns the paths by kind."""
    tables, figs = out / "tables", out / "figures"
    tables.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {"tables": [], "figures": []}
    for name, df in res.tables.items():
        p = tables / f"{name}.csv"
        with atomic_path(p) as tmp:
            df.to_csv(tmp, index=False)
        written["tables"].append(p)
    syn = res.synthetic
    lat, lon, mp, s = res.lat, res.lon, res.maps, res.series
    f = written["figures"]
    if s is not None:
        hist = [e for e in ("S1", "S2", "S3", "S4") if e in set(s.experiment)]
        if "TBOT_degC" in s:
            f.append(F.series_figure(figs / "fig01_forcing_temperature.png", s, "TBOT_degC", ["S1"],
                                     "Plateau-mean air temperature (S1 forcing)", "°C", syn))
            f.append(F.series_figure(figs / "fig01_forcing_precipitation.png", s, "PRECIP", ["S1"],
                                     "Plateau-mean precipitation (S1 forcing)", "mm yr-1", syn))
        f.append(F.series_figure(figs / "fig03_nep_series.png", s, "NEP", ["S1"],
                                 "Plateau-mean NEP, control run S1", "g C m-2 yr-1", syn))
        for v in ("NPP", "HR", "NEP"):
            f.append(F.series_figure(figs / f"fig06_{v.lower()}_experiments.png", s, v, hist,
                                     f"Plateau-mean {v}, S1-S4", "g C m-2 yr-1", syn))
        ssps = [k for k in SSP_LABELS if k in set(s.experiment)]
        if ssps:
            f.append(F.series_figure(figs / "fig09_nep_ssp.png", s, "NEP", ssps,
                                     "Plateau-mean NEP under the SSPs", "g C m-2 yr-1", syn))
    if lat is not None:
        f.append(F.map_figure(figs / "fig04_nep_mean.png", lat, lon, mp["NEP_mean_S1"], "Mean NEP, S1",
                              "g C m-2 yr-1", syn, diverging=True))
        if "NEP_trend_S1" in mp:
            f.append(F.map_figure(figs / "fig04_nep_trend.png", lat, lon, mp["NEP_trend_S1"], "NEP trend, S1",
                                  "g C m-2 yr-2", syn, diverging=True))
        f.append(F.class_map(figs / "fig05_sink_source.png", lat, lon, mp["sink_class_S1"],
                             ["source (<0)", "weak sink (0-50)", "strong sink (>=50)"],
                             ["#d95f02", "#a6d96a", "#1a9641"], "Sink/source classes of mean NEP, S1", syn))
        for name in DRIVERS:
            if f"partial_r_{name}" in mp:
                f.append(F.map_figure(figs / f"fig07_partial_r_{name}.png", lat, lon, mp[f"partial_r_{name}"],
                                      f"Partial correlation of NEP with {name}", "r", syn, diverging=True))
        if "dominant_driver" in mp:
            f.append(F.class_map(figs / "fig08_dominant_driver.png", lat, lon, mp["dominant_driver"],
                                 list(DRIVERS), ["#e41a1c", "#377eb8", "#ff7f00"],
                                 "Dominant driver of NEP (largest |partial r|)", syn))
        for k in SSP_LABELS:
            if f"NEP_change_{k}" in mp:
                f.append(F.map_figure(figs / f"fig10_nep_change_{k}.png", lat, lon, mp[f"NEP_change_{k}"],
                                      f"NEP change, {SSP_LABELS[k]} future mean minus S1 mean", "g C m-2 yr-1",
                                      syn, diverging=True))
    if "attribution" in res.tables:
        a = res.tables["attribution"]
        a = a[a.variable == "NEP"]
        f.append(F.bar_figure(figs / "fig06_attribution.png", list(a.factor), list(a.contribution),
                              "Contribution to the NEP trend: trend(S1) - trend(S_x)", "g C m-2 yr-2", syn))
    return written


def build_report(run_dir: str | Path, results: StudyResults | None = None, title: str | None = None) -> Path:
    """Analyse a run folder (or use ``results``) and write ``report.html``, ``tables/``, ``figures/``."""
    run_dir = Path(run_dir)
    if results is None:
        runs = load_run_folder(run_dir)
        hist, fut = None, (2025, 2100)
        study = run_dir / "study.toml"
        if study.exists():
            import tomllib

            try:
                d = tomllib.loads(study.read_text())
                hist = tuple(d.get("years", {}).get("historical", ())) or None
                fut = tuple(d.get("years", {}).get("analysis_future", fut))
            except tomllib.TOMLDecodeError:
                pass
        results = analyze(runs, historical=hist, future=fut)
    written = write_outputs(results, run_dir)
    parts = [f"<h1>{html.escape(title or 'tpcarbon: Tibetan Plateau net ecosystem productivity')}</h1>"]
    if results.synthetic:
        parts.append('<div class="banner">This run uses GENERATED WEATHER (tpcarbon\'s seeded weather generator '
                     "tuned to the study's plateau means), not observations. Its numbers show what the model does "
                     "with plausible forcing; they are not an estimate of the real plateau carbon balance. Supply "
                     "CMFD files ([forcing] source = \"cmfd\") for a real study.</div>")
    parts.append(f'<p class="note">Forcing: {html.escape(results.forcing or "unknown")}</p>')
    prov = run_dir / "provenance.json"
    spin = run_dir / "spinup" / "spinup.csv"
    if spin.exists():
        sp = pd.read_csv(spin)
        last = sp.iloc[-1]
        ok = bool(last["criterion_met"])
        parts.append(f'<div class="{"ok" if ok else "warn"}">Spin-up: {int(last["years_simulated"])} simulated years, '
                     f"{len(sp)} cycles; land area still drifting > 1 g C m-2 yr-1: "
                     f"{100 * last['disequilibrium_area_share']:.1f} % (CLM criterion &lt; 3 %: "
                     f"{'met' if ok else 'NOT met'}).</div>")
        parts.append("<details><summary>Spin-up cycles</summary>" + _table(sp, "../spinup/spinup") + "</details>")
    t = results.tables
    fig = {p.name: p for p in written["figures"]}

    def add_fig(name: str, caption: str) -> None:
        if name in fig:
            parts.append(_img(fig[name], caption))

    parts.append("<h2>1. Forcing</h2>")
    add_fig("fig01_forcing_temperature.png", "Plateau-mean air temperature with OLS trend")
    add_fig("fig01_forcing_precipitation.png", "Plateau-mean precipitation with OLS trend")
    parts.append("<h2>2. NEP 1979-2018: series, decades, maps</h2>")
    add_fig("fig03_nep_series.png", "Plateau-mean NEP of the control run")
    if "trends" in t:
        parts.append("<h3>Trends (OLS with two-sided t-test; Mann-Kendall/Sen as a check)</h3>" +
                     _table(t["trends"], "trends"))
    if "decadal_S1" in t:
        parts.append("<h3>Decadal means (study Table 2)</h3>" + _table(t["decadal_S1"], "decadal_S1"))
    add_fig("fig04_nep_mean.png", "Mean NEP")
    add_fig("fig04_nep_trend.png", "Per-pixel NEP trend")
    add_fig("fig05_sink_source.png", "Sink and source classes")
    if "sink_source_S1" in t:
        parts.append(_table(t["sink_source_S1"], "sink_source_S1"))
    parts.append("<h2>3. Climate drivers: sensitivity runs S2-S4</h2>")
    for v in ("npp", "hr", "nep"):
        add_fig(f"fig06_{v}_experiments.png", f"{v.upper()} of S1-S4")
    if "attribution" in t:
        parts.append(_table(t["attribution"], "attribution"))
        add_fig("fig06_attribution.png", "Factor contributions to the NEP trend")
    for n in results.notes:
        parts.append(f'<p class="note">{html.escape(n)}</p>')
    parts.append("<h2>4. Partial correlation and dominant drivers</h2>")
    for name in DRIVERS:
        add_fig(f"fig07_partial_r_{name}.png", f"Partial r of NEP with {name} (controlling for the other two)")
    add_fig("fig08_dominant_driver.png", "Dominant driver")
    if "dominant_driver" in t:
        parts.append(_table(t["dominant_driver"], "dominant_driver"))
    parts.append("<h2>5. Future NEP under the SSPs (anomaly forcing)</h2>")
    add_fig("fig09_nep_ssp.png", "Plateau-mean NEP under the SSPs")
    if "future_summary" in t:
        parts.append(_table(t["future_summary"], "future_summary"))
    if "future_periods" in t:
        parts.append(_table(t["future_periods"], "future_periods"))
    for k in SSP_LABELS:
        add_fig(f"fig10_nep_change_{k}.png", f"NEP change under {SSP_LABELS[k]}")
    parts.append("<h2>6. The study's reported numbers (for orientation, not targets)</h2>")
    parts.append(_table(pd.DataFrame(STUDY_REPORTED, columns=["quantity", "Li et al. 2026 (CLM5, CMFD)"]),
                        "study_reported"))
    pd.DataFrame(STUDY_REPORTED, columns=["quantity", "reported"]).to_csv(run_dir / "tables" / "study_reported.csv",
                                                                          index=False)
    if prov.exists():
        p = json.loads(prov.read_text())
        parts.append("<h2>Provenance</h2><pre>" + html.escape(json.dumps(p, indent=1)[:6000]) + "</pre>")
    parts.append('<p class="note">Made by tpcarbon. Data: elevation pvlib/Mapzen (BSD-3 and tile attributions); '
                 "CO2 RCMIP v5.1.0 (Meinshausen et al. 2020, CC BY 4.0); CLM5 parameters (Lawrence et al. 2019, "
                 "UCAR licence).</p>")
    page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>tpcarbon report</title>"
            f"<style>{CSS}</style></head><body>" + "\n".join(parts) + "</body></html>")
    path = run_dir / "report.html"
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def _is_tpcarbon_output(path: str | Path) -> bool:
    import netCDF4

    try:
        with netCDF4.Dataset(path) as nc:
            return "tpcarbon_version" in nc.ncattrs() or str(getattr(nc, "source", "")).startswith("tpcarbon")
    except OSError:
        return False


def analyze_files(paths, out: str | Path, experiment: str = "S1") -> Path:
    """``tpcarbon analyze``: tpcarbon ``annual.nc`` files (each labelled by its ``experiment``), or CLM5
    history / CMIP land files (one run, labelled ``experiment``) → tables, figures, ``maps.nc``, report."""
    from tpcarbon.analysis.study import run_data_from_dataset
    from tpcarbon.io.runs import open_annual

    paths = [Path(p) for p in paths]
    if paths and all(p.is_file() and _is_tpcarbon_output(p) for p in paths):
        runs = {}
        for p in paths:
            with open_annual(p) as ds:
                runs[str(ds["experiment"].values)] = run_data_from_dataset(ds)
        if "S1" not in runs and len(runs) == 1:
            runs = {"S1": next(iter(runs.values()))}
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        return build_report(out, results=analyze(runs),
                            title=f"tpcarbon analysis of {', '.join(str(p) for p in paths)[:200]}")
    return analyze_clm_history(paths, out, experiment)


def analyze_clm_history(paths, out: str | Path, experiment: str = "S1") -> Path:
    """Analyse CLM5 history files as the control run and write tables, figures and ``report.html`` to ``out``."""
    from tpcarbon.analysis.study import run_data_from_history

    out = Path(out)
    rd = run_data_from_history(paths)
    res = analyze({"S1": rd})
    out.mkdir(parents=True, exist_ok=True)
    return build_report(out, results=res, title=f"tpcarbon analysis of CLM5 history files ({experiment})")


__all__ = ["analyze_clm_history", "analyze_files", "build_report", "write_outputs"]
