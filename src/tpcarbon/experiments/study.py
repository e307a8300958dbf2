"""The study file: a TOML description of a whole study, loaded into a frozen ``StudyConfig``.

Every key is validated on load; an unknown key, a wrong type or an impossible value is a
one-line ``ConfigError`` naming the file, the key and the fix (with a suggestion for
misspelt keys). ``tpcarbon init-study`` writes :data:`EXAMPLE_STUDY`, the commented
template of every key and its default.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Any

from tpcarbon.errors import ConfigError
from tpcarbon.surface.grid import SUPPORTED_RESOLUTIONS, TP_BBOX

EXPERIMENTS = ("S1", "S2", "S3", "S4", "ssp126", "ssp245", "ssp370", "ssp585")
HELD_VARIABLE = {"S2": "temp", "S3": "prec", "S4": "srad"}
SCENARIOS = ("ssp126", "ssp245", "ssp370", "ssp585")


@dataclasses.dataclass(frozen=True)
class RegionConfig:
    """``[region]``: where and at what resolution."""

    bbox: tuple[float, float, float, float] = TP_BBOX
    resolution: float = 1.0
    mask: str = "default"
    pft: str = "default"
    soil: str = "default"


@dataclasses.dataclass(frozen=True)
class ForcingConfig:
    """``[forcing]``: where the 3-hourly forcing comes from."""

    source: str = "default"          # "default" (embedded generator), "cmfd", "cf"
    path: str = ""                   # folder of CMFD files, or CF-NetCDF glob / Zarr store
    seed: int = 1979                 # weather-generator seed (default source)
    mapping: tuple[tuple[str, str], ...] = ()   # canonical name -> file variable (cf source)
    cache: bool = True               # stream the runs from a Zarr cache built once


@dataclasses.dataclass(frozen=True)
class YearsConfig:
    """``[years]``: historical and future periods."""

    historical: tuple[int, int] = (1979, 2018)
    future: tuple[int, int] = (2019, 2100)
    analysis_future: tuple[int, int] = (2025, 2100)


@dataclasses.dataclass(frozen=True)
class SpinupTomlConfig:
    """``[spinup]``."""

    cycle_years: tuple[int, int] = (1979, 1988)
    co2: str | float = "first-year"   # "first-year" (historical CO2 of the first cycle year) or ppm
    ad_cycles: int = 0
    max_years: int = 40
    drift_threshold: float = 1.0      # g C m-2 yr-1
    area_share: float = 0.03


@dataclasses.dataclass(frozen=True)
class ExperimentsConfig:
    """``[experiments]``."""

    run: tuple[str, ...] = EXPERIMENTS
    hold_mode: str = "climatology"    # climatology | constant | detrend
    hold_lrad: bool = False


@dataclasses.dataclass(frozen=True)
class ScenariosConfig:
    """``[scenarios]``: SSP anomaly forcing."""

    anomalies: str = "default"        # "default" (embedded pattern scaling) or a folder/glob of CMIP6 files
    historical_files: str = ""        # CMIP6 historical files joined before 2015 (optional)
    reference_period: tuple[int, int] = (2005, 2025)
    # pattern scaling of the embedded default anomalies (experiments.scenarios; sampled by the ensemble)
    tp_amplification: float = 1.5     # plateau / global warming ratio
    prec_per_k: float = 0.04          # precipitation change per K of plateau warming (fraction)
    warming_quantile: float = 0.5     # position in the AR6 very likely range of global warming (0, 0.5, 1)


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """``[model]``."""

    n_substeps: int = 2
    paramfile: str = "default"
    nitrogen: str = "coupled"          # "coupled" (CLM5 N cycle) or "fun-lite" (carbon only, fixed N cost)


@dataclasses.dataclass(frozen=True)
class ComputeConfig:
    """``[compute]``: serial, local Dask cluster, or an existing scheduler address."""

    scheduler: str = "serial"         # "serial", "local", or "tcp://host:port"
    workers: int = 2
    cell_chunks: int = 0              # spatial chunks for Dask (0: one per worker)


@dataclasses.dataclass(frozen=True)
class OutputConfig:
    """``[output]``."""

    folder: str = "tpcarbon-study"
    monthly: bool = False
    checkpoint_years: int = 5
    zarr: bool = False                # also write runs/<exp>/annual.zarr beside annual.nc


@dataclasses.dataclass(frozen=True)
class StudyConfig:
    """A whole study (frozen). ``source`` is the file it was read from (or "<defaults>")."""

    name: str = "tibetan-plateau-nep"
    region: RegionConfig = RegionConfig()
    forcing: ForcingConfig = ForcingConfig()
    years: YearsConfig = YearsConfig()
    spinup: SpinupTomlConfig = SpinupTomlConfig()
    experiments: ExperimentsConfig = ExperimentsConfig()
    scenarios: ScenariosConfig = ScenariosConfig()
    model: ModelConfig = ModelConfig()
    compute: ComputeConfig = ComputeConfig()
    output: OutputConfig = OutputConfig()
    source: str = "<defaults>"

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (what the config hash is taken of; ``source`` excluded)."""
        d = dataclasses.asdict(self)
        d.pop("source")
        return d

    def config_hash(self, exclude: tuple[str, ...] = ("output", "compute")) -> str:
        """SHA-256 (first 16 hex) of the settings that change results (output folder and compute excluded)."""
        d = {k: v for k, v in self.to_dict().items() if k not in exclude}
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def experiment_hash(self, experiment: str) -> str:
        """Hash of what one experiment's output depends on (the study hash plus the experiment name)."""
        return hashlib.sha256(f"{self.config_hash()}:{experiment}".encode()).hexdigest()[:16]

    def with_changes(self, **sections: dict[str, Any]) -> StudyConfig:
        """A validated copy with some keys of some sections replaced, e.g. ``with_changes(output={"folder": "x"})``.

        The changed values go through the same checks as a study file (command-line overrides too).

        Raises
        ------
        ConfigError
            An unknown section or key, a wrong type or an impossible value.
        """
        where = "command line" if self.source in ("<defaults>", "<demo>") else f"{self.source} (as overridden)"
        new: dict[str, Any] = {}
        for sec, changes in sections.items():
            if sec == "name":
                new["name"] = str(changes)
                continue
            if sec not in _SECTIONS:
                raise _fail(where, sec, f"unknown section '{sec}' ({_suggest(sec, _SECTIONS)})",
                            "use one of the study file's tables")
            plain = {k: (dict(v) if k == "mapping" and isinstance(v, tuple) else
                         list(v) if isinstance(v, tuple) else v) for k, v in changes.items()}
            new[sec] = dataclasses.replace(getattr(self, sec), **_section(where, sec, plain))
        cfg = dataclasses.replace(self, **new)
        _validate(cfg, where)
        return cfg

    def to_toml_dict(self) -> dict[str, Any]:
        """The study as TOML-ready tables (tuples as lists, ``forcing.mapping`` as a table)."""
        d = self.to_dict()
        d["forcing"]["mapping"] = dict(self.forcing.mapping)
        for sec in d.values():
            if isinstance(sec, dict):
                for k, v in sec.items():
                    if isinstance(v, tuple):
                        sec[k] = list(v)
        return d


