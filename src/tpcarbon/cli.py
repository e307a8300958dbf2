"""Command-line interface: ``tpcarbon demo | run | spinup | init-study | forcing | analyze | report | site``.

No science here: each command reads its options and calls ``tpcarbon.experiments``,
``tpcarbon.analysis`` or ``tpcarbon.ensemble`` (``tpcarbon ensemble STUDY.toml``). Every user-caused
failure is printed as one line and exits with a non-zero code; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from pathlib import Path

import click

from tpcarbon import __version__
from tpcarbon.errors import TpcarbonError


def _handle_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except TpcarbonError as exc:
            if debug:
                traceback.print_exc()
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: the last checkpoint is intact; rerun the same command to resume", err=True)
            sys.exit(130)
        except click.exceptions.Exit:
            raise
        except Exception as exc:  # noqa: BLE001 - unexpected: one line unless --debug
            if debug:
                traceback.print_exc()
            msg = " ".join(str(exc).split()) or type(exc).__name__
            click.echo(f"internal error: {type(exc).__name__}: {msg} (rerun with --debug for the traceback)", err=True)
            sys.exit(1)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tpcarbon")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def main(debug: bool, quiet: bool) -> None:
    """tpcarbon: the land carbon balance (NEP) of a region with a CLM5-BGC-faithful model."""
    _setup_logging(debug)


class _EchoHandler(logging.Handler):
    """Messages of the ``tpcarbon`` logger, one line each: progress on stdout, warnings on stderr.

    Through ``click.echo``, so ``CliRunner`` sees them; stderr stays free for the one-line error.
    """

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno <= logging.INFO:
            click.echo(record.getMessage())
        else:
            click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)


def _setup_logging(debug: bool) -> None:
    logger = logging.getLogger("tpcarbon")
    for h in [h for h in logger.handlers if isinstance(h, _EchoHandler)]:
        logger.removeHandler(h)
    logger.addHandler(_EchoHandler())
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False


def _progress() -> bool:
    return not click.get_current_context().find_root().params.get("quiet", False) and sys.stderr.isatty()


@main.command()
@click.option("--out", "out", default="tpcarbon-demo", show_default=True, type=click.Path(file_okay=False),
              help="Output folder.")
@click.option("--resolution", default=1.0, show_default=True, type=float, help="Grid spacing in degrees.")
@click.option("--quick", is_flag=True, help="Reduced demo for CI: small region, few years (same code path).")
@click.option("--scheduler", default="serial", show_default=True,
              help="serial, local (Dask LocalCluster) or a scheduler address tcp://host:port.")
@click.option("--workers", default=2, show_default=True, type=int, help="Dask workers (scheduler=local).")
@click.option("--ensemble", "members", default=0, type=int,
              help="Run an N-member parameter + scenario ensemble of the demo instead (Dask tasks).")
@_handle_errors
def demo(out: str, resolution: float, quick: bool, scheduler: str, workers: int, members: int) -> None:
    """The whole study on the embedded default (synthetic weather, real elevation and CO2)."""
    from tpcarbon.experiments.runner import default_study, quick_study, run_study

    cfg = default_study(out, resolution).with_changes(compute={"scheduler": scheduler, "workers": workers})
    if quick:
        cfg = quick_study(cfg)
    if members:  # issue 18: members are the parallel unit, so the member studies run serially inside
        from tpcarbon.ensemble import EnsembleConfig, run_ensemble

        ens = EnsembleConfig(members=members, scheduler="local" if scheduler == "serial" else scheduler,
                             workers=workers, source="tpcarbon demo --ensemble").with_changes()
        path = run_ensemble(cfg.with_changes(compute={"scheduler": "serial"}), ens, log=click.echo,
                            progress=_progress())
        click.echo(f"done: open {Path(path) / 'report.html'}")
        return
    path = run_study(cfg, progress=_progress())
    click.echo(f"done: open {Path(path) / 'report.html'}")


@main.command()
@click.argument("study", type=click.Path())
@click.option("--out", "out", default=None, type=click.Path(file_okay=False), help="Override [output] folder.")
@click.option("--dask", "use_dask", is_flag=True, help="Run cell chunks as Dask tasks (LocalCluster by default).")
@click.option("--workers", default=None, type=int, help="Dask workers.")
@_handle_errors
def run(study: str, out: str | None, use_dask: bool, workers: int | None) -> None:
    """Run a study file (spin-up, experiments, report)."""
    from tpcarbon.experiments.runner import run_study
    from tpcarbon.experiments.study import load_study

    cfg = load_study(study)
    if out:
        cfg = cfg.with_changes(output={"folder": out})
    if use_dask and cfg.compute.scheduler == "serial":
        cfg = cfg.with_changes(compute={"scheduler": "local"})
    if workers:
        cfg = cfg.with_changes(compute={"workers": workers})
    path = run_study(cfg, progress=_progress())
    click.echo(f"done: open {Path(path) / 'report.html'}")


@main.command()
@click.argument("study", type=click.Path())
@_handle_errors
def spinup(study: str) -> None:
    """Spin a study up to equilibrium and write spinup/restart.nc and spinup/spinup.csv."""
    from tpcarbon.experiments.runner import spinup_only
    from tpcarbon.experiments.study import load_study

    spinup_only(load_study(study), progress=_progress())


@main.command("init-study")
@click.argument("path", type=click.Path(dir_okay=False), default="study.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_handle_errors
def init_study(path: str, force: bool) -> None:
    """Write a commented example study file."""
    from tpcarbon.errors import ConfigError
    from tpcarbon.experiments.study import EXAMPLE_STUDY

    p = Path(path)
    if p.exists() and not force:
        raise ConfigError(p, "file exists", "choose another name or pass --force")
    if not p.parent.is_dir():
        raise ConfigError(p, f"folder {p.parent} does not exist", "create the folder first or give another path")
    try:
        p.write_text(EXAMPLE_STUDY)
    except OSError as exc:
        raise ConfigError(p, f"cannot write the file ({exc.strerror})", "give a writable path") from None
    click.echo(f"wrote {p}")


@main.group()
def forcing() -> None:
    """Write or check forcing files."""


@forcing.command("generate")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--years", default="1979-2018", show_default=True, help="Year range Y0-Y1.")
@click.option("--resolution", default=1.0, show_default=True, type=float)
@click.option("--seed", default=1979, show_default=True, type=int)
@_handle_errors
def forcing_generate(folder: str, years: str, resolution: float, seed: int) -> None:
    """Write the embedded default (synthetic) forcing in CMFD layout."""
    y0, y1 = _years(years)
    from tpcarbon.forcing.generator import WeatherGenerator
    from tpcarbon.io.cmfd import write_default_forcing
    from tpcarbon.surface.grid import make_grid

    files = write_default_forcing(folder, make_grid(resolution), (y0, y1), WeatherGenerator(seed=seed))
    click.echo(f"wrote {len(files)} files to {folder} (synthetic default forcing, NOT observational CMFD data)")


@forcing.command("check")
@click.argument("folder", type=click.Path())
@click.option("--years", default=None, help="Year range Y0-Y1 to require.")
@click.option("--study", "study", default=None, type=click.Path(),
              help="Also check that the grid covers this study's [region] (bbox, resolution).")
@_handle_errors
def forcing_check(folder: str, years: str | None, study: str | None) -> None:
    """Check every file of a CMFD folder: variables, months, time axes, units, ranges, gaps, grid vs [region]."""
    from tpcarbon.experiments.study import load_study
    from tpcarbon.io.cmfd import check_forcing_folder

    region = load_study(study).region if study else None
    click.echo(check_forcing_folder(folder, years=_years(years) if years else None, strict=True,
                                    region=(region.bbox, region.resolution) if region else None,
                                    progress=_progress()))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--experiment", default="S1", show_default=True, help="Experiment label for these files.")
@_handle_errors
def analyze(paths: tuple[str, ...], out: str, experiment: str) -> None:
    """Analyse tpcarbon annual.nc files, CLM5 history files (h0/h1, 1-D or 2-D) or CMIP land output."""
    from tpcarbon.report.html import analyze_files

    path = analyze_files(list(paths), out, experiment=experiment)
    click.echo(f"done: open {path}")


@main.command()
@click.argument("run_dir", type=click.Path(file_okay=False))
@_handle_errors
def report(run_dir: str) -> None:
    """Rebuild report.html, tables/ and figures/ of a run folder."""
    from tpcarbon.report.html import build_report

    click.echo(f"wrote {build_report(run_dir)}")


@main.command()
@click.option("--forcing", "forcing_file", required=True, type=click.Path(), help="FLUXNET2015-style CSV.")
@click.option("--lat", required=True, type=float)
@click.option("--lon", required=True, type=float)
@click.option("--pft", required=True, help="CLM PFT name or unambiguous prefix.")
@click.option("--years", default=None, help="Year range Y0-Y1 (default: all years in the file).")
@click.option("--spinup-years", default=None, type=int, help="Spin-up years (default: cycle the file's years).")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False))
@_handle_errors
def site(forcing_file, lat, lon, pft, years, spinup_years, out) -> None:
    """Run one column on flux-site forcing and compare with the site's fluxes."""
    from tpcarbon.experiments.site import run_site

    path = run_site(forcing_file, lat, lon, pft, years=_years(years) if years else None,
                    spinup_years=spinup_years, out=out, progress=_progress())
    click.echo(f"wrote {path}")


