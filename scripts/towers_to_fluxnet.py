"""Rewrite staged tower files in other layouts as FLUXNET2015-style HH CSVs that ``tpcarbon site`` reads.

    python scripts/towers_to_fluxnet.py plumber2 MET.nc FLUX.nc OUT_FOLDER
    python scripts/towers_to_fluxnet.py svartberget METEO.csv EC.csv OUT_FOLDER

Only names and units change; no value is filled or altered (missing -> -9999). The output file is
``FLX_<SITE>_FLUXNET2015_FULLSET_HH_<y0>-<y1>_converted.csv``; never commit it (the data keep their
own licences, see the provenance of the input files).

* **PLUMBER2** (Ukkola et al. 2022, ESSD 14, 449; FluxnetLSM): ``time`` = seconds since the first
  ``TIMESTAMP_START`` (the stamp is the start of the interval, local standard time as in FLUXNET2015),
  Tair [K], Qair [kg kg-1], Psurf [Pa], Wind, SWdown, LWdown, Precip [kg m-2 s-1], CO2air; fluxes NEE,
  GPP, Resp [µmol m-2 s-1], Qle, Qh [W m-2] with ``*_qc`` (0 measured, 1-3 gap-fill quality) copied to
  ``NEE_VUT_REF_QC``, ``LE_F_MDS_QC``, ``H_F_MDS_QC``.
* **Svartberget** (pyAPES ``Svartberget_meteo_2019.csv`` + ``Svartberget_EC_2019.csv``, ``;``-separated,
  ``year;month;day;hour;minute``, "UTC + 1.0" = local standard time): the stamp is taken as the **end**
  of the interval (the first row, 00:00 of 1 January, is empty in the EC file and filled in the meteo
  file, as an end stamp would be). Forcing from the meteo file (Tair, RH, P [hPa], Rg, LWin, U, Prec
  [mm per 30 min], CO2); fluxes are the gap-filled columns (NEE_gapfilled, GPP_gapfilled, Reco,
  LE_gapfilled, SH_gapfilled), without a quality flag.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

MISSING = -9999.0


def _write(df: pd.DataFrame, site: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = pd.to_datetime(df["TIMESTAMP_START" if "TIMESTAMP_START" in df else "TIMESTAMP_END"],
                           format="%Y%m%d%H%M")
    years = f"{stamp.dt.year.min()}-{stamp.dt.year.max()}"
    path = out / f"FLX_{site}_FLUXNET2015_FULLSET_HH_{years}_converted.csv"
    df.fillna(MISSING).to_csv(path, index=False, float_format="%.5g")
    return path


def plumber2(met: str, flux: str, out: str) -> Path:
    import xarray as xr

    m = xr.open_dataset(met)
    f = xr.open_dataset(flux)
    t = pd.DatetimeIndex(m["time"].values)
    n = min(m.sizes["time"], f.sizes["time"])
    dt = float((t[1] - t[0]).total_seconds())

    def v(ds, name):
        return ds[name].values.reshape(ds.sizes["time"], -1)[:n, 0].astype(np.float64) if name in ds else None

    ta = v(m, "Tair") - 273.15
    q, p = v(m, "Qair"), v(m, "Psurf")
    e_hpa = q * p / (0.622 + 0.378 * q) / 100.0
    es = 6.1094 * np.exp(17.625 * ta / (ta + 243.04))
    cols = {"TIMESTAMP_START": t[:n].strftime("%Y%m%d%H%M"),
            "TIMESTAMP_END": (t[:n] + pd.Timedelta(seconds=dt)).strftime("%Y%m%d%H%M"),
            "TA_F": ta, "VPD_F": np.maximum(es - e_hpa, 0.0), "PA_F": p / 1000.0, "WS_F": v(m, "Wind"),
            "SW_IN_F": v(m, "SWdown"), "LW_IN_F": v(m, "LWdown"), "P_F": v(m, "Precip") * dt}
    if "CO2air" in m:
        cols["CO2_F_MDS"] = v(m, "CO2air")
    for src, dst in (("NEE", "NEE_VUT_REF"), ("GPP", "GPP_NT_VUT_REF"), ("Resp", "RECO_NT_VUT_REF"),
                     ("Qle", "LE_F_MDS"), ("Qh", "H_F_MDS")):
        cols[dst] = v(f, src)
    for src, dst in (("NEE_qc", "NEE_VUT_REF_QC"), ("Qle_qc", "LE_F_MDS_QC"), ("Qh_qc", "H_F_MDS_QC")):
        if src in f:
            cols[dst] = v(f, src)
    site = f.attrs.get("site_code") or Path(flux).name.split("_")[0]
    return _write(pd.DataFrame(cols), site, Path(out))


def svartberget(meteo: str, ec: str, out: str) -> Path:
    m = pd.read_csv(meteo, sep=";")
    e = pd.read_csv(ec, sep=";")
    key = ["year", "month", "day", "hour", "minute"]
    both = m.merge(e, on=key, how="left", suffixes=("", "_ec"))
    end = pd.to_datetime(both[key])
    cols = {"TIMESTAMP_END": end.dt.strftime("%Y%m%d%H%M"), "TA_F": both["Tair"], "RH": both["RH"],
            "PA_F": both["P"] / 10.0, "WS_F": both["U"], "SW_IN_F": both["Rg"], "LW_IN_F": both["LWin"],
            "P_F": both["Prec"], "CO2_F_MDS": both["CO2"], "NEE_VUT_REF": both["NEE_gapfilled"],
            "GPP_NT_VUT_REF": both["GPP_gapfilled"], "RECO_NT_VUT_REF": both["Reco"],
            "LE_F_MDS": both["LE_gapfilled"], "H_F_MDS": both["SH_gapfilled"]}
    return _write(pd.DataFrame(cols), "SE-Svb", Path(out))


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    print({"plumber2": plumber2, "svartberget": svartberget}[kind](*args))
