"""Reference for the fast spin-up: brute-force normal-mode integration, compared cell by cell.

Run once (not in CI); about an hour at 1° on 2 cores:

    python scripts/spinup_reference.py OUT [--cycle 1979 1998] [--veg-years 200] [--soil-years 20000]

1. Fast path: ``experiments.spinup.run_spinup`` (AD + matrix), as the study runner does.
2. Brute force, normal mode only (no AD, no matrix): the full model from a cold start for
   ``--veg-years`` years of cycled forcing, so that vegetation, soil physics and the litter inputs reach
   equilibrium (the slowest vegetation pool, dead wood, turns over in 50 years). Then one more forcing
   cycle records, per cell and day, the litter inputs, the daily loss fraction of every pool in every
   layer, and the mixing coefficients; the soil cascade alone is integrated explicitly with that cycle
   repeated for ``--soil-years`` years (soil carbon does not feed back on vegetation or soil physics in
   this carbon-only model, so this is the same normal-mode system; the passive pool's turnover on the
   cold plateau is ~10³ years).
3. Compares total soil carbon (litter + CWD + SOM to 3.26 m) per cell: the share of cells within 2 %.
   Writes ``OUT/spinup_reference.csv`` (per cell) and ``OUT/spinup_reference.json`` (summary).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit, prange

from tpcarbon.experiments.runner import build_domain, co2_function, open_forcing
from tpcarbon.experiments.simulate import simulate_years
from tpcarbon.experiments.spinup import SpinupConfig, carbon_stocks, run_spinup
from tpcarbon.experiments.study import StudyConfig
from tpcarbon.model.columns import LAYER_DZ, LAYER_Z
from tpcarbon.model.driver import Model
from tpcarbon.model.state import C_SPIN_NDAYS, S_DIFF, S_IN0, S_LOSS0
from tpcarbon.params.vertical import NLEVSOI
from tpcarbon.physics.soil_bgc import NDECOMP, calc_decompose_layer, solve_vertical_mixing


def record_cycle(model: Model, state, source, y0: int, y1: int, co2: float):
    """Run one forcing cycle day by day; return per-day inputs (ncell, 4, nl), loss fractions (ncell, 7, nl) and
    mixing coefficients (ncell, nl), as float32 arrays of shape (ndays, ...)."""
    m = model.with_options(spin_accumulate=True)
    inputs, losses, diffs = [], [], []
    for chunk in source.iter_chunks(y0, y1):
        days = chunk.time.astype("datetime64[D]")
        for d in np.unique(days):
            sel = days == d
            sub = chunk._replace(time=chunk.time[sel], **{v: getattr(chunk, v)[sel] for v in chunk._fields[1:]})
            state.spin_acc[:] = 0.0
            state.col[:, C_SPIN_NDAYS] = 0.0
            m.run_chunk(state, sub, co2)
            inputs.append(state.spin_acc[:, S_IN0:S_IN0 + 4].astype(np.float32))
            losses.append(state.spin_acc[:, S_LOSS0:S_LOSS0 + NDECOMP].astype(np.float32))
            diffs.append(state.spin_acc[:, S_DIFF].astype(np.float32))
    return np.stack(inputs), np.stack(losses), np.stack(diffs)


@njit(parallel=True, cache=True)
def integrate_soil(soil, inputs, losses, diffs, ncycles, texture_t, f13, rf, cwd_f, dz, z):
    """Explicit daily cascade + mixing, cycling the recorded days ``ncycles`` times, for every cell (in place)."""
    ncell = soil.shape[0]
    ndays = inputs.shape[0]
    nl = soil.shape[2]
    total = ncycles * ndays
    for c in prange(ncell):
        out = np.zeros(NDECOMP)
        cvec = np.zeros(NDECOMP)
        lam = np.zeros(NDECOMP)
        diff = np.zeros(nl)
        work = np.zeros((4, nl))
        col = np.zeros(nl)
        for day in range(total):
            k = day % ndays
            for j in range(nl):
                for i in range(4):
                    soil[c, i, j] += inputs[k, c, i, j]
                for i in range(NDECOMP):
                    cvec[i] = soil[c, i, j]
                    lam[i] = losses[k, c, i, j]
                calc_decompose_layer(cvec, lam, rf[0], rf[1], rf[2], rf[3], rf[4], rf[5], texture_t[c], f13[c],
                                     cwd_f[0], cwd_f[1], out)
                for i in range(NDECOMP):
                    soil[c, i, j] = out[i]
                diff[j] = diffs[k, c, j]
            for i in range(NDECOMP):
                for j in range(nl):
                    col[j] = soil[c, i, j]
                solve_vertical_mixing(col, diff, dz, z, 86400.0, nl, work)
                for j in range(nl):
                    soil[c, i, j] = col[j]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--cycle", nargs=2, type=int, default=[1979, 1998])
    ap.add_argument("--veg-years", type=int, default=200)
    ap.add_argument("--soil-years", type=int, default=20000)
    ap.add_argument("--resolution", type=float, default=1.0)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cfg = StudyConfig().with_changes(output={"folder": str(out)}, region={"resolution": args.resolution},
                                     spinup={"cycle_years": tuple(args.cycle)})
    domain = build_domain(cfg)
    source = open_forcing(cfg, domain, out, cfg.years.historical, print, progress=True)
    model = Model(domain)
    sp = model.params.scalar
    y0, y1 = args.cycle
    co2 = float(co2_function("historical")(np.array([y0 + 0.5]))[0])

    t0 = time.time()
    fast = run_spinup(model, source, SpinupConfig(cycle_years=(y0, y1)), co2, progress=True,
                      csv_path=out / "spinup_fast.csv")
    t_fast = time.time() - t0

    t0 = time.time()
    s = model.init_state(t_init=np.full(domain.ncell, 272.0))
    n = y1 - y0 + 1
    co2f = lambda t: np.full(t.shape, co2)  # noqa: E731
    for k in range(max(args.veg_years // n, 1)):
        for _ in simulate_years(model, s, source, y0, y1, co2f, desc=f"brute force cycle {k + 1}"):
            pass
    inputs, losses, diffs = record_cycle(model, s, source, y0, y1, co2)
    rf = np.array([sp.rf_l1s1_bgc, sp.rf_l2s1_bgc, sp.rf_l3s2_bgc, sp.rf_s2s1_bgc, sp.rf_s2s3_bgc, sp.rf_s3s1_bgc])
    soil = s.soilc.copy()
    ncycles = -(-args.soil_years // n)
    integrate_soil(soil, inputs, losses, diffs, ncycles, model.columns.texture_t, model.columns.f13, rf,
                   np.array([sp.cwd_fcel, sp.cwd_flig]), LAYER_DZ[:NLEVSOI], LAYER_Z[:NLEVSOI])
    t_brute = time.time() - t0

    dz = LAYER_DZ[:NLEVSOI]
    soil_brute = (soil * dz).sum(axis=(1, 2))
    fs = carbon_stocks(fast.state, model)
    soil_fast = fs["TOTSOMC"] + fs["TOTLITC"] - (fast.state.bgc_acc[:, :4] * dz).sum(axis=(1, 2))
    rel = soil_fast / soil_brute - 1.0
    pd.DataFrame({"lat": domain.lat, "lon": domain.lon, "soil_fast_gC_m2": soil_fast,
                  "soil_brute_gC_m2": soil_brute, "rel_diff": rel}).to_csv(out / "spinup_reference.csv", index=False)
    summary = {"cells": int(domain.ncell), "fast_years": fast.years_simulated, "fast_converged": fast.converged,
               "fast_message": fast.message, "fast_wall_s": round(t_fast),
               "brute_full_model_years": (args.veg_years // n) * n + n, "brute_soil_years": ncycles * n,
               "brute_wall_s": round(t_brute),
               "share_within_2pct": float(np.mean(np.abs(rel) <= 0.02)),
               "median_abs_rel_diff": float(np.median(np.abs(rel))), "max_abs_rel_diff": float(np.abs(rel).max())}
    (out / "spinup_reference.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
