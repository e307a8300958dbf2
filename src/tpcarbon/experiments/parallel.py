"""Run experiments as Dask tasks over spatial chunks of cells (``[compute] scheduler``).

Cells are independent columns, so an experiment splits into chunks of cells that run as
tasks on a ``dask.distributed`` cluster: a ``LocalCluster`` (``scheduler = "local"``) or an
existing scheduler (``"tcp://host:8786"``, e.g. one started by dask-jobqueue on an HPC
machine). Each task rebuilds the forcing source from the run folder's Zarr cache, runs its
cells through the experiment's years and saves its part to ``runs/<exp>/parts/`` before
returning, so a task that fails is retried (``retries``) without losing completed chunks and
a rerun of the study reuses finished parts. The merged outputs equal the serial run's bit
for bit (same per-cell arithmetic, same forcing values).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tpcarbon.experiments.inputs import co2_function, experiment_source, experiment_years
from tpcarbon.experiments.study import HELD_VARIABLE, SCENARIOS, StudyConfig
from tpcarbon.forcing.stream import ForcingChunk, ForcingSource
from tpcarbon.io.writers import write_annual
from tpcarbon.model.driver import Model
from tpcarbon.model.state import State
from tpcarbon.surface.domain import Domain


class SubsetSource:
    """A ``ForcingSource`` for a subset of another source's cells (slices every chunk)."""

    def __init__(self, source: ForcingSource, cells: np.ndarray, domain: Domain):
        self.source = source
        self.cells = np.asarray(cells, dtype=np.int64)
        self.domain = domain
        self.description = source.description

    @property
    def years(self) -> tuple[int, int]:
        """Years of the wrapped source."""
        return self.source.years

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """The wrapped chunks, restricted to ``cells``."""
        for ch in self.source.iter_chunks(first_year, last_year):
            yield ForcingChunk(ch.time, *(np.ascontiguousarray(np.asarray(getattr(ch, v))[:, self.cells])
                                          for v in ForcingChunk._fields[1:]))


def _experiment_source(cfg: StudyConfig, out: Path, domain: Domain, experiment: str) -> ForcingSource:
    from tpcarbon.io.zarr_cache import open_forcing_cache

    base = open_forcing_cache(out / "forcing" / "cache.zarr", domain)
    return experiment_source(cfg, base, out, experiment)


def run_chunk_task(cfg: StudyConfig, out: str, experiment: str, model: Model, cells: np.ndarray, state: State,
                   part_path: str) -> str:
    """One Dask task: run ``cells`` of ``experiment`` and save (annual arrays, end state) to ``part_path``."""
    from tpcarbon.experiments.simulate import simulate_years

    outp = Path(out)
    part = Path(part_path)
    if part.exists():
        return str(part)
    sub_domain = model.domain.subset(cells)
    sub_model = Model(sub_domain, model.params, model.options)
    source = SubsetSource(_experiment_source(cfg, outp, model.domain, experiment), cells, sub_domain)
    years, scenario, keep = experiment_years(cfg, experiment)
    co2 = co2_function(scenario)
    annual: dict[str, list[np.ndarray]] = {}
    done: list[int] = []
    for ann in simulate_years(sub_model, state, source, years[0], years[1], co2, progress=False):
        if ann.year >= keep:
            for k, v in ann.values.items():
                annual.setdefault(k, []).append(v)
            done.append(ann.year)
    arrays = {f"annual_{k}": np.stack(v) for k, v in annual.items()}
    arrays.update({f"state_{k}": v for k, v in zip(State._fields, state, strict=True)})
    part.parent.mkdir(parents=True, exist_ok=True)
    tmp = part.with_suffix(".part.npz")
    np.savez(tmp, years=np.asarray(done), cells=cells, **arrays)
    tmp.replace(part)
    return str(part)


def _client(cfg: StudyConfig):
    from dask.distributed import Client, LocalCluster

    sch = cfg.compute.scheduler
    if sch == "local":
        cluster = LocalCluster(n_workers=max(cfg.compute.workers, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster), cluster
    return Client(sch), None


def run_experiments_dask(cfg: StudyConfig, model: Model, spun_up: State, out: Path, attrs: dict, log,
                         progress: bool = True) -> None:
    """Run the study's experiments as Dask tasks over cell chunks; write the same files as the serial runner."""
    from tpcarbon.model.restart import write_restart

    client, cluster = _client(cfg)
    try:
        n = model.domain.ncell
        nchunk = cfg.compute.cell_chunks or max(len(client.scheduler_info()["workers"]), 1)
        chunks = [c for c in np.array_split(np.arange(n), min(nchunk, n)) if c.size]
        log(f"dask: {len(chunks)} cell chunks on {len(client.scheduler_info()['workers'])} workers "
            f"({cfg.compute.scheduler})")
        wanted = list(cfg.experiments.run)
        order = (["S1"] if ("S1" in wanted or any(e in SCENARIOS for e in wanted)) else []) + \
            [e for e in wanted if e in HELD_VARIABLE] + [e for e in wanted if e in SCENARIOS]
        s1_end: State | None = None
        model_f = client.scatter(model, broadcast=True)
        for exp in order:
            start = s1_end if exp in SCENARIOS else spun_up
            folder = out / "runs" / exp
            h = cfg.experiment_hash(exp)
            futures = [client.submit(run_chunk_task, cfg, str(out), exp, model_f, cells, start.take(cells),
                                     str(folder / "parts" / f"{h}-{k:04d}.npz"), retries=2, pure=False)
                       for k, cells in enumerate(chunks)]
            parts = client.gather(futures)
            end = start.copy()
            annual: dict[str, np.ndarray] = {}
            years = None
            for p in parts:
                with np.load(p) as z:
                    cells = z["cells"]
                    years = [int(y) for y in z["years"]]
                    end.put(cells, State(*(z[f"state_{k}"] for k in State._fields)))
                    for key in z.files:
                        if key.startswith("annual_"):
                            name = key[len("annual_"):]
                            annual.setdefault(name, np.zeros((len(years), n)))[:, cells] = z[key]
            co2 = co2_function(experiment_years(cfg, exp)[1])
            write_annual(folder / "annual.nc", model.domain, years, annual,
                         [float(co2(np.array([y + 0.5]))[0]) for y in years], exp,
                         {**attrs, "config_hash": h, "compute": cfg.compute.scheduler}, zarr=cfg.output.zarr)
            write_restart(folder / "end_state.nc", end, model.domain, f"{years[-1] + 1}-01-01", ad_mode=False,
                          attrs={"experiment": exp, "config_hash": h})
            for p in parts:
                Path(p).unlink(missing_ok=True)
            log(f"{exp}: wrote {folder / 'annual.nc'} ({len(chunks)} dask tasks)")
            if exp == "S1":
                s1_end = end
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
