"""The study runner: one call from a ``StudyConfig`` to a finished run folder.

Steps (each skipped when its output exists and was made by the same configuration):

1. surface data → ``Domain`` (embedded default or user files);
2. forcing: the embedded generator writes CMFD-layout files that are read back through the
   CMFD reader (or the user's CMFD/CF files are opened), then cached as a Zarr store tuned
   for the run;
3. spin-up (physics first, then the exact periodic soil state; ``experiments.spinup``) →
   ``spinup/restart.nc`` and ``spinup/spinup.csv``;
4. experiments from the restart: S1 (control), S2–S4 (temperature, precipitation, shortwave
   held at their 1979–2018 climatology, on the fly), and the SSP runs, which continue from
   the end of S1 on the repeated historical forcing plus monthly anomalies and the
   scenario's CO2; each writes ``runs/<exp>/annual.nc`` and checkpoints every N years;
5. the report.

Serial by default; with ``[compute] scheduler`` the cells are split into chunks that run
as Dask tasks (``experiments.parallel``), with identical results.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

import tpcarbon
from tpcarbon.errors import InputError
from tpcarbon.experiments.checkpoint import load_checkpoint, save_checkpoint
from tpcarbon.experiments.inputs import (
    build_domain,
    check_disk,
    co2_function,
    experiment_source,
    experiment_years,
    open_forcing,
)
from tpcarbon.experiments.simulate import AnnualOutput, simulate_years
from tpcarbon.experiments.spinup import SpinupConfig, run_spinup
from tpcarbon.experiments.study import SCENARIOS, StudyConfig, dump_study
from tpcarbon.forcing.stream import ForcingSource
from tpcarbon.io.writers import atomic_path, write_annual
from tpcarbon.model.driver import Model, ModelOptions
from tpcarbon.model.restart import read_restart, write_restart
from tpcarbon.model.state import State
from tpcarbon.params.pft import load_params

Log = Callable[[str], None]
logger = logging.getLogger("tpcarbon")
#: The log file every run folder gets.
LOG_FILE = "tpcarbon.log"


# ---------------------------------------------------------------------------------------------- provenance
def git_hash() -> str:
    """The git commit of the package source: from the checkout it runs from, else from pip's record of a
    VCS install, else ``"unknown (installed from a source tree without git)"``."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True,
                             timeout=5, check=False)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        from importlib.metadata import distribution

        direct = distribution("tpcarbon").read_text("direct_url.json")
        commit = json.loads(direct or "{}").get("vcs_info", {}).get("commit_id", "")
        if commit:
            return commit[:7]
    except Exception:  # noqa: BLE001 - metadata is optional
        pass
    return "unknown (installed from a source tree without git)"


def file_fingerprint(path: str | os.PathLike, max_hash_bytes: int = 200 * 1024 * 1024) -> dict:
    """Identify an input: sha256 of a file (if ≤ ``max_hash_bytes``), or for a folder the number of files, their
    total size and the sha256 of the sorted (name, size) listing (hashing ~75 GB of forcing is not practical)."""
    import hashlib

    p = Path(path)
    if p.is_file():
        info = {"path": str(p), "bytes": p.stat().st_size}
        if p.stat().st_size <= max_hash_bytes:
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            info["sha256"] = h.hexdigest()
        return info
    if p.is_dir():
        files = sorted((str(f.relative_to(p)), f.stat().st_size) for f in p.rglob("*") if f.is_file())
        listing = "\n".join(f"{n}\t{s}" for n, s in files).encode()
        return {"path": str(p), "files": len(files), "bytes": sum(s for _, s in files),
                "listing_sha256": hashlib.sha256(listing).hexdigest()}
    return {"path": str(p), "missing": True}


