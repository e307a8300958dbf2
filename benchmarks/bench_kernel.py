"""Kernel benchmark: the model alone on in-memory forcing (no I/O), beside the lean yardstick, with a
per-process cost table.

Prints cell-steps per second, core-seconds per grid-cell-year (3-h step), µs per cell-step, peak RSS, for a
domain of ``--cells`` plateau-like cells (replicating the 4 cells of ``tpcarbon.testing.domains.small_domain``:
grass, grass+shrub, forest, bare+grass) over ``--years`` years; the first year is a warm-up (JIT compile and
canopy growth) and is not timed. In the same run it times the yardstick ``roofline_probe.py`` (a lean numba
column step; path ``--yardstick``, default ``../shared/tools/roofline_probe.py``) with the same thread count and
prints the ratio, so the result does not depend on the machine. ``--profile`` adds one more timed year with the
kernel's cycle counters on (``tpcarbon.model.profiling``) and prints µs per cell-step per process.
Run: ``NUMBA_NUM_THREADS=1 python benchmarks/bench_kernel.py --cells 256 --years 2 --profile``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import time
from pathlib import Path

import numba
import numpy as np

from tpcarbon.forcing.stream import ForcingChunk
from tpcarbon.model.driver import Model, ModelOptions
from tpcarbon.surface.domain import Domain
from tpcarbon.surface.grid import make_grid
from tpcarbon.testing.domains import small_domain
from tpcarbon.testing.forcing import synthetic_chunk


def replicated_domain(ncell: int) -> Domain:
    """``ncell`` cells cycling through the four small-domain cell types."""
    base = small_domain()
    reps = -(-ncell // base.ncell)
    g = make_grid(0.1, bbox=(26.0, 40.0, 73.0, 105.0))
    mask = np.zeros(g.shape, dtype=bool)
    mask.ravel()[:ncell] = True

    def rep(a):
        return np.concatenate([a] * reps)[:ncell]

    return Domain(grid=g, landmask=mask, elevation=rep(base.elevation), pft_index=rep(base.pft_index),
                  pft_frac=rep(base.pft_frac), sand=rep(base.sand), clay=rep(base.clay), organic=rep(base.organic),
                  landfrac=np.ones(ncell), source="benchmark")


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cells", type=int, default=1024)
    ap.add_argument("--years", type=int, default=2)
    ap.add_argument("--substeps", type=int, default=2)
    ap.add_argument("--nitrogen", default="coupled", choices=["coupled", "fun-lite"])
    ap.add_argument("--yardstick", default=str(Path(__file__).resolve().parents[2] / "shared/tools/roofline_probe.py"))
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    base = small_domain()
    reps = -(-args.cells // base.ncell)
    months = [synthetic_chunk(base, 2001, m) for m in range(1, 13)]
    chunks = [ForcingChunk(c.time, *(np.ascontiguousarray(np.tile(getattr(c, v), (1, reps))[:, :args.cells])
                                     for v in ForcingChunk._fields[1:])) for c in months]
    model = Model(replicated_domain(args.cells), options=ModelOptions(n_substeps=args.substeps,
                                                                      nitrogen=args.nitrogen))
    state = model.init_state(t_init=275.0)
    for ch in chunks:                       # warm-up year (compile + canopy)
        model.run_chunk(state, ch, 370.0)
    steps = sum(c.nt for c in chunks) * args.years
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(args.years):
        for ch in chunks:
            model.run_chunk(state, ch, 370.0)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    cell_years = args.cells * args.years
    res = {
        "benchmark": "kernel (in-memory forcing)",
        "cells": args.cells, "years": args.years, "threads": numba.get_num_threads(),
        "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
        "cell_steps_per_s": round(args.cells * steps / wall),
        "core_s_per_cell_year": round(cpu / cell_years, 5),
        "us_per_cell_step_core": round(cpu / (args.cells * steps) * 1e6, 3),
        "peak_rss_MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "nitrogen": args.nitrogen, "substeps": args.substeps,
    }
    ys = _yardstick(args.yardstick)
    if ys is not None:
        res["yardstick_us_per_cell_step_core"] = round(ys, 3)
        res["ratio_to_yardstick"] = round(res["us_per_cell_step_core"] / ys, 2)
    if args.profile:
        from tpcarbon.model.profiling import PROF_NAMES, cycles_per_second

        timing = model.enable_timing()
        for ch in chunks:
            model.run_chunk(state, ch, 370.0)
        hz = cycles_per_second()
        per = timing.sum(axis=0) / hz / (args.cells * sum(c.nt for c in chunks)) * 1e6
        res["profile_us_per_cell_step"] = {n: round(float(v), 3) for n, v in zip(PROF_NAMES, per, strict=True)}
        res["profile_total_us"] = round(float(per.sum()), 3)
    print(json.dumps(res))
    return res


def _yardstick(path: str, ncell: int = 2000, nstep: int = 2920) -> float | None:
    """µs per cell-step of the yardstick's column step in this process (None if the file is absent)."""
    p = Path(path)
    if not p.is_file():
        print(f"yardstick {p} not found: ratio not computed")
        return None
    spec = importlib.util.spec_from_file_location("roofline_probe", p)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rng = np.random.default_rng(0)
    t = rng.normal(5, 8, (ncell, nstep))
    sw = np.abs(rng.normal(200, 150, (ncell, nstep)))
    pools = np.full((ncell, mod.NL, mod.NP), 1000.0)
    tsoil = np.full((ncell, 15), 2.0)
    out = np.zeros(ncell)
    mod.step(10, 10, t, sw, pools.copy(), tsoil.copy(), out)   # compile
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        mod.step(ncell, nstep, t, sw, pools, tsoil, out)
        best = min(best, time.perf_counter() - t0)
    return best * numba.get_num_threads() / (ncell * nstep) * 1e6


if __name__ == "__main__":
    main()
