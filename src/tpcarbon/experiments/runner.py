"""The study runner: one call from a ``StudyConfig`` to a finished run folder.

Steps (each skipped when its output exists and was made by the same configuration):

1. surface data → ``Domain`` (embedded default or user files);
2. forcing: the embedded generator writes CMFD-layout files that are read back through the
   CMFD reader (or the user's CMFD/CF files are opened), then cached as a Zarr store tuned
   for the run;
3. spin-up (AD + matrix) → ``spinup/restart.nc`` and ``spinup/spinup.csv``;
4. experiments from the restart: S1 (control), S2–S4 (temperature, precipitation, shortwave
   held at their 1979–2018 climatology, on the fly), and the SSP runs, which continue from
   the end of S1 on the repeated historical forcing plus monthly anomalies and the
   scenario's CO2; each writes ``runs/<exp>/annual.nc`` and checkpoints every N years;
5. the report.

Serial by default; with ``[compute] scheduler`` the cells are split into chunks that run
as Dask tasks (``experiments.parallel``), with identical results.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np

import tpcarbon
from tpcarbon.errors import ConfigError, InputError
from tpcarbon.experiments.checkpoint import load_checkpoint, save_checkpoint
from tpcarbon.experiments.simulate import AnnualOutput, simulate_years
from tpcarbon.experiments.spinup import SpinupConfig, run_spinup
from tpcarbon.experiments.study import HELD_VARIABLE, SCENARIOS, StudyConfig
from tpcarbon.forcing.stream import ForcingSource
from tpcarbon.io.writers import atomic_path, gridded_dataset, write_netcdf
from tpcarbon.model.driver import Model, ModelOptions
from tpcarbon.model.restart import read_restart, write_restart
from tpcarbon.model.state import State
from tpcarbon.params.pft import load_params
from tpcarbon.surface.domain import Domain

Log = Callable[[str], None]


# ---------------------------------------------------------------------------------------------- provenance
def git_hash() -> str:
    """The git commit of the package source, if it is a checkout ("" otherwise)."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True,
                             timeout=5, check=False)
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


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


# ---------------------------------------------------------------------------------------------- inputs
def build_domain(cfg: StudyConfig) -> Domain:
    """The run's ``Domain`` from ``[region]``."""
    from tpcarbon.surface.default import build_default_domain

    r = cfg.region
    opt = lambda v: None if v == "default" else v  # noqa: E731
    return build_default_domain(res=r.resolution, bbox=r.bbox, mask=opt(r.mask), pft=opt(r.pft), soil=opt(r.soil),
                                generator_seed=cfg.forcing.seed)


def open_forcing(cfg: StudyConfig, domain: Domain, out: Path, years: tuple[int, int], log: Log,
                 progress: bool = True) -> ForcingSource:
    """The historical forcing of the study, cached as Zarr when ``[forcing] cache`` is on."""
    from tpcarbon.io.zarr_cache import build_forcing_cache, open_forcing_cache

    f = cfg.forcing
    if f.source == "default":
        from tpcarbon.forcing.generator import WeatherGenerator
        from tpcarbon.io.cmfd import open_cmfd, write_default_forcing

        folder = out / "forcing" / "cmfd"
        gen = WeatherGenerator(seed=f.seed)
        log(f"forcing: {gen.description}; writing CMFD-layout files for {years[0]}-{years[1]} to {folder}")
        write_default_forcing(folder, domain.grid, years, gen)
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
    build_forcing_cache(base, store, years)
    return open_forcing_cache(store, domain)


def co2_function(scenario: str) -> Callable[[np.ndarray], np.ndarray]:
    """CO2 [ppm] at decimal years for a scenario ("historical" or an SSP) from the bundled RCMIP table."""
    from tpcarbon.io.co2 import co2_ppm

    return lambda t: np.asarray(co2_ppm(t, scenario), dtype=np.float64)


# ---------------------------------------------------------------------------------------------- one experiment
def _write_annual(path: Path, domain: Domain, years: list[int], annual: dict[str, list[np.ndarray]],
                  co2: list[float], attrs: dict, monthly: bool = False) -> Path:
    data = {k: np.stack(v) for k, v in annual.items()}
    data["CO2"] = np.asarray(co2)
    ds = gridded_dataset(domain, "annual", "year", np.asarray(years, dtype=np.int32), data, attrs=attrs)
    return write_netcdf(ds, path)


