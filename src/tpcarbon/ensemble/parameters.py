r"""The perturbed parameters: default list with ranges and sources, ``perturb_params``, the file writer.

A :class:`ParameterSpec` names a CLM parameter of the parameter file (``PftParams`` or
``ScalarParams`` field) and how one design value :math:`u \in [0, 1)` sets it:

* ``"scale"`` - a factor :math:`f \in [a, b]` multiplies the default of every vegetated PFT (PFT 1-14;
  bare soil is left alone) or the scalar: :math:`p = f\,p_0`;
* ``"absolute"`` - the value itself, :math:`p \in [a, b]`, for the scalar or every vegetated PFT;
* ``"pft_table"`` - one quantile for all PFTs, each PFT with its own range: :math:`p_k = a_k + u (b_k - a_k)`
  (``relative``: :math:`a_k, b_k` are factors on the default :math:`p_{0,k}`). This is how the CLM5 PPE
  perturbs PFT-varying parameters "in tandem".

``log = true`` samples :math:`\log p` (or :math:`\log f`) uniformly (ranges over orders of magnitude).

Ranges: the CLM5.1 parameter perturbation ensemble of Kennedy et al. (2025, JAMES,
doi:10.1029/2024MS004715), whose per-PFT table is ``pyth/pft_ranges.csv`` of its code repository
``djk2120/oaat_clm5_ppe`` (commit 2c61b34): columns ``clm51_default, surv_min, surv_max`` (the "survivable"
ranges after the PPE's own screening), used here. Where tpcarbon's CLM5.0 default differs from the PPE's
CLM5.1 default, the PPE's *relative* range is applied to the CLM5.0 value; every departure is named in the
spec's ``note``. The PPE's one-at-a-time design used only the two ends of each range; the uniform (or
log-uniform) distribution inside the range is tpcarbon's choice.

Not sampled (module constants of the LUNA kernel, :mod:`tpcarbon.physics.luna`, not parameters):
``jmaxb0`` and ``jmaxb1`` (:data:`EXCLUDED`). TODO(issue 18): pass ``LUNA_JMAXB0``/``LUNA_JMAXB1`` to the
LUNA kernel as arguments (a field of ``ScalarParams``) so they can be perturbed; PPE ranges 0.02055-0.05 and
0.05-0.25.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from tpcarbon.ensemble.sampling import scale_unit
from tpcarbon.errors import ConfigError
from tpcarbon.params.pft import NPFT, PFT_NAMES, Params, PftParams, ScalarParams

#: Where the default ranges come from.
PPE_SOURCE = (
    "Kennedy et al. 2025 (JAMES, doi:10.1029/2024MS004715), CLM5.1 PPE survivable range "
    "(djk2120/oaat_clm5_ppe pyth/pft_ranges.csv @2c61b34)"
)

#: ``PftParams`` fields tpcarbon derives instead of reading (they cannot be written to a parameter file).
DERIVED_FIELDS = ("rootbeta_water", "rootbeta_carbon", "shrub", "fun_kappa")

#: Fields the loader rounds through float32 (they are float32 literals in CLM's file); mirrored here so that a
#: perturbed ``Params`` equals what :func:`tpcarbon.params.pft.load_params` reads back from the written file.
LOADER_FLOAT32_FIELDS = ("medlynslope", "slatop", "leaf_long")

MODES = ("scale", "absolute", "pft_table")

#: The PPE's PFT abbreviations in CLM order (PFT 1-14).
PPE_PFTS = (
    "NEMT",
    "NEBT",
    "NDBT",
    "BETT",
    "BEMT",
    "BDTT",
    "BDMT",
    "BDBT",
    "BES",
    "BDMS",
    "BDBS",
    "C3AG",
    "C3G",
    "C4G",
)


@dataclasses.dataclass(frozen=True)
class ParameterSpec:
    """How one parameter is perturbed (module docstring).

    Attributes
    ----------
    name : str
        CLM name (a ``PftParams`` or ``ScalarParams`` field read from the parameter file).
    mode : {"scale", "absolute", "pft_table"}
    low, high : float
        Range of the factor (``scale``) or the value (``absolute``); unused for ``pft_table``.
    table : tuple of (int, float, float)
        ``pft_table`` only: (PFT index, low, high) per perturbed PFT.
    relative : bool
        ``pft_table`` only: the table holds factors on the default.
    log : bool
        Sample log-uniformly.
    units : str
        Units of the value (factors are dimensionless).
    source : str
        Where the range comes from.
    note : str
        Departures from the source, choices.
    """

    name: str
    mode: str
    low: float = math.nan
    high: float = math.nan
    table: tuple[tuple[int, float, float], ...] = ()
    relative: bool = False
    log: bool = False
    units: str = ""
    source: str = ""
    note: str = ""

    @property
    def kind(self) -> str:
        """``"pft"`` (per-PFT array) or ``"scalar"``."""
        return "pft" if self.name in PftParams._fields else "scalar"

    def validate(self, where: str = "<ensemble>") -> ParameterSpec:
        """Check the spec; raise a one-line ``ConfigError`` naming the key and the fix."""
        key = f"ensemble.parameters.{self.name}"
        if self.name not in PftParams._fields and self.name not in ScalarParams._fields:
            hint = " (a LUNA module constant; not yet a parameter)" if self.name in EXCLUDED else ""
            raise ConfigError(
                where,
                f"'{self.name}' is not a parameter of the model{hint}",
                "use a CLM parameter-file name (tpcarbon.params.pft PftParams / ScalarParams)",
                variable=key,
            )
        if self.name in DERIVED_FIELDS:
            raise ConfigError(
                where,
                f"'{self.name}' is derived by tpcarbon, not read from the parameter file",
                "perturb a parameter of the file instead",
                variable=key,
            )
        if self.mode not in MODES:
            raise ConfigError(
                where, f"unknown mode '{self.mode}'", f"use one of {', '.join(MODES)}", variable=key
            )
        if self.mode == "pft_table":
            if self.kind != "pft" or not self.table:
                raise ConfigError(
                    where,
                    "mode 'pft_table' needs a per-PFT parameter and a table",
                    'use mode = "scale" or "absolute" with range = [low, high]',
                    variable=key,
                )
            bounds = [(lo, hi) for _, lo, hi in self.table]
        else:
            bounds = [(self.low, self.high)]
        for lo, hi in bounds:
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ConfigError(
                    where,
                    f"invalid range [{lo}, {hi}]",
                    "give range = [low, high] with low < high",
                    variable=key,
                )
            if self.log and lo <= 0:
                raise ConfigError(
                    where,
                    f"log = true needs a positive range, got [{lo}, {hi}]",
                    "use positive bounds or log = false",
                    variable=key,
                )
            if self.mode == "scale" and lo <= 0:
                raise ConfigError(
                    where,
                    f"a scale factor must be positive, got [{lo}, {hi}]",
                    "give factors > 0 (1 = the default)",
                    variable=key,
                )
        return self

    def sampled_value(self, u: float) -> float:
        """The sampled quantity for design value ``u``: factor, value, or (``pft_table``) ``u`` itself."""
        if self.mode == "pft_table":
            return float(u)
        return float(scale_unit(np.asarray(u), self.low, self.high, self.log))

    def apply(self, default: np.ndarray | float, x: float) -> np.ndarray | float:
        """The perturbed parameter from its default and the sampled quantity ``x`` (:meth:`sampled_value`)."""
        if self.kind == "scalar":
            if self.mode == "scale":
                return float(default) * x
            return float(x)
        base = np.asarray(default, dtype=np.float64)
        out = base.copy()
        if self.mode == "scale":
            out[1:] = base[1:] * x
        elif self.mode == "absolute":
            out[1:] = x
        else:
            for k, lo, hi in self.table:
                v = float(scale_unit(np.asarray(x), lo, hi, self.log))
                out[k] = base[k] * v if self.relative else v
        return out

    def range_text(self) -> str:
        """The range as a short human-readable string (for tables)."""
        if self.mode == "pft_table":
            what = "x default" if self.relative else (self.units or "")
            parts = [f"{PPE_PFTS[k - 1]} {lo:.4g}-{hi:.4g}" for k, lo, hi in self.table]
            return f"per PFT ({what}): " + "; ".join(parts)
        if self.mode == "scale":
            return f"x {self.low:.4g} - {self.high:.4g} of the default"
        return f"{self.low:.4g} - {self.high:.4g} {self.units}".strip()


def _table(
    rows: Mapping[str, tuple[float, float, float]], relative: bool
) -> tuple[tuple[int, float, float], ...]:
    """(PFT, low, high) from PPE rows ``abbrev -> (default, min, max)`` (relative: divided by the default)."""
    out = []
    for abbrev, (d, lo, hi) in rows.items():
        k = PPE_PFTS.index(abbrev) + 1
        out.append((k, lo / d, hi / d) if relative else (k, lo, hi))
    return tuple(out)


#: PPE (CLM5.1) default, surv_min, surv_max of medlynslope [umol H2O / umol CO2], PFT 1-14.
_PPE_MEDLYNSLOPE = {
    "NEMT": (2.35, 1.53, 4.14),
    "NEBT": (2.35, 1.53, 4.14),
    "NDBT": (2.35, 1.53, 4.14),
    "BETT": (4.12, 2.91, 9.11),
    "BEMT": (4.12, 1.70, 9.11),
    "BDTT": (4.45, 2.05, 7.07),
    "BDMT": (4.45, 2.05, 7.07),
    "BDBT": (4.45, 2.05, 7.07),
    "BES": (4.70, 2.80, 5.95),
    "BDMS": (4.70, 2.80, 5.95),
    "BDBS": (4.70, 0.91, 5.95),
    # C3AG: the PPE gives 3.78-8.54 (the C3-grass range), which excludes the default 2.22; tpcarbon applies
    # C3-grass relative range (x 0.720 - 1.627) to 2.22 instead (see the spec's note)
    "C3AG": (2.22, 2.22 * 3.78 / 5.25, 2.22 * 8.54 / 5.25),
    "C3G": (5.25, 3.78, 8.54),
    "C4G": (1.62, 0.65, 3.93),
}
#: PPE (CLM5.1) default, surv_min, surv_max of slatop [m2 g-1 C], PFT 1-14 (applied relatively: CLM5.1 changed
#: several defaults, e.g. C3 arctic grass 0.021 against CLM5.0's 0.04024).
_PPE_SLATOP = {
    "NEMT": (0.01, 0.0073, 0.0127),
    "NEBT": (0.01, 0.0073, 0.0127),
    "NDBT": (0.02018, 0.0177, 0.0226),
    "BETT": (0.019, 0.0158, 0.022),
    "BEMT": (0.019, 0.0158, 0.022),
    "BDTT": (0.0308, 0.0278, 0.0336),
    "BDMT": (0.0308, 0.0278, 0.0336),
    "BDBT": (0.0308, 0.0278, 0.0336),
    "BES": (0.01798, 0.0147, 0.0212),
    "BDMS": (0.0307, 0.0277, 0.0337),
    "BDBS": (0.028, 0.0248, 0.0312),
    "C3AG": (0.021, 0.0178, 0.0242),
    "C3G": (0.0402, 0.0371, 0.0434),
    "C4G": (0.03846, 0.0351, 0.0418),
}

_FUN_NOTE = (
    "PPE: x 0.1 - 10 of each PFT's default (every PFT; tpcarbon's CLM5.0 defaults equal CLM5.1's); "
    "log-uniform is tpcarbon's choice"
)

#: The default list: the parameters the CLM5 PPE found most influential on GPP, NPP and HR (those this
#: model has).
DEFAULT_PARAMETERS: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        "medlynslope",
        "pft_table",
        table=_table(_PPE_MEDLYNSLOPE, relative=False),
        units="umol H2O umol-1 CO2",
        source=PPE_SOURCE,
        note="C3 arctic grass (the plateau's main PFT): the PPE range 3.78-8.54 excludes its default 2.22; "
        "tpcarbon uses the C3-grass relative range (x 0.72-1.63), 1.60-3.61",
    ),
    ParameterSpec(
        "medlynintercept",
        "absolute",
        1.0,
        50000.0,
        log=True,
        units="umol H2O m-2 s-1",
        source=PPE_SOURCE,
        note="same for every PFT (as the PPE); log-uniform (geometric centre 224)",
    ),
    ParameterSpec(
        "slatop",
        "pft_table",
        table=_table(_PPE_SLATOP, relative=True),
        relative=True,
        units="m2 g-1 C",
        source=PPE_SOURCE,
        note="the PPE's per-PFT range relative to its CLM5.1 default, applied to the CLM5.0 default",
    ),
    ParameterSpec(
        "leafcn",
        "scale",
        0.7,
        1.3,
        units="g C g-1 N",
        source=PPE_SOURCE,
        note="PPE: +-30 % of each PFT's default",
    ),
    ParameterSpec(
        "froot_leaf",
        "scale",
        0.8,
        1.2,
        units="g C g-1 C",
        source=PPE_SOURCE,
        note="PPE: +-20 % of each PFT's default",
    ),
    ParameterSpec(
        "br_mr",
        "scale",
        0.8,
        1.2,
        units="g C g-1 N s-1",
        source=PPE_SOURCE,
        note="PPE: 2.02e-6 - 3.03e-6 around 2.525e-6",
    ),
    ParameterSpec(
        "q10_mr",
        "absolute",
        1.25,
        3.0,
        units="1",
        source=PPE_SOURCE,
        note="Q10 of maintenance respiration and of decomposition (CLM5 uses q10_mr for both)",
    ),
    ParameterSpec(
        "tau_s1",
        "scale",
        0.5,
        2.0,
        log=True,
        units="yr",
        source=PPE_SOURCE,
        note="PPE: 0.0685-0.274 yr around 0.137 (x 0.5-2); log-uniform",
    ),
    ParameterSpec(
        "tau_s2",
        "scale",
        0.5,
        2.0,
        log=True,
        units="yr",
        source=PPE_SOURCE,
        note="PPE: 2.5-10 yr around 5 (x 0.5-2); log-uniform",
    ),
    ParameterSpec(
        "tau_s3",
        "scale",
        0.5,
        2.0,
        log=True,
        units="yr",
        source=PPE_SOURCE,
        note="PPE: 111-444 yr around 222 (x 0.5-2); log-uniform",
    ),
    ParameterSpec(
        "decomp_depth_efolding",
        "absolute",
        1.0,
        100.0,
        log=True,
        units="m",
        source="tpcarbon choice",
        note="the CLM5.1 PPE held it at 10 m; tpcarbon samples 1-100 m log-uniformly (centred in log on "
        "the CLM5 default 10 m; CLM4.5 used 0.5 m, Koven et al. 2013)",
    ),
    ParameterSpec(
        "minpsi_hr",
        "absolute",
        -10.0,
        -1.0,
        units="MPa",
        source=PPE_SOURCE,
        note="PPE: -10 to -1 MPa around -2",
    ),
    # FUN cost constants: k_c (over root C) and k_n (over mineral N) of the three uptake pathways
    *(ParameterSpec(name, "scale", 0.1, 10.0, log=True, units=units, source=PPE_SOURCE, note=_FUN_NOTE)
      for name, units in (("kc_nonmyc", "g C m-3"), ("kn_nonmyc", "g C m-2"), ("akc_active", "g C m-3"),
                          ("akn_active", "g C m-2"), ("ekc_active", "g C m-3"), ("ekn_active", "g C m-2"))),
)

#: Influential PPE parameters this model cannot perturb yet, with their PPE range and the reason.
EXCLUDED: dict[str, str] = {
    "jmaxb0": "PPE 0.02055-0.05; LUNA module constant LUNA_JMAXB0 compiled into physics/luna.py (TODO: make "
    "it a kernel argument)",
    "jmaxb1": "PPE 0.05-0.25; LUNA module constant LUNA_JMAXB1 compiled into physics/luna.py (TODO: make "
    "it a kernel argument)",
}


def spec_by_name(specs: Sequence[ParameterSpec] = DEFAULT_PARAMETERS) -> dict[str, ParameterSpec]:
    """The specs keyed by parameter name."""
    return {s.name: s for s in specs}


def _float32_repr(values: np.ndarray) -> np.ndarray:
    """As the loader: each value through its shortest float32 representation (CLM's float32 literals)."""
    return np.array([float(np.format_float_positional(np.float32(v), unique=True)) for v in values])


def perturb_params(
    params: Params, sample: Mapping[str, float], specs: Sequence[ParameterSpec] = DEFAULT_PARAMETERS
) -> Params:
    """New parameters with the sampled perturbations applied; ``params`` and the loader's cache are untouched.

    Parameters
    ----------
    params : Params
        The unperturbed parameters (e.g. :func:`tpcarbon.params.pft.load_params`).
    sample : mapping of str to float
        Parameter name -> sampled quantity (:meth:`ParameterSpec.sampled_value`: the factor for ``scale``,
        the value for ``absolute``, the quantile for ``pft_table``). Names not in ``sample`` keep their value.
    specs : sequence of ParameterSpec
        How each parameter is perturbed.

    Returns
    -------
    Params
        A new (immutable: read-only arrays) ``Params``; ``source`` names the perturbation.

    Examples
    --------
    >>> from tpcarbon.params.pft import load_params
    >>> p = load_params()
    >>> q = perturb_params(p, {"q10_mr": 2.0, "leafcn": 1.1})
    >>> q.scalar.q10_mr, round(float(q.pft.leafcn[12] / p.pft.leafcn[12]), 6), p.scalar.q10_mr
    (2.0, 1.1, 1.5)
    """
    by_name = spec_by_name(specs)
    pft_changes: dict[str, np.ndarray] = {}
    scalar_changes: dict[str, float] = {}
    for name, x in sample.items():
        if name not in by_name:
            raise ConfigError(
                None,
                f"no perturbation rule for '{name}'",
                "add a ParameterSpec for it",
                variable=f"ensemble.parameters.{name}",
            )
        spec = by_name[name]
        if spec.kind == "pft":
            new = np.asarray(spec.apply(getattr(params.pft, name), float(x)), dtype=np.float64)
            if name in LOADER_FLOAT32_FIELDS:
                new = _float32_repr(new)
            new.flags.writeable = False
            pft_changes[name] = new
        else:
            scalar_changes[name] = float(spec.apply(getattr(params.scalar, name), float(x)))
    text = ", ".join(f"{k}={float(v):.6g}" for k, v in sorted(sample.items()))
    return Params(
        pft=params.pft._replace(**pft_changes),
        scalar=params.scalar._replace(**scalar_changes),
        source=f"{params.source} perturbed ({text})" if sample else params.source,
    )


def params_digest(params: Params) -> str:
    """SHA-256 (first 12 hex) of every parameter value: names a parameter file by its content."""
    h = hashlib.sha256()
    for name in PftParams._fields:
        h.update(name.encode())
        h.update(np.ascontiguousarray(getattr(params.pft, name), dtype=np.float64).tobytes())
    h.update(json.dumps(params.scalar._asdict(), sort_keys=True).encode())
    return h.hexdigest()[:12]


def write_paramfile(
    params: Params, path: str | os.PathLike, template: str | os.PathLike | None = None
) -> Path:
    """Write ``params`` as a CLM5 parameter file (netCDF-3): a copy of ``template`` with the values replaced.

    Only the first :data:`~tpcarbon.params.pft.NPFT` entries of per-PFT variables (the natural PFTs
    tpcarbon simulates) and the scalars are rewritten; crops and every other variable stay as in the
    template. Written atomically. :func:`tpcarbon.params.pft.load_params` of the result equals ``params``.

    Parameters
    ----------
    params : Params
        Parameters to write (derived fields must equal the template's).
    path : path
        The new file.
    template : path, optional
        The file to copy; default the bundled ``clm5_params.c171117.nc``.
    """
    from scipy.io import netcdf_file

    from tpcarbon.params.pft import _default_paramfile

    template = Path(template) if template is not None else _default_paramfile()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with (
        netcdf_file(template, "r", mmap=False) as src,
        netcdf_file(tmp, "w", version=src.version_byte) as dst,
    ):
        for k, v in src._attributes.items():
            setattr(dst, k, v)
        old = src._attributes.get("history", b"")
        old = old.decode(errors="replace") if isinstance(old, bytes) else str(old)
        dst.history = f"{old}\ntpcarbon ensemble: {params.source}".strip()
        for name, size in src.dimensions.items():
            dst.createDimension(name, size)
        for name, var in src.variables.items():
            data = np.array(var.data)
            if name in PftParams._fields and name not in DERIVED_FIELDS:
                data = data.astype(np.float64)
                data[:NPFT] = np.asarray(getattr(params.pft, name), dtype=np.float64)
            elif name in ScalarParams._fields:
                data = np.full(data.shape, float(getattr(params.scalar, name)), dtype=np.float64)
            out = dst.createVariable(name, data.dtype if data.dtype.kind != "S" else "c", var.dimensions)
            for k, v in var._attributes.items():
                setattr(out, k, v)
            if data.ndim:
                out[:] = data
            else:
                out.data[...] = data
    os.replace(tmp, path)
    return path


def applied_table(
    params: Params, specs: Sequence[ParameterSpec] = DEFAULT_PARAMETERS, pfts: Sequence[int] = (2, 11, 12)
) -> dict[str, float]:
    """The values a member runs with, for a few PFTs (default: the plateau's NET boreal, shrub, arctic grass).

    Returns ``{"<name>" : value}`` for scalars and ``{"<name>[<pft name>]": value}`` per PFT.
    """
    out: dict[str, float] = {}
    for s in specs:
        if s.kind == "scalar":
            out[s.name] = float(getattr(params.scalar, s.name))
        else:
            arr = getattr(params.pft, s.name)
            for k in pfts:
                out[f"{s.name}[{PFT_NAMES[k]}]"] = float(arr[k])
    return out
