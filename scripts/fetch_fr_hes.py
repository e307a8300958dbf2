"""Fetch the FR-Hes 2016 half-hourly tower file from the hesseflux 5.0 source archive on PyPI (MIT licence).

    python scripts/fetch_fr_hes.py [DEST_FOLDER]      # default: data-cache/

Uses `pip download` (the package registry is the only network this needs), then extracts
``example/FR-Hes_europe-fluxdata_2016.txt``. Not committed to the repository.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MEMBER = "example/FR-Hes_europe-fluxdata_2016.txt"


def main(dest: str = "data-cache") -> Path:
    out = Path(dest)
    out.mkdir(parents=True, exist_ok=True)
    target = out / Path(MEMBER).name
    if target.exists():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "hesseflux==5.0", "-d", tmp], check=True)
        sdist = next(Path(tmp).glob("hesseflux-5.0*.tar.gz"))
        with tarfile.open(sdist) as tar:
            m = next(x for x in tar.getmembers() if x.name.endswith(MEMBER))
            with tar.extractfile(m) as src:
                target.write_bytes(src.read())
    print(f"wrote {target}")
    return target


if __name__ == "__main__":
    main(*sys.argv[1:])
