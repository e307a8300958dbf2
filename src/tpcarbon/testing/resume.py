"""A small experiment run as a subprocess, for the kill-and-resume test.

``python -m tpcarbon.testing.resume OUT FIRST LAST`` runs the S1 experiment of a 4-cell
domain on synthetic forcing with a checkpoint every year, through the same
``experiments.runner.run_experiment`` the studies use.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tpcarbon.experiments.runner import run_experiment
from tpcarbon.experiments.study import StudyConfig
from tpcarbon.model.driver import Model
from tpcarbon.testing.domains import small_domain
from tpcarbon.testing.forcing import SyntheticSource


def main(out: str, first: int, last: int) -> None:
    """Run S1 for ``first..last`` into ``out`` (resuming from a checkpoint if one is there)."""
    domain = small_domain()
    model = Model(domain)
    state = model.init_state(t_init=276.0)
    cfg = StudyConfig().with_changes(output={"folder": out, "checkpoint_years": 1},
                                     years={"historical": (first, last)}, spinup={"cycle_years": (first, first)})
    run_experiment("S1", model, state, SyntheticSource(domain), (first, last), lambda t: np.full(t.shape, 370.0),
                   Path(out), cfg, {"forcing_source": "tpcarbon.testing synthetic forcing"}, log=print,
                   progress=False)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
