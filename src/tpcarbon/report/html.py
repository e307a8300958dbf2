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

import pandas as pd

from tpcarbon.analysis.study import DRIVERS, SSP_LABELS, StudyResults, analyze, load_run_folder, per_year
from tpcarbon.io.writers import atomic_path, write_netcdf
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
figure{margin:1em 0}figcaption{font-size:.85em;color:#555}code{background:#f4f4f4}td{white-space:nowrap}
pre{white-space:pre-wrap;word-break:break-all;font-size:.8em}"""


def _img(path: Path, caption: str) -> str:
    b64 = base64.b64encode(path.read_bytes()).decode()
    alts = " ".join(f'<a href="figures/{path.with_suffix("." + e).name}">{e.upper()}</a>' for e in F.VECTOR_FORMATS
                    if path.with_suffix("." + e).exists())
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{b64}">'
            f"<figcaption>{html.escape(caption)} (<code>figures/{path.name}</code>; {alts})</figcaption></figure>")


#: Significant digits of the numbers in the CSV tables and on the page.
CSV_DIGITS = 6
HTML_DIGITS = 4


def _table(df: pd.DataFrame, name: str, digits: int = HTML_DIGITS) -> str:
    d = df.copy()
    for c in d.columns:
        if pd.api.types.is_float_dtype(d[c]):
            d[c] = d[c].map(lambda v: "" if pd.isna(v) else f"{v:.{digits}g}")
    return d.to_html(index=False, border=0, escape=True) + f'<p class="note">CSV: <code>tables/{name}.csv</code></p>'


def _with_units(name: str, df: pd.DataFrame, res: StudyResults) -> pd.DataFrame:
    """Column headers ``name [unit]`` where a wide table holds quantities with units (long tables have ``unit``)."""
    u = res.units
    if name == "regional_annual":
        return df.rename(columns={c: f"{c} [{u[c]}]" for c in df.columns if u.get(c)})
    if name == "decadal_S1":
        ren = {}
        for c in df.columns:
            base = c[:-len("_change")] if c.endswith("_change") else c
            if u.get(base):
                ren[c] = f"{c} [{u[base]}]"
        return df.rename(columns=ren)
    if name == "sink_source_S1":
        return df.rename(columns={"area_share": "area_share [1]", "area_million_km2": "area [10^6 km2]"})
    return df


def write_tables(res: StudyResults, out: Path) -> list[Path]:
    """``tables/<name>.csv`` of every table, units in a ``unit`` column or in ``name [unit]`` headers."""
    tables = out / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in res.tables.items():
        p = tables / f"{name}.csv"
        with atomic_path(p) as tmp:
            _with_units(name, df, res).to_csv(tmp, index=False, float_format=f"%.{CSV_DIGITS}g")
        written.append(p)
    return written


def write_maps(res: StudyResults, out: Path) -> Path:
    """``maps.nc``: every map the analysis computed (means, trends and p-values, contributions, classes ...)."""
    from tpcarbon.io.writers import CONVENTIONS, global_attrs

    ds = res.maps_dataset()
    ds.attrs.update(global_attrs("tpcarbon maps of the analysis", "all", {"forcing_source": res.forcing}))
    ds.attrs["Conventions"] = CONVENTIONS
    ds.attrs.pop("experiment", None)
    return write_netcdf(ds, out / "maps.nc")


def _label(exp: str) -> str:
    return SSP_LABELS.get(exp, exp)


def write_figures(res: StudyResults, out: Path) -> list[Path]:
    """Every figure of the report (PNG with SVG and PDF beside it) into ``out/figures``."""
    figs = out / "figures"
    syn = res.synthetic
    lat, lon, mp, s, u = res.lat, res.lon, res.maps, res.series, res.units
    uc = u.get("NEP", "g m-2 yr-1")
    h0, h1 = res.periods.get("historical", (0, 0))
    f: list[Path] = []
    labels = {k: f"{v} ({k})" for k, v in SSP_LABELS.items()}
    if s is not None:
        hist = [e for e in ("S1", "S2", "S3", "S4") if e in set(s.experiment)]
        for var, name, what, unit in (("TBOT_degC", "temperature", "air temperature", "degC"),
                                      ("PRECIP", "precipitation", "precipitation", u.get("PRECIP", "")),
                                      ("FSDS", "shortwave", "downward shortwave radiation", u.get("FSDS", ""))):
            if var in s:
                f.append(F.series_figure(figs / f"fig01_forcing_{name}.png", s, var, ["S1"],
                                         f"Plateau-mean {what} (S1 forcing)", unit, syn))
        f.append(F.series_figure(figs / "fig03_nep_series.png", s, "NEP", ["S1"],
                                 "Plateau-mean NEP, control run S1", uc, syn))
        for v in ("NPP", "HR", "NEP"):
            f.append(F.series_figure(figs / f"fig06_{v.lower()}_experiments.png", s, v, hist,
                                     f"Plateau-mean {v}, S1-S4", u.get(v, uc), syn))
        ssps = [k for k in SSP_LABELS if k in set(s.experiment)]
        if ssps:
            f.append(F.series_figure(figs / "fig09_nep_ssp.png", s, "NEP", ssps,
                                     "Plateau-mean NEP under the SSPs", uc, syn, labels=labels))
    from tpcarbon.report.forcing_table import station_climate_outputs  # issue 13: default climate vs stations

    f.extend(p for p in station_climate_outputs(res, out) if p.suffix == ".png")
    if lat is None:
        return f
    forcing_trends = [(v, what) for v, what in (("TBOT", "air temperature"), ("PRECIP", "precipitation"),
                                                ("FSDS", "shortwave radiation")) if f"{v}_trend_S1" in mp]
    for v, what in forcing_trends:
        f.append(F.map_figure(figs / f"fig02_forcing_trend_{v.lower()}.png", lat, lon, mp[f"{v}_trend_S1"],
                              f"Trend of {what} (forcing), S1 {h0}-{h1}", res.map_attrs[f"{v}_trend_S1"]["units"],
                              syn, diverging=True, pvalue=mp.get(f"{v}_trend_p_S1")))
    f.append(F.map_figure(figs / "fig04_nep_mean.png", lat, lon, mp["NEP_mean_S1"], f"Mean NEP, S1 {h0}-{h1}",
                          uc, syn, diverging=True))
    if "NEP_trend_S1" in mp:
        f.append(F.map_figure(figs / "fig04_nep_trend.png", lat, lon, mp["NEP_trend_S1"], f"NEP trend, S1 {h0}-{h1}",
                              res.map_attrs["NEP_trend_S1"]["units"], syn, diverging=True,
                              pvalue=mp.get("NEP_trend_p_S1")))
    f.append(F.class_map(figs / "fig05_sink_source.png", lat, lon, mp["sink_class_S1"],
                         ["source (<0)", "weak sink (0-50)", "strong sink (>=50)"],
                         ["#d95f02", "#a6d96a", "#1a9641"], "Sink/source classes of mean NEP, S1", syn))
    for v, fig_no in (("NEP", "08"), ("NPP", "12"), ("HR", "13")):
        keys = [k for k in ("temperature", "precipitation", "radiation", "other") if f"{v}_contribution_{k}" in mp]
        if keys:
            panels = [(("residual: CO2 and interactions" if k == "other" else k),
                       mp[f"{v}_contribution_{k}"], None) for k in keys]
            f.append(F.map_panels(figs / f"fig{fig_no}_{v.lower()}_contribution_maps.png", lat, lon, panels,
                                  f"Contribution to the {v} trend, trend(S1) - trend(S_x), {h0}-{h1}",
                                  res.map_attrs[f"{v}_contribution_{keys[0]}"]["units"], syn))
    pr = [(n, mp[f"partial_r_{n}"], mp.get(f"partial_p_{n}")) for n in DRIVERS if f"partial_r_{n}" in mp]
    if pr:
        f.append(F.map_panels(figs / "fig07_partial_r.png", lat, lon, pr,
                              f"Partial correlation of NEP with each driver, S1 {h0}-{h1}", "r", syn, ncols=3,
                              limit=1.0))
    if "dominant_driver" in mp:
        f.append(F.class_map(figs / "fig07_dominant_driver.png", lat, lon, mp["dominant_driver"],
                             list(DRIVERS), ["#e41a1c", "#377eb8", "#ff7f00"],
                             "Dominant driver of NEP (largest |partial r|)", syn))
    ch = [(labels[k], mp[f"NEP_change_{k}"], None) for k in SSP_LABELS if f"NEP_change_{k}" in mp]
    if ch:
        fut = res.periods.get("future", ("", ""))
        f.append(F.map_panels(figs / "fig10_nep_change_ssp.png", lat, lon, ch,
                              f"NEP change: SSP mean {fut[0]}-{fut[1]} minus S1 mean {h0}-{h1}", uc, syn))
    trend_keys = sorted(k for k in mp if k.startswith("NEP_trend_ssp"))
    if trend_keys:
        order = {k: i for i, k in enumerate(SSP_LABELS)}
        trend_keys.sort(key=lambda k: (int(k.split("_")[3]), order.get(k.split("_")[2], 9)))
        panels = []
        for k in trend_keys:
            _, _, ssp, p0, p1 = k.split("_")
            panels.append((f"{labels[ssp]} {p0}-{p1}", mp[k], mp.get(f"NEP_trend_p_{ssp}_{p0}_{p1}")))
        f.append(F.map_panels(figs / "fig11_nep_trend_ssp_periods.png", lat, lon, panels,
                              "Per-pixel NEP trend by SSP and period", res.map_attrs[trend_keys[0]]["units"], syn,
                              ncols=_trend_columns(trend_keys)))
    if "attribution" in res.tables:
        a = res.tables["attribution"]
        a = a[a.variable == "NEP"]
        f.append(F.bar_figure(figs / "fig06_attribution.png", list(a.factor), list(a.contribution),
                              "Contribution to the NEP trend: trend(S1) - trend(S_x)", per_year(uc), syn))
    return f


def _trend_columns(keys: list[str]) -> int:
    """One column per SSP when there are several periods (a row per period), else two columns."""
    nper = len({tuple(k.split("_")[3:5]) for k in keys})
    nssp = len({k.split("_")[2] for k in keys})
    return nssp if nper > 1 else min(2, nssp)


def write_outputs(res: StudyResults, out: Path) -> dict[str, list[Path]]:
    """Write tables (CSV), ``maps.nc`` and figures (PNG, SVG, PDF) of ``res`` into ``out``."""
    written: dict[str, list[Path]] = {"tables": write_tables(res, out), "figures": write_figures(res, out)}
    written["maps"] = [write_maps(res, out)] if res.maps and res.lat is not None else []
    return written


def _periods_of(run_dir: Path, runs) -> tuple[tuple[int, int] | None, tuple[int, int]]:
    """The historical and future analysis periods: from ``study.toml``, else the files' attributes, else their years."""
    study = run_dir / "study.toml"
    if study.exists():
        import tomllib

        try:
            y = tomllib.loads(study.read_text()).get("years", {})
            if y.get("historical") and y.get("analysis_future"):
                return tuple(y["historical"]), tuple(y["analysis_future"])
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, TypeError):
            pass
    s1 = runs.get("S1")
    hist = None
    fut = (2025, 2100)
    if s1 is not None:
        text = str(s1.attrs.get("historical_period", ""))
        hist = tuple(int(x) for x in text.split("-")) if "-" in text else None
        text = str(s1.attrs.get("analysis_future_period", ""))
        if "-" in text:
            fut = tuple(int(x) for x in text.split("-"))
    return hist, fut


