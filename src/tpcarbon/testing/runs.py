"""A synthetic run folder written through the real writers (no model run): for tests and documentation.

``write_synthetic_run(folder)`` writes ``runs/<exp>/annual.nc`` of every experiment (S1-S4 over
the historical years, the SSPs over the future years) with known trends, plus ``study.toml`` and
``provenance.json``, exactly as ``tpcarbon run`` lays them out; the fields are made up
(NEP = 20 + trend × t + 5 × (T - 270) + noise), so they exercise the analysis and report in a second.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from tpcarbon.experiments.study import StudyConfig, dump_study
from tpcarbon.io.writers import write_annual
from tpcarbon.testing.domains import small_domain

#: The NEP trend [g C m-2 yr-2] of each synthetic experiment.
TRENDS = {"S1": 0.2, "S2": 0.5, "S3": -0.1, "S4": 0.2, "ssp126": 0.3, "ssp245": 0.4, "ssp370": 0.5, "ssp585": 0.6}


def _fields(years: np.ndarray, ncell: int, trend_nep: float, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = (years - years.mean())[:, None]
    shape = (years.size, ncell)
    temp = 270.0 + 0.04 * t + rng.normal(0, 0.3, shape)
    prec = 400.0 + 3.0 * t + rng.normal(0, 20.0, shape)
    fsds = 200.0 + rng.normal(0, 3.0, shape)
    nep = 20.0 + trend_nep * t + 5.0 * (temp - 270.0) + rng.normal(0, 0.5, shape)
    npp = 200.0 + nep
    return {"GPP": 2 * npp, "NPP": npp, "AR": npp, "MR": 0.6 * npp, "GR": 0.3 * npp, "HR": npp - nep, "NEP": nep,
            "NEE": -nep, "TLAI": np.full(shape, 1.5), "TOTVEGC": np.full(shape, 800.0),
            "TOTSOMC": np.full(shape, 12000.0), "TBOT": temp, "PRECIP": prec, "FSDS": fsds}


def write_synthetic_run(folder: str | os.PathLike, historical: tuple[int, int] = (1979, 1990),
                        future: tuple[int, int] = (2025, 2036),
                        experiments: tuple[str, ...] = tuple(TRENDS)) -> Path:
    """Write a run folder of made-up annual output for ``experiments``; returns the folder."""
    folder = Path(folder)
    domain = small_domain()
    cfg = StudyConfig().with_changes(output={"folder": str(folder)},
                                     years={"historical": historical, "future": future, "analysis_future": future},
                                     spinup={"cycle_years": (historical[0], historical[0])},
                                     experiments={"run": list(experiments)})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(dump_study(cfg))
    (folder / "provenance.json").write_text(json.dumps({"note": "synthetic run (tpcarbon.testing.runs)"}))
    attrs = {"title": "tpcarbon synthetic test run", "forcing_source": "SYNTHETIC fields of tpcarbon.testing.runs",
             "tpcarbon_version": "test", "historical_period": f"{historical[0]}-{historical[1]}",
             "analysis_future_period": f"{future[0]}-{future[1]}", "config_hash": cfg.config_hash()}
    for k, exp in enumerate(experiments):
        y0, y1 = future if exp.startswith("ssp") else historical
        years = np.arange(y0, y1 + 1)
        data = _fields(years, domain.ncell, TRENDS.get(exp, 0.0), seed=k + 1)
        co2 = 340.0 + 2.0 * (years - 1979.0)
        write_annual(folder / "runs" / exp / "annual.nc", domain, [int(y) for y in years], data, co2, exp, attrs)
    return folder


__all__ = ["TRENDS", "write_synthetic_run"]
