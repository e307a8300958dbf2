"""What an experiment runs on: the domain, the forcing (and its held or scenario variants), CO2.

One home for the helpers that both the serial runner (``experiments.runner``) and the Dask
tasks (``experiments.parallel``) use, so neither imports the other's internals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tpcarbon.errors import InputError
from tpcarbon.experiments.study import HELD_VARIABLE, SCENARIOS, StudyConfig
from tpcarbon.forcing.stream import ForcingSource
from tpcarbon.surface.domain import Domain

Log = Callable[[str], None]
logger = logging.getLogger("tpcarbon")



def build_domain(cfg: StudyConfig) -> Domain:
    """The run's ``Domain`` from ``[region]``."""
    from tpcarbon.surface.default import build_default_domain

    r = cfg.region
    opt = lambda v: None if v == "default" else v  # noqa: E731
    return build_default_domain(res=r.resolution, bbox=r.bbox, mask=opt(r.mask), pft=opt(r.pft), soil=opt(r.soil),
                                generator_seed=cfg.forcing.seed)


def open_forcing(cfg: StudyConfig, domain: Domain, out: Path, years: tuple[int, int], log: Log | None = None,
                 progress: bool = True) -> ForcingSource:
    """The historical forcing of the study, cached as Zarr when ``[forcing] cache`` is on."""
    from tpcarbon.io.zarr_cache import build_forcing_cache, open_forcing_cache

    log = log or logger.info
    f = cfg.forcing
    if f.source == "default":
        from tpcarbon.forcing.generator import WeatherGenerator
        from tpcarbon.io.cmfd import open_cmfd, write_default_forcing

        folder = out / "forcing" / "cmfd"
        gen = WeatherGenerator(seed=f.seed)
        log(f"forcing: {gen.description}; writing CMFD-layout files for {years[0]}-{years[1]} to {folder}")
        write_default_forcing(folder, domain.grid, years, gen, progress=progress)
        base = open_cmfd(folder, domain, years=years)
    elif f.source == "cmfd":
        from tpcarbon.io.cmfd import open_cmfd

        base = open_cmfd(f.path, domain, years=years)
    else:
        from tpcarbon.io.cf import open_cf_forcing

        base = open_cf_forcing(f.path, domain, mapping=dict(f.mapping) or None, years=years)
    if not f.cache:
        return base
    store = out / "forcing" / "cache.zarr"
    try:
        return open_forcing_cache(store, domain)
    except InputError:
        pass
    log(f"forcing: building the Zarr cache {store} (one pass over the files)")
    build_forcing_cache(base, store, years, progress=progress)
    return open_forcing_cache(store, domain)


def co2_function(scenario: str) -> Callable[[np.ndarray], np.ndarray]:
    """CO2 [ppm] at decimal years for a scenario ("historical" or an SSP) from the bundled RCMIP table."""
    from tpcarbon.io.co2 import co2_ppm

    return lambda t: np.asarray(co2_ppm(t, scenario), dtype=np.float64)


def forcing_climatology(cfg: StudyConfig, source: ForcingSource, out: Path, log: Log | None = None,
                        progress: bool = True):
    """The 1979-2018 forcing climatology (computed once per study, saved to ``forcing/climatology.nc``)."""
    from tpcarbon.experiments.factorial import ForcingClimatology, compute_forcing_climatology

    path = out / "forcing" / "climatology.nc"
    if path.exists():
        try:
            clim = ForcingClimatology.load(path)
            if tuple(clim.period) == tuple(cfg.years.historical) and clim.ncell == source.domain.ncell:
                return clim
        except Exception:  # noqa: BLE001 - recompute an unreadable file
            pass
    (log or logger.info)(f"forcing climatology {cfg.years.historical[0]}-{cfg.years.historical[1]} (one pass)")
    clim = compute_forcing_climatology(source, period=cfg.years.historical, progress=progress)
    clim.save(path)
    return clim


def held_source(cfg: StudyConfig, source: ForcingSource, experiment: str, clim) -> ForcingSource:
    """The forcing of S2, S3 or S4: the held variable replaced on the fly."""
    from tpcarbon.experiments.factorial import HeldSource

    var = HELD_VARIABLE[experiment]
    variables = (var, "lrad") if var == "srad" and cfg.experiments.hold_lrad else (var,)
    return HeldSource(source, variables, mode=cfg.experiments.hold_mode, climatology=clim)


