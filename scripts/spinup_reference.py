"""Spin-up reference: the full model in normal mode cycled for ≥ 1000 years, and a spin-up compared to it.

No acceleration of any kind: no AD, no periodic soil solve, no Anderson mixing of the physics, no dead-wood
shortcut. From the same initial state the spin-up starts from (``experiments.spinup``: ground temperature =
the first cycle year's mean air temperature + ``soil_t_offset`` at every depth, water split into ice and
liquid by ``consistent_start``), the full model runs the study's spin-up cycle years again and again with the
spin-up's fixed CO2 and N deposition, for ``--years`` (default 1000) years of model time, on the study's
domain (default: the embedded 1° default, built as ``experiments.runner.run_study`` builds it). The passive
SOM pool turns over in ~10³ years on the cold plateau, so 1000 years is the least that can serve as a
reference; run longer if the last cycles of ``cycles.csv`` still drift.

It takes hours (measured on a 32-cell subset: 0.25 s per cell and model year on 2 cores, so ≈ 65 s per year
for the 264 cells of the 1° default and ≈ 18 h for 1000 years), so it is resumable: a restart is written
after every cycle and a new call continues from it (a larger ``--years`` continues further).

Usage::

    python scripts/spinup_reference.py OUT [--years 1000] [--resolution 1.0] [--study STUDY.toml]
                                           [--cycle 1979 1988] [--cells N] [--no-progress]
    python scripts/spinup_reference.py OUT --compare SPINUP_RESTART [--cells N ...]

Files in ``OUT/reference/``:

* ``restart.nc``: the state after the last completed cycle (valid on 1 January of the first cycle year, as a
  spin-up restart), written with ``model.restart.write_restart``; attributes ``cycles_done``, ``years_done``;
* ``cycles.csv``: one row per cycle, the domain totals at its end: TOTECOSYSC, TOTSOMC, TOTVEGC [Pg C], TWS
  [kg] (and their area means per m²), and the drift of TOTECOSYSC over the cycle;
* with ``--compare``: ``compare_cells.csv`` (per cell) and ``compare.json`` (the printed summary).

``--compare`` reads a spin-up restart (``spinup/restart.nc`` of a study run, or any ``write_restart`` file on
the same domain, or on the full domain when ``--cells`` chose a subset) and prints per cell: total soil carbon
(litter + CWD + SOM; share of cells within 2 %, plateau-mean relative difference), vegetation carbon (the
same), and ground temperature and soil water at the layers nearest 0.1, 1 and 3 m (largest absolute
difference, share of cells within 0.1 K and within 0.01 m³ m⁻³).

``--cells N`` runs on N cells spread evenly over the domain (``experiments.parallel.SubsetSource`` and
``Domain.subset``) for quick trials, e.g. two cycles of two years on four cells::

    python scripts/spinup_reference.py /tmp/ref --cells 4 --cycle 1979 1980 --years 4
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.errors import InputError
from tpcarbon.experiments.inputs import build_domain, co2_function, open_forcing
from tpcarbon.experiments.parallel import SubsetSource
from tpcarbon.experiments.runner import default_study
from tpcarbon.experiments.simulate import simulate_years
from tpcarbon.experiments.spinup import (
    SpinupConfig,
    _first_year_mean_temperature,
    carbon_stocks,
    consistent_start,
    water_storage,
)
from tpcarbon.io.ndep import default_ndep
from tpcarbon.io.writers import atomic_path
from tpcarbon.model.columns import LAYER_DZ, LAYER_Z
from tpcarbon.model.driver import Model, ModelOptions
from tpcarbon.model.restart import read_restart, write_restart
from tpcarbon.model.state import State
from tpcarbon.params.pft import load_params
from tpcarbon.params.vertical import NLEVSOI

#: Depths of the physics comparison [m] and its tolerances: 0.1 K, 0.01 m3 m-3; soil carbon within 2 %.
DEPTHS_M = (0.1, 1.0, 3.0)
TOL_T_K = 0.1
TOL_W_M3M3 = 0.01
TOL_C_REL = 0.02
#: Vegetation carbon below this is "no vegetation" in the relative comparison [g C m-2].
VEG_MIN_GC_M2 = 1.0
G_PER_PG = 1.0e15


# ----------------------------------------------------------------------------------------------- set-up
def setup(args):
    """The study, the (sub)domain, the model, the forcing and the spin-up's fixed drivers."""
    out = Path(args.out)
    if args.study:
        from tpcarbon.experiments.study import load_study

        cfg = load_study(args.study).with_changes(output={"folder": str(out)})
    else:
        cfg = default_study(out, resolution=args.resolution)
    if args.cycle:
        cfg = cfg.with_changes(spinup={"cycle_years": tuple(args.cycle)})
    y0, y1 = cfg.spinup.cycle_years
    full = build_domain(cfg)
    source = open_forcing(cfg, full, out, (y0, y1), print, progress=not args.no_progress)
    cells = np.arange(full.ncell)
    domain = full
    if args.cells:
        n = min(int(args.cells), full.ncell)
        cells = np.unique(np.linspace(0, full.ncell - 1, n).round().astype(np.int64))
        domain = full.subset(cells)
        source = SubsetSource(source, cells, domain)
    params = load_params(None if cfg.model.paramfile == "default" else cfg.model.paramfile)
    model = Model(domain, params, ModelOptions(n_substeps=cfg.model.n_substeps))
    sp = cfg.spinup
    # the spin-up's fixed drivers, exactly as experiments.runner._spinup and run_spinup set them
    co2 = (float(co2_function("historical")(np.array([y0 + 0.5]))[0]) if sp.co2 == "first-year"
           else float(sp.co2))
    ndep = default_ndep(y0)
    scfg = SpinupConfig(cycle_years=(y0, y1), co2_ppm=co2)
    identity = {"cycle_years": f"{y0}-{y1}", "spinup_hash": cfg.experiment_hash("spinup"),
                "co2_ppm": f"{co2:.6f}", "ndep_gN_m2_yr": f"{ndep:.6f}",
                "soil_t_offset_K": f"{scfg.soil_t_offset}", "n_substeps": str(cfg.model.n_substeps),
                "cells": ",".join(str(c) for c in cells)}
    return {"cfg": cfg, "full": full, "domain": domain, "cells": cells, "model": model, "source": source,
            "y0": y0, "y1": y1, "co2": co2, "ndep": ndep, "scfg": scfg, "identity": identity,
            "folder": out / "reference"}


