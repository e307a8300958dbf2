r"""Ensemble statistics: headline numbers per member, medians and 5-95 % ranges, claim shares, sensitivity.

* :func:`headline_numbers` takes one member's :class:`~tpcarbon.analysis.study.StudyResults` (the same
  analysis the report runs) and returns every headline number of the report as a flat mapping: plateau
  mean NEP and its trend and p, NPP/HR trends, decadal means, sink/source area shares, factor contributions
  of temperature, precipitation and shortwave, dominant-driver area shares, SSP period means, growth rates
  and minima. :data:`CLAIMS` turns them into the qualitative statements of the study.
* :func:`summary_table`: median, 5 % and 95 % quantiles (linear interpolation, ``numpy.quantile``) over the
  sampled members; the reference member (default parameters) is shown beside them, not counted.
* :func:`claims_table`: the share of sampled members in which each claim holds.
* :func:`first_order_indices`: first-order sensitivity of an output to each sampled input, from the given
  design (no extra runs). ``"regression"``: :math:`S_i = \rho(u_i, y)^2`, the squared correlation of the
  output with the design value; for a model linear in independent inputs this is the first-order Sobol'
  index (and the standardised regression coefficient squared). ``"binned"``: the correlation ratio
  :math:`S_i = \mathrm{Var}(E[y \mid u_i]) / \mathrm{Var}(y)` estimated with :math:`B = n^{1/3}` equal-count
  bins of :math:`u_i`, adjusted for its bias with :math:`B` bins as :math:`1 - (1 - \hat S_i)(n - 1)/(n - B)`
  (zero on average for an uninformative input, like the adjusted :math:`R^2`); captures
  non-linear effects and categorical inputs (the CMIP6 model). Bootstrap 5-95 % intervals.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.analysis.study import DRIVERS, SSP_LABELS
from tpcarbon.experiments.study import StudyConfig

#: Held factor of each sensitivity run (for labels).
FACTORS = ("temperature", "precipitation", "radiation")
#: Quantiles of the ensemble range.
QUANTILES = (0.05, 0.5, 0.95)
#: Targets of the sensitivity analysis (those present are used).
SENSITIVITY_TARGETS = ("NEP_mean_S1", "NEP_trend_S1") + tuple(f"NEP_mean_{k}" for k in SSP_LABELS)


# ---------------------------------------------------------------------------------------------- per member
def headline_numbers(res) -> dict[str, float]:
    """Every headline number of one member's analysis (module docstring), keyed by a stable id.

    Parameters
    ----------
    res : StudyResults
        :func:`tpcarbon.analysis.study.analyze` of the member's run folder.
    """
    t = res.tables
    out: dict[str, float] = {}
    tr = t.get("trends")
    if tr is not None and len(tr):
        for _, r in tr[tr.experiment == "S1"].iterrows():
            if r.variable in ("NEP", "NPP", "HR", "GPP"):
                out[f"{r.variable}_mean_S1"] = float(r["mean"])
                out[f"{r.variable}_trend_S1"] = float(r.slope_per_yr)
                out[f"{r.variable}_trend_p_S1"] = float(r.pvalue)
    dec = t.get("decadal_S1")
    if dec is not None:
        for _, r in dec.iterrows():
            if int(r.n_years) >= 5:
                out[f"NEP_decade_{r.period}"] = float(r.NEP)
    ss = t.get("sink_source_S1")
    if ss is not None:
        shares = dict(zip(ss["class"], ss.area_share, strict=True))
        for k, v in shares.items():
            out[f"area_share_{k}"] = float(v)
        if "source" in shares:
            out["area_share_sink"] = 1.0 - float(shares["source"])
    at = t.get("attribution")
    if at is not None:
        a = at[at.variable == "NEP"]
        for _, r in a.iterrows():
            if r.factor in FACTORS:
                out[f"NEP_contribution_{r.factor}"] = float(r.contribution)
                out[f"NEP_contribution_share_{r.factor}"] = float(r.share_of_sum)
    dd = t.get("dominant_driver")
    if dd is not None:
        for _, r in dd.iterrows():
            if r.driver in DRIVERS:
                out[f"dominant_area_{r.driver}"] = float(r.area_share_largest_abs_r)
    fs = t.get("future_summary")
    if fs is not None:
        for _, r in fs.iterrows():
            k = _ssp_id(r)
            out[f"NEP_mean_{k}"] = float(r.NEP_mean)
            out[f"NEP_min_{k}"] = float(r.NEP_min)
            out[f"NEP_trend_{k}"] = float(r.trend_per_yr)
            out[f"NEP_change_{k}"] = float(r.change_vs_S1_mean)
    fp = t.get("future_periods")
    if fp is not None:
        for _, r in fp.iterrows():
            k = _ssp_id(r)
            out[f"NEP_period_mean_{k}_{r.period}"] = float(r["mean"])
            out[f"NEP_period_trend_{k}_{r.period}"] = float(r.slope)
    return out


def _ssp_id(row) -> str:
    """The SSP id (``ssp126``) of a future-table row (``experiment`` id, or the older ``scenario`` label)."""
    if "experiment" in row.index:
        return str(row["experiment"])
    return {v: k for k, v in SSP_LABELS.items()}.get(row["scenario"], str(row["scenario"]))


def headline_label(key: str) -> tuple[str, str, str]:
    """(section, label, units) of a headline id."""
    ssp = {k: v for k, v in SSP_LABELS.items()}
    flux, trend = "g C m-2 yr-1", "g C m-2 yr-2"
    parts = key.split("_")
    if key.endswith("_S1") and "_trend_p_" in key:
        return "historical", f"p-value of the {parts[0]} trend, S1", "1"
    if key.endswith("_S1") and "_trend_" in key:
        return "historical", f"{parts[0]} trend, S1", trend
    if key.endswith("_S1") and "_mean_" in key:
        return "historical", f"plateau-mean {parts[0]}, S1", flux
    if key.startswith("NEP_decade_"):
        return "historical", f"decadal mean NEP {key[len('NEP_decade_') :]}", flux
    if key.startswith("area_share_"):
        return "historical", f"area share: {key[len('area_share_') :].replace('_', ' ')}", "fraction"
    if key.startswith("NEP_contribution_share_"):
        return "attribution", f"share of the NEP trend: {key.rsplit('_', 1)[1]}", "fraction"
    if key.startswith("NEP_contribution_"):
        return "attribution", f"contribution to the NEP trend: {key.rsplit('_', 1)[1]}", trend
    if key.startswith("dominant_area_"):
        return "drivers", f"area where {key.rsplit('_', 1)[1]} dominates NEP", "fraction"
    if key.startswith("NEP_period_"):
        _, _, what, k, period = key.split("_", 4)
        return "future", f"{ssp.get(k, k)} {period}: NEP {what}", flux if what == "mean" else trend
    for what, lab, units in (
        ("mean", "mean NEP", flux),
        ("min", "lowest annual NEP", flux),
        ("trend", "NEP growth rate", trend),
        ("change", "NEP change vs S1", flux),
    ):
        if key.startswith(f"NEP_{what}_") and key[len(f"NEP_{what}_") :] in ssp:
            return "future", f"{ssp[key[len(f'NEP_{what}_') :]]}: {lab}", units
    return "other", key, ""


def _claim_defs() -> list[tuple[str, Callable[[Mapping[str, float]], float]]]:
    """(claim text, rule -> 1.0 true / 0.0 false / nan not evaluable)."""

    def gt(key, thr=0.0):
        return lambda h: float(h[key] > thr) if key in h and math.isfinite(h[key]) else math.nan

    def lt(key, thr):
        return lambda h: float(h[key] < thr) if key in h and math.isfinite(h[key]) else math.nan

    def top(prefix, name, names):
        def rule(h):
            vals = {n: h.get(f"{prefix}{n}", math.nan) for n in names}
            if not all(math.isfinite(v) for v in vals.values()):
                return math.nan
            return float(max(vals, key=lambda n: abs(vals[n])) == name)

        return rule

    defs = [
        ("the plateau is a net carbon sink in S1 (mean NEP > 0)", gt("NEP_mean_S1")),
        ("NEP increases over the historical period (S1 trend > 0)", gt("NEP_trend_S1")),
        ("the S1 NEP trend is significant (p < 0.05)", lt("NEP_trend_p_S1", 0.05)),
        ("sinks cover more than half of the plateau (S1)", gt("area_share_sink", 0.5)),
    ]
    for d in DRIVERS:
        defs.append((f"{d} dominates NEP on the largest area", top("dominant_area_", d, list(DRIVERS))))
    for f in FACTORS:
        defs.append((f"{f} contributes most to the NEP trend", top("NEP_contribution_", f, list(FACTORS))))
    for k, lab in SSP_LABELS.items():
        defs += [
            (f"NEP > 0 under {lab} (future analysis-period mean)", gt(f"NEP_mean_{k}")),
            (f"NEP > 0 in every year under {lab}", gt(f"NEP_min_{k}")),
            (f"NEP rises under {lab} (trend > 0)", gt(f"NEP_trend_{k}")),
            (f"NEP under {lab} exceeds the S1 mean", gt(f"NEP_change_{k}")),
        ]
    return defs


#: The qualitative claims evaluated per member.
CLAIMS = _claim_defs()


def summarize_member(folder: Path, cfg: StudyConfig) -> dict[str, float]:
    """Analyse one finished member into ``summary/``: ``headline.json``, ``series.csv``, ``maps.npz``."""
    from tpcarbon.analysis.study import analyze, load_run_folder

    runs = load_run_folder(folder)
    res = analyze(runs, historical=tuple(cfg.years.historical), future=tuple(cfg.years.analysis_future))
    nums = headline_numbers(res)
    out = Path(folder) / "summary"
    out.mkdir(parents=True, exist_ok=True)
    (out / "headline.json").write_text(json.dumps(nums, indent=1))
    cols = [c for c in ("experiment", "year", "GPP", "NPP", "HR", "NEP") if c in res.series]
    res.series[cols].to_csv(out / "series.csv", index=False)
    dom = res.maps.get("dominant_driver")
    nep = res.maps.get("NEP_mean_S1")
    if dom is not None and nep is not None:
        np.savez(
            out / "maps.npz",
            lat=np.asarray(res.lat),
            lon=np.asarray(res.lon),
            dominant_driver=np.where(np.isfinite(dom), dom, -1).astype(np.int8),
            NEP_mean_S1=nep,
            drivers=np.array(" ".join(DRIVERS)),
        )
    return nums


# ------------------------------------------------------------------------------------------- across members
def summary_table(headline: pd.DataFrame, reference: int | None = 0) -> pd.DataFrame:
    """Median and 5-95 % range of every headline number over the sampled members.

    Parameters
    ----------
    headline : DataFrame
        One row per member (index ``member``), one column per headline id.
    reference : int or None
        The member shown as "reference" and left out of the statistics.

    Examples
    --------
    >>> h = pd.DataFrame({"NEP_mean_S1": [20.0] + list(np.arange(1.0, 101.0))},
    ...                  index=pd.Index(range(101), name="member"))
    >>> r = summary_table(h).iloc[0]
    >>> float(r["median"]), float(r.p05), float(r.p95), float(r.reference), int(r.n_members)
    (50.5, 5.95, 95.05, 20.0, 100)
    """
    sampled = headline.drop(index=[reference], errors="ignore") if reference is not None else headline
    rows = []
    for key in headline.columns:
        v = sampled[key].to_numpy(dtype=np.float64)
        v = v[np.isfinite(v)]
        section, label, units = headline_label(key)
        q = np.quantile(v, QUANTILES) if v.size else [np.nan] * 3
        ref = (
            float(headline.loc[reference, key])
            if reference is not None and reference in headline.index
            else np.nan
        )
        rows.append(
            {
                "id": key,
                "section": section,
                "quantity": label,
                "units": units,
                "median": float(q[1]),
                "p05": float(q[0]),
                "p95": float(q[2]),
                "mean": float(v.mean()) if v.size else np.nan,
                "std": float(v.std(ddof=1)) if v.size > 1 else np.nan,
                "reference": ref,
                "n_members": int(v.size),
            }
        )
    return pd.DataFrame(rows)


def claims_table(headline: pd.DataFrame, reference: int | None = 0) -> pd.DataFrame:
    """Share of the sampled members in which each claim of :data:`CLAIMS` holds (unevaluable ones dropped)."""
    sampled = headline.drop(index=[reference], errors="ignore") if reference is not None else headline
    rows = []
    for text, rule in CLAIMS:
        vals = np.array([rule(r.dropna().to_dict()) for _, r in sampled.iterrows()], dtype=np.float64)
        ok = vals[np.isfinite(vals)]
        if ok.size == 0:
            continue
        ref = np.nan
        if reference is not None and reference in headline.index:
            ref = rule(headline.loc[reference].dropna().to_dict())
        rows.append(
            {
                "claim": text,
                "share_of_members": float(ok.mean()),
                "n_members": int(ok.size),
                "holds_in_reference": ("" if not math.isfinite(ref) else ("yes" if ref > 0.5 else "no")),
            }
        )
    return pd.DataFrame(rows)


def _corr2(x: np.ndarray, y: np.ndarray) -> float:
    sx, sy = x.std(), y.std()
    if sx == 0 or sy == 0:
        return 0.0
    return float(np.mean((x - x.mean()) * (y - y.mean())) / (sx * sy)) ** 2


def _eta2(x: np.ndarray, y: np.ndarray, categorical: bool = False) -> float:
    n = y.size
    if y.std() == 0:
        return 0.0
    if categorical:
        labels = x
    else:
        nb = max(2, int(round(n ** (1.0 / 3.0))))
        order = np.argsort(x, kind="stable")
        labels = np.empty(n, dtype=np.int64)
        labels[order] = np.arange(n) * nb // n
    groups = np.unique(labels)
    nb = groups.size
    mean = y.mean()
    between = sum((labels == g).sum() * (y[labels == g].mean() - mean) ** 2 for g in groups)
    eta = between / ((y - mean) ** 2).sum()
    if n <= nb:
        return float(eta)
    return float(max(0.0, 1.0 - (1.0 - eta) * (n - 1) / (n - nb)))


def first_order_indices(
    design: pd.DataFrame,
    y: np.ndarray,
    method: str = "regression",
    n_boot: int = 200,
    seed: int = 0,
    categorical: Sequence[str] = (),
) -> pd.DataFrame:
    """First-order sensitivity index of output ``y`` to each column of ``design`` (module docstring).

    Parameters
    ----------
    design : DataFrame, shape (n, d)
        Design values (or categories, for the ``categorical`` columns) of the sampled members.
    y : ndarray, shape (n,)
        The output per member; members with NaN are left out.
    method : {"regression", "binned"}
    n_boot : int
        Bootstrap resamples for the 5-95 % interval (0: none).
    seed : int
        Bootstrap seed.
    categorical : sequence of str
        Columns treated as categories (always ``"binned"``: between-category variance share).

    Returns
    -------
    DataFrame
        ``input``, ``index``, ``ci_low``, ``ci_high``, ``rank`` (1 = most influential), sorted by rank.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"a": rng.random(200), "b": rng.random(200)})
    >>> t = first_order_indices(d, 3.0 * d.a.to_numpy(), n_boot=0)
    >>> t.input.tolist(), round(float(t["index"].iloc[0]), 3)
    (['a', 'b'], 1.0)
    """
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(y)
    d = design.loc[ok]
    y = y[ok]
    rng = np.random.default_rng(seed)
    rows = []
    for col in d.columns:
        x = d[col].to_numpy()
        cat = col in categorical
        f = (lambda a, b: _eta2(a, b, True)) if cat else (_corr2 if method == "regression" else _eta2)
        xs = x if cat else x.astype(np.float64)
        s = f(xs, y) if y.size >= 3 else np.nan
        lo = hi = np.nan
        if n_boot and y.size >= 5:
            boots = []
            for _ in range(n_boot):
                i = rng.integers(0, y.size, y.size)
                boots.append(f(xs[i], y[i]))
            lo, hi = (float(v) for v in np.quantile(boots, [0.05, 0.95]))
        rows.append({"input": col, "index": s, "ci_low": lo, "ci_high": hi})
    out = pd.DataFrame(rows).sort_values("index", ascending=False, kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def modal_driver(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Modal dominant driver per cell over members and the share of members agreeing with it.

    Parameters
    ----------
    codes : ndarray of int, shape (nmember, ...)
        Driver code per member and cell (0, 1, 2; -1 missing).

    Returns
    -------
    (mode, agreement) : ndarray (...) of float
        Mode code (NaN where no member has one) and the share of members with a code that agree with it.

    Examples
    --------
    >>> m, a = modal_driver(np.array([[0, 1], [0, 2], [1, 2]]))
    >>> m.tolist(), [round(v, 3) for v in a.tolist()]
    ([0.0, 2.0], [0.667, 0.667])
    """
    c = np.asarray(codes)
    counts = np.stack([(c == k).sum(axis=0) for k in range(len(DRIVERS))])
    total = counts.sum(axis=0)
    mode = np.argmax(counts, axis=0).astype(np.float64)
    agree = np.where(total > 0, counts.max(axis=0) / np.maximum(total, 1), np.nan)
    return np.where(total > 0, mode, np.nan), agree


