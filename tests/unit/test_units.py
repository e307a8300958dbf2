"""io/units.py: the one units layer of the readers gives the factors the four old tables had."""

import numpy as np
import pytest

from tpcarbon.errors import InputError
from tpcarbon.io.units import conversion, convert, same_units

H = 1.0 / 3600.0


@pytest.mark.parametrize("units,canonical,expected", [
    # CMFD / CF forcing spellings
    ("K", "K", (1.0, 0.0)), ("kelvin", "K", (1.0, 0.0)), ("degC", "K", (1.0, 273.15)), ("C", "K", (1.0, 273.15)),
    ("celsius", "K", (1.0, 273.15)), ("degrees_Celsius", "K", (1.0, 273.15)), ("°C", "K", (1.0, 273.15)),
    ("kg kg-1", "kg kg-1", (1.0, 0.0)), ("kg/kg", "kg kg-1", (1.0, 0.0)), ("1", "kg kg-1", (1.0, 0.0)),
    ("g kg-1", "kg kg-1", (1e-3, 0.0)), ("g/kg", "kg kg-1", (1e-3, 0.0)),
    ("Pa", "Pa", (1.0, 0.0)), ("hPa", "Pa", (100.0, 0.0)), ("kPa", "Pa", (1000.0, 0.0)), ("mbar", "Pa", (100.0, 0.0)),
    ("m s-1", "m s-1", (1.0, 0.0)), ("m/s", "m s-1", (1.0, 0.0)),
    ("W m-2", "W m-2", (1.0, 0.0)), ("W/m2", "W m-2", (1.0, 0.0)), ("W/m^2", "W m-2", (1.0, 0.0)),
    ("W m**-2", "W m-2", (1.0, 0.0)),
    ("mm hr-1", "kg m-2 s-1", (H, 0.0)), ("mm/hr", "kg m-2 s-1", (H, 0.0)), ("mm h-1", "kg m-2 s-1", (H, 0.0)),
    ("mm/h", "kg m-2 s-1", (H, 0.0)), ("kg m-2 h-1", "kg m-2 s-1", (H, 0.0)),
    ("kg m-2 s-1", "kg m-2 s-1", (1.0, 0.0)), ("mm s-1", "kg m-2 s-1", (1.0, 0.0)), ("mm/s", "kg m-2 s-1", (1.0, 0.0)),
    ("kg/m2/s", "kg m-2 s-1", (1.0, 0.0)), ("mmH2O/s", "kg m-2 s-1", (1.0, 0.0)),
    # CLM history / CMIP land spellings
    ("gC/m^2/s", "g m-2 s-1", (1.0, 0.0)), ("g/m2/s", "g m-2 s-1", (1.0, 0.0)),
    ("kgC m-2 s-1", "g m-2 s-1", (1000.0, 0.0)), ("kg m-2 s-1", "g m-2 s-1", (1000.0, 0.0)),
    ("gC/m^2", "g m-2", (1.0, 0.0)), ("kg m-2", "g m-2", (1000.0, 0.0)),
    ("m2/m2", "1", (1.0, 0.0)), ("unitless", "1", (1.0, 0.0)), ("none", "1", (1.0, 0.0)), ("%", "1", (0.01, 0.0)),
    ("km^2", "m2", (1e6, 0.0)), ("km2", "m2", (1e6, 0.0)),
])
def test_factors_are_exact(units, canonical, expected):
    assert conversion(units, canonical) == expected


@pytest.mark.parametrize("units", ["furlongs", "m", "mol/m2/yr", None])
def test_unknown_or_incompatible_units_name_file_and_variable(units):
    with pytest.raises(InputError) as ei:
        conversion(units, "K", "f.nc", "tas")
    msg = str(ei.value)
    assert msg.startswith("f.nc: tas: ") and "Fix:" in msg


def test_convert_and_same_units():
    np.testing.assert_array_equal(convert([0.0, 10.0], "degC", "K"), [273.15, 283.15])
    assert same_units("kg/kg", "1") and same_units("mm s-1", "kg m-2 s-1") and not same_units("degC", "K")