_SECTIONS = {
    "region": RegionConfig, "forcing": ForcingConfig, "years": YearsConfig, "spinup": SpinupTomlConfig,
    "experiments": ExperimentsConfig, "scenarios": ScenariosConfig, "model": ModelConfig,
    "compute": ComputeConfig, "output": OutputConfig,
}


def _fail(path: str, key: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(path, problem, fix, variable=key)


def _suggest(word: str, choices) -> str:
    hits = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{hits[0]}'?" if hits else f"valid keys: {', '.join(sorted(choices))}"


def _coerce(path: str, key: str, value: Any, default: Any) -> Any:
    """Check a TOML value against the type of the field's default and convert lists to tuples."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise _fail(path, key, f"expected true or false, got {value!r}", "write true or false")
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _fail(path, key, f"expected an integer, got {value!r}", "write a whole number")
        return value
    if isinstance(default, float):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _fail(path, key, f"expected a number, got {value!r}", "write a number")
        return float(value)
    if isinstance(default, tuple):
        if key.endswith("mapping"):
            if not isinstance(value, dict):
                raise _fail(path, key, "expected a table of name = \"file variable\"", 'e.g. mapping = {temp = "tas"}')
            return tuple(sorted((str(k), str(v)) for k, v in value.items()))
        if not isinstance(value, list):
            raise _fail(path, key, f"expected a list, got {value!r}", f"write e.g. {list(default)!r}")
        if default and isinstance(default[0], (int, float)) and not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
            raise _fail(path, key, f"expected a list of numbers, got {value!r}", f"write e.g. {list(default)!r}")
        if default and isinstance(default[0], (int, float)) and len(value) != len(default):
            raise _fail(path, key, f"expected {len(default)} numbers, got {len(value)}",
                        f"write e.g. {list(default)!r}")
        if default and isinstance(default[0], int) and not isinstance(default[0], bool):
            return tuple(int(x) for x in value)
        if default and isinstance(default[0], float):
            return tuple(float(x) for x in value)
        return tuple(str(x) for x in value)
    if default is None or isinstance(default, (str, float, int)):
        if isinstance(value, (dict, list)):
            raise _fail(path, key, f"expected a single value, got {value!r}", "write a string or number")
        return value
    return value


def _section(path: str, sec: str, values: dict[str, Any]) -> dict[str, Any]:
    """The keys of table ``[sec]``, each checked against its field and converted (lists to tuples)."""
    defaults = _SECTIONS[sec]()
    fields = {f.name for f in dataclasses.fields(defaults)}
    out = {}
    for k, v in values.items():
        if k not in fields:
            raise _fail(path, f"{sec}.{k}", f"unknown key '{k}' in [{sec}] ({_suggest(k, fields)})",
                        "remove it or correct its name")
        out[k] = _coerce(path, f"{sec}.{k}", v, getattr(defaults, k))
    return out


def _validate(cfg: StudyConfig, path: str) -> None:
    r = cfg.region
    s, n, w, e = r.bbox
    if not (-90 <= s < n <= 90 and -180 <= w < e <= 360):
        raise _fail(path, "region.bbox", f"invalid box {list(r.bbox)}", "give [south, north, west, east] in degrees")
    if r.resolution not in SUPPORTED_RESOLUTIONS:
        raise _fail(path, "region.resolution", f"unsupported resolution {r.resolution}",
                    "use 1, 0.5, 0.25 or 0.1 (degrees)")
    for key in ("mask", "pft", "soil"):
        value = getattr(r, key)
        if value != "default" and not Path(value).exists():
            raise _fail(path, f"region.{key}", f"file not found: {value}", "give an existing file or \"default\"")
    if cfg.forcing.source not in ("default", "cmfd", "cf"):
        raise _fail(path, "forcing.source", f"unknown forcing source '{cfg.forcing.source}'",
                    "use \"default\", \"cmfd\" or \"cf\"")
    if cfg.forcing.source != "default" and not cfg.forcing.path:
        raise _fail(path, "forcing.path", "a forcing path is required for this source",
                    "set forcing.path to the CMFD folder or CF files")
    f = cfg.forcing
    if f.source != "default" and f.path and not _exists_or_matches(f.path):
        raise _fail(path, "forcing.path", f"nothing found at {f.path}", "give an existing folder, file or glob")
    if f.source != "cf" and f.mapping:
        raise _fail(path, "forcing.mapping", "a name mapping is only used with source = \"cf\"",
                    "remove mapping or set source = \"cf\"")
    unknown = sorted(set(dict(f.mapping)) - {"temp", "shum", "pres", "wind", "srad", "lrad", "prec"})
    if unknown:
        raise _fail(path, "forcing.mapping", f"unknown canonical name '{unknown[0]}'",
                    "map temp, shum, pres, wind, srad, lrad or prec to the file's variable names")
    y = cfg.years
    for key in ("historical", "future", "analysis_future"):
        a, b = getattr(y, key)
        if a > b:
            raise _fail(path, f"years.{key}", f"{[a, b]} ends before it starts", "give [first, last] years")
        if not 1850 <= a <= b <= 2100:
            raise _fail(path, f"years.{key}", f"{[a, b]} is outside 1850-2100 (the CO2 table)",
                        "choose years in 1850-2100")
    if not (y.future[0] <= y.analysis_future[0] <= y.analysis_future[1] <= y.future[1]):
        raise _fail(path, "years.analysis_future", f"{list(y.analysis_future)} is not inside years.future "
                    f"{list(y.future)}", "choose an analysis period inside the future period")
    c0, c1 = cfg.spinup.cycle_years
    if not (y.historical[0] <= c0 <= c1 <= y.historical[1]):
        raise _fail(path, "spinup.cycle_years", f"{[c0, c1]} is not inside the historical period "
                    f"{list(y.historical)}", "choose spin-up cycle years inside [years] historical")
    sp = cfg.spinup
    if isinstance(sp.co2, str) and sp.co2 != "first-year":
        raise _fail(path, "spinup.co2", f"unknown value '{sp.co2}'", "use \"first-year\" or a number in ppm")
    if not isinstance(sp.co2, str) and not 100.0 <= float(sp.co2) <= 2000.0:
        raise _fail(path, "spinup.co2", f"{sp.co2} ppm is not a plausible CO2 mole fraction",
                    "give ppm between 100 and 2000, or \"first-year\"")
    for key, lo in (("ad_cycles", 0), ("max_years", 1)):
        if getattr(sp, key) < lo:
            raise _fail(path, f"spinup.{key}", f"must be at least {lo}", "use the default from tpcarbon init-study")
    if sp.drift_threshold <= 0:
        raise _fail(path, "spinup.drift_threshold", "must be positive", "use 1.0 (g C m-2 yr-1, CLM's criterion)")
    if not 0.0 <= sp.area_share <= 1.0:
        raise _fail(path, "spinup.area_share", f"{sp.area_share} is not a fraction", "use 0.03 (CLM's criterion)")
    if not cfg.experiments.run:
        raise _fail(path, "experiments.run", "no experiment chosen", f"choose from {', '.join(EXPERIMENTS)}")
    if len(set(cfg.experiments.run)) != len(cfg.experiments.run):
        raise _fail(path, "experiments.run", "an experiment is listed twice", "list each experiment once")
    for exp in cfg.experiments.run:
        if exp not in EXPERIMENTS:
            raise _fail(path, "experiments.run", f"unknown experiment '{exp}' ({_suggest(exp, EXPERIMENTS)})",
                        f"choose from {', '.join(EXPERIMENTS)}")
    if cfg.experiments.hold_mode not in ("climatology", "constant", "detrend"):
        raise _fail(path, "experiments.hold_mode", f"unknown mode '{cfg.experiments.hold_mode}'",
                    "use climatology, constant or detrend")
    sc = cfg.scenarios
    if sc.anomalies != "default" and not _exists_or_matches(sc.anomalies):
        raise _fail(path, "scenarios.anomalies", f"nothing found at {sc.anomalies}",
                    "give a folder or glob of CMIP6 files, or \"default\"")
    if sc.historical_files and not _exists_or_matches(sc.historical_files):
        raise _fail(path, "scenarios.historical_files", f"nothing found at {sc.historical_files}",
                    "give a folder or glob of CMIP6 historical files, or \"\"")
    if sc.reference_period[0] > sc.reference_period[1]:
        raise _fail(path, "scenarios.reference_period", "ends before it starts", "give [first, last] years")
    for key, lo, hi in (("tp_amplification", 0.0, 5.0), ("prec_per_k", -0.2, 0.3), ("warming_quantile", 0.0, 1.0)):
        if not lo <= getattr(sc, key) <= hi:
            raise _fail(path, f"scenarios.{key}", f"{getattr(sc, key)} is outside [{lo}, {hi}]",
                        f"give a value in [{lo}, {hi}] (default {getattr(ScenariosConfig(), key)})")
    pattern = lambda c: (c.tp_amplification, c.prec_per_k, c.warming_quantile)  # noqa: E731
    if sc.anomalies != "default" and pattern(sc) != pattern(ScenariosConfig()):
        raise _fail(path, "scenarios.anomalies", "the pattern-scaling keys only apply to the embedded default "
                    "anomalies", "remove tp_amplification/prec_per_k/warming_quantile or set anomalies = \"default\"")
    if cfg.model.n_substeps < 1:
        raise _fail(path, "model.n_substeps", "must be at least 1", "use 2 (default)")
    if cfg.model.nitrogen not in ("coupled", "fun-lite"):
        raise _fail(path, "model.nitrogen", f"unknown mode '{cfg.model.nitrogen}'",
                    "use \"coupled\" (CLM5 nitrogen cycle, default) or \"fun-lite\" (carbon only)")
    if cfg.model.paramfile != "default" and not Path(cfg.model.paramfile).is_file():
        raise _fail(path, "model.paramfile", f"file not found: {cfg.model.paramfile}",
                    "give a CLM5 parameter file or \"default\"")
    sch = cfg.compute.scheduler
    if sch not in ("serial", "local") and not sch.startswith(("tcp://", "tls://", "ucx://")):
        raise _fail(path, "compute.scheduler", f"unknown scheduler '{sch}'",
                    "use serial, local, or a scheduler address like tcp://host:8786")
    if cfg.compute.workers < 1:
        raise _fail(path, "compute.workers", "must be at least 1", "use e.g. 2")
    if cfg.compute.cell_chunks < 0:
        raise _fail(path, "compute.cell_chunks", "must be 0 (one per worker) or more", "use 0")
    if cfg.output.checkpoint_years < 1:
        raise _fail(path, "output.checkpoint_years", "must be at least 1", "use e.g. 5")
    if not str(cfg.output.folder).strip():
        raise _fail(path, "output.folder", "is empty", "give a folder name, e.g. \"tpcarbon-study\"")
    if cfg.output.monthly:
        raise _fail(path, "output.monthly", "monthly output files are not written yet",
                    "set monthly = false (annual.nc holds every output variable)")


def _exists_or_matches(pattern: str) -> bool:
    import glob

    return Path(pattern).exists() or bool(glob.glob(pattern))


def dump_study(cfg: StudyConfig) -> str:
    """The study as TOML text (``tomli_w``) that :func:`load_study` reads back to the same ``StudyConfig``.

    Examples
    --------
    >>> cfg = StudyConfig().with_changes(forcing={"source": "cf", "path": ".", "mapping": {"temp": "tas"}})
    >>> study_from_dict(tomllib.loads(dump_study(cfg)), cfg.source) == cfg
    True
    """
    import tomli_w

    head = (f"# study file written by tpcarbon (config hash {cfg.config_hash()}); "
            "rerun with: tpcarbon run study.toml\n")
    return head + tomli_w.dumps({"name": cfg.name, **cfg.to_toml_dict()})


def study_from_dict(data: dict[str, Any], path: str = "<dict>") -> StudyConfig:
    """Build and validate a ``StudyConfig`` from a parsed TOML mapping."""
    top = {f.name for f in dataclasses.fields(StudyConfig)} - {"source"} | {"ensemble"}
    kwargs: dict[str, Any] = {"source": path}
    for key, value in data.items():
        if key not in top:
            raise _fail(path, key, f"unknown table or key '{key}' ({_suggest(key, top)})",
                        "remove it or correct its name (tpcarbon init-study prints every key)")
        if key == "name":
            kwargs["name"] = str(value)
            continue
        if key == "ensemble":  # read and checked by tpcarbon.ensemble.config (tpcarbon ensemble STUDY.toml)
            continue
        cls = _SECTIONS[key]
        if not isinstance(value, dict):
            raise _fail(path, key, f"'{key}' must be a table", f"write [{key}] and its keys below it")
        kwargs[key] = cls(**_section(path, key, value))
    cfg = StudyConfig(**kwargs)
    _validate(cfg, path)
    return cfg


def load_study(path: str | os.PathLike) -> StudyConfig:
    """Read a study TOML file.

    Raises
    ------
    ConfigError
        Missing file, TOML syntax error, unknown key, wrong type or impossible value.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(path, "study file not found", "give the path of a study TOML (tpcarbon init-study writes one)")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML ({exc})", "fix the syntax at the position given") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "not a text file", "give a TOML study file") from None
    return study_from_dict(data, str(path))


EXAMPLE_STUDY = '''# tpcarbon study file: every key with its default. Delete what you do not change.
# Run it with: tpcarbon run study.toml   (the run folder gets a copy of the study as it was run)
name = "tibetan-plateau-nep"        # a label for titles and logs (results do not depend on it)

[region]
bbox = [26.0, 40.0, 73.0, 105.0]   # south, north, west, east (degrees); the default is the Tibetan Plateau
resolution = 1.0                   # degrees: 1, 0.5, 0.25 or 0.1 (0.1 = CMFD's own grid; ~100x the cost of 1)
mask = "default"                   # "default" (elevation >= 2500 m, connected, north of the Himalaya crest),
                                   # or a NetCDF mask / GeoJSON / CSV polygon file
pft = "default"                    # "default" (rule-based map) or a CLM surfdata_*.nc / PFT-fraction NetCDF
soil = "default"                   # "default" (rule-based texture) or a NetCDF with PCT_SAND, PCT_CLAY

[forcing]
source = "default"                 # "default": embedded synthetic weather (no download)
                                   # "cmfd": a folder of CMFD NetCDF files; "cf": CF-NetCDF glob or Zarr store
path = ""                          # the CMFD folder (with Temp/ SHum/ ... or flat), or the CF files / store
seed = 1979                        # weather-generator seed (default source only)
cache = true                       # convert the forcing once into a Zarr cache tuned for the run (faster reruns)
# mapping = {temp = "tas", prec = "pr"}   # source = "cf" only: canonical name = the variable in your files
                                   # (also shum = "huss", pres = "ps", wind = "sfcWind", srad = "rsds", lrad = "rlds")

[years]
historical = [1979, 2018]          # control run S1 and the held runs S2-S4; also the climatology period
future = [2019, 2100]              # SSP runs continue from the end of S1 (bridge years to 2025)
analysis_future = [2025, 2100]     # the SSP years the tables and maps describe (inside future)

[spinup]
cycle_years = [1979, 1988]         # forcing years cycled during the spin-up
co2 = "first-year"                 # "first-year" or a fixed value in ppm (e.g. 284.7 pre-industrial)
ad_cycles = 0                      # cycles in accelerated-decomposition mode (not needed: exact periodic solve)
max_years = 40                     # full-model years; stop (with a message) if not in equilibrium by then
drift_threshold = 1.0              # g C m-2 yr-1 (CLM's criterion)
area_share = 0.03                  # allowed land-area share above the threshold

[experiments]
run = ["S1", "S2", "S3", "S4", "ssp126", "ssp245", "ssp370", "ssp585"]   # any subset (SSPs need S1)
hold_mode = "climatology"          # S2-S4: climatology (seasonal+diurnal cycle kept), constant, detrend
hold_lrad = false                  # S4 also holds longwave

[scenarios]
anomalies = "default"              # "default" (embedded pattern scaling) or a folder/glob of CMIP6 monthly files
historical_files = ""              # CMIP6 historical files joined before 2015 (optional)
reference_period = [2005, 2025]    # CMIP6 climatology window (CTSM: 21 years centred on 2015)
tp_amplification = 1.5             # embedded default only: plateau warming / AR6 global warming
prec_per_k = 0.04                  # embedded default only: precipitation change per K of plateau warming
warming_quantile = 0.5             # embedded default only: 0 / 0.5 / 1 = AR6 5 % / best / 95 % global warming

[model]
n_substeps = 2                     # photosynthesis sub-steps per 3-h step
paramfile = "default"              # or a CLM5 parameter file (clm5_params*.nc)
nitrogen = "coupled"               # "coupled": CLM5 nitrogen cycle; "fun-lite": carbon only, fixed N cost (faster)

[compute]
scheduler = "serial"               # "serial", "local" (Dask LocalCluster), or "tcp://host:8786"
workers = 2                        # Dask workers (scheduler = "local")
cell_chunks = 0                    # spatial chunks of cells for Dask (0: one per worker)

[output]
folder = "tpcarbon-study"          # the run folder (runs/, tables/, figures/, maps.nc, report.html, tpcarbon.log)
monthly = false                    # monthly output files: not written yet (true is refused)
checkpoint_years = 5               # save a checkpoint every N simulated years (a rerun resumes from it)
zarr = false                       # also write runs/<exp>/annual.zarr beside annual.nc

# [ensemble]                       # used by `tpcarbon ensemble STUDY.toml` only (ignored by `tpcarbon run`)
# members = 64                     # sampled members; member_000 (default parameters) is run in addition
# method = "lhs"                   # "lhs" (Latin hypercube) or "sobol" (scrambled Sobol' sequence)
# seed = 2025
# spread = ["parameters", "scenario"]   # parameter spread, scenario spread, or both (kept separable)
# scheduler = "local"              # "serial", "local" (Dask LocalCluster) or "tcp://host:8786"
# workers = 2
# retries = 1                      # a failed member is retried this many times, then reported
# scenario_models = ""             # folder of CMIP6 files of several models: one scenario member per model
# [ensemble.parameters]            # omit for the default list (tpcarbon.ensemble.parameters)
# leafcn = "default"               # a parameter of the default list with its default range
# q10_mr = {mode = "absolute", range = [1.25, 3.0]}
# slatop = {mode = "scale", range = [0.85, 1.15], log = false}
# [ensemble.scenario]              # ranges of the embedded pattern scaling (tp_climate_facts.md)
# tp_amplification = [1.3, 2.0]
# prec_per_k = [0.005, 0.08]
# warming_quantile = [0.0, 1.0]
'''