# ---------------------------------------------------------------------------------------------- the tables
def ranges_table(ecfg) -> pd.DataFrame:
    """The sampled inputs with their mode, range, units, source and note (``parameter_ranges.csv``)."""
    from tpcarbon.ensemble.parameters import EXCLUDED

    rows = [
        {
            "input": p.name,
            "kind": f"parameter ({p.kind})",
            "mode": p.mode + (", log-uniform" if p.log else ""),
            "range": p.range_text(),
            "units": p.units,
            "source": p.source,
            "note": p.note,
            "sampled": "parameters" in ecfg.spread,
        }
        for p in ecfg.parameters
    ]
    rows += [
        {
            "input": d.name,
            "kind": "scenario (pattern scaling)",
            "mode": "absolute",
            "range": d.range_text(),
            "units": d.units,
            "source": d.source,
            "note": d.note,
            "sampled": "scenario" in ecfg.spread and not ecfg.scenario_models,
        }
        for d in ecfg.scenario
    ]
    if ecfg.scenario_models:
        rows.append(
            {
                "input": "cmip6_model",
                "kind": "scenario (CMIP6 model)",
                "mode": "one model per member",
                "range": ecfg.scenario_models,
                "units": "",
                "source": "user files",
                "note": "",
                "sampled": True,
            }
        )
    rows += [
        {
            "input": k,
            "kind": "parameter (not sampled)",
            "mode": "-",
            "range": "-",
            "units": "",
            "source": v,
            "note": "excluded",
            "sampled": False,
        }
        for k, v in EXCLUDED.items()
    ]
    return pd.DataFrame(rows)


