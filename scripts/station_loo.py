"""Leave-one-out check of the default climatology against the bundled station normals (issue 13).

Usage: ``python scripts/station_loo.py [RES] [--markdown]`` (RES in degrees, default 0.1). Prints one row per
located station (monthly temperature RMSE [K] lapse-adjusted to the station's elevation, relative error of
annual precipitation; leave-one-out, background-only and in-sample) and the share of stations meeting the
criteria (RMSE <= 1.5 K, |error| <= 25 %). Exit code 1 when a share is below 80 %.
"""

import sys

from tpcarbon.forcing.station_check import SHARE_MIN, criteria, leave_one_out


def main(argv: list[str]) -> int:
    res = float(next((a for a in argv if not a.startswith("--")), 0.1))
    table = leave_one_out(res)
    cols = ["station", "region", "elev_m", "cell_elev_m", "n_months", "t_rmse_K", "t_rmse_K_background",
            "t_rmse_K_insample", "p_obs_mm", "p_gen_mm", "p_rel_err", "p_rel_err_background", "p_rel_err_insample"]
    if "--markdown" in argv:
        print(table[cols].round(2).to_markdown(index=False))
    else:
        print(table[cols].round(2).to_string(index=False))
    c = criteria(table)
    print(f"\nresolution {res}°: temperature RMSE <= 1.5 K at {c['share_t_rmse_ok']:.0%} of {c['n_temperature']} "
          f"stations; annual precipitation within 25 % at {c['share_p_ok']:.0%} of {c['n_precipitation']}")
    on = criteria(table[~table.region.str.startswith("around")])
    print(f"on the plateau only: temperature {on['share_t_rmse_ok']:.0%} of {on['n_temperature']}, "
          f"precipitation {on['share_p_ok']:.0%} of {on['n_precipitation']}")
    for region, g in table.groupby(table.region.str.split(" [(:]", regex=True).str[0]):
        r = criteria(g)
        print(f"  {region}: T {int((g.t_rmse_K <= 1.5).sum())}/{r['n_temperature']}, "
              f"P {int((g.p_rel_err.abs() <= 0.25).sum())}/{r['n_precipitation']}")
    return 0 if min(c["share_t_rmse_ok"], c["share_p_ok"]) >= SHARE_MIN else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