def _spinup_verdict(sp: pd.DataFrame) -> str:
    """The report's spin-up line: green only when CLM's whole stability check and the physics tolerance hold in
    the last cycle of ``spinup.csv``; otherwise it names what failed."""
    last = sp.iloc[-1]
    clm_ok = bool(last["criterion_met"])
    failed = "" if pd.isna(last.get("failed")) else str(last["failed"]).strip()
    text = (f"Spin-up: {int(last['years_simulated'])} full-model years"
            + (f" (+ {int(last['physics_only_years'])} physics-only years)" if "physics_only_years" in sp else "")
            + f", {len(sp)} cycles; land area still drifting > 1 g C m-2 yr-1: "
            f"{100 * last['disequilibrium_area_share']:.1f} % (CLM criterion &lt; 3 %); CLM stability check "
            + ("met" if clm_ok else f"NOT met ({html.escape(failed) or 'unverified'})"))
    phys_ok = True
    if {"physics_max_dT_K", "physics_tol_K"} <= set(sp.columns):
        dt, dw = float(last["physics_max_dT_K"]), float(last["physics_max_dW_rel"])
        tk, tw = float(last["physics_tol_K"]), float(last["physics_tol_water_rel"])
        phys_ok = bool(dt < tk and dw < tw)
        text += (f"; physics periodic state: largest change over the last physics cycle {dt:.3g} K, "
                 f"{100 * dw:.3g} % of water (tolerance {tk:g} K, {100 * tw:g} %) "
                 + ("met" if phys_ok else "NOT met"))
    if "cells_SOM_above_published_max" in sp.columns:
        solved = sp["cells_SOM_above_published_max"].dropna()
        if len(solved) and int(solved.iloc[-1]) > 0:
            text += (f"; the last soil solve left {int(solved.iloc[-1])} cells above the highest published plateau "
                     f"soil carbon density (110 kg C m-2; max {float(sp['max_solved_TOTSOMC_gC_m2'].dropna().iloc[-1]) / 1000:.0f} "
                     "kg C m-2): their TOTSOMC is an upper bound")
    return f'<div class="{"ok" if clm_ok and phys_ok else "warn"}">{text}.</div>'


