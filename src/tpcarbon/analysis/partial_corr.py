"""Per-pixel partial correlation and dominant driver.

Partial correlation of NEP with each climate driver, controlling for the others (study eq. 5), and the
driver with the largest significant |partial r| in each pixel.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray
from scipy import stats as _sps

from tpcarbon.analysis._checks import _fail

# Relative size below which a centred control series counts as constant in partial_correlation.
_CONSTANT_RTOL = 1e-12
# Relative singular-value cut-off of the pseudo-inverse of the (column-normalised) control matrix.
_PINV_RCOND = 1e-10


def partial_correlation(y: ArrayLike, x: ArrayLike, controls: ArrayLike | None
                        ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Per-pixel partial correlation of y and x controlling for k other series, with its p-value.

    Both series are regressed on :math:`[1, c_1, \dots, c_k]` per pixel (batched least squares through
    the pseudo-inverse of the centred, column-normalised control matrix); the partial correlation is the
    correlation of the residuals :math:`e_y, e_x`:

    .. math::

        r_{yx\cdot c} = \frac{\sum_k e_{y,k}\, e_{x,k}}{\sqrt{\sum_k e_{y,k}^2 \sum_k e_{x,k}^2}}, \qquad
        T = r\sqrt{\frac{n-2-k}{1-r^2}}, \qquad p = 2\,P(t_{n-2-k} > |T|)

    For k = 1 this equals the study's eq. 5, :math:`r_{12\cdot3} = (r_{12} - r_{13} r_{23}) /
    \sqrt{(1-r_{13}^2)(1-r_{23}^2)}`; for k = 2 its second-order form. A control that is constant in a pixel
    (e.g. a driver held in a factorial run) is dropped from that pixel's regression; the dof stay n - 2 - k.

    Parameters
    ----------
    y : ndarray, shape (nt, ncell)
        First series, e.g. annual NEP [any units].
    x : ndarray, shape (nt, ncell)
        Second series, e.g. annual mean air temperature [any units].
    controls : ndarray, shape (nt, ncell, k) or (nt, ncell), or None
        Series held fixed statistically [any units]; a 2-D array is one control, None means k = 0
        (plain Pearson correlation).

    Returns
    -------
    r : ndarray, shape (ncell,)
        Partial correlation [-]; NaN where any input of the pixel is NaN or a residual is identically 0.
    p : ndarray, shape (ncell,)
        Two-sided p-value with n - 2 - k degrees of freedom [-]; NaN where r is NaN.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.normal(size=(30, 1))
    >>> y, x = c + 0.1 * rng.normal(size=(30, 1)), c + 0.1 * rng.normal(size=(30, 1))
    >>> r_raw, _ = partial_correlation(y, x, None)
    >>> r_par, p_par = partial_correlation(y, x, c)
    >>> bool(r_raw[0] > 0.9), bool(abs(r_par[0]) < 0.5)
    (True, True)
    """
    y = np.asarray(y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    if y.ndim != 2:
        raise _fail("y", f"expected shape (nt, ncell), got {y.shape}", "pass one series per cell, time first")
    nt, ncell = y.shape
    if x.shape != y.shape:
        raise _fail("x", f"shape {x.shape} does not match y {y.shape}", "pass x with the shape of y")
    if controls is None:
        c = np.empty((nt, ncell, 0), dtype=np.float64)
    else:
        c = np.asarray(controls, dtype=np.float64)
        if c.ndim == 2:
            c = c[:, :, None]
        if c.ndim != 3 or c.shape[:2] != (nt, ncell):
            raise _fail("controls", f"shape {c.shape} does not match y {y.shape}",
                        "pass controls with shape (nt, ncell, k)")
    k = c.shape[2]
    dof = nt - 2 - k
    if dof < 1:
        raise _fail("y", f"{nt} time steps leave {dof} degrees of freedom with {k} controls",
                    "use a longer series or fewer controls")
    bad = ~(np.all(np.isfinite(y), axis=0) & np.all(np.isfinite(x), axis=0)
            & np.all(np.isfinite(c), axis=(0, 2)))
    y = np.where(np.isfinite(y), y, 0.0)
    x = np.where(np.isfinite(x), x, 0.0)
    c = np.where(np.isfinite(c), c, 0.0)
    v = np.stack([y - y.mean(axis=0), x - x.mean(axis=0)], axis=-1).transpose(1, 0, 2)  # (ncell, nt, 2)
    if k:
        cm = c.mean(axis=0)
        a = (c - cm).transpose(1, 0, 2)  # (ncell, nt, k)
        norm = np.sqrt(np.sum(a * a, axis=1))  # (ncell, k)
        live = norm > _CONSTANT_RTOL * (np.sqrt(nt) * np.abs(cm) + norm)
        a = np.where(live[:, None, :], a / np.where(live, norm, 1.0)[:, None, :], 0.0)
        coef = np.linalg.pinv(a, rcond=_PINV_RCOND) @ v  # (ncell, k, 2)
        v = v - a @ coef
    syx = np.sum(v[..., 0] * v[..., 1], axis=1)
    den = np.sqrt(np.sum(v[..., 0] ** 2, axis=1) * np.sum(v[..., 1] ** 2, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(den > 0.0, syx / np.where(den > 0.0, den, 1.0), np.nan)
        r = np.clip(r, -1.0, 1.0)
        tstat = r * np.sqrt(dof / ((1.0 - r) * (1.0 + r)))
    p = 2.0 * _sps.t.sf(np.abs(tstat), dof)
    r = np.where(bad, np.nan, r)
    p = np.where(bad | np.isnan(r), np.nan, p)
    return r, p


def partial_correlation_drivers(y: ArrayLike, drivers: Mapping[str, ArrayLike]
                                ) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:
    r"""Partial correlation of y with each driver, controlling for all the other drivers.

    .. math::

        r_d = r_{y x_d \cdot \{x_e : e \ne d\}}, \qquad \text{dof} = n - 2 - (D - 1)

    (the study's eq. 5 in its second-order form for its D = 3 drivers), computed per pixel by
    :func:`partial_correlation`.

    Parameters
    ----------
    y : ndarray, shape (nt, ncell)
        Response, e.g. annual NEP [g C m-2 yr-1].
    drivers : dict of str to ndarray, shape (nt, ncell)
        Driver series by name, e.g. ``{"temperature": tas, "precipitation": pr, "radiation": rsds}``
        [any units]; the order is kept.

    Returns
    -------
    dict of str to (ndarray, ndarray)
        For each driver name, ``(r, p)`` of shape (ncell,) [-], in the order of ``drivers``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> d = {"a": rng.normal(size=(25, 2)), "b": rng.normal(size=(25, 2))}
    >>> res = partial_correlation_drivers(2.0 * d["a"] + 0.1 * rng.normal(size=(25, 2)), d)
    >>> list(res), bool(np.all(res["a"][0] > 0.9))
    (['a', 'b'], True)
    """
    names = list(drivers)
    if not names:
        raise _fail("drivers", "no drivers given", "pass at least one driver series")
    arrs = [np.asarray(drivers[n], dtype=np.float64) for n in names]
    out = {}
    for i, name in enumerate(names):
        others = [a for jj, a in enumerate(arrs) if jj != i]
        ctrl = np.stack(others, axis=-1) if others else None
        out[name] = partial_correlation(y, arrs[i], ctrl)
    return out


def dominant_driver(results: Mapping[str, tuple[ArrayLike, ArrayLike]], alpha: float = 0.05
                    ) -> NDArray[np.int64]:
    r"""Dominant driver per pixel: the significant driver with the largest absolute partial correlation.

    .. math::

        D_i = \operatorname{argmax}_{d \,:\, p_{d,i} < \alpha} |r_{d,i}|, \qquad
        D_i = -1 \text{ if no } p_{d,i} < \alpha

    Parameters
    ----------
    results : dict of str to (r, p)
        Output of :func:`partial_correlation_drivers`: arrays of shape (ncell,) [-].
    alpha : float, default 0.05
        Significance level [-]; a driver counts where ``p < alpha``.

    Returns
    -------
    ndarray of int64, shape (ncell,)
        Index of the dominant driver in the order of ``results``; -1 where none is significant or the
        pixel's statistics are NaN. Ties go to the earlier driver.

    Examples
    --------
    >>> res = {"t": (np.array([0.8, 0.1, np.nan]), np.array([0.01, 0.6, np.nan])),
    ...        "p": (np.array([-0.9, 0.2, 0.5]), np.array([0.20, 0.7, 0.5]))}
    >>> dominant_driver(res).tolist()
    [0, -1, -1]
    """
    if not results:
        raise _fail("results", "no drivers given", "pass the output of partial_correlation_drivers")
    if not 0.0 < alpha < 1.0:
        raise _fail("alpha", f"{alpha} is not in (0, 1)", "use a significance level such as 0.05")
    r = np.stack([np.abs(np.asarray(v[0], dtype=np.float64)) for v in results.values()])
    p = np.stack([np.asarray(v[1], dtype=np.float64) for v in results.values()])
    sig = (p < alpha) & np.isfinite(r)
    score = np.where(sig, r, -1.0)
    code = np.argmax(score, axis=0).astype(np.int64)
    return np.where(sig.any(axis=0), code, -1).astype(np.int64)


def _stack(da: xr.DataArray, dim: str) -> tuple[np.ndarray, list[str]]:
    space = [d for d in da.dims if d != dim]
    return np.asarray(da.transpose(dim, *space).values, dtype=np.float64).reshape(da.sizes[dim], -1), space


def partial_correlation_map(y: xr.DataArray, drivers: Mapping[str, xr.DataArray], dim: str = "time",
                            alpha: float = 0.05) -> xr.Dataset:
    """Per-pixel partial correlation of ``y`` with each driver controlling for the others (xarray in and out).

    Parameters
    ----------
    y : xarray.DataArray, dims (time, ...)
        E.g. NEP [g C m-2 yr-1].
    drivers : mapping of str to xarray.DataArray, dims as ``y``
        E.g. ``{"temperature": TBOT, "precipitation": PRECIP, "radiation": FSDS}``.
    dim : str
        The time dimension.
    alpha : float
        Significance level of the dominant driver.

    Returns
    -------
    xarray.Dataset
        ``r_<driver>``, ``p_<driver>`` for every driver and ``dominant_driver`` (index into ``drivers``,
        -1 where none is significant; ``flag_values``/``flag_meanings`` name them), dims of ``y`` without ``dim``.
    """
    yy, space = _stack(y, dim)
    xs = {k: _stack(v.broadcast_like(y), dim)[0] for k, v in drivers.items()}
    pc = partial_correlation_drivers(yy, xs)
    shape = [y.sizes[d] for d in space]
    coords = {d: y[d] for d in space if d in y.coords}
    out = xr.Dataset(coords=coords)
    for name, (r, p) in pc.items():
        out[f"r_{name}"] = (space, r.reshape(shape), {"long_name": f"partial correlation with {name}", "units": "1"})
        out[f"p_{name}"] = (space, p.reshape(shape), {"long_name": f"two-sided p-value of r_{name}", "units": "1"})
    dom = dominant_driver(pc, alpha=alpha).reshape(shape).astype(np.float64)
    dom[~np.isfinite(np.stack([v[0] for v in pc.values()])).any(axis=0).reshape(shape)] = np.nan
    out["dominant_driver"] = (space, dom, {
        "long_name": f"driver with the largest significant |partial r| (p < {alpha})",
        "flag_values": np.arange(-1, len(pc), dtype=np.int8),
        "flag_meanings": " ".join(["none_significant", *list(pc)])})
    return out