def start_state(model: Model, source, y0: int, soil_t_offset: float) -> State:
    """The state the spin-up starts from (``run_spinup`` without a given state)."""
    t_init = _first_year_mean_temperature(source, y0) + soil_t_offset
    state = model.init_state(t_init=t_init)
    consistent_start(model, state, t_init)
    return state


def domain_totals(model: Model, state: State) -> dict[str, float]:
    """Domain totals of TOTECOSYSC, TOTSOMC, TOTVEGC [Pg C] and TWS [kg], and their area means [per m2]."""
    area = model.domain.land_area
    stocks = carbon_stocks(state, model)
    tws, _ = water_storage(state, model)
    row = {}
    for key in ("TOTECOSYSC", "TOTSOMC", "TOTVEGC"):
        row[f"{key}_PgC"] = float((stocks[key] * area).sum() / G_PER_PG)
        row[f"mean_{key}_gC_m2"] = float(np.average(stocks[key], weights=area))
    row["TWS_kg"] = float((tws * area).sum())
    row["mean_TWS_kg_m2"] = float(np.average(tws, weights=area))
    return row


# ----------------------------------------------------------------------------------------------- the run
def _resume(folder: Path, domain, identity: dict) -> tuple[State | None, int, list[dict]]:
    """The latest restart and the rows of the cycles it contains, or (None, 0, []) for a fresh start."""
    restart = folder / "restart.nc"
    if not restart.exists():
        return None, 0, []
    state, attrs = read_restart(restart, domain)
    wrong = {k: (attrs.get(k), v) for k, v in identity.items() if attrs.get(k) != v}
    if wrong:
        raise SystemExit(f"{restart} was made with other settings ({', '.join(wrong)}): use another OUT "
                         "folder or delete it to start again")
    done = int(attrs["cycles_done"])
    csv = folder / "cycles.csv"
    rows = pd.read_csv(csv).to_dict("records") if csv.exists() else []
    rows = [r for r in rows if int(r["cycle"]) <= done]
    return state, done, rows