def write_ensemble_tables(
    root: Path, done: Sequence[tuple], ecfg, statuses: Mapping, log=print
) -> dict[str, Path]:
    """Gather the members' summaries and write ``tables/ensemble_*.csv`` (read by the report section)."""
    root = Path(root)
    tables = root / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    ens = root / "ensemble"
    rows, series = {}, []
    for m, cfg in done:
        f = Path(cfg.output.folder) / "summary"
        rows[m.index] = json.loads((f / "headline.json").read_text())
        s = pd.read_csv(f / "series.csv")
        s.insert(0, "member", m.index)
        series.append(s)
    headline = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    headline.index.name = "member"
    ref = 0 if 0 in headline.index else None
    written = {}

    def save(name: str, df: pd.DataFrame, index: bool = False) -> None:
        p = tables / f"{name}.csv"
        tmp = p.with_suffix(".csv.tmp")
        df.to_csv(tmp, index=index)
        tmp.replace(p)
        written[name] = p

    save("ensemble_members_headline", headline, index=True)
    save("ensemble_headline", summary_table(headline, ref))
    save("ensemble_claims", claims_table(headline, ref))
    save("ensemble_series", pd.concat(series, ignore_index=True))
    design = pd.read_csv(ens / "design.csv", index_col="member")
    vals = pd.read_csv(ens / "parameters.csv", index_col="member")
    sampled = [i for i in headline.index if i != ref]
    sens = []
    models = vals["cmip6_model"].astype("string").fillna("") if "cmip6_model" in vals else None
    has_models = models is not None and bool(models.str.len().gt(0).any())
    if design.shape[1] or has_models:
        d = design.reindex(sampled)
        if has_models:
            d = d.assign(cmip6_model=models.reindex(sampled))
        scen = {s.name for s in ecfg.scenario} | {"cmip6_model"}
        for target in SENSITIVITY_TARGETS:
            if target not in headline:
                continue
            y = headline.reindex(sampled)[target].to_numpy(dtype=np.float64)
            # scenario inputs reach only the SSP runs: historical outputs are tested against parameters alone
            dt = d[[c for c in d.columns if c not in scen]] if target.endswith("_S1") else d
            if dt.shape[1] == 0:
                continue
            for method in ("regression", "binned"):
                t = first_order_indices(
                    dt,
                    y,
                    method=method,
                    categorical=[c for c in dt.columns if c == "cmip6_model"],
                    n_boot=200 if method == "regression" else 0,
                    seed=ecfg.seed,
                )
                t.insert(0, "target", target)
                t.insert(1, "method", method)
                t["group"] = ["scenario" if c in scen else "parameter" for c in t.input]
                sens.append(t)
    if sens:
        save("ensemble_sensitivity", pd.concat(sens, ignore_index=True))
    st = pd.DataFrame(
        [
            {"member": k, **(v.__dict__ if hasattr(v, "__dict__") else dict(v))}
            for k, v in sorted(statuses.items())
        ]
    )
    save("ensemble_status", st)
    maps = []
    for m, cfg in done:
        f = Path(cfg.output.folder) / "summary" / "maps.npz"
        if f.exists() and m.index != ref:
            with np.load(f) as z:
                maps.append(z["dominant_driver"])
                lat, lon = z["lat"], z["lon"]
    if maps:
        mode, agree = modal_driver(np.stack(maps))
        np.savez(
            ens / "modal_driver.npz",
            lat=lat,
            lon=lon,
            mode=mode,
            agreement=agree,
            drivers=np.array(" ".join(DRIVERS)),
        )
    meta = {
        "n_done": len(done),
        "n_sampled_done": len(sampled),
        "reference": ref,
        "failed": [k for k, v in statuses.items() if getattr(v, "status", "") == "failed"],
        "method": ecfg.method,
        "seed": ecfg.seed,
        "spread": list(ecfg.spread),
        "members": ecfg.members,
        "scenario_models": ecfg.scenario_models,
    }
    (ens / "summary.json").write_text(json.dumps(meta, indent=1))
    log(f"ensemble: tables {', '.join(sorted(written))} in {tables}")
    return written