def build_report(run_dir: str | Path, results: StudyResults | None = None, title: str | None = None) -> Path:
    """Analyse a run folder (or use ``results``) and write ``report.html``, ``tables/``, ``figures/``, ``maps.nc``.

    The periods come from the folder's ``study.toml`` when there is one, else from the attributes of
    ``runs/S1/annual.nc`` (``historical_period``, ``analysis_future_period``), else from the years present.
    """
    run_dir = Path(run_dir)
    if results is None:
        runs = load_run_folder(run_dir)
        hist, fut = _periods_of(run_dir, runs)
        results = analyze(runs, historical=hist, future=fut)
    written = write_outputs(results, run_dir)
    h0, h1 = results.periods.get("historical", (0, 0))
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
        parts.append(_spinup_verdict(sp))
        parts.append("<details><summary>Spin-up cycles</summary>" + _table(sp, "../spinup/spinup") + "</details>")
    t = results.tables
    fig = {p.name: p for p in written["figures"]}

    def add_fig(name: str, caption: str) -> None:
        if name in fig:
            parts.append(_img(fig[name], caption))

    parts.append("<h2>1. Forcing</h2>")
    add_fig("fig01_forcing_temperature.png", "Plateau-mean air temperature with OLS trend")
    add_fig("fig01_forcing_precipitation.png", "Plateau-mean precipitation with OLS trend")
    add_fig("fig01_forcing_shortwave.png", "Plateau-mean downward shortwave radiation with OLS trend")
    for v, what in (("tbot", "air temperature"), ("precip", "precipitation"), ("fsds", "shortwave radiation")):
        add_fig(f"fig02_forcing_trend_{v}.png", f"Per-pixel trend of {what} (dots: p < 0.05)")
    add_fig("fig02_station_climate.png", "Generated-weather climatology with the station normals (data/"
            "tp_station_normals.csv) on top, and station against cell (temperature lapse-adjusted)")
    if (run_dir / "tables" / "station_climate.csv").exists() and "fig02_station_climate.png" in fig:
        parts.append(_table(pd.read_csv(run_dir / "tables" / "station_climate.csv"), "station_climate"))
    parts.append(f"<h2>2. NEP {h0}-{h1}: series, decades, maps</h2>")
    add_fig("fig03_nep_series.png", "Plateau-mean NEP of the control run")
    if "trends" in t:
        parts.append("<h3>Trends (OLS with two-sided t-test; Mann-Kendall/Sen as a check)</h3>" +
                     _table(t["trends"], "trends"))
    if "decadal_S1" in t:
        parts.append(f"<h3>Decadal means, {html.escape(results.units.get('NEP', ''))} (study Table 2)</h3>" +
                     _table(t["decadal_S1"], "decadal_S1"))
    add_fig("fig04_nep_mean.png", "Mean NEP")
    add_fig("fig04_nep_trend.png", "Per-pixel NEP trend (dots: p < 0.05)")
    add_fig("fig05_sink_source.png", "Sink and source classes")
    if "sink_source_S1" in t:
        parts.append(_table(t["sink_source_S1"], "sink_source_S1"))
    parts.append("<h2>3. Climate drivers: sensitivity runs S2-S4</h2>")
    for v in ("npp", "hr", "nep"):
        add_fig(f"fig06_{v}_experiments.png", f"{v.upper()} of S1-S4")
    if "attribution" in t:
        parts.append(_table(t["attribution"], "attribution"))
        add_fig("fig06_attribution.png", "Factor contributions to the NEP trend")
    for v, n in (("nep", "08"), ("npp", "12"), ("hr", "13")):
        add_fig(f"fig{n}_{v}_contribution_maps.png", f"Per-pixel contributions of each driver to the {v.upper()} "
                "trend (study fig. " + str(int(n)) + "), one colour scale")
    for n in results.notes:
        parts.append(f'<p class="note">{html.escape(n)}</p>')
    parts.append("<h2>4. Partial correlation and dominant drivers</h2>")
    add_fig("fig07_partial_r.png", "Partial r of NEP with each driver, controlling for the other two (dots: p < 0.05)")
    add_fig("fig07_dominant_driver.png", "Dominant driver")
    if "dominant_driver" in t:
        parts.append(_table(t["dominant_driver"], "dominant_driver"))
    parts.append("<h2>5. Future NEP under the SSPs (anomaly forcing)</h2>")
    add_fig("fig09_nep_ssp.png", "Plateau-mean NEP under the SSPs")
    if "future_summary" in t:
        parts.append(_table(t["future_summary"], "future_summary"))
    if "future_periods" in t:
        parts.append(_table(t["future_periods"], "future_periods"))
    add_fig("fig10_nep_change_ssp.png", "NEP change under each SSP, one colour scale")
    add_fig("fig11_nep_trend_ssp_periods.png", "Per-pixel NEP trend by SSP and period (study fig. 11; dots: p < 0.05)")
    from tpcarbon.report.ensemble_section import ensemble_section  # issue 18: bands and claim shares

    parts.extend(ensemble_section(run_dir, results.synthetic))
    parts.append("<h2>6. The study's reported numbers (for orientation, not targets)</h2>")
    parts.append(_table(pd.DataFrame(STUDY_REPORTED, columns=["quantity", "Li et al. 2026 (CLM5, CMFD)"]),
                        "study_reported"))
    with atomic_path(run_dir / "tables" / "study_reported.csv") as tmp:
        pd.DataFrame(STUDY_REPORTED, columns=["quantity", "reported"]).to_csv(tmp, index=False)
    if written.get("maps"):
        parts.append('<p class="note">Every map of this page (and the p-values and mean fields behind them) is in '
                     "<code>maps.nc</code>; the columns of the CSV tables are described in docs/outputs.md.</p>")
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
