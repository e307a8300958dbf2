"""Before/after check of a kernel change: run a fixed small case, save its outputs, compare with a saved run.

The case: ``tpcarbon.testing.domains.small_domain`` (4 cells: grass, grass + shrub, forest, bare + grass) on
``tpcarbon.testing.forcing.SyntheticSource`` from a cold start at 275 K, coupled N, default options, for
``--years`` years (default 3, one cycle of the synthetic weather). Every monthly output (all ``OUT_NAMES``) and
the final state are saved; the comparison prints, per variable, the largest absolute and relative difference of
the monthly values, the annual totals of GPP, ET (QVEGT + QVEGE + QSOIL), LE (EFLX_LH_TOT) and NEP summed over
the cells with their relative differences, and whether every number is bit-identical.

Run::

    python benchmarks/compare_outputs.py save  ref.npz        # before the change
    python benchmarks/compare_outputs.py compare ref.npz      # after: runs again and compares
    python benchmarks/compare_outputs.py diff a.npz b.npz     # two saved runs
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from tpcarbon.model.driver import Model
from tpcarbon.model.state import OUT_NAMES, State
from tpcarbon.testing.domains import small_domain
from tpcarbon.testing.forcing import SyntheticSource

#: Annual quantities reported with their relative change (name -> output variables summed).
ANNUAL = {"GPP": ("GPP",), "ET": ("QVEGT", "QVEGE", "QSOIL"), "LE": ("EFLX_LH_TOT",), "NEP": ("NEP",),
          "HR": ("HR",), "FSH": ("FSH",)}


def run_case(years: int = 3, first_year: int = 2001) -> dict[str, np.ndarray]:
    """Monthly outputs (nmonth, ncell, NOUT) and the final state of the fixed case."""
    dom = small_domain()
    model = Model(dom)
    state = model.init_state(t_init=275.0)
    src = SyntheticSource(dom)
    months = []
    nsteps = []
    for ch in src.iter_chunks(first_year, first_year + years - 1):
        o = model.run_chunk(state, ch, 370.0)
        months.append(o.values.copy())
        nsteps.append(o.nsteps)
    res = {"monthly": np.array(months), "nsteps": np.array(nsteps)}
    for name, arr in zip(State._fields, state, strict=True):
        res[f"state_{name}"] = np.asarray(arr).copy()
    return res


def annual_totals(r: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-year totals over the cells of the ANNUAL quantities (fluxes summed, LE/FSH as step sums)."""
    m = r["monthly"]
    ny = m.shape[0] // 12
    out = {}
    for key, names in ANNUAL.items():
        v = sum(m[:, :, OUT_NAMES.index(n)] for n in names)
        if key in ("LE", "FSH"):            # state means per month -> weight by steps
            v = v * r["nsteps"][:, None]
        out[key] = v[: ny * 12].reshape(ny, 12, -1).sum(axis=(1, 2))
    return out


def compare(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict:
    """Differences of run ``b`` from reference ``a``."""
    ma, mb = a["monthly"], b["monthly"]
    identical = bool(np.array_equal(ma, mb, equal_nan=True))
    per_var = {}
    for k, name in enumerate(OUT_NAMES):
        x, y = ma[:, :, k], mb[:, :, k]
        d = np.abs(y - x)
        if np.all(d == 0):
            continue
        scale = np.maximum(np.abs(x), 1e-30)
        per_var[name] = {"max_abs": float(np.nanmax(d)), "max_rel": float(np.nanmax(d / scale))}
    states = {}
    for key in a:
        if key.startswith("state_"):
            same = np.array_equal(a[key], b[key], equal_nan=True)
            identical &= bool(same)
            if not same:
                d = np.abs(b[key] - a[key])
                states[key[6:]] = float(np.nanmax(d / np.maximum(np.abs(a[key]), 1e-30)))
    ta, tb = annual_totals(a), annual_totals(b)
    annual = {k: {"ref": [float(v) for v in ta[k]], "rel_change_%": [float(100 * (y - x) / abs(x)) if x else 0.0
                                                                     for x, y in zip(ta[k], tb[k], strict=True)]}
              for k in ta}
    return {"bit_identical": identical, "monthly_vars_differing": per_var, "state_max_rel_diff": states,
            "annual_totals": annual}


def _load(path: str) -> dict[str, np.ndarray]:
    with np.load(path) as z:
        return dict(z)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["save", "compare", "diff"])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--years", type=int, default=3)
    args = ap.parse_args(argv)
    if args.mode == "save":
        np.savez_compressed(args.files[0], **run_case(args.years))
        print(f"saved {args.files[0]}")
        return 0
    ref = _load(args.files[0])
    new = _load(args.files[1]) if args.mode == "diff" else run_case(ref["monthly"].shape[0] // 12)
    res = compare(ref, new)
    print(json.dumps(res, indent=1))
    return 0 if res["bit_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
