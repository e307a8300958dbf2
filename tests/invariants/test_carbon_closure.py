"""Carbon closes over a 20-year grid run, pools stay non-negative, and the balance guard fires on a violation."""

import numpy as np
import pytest

from tpcarbon.errors import ModelError
from tpcarbon.experiments.simulate import simulate_years
from tpcarbon.experiments.spinup import carbon_stocks
from tpcarbon.model.driver import Model
from tpcarbon.model.state import XSMRPOOL
from tpcarbon.testing.domains import small_domain
from tpcarbon.testing.forcing import SyntheticSource


@pytest.fixture(scope="module")
def twenty_years():
    d = small_domain()
    m = Model(d)
    s = m.init_state(t_init=275.0)
    src = SyntheticSource(d)
    c0 = carbon_stocks(s, m)["TOTECOSYSC"]
    annual = list(simulate_years(m, s, src, 1981, 2000, lambda t: np.full(t.shape, 370.0), progress=False))
    return m, s, c0, annual


def test_total_carbon_change_equals_cumulative_nep_over_20_years(twenty_years):
    m, s, c0, annual = twenty_years
    c1 = carbon_stocks(s, m)["TOTECOSYSC"]
    nep = np.sum([a.values["NEP"] for a in annual], axis=0)
    # ≤ 1e-9 relative per year (the per-step guard) over 20 years
    np.testing.assert_allclose(c1 - c0, nep, rtol=0, atol=20 * 1e-9 * c1.max() + 1e-9)


def test_flux_identities(twenty_years):
    _, _, _, annual = twenty_years
    for a in annual:
        v = a.values
        np.testing.assert_allclose(v["NPP"], v["GPP"] - v["AR"], atol=1e-9)
        np.testing.assert_allclose(v["NEP"], v["NPP"] - v["HR"], atol=1e-9)
        np.testing.assert_allclose(v["NEE"], -v["NEP"])
        assert np.all(v["AR"] >= v["MR"] + v["GR"] - 1e-9)


def test_pools_non_negative(twenty_years):
    _, s, _, _ = twenty_years
    assert (s.soilc >= 0).all()
    veg = np.delete(s.vegc, XSMRPOOL, axis=2)
    assert (veg >= -1e-9).all()


def test_balance_guard_reports_cell_and_step():
    d = small_domain()
    m = Model(d).with_options(balance_tol=-1.0)   # any residual, even 0, violates a negative tolerance
    s = m.init_state(t_init=275.0)
    chunk = next(SyntheticSource(d).iter_chunks(1990, 1990))
    with pytest.raises(ModelError, match=r"carbon balance violated in cell 0 .* at step 0"):
        m.run_chunk(s, chunk, 370.0)


def test_nan_in_forcing_is_caught_with_cell_and_variable():
    d = small_domain()
    m = Model(d)
    s = m.init_state(t_init=275.0)
    chunk = next(SyntheticSource(d).iter_chunks(1990, 1990))
    temp = chunk.temp.copy()
    temp[5, 2] = np.nan
    with pytest.raises(ModelError, match="cell 2"):
        m.run_chunk(s, chunk._replace(temp=temp), 370.0)