def _write_rows(folder: Path, rows: list[dict]) -> None:
    with atomic_path(folder / "cycles.csv") as tmp:
        pd.DataFrame(rows).to_csv(tmp, index=False)


def run_reference(ctx: dict, years: int, progress: bool = True) -> Path:
    """Run (or continue) the reference until ``years`` model years; returns the restart path."""
    model, source, folder = ctx["model"], ctx["source"], ctx["folder"]
    y0, y1 = ctx["y0"], ctx["y1"]
    n = y1 - y0 + 1
    ncycles = max(math.ceil(years / n), 1)
    folder.mkdir(parents=True, exist_ok=True)
    state, done, rows = _resume(folder, model.domain, ctx["identity"])
    if state is None:
        state = start_state(model, source, y0, ctx["scfg"].soil_t_offset)
        rows = [{"cycle": 0, "years_simulated": 0, **domain_totals(model, state),
                 "drift_TOTECOSYSC_PgC_yr": np.nan, "wall_s": 0.0}]
        print(f"reference: fresh start from the spin-up's initial state ({model.domain.ncell} cells, cycle "
              f"{y0}-{y1}, CO2 {ctx['co2']:.1f} ppm, N deposition {ctx['ndep']:.3f} g N m-2 yr-1)")
    else:
        print(f"reference: continuing from {folder / 'restart.nc'} after {done} cycles ({done * n} years)")
        if not rows or int(rows[-1]["cycle"]) != done:      # the restart's row was not written (killed)
            rows.append({"cycle": done, "years_simulated": done * n, **domain_totals(model, state),
                         "drift_TOTECOSYSC_PgC_yr": np.nan, "wall_s": np.nan})
    co2 = ctx["co2"]
    co2f = lambda t: np.full(t.shape, co2)  # noqa: E731
    for k in range(done + 1, ncycles + 1):
        t0 = time.time()
        for _ in simulate_years(model, state, source, y0, y1, co2f, desc=f"reference cycle {k}/{ncycles}",
                                progress=progress, ndep=ctx["ndep"]):
            pass
        write_restart(folder / "restart.nc", state, model.domain, f"{y0}-01-01", ad_mode=False,
                      attrs={**ctx["identity"], "cycles_done": k, "years_done": k * n,
                             "title": "tpcarbon normal-mode spin-up reference (scripts/spinup_reference.py)"})
        row = {"cycle": k, "years_simulated": k * n, **domain_totals(model, state)}
        row["drift_TOTECOSYSC_PgC_yr"] = (row["TOTECOSYSC_PgC"] - rows[-1]["TOTECOSYSC_PgC"]) / n
        row["wall_s"] = round(time.time() - t0, 1)
        rows.append(row)
        _write_rows(folder, rows)
        print(f"reference cycle {k}/{ncycles} ({k * n} years): TOTECOSYSC {row['TOTECOSYSC_PgC']:.6f} Pg C "
              f"(drift {row['drift_TOTECOSYSC_PgC_yr']:+.3e} Pg C yr-1), TOTSOMC {row['TOTSOMC_PgC']:.6f}, "
              f"TOTVEGC {row['TOTVEGC_PgC']:.6f} Pg C, mean TWS {row['mean_TWS_kg_m2']:.2f} kg m-2; "
              f"{row['wall_s']:.0f} s", flush=True)
    if done >= ncycles:
        _write_rows(folder, rows)
        print(f"reference: already {done} cycles ({done * n} years) >= {years} years requested")
    return folder / "restart.nc"


