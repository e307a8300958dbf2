"""Scenario spread: the published uncertainty of the embedded SSP pattern scaling, or one member per model.

The embedded default anomalies (:func:`tpcarbon.experiments.scenarios.default_anomalies`) rest on three
numbers that the literature gives with a range (``shared/reference/tp_climate_facts.md``):

* ``warming_quantile`` - where global warming sits in the AR6 very likely range (SPM Table SPM.1, §1):
  0 the 5 % bound, 0.5 the best estimate, 1 the 95 % bound, for each SSP and period;
* ``tp_amplification`` - plateau / global warming ratio: 1.5, "plausible 1.3-2.0" (§3, derived);
* ``prec_per_k`` - plateau precipitation change per K of plateau warming: 4 %/K (§4, CMIP6 multi-model
  mean). The range 0.5-8 %/K is derived here from the CMIP5 RCP4.5 model range of Hu, Jiang & Fan (2015):
  late-century change +1.4 to +21.3 % over their +2.1 to +3.1 K (centre 2.7 K) of warming.

They are sampled as extra columns of the same design as the parameters but enter only the
``[scenarios]`` keys of the member studies, so the historical experiments (S1-S4) carry parameter spread
only and the two kinds of spread stay separable (their sensitivity indices are reported apart). With CMIP6
files of several models (``[ensemble] scenario_models``), the members instead cycle through the models,
one model per member (:func:`cmip6_models`).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from tpcarbon.errors import InputError


@dataclasses.dataclass(frozen=True)
class ScenarioDim:
    """One sampled input of the pattern scaling (a ``[scenarios]`` key of the member studies)."""

    name: str
    low: float
    high: float
    units: str
    source: str
    note: str = ""

    def range_text(self) -> str:
        """The range as text."""
        return f"{self.low:g} - {self.high:g} {self.units}".strip()


#: Default ranges of the pattern-scaling inputs (module docstring).
DEFAULT_SCENARIO_DIMS: tuple[ScenarioDim, ...] = (
    ScenarioDim(
        "warming_quantile",
        0.0,
        1.0,
        "quantile",
        "IPCC AR6 WGI SPM Table SPM.1 very likely ranges (tp_climate_facts.md §1)",
        "0 = 5 % bound, 0.5 = best estimate, 1 = 95 % bound; sampled uniformly, so the tails weigh "
        "more than in AR6's distribution",
    ),
    ScenarioDim(
        "tp_amplification",
        1.3,
        2.0,
        "K K-1",
        "tp_climate_facts.md §3: 1.5, plausible 1.3-2.0 (derived from CMIP6 22-model TP means / AR6)",
    ),
    ScenarioDim(
        "prec_per_k",
        0.005,
        0.08,
        "K-1",
        "derived from Hu, Jiang & Fan 2015 (CMIP5 RCP4.5 model range +1.4 to +21.3 % at ~2.7 K), "
        "tp_climate_facts.md §4; default 0.04",
    ),
)


def cmip6_models(paths: str | os.PathLike) -> dict[str, list[Path]]:
    """CMIP6 files grouped by model (``source_id`` global attribute, else the DRS file-name field).

    Parameters
    ----------
    paths : path
        A folder, file or glob of CMIP6 ``Amon`` files of one or several models.

    Returns
    -------
    dict of str to list of Path
        Model name -> its files, models sorted by name.
    """
    import xarray as xr

    from tpcarbon.io.cmip6 import _drs_field, _expand_paths

    files = _expand_paths(paths)
    groups: dict[str, list[Path]] = {}
    for f in files:
        model = None
        try:
            with xr.open_dataset(f, decode_times=False) as ds:
                model = ds.attrs.get("source_id")
        except (OSError, ValueError) as exc:
            raise InputError(f, f"cannot be read ({exc})", "give CMIP6 NetCDF files") from None
        model = model or _drs_field(f, 2)
        if not model:
            raise InputError(
                f,
                "no source_id attribute and no CMIP6 file name (var_Amon_MODEL_...)",
                "give CMOR-conforming CMIP6 files",
                variable="source_id",
            )
        groups.setdefault(str(model), []).append(f)
    if not groups:
        raise InputError(
            paths,
            "no CMIP6 files found",
            "give a folder or glob of CMIP6 NetCDF files",
            variable="ensemble.scenario_models",
        )
    return {k: sorted(groups[k]) for k in sorted(groups)}


def link_model_files(files: list[Path], folder: Path) -> Path:
    """A folder of (links to) one model's files: what a member's ``[scenarios] anomalies`` names."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        link = folder / f.name
        if link.is_symlink() or link.exists():
            if link.resolve() == f.resolve():
                continue
            link.unlink()
        link.symlink_to(f.resolve())
    return folder
