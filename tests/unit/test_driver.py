import numpy as np

from tpcarbon.forcing.stream import month_times
from tpcarbon.model.driver import Model, time_info
from tpcarbon.model.state import NVEGC, OUT_NAMES
from tpcarbon.testing.domains import small_domain
from tpcarbon.testing.forcing import SyntheticSource


def test_time_flags_three_hourly_month():
    cal, f = time_info(month_times(2001, 12))
    assert cal[0] == 335.0 and f[0] == 1
    assert ((f & 2) > 0).sum() == 31 and ((f & 1) > 0).sum() == 31
    assert f[-1] & 4 and ((f & 4) > 0).sum() == 1


def test_time_flags_half_hourly():
    t = np.arange(np.datetime64("2016-01-01T00:15"), np.datetime64("2016-01-03T00:00"),
                  np.timedelta64(30, "m")).astype("datetime64[s]")
    _, f = time_info(t, 1800.0)
    assert np.nonzero(f & 1)[0].tolist() == [0, 48] and np.nonzero(f & 2)[0].tolist() == [47, 95]


def test_cold_start_state():
    d = small_domain()
    s = Model(d).init_state(t_init=np.array([270.0, 275.0, 280.0, 265.0]))
    assert s.vegc.shape == (4, 2, NVEGC)
    assert (s.h2oice[0] > 0).all() and (s.h2oliq[0] == 0).all()      # frozen cell starts icy
    assert (s.h2oliq[2] > 0).all() and (s.h2oice[2] == 0).all()
    assert s.vegc[2, 0, 0] > 0                                         # evergreen forest: leaves displayed
    assert s.vegc[0, 0, 0] == 0 and s.vegc[0, 0, 1] > 0                # deciduous grass: leaves in storage


def test_chunk_output_shapes_and_units():
    d = small_domain()
    m = Model(d)
    s = m.init_state(t_init=278.0)
    out = m.run_chunk(s, next(SyntheticSource(d).iter_chunks(1990, 1990)), 370.0)
    assert out.values.shape == (4, len(OUT_NAMES)) and out.nsteps == 248
    assert np.all(out.get("PRECIP") >= 0) and np.all(out.get("TBOT") > 200)
    np.testing.assert_allclose(out.get("NPP"), out.get("GPP") - out.get("AR"), atol=1e-9)
