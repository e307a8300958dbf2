r"""Seeded space-filling designs on the unit hypercube and their mapping to parameter ranges.

Two designs, both from :mod:`scipy.stats.qmc`:

* ``"lhs"`` - a Latin hypercube (McKay et al. 1979): each of the ``n`` equal-probability strata of every
  dimension holds exactly one point, so every marginal is uniform by construction, whatever ``n``;
* ``"sobol"`` - a scrambled Sobol' sequence (Owen scrambling): low discrepancy in all dimensions
  jointly; balanced when ``n`` is a power of two (other ``n`` are allowed and only lose that balance).

The design is a pure function of ``(n, d, method, seed)``. A design value :math:`u \in [0, 1)` maps
onto a range :math:`[a, b]` linearly, :math:`x = a + u (b - a)`, or, for ranges spanning orders of
magnitude, log-uniformly, :math:`x = a (b / a)^u`.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray
from scipy.stats import qmc

from tpcarbon.errors import ConfigError

#: Sampling methods (``[ensemble] method``).
METHODS = {
    "lhs": "Latin hypercube (scipy.stats.qmc.LatinHypercube)",
    "sobol": "scrambled Sobol' sequence (scipy.stats.qmc.Sobol)",
}


def unit_design(n: int, d: int, method: str = "lhs", seed: int = 0) -> NDArray[np.float64]:
    """A design of ``n`` points in ``[0, 1)^d``.

    Parameters
    ----------
    n : int
        Number of points (ensemble members), ``n >= 1``.
    d : int
        Number of dimensions (sampled inputs), ``d >= 1``.
    method : {"lhs", "sobol"}
        Design (module docstring).
    seed : int
        Seed of the scrambling / permutations; the same seed gives the same design.

    Returns
    -------
    ndarray, shape (n, d)
        Design values in ``[0, 1)``.

    Examples
    --------
    >>> u = unit_design(8, 2, "lhs", seed=1)
    >>> u.shape, sorted(np.floor(u[:, 0] * 8).astype(int).tolist()) == list(range(8))
    ((8, 2), True)
    """
    if n < 1 or d < 1:
        raise ConfigError(
            None,
            f"a design needs at least one member and one input (got n={n}, d={d})",
            "set [ensemble] members >= 1 and sample at least one parameter",
            variable="ensemble",
        )
    rng = np.random.default_rng(seed)
    if method == "lhs":
        return qmc.LatinHypercube(d=d, seed=rng).random(n)
    if method == "sobol":
        eng = qmc.Sobol(d=d, scramble=True, seed=rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "balance properties ... n = 2**m"
            return eng.random(n)
    raise ConfigError(
        None,
        f"unknown sampling method '{method}'",
        f"use one of {', '.join(METHODS)}",
        variable="ensemble.method",
    )


def scale_unit(u: NDArray[np.float64], low: float, high: float, log: bool = False) -> NDArray[np.float64]:
    """Map design values ``u`` in ``[0, 1)`` onto ``[low, high]`` (linearly, or log-uniformly if ``log``).

    Examples
    --------
    >>> scale_unit(np.array([0.0, 0.5]), 2.0, 4.0).tolist()
    [2.0, 3.0]
    >>> [round(v, 9) for v in scale_unit(np.array([0.0, 0.5]), 0.1, 10.0, log=True).tolist()]
    [0.1, 1.0]
    """
    u = np.asarray(u, dtype=np.float64)
    if log:
        if low <= 0 or high <= 0:
            raise ValueError(f"a log-uniform range needs positive bounds, got [{low}, {high}]")
        return low * (high / low) ** u
    return low + u * (high - low)


def unscale(x: NDArray[np.float64], low: float, high: float, log: bool = False) -> NDArray[np.float64]:
    """Inverse of :func:`scale_unit`: the design value of ``x`` in ``[low, high]``.

    Examples
    --------
    >>> float(unscale(np.array(3.0), 2.0, 4.0))
    0.5
    """
    x = np.asarray(x, dtype=np.float64)
    if log:
        return np.log(x / low) / np.log(high / low)
    return (x - low) / (high - low)
