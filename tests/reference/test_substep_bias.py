"""The bias of evaluating photosynthesis once per 3-h forcing step (spec §9.1) and the default's accuracy."""

import numpy as np
import pytest

from tpcarbon.model.driver import Model, ModelOptions
from tpcarbon.testing.domains import small_domain
from tpcarbon.testing.forcing import SyntheticSource


@pytest.mark.reference
def test_substep_bias():
    d = small_domain()
    src = SyntheticSource(d)
    warm = Model(d, options=ModelOptions(n_substeps=2))
    s0 = warm.init_state(t_init=278.0)
    for ch in src.iter_chunks(1990, 1991):          # two years to grow a canopy
        warm.run_chunk(s0, ch, 370.0)
    gpp = {}
    for n in (1, 2, 12):
        s = s0.copy()
        m = Model(d, options=ModelOptions(n_substeps=n))
        gpp[n] = sum(m.run_chunk(s, ch, 370.0).get("GPP") for ch in src.iter_chunks(1992, 1992))
    rel1 = gpp[1] / gpp[12] - 1
    rel2 = gpp[2] / gpp[12] - 1
    # one evaluation per 3 h at the interval-mean light overestimates GPP (concave light response)
    assert np.all(rel1 > 0.04), rel1
    # the default (2 zenith-weighted sub-steps) is within 1.5 % of 12 sub-steps (15 min)
    assert np.all(np.abs(rel2) < 0.015), rel2
