"""Kernel benchmark: the model alone on in-memory forcing (no I/O).

Prints cell-steps per second, core-seconds per grid-cell-year (3-h step), and peak RSS,
for a domain of ``--cells`` plateau-like cells (replicating the 4 cells of
``tpcarbon.testing.domains.small_domain``: grass, grass+shrub, forest, bare+grass) over
``--years`` years. The first year is a warm-up (JIT compile and canopy growth) and is not
timed. Run: ``python benchmarks/bench_kernel.py --cells 1024 --years 2``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

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
    args = ap.parse_args()
    base = small_domain()
    reps = -(-args.cells // base.ncell)
    months = [synthetic_chunk(base, 2001, m) for m in range(1, 13)]
    chunks = [ForcingChunk(c.time, *(np.ascontiguousarray(np.tile(getattr(c, v), (1, reps))[:, :args.cells])
                                     for v in ForcingChunk._fields[1:])) for c in months]
    model = Model(replicated_domain(args.cells), options=ModelOptions(n_substeps=args.substeps))
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
    }
    print(json.dumps(res))
    return res


if __name__ == "__main__":
    main()
