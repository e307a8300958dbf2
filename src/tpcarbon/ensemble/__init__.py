"""Parameter-perturbation and scenario-spread ensembles of a whole study (issue 18).

Every member is an ordinary study (own spin-up, S1-S4, SSPs) whose parameter file and
SSP pattern-scaling settings come from one row of a seeded Latin-hypercube (or Sobol')
design; the members run as Dask tasks, resume when rerun, and their annual outputs are
gathered into one Zarr store with a ``member`` dimension. The statistics give the
median and 5-95 % range of every headline number of the report, the share of members
in which each qualitative claim holds, and first-order sensitivity indices of NEP to
each sampled input.

Modules, in the order data flows:

* :mod:`~tpcarbon.ensemble.sampling` - unit-hypercube designs (``scipy.stats.qmc``), mapped to ranges;
* :mod:`~tpcarbon.ensemble.parameters` - the default parameter list with ranges and sources,
  :func:`~tpcarbon.ensemble.parameters.perturb_params` and the parameter-file writer;
* :mod:`~tpcarbon.ensemble.scenario` - the spread of the embedded SSP pattern scaling, or one member per
  CMIP6 model;
* :mod:`~tpcarbon.ensemble.config` - the ``[ensemble]`` table of a study file;
* :mod:`~tpcarbon.ensemble.members` - member studies, Dask execution, resume, retry, failure report;
* :mod:`~tpcarbon.ensemble.store` - the ensemble Zarr store;
* :mod:`~tpcarbon.ensemble.stats` - headline numbers, bands, claim shares, sensitivity indices.
"""

from __future__ import annotations

from tpcarbon.ensemble.config import EnsembleConfig, load_ensemble_config
from tpcarbon.ensemble.parameters import DEFAULT_PARAMETERS, ParameterSpec, perturb_params

__all__ = [
    "DEFAULT_PARAMETERS",
    "EnsembleConfig",
    "ParameterSpec",
    "load_ensemble_config",
    "perturb_params",
    "run_ensemble",
]


def run_ensemble(*args, **kwargs):
    """Run an ensemble (see :func:`tpcarbon.ensemble.members.run_ensemble`)."""
    from tpcarbon.ensemble.members import run_ensemble as _run

    return _run(*args, **kwargs)