def run_experiment(name: str, model: Model, state: State, source: ForcingSource, years: tuple[int, int],
                   co2: Callable[[np.ndarray], np.ndarray], run_dir: Path, cfg: StudyConfig, attrs: dict, log: Log,
                   progress: bool = True, keep_from: int | None = None) -> State:
    """Run one experiment from ``state`` (updated in place) and write ``runs/<name>/annual.nc``.

    Resumes from ``runs/<name>/checkpoint.nc`` when present for the same configuration; a finished
    ``annual.nc`` with the same experiment hash is not rerun (the end state is read back from
    ``end_state.nc``). Years before ``keep_from`` are simulated but not written (bridge years).
    """
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
    co2_by_year: dict[int, float] = {}
    if first <= years[1]:
        for ann in simulate_years(model, state, source, first, years[1], co2, desc=name, progress=progress):
            if ann.year >= keep_from:
                for k, v in ann.values.items():
                    annual.setdefault(k, []).append(v)
                done_years.append(ann.year)
            if (ann.year - years[0] + 1) % every == 0 and ann.year < years[1]:
                save_checkpoint(ck, state, model.domain, ann.year + 1, annual, done_years, h)
    co2_by_year = {y: float(co2(np.array([y + 0.5]))[0]) for y in done_years}
    attrs = {**attrs, "experiment": name, "config_hash": h}
    write_restart(end_state, state, model.domain, f"{years[1] + 1}-01-01", ad_mode=False,
                  attrs={"experiment": name, "config_hash": h})
    _write_annual(final, model.domain, done_years, annual, [co2_by_year[y] for y in done_years], attrs)
    if ck.exists():
        ck.unlink()
    log(f"{name}: wrote {final}")
    return state


# ---------------------------------------------------------------------------------------------- the study
def run_study(cfg: StudyConfig, log: Log = print, progress: bool = True, build_report: bool = True) -> Path:
    """Run a whole study (see the module docstring); returns the run folder."""
    out = Path(cfg.output.folder)
    _check_writable(out)
    with atomic_path(out / "study.toml") as tmp:
        tmp.write_text(_dump_toml(cfg))
    domain = build_domain(cfg)
    log(f"domain: {domain.ncell} land cells at {cfg.region.resolution}° "
        f"({domain.land_area.sum() / 1e12:.2f} million km²), source: {domain.source}")
    hist = cfg.years.historical
    source = open_forcing(cfg, domain, out, hist, log, progress)
    params = load_params(None if cfg.model.paramfile == "default" else cfg.model.paramfile)
    model = Model(domain, params, ModelOptions(n_substeps=cfg.model.n_substeps))
    prov = provenance(cfg, source.description, {"ncell": domain.ncell, "resolution": cfg.region.resolution})
    with atomic_path(out / "provenance.json") as tmp:
        tmp.write_text(json.dumps(prov, indent=2))
    state, spin_msg = _spinup(cfg, model, source, out, log, progress)
    attrs = {"title": f"tpcarbon {cfg.name}", "forcing_source": source.description,
             "tpcarbon_version": tpcarbon.__version__, "git_hash": prov["git_hash"], "spinup": spin_msg,
             "co2_source": "RCMIP v5.1.0 (Meinshausen et al. 2020) via fair 1.6.4",
             "created": prov["created"], "resolution_deg": cfg.region.resolution,
             "inputs": json.dumps(prov["inputs"], sort_keys=True)}
    if cfg.compute.scheduler != "serial":
        from tpcarbon.experiments.parallel import run_experiments_dask

        run_experiments_dask(cfg, model, state, out, attrs, log, progress)
    else:
        run_experiments(cfg, model, state, source, out, attrs, log, progress)
    if build_report:
        from tpcarbon.report.html import build_report as _build

        path = _build(out)
        log(f"report: {path}")
    return out


