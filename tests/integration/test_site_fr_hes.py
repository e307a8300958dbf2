"""Site mode on the real FR-Hes 2016 tower file (fetched by scripts/fetch_fr_hes.py; skipped when absent)."""

import os
from pathlib import Path

import pandas as pd
import pytest

FR_HES = Path(os.environ.get("TPCARBON_FR_HES", "data-cache/FR-Hes_europe-fluxdata_2016.txt"))


@pytest.mark.slow
@pytest.mark.skipif(not FR_HES.exists(), reason="FR-Hes file not present (run scripts/fetch_fr_hes.py)")
def test_fr_hes_site_run_has_skill(tmp_path):
    from tpcarbon.experiments.site import run_site

    daily = run_site(FR_HES, 48.6742, 7.0656, "broadleaf_deciduous_temperate_tree", out=tmp_path, progress=False,
                     log=lambda s: None)
    d = pd.read_csv(daily)
    model_cols = ["date", "GPP", "NPP", "AR", "HR", "NEP", "NEE", "LAI", "FSH", "EFLX_LH_TOT"]
    assert list(d.columns[:10]) == model_cols
    assert {"GPP_LUE", "NEE_LUEQ10", "ER_LUEQ10", "NEE_tower", "GPP_tower", "LE_tower", "H_tower"} <= set(d)
    assert len(d) == 366
    assert 800 < d["GPP"].sum() < 2500          # temperate beech forest GPP, g C m-2 yr-1
    assert 3 < d["LAI"].max() < 9
    sk = pd.read_csv(tmp_path / "skill.csv").set_index(["variable", "aggregation", "source"])
    assert sk.loc[("NEE", "daily", "model"), "r"] > 0.6
    assert sk.loc[("NEE", "daily", "model"), "n"] == sk.loc[("NEE", "daily", "LUE+Q10"), "n"]  # same days
    assert 0.5 < sk.loc[("GPP", "daily", "LUE"), "r"] < 1.0   # the baseline is a real competitor
    assert (tmp_path / "site.png").is_file() and (tmp_path / "annual.csv").is_file()
