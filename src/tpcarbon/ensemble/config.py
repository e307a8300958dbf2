"""The ``[ensemble]`` table of a study file, loaded into a frozen :class:`EnsembleConfig`.

The rest of the file is the ordinary study (:func:`tpcarbon.experiments.study.study_from_dict`, which
skips ``[ensemble]``), so ``tpcarbon run STUDY.toml`` runs the plain study and ``tpcarbon ensemble
STUDY.toml`` the ensemble of it. Keys (``tpcarbon init-study`` lists them, commented)::

    [ensemble]
    members = 64                 # sampled members; member_000 (default parameters) runs in addition
    method = "lhs"               # "lhs" or "sobol"
    seed = 2025
    spread = ["parameters", "scenario"]
    scheduler = "local"          # "serial", "local" or "tcp://host:port"
    workers = 2
    retries = 1
    scenario_models = ""         # CMIP6 files of several models: one scenario member per model
    [ensemble.parameters]        # omit for the default list
    leafcn = "default"
    q10_mr = {mode = "absolute", range = [1.25, 3.0]}
    [ensemble.scenario]          # ranges of the pattern-scaling inputs
    tp_amplification = [1.3, 2.0]

Every error is one line naming the file, the key and the fix.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
from pathlib import Path
from typing import Any

from tpcarbon.ensemble.parameters import DEFAULT_PARAMETERS, EXCLUDED, MODES, ParameterSpec, spec_by_name
from tpcarbon.ensemble.sampling import METHODS
from tpcarbon.ensemble.scenario import DEFAULT_SCENARIO_DIMS, ScenarioDim
from tpcarbon.errors import ConfigError
from tpcarbon.experiments.study import StudyConfig, study_from_dict

SPREADS = ("parameters", "scenario")


@dataclasses.dataclass(frozen=True)
class EnsembleConfig:
    """An ensemble of a study (frozen)."""

    members: int = 64
    method: str = "lhs"
    seed: int = 2025
    spread: tuple[str, ...] = SPREADS
    reference: bool = True
    scheduler: str = "local"
    workers: int = 2
    retries: int = 1
    scenario_models: str = ""
    parameters: tuple[ParameterSpec, ...] = DEFAULT_PARAMETERS
    scenario: tuple[ScenarioDim, ...] = DEFAULT_SCENARIO_DIMS
    source: str = "<defaults>"

    @property
    def sampled_parameters(self) -> tuple[ParameterSpec, ...]:
        """The parameters actually sampled (none without parameter spread)."""
        return self.parameters if "parameters" in self.spread else ()

    @property
    def sampled_scenario(self) -> tuple[ScenarioDim, ...]:
        """The pattern-scaling inputs actually sampled (none without scenario spread or with CMIP6 models)."""
        return self.scenario if "scenario" in self.spread and not self.scenario_models else ()

    def with_changes(self, **changes: Any) -> EnsembleConfig:
        """A validated copy with some keys replaced (command-line overrides)."""
        cfg = dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})
        _validate(cfg, cfg.source)
        return cfg


_SIMPLE = {
    "members": int,
    "method": str,
    "seed": int,
    "reference": bool,
    "scheduler": str,
    "workers": int,
    "retries": int,
    "scenario_models": str,
}


def _fail(path: str, key: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(path, problem, fix, variable=key)


def _suggest(word: str, choices) -> str:
    hits = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{hits[0]}'?" if hits else f"valid: {', '.join(sorted(choices))}"


def _range(path: str, key: str, value: Any) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value)
    ):
        raise _fail(
            path, key, f"expected [low, high], got {value!r}", "write range = [low, high] (two numbers)"
        )
    lo, hi = float(value[0]), float(value[1])
    if not lo < hi:
        raise _fail(path, key, f"[{lo}, {hi}] is not an increasing range", "give [low, high] with low < high")
    return lo, hi


def _parameter(path: str, name: str, value: Any) -> ParameterSpec:
    key = f"ensemble.parameters.{name}"
    defaults = spec_by_name(DEFAULT_PARAMETERS)
    if name in EXCLUDED:
        raise _fail(
            path, key, f"'{name}' cannot be perturbed yet ({EXCLUDED[name]})", "remove it from the list"
        )
    base = defaults.get(name)
    if value == "default" or value == {}:
        if base is None:
            raise _fail(
                path,
                key,
                f"'{name}' has no default range ({_suggest(name, defaults)})",
                'give {mode = "scale" | "absolute", range = [low, high]}',
            )
        return base
    if not isinstance(value, dict):
        raise _fail(
            path,
            key,
            f'expected "default" or a table, got {value!r}',
            'write e.g. q10_mr = {mode = "absolute", range = [1.25, 3.0]}',
        )
    unknown = set(value) - {"mode", "range", "log", "source"}
    if unknown:
        k = sorted(unknown)[0]
        raise _fail(
            path,
            f"{key}.{k}",
            f"unknown key '{k}' ({_suggest(k, ['mode', 'range', 'log', 'source'])})",
            "use mode, range, log, source",
        )
    mode = value.get("mode", base.mode if base is not None and base.mode != "pft_table" else None)
    if mode not in ("scale", "absolute"):
        raise _fail(
            path,
            f"{key}.mode",
            f'mode must be "scale" or "absolute", got {mode!r}',
            f'set mode = "scale" (factor on the default) or "absolute" ({", ".join(MODES)} exist; '
            "pft_table only through the default list)",
        )
    if "range" not in value:
        raise _fail(path, f"{key}.range", "a range is required", "write range = [low, high]")
    lo, hi = _range(path, f"{key}.range", value["range"])
    log = value.get("log", False)
    if not isinstance(log, bool):
        raise _fail(path, f"{key}.log", f"expected true or false, got {log!r}", "write log = true or false")
    units = base.units if base is not None else ""
    return ParameterSpec(
        name,
        mode,
        lo,
        hi,
        log=log,
        units=units,
        source=str(value.get("source", f"{path} (user)")),
        note="range given in the study file",
    ).validate(path)


def _validate(cfg: EnsembleConfig, path: str) -> None:
    if cfg.members < 1:
        raise _fail(path, "ensemble.members", f"{cfg.members} members", "use at least 1 (default 64)")
    if cfg.method not in METHODS:
        raise _fail(
            path,
            "ensemble.method",
            f"unknown method '{cfg.method}' ({_suggest(cfg.method, METHODS)})",
            'use "lhs" or "sobol"',
        )
    if not cfg.spread or any(s not in SPREADS for s in cfg.spread):
        raise _fail(
            path,
            "ensemble.spread",
            f"{list(cfg.spread)} is not a subset of {list(SPREADS)}",
            'write spread = ["parameters"], ["scenario"] or both',
        )
    if "parameters" in cfg.spread and not cfg.parameters:
        raise _fail(
            path, "ensemble.parameters", "parameter spread with no parameter", "list at least one parameter"
        )
    sch = cfg.scheduler
    if sch not in ("serial", "local") and not sch.startswith(("tcp://", "tls://", "ucx://")):
        raise _fail(
            path,
            "ensemble.scheduler",
            f"unknown scheduler '{sch}'",
            "use serial, local, or a scheduler address like tcp://host:8786",
        )
    if cfg.workers < 1:
        raise _fail(path, "ensemble.workers", "must be at least 1", "use e.g. 2")
    if cfg.retries < 0:
        raise _fail(path, "ensemble.retries", "must be 0 or more", "use 1 (retry a failed member once)")
    if cfg.scenario_models and "scenario" not in cfg.spread:
        raise _fail(
            path,
            "ensemble.scenario_models",
            "CMIP6 models given without scenario spread",
            'add "scenario" to spread or remove scenario_models',
        )
    if cfg.scenario_models and not (
        Path(cfg.scenario_models).exists() or any(c in cfg.scenario_models for c in "*?[")
    ):
        raise _fail(
            path,
            "ensemble.scenario_models",
            f"not found: {cfg.scenario_models}",
            "give a folder or glob of CMIP6 files of several models",
        )
    names = [p.name for p in cfg.parameters]
    if len(set(names)) != len(names):
        raise _fail(path, "ensemble.parameters", "a parameter is listed twice", "list each parameter once")


def ensemble_from_dict(data: dict[str, Any] | None, path: str = "<dict>") -> EnsembleConfig:
    """Build and validate an :class:`EnsembleConfig` from the parsed ``[ensemble]`` table (or None)."""
    data = dict(data or {})
    kwargs: dict[str, Any] = {"source": path}
    for key, value in data.items():
        k = f"ensemble.{key}"
        if key in _SIMPLE:
            typ = _SIMPLE[key]
            ok = isinstance(value, typ) and not (typ is int and isinstance(value, bool))
            if not ok:
                raise _fail(
                    path,
                    k,
                    f"expected {typ.__name__}, got {value!r}",
                    {
                        "int": "write a whole number",
                        "str": "write a quoted string",
                        "bool": "write true or false",
                    }[typ.__name__],
                )
            kwargs[key] = value
        elif key == "spread":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _fail(
                    path, k, f"expected a list of names, got {value!r}", 'write spread = ["parameters"]'
                )
            kwargs["spread"] = tuple(value)
        elif key == "parameters":
            if not isinstance(value, dict) or not value:
                raise _fail(
                    path,
                    k,
                    'expected a table of parameter = "default" | {mode, range}',
                    "write [ensemble.parameters] and one line per parameter, or omit it for the defaults",
                )
            kwargs["parameters"] = tuple(_parameter(path, n, v) for n, v in value.items())
        elif key == "scenario":
            if not isinstance(value, dict):
                raise _fail(path, k, "expected a table", "write [ensemble.scenario] with name = [low, high]")
            dims = {d.name: d for d in DEFAULT_SCENARIO_DIMS}
            out = []
            for n, v in value.items():
                if n not in dims:
                    raise _fail(
                        path,
                        f"{k}.{n}",
                        f"unknown scenario input '{n}' ({_suggest(n, dims)})",
                        f"use {', '.join(dims)}",
                    )
                lo, hi = _range(path, f"{k}.{n}", v)
                out.append(dataclasses.replace(dims[n], low=lo, high=hi, source=f"{path} (user)"))
            given = {d.name for d in out}
            kwargs["scenario"] = tuple(out) + tuple(d for d in DEFAULT_SCENARIO_DIMS if d.name not in given)
        else:
            raise _fail(
                path,
                k,
                f"unknown key '{key}' ({_suggest(key, [*_SIMPLE, 'spread', 'parameters', 'scenario'])})",
                "remove it or correct its name (tpcarbon init-study lists every key)",
            )
    cfg = EnsembleConfig(**kwargs)
    _validate(cfg, path)
    return cfg


def load_ensemble_config(path: str | os.PathLike) -> tuple[StudyConfig, EnsembleConfig]:
    """Read a study file with an ``[ensemble]`` table: the study and its ensemble settings.

    A file without ``[ensemble]`` gives the default ensemble of the study.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(
            path, "study file not found", "give the path of a study TOML (tpcarbon init-study writes one)"
        )
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML ({exc})", "fix the syntax at the position given") from None
    study = study_from_dict(data, str(path))
    return study, ensemble_from_dict(data.get("ensemble"), str(path))