def provenance(cfg: StudyConfig, forcing_description: str, extra: dict | None = None) -> dict:
    """What a result depends on: versions, config hash, inputs (with checksums where they are files)."""
    paramfile = load_params(None if cfg.model.paramfile == "default" else cfg.model.paramfile).source
    inputs = {"parameter_file": file_fingerprint(paramfile)}
    if cfg.forcing.source != "default" and cfg.forcing.path:
        inputs["forcing"] = file_fingerprint(cfg.forcing.path)
    for key in ("mask", "pft", "soil"):
        value = getattr(cfg.region, key)
        if value != "default":
            inputs[key] = file_fingerprint(value)
    if cfg.scenarios.anomalies != "default":
        inputs["anomalies"] = file_fingerprint(cfg.scenarios.anomalies)
    prov = {
        "tpcarbon_version": tpcarbon.__version__,
        "git_hash": git_hash(),
        "config_hash": cfg.config_hash(),
        "study_file": cfg.source,
        "forcing_source": forcing_description,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "parameter_file": paramfile,
        "inputs": inputs,
    }
    if extra:
        prov.update(extra)
    return prov


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".tpcarbon-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise InputError(folder, f"output folder is not writable ({exc.strerror})",
                         "choose a writable folder with --out or [output] folder") from None


# ---------------------------------------------------------------------------------------------- logging
@contextlib.contextmanager
def run_log(out: Path, log: Log | None = None) -> Iterator[Log]:
    """Log to ``out/tpcarbon.log`` (every message, with times) for the duration; yield the function to log with.

    ``log`` (e.g. ``print``) also receives every message, for callers that want them elsewhere; without it
    messages go only through the ``tpcarbon`` logger (the command line shows them on stderr).
    """
    out.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out / LOG_FILE, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    handler.setLevel(logging.INFO)
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)

    def say(msg: str) -> None:
        logger.info(msg)
        if log is not None:
            log(msg)

    try:
        yield say
    finally:
        logger.removeHandler(handler)
        handler.close()


# ---------------------------------------------------------------------------------------------- one experiment
def run_experiment(name: str, model: Model, state: State, source: ForcingSource, years: tuple[int, int],
                   co2: Callable[[np.ndarray], np.ndarray], run_dir: Path, cfg: StudyConfig, attrs: dict,
                   log: Log | None = None, progress: bool = True, keep_from: int | None = None) -> State:
    """Run one experiment from ``state`` (updated in place) and write ``runs/<name>/annual.nc``.

    Resumes from ``runs/<name>/checkpoint.nc`` when present for the same configuration; a finished
    ``annual.nc`` with the same experiment hash is not rerun (the end state is read back from
    ``end_state.nc``). Years before ``keep_from`` are simulated but not written (bridge years).
    """
    log = log or logger.info
    folder = run_dir / "runs" / name
    folder.mkdir(parents=True, exist_ok=True)
    h = cfg.experiment_hash(name)
    final = folder / "annual.nc"
    end_state = folder / "end_state.nc"
    if final.exists() and end_state.exists():
        import xarray as xr

        with xr.open_dataset(final) as ds:
            done = ds.attrs.get("config_hash") == h
        if done:
            log(f"{name}: outputs complete for this configuration, skipped")
            s, _ = read_restart(end_state, model.domain)
            for dst, src in zip(state, s, strict=True):
                dst[...] = src
            return state
    ck = folder / "checkpoint.nc"
    first = years[0]
    annual: dict[str, list[np.ndarray]] = {}
    done_years: list[int] = []
    resumed = load_checkpoint(ck, model.domain, h)
    if resumed is not None:
        s, first, annual, done_years = resumed
        for dst, src in zip(state, s, strict=True):
            dst[...] = src
        log(f"{name}: resuming from checkpoint at {first}")
    keep_from = keep_from if keep_from is not None else years[0]
    every = cfg.output.checkpoint_years
    if first <= years[1]:
        for ann in simulate_years(model, state, source, first, years[1], co2, desc=name, progress=progress):
            if ann.year >= keep_from:
                for k, v in ann.values.items():
                    annual.setdefault(k, []).append(v)
                done_years.append(ann.year)
            if (ann.year - years[0] + 1) % every == 0 and ann.year < years[1]:
                save_checkpoint(ck, state, model.domain, ann.year + 1, annual, done_years, h)
    co2_by_year = {y: float(co2(np.array([y + 0.5]))[0]) for y in done_years}
    write_restart(end_state, state, model.domain, f"{years[1] + 1}-01-01", ad_mode=False,
                  attrs={"experiment": name, "config_hash": h})
    write_annual(final, model.domain, done_years, annual, [co2_by_year[y] for y in done_years], name,
                 {**attrs, "config_hash": h}, zarr=cfg.output.zarr)
    if ck.exists():
        ck.unlink()
    log(f"{name}: wrote {final}")
    return state


