"""The one units layer of the readers: pint (through cf-xarray's CF/udunits registry) at the edges.

Every reader (CMFD, CF/Zarr forcing, CMIP6 anomalies, CLM5 history) asks this module how to turn
a file's ``units`` attribute into the canonical unit of a quantity, instead of keeping its own
table of spellings. A units string is parsed by pint after a few spellings that CF files use
but udunits does not define are mapped (``gC/m^2/s`` of CLM, ``mm hr-1`` of CMFD, ``unitless``);
precipitation given as a depth (``mm s-1``, ``mm hr-1``) becomes a mass flux through the density
of liquid water (1 mm of water = 1 kg m-2), as xclim's ``hydro`` context does.

Conversions are ``canonical = value * scale + offset``; :func:`conversion` returns
``(scale, offset)`` and :func:`convert` applies it. An unknown or incompatible unit is an
``InputError`` naming the file, the variable and the units that would do.

Examples
--------
>>> conversion("degC", "K")
(1.0, 273.15)
>>> conversion("mm hr-1", "kg m-2 s-1") == (1.0 / 3600.0, 0.0)
True
>>> conversion("gC/m^2/s", "g m-2 s-1")
(1.0, 0.0)
>>> conversion("kg m-2", "g m-2")
(1000.0, 0.0)
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tpcarbon.errors import InputError

#: Density of liquid water used to turn a precipitation depth into a mass [kg m-3] (1 mm = 1 kg m-2).
RHO_WATER_KG_M3 = 1000.0

#: Spellings seen in CF, CLM and CMFD files that udunits/pint do not parse as meant, lower-cased.
_ALIASES = {
    "": "1", "1": "1", "-": "1", "none": "1", "unitless": "1", "fraction": "1", "m2/m2": "1", "m2 m-2": "1",
    "kg kg-1": "1", "kg/kg": "1", "kg kg^-1": "1", "kg kg**-1": "1",
    "c": "degC", "°c": "degC", "celsius": "degC", "degc": "degC", "deg_c": "degC", "degree_c": "degC",
    "degrees_c": "degC", "degreesc": "degC", "degree_celsius": "degC", "degrees_celsius": "degC",
    "kelvin": "K", "k": "K",
}


@lru_cache(maxsize=1)
def registry():
    """The pint registry of cf-xarray (udunits names, CF formatting)."""
    import logging

    pint_log = logging.getLogger("pint.util")
    level = pint_log.level
    pint_log.setLevel(logging.ERROR)       # cf-xarray redefines a few units on purpose; not the user's concern
    try:
        from cf_xarray.units import units as ureg
    finally:
        pint_log.setLevel(level)
    return ureg


def _normalise(units: str) -> str:
    u = " ".join(str(units).strip().split())
    low = u.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    # carbon and water qualifiers of CLM/CMIP spellings: gC/m^2/s, kgC m-2, mmH2O/s
    u = re.sub(r"(?<![A-Za-z])(k?g)C(?![a-z])", r"\1", u)
    u = re.sub(r"(?<![A-Za-z])mmH2O(?![A-Za-z])", "mm", u, flags=re.IGNORECASE)
    u = u.replace("**", "").replace("^", "")
    u = re.sub(r"(?<![A-Za-z])hr(?![a-z])", "h", u)
    return u


@lru_cache(maxsize=512)
def _parse(units: str):
    ureg = registry()
    return ureg.Unit(_normalise(units))


def parse_ok(units: str) -> bool:
    """Whether ``units`` is a unit the layer understands."""
    try:
        _parse(units)
    except Exception:  # noqa: BLE001 - pint raises several kinds
        return False
    return True


@lru_cache(maxsize=512)
def _conversion(units: str, canonical: str) -> tuple[float, float]:
    ureg = registry()
    src, dst = _parse(units), _parse(canonical)
    one, zero = ureg.Quantity(1.0, src), ureg.Quantity(0.0, src)
    if src.dimensionality != dst.dimensionality:
        depth_rate = ureg.Quantity(RHO_WATER_KG_M3, "kg m-3")
        if (one * depth_rate).dimensionality == dst.dimensionality:   # precipitation as a depth
            return float((one * depth_rate).to(dst).magnitude), 0.0
        raise ValueError(f"{units!r} is not convertible to {canonical!r}")
    offset = float(zero.to(dst).magnitude)
    if offset != 0.0:                                                  # degC <-> K
        scale = float(one.to(dst).magnitude) - offset
        return (1.0 if abs(scale - 1.0) < 1e-12 else scale), offset
    return float(one.to(dst).magnitude), 0.0


def conversion(units: str | None, canonical: str, path: str | os.PathLike | None = None,
               variable: str | None = None) -> tuple[float, float]:
    """``(scale, offset)`` with ``canonical = value * scale + offset`` for values in ``units``.

    Raises
    ------
    InputError
        Naming ``path`` and ``variable``: missing, unknown or incompatible units.
    """
    if units is None:
        raise InputError(path, "no units attribute", f"set units = \"{canonical}\" (or any unit convertible "
                         "to it)", variable=variable)
    try:
        return _conversion(str(units), canonical)
    except Exception:  # noqa: BLE001 - unknown to pint, or of another dimension
        raise InputError(path, f"unknown units '{units}'", f"give units convertible to '{canonical}' "
                         "(udunits spelling, e.g. K, degC, Pa, hPa, kg m-2 s-1, mm hr-1, W m-2)",
                         variable=variable) from None


def convert(values: ArrayLike, units: str | None, canonical: str, path: str | os.PathLike | None = None,
            variable: str | None = None) -> NDArray[np.float64]:
    """``values`` [``units``] in ``canonical`` units (float64)."""
    scale, offset = conversion(units, canonical, path, variable)
    v = np.asarray(values, dtype=np.float64)
    return v * scale + offset if (scale, offset) != (1.0, 0.0) else v


def same_units(units: str | None, canonical: str) -> bool:
    """Whether values in ``units`` need no conversion to ``canonical`` (factor 1, no offset; ``mm s-1`` is
    ``kg m-2 s-1`` of water)."""
    if units is None:
        return False
    try:
        return _conversion(str(units), canonical) == (1.0, 0.0)
    except Exception:  # noqa: BLE001
        return False


__all__ = ["RHO_WATER_KG_M3", "conversion", "convert", "parse_ok", "registry", "same_units"]
