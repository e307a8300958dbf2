"""A CLM5-layout history set (monthly h0, 2-D and 1-D, end-of-interval stamps) holding the same annual fields as
a tpcarbon run is analysed to the same numbers as that run (``analysis.run_data_from_history`` + ``analyze``)."""

import sys
from pathlib import Path

import numpy as np
import pytest

from tpcarbon.analysis import run_data_from_history
from tpcarbon.analysis.study import RunData, analyze

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_clm_history import LAT, LON, SEC_YEAR, write_year  # noqa: E402

YEARS = np.arange(2001, 2013)
AREA_KM2, LANDFRAC = 100.0, 0.5


def _tpcarbon_run(seed=4):
    """Annual fields of a 'tpcarbon' run on the 2 x 3 grid (with one non-land cell)."""
    rng = np.random.default_rng(seed)
    ny, nx, nt = LAT.size, LON.size, YEARS.size
    t = np.arange(nt)[:, None, None]
    gpp = 400 + 30 * rng.standard_normal((nt, ny, nx)) + 3 * t
    npp = 0.45 * gpp + 5 * rng.standard_normal((nt, ny, nx))
    hr = npp - (10 + 15 * rng.standard_normal((nt, ny, nx)) + 0.8 * t)
    vals = {"GPP": gpp, "NPP": npp, "AR": gpp - npp, "HR": hr, "NEP": npp - hr,
            "TBOT": 271 + 0.05 * t + rng.standard_normal((nt, ny, nx)),
            "PRECIP": 420 + 40 * rng.standard_normal((nt, ny, nx)),
            "FSDS": 245 + 3 * rng.standard_normal((nt, ny, nx))}
    area = np.full((ny, nx), AREA_KM2 * 1e6 * LANDFRAC)
    area[1, 2] = np.nan                       # not simulated
    for v in vals.values():
        v[:, 1, 2] = np.nan
    return RunData(YEARS.astype(np.int64), vals, area, LAT, LON, {"forcing_source": "test"})


def _write_history(tmp_path, run, layout):
    cells = [(i, j) for i in range(LAT.size) for j in range(LON.size) if not (i == 1 and j == 2)]
    paths = []
    for k, year in enumerate(run.years):
        def month(m, k=k):
            f = {n: run.values[n][k] / SEC_YEAR for n in ("GPP", "NPP", "AR", "HR")}   # gC m-2 s-1, constant
            f["TSA"] = run.values["TBOT"][k]
            f["RAIN"] = run.values["PRECIP"][k] / SEC_YEAR                           # mm s-1
            f["SNOW"] = np.zeros_like(f["RAIN"])
            f["FSDS"] = run.values["FSDS"][k]
            return f                                   # NaN (CLM's fill) over the non-land cell
        landfrac = np.where(np.isfinite(run.area), LANDFRAC, 0.0) if layout == "2d" else LANDFRAC
        paths += write_year(tmp_path, int(year), month, area_km2=AREA_KM2, landfrac=landfrac,
                            layout="2d" if layout == "2d" else cells)
    return paths


@pytest.mark.parametrize("layout", ["2d", "1d"])
def test_history_files_give_the_same_analysis_as_the_run(tmp_path, layout):
    run = _tpcarbon_run()
    hist = run_data_from_history(_write_history(tmp_path, run, layout))
    a, b = analyze({"S1": run}), analyze({"S1": hist})
    sa = a.series.set_index("year")
    sb = b.series.set_index("year")
    for v in ("GPP", "NPP", "HR", "NEP", "TBOT", "PRECIP", "FSDS"):
        np.testing.assert_allclose(sb[v], sa[v], rtol=1e-9, err_msg=v)
    for name in ("trends", "decadal_S1", "sink_source_S1"):
        ta, tb = a.tables[name], b.tables[name]
        num = ta.select_dtypes("number").columns
        np.testing.assert_allclose(tb[num].to_numpy(float), ta[num].to_numpy(float), rtol=1e-8, atol=1e-9,
                                   err_msg=name)