# ---------------------------------------------------------------------------------------------- the study
def run_study(cfg: StudyConfig | str | os.PathLike, log: Log | None = None, progress: bool = True,
              build_report: bool = True) -> Path:
    """Run a whole study (see the module docstring); returns the run folder.

    Parameters
    ----------
    cfg : StudyConfig or path of a study TOML
        The study (``tpcarbon.load_study`` reads a file; ``StudyConfig().with_changes(...)`` builds one).
    log : callable, optional
        Also receives every progress message (they always go to the ``tpcarbon`` logger and to
        ``<folder>/tpcarbon.log``).
    progress : bool
        Progress bars (on stderr).
    build_report : bool
        Write ``report.html``, ``tables/``, ``figures/`` and ``maps.nc`` at the end.
    """
    if not isinstance(cfg, StudyConfig):
        from tpcarbon.experiments.study import load_study

        cfg = load_study(cfg)
    out = Path(cfg.output.folder)
    _check_writable(out)
    with run_log(out, log) as say:
        with atomic_path(out / "study.toml") as tmp:
            tmp.write_text(dump_study(cfg))
        say(f"study {cfg.name}: {out / 'study.toml'} (config hash {cfg.config_hash()})")
        domain = build_domain(cfg)
        say(f"domain: {domain.ncell} land cells at {cfg.region.resolution}° "
            f"({domain.land_area.sum() / 1e12:.2f} million km²), source: {domain.source}")
        check_disk(cfg, domain, out, say)
        hist = cfg.years.historical
        source = open_forcing(cfg, domain, out, hist, say, progress)
        params = load_params(None if cfg.model.paramfile == "default" else cfg.model.paramfile)
        model = Model(domain, params, ModelOptions(n_substeps=cfg.model.n_substeps, nitrogen=cfg.model.nitrogen))
        prov = provenance(cfg, source.description, {"ncell": domain.ncell, "resolution": cfg.region.resolution})
        with atomic_path(out / "provenance.json") as tmp:
            tmp.write_text(json.dumps(prov, indent=2))
        state, spin_msg = _spinup(cfg, model, source, out, say, progress)
        attrs = {"title": f"tpcarbon {cfg.name}", "forcing_source": source.description,
                 "tpcarbon_version": tpcarbon.__version__, "git_hash": prov["git_hash"], "spinup": spin_msg,
                 "co2_source": "RCMIP v5.1.0 (Meinshausen et al. 2020) via fair 1.6.4",
                 "created": prov["created"], "resolution_deg": cfg.region.resolution,
                 "historical_period": f"{hist[0]}-{hist[1]}",
                 "analysis_future_period": f"{cfg.years.analysis_future[0]}-{cfg.years.analysis_future[1]}",
                 "inputs": json.dumps(prov["inputs"], sort_keys=True),
                 "history": f"{prov['created']}: tpcarbon {tpcarbon.__version__} run of study {cfg.name} "
                            f"(config hash {cfg.config_hash()})"}
        if cfg.compute.scheduler != "serial":
            from tpcarbon.experiments.parallel import run_experiments_dask

            run_experiments_dask(cfg, model, state, out, attrs, say, progress)
        else:
            run_experiments(cfg, model, state, source, out, attrs, say, progress)
        if build_report:
            from tpcarbon.report.html import build_report as _build

            path = _build(out)
            say(f"report: {path}")
    return out


