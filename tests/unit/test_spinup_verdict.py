"""The report's spin-up line (issue 15): green only when every criterion of the last cycle holds."""

import pandas as pd
import pytest

from tpcarbon.report.html import _spinup_verdict


def _table(**last):
    row = {"cycle": 1, "years_simulated": 20, "physics_only_years": 30, "disequilibrium_area_share": 0.01,
           "criterion_met": True, "failed": "", "physics_max_dT_K": 0.005, "physics_max_dW_rel": 5e-4,
           "physics_tol_K": 0.01, "physics_tol_water_rel": 1e-3}
    row.update(last)
    return pd.DataFrame([row])


def test_green_only_when_clm_check_and_physics_hold():
    assert 'class="ok"' in _spinup_verdict(_table())


@pytest.mark.parametrize("change,named", [
    ({"criterion_met": False, "failed": "TOTSOMC area"}, "TOTSOMC area"),
    ({"physics_max_dT_K": 0.07}, "0.07 K"),
    ({"physics_max_dW_rel": 0.02}, "2 % of water"),
])
def test_a_failed_criterion_is_named_and_the_line_is_not_green(change, named):
    line = _spinup_verdict(_table(**change))
    assert 'class="warn"' in line and "NOT met" in line and named in line


def test_cells_above_the_published_soil_carbon_maximum_are_named():
    line = _spinup_verdict(_table(cells_SOM_above_published_max=3, max_solved_TOTSOMC_gC_m2=190_000.0))
    assert "3 cells above the highest published" in line and "190 kg C m-2" in line
    assert "above the highest published" not in _spinup_verdict(_table(cells_SOM_above_published_max=0,
                                                                        max_solved_TOTSOMC_gC_m2=50_000.0))
