"""Monthly means 2004-2020 of plateau stations from the CLIMAT reports archived by DWD (issue 13 provenance).

Input: DWD's raw CLIMAT monthly files ``CLIMAT_RAW_YYYYMM.txt`` (semicolon-separated, section 1 of the FM 71
CLIMAT report; layout in DWD's ``readme_RAW_CLIMATs_dt.txt``), one file per month, all reporting stations of
the world. A mirror of these files (2003-03 .. 2021-07) is the public GitHub repository
``tacitvenom/climate-analysis`` (commit af6f92e57e6a37a360f5e3b67453c03517738241,
``raw_data/opendata.dwd.de/``). The files are not shipped with tpcarbon; this script documents exactly how the
``S_CLIMAT`` rows of ``src/tpcarbon/data/tp_station_normals.csv`` were computed from them.

Rules (see PROVENANCE.md, ``S_CLIMAT``):

* years 2004-2020 (the complete years of the archive); per calendar month the mean over the years in which
  the element is reported, after dropping a month whose report gives more than 5 missing days for that element
  (CLIMAT group 8 / 9 of section 1); a calendar month is kept when at least 12 of the 17 years remain;
* precipitation code 9999 (trace) counts as 0 mm; temperatures carry the CLIMAT sign indicator;
* gross-error screen (the raw reports are not quality-controlled; e.g. precipitation codes 3270-3274 mm with
  one rain day in several Chinese reports of 2015-12 .. 2016-06): per station, element and calendar month, a
  value is dropped when it departs from the median of all its years by more than 8 K (temperatures), 150 h
  (sunshine) or exceeds max(5 x median, median + 150 mm) (precipitation);
* annual value (month 13): the mean (temperature) or sum (precipitation, sunshine) of the 12 monthly means,
  only when all 12 are kept.

Usage: ``python scripts/derive_climat_normals.py DIR_WITH_CLIMAT_RAW_FILES WMO [WMO ...] > rows.csv``
(prints ``wmo,variable,month,value,n_years``).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

YEARS = range(2004, 2021)
MIN_YEARS = 12
MAX_MISSING_DAYS = 5
# field index in a CLIMAT_RAW line (DWD layout, section 1) -> (variable, sign index, value index, missing index)
FIELDS = {"tmean": (8, 9, 27), "tmax": (12, 13, 28), "tmin": (14, 15, 29)}
PREC, SUN, MISS_P, MISS_S = 19, 23, 32, 33


def _num(s: str) -> float | None:
    s = s.strip()
    return float(s) if s and s.lstrip("-").isdigit() else None


def parse(line: str) -> tuple[str, int, int, dict[str, float]]:
    f = line.rstrip("\n").split(";")
    f += [""] * (40 - len(f))
    year, month, wmo = int(f[0]), int(f[1]), f[2]
    out: dict[str, float] = {}
    for var, (i_sign, i_val, i_miss) in FIELDS.items():
        v, sign, miss = _num(f[i_val]), _num(f[i_sign]), _num(f[i_miss])
        if v is not None and sign in (0.0, 1.0) and (miss is None or miss <= MAX_MISSING_DAYS):
            out[var] = (-v if sign == 1.0 else v) / 10.0
    p, miss = _num(f[PREC]), _num(f[MISS_P])
    if p is not None and (miss is None or miss <= MAX_MISSING_DAYS):
        out["prec"] = 0.0 if p == 9999 else p
    s, miss = _num(f[SUN]), _num(f[MISS_S])
    if s is not None and (miss is None or miss <= MAX_MISSING_DAYS):
        out["sunshine"] = s
    return wmo, year, month, out


def main(argv: list[str]) -> int:
    folder, wanted = Path(argv[0]), set(argv[1:])
    vals: dict[tuple[str, str, int], dict[int, float]] = defaultdict(dict)
    for fn in sorted(folder.glob("CLIMAT_RAW_??????.txt")):
        for line in fn.open(encoding="latin-1"):
            if not line[:4].isdigit():
                continue
            wmo, year, month, out = parse(line)
            if wmo in wanted and year in YEARS:
                for var, v in out.items():
                    vals[(wmo, var, month)][year] = v
    for key, ys in vals.items():
        med = sorted(ys.values())[len(ys) // 2]
        var = key[1]
        for y, v in list(ys.items()):
            bad = (abs(v - med) > 8.0 if var.startswith("t") else abs(v - med) > 150.0 if var == "sunshine"
                   else v > max(5.0 * med, med + 150.0))
            if bad:
                print(f"# dropped {key[0]} {var} {y}-{key[2]:02d}: {v} (median {med})", file=sys.stderr)
                del ys[y]
    print("wmo,variable,month,value,n_years")
    for wmo in sorted(wanted):
        for var in ("tmean", "tmax", "tmin", "prec", "sunshine"):
            months = {}
            for m in range(1, 13):
                ys = vals.get((wmo, var, m), {})
                if len(ys) >= MIN_YEARS:
                    months[m] = (sum(ys.values()) / len(ys), len(ys))
            for m, (v, n) in months.items():
                print(f"{wmo},{var},{m},{v:.1f},{n}")
            if len(months) == 12:
                tot = [months[m][0] for m in range(1, 13)]
                ann = sum(tot) / 12 if var.startswith("t") else sum(tot)
                print(f"{wmo},{var},13,{ann:.1f},{min(n for _, n in months.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
