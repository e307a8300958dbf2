"""Ensemble members as independent studies, run as Dask tasks, resumable, retried once, failures reported.

Layout of an ensemble folder ``OUT``::

    OUT/
      report.html tables/ figures/        the reference member's report plus the ensemble section
      runs -> ensemble/member_000/runs    (links: OUT reads as the reference run folder)
      ensemble/
        shared/forcing/                   forcing and its climatology, built once, linked into every member
        member_000/ ...                   the reference: the plain study (default parameters and scenario)
        member_001/ ...                   a full study folder each (study.toml, params/, spinup/, runs/...)
        design.csv parameters.csv         design values and sampled quantities per member
        parameter_ranges.csv status.csv   the sampled inputs with ranges and sources; member status
        ensemble.zarr                     every annual variable with a member dimension (ensemble.store)

A member is *done* when ``member_NNN/member.json`` records the member's configuration hash: a rerun
skips it (and the study runner inside a member resumes from its own checkpoints). A member that raises is
retried ``retries`` times and then reported in ``status.csv`` and the log, never silently dropped; the
statistics say how many members they rest on.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tpcarbon.ensemble.config import EnsembleConfig
from tpcarbon.ensemble.parameters import params_digest, perturb_params, write_paramfile
from tpcarbon.ensemble.sampling import scale_unit, unit_design
from tpcarbon.errors import TpcarbonError
from tpcarbon.experiments.study import HELD_VARIABLE, SCENARIOS, StudyConfig

Log = Callable[[str], None]


class EnsembleError(TpcarbonError):
    """Some members failed after their retries (the others are kept and analysed)."""

    exit_code = 1


@dataclasses.dataclass(frozen=True)
class Member:
    """One member: its design values and what they set.

    Attributes
    ----------
    index : int
        0 for the reference (unperturbed) member, 1..N for sampled members.
    unit : dict
        Design value in [0, 1) of every sampled input.
    params : dict
        Sampled quantity per parameter (:meth:`ParameterSpec.sampled_value`).
    scenario : dict
        Sampled pattern-scaling inputs (``[scenarios]`` keys).
    cmip6_model : str
        The CMIP6 model of the member's SSP anomalies ("" for the embedded pattern scaling).
    """

    index: int
    unit: dict = dataclasses.field(default_factory=dict)
    params: dict = dataclasses.field(default_factory=dict)
    scenario: dict = dataclasses.field(default_factory=dict)
    cmip6_model: str = ""

    @property
    def name(self) -> str:
        """Folder name, ``member_NNN``."""
        return f"member_{self.index:03d}"


def design_members(cfg: EnsembleConfig, models: Sequence[str] = ()) -> list[Member]:
    """The members of an ensemble: the reference (if ``cfg.reference``) then the sampled ones.

    With CMIP6 ``models`` and scenario spread only, there is one sampled member per model; with parameter
    spread too, the sampled members cycle through the models.
    """
    pspecs, sdims = cfg.sampled_parameters, cfg.sampled_scenario
    n = cfg.members
    if models and not pspecs:
        n = len(models)
    names = [p.name for p in pspecs] + [d.name for d in sdims]
    u = unit_design(n, len(names), cfg.method, cfg.seed) if names else np.zeros((n, 0))
    out = [Member(0)] if cfg.reference else []
    for k in range(n):
        row = {nm: float(u[k, j]) for j, nm in enumerate(names)}
        params = {p.name: p.sampled_value(row[p.name]) for p in pspecs}
        scen = {d.name: float(scale_unit(np.asarray(row[d.name]), d.low, d.high)) for d in sdims}
        out.append(Member(k + 1, row, params, scen, models[k % len(models)] if models else ""))
    return out


def design_tables(members: Sequence[Member]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(design values, sampled quantities) per member as tables indexed by member."""
    unit = pd.DataFrame([{"member": m.index, **m.unit} for m in members]).set_index("member")
    vals = pd.DataFrame(
        [{"member": m.index, **m.params, **m.scenario, "cmip6_model": m.cmip6_model} for m in members]
    ).set_index("member")
    return unit, vals


# ------------------------------------------------------------------------------------------- member studies
def member_folder(root: Path, member: Member) -> Path:
    """``OUT/ensemble/member_NNN``."""
    return Path(root) / "ensemble" / member.name


