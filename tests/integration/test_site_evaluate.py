"""``tpcarbon site`` outputs and ``tpcarbon evaluate`` over a TOML file of sites (CliRunner)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from tpcarbon.cli import main
from tpcarbon.errors import ConfigError
from tpcarbon.experiments import site as site_mod


def cli(args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_year(path: Path, year: int = 2015, lat: float = 46.8) -> Path:
    """A one-year FLUXNET2015-style HH file with TIMESTAMP_START only, no WS_F and no LW_IN_F."""
    n = 365 * 48
    t0 = pd.Timestamp(f"{year}-01-01 00:00") + pd.to_timedelta(np.arange(n) * 1800, unit="s")
    hour = (np.arange(n) % 48 + 0.5) / 2.0
    doy = np.arange(n) // 48
    season = np.sin(2 * np.pi * (doy - 110) / 365)
    sw = np.maximum(0.0, 700 * np.sin(np.pi * (hour - 6) / 12)) * (0.7 + 0.3 * season)
    ta = 6 + 10 * season + 4 * np.sin(2 * np.pi * (hour - 9) / 24)
    gpp = np.where(sw > 0, 0.02 * sw * np.clip(season + 0.3, 0, None), 0.0)
    reco = 1.5 * 2 ** ((ta - 10) / 10)
    df = pd.DataFrame({"TIMESTAMP_START": t0.strftime("%Y%m%d%H%M"), "TA_F": ta, "VPD_F": 4.0, "PA_F": 85.0,
                       "SW_IN_F": sw, "P_F": np.where(np.arange(n) % 97 == 0, 2.0, 0.0),
                       "NEE_VUT_REF": reco - gpp, "GPP_NT_VUT_REF": gpp, "RECO_NT_VUT_REF": reco,
                       "LE_F_MDS": 0.1 * sw + 5, "H_F_MDS": 0.2 * sw - 10})
    df.iloc[5000:5100, df.columns.get_loc("NEE_VUT_REF")] = -9999  # 15-17 April: 40, 48, 12 of 48 missing
    df.to_csv(path, index=False, float_format="%.4f")
    return path


def test_sites_file_refusals(tmp_path):
    tower = write_year(tmp_path / "FLX_XX-Syn_FLUXNET2015_FULLSET_HH_2015-2015_1-4.csv")
    cases = [
        ("[[site]]\nfile = 'nope.csv'\nlat = 1.0\nlon = 2.0\npft = 'c4_grass'\n", "site[0].file: tower file"),
        (f"[[site]]\nfile = '{tower.name}'\nlat = 1.0\npft = 'c4_grass'\n", "site[0].lon: missing"),
        (f"[[site]]\nfile = '{tower.name}'\nlat = 1.0\nlon = 2.0\npft = 'c4_grass'\nspinup = 3\n",
         "site[0].spinup: unknown key. Fix: did you mean 'spinup_years'?"),
        (f"[[site]]\nfile = '{tower.name}'\nlat = '1'\nlon = 2.0\npft = 'c4_grass'\n",
         "site[0].lat: must be a float"),
        (f"[[site]]\nfile = '{tower.name}'\nlat = 1.0\nlon = 2.0\npft = 'c4_grass'\nyears = [2016, 2015]\n",
         "site[0].years: [2016, 2015] is not a year range"),
        ("name = 'x'\n", "name: unknown top-level key"),
        ("", "site: no [[site]] table"),
    ]
    for text, fragment in cases:
        p = tmp_path / "sites.toml"
        p.write_text(text)
        with pytest.raises(ConfigError) as exc:
            site_mod.load_sites(p)
        msg = str(exc.value)
        assert fragment in msg and "sites.toml" in msg and "Fix:" in msg and "\n" not in msg, msg
    res = cli(["evaluate", tmp_path / "missing.toml", "--out", tmp_path / "o"])
    assert res.exit_code == 2 and res.stderr.startswith("error: ") and "sites file not found" in res.stderr


def test_evaluate_orchestration(tmp_path, monkeypatch):
    """run_evaluate: one folder per site, the tables gathered with the site name (run_site replaced)."""
    tower = write_year(tmp_path / "FLX_XX-Syn_FLUXNET2015_FULLSET_HH_2015-2015_1-4.csv")
    (tmp_path / "sites.toml").write_text(
        f"[[site]]\nname = 'A'\nfile = '{tower.name}'\nlat = 46.8\nlon = 9.8\npft = 'c3_arctic_grass'\n"
        f"[[site]]\nname = 'B'\nfile = '{tower}'\nlat = 46.8\nlon = 9.8\n"
        "pft = 'needleleaf_evergreen_boreal'\n"
        "years = [2015, 2015]\nspinup_years = 4\nutc_offset = 1\n")
    calls = []

    def fake_run_site(file, lat, lon, pft, years=None, spinup_years=None, out=None, progress=True, log=print,
                      utc_offset=None):
        calls.append((Path(file).name, pft, years, spinup_years, utc_offset))
        Path(out).mkdir(parents=True, exist_ok=True)
        row = {"site": "XX-Syn", "variable": "GPP", "aggregation": "daily", "source": "model", "r": 0.9,
               "rmse": 1.0, "bias": -0.5, "phase_shift_days": 0.0, "annual_obs": 900.0, "annual_src": 800.0,
               "overall_score": 0.7}
        pd.DataFrame([row]).to_csv(Path(out) / "skill.csv", index=False)
        return Path(out) / "daily.csv"

    monkeypatch.setattr(site_mod, "run_site", fake_run_site)
    md = site_mod.run_evaluate(tmp_path / "sites.toml", tmp_path / "out", progress=False, log=lambda s: None)
    assert calls == [(tower.name, "c3_arctic_grass", None, None, None),
                     (tower.name, "needleleaf_evergreen_boreal", (2015, 2015), 4, 1.0)]
    allt = pd.read_csv(tmp_path / "out" / "skill_all.csv")
    assert list(allt["site"]) == ["A", "B"]
    assert list(allt["pft"]) == ["c3_arctic_grass", "needleleaf_evergreen_boreal"]
    text = md.read_text()
    assert "| A | GPP | model | n/a | 0.90 | 1.00 | -0.50 |" in text and text.count("\n| B | GPP |") == 1
    assert "| B | needleleaf_evergreen_boreal | n/a | 0.90 / n/a |" in text  # the headline row


def test_site_end_to_end(tmp_path):
    """A full (short) site run through the CLI: warnings, daily/skill/annual tables, figure."""
    tower = write_year(tmp_path / "FLX_XX-Syn_FLUXNET2015_FULLSET_HH_2015-2015_1-4.csv")
    res = cli(["site", "--forcing", tower, "--lat", "46.8", "--lon", "9.8", "--pft", "c3_arctic_grass",
               "--spinup-years", "1", "--out", tmp_path / "one"])
    assert res.exit_code == 0, res.output
    assert "site: WARNING WS_F missing: wind speed set to 2 m s-1" in res.output
    assert "site: WARNING LW_IN_F missing: incoming longwave estimated by Crawford & Duchon" in res.output
    assert "site: WARNING TIMESTAMP_END missing: derived as TIMESTAMP_START + 1800 s" in res.output
    assert "site skill NEE (362 days): daily r" in res.output and "LUE+Q10: r" in res.output
    out = tmp_path / "one"
    daily = pd.read_csv(out / "daily.csv")
    assert len(daily) == 365
    for c in ("GPP", "NEE", "FSH", "EFLX_LH_TOT", "GPP_LUE", "NEE_LUEQ10", "ER_LUEQ10", "GPP_tower",
              "LE_tower", "H_tower"):
        assert c in daily.columns, c
    assert daily["NEE_tower"].isna().sum() == 3  # > 20 % of the records missing on each of the 3 days
    assert daily["ER_LUEQ10"].sum() == pytest.approx(daily["GPP_LUE"].sum(), rel=1e-3)
    sk = pd.read_csv(out / "skill.csv")
    got = set(zip(sk["variable"], sk["aggregation"], sk["source"], strict=True))
    for agg in ("daily", "monthly"):
        assert {("GPP", agg, "model"), ("GPP", agg, "LUE"), ("NEE", agg, "model"), ("NEE", agg, "LUE+Q10"),
                ("ER", agg, "LUE+Q10"), ("LE", agg, "model"), ("H", agg, "model")} <= got
    assert sk["r"].between(-1, 1).all() and sk["overall_score"].between(0, 1).all()
    assert (out / "site.png").stat().st_size > 10_000 and (out / "annual.csv").is_file()


@pytest.mark.slow
def test_evaluate_end_to_end(tmp_path):
    tower = write_year(tmp_path / "FLX_XX-Syn_FLUXNET2015_FULLSET_HH_2015-2015_1-4.csv")
    res = cli(["site", "--forcing", tower, "--lat", "46.8", "--lon", "9.8", "--pft", "c3_arctic_grass",
               "--spinup-years", "1", "--out", tmp_path / "one"])
    assert res.exit_code == 0, res.output
    sk = pd.read_csv(tmp_path / "one" / "skill.csv")
    (tmp_path / "sites.toml").write_text(
        f"[[site]]\nname = 'Syn'\nfile = '{tower.name}'\nlat = 46.8\nlon = 9.8\npft = 'c3_arctic_grass'\n"
        "spinup_years = 1\n")
    res = cli(["evaluate", tmp_path / "sites.toml", "--out", tmp_path / "ev"])
    assert res.exit_code == 0, res.output
    assert "| Syn | NEE | LUE+Q10 |" in (tmp_path / "ev" / "skill_summary.md").read_text()
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "ev" / "Syn" / "skill.csv"), sk)


def test_site_refusals_write_nothing(tmp_path):
    tower = write_year(tmp_path / "FLX_XX-Syn_FLUXNET2015_FULLSET_HH_2015-2015_1-4.csv")
    short = tmp_path / "FLX_XX-Sho_FLUXNET2015_FULLSET_HH_2015-2015_1-4.csv"
    short.write_text("".join(tower.read_text().splitlines(keepends=True)[: 1 + 48 * 3]))
    for args, fragments in (
        (["--forcing", short], ("TIMESTAMP_START: no calendar year with 300 days of records (the file has "
                                "2015-01-01T00:15 to 2015-01-03T23:45)",)),
        (["--forcing", tower, "--years", "2016-2016"], ("--years: years 2016-2016 are not inside",)),
        (["--forcing", tower, "--pft", "not_vegetated"], ("--pft: PFT 'not_vegetated' has no vegetation",)),
    ):
        out = tmp_path / "out"
        base = ["site", "--lat", "46.8", "--lon", "9.8", "--out", out]
        if "--pft" not in args:
            base += ["--pft", "c3_arctic_grass"]
        res = cli(base + args)
        assert res.exit_code == 2 and res.stderr.startswith("error: ") and "\n" not in res.stderr.strip()
        for f in fragments:
            assert f in res.stderr, res.stderr
        assert not out.exists()