def run_experiments(cfg: StudyConfig, model: Model, spun_up: State, source: ForcingSource, out: Path, attrs: dict,
                    log: Log, progress: bool = True) -> None:
    """Run the experiments of ``cfg`` serially from the spun-up state."""
    hist = cfg.years.historical
    wanted = list(cfg.experiments.run)
    need_s1 = "S1" in wanted or any(e in SCENARIOS for e in wanted)
    s1_state = None
    if need_s1:
        s1_state = spun_up.copy()
        run_experiment("S1", model, s1_state, source, hist, co2_function("historical"), out, cfg,
                       attrs, log, progress)
    held = [e for e in wanted if e in HELD_VARIABLE]
    if held:
        clim = forcing_climatology(cfg, source, out, log, progress)
        for exp in held:
            hsrc = held_source(cfg, source, exp, clim)
            run_experiment(exp, model, spun_up.copy(), hsrc, hist, co2_function("historical"), out, cfg,
                           {**attrs, "held": hsrc.description}, log, progress)
    ssps = [e for e in wanted if e in SCENARIOS]
    if ssps:
        clim = forcing_climatology(cfg, source, out, log, progress)
        for exp in ssps:
            ssrc = scenario_source(cfg, source, exp, clim)
            run_experiment(exp, model, s1_state.copy(), ssrc, cfg.years.future, co2_function(exp), out, cfg,
                           {**attrs, "scenario": exp, "anomalies": ssrc.description}, log, progress,
                           keep_from=cfg.years.future[0])


def forcing_climatology(cfg: StudyConfig, source: ForcingSource, out: Path, log: Log, progress: bool = True):
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
    log(f"forcing climatology {cfg.years.historical[0]}-{cfg.years.historical[1]} (one pass)")
    clim = compute_forcing_climatology(source, period=cfg.years.historical)
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

        anomalies = default_anomalies(scenario, source.domain, forcing_climatology=clim)
    else:
        from tpcarbon.io.cmip6 import build_cmip6_anomalies

        anomalies = build_cmip6_anomalies(sc.anomalies, scenario, source.domain,
                                          reference_period=tuple(sc.reference_period),
                                          historical_paths=sc.historical_files or None)
    return make_ssp_source(source, scenario, source.domain, anomalies, base_years=tuple(cfg.years.historical),
                           years=tuple(cfg.years.future), climatology=clim)


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


def _dump_toml(cfg: StudyConfig) -> str:
    lines = [f'name = "{cfg.name}"', f"# config hash {cfg.config_hash()}", ""]
    for sec, values in cfg.to_dict().items():
        if not isinstance(values, dict):
            continue
        lines.append(f"[{sec}]")
        for k, v in values.items():
            if isinstance(v, bool):
                lines.append(f"{k} = {'true' if v else 'false'}")
            elif isinstance(v, str):
                lines.append(f'{k} = "{v}"')
            elif isinstance(v, (list, tuple)) and v and isinstance(v[0], (list, tuple)):
                pairs = ", ".join(f'{a} = "{b}"' for a, b in v)
                lines.append(f"{k} = {{{pairs}}}")
            elif isinstance(v, (list, tuple)):
                lines.append(f"{k} = {json.dumps(list(v))}")
            else:
                lines.append(f"{k} = {v}")
        lines.append("")
    return "\n".join(lines)


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
    if resolution <= 0:
        raise ConfigError(None, f"invalid resolution {resolution}", "use 1, 0.5, 0.25 or 0.1", variable="--resolution")
    return StudyConfig(source="<demo>").with_changes(output={"folder": str(out)}, region={"resolution": resolution})


__all__ = ["AnnualOutput", "default_study", "quick_study", "run_experiment", "run_study"]


def spinup_only(cfg: StudyConfig, log: Log = print, progress: bool = True) -> Path:
    """``tpcarbon spinup``: build inputs and spin up (or reuse) the study's restart."""
    out = Path(cfg.output.folder)
    _check_writable(out)
    domain = build_domain(cfg)
    source = open_forcing(cfg, domain, out, cfg.years.historical, log, progress)
    params = load_params(None if cfg.model.paramfile == "default" else cfg.model.paramfile)
    model = Model(domain, params, ModelOptions(n_substeps=cfg.model.n_substeps))
    _spinup(cfg, model, source, out, log, progress)
    return out / "spinup" / "restart.nc"