def member_study(
    base: StudyConfig, member: Member, root: Path, model_files: dict[str, list[Path]] | None = None
) -> StudyConfig:
    """The study a member runs: ``base`` with its own folder, parameter file and scenario settings.

    The reference member (no perturbation) is ``base`` itself in its own folder, so it reproduces the plain
    study bit for bit. The parameter file is written here (named by its content digest, so a changed sample
    is a new file and a new configuration hash).
    """
    from tpcarbon.params.pft import load_params

    folder = member_folder(root, member)
    changes: dict = {"output": {"folder": str(folder)}, "compute": {"scheduler": "serial"}}
    if member.index > 0:
        changes["name"] = f"{base.name} ensemble {member.name}"
    if member.params:
        paramfile = None if base.model.paramfile == "default" else base.model.paramfile
        p = perturb_params(load_params(paramfile), member.params)
        path = folder / "params" / f"clm5_params.{member.name}.{params_digest(p)}.nc"
        if not path.exists():
            write_paramfile(p, path, template=paramfile)
        changes["model"] = {"paramfile": str(path)}
    if member.scenario:
        changes["scenarios"] = dict(member.scenario)
    if member.cmip6_model:
        from tpcarbon.ensemble.scenario import link_model_files

        anomalies = link_model_files(model_files[member.cmip6_model], folder / "cmip6" / member.cmip6_model)
        changes["scenarios"] = {"anomalies": str(anomalies)}
    return base.with_changes(**changes)


def prepare_shared_inputs(base: StudyConfig, root: Path, log: Log, progress: bool = False) -> Path:
    """Build the forcing (and its climatology) once in ``OUT/ensemble/shared``; members link to it."""
    from tpcarbon.experiments import inputs

    shared = Path(root) / "ensemble" / "shared"
    cfg = base.with_changes(output={"folder": str(shared)})
    domain = inputs.build_domain(cfg)
    source = inputs.open_forcing(cfg, domain, shared, cfg.years.historical, log, progress)
    if any(e in HELD_VARIABLE or e in SCENARIOS for e in cfg.experiments.run):
        inputs.forcing_climatology(cfg, source, shared, log, progress)
    return shared / "forcing"


def _link(target: Path, link: Path) -> None:
    if link.exists() or link.is_symlink():
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(target, link.parent), target_is_directory=True)


def is_done(cfg: StudyConfig) -> bool:
    """Whether the member of this study finished (its ``member.json`` records the same configuration)."""
    marker = Path(cfg.output.folder) / "member.json"
    if not marker.exists():
        return False
    try:
        info = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return info.get("config_hash") == cfg.config_hash() and info.get("status") == "done"


def run_member(
    cfg: StudyConfig, index: int, shared_forcing: str | None = None, threads: int | None = None
) -> dict:
    """Run one member's study and summarise it (one Dask task). Returns the content of ``member.json``."""
    from tpcarbon.ensemble.stats import summarize_member
    from tpcarbon.experiments.runner import run_study

    if threads:
        import numba

        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    folder = Path(cfg.output.folder)
    folder.mkdir(parents=True, exist_ok=True)
    if shared_forcing:
        _link(Path(shared_forcing), folder / "forcing")
    t0, c0 = time.time(), time.process_time()
    with open(folder / "member.log", "a", encoding="utf-8") as fh:

        def log(msg: str) -> None:
            fh.write(f"{_dt.datetime.now().isoformat(timespec='seconds')} {msg}\n")
            fh.flush()

        log(f"member {index}: start (config hash {cfg.config_hash()})")
        run_study(cfg, log=log, progress=False, build_report=False)
        summarize_member(folder, cfg)
        log(f"member {index}: done")
    return mark_done(cfg, index, time.time() - t0, time.process_time() - c0)