def run_experiments(cfg: StudyConfig, model: Model, spun_up: State, source: ForcingSource, out: Path, attrs: dict,
                    log: Log | None = None, progress: bool = True) -> None:
    """Run the experiments of ``cfg`` serially from the spun-up state."""
    wanted = list(cfg.experiments.run)
    s1_state = spun_up.copy()
    order = (["S1"] if ("S1" in wanted or any(e in SCENARIOS for e in wanted)) else []) + \
        [e for e in wanted if e != "S1" and e not in SCENARIOS] + [e for e in wanted if e in SCENARIOS]
    for exp in order:
        years, scenario, keep = experiment_years(cfg, exp)
        src = experiment_source(cfg, source, out, exp, progress)
        extra = {} if exp == "S1" else ({"scenario": exp, "anomalies": src.description} if exp in SCENARIOS
                                        else {"held": src.description})
        start = s1_state if exp == "S1" else (s1_state.copy() if exp in SCENARIOS else spun_up.copy())
        run_experiment(exp, model, start, src, years, co2_function(scenario), out, cfg, {**attrs, **extra}, log,
                       progress, keep_from=keep)


def _spinup(cfg: StudyConfig, model: Model, source: ForcingSource, out: Path, log: Log, progress: bool
            ) -> tuple[State, str]:
    folder = out / "spinup"
    folder.mkdir(parents=True, exist_ok=True)
    restart = folder / "restart.nc"
    h = cfg.experiment_hash("spinup")
    if restart.exists():
        try:
            state, attrs = read_restart(restart, model.domain)
            if attrs.get("config_hash") == h:
                log(f"spin-up: reusing {restart} ({attrs.get('spinup_message', '')})")
                return state, str(attrs.get("spinup_message", ""))
        except InputError:
            pass
    sp = cfg.spinup
    co2 = (float(co2_function("historical")(np.array([sp.cycle_years[0] + 0.5]))[0]) if sp.co2 == "first-year"
           else float(sp.co2))
    scfg = SpinupConfig(cycle_years=tuple(sp.cycle_years), co2_ppm=co2, ad_cycles=sp.ad_cycles,
                        max_years=sp.max_years, drift_threshold=sp.drift_threshold, area_share=sp.area_share)
    log(f"spin-up: cycling {sp.cycle_years[0]}-{sp.cycle_years[1]} with CO2 fixed at {co2:.1f} ppm")
    res = run_spinup(model, source, scfg, co2, log=log, progress=progress, csv_path=folder / "spinup.csv")
    write_restart(restart, res.state, model.domain, f"{cfg.years.historical[0]}-01-01", ad_mode=False,
                  attrs={"config_hash": h, "spinup_message": res.message, "years_simulated": res.years_simulated,
                         "converged": int(res.converged)})
    return res.state, res.message


def quick_study(base: StudyConfig) -> StudyConfig:
    """The seconds-to-minutes reduced demo used by CI (``tpcarbon demo --quick``): a small corner of the
    plateau, a few historical and future years, short spin-up cycles. Same code path as the full demo."""
    return base.with_changes(
        region={"bbox": (29.0, 33.0, 88.0, 96.0), "resolution": 1.0},
        years={"historical": (1979, 1984), "future": (2019, 2030), "analysis_future": (2025, 2030)},
        spinup={"cycle_years": (1979, 1980), "max_years": 6},
        output={"checkpoint_years": 2},
    )


def default_study(out: str | os.PathLike, resolution: float = 1.0) -> StudyConfig:
    """The demo study: embedded default forcing, the whole plateau, all eight experiments."""
    return StudyConfig(source="<demo>").with_changes(output={"folder": str(out)}, region={"resolution": resolution})


def spinup_only(cfg: StudyConfig, log: Log | None = None, progress: bool = True) -> Path:
    """``tpcarbon spinup``: build inputs and spin up (or reuse) the study's restart."""
    out = Path(cfg.output.folder)
    _check_writable(out)
    with run_log(out, log) as say:
        domain = build_domain(cfg)
        check_disk(cfg, domain, out, say)
        source = open_forcing(cfg, domain, out, cfg.years.historical, say, progress)
        params = load_params(None if cfg.model.paramfile == "default" else cfg.model.paramfile)
        model = Model(domain, params, ModelOptions(n_substeps=cfg.model.n_substeps, nitrogen=cfg.model.nitrogen))
        _spinup(cfg, model, source, out, say, progress)
    return out / "spinup" / "restart.nc"


__all__ = ["AnnualOutput", "default_study", "quick_study", "run_experiment", "run_study", "spinup_only"]