def scenario_source(cfg: StudyConfig, source: ForcingSource, scenario: str, clim) -> ForcingSource:
    """The forcing of an SSP run: the historical years repeated plus the scenario's monthly anomalies."""
    from tpcarbon.experiments.scenarios import make_ssp_source

    sc = cfg.scenarios
    if sc.anomalies == "default":
        from tpcarbon.experiments.scenarios import default_anomalies

        anomalies = default_anomalies(scenario, source.domain, forcing_climatology=clim,
                                      amplification=sc.tp_amplification, prec_per_k=sc.prec_per_k,
                                      warming_quantile=sc.warming_quantile)
    else:
        from tpcarbon.io.cmip6 import build_cmip6_anomalies

        anomalies = build_cmip6_anomalies(sc.anomalies, scenario, source.domain,
                                          reference_period=tuple(sc.reference_period),
                                          historical_paths=sc.historical_files or None)
    return make_ssp_source(source, scenario, source.domain, anomalies, base_years=tuple(cfg.years.historical),
                           years=tuple(cfg.years.future), climatology=clim)


def experiment_years(cfg: StudyConfig, experiment: str) -> tuple[tuple[int, int], str, int]:
    """(simulated years, CO2 scenario, first year written) of an experiment."""
    if experiment in SCENARIOS:
        return tuple(cfg.years.future), experiment, cfg.years.future[0]
    return tuple(cfg.years.historical), "historical", cfg.years.historical[0]


def experiment_source(cfg: StudyConfig, source: ForcingSource, out: Path, experiment: str,
                      progress: bool = False) -> ForcingSource:
    """The forcing of any experiment: S1 the historical source itself, S2-S4 held, SSPs anomaly-forced."""
    if experiment == "S1":
        return source
    clim = forcing_climatology(cfg, source, out, progress=progress)
    if experiment in HELD_VARIABLE:
        return held_source(cfg, source, experiment, clim)
    return scenario_source(cfg, source, experiment, clim)


#: Bytes per value of the generated CMFD files after zlib (measured: 0.9 GB on the 1° demo, 18.6 MB on the quick).
_CMFD_BYTES_PER_VALUE = 3.0
#: Fixed size of one CMFD file (header, coordinates) [bytes].
_CMFD_FILE_OVERHEAD = 8_000
#: Bytes per value of the Zarr cache (float32, blosc: measured 0.85 of float32).
_CACHE_BYTES_PER_VALUE = 3.4


def disk_estimate(cfg: StudyConfig, domain: Domain) -> dict[str, int]:
    """Bytes the study will write, by part: generated forcing files, Zarr cache, climatology, runs.

    From the grid and the years; the factors were measured on the quick demo (``tpcarbon demo --quick``).

    Examples
    --------
    >>> from tpcarbon.experiments.study import StudyConfig
    >>> from tpcarbon.surface.default import build_default_domain
    >>> cfg = StudyConfig()
    >>> est = disk_estimate(cfg, build_default_domain(res=1.0))
    >>> round(est["forcing files"] / 1e9, 1), round(est["total"] / 1e9, 1)
    (1.1, 1.9)
    """
    h0, h1 = cfg.years.historical
    nyear = h1 - h0 + 1
    steps = 8 * sum(366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365 for y in range(h0, h1 + 1))
    ngrid = domain.grid.shape[0] * domain.grid.shape[1]
    nvar = 7
    est = {"forcing files": 0, "forcing cache": 0}
    if cfg.forcing.source == "default":
        est["forcing files"] = int(steps * ngrid * nvar * _CMFD_BYTES_PER_VALUE + nyear * 12 * nvar * _CMFD_FILE_OVERHEAD)
    if cfg.forcing.cache:
        est["forcing cache"] = int(steps * domain.ncell * nvar * _CACHE_BYTES_PER_VALUE)
    est["climatology"] = int(366 * 8 * domain.ncell * nvar * 2.5 + nyear * domain.ncell * nvar * 8)
    f0, f1 = cfg.years.future
    nrec = sum(nyear if e not in SCENARIOS else (f1 - cfg.years.future[0] + 1) for e in cfg.experiments.run)
    est["runs"] = int(nrec * ngrid * 25 * 2 + len(cfg.experiments.run) * domain.ncell * 6_000)
    est["total"] = sum(est.values())
    return est


def check_disk(cfg: StudyConfig, domain: Domain, out: Path, log: Log | None = None) -> dict[str, int]:
    """Log the disk estimate and refuse to start when the output folder's file system has less free space."""
    import shutil

    est = disk_estimate(cfg, domain)
    parts = ", ".join(f"{k} {v / 1e9:.2f} GB" for k, v in est.items() if k != "total" and v)
    (log or logger.info)(f"disk: about {est['total'] / 1e9:.2f} GB will be written to {out} ({parts})")
    free = shutil.disk_usage(out).free
    if free < est["total"]:
        raise InputError(out, f"needs about {est['total'] / 1e9:.1f} GB but only {free / 1e9:.1f} GB are free",
                         "free some space, choose another folder with --out, or a coarser [region] resolution")
    return est