# ----------------------------------------------------------------------------------------------- compare
def _read_spinup(path: Path, ctx: dict) -> tuple[State, dict]:
    """A spin-up restart on the run's (sub)domain, or on the full domain restricted to the subset."""
    try:
        return read_restart(path, ctx["domain"])
    except InputError:
        if ctx["domain"].ncell == ctx["full"].ncell:
            raise
        state, attrs = read_restart(path, ctx["full"])
        return state.take(ctx["cells"]), attrs


def _soil_carbon(model: Model, state: State) -> np.ndarray:
    """Total soil carbon per cell: litter + CWD (with today's inputs in transit) + SOM [g C m-2]."""
    s = carbon_stocks(state, model)
    return s["TOTSOMC"] + s["TOTLITC"]


def _veg_carbon(model: Model, state: State) -> np.ndarray:
    """TOTVEGC per cell [g C m-2]."""
    return carbon_stocks(state, model)["TOTVEGC"]


def _share_within_rel(test: np.ndarray, ref: np.ndarray, tol: float,
                      floor: float = 0.0) -> tuple[float, np.ndarray]:
    """Share of cells with |test/ref − 1| ≤ tol (cells where both are ≤ floor count as agreeing)."""
    rel = np.divide(test - ref, ref, out=np.zeros_like(ref), where=np.abs(ref) > floor)
    both_empty = (np.abs(ref) <= floor) & (np.abs(test) <= floor)
    ok = np.where(np.abs(ref) > floor, np.abs(rel) <= tol, both_empty)
    return float(ok.mean()), rel