# ---- tpcarbon evaluate (self-contained block: site mode over the towers of a TOML file) ----
@main.command()
@click.argument("sites", type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@_handle_errors
def evaluate(sites: str, out: str) -> None:
    """Score site mode against several towers listed in SITES.toml ([[site]] file, lat, lon, pft)."""
    from tpcarbon.experiments.site import run_evaluate

    click.echo(f"wrote {run_evaluate(sites, out, progress=_progress())}")
# ---- end of tpcarbon evaluate ----


# ---- tpcarbon ensemble (self-contained block, issue 18: parameter and scenario ensembles) ----
@main.command()
@click.argument("study", type=click.Path())
@click.option("--out", "out", default=None, type=click.Path(file_okay=False), help="Override [output] folder.")
@click.option("--members", default=None, type=int, help="Override [ensemble] members.")
@click.option("--seed", default=None, type=int, help="Override [ensemble] seed.")
@click.option("--scheduler", default=None, help="serial, local (Dask LocalCluster) or tcp://host:port.")
@click.option("--workers", default=None, type=int, help="Dask workers (scheduler=local).")
@_handle_errors
def ensemble(study: str, out: str | None, members: int | None, seed: int | None, scheduler: str | None,
             workers: int | None) -> None:
    """Run (or resume) the [ensemble] of a study file: members, bands, claim shares, sensitivity, report."""
    from tpcarbon.ensemble import load_ensemble_config, run_ensemble

    cfg, ens = load_ensemble_config(study)
    ens = ens.with_changes(members=members, seed=seed, scheduler=scheduler, workers=workers)
    if out:
        cfg = cfg.with_changes(output={"folder": out})
    path = run_ensemble(cfg.with_changes(compute={"scheduler": "serial"}), ens, log=click.echo,
                        progress=_progress())
    click.echo(f"done: open {Path(path) / 'report.html'}")
# ---- end of tpcarbon ensemble ----


def _years(text: str) -> tuple[int, int]:
    from tpcarbon.errors import ConfigError

    try:
        a, b = (int(x) for x in text.split("-"))
    except ValueError:
        raise ConfigError(None, f"'{text}' is not a year range", "write Y0-Y1, e.g. 1979-2018",
                          variable="--years") from None
    if b < a:
        raise ConfigError(None, f"'{text}' ends before it starts", "write Y0-Y1 with Y0 <= Y1", variable="--years")
    return a, b


if __name__ == "__main__":  # pragma: no cover
    main()