def mark_done(cfg: StudyConfig, index: int, wall_s: float, cpu_s: float) -> dict:
    """Write ``member.json`` (the marker :func:`is_done` checks) and return its content."""
    folder = Path(cfg.output.folder)
    folder.mkdir(parents=True, exist_ok=True)
    info = {
        "member": index,
        "status": "done",
        "config_hash": cfg.config_hash(),
        "wall_s": round(wall_s, 2),
        "cpu_s": round(cpu_s, 2),
        "finished": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    tmp = folder / "member.json.tmp"
    tmp.write_text(json.dumps(info, indent=1))
    tmp.replace(folder / "member.json")
    return info


# ---------------------------------------------------------------------------------------------- execution
@dataclasses.dataclass
class MemberStatus:
    """What happened to one member in this run of the ensemble."""

    member: int
    status: str = "pending"  # done | skipped (done before) | failed | pending
    attempts: int = 0
    wall_s: float = float("nan")
    cpu_s: float = float("nan")
    error: str = ""


def _error_text(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {msg}"[:500]


def _write_status(path: Path, statuses: dict[int, MemberStatus]) -> None:
    df = pd.DataFrame([dataclasses.asdict(s) for s in sorted(statuses.values(), key=lambda s: s.member)])
    tmp = path.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False)
    tmp.replace(path)


def execute_members(
    jobs: Sequence[tuple[Member, StudyConfig]],
    ecfg: EnsembleConfig,
    status_path: Path,
    log: Log,
    shared_forcing: str | None = None,
    member_fn: Callable[..., dict] = run_member,
) -> dict[int, MemberStatus]:
    """Run the members not yet done, serially or as Dask tasks; retry each failure ``ecfg.retries`` times.

    ``member_fn(cfg, index, shared_forcing, threads) -> info`` runs one member (replaceable in tests).
    The status table is rewritten after every member, so an interrupted run leaves an accurate record.
    """
    statuses = {m.index: MemberStatus(m.index) for m, _ in jobs}
    todo = []
    for m, cfg in jobs:
        if is_done(cfg):
            info = json.loads((Path(cfg.output.folder) / "member.json").read_text())
            statuses[m.index] = MemberStatus(
                m.index, "skipped", 0, info.get("wall_s", np.nan), info.get("cpu_s", np.nan)
            )
        else:
            todo.append((m, cfg))
    log(
        f"ensemble: {len(jobs)} members, {len(jobs) - len(todo)} already done, {len(todo)} to run "
        f"({ecfg.scheduler}{'' if ecfg.scheduler == 'serial' else f', {ecfg.workers} workers'})"
    )
    _write_status(status_path, statuses)
    if not todo:
        return statuses

    def finished(m: Member, info: dict) -> None:
        s = statuses[m.index]
        s.status, s.wall_s, s.cpu_s, s.error = (
            "done",
            info.get("wall_s", np.nan),
            info.get("cpu_s", np.nan),
            "",
        )
        log(f"{m.name}: done in {s.wall_s:.0f} s ({s.cpu_s:.0f} CPU s), attempt {s.attempts}")
        _write_status(status_path, statuses)

    def failed(m: Member, exc: BaseException) -> bool:
        """Record a failure; True if the member gets another attempt."""
        s = statuses[m.index]
        s.error = _error_text(exc)
        again = s.attempts <= ecfg.retries
        s.status = "pending" if again else "failed"
        log(f"{m.name}: attempt {s.attempts} failed ({s.error}); " + ("retrying" if again else "giving up"))
        if not again:
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-4000:]
            with open(status_path.with_name("failures.txt"), "a", encoding="utf-8") as fh:
                fh.write(f"== {m.name} ({s.attempts} attempts) {s.error}\n{tb}\n")
        _write_status(status_path, statuses)
        return again

    if ecfg.scheduler == "serial":
        for m, cfg in todo:
            while True:
                statuses[m.index].attempts += 1
                try:
                    info = member_fn(cfg, m.index, shared_forcing, None)
                except Exception as exc:  # noqa: BLE001 - any member failure is recorded, then retried
                    if failed(m, exc):
                        continue
                    break
                finished(m, info)
                break
        return statuses
    from dask.distributed import as_completed

    client, cluster = _client(ecfg)
    try:
        nworkers = max(len(client.scheduler_info().get("workers", {})), 1)
        threads = max(1, (os.cpu_count() or 1) // nworkers) if ecfg.scheduler == "local" else None
        futures = {}
        for m, cfg in todo:
            statuses[m.index].attempts += 1
            futures[
                client.submit(member_fn, cfg, m.index, shared_forcing, threads, key=f"{m.name}-1", pure=False)
            ] = (m, cfg)
        ac = as_completed(list(futures))
        for fut in ac:
            m, cfg = futures.pop(fut)
            try:
                info = fut.result()
            except Exception as exc:  # noqa: BLE001
                if failed(m, exc):
                    statuses[m.index].attempts += 1
                    nf = client.submit(
                        member_fn,
                        cfg,
                        m.index,
                        shared_forcing,
                        threads,
                        key=f"{m.name}-{statuses[m.index].attempts}",
                        pure=False,
                    )
                    futures[nf] = (m, cfg)
                    ac.add(nf)
                continue
            finished(m, info)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return statuses


def _client(ecfg: EnsembleConfig):
    from dask.distributed import Client, LocalCluster

    if ecfg.scheduler == "local":
        cluster = LocalCluster(
            n_workers=ecfg.workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        return Client(cluster), cluster
    return Client(ecfg.scheduler), None


# ---------------------------------------------------------------------------------------------- the ensemble
def _reference_links(root: Path, member_dir: Path) -> None:
    """Make ``OUT`` read as the reference run folder (``runs``, ``spinup``, study and provenance files)."""
    for name in ("runs", "spinup"):
        _link(member_dir / name, root / name)
    for name in ("study.toml", "provenance.json"):
        src = member_dir / name
        if src.exists():
            (root / name).write_bytes(src.read_bytes())


def run_ensemble(
    study: StudyConfig,
    ecfg: EnsembleConfig,
    log: Log = print,
    progress: bool = False,
    build_report: bool = True,
    member_fn: Callable[..., dict] = run_member,
) -> Path:
    """Run (or resume) the ensemble of ``study`` into ``study.output.folder``; returns that folder.

    Steps: design; shared forcing; member studies; execution (resume, retry, report failures); the Zarr
    store; statistics; the report. Raises :class:`EnsembleError` at the end if members failed, after
    everything else was written.
    """
    from tpcarbon.ensemble import stats, store

    root = Path(study.output.folder)
    ens = root / "ensemble"
    ens.mkdir(parents=True, exist_ok=True)
    model_files: dict[str, list[Path]] = {}
    if ecfg.scenario_models:
        from tpcarbon.ensemble.scenario import cmip6_models

        model_files = cmip6_models(ecfg.scenario_models)
        log(f"ensemble: CMIP6 scenario spread over {len(model_files)} models: {', '.join(model_files)}")
    members = design_members(ecfg, list(model_files))
    unit, vals = design_tables(members)
    unit.to_csv(ens / "design.csv")
    vals.to_csv(ens / "parameters.csv")
    stats.ranges_table(ecfg).to_csv(ens / "parameter_ranges.csv", index=False)
    (ens / "ensemble.json").write_text(
        json.dumps(
            {
                "members": ecfg.members,
                "method": ecfg.method,
                "seed": ecfg.seed,
                "spread": list(ecfg.spread),
                "reference": ecfg.reference,
                "retries": ecfg.retries,
                "scenario_models": ecfg.scenario_models,
                "study": study.source,
                "study_config_hash": study.config_hash(),
            },
            indent=1,
        )
    )
    shared = prepare_shared_inputs(study, root, log, progress)
    jobs = [(m, member_study(study, m, root, model_files)) for m in members]
    statuses = execute_members(jobs, ecfg, ens / "status.csv", log, str(shared), member_fn)
    done = [(m, cfg) for m, cfg in jobs if is_done(cfg)]
    failed = [s for s in statuses.values() if s.status == "failed"]
    if done:
        store.write_store(ens / "ensemble.zarr", done, unit, vals, log)
        stats.write_ensemble_tables(root, done, ecfg, statuses, log)
        ref = next((cfg for m, cfg in done if m.index == 0), done[0][1])
        _reference_links(root, Path(ref.output.folder))
        if build_report:
            from tpcarbon.report.html import build_report as _build

            log(f"report: {_build(root)}")
    if failed:
        names = ", ".join(f"member_{s.member:03d}" for s in failed)
        raise EnsembleError(
            f"{root}: {len(failed)} of {len(jobs)} members failed after {ecfg.retries + 1} attempts "
            f"({names}); the others are kept and analysed. Fix: see {ens / 'failures.txt'}; "
            "rerun the same command to retry them"
        )
    return root
