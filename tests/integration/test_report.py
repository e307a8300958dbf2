"""The run-level analysis and the HTML report on synthetic annual runs with known trends."""

import numpy as np
import pytest

from tpcarbon.analysis.study import RunData, analyze
from tpcarbon.report.html import build_report

YEARS = np.arange(1979, 2019)


def _run(trend_nep, seed, years=YEARS, synthetic=True):
    rng = np.random.default_rng(seed)
    ny, nlat, nlon = years.size, 4, 5
    lat, lon = np.arange(30.5, 34.5), np.arange(88.5, 93.5)
    t = (years - years.mean())[:, None, None]
    temp = 270 + 0.04 * t + rng.normal(0, 0.3, (ny, nlat, nlon))
    prec = 400 + 3 * t + rng.normal(0, 20, (ny, nlat, nlon))
    fsds = 200 + rng.normal(0, 3, (ny, nlat, nlon))
    nep = 20 + trend_nep * t + 5 * (temp - 270) + rng.normal(0, 0.5, (ny, nlat, nlon))
    nep[:, 0, 0] = -10 + rng.normal(0, 0.1, ny)    # a source cell
    nep[:, 3, 4] = 80 + rng.normal(0, 0.1, ny)     # a strong sink
    npp = 200 + nep
    area = np.full((nlat, nlon), 1e10)
    area[0, 1] = np.nan
    vals = {"NEP": nep, "NPP": npp, "GPP": 2 * npp, "HR": npp - nep, "TBOT": temp, "PRECIP": prec, "FSDS": fsds}
    for v in vals.values():
        v[:, 0, 1] = np.nan
    attrs = {"forcing_source": "SYNTHETIC weather" if synthetic else "CMFD"}
    return RunData(years, vals, area, lat, lon, attrs)


@pytest.fixture(scope="module")
def results():
    runs = {"S1": _run(0.2, 1), "S2": _run(0.5, 2), "S3": _run(-0.1, 3), "S4": _run(0.2, 4),
            "ssp245": _run(0.3, 5, years=np.arange(2019, 2101))}
    return analyze(runs, historical=(1979, 2018), future=(2025, 2100))


def test_tables_present_and_consistent(results):
    t = results.tables
    for name in ("regional_annual", "trends", "decadal_S1", "sink_source_S1", "attribution", "dominant_driver",
                 "future_summary", "future_periods"):
        assert name in t and len(t[name])
    assert t["sink_source_S1"]["area_share"].sum() == pytest.approx(1.0)
    # 18 valid cells: one source, one strong sink
    shares = dict(zip(t["sink_source_S1"]["class"], t["sink_source_S1"]["area_share"], strict=True))
    assert shares["source"] == pytest.approx(1 / 19, rel=0.05)
    assert t["dominant_driver"]["area_share_largest_abs_r"].iloc[:3].sum() == pytest.approx(1.0)


def test_attribution_uses_methods_formula(results):
    a = results.tables["attribution"]
    a = a[a.variable == "NEP"].set_index("factor")
    tr = results.tables["trends"]
    s1 = float(tr[(tr.experiment == "S1") & (tr.variable == "NEP")]["slope_per_yr"].iloc[0])
    s2 = float(tr[(tr.experiment == "S2") & (tr.variable == "NEP")]["slope_per_yr"].iloc[0])
    assert a.loc["temperature", "contribution"] == pytest.approx(s1 - s2, rel=1e-9)
    assert any("68 %" in n for n in results.notes)


def test_temperature_dominates_where_nep_follows_temperature(results):
    dom = results.maps["dominant_driver"]
    ok = np.isfinite(dom)
    assert np.mean(dom[ok] == 0) > 0.7   # code 0 = temperature


def test_report_is_self_contained_and_flags_generated_weather(results, tmp_path):
    path = build_report(tmp_path, results=results)
    html = path.read_text()
    assert "GENERATED WEATHER" in html
    assert "data:image/png;base64," in html and 'src="figures/' not in html
    assert (tmp_path / "tables" / "attribution.csv").exists()
    assert (tmp_path / "figures" / "fig05_sink_source.png").exists()


def _browser_available() -> bool:
    import importlib.util
    import shutil
    return shutil.which("chromium") is not None and importlib.util.find_spec("playwright") is not None


@pytest.mark.skipif(not _browser_available(), reason="needs Debian chromium and the playwright package "
                    "(scripts/check_report_render.py); not on CI machines")
def test_report_renders_in_headless_chromium_with_every_image_loaded(results, tmp_path):
    import importlib.util
    import shutil
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "check_report_render", Path(__file__).parents[2] / "scripts" / "check_report_render.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = build_report(tmp_path, results=results)
    info = mod.check(path, tmp_path / "shot.png", shutil.which("chromium"))
    assert info["images"] >= 5 and info["loaded"] == info["images"], info["broken"]
    assert "GENERATED WEATHER" in info["banner"].upper() or any("GENERATED" in h.upper() for h in info["headings"])
    assert (tmp_path / "shot.png").stat().st_size > 10_000


def test_every_csv_column_is_in_the_data_dictionary(tmp_path):
    """docs/outputs.md describes every column of every table the report writes, and every map of maps.nc."""
    import re
    from pathlib import Path

    import pandas as pd
    import xarray as xr

    from tpcarbon.testing.runs import write_synthetic_run

    doc = (Path(__file__).parents[2] / "docs" / "outputs.md").read_text()
    sections = dict(re.findall(r"## `tables/(\w+)\.csv`.*?\n(.*?)(?=\n## |\Z)", doc, re.S))
    folder = write_synthetic_run(tmp_path / "run")
    build_report(folder)
    for csv in sorted((folder / "tables").glob("*.csv")):
        assert csv.stem in sections, f"docs/outputs.md has no section for tables/{csv.name}"
        documented = set(re.findall(r"`([^`]+)`", sections[csv.stem]))
        for col in pd.read_csv(csv, nrows=1).columns:
            base = re.sub(r" \[.*\]$", "", col)
            assert base in documented, f"tables/{csv.name}: column {col!r} is not in docs/outputs.md"
    maps = xr.open_dataset(folder / "maps.nc")
    for name in maps.data_vars:
        generic = re.sub(r"_\d{4}_\d{4}$", "_<first>_<last>", re.sub(r"ssp\d{3}", "<ssp>", name))
        assert f"`{generic}`" in doc, f"maps.nc variable {name} ({generic}) is not in docs/outputs.md"
        assert maps[name].attrs.get("long_name"), name


def test_compared_maps_share_one_colour_scale():
    import numpy as np

    from tpcarbon.plot.figures import robust_limit

    fields = [np.array([1.0, -45.0]), np.array([70.0, 5.0]), np.array([-270.0, 3.0])]
    lim = robust_limit(fields)
    assert lim < 270 and lim > 70      # one extreme pixel does not set the scale of every panel