def compare(ctx: dict, spinup_path: Path) -> dict:
    """Per-cell comparison of a spin-up restart with the reference, printed and written (module docstring)."""
    model, folder = ctx["model"], ctx["folder"]
    ref, ref_attrs = read_restart(folder / "restart.nc", model.domain)
    spin, spin_attrs = _read_spinup(Path(spinup_path), ctx)
    area = model.domain.land_area
    summary: dict = {"cells": int(model.domain.ncell),
                     "reference_years": int(ref_attrs.get("years_done", -1)),
                     "reference_cycle": ref_attrs.get("cycle_years"), "spinup_restart": str(spinup_path),
                     "spinup_message": spin_attrs.get("spinup_message", ""),
                     "spinup_ad_mode": int(spin_attrs.get("ad_mode", 0))}
    cells = pd.DataFrame({"lat": model.domain.lat, "lon": model.domain.lon, "land_area_m2": area})
    lines = [f"spin-up {spinup_path} against the {summary['reference_years']}-year normal-mode reference "
             f"({summary['cells']} cells)"]
    if summary["spinup_ad_mode"]:
        lines.append("WARNING: the spin-up restart is in AD space (ad_mode = 1); pools are not comparable")
    csv = folder / "cycles.csv"
    if csv.exists():
        tail = pd.read_csv(csv).tail(2)
        if len(tail) == 2:
            d = float(tail["drift_TOTECOSYSC_PgC_yr"].iloc[-1])
            mean = float(tail["mean_TOTECOSYSC_gC_m2"].iloc[-1])
            summary["reference_last_cycle_drift_gC_m2_yr"] = d * G_PER_PG / float(area.sum())
            lines.append("reference drift over its last cycle: "
                         f"{summary['reference_last_cycle_drift_gC_m2_yr']:+.4f} g C m-2 yr-1 "
                         f"(area mean, on {mean:.0f} g C m-2)")
    for name, fn, floor in (("soil_carbon", _soil_carbon, 0.0),
                            ("vegetation_carbon", _veg_carbon, VEG_MIN_GC_M2)):
        r, t = fn(model, ref), fn(model, spin)
        share, rel = _share_within_rel(t, r, TOL_C_REL, floor)
        plateau = float(np.average(t, weights=area) / np.average(r, weights=area) - 1.0)
        summary[f"{name}_share_within_2pct"] = share
        summary[f"{name}_plateau_mean_rel_diff"] = plateau
        live = np.abs(r) > floor
        summary[f"{name}_median_abs_rel_diff"] = float(np.median(np.abs(rel[live]))) if live.any() else 0.0
        summary[f"{name}_max_abs_rel_diff"] = float(np.abs(rel[live]).max()) if live.any() else 0.0
        cells[f"{name}_reference_gC_m2"] = r
        cells[f"{name}_spinup_gC_m2"] = t
        cells[f"{name}_rel_diff"] = rel
        lines.append(f"{name.replace('_', ' ')}: {100 * share:.1f} % of cells within 2 %; plateau mean "
                     f"{np.average(t, weights=area):.0f} (spin-up) vs {np.average(r, weights=area):.0f} "
                     f"(reference) g C m-2, {100 * plateau:+.2f} %; median |rel. diff.| "
                     f"{100 * summary[f'{name}_median_abs_rel_diff']:.2f} %, max "
                     f"{100 * summary[f'{name}_max_abs_rel_diff']:.2f} %")
    for depth in DEPTHS_M:
        j = int(np.argmin(np.abs(LAYER_Z - depth)))
        dt = spin.tsoi[:, j] - ref.tsoi[:, j]
        key = f"T_{depth:g}m"
        summary[f"{key}_layer_depth_m"] = float(LAYER_Z[j])
        summary[f"{key}_max_abs_diff_K"] = float(np.abs(dt).max())
        summary[f"{key}_share_within_0.1K"] = float((np.abs(dt) <= TOL_T_K).mean())
        cells[f"{key}_reference_K"] = ref.tsoi[:, j]
        cells[f"{key}_diff_K"] = dt
        line = (f"ground temperature at {LAYER_Z[j]:.2f} m: max |diff| "
                f"{summary[f'{key}_max_abs_diff_K']:.3f} K, "
                f"{100 * summary[f'{key}_share_within_0.1K']:.1f} % of cells within 0.1 K")
        jw = int(np.argmin(np.abs(LAYER_Z[:NLEVSOI] - depth)))
        vol = lambda s, jw=jw: (s.h2oliq[:, jw] + s.h2oice[:, jw]) / (1000.0 * LAYER_DZ[jw])  # noqa: E731
        dw = vol(spin) - vol(ref)
        wkey = f"W_{depth:g}m"
        summary[f"{wkey}_layer_depth_m"] = float(LAYER_Z[jw])
        summary[f"{wkey}_max_abs_diff_m3m3"] = float(np.abs(dw).max())
        summary[f"{wkey}_share_within_0.01"] = float((np.abs(dw) <= TOL_W_M3M3).mean())
        cells[f"{wkey}_reference_m3m3"] = vol(ref)
        cells[f"{wkey}_diff_m3m3"] = dw
        lines.append(line)
        lines.append(f"soil water (liquid + ice) at {LAYER_Z[jw]:.2f} m: max |diff| "
                     f"{summary[f'{wkey}_max_abs_diff_m3m3']:.4f} m3 m-3, "
                     f"{100 * summary[f'{wkey}_share_within_0.01']:.1f} % of cells within 0.01 m3 m-3")
    cells.to_csv(folder / "compare_cells.csv", index=False)
    (folder / "compare.json").write_text(json.dumps(summary, indent=2))
    print("\n".join(lines))
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output folder (forcing, reference/)")
    ap.add_argument("--years", type=int, default=1000, help="model years of the reference (default 1000)")
    ap.add_argument("--resolution", type=float, default=1.0, help="grid of the embedded default (default 1°)")
    ap.add_argument("--study", help="a study file instead of the embedded default study")
    ap.add_argument("--cycle", nargs=2, type=int, metavar=("Y0", "Y1"), help="override the cycle years")
    ap.add_argument("--cells", type=int, help="run on this many cells spread over the domain (quick trials)")
    ap.add_argument("--compare", metavar="SPINUP_RESTART", help="compare a spin-up restart with it")
    ap.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = ap.parse_args(argv)
    ctx = setup(args)
    if args.compare:
        compare(ctx, Path(args.compare))
    else:
        if args.years < 1000 and not args.cells:
            print(f"note: {args.years} years is short for a reference (passive SOM turns over in ~10^3 "
                  "years)", file=sys.stderr)
        run_reference(ctx, args.years, progress=not args.no_progress)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
