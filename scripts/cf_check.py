"""Check tpcarbon outputs with the CF checker (cfchecker, NCAS), offline, against the shipped CF tables.

    python scripts/cf_check.py RUNDIR/runs/*/annual.nc [RUNDIR/maps.nc]

The CF standard-name table (v83, gzipped), the area-type table (v13) and the standardized region list
(v5) are read from ``tests/data/cf/`` (see its PROVENANCE.md), so no network is needed. cfchecker 4.1
knows the rules up to CF-1.8 and reports a file that says ``Conventions = "CF-1.10"`` as not CF at all
(its 2.6.1 check compares the attribute with the versions it knows). So each file is checked as a
temporary copy whose ``Conventions`` attribute alone reads ``CF-1.8``: every other byte is the file's, and
it is checked against the CF-1.8 rules, the newest the checker has (CF-1.9 and 1.10 add no rule that
tpcarbon's files touch). Prints every ERROR/WARN message and one summary line per file; exits 1 if any file has a
FATAL or ERROR. Needs the UDUNITS-2 library (Debian: ``apt-get install libudunits2-0``).
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import tempfile
from pathlib import Path

TABLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "cf"


def tables(folder: Path) -> dict[str, str]:
    """Unpack the shipped CF tables into ``folder``; return the checker's keyword arguments."""
    names = folder / "cf-standard-name-table.xml"
    with gzip.open(TABLES / "cf-standard-name-table-v83.xml.gz", "rb") as src, open(names, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return {"cfStandardNamesXML": str(names), "cfAreaTypesXML": str(TABLES / "area-type-table.xml"),
            "cfRegionNamesXML": str(TABLES / "standardized-region-list-v5.xml")}


def _as_cf18(path: Path) -> None:
    import netCDF4

    with netCDF4.Dataset(path, "a") as nc:
        if str(getattr(nc, "Conventions", "")).startswith("CF-1.1"):
            nc.Conventions = "CF-1.8"


def check(paths: list[str | Path], silent: bool = True) -> dict[str, dict[str, int | list[str]]]:
    """Run cfchecker (CF-1.8 rules) on ``paths``; return ``{file: {FATAL, ERROR, WARN, INFO, messages}}``."""
    from cfchecker.cfchecks import CFChecker, CFVersion

    out: dict[str, dict[str, int | list[str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        kw = tables(Path(tmp))
        for p in paths:
            copy = Path(tmp) / Path(p).name
            shutil.copyfile(p, copy)
            _as_cf18(copy)
            inst = CFChecker(version=CFVersion((1, 8)), silent=silent, **kw)
            res = inst.checker(str(copy))
            counts = inst.get_counts(res) if hasattr(inst, "get_counts") else {}
            msgs: list[str] = []
            for scope in ("global", "variables"):
                block = res.get(scope, {})
                items = [("global", block)] if scope == "global" else list(block.items())
                for name, r in items:
                    for level in ("FATAL", "ERROR", "WARN"):
                        msgs += [f"{level} {name}: {m}" for m in r.get(level, [])]
            out[str(p)] = {k: int(counts.get(k, 0)) for k in ("FATAL", "ERROR", "WARN", "INFO")} | {"messages": msgs}
    return out


def main() -> None:
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    results = check(sys.argv[1:])
    bad = 0
    for path, r in results.items():
        for m in r["messages"]:
            print(f"  {m}")
        print(json.dumps({"file": path, **{k: v for k, v in r.items() if k != "messages"}}))
        bad += int(r["FATAL"]) + int(r["ERROR"])
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
