"""Leave-one-out check of the default climatology against the bundled station normals (issue 13).

Usage: ``python scripts/station_loo.py [RES] [--markdown]`` (RES in degrees, default 0.1). Prints one row per
located station (monthly temperature RMSE [K] lapse-adjusted to the station's elevation; relative error of
annual precipitation moved to the station's elevation with the fitted elevation term, with the published
+4.25 % per 100 m, and unadjusted; leave-one-out, background-only and in-sample) and the share of stations
meeting the criteria (RMSE <= 1.5 K, |error| <= 25 %), for all stations and on the plateau only, for each
precipitation reading. Exit code 1 when a share of the criterion's reading (all stations) is below 80 %.
"""

import sys

from tpcarbon.forcing.station_check import P_REL_MAX, SHARE_MIN, T_RMSE_MAX, criteria, leave_one_out

READINGS = {"p_rel_err": "fitted elevation term", "p_rel_err_published": "published +4.25 %/100 m",
            "p_rel_err_cell": "cell value, unadjusted"}


def main(argv: list[str]) -> int:
    res = float(next((a for a in argv if not a.startswith("--")), 0.1))
    table = leave_one_out(res)
    cols = ["station", "region", "elev_m", "cell_elev_m", "n_months", "t_rmse_K", "t_rmse_K_background",
            "t_rmse_K_insample", "p_obs_mm", "p_cell_mm", "p_gen_mm", "p_rel_err", "p_rel_err_published",
            "p_rel_err_cell", "p_rel_err_background", "p_rel_err_insample"]
    if "--markdown" in argv:
        print(table[cols].round(2).to_markdown(index=False))
    else:
        print(table[cols].round(2).to_string(index=False))
    on = table[~table.region.str.startswith("around")]
    c = criteria(table)
    print(f"\nresolution {res}°: temperature RMSE <= {T_RMSE_MAX} K at {c['share_t_rmse_ok']:.0%} of "
          f"{c['n_temperature']} stations (plateau only: {criteria(on)['share_t_rmse_ok']:.0%} of "
          f"{criteria(on)['n_temperature']})")
    for col, label in READINGS.items():
        a, b = criteria(table, col), criteria(on, col)
        print(f"annual precipitation within {P_REL_MAX:.0%} ({label}): {a['share_p_ok']:.0%} of "
              f"{a['n_precipitation']} (plateau only: {b['share_p_ok']:.0%} of {b['n_precipitation']})")
    for region, g in table.groupby(table.region.str.split(" [(:]", regex=True).str[0]):
        r = criteria(g)
        print(f"  {region}: T {int((g.t_rmse_K <= T_RMSE_MAX).sum())}/{r['n_temperature']}, "
              f"P {int((g.p_rel_err.abs() <= P_REL_MAX).sum())}/{r['n_precipitation']}")
    return 0 if min(c["share_t_rmse_ok"], c["share_p_ok"]) >= SHARE_MIN else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
