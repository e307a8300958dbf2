"""Plateau-mean carbon fluxes and stocks after spin-up on the embedded default fall in published ranges.

Ranges (clm5_spec.md §9.5, indicative; converted to g C m-2 yr-1 over the default mask's 2.71 million km²):

* GPP 148 (BEPS, Three-Rivers alpine grassland) to 575 (Haibei meadow eddy covariance);
* NPP: TEM 302 Tg C yr-1 ≈ 111 g C m-2 yr-1, with remote sensing known to underestimate by 30-70 %:
  100-400;
* NEP: a net sink of 22.3 Tg C yr-1 ≈ 8 g C m-2 yr-1 (NPP − Rh fusion) up to 78.5 (Haibei): −10 to 80
  (a spun-up model starts near zero: it is the climate and CO2 of 1979-2018 that make the sink);
* HR: NPP − NEP, so 90-400;
* soil organic carbon 0-3 m: 14 (Third Pole frozen ground) to 16.4 kg C m-2 (Qinghai grassland median):
  accepted 7-25 kg C m-2 (the default has 19 % bare desert);
* peak LAI (not in §9.5): alpine meadow and steppe, 0.3-3 m2 m-2.
"""

import numpy as np
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def plateau_run(tmp_path_factory):
    import xarray as xr

    from tpcarbon.experiments.runner import default_study, run_study

    out = tmp_path_factory.mktemp("plaus")
    cfg = default_study(out).with_changes(years={"historical": (1979, 1988)},
                                          spinup={"cycle_years": (1979, 1988), "max_years": 60},
                                          experiments={"run": ("S1",)})
    run_study(cfg, log=lambda s: None, progress=False, build_report=False)
    with xr.open_dataset(out / "runs" / "S1" / "annual.nc") as ds:
        ds = ds.load()
    w = np.where(ds["landmask"].values > 0, ds["area"].values, 0.0)
    mean = lambda v: float((ds[v].mean("year").fillna(0).values * w).sum() / w.sum())  # noqa: E731
    return {v: mean(v) for v in ("GPP", "NPP", "HR", "NEP", "TLAI_MAX", "TOTSOMC")}


@pytest.mark.parametrize("var, lo, hi", [("GPP", 148, 575), ("NPP", 100, 400), ("HR", 90, 400), ("NEP", -10, 80),
                                         ("TOTSOMC", 7000, 25000), ("TLAI_MAX", 0.3, 3.0)])
def test_plateau_mean_in_published_range(plateau_run, var, lo, hi):
    assert lo <= plateau_run[var] <= hi, plateau_run
