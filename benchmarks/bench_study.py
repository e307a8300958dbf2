"""Study benchmarks: (b) the 1° full-study demo, (c) one 0.1° plateau year streamed from CMFD-layout files,
and (d) peak memory against the number of simulated years.

Each case runs in a child process so that peak RSS and CPU time are the child's own
(``resource.RUSAGE_CHILDREN``). Prints one JSON line per case; ``benchmarks/RESULTS.md`` records them.

    python benchmarks/bench_study.py demo            # (b) tpcarbon demo at 1° (all eight experiments + spin-up)
    python benchmarks/bench_study.py stream01 [N]    # (c) N (default 1) years at 0.1°, forcing read from disk
    python benchmarks/bench_study.py memory          # (d) 1, 4, 16 years at 1°: peak RSS
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; return wall, cpu and peak RSS of that child and its stdout JSON."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-4000:])
    res = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else {}
    res.update({"wall_s": round(wall, 1),
                "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
                "peak_rss_MB": round(after.ru_maxrss / 1024, 1)})
    return res


def bench_demo() -> dict:
    tmp = tempfile.mkdtemp(prefix="tpc-demo-")
    code = f"""
import json, xarray as xr, glob
from tpcarbon.experiments.runner import default_study, run_study
cfg = default_study({tmp!r} + "/demo", 1.0)
run_study(cfg, log=lambda s: None, progress=False)
cells = int(xr.open_dataset({tmp!r} + "/demo/runs/S1/annual.nc").landmask.sum())
import pandas as pd
spin = int(pd.read_csv({tmp!r} + "/demo/spinup/spinup.csv").years_simulated.max())
years = sum(xr.open_dataset(p).sizes["year"] for p in glob.glob({tmp!r} + "/demo/runs/*/annual.nc"))
years += 6 * 4  # SSP bridge years 2019-2024 are simulated but the analysis starts 2025 (written anyway)
print(json.dumps({{"case": "demo 1 deg", "cells": cells, "model_years": spin + years}}))
"""
    res = child(code)
    res["core_s_per_cell_year"] = round(res["cpu_s"] / (res["cells"] * res["model_years"]), 5)
    return res


def bench_stream01(years: int = 1) -> dict:
    tmp = tempfile.mkdtemp(prefix="tpc-01-")
    code = f"""
import json, time, numpy as np
from tpcarbon.surface.default import build_default_domain
from tpcarbon.forcing.generator import WeatherGenerator
from tpcarbon.io.cmfd import write_default_forcing, open_cmfd
from tpcarbon.model.driver import Model
from tpcarbon.experiments.simulate import simulate_years
d = build_default_domain(res=0.1)
y0, y1 = 1979, 1979 + {years} - 1
t0 = time.process_time(); w0 = time.perf_counter()
write_default_forcing({tmp!r} + "/cmfd", d.grid, (y0, y1), WeatherGenerator())
gen_cpu = time.process_time() - t0; gen_wall = time.perf_counter() - w0
src = open_cmfd({tmp!r} + "/cmfd", d, years=(y0, y1))
m = Model(d)
s = m.init_state(t_init=270.0)
t0 = time.process_time(); w0 = time.perf_counter()
for _ in simulate_years(m, s, src, y0, y1, lambda t: np.full(t.shape, 337.0), progress=False):
    pass
run_cpu = time.process_time() - t0; run_wall = time.perf_counter() - w0
print(json.dumps({{"case": "0.1 deg streamed from CMFD-layout files", "cells": d.ncell, "years": {years},
                  "generate_cpu_s": round(gen_cpu, 1), "generate_wall_s": round(gen_wall, 1),
                  "run_cpu_s": round(run_cpu, 1), "run_wall_s": round(run_wall, 1),
                  "core_s_per_cell_year_incl_io": round(run_cpu / (d.ncell * {years}), 5)}}))
"""
    return child(code)


def bench_memory() -> list[dict]:
    rows = []
    for years in (1, 4, 16):
        code = f"""
import json, numpy as np
from tpcarbon.testing.forcing import SyntheticSource
from tpcarbon.model.driver import Model
from tpcarbon.experiments.simulate import simulate_years
import sys; sys.path.insert(0, {str(HERE)!r})
from bench_kernel import replicated_domain
d = replicated_domain(2048)
m = Model(d); s = m.init_state(t_init=275.0)
for _ in simulate_years(m, s, SyntheticSource(d), 1980, 1980 + {years} - 1, lambda t: np.full(t.shape, 370.0),
                        progress=False):
    pass
print(json.dumps({{"case": "memory vs years (2048 cells)", "years": {years}}}))
"""
        rows.append(child(code))
    return rows


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "demo"
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    if what == "demo":
        print(json.dumps(bench_demo()))
    elif what == "stream01":
        print(json.dumps(bench_stream01(int(sys.argv[2]) if len(sys.argv) > 2 else 1)))
    elif what == "memory":
        for r in bench_memory():
            print(json.dumps(r))
    else:
        raise SystemExit(__doc__)
