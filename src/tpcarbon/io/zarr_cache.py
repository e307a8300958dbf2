"""A Zarr cache of a run's forcing: read the raw files once, stream every run from one store.

The store holds, for the run's land cells only, one ``(time, ncell)`` float32 array per
canonical variable (chunks of one 31-day month × all cells, Blosc/Zstd-compressed by
zarr's defaults) and ``time`` in seconds since 1970. It is written month by month (no
full copy in memory) and marked complete at the end; an incomplete or foreign store
(other cells, years or source) is rebuilt. For the 0.1° plateau (~26 000 land cells)
one forcing year is ~0.5 GB uncompressed.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tpcarbon.errors import InputError
from tpcarbon.forcing.stream import FORCING_VARS, ForcingChunk, ForcingSource
from tpcarbon.surface.domain import Domain

_CHUNK_T = 248


def domain_fingerprint(domain: Domain) -> str:
    """A short hash of the cell positions (so a cache is never read for another domain)."""
    h = hashlib.sha256(np.round(np.stack([domain.lat, domain.lon]), 5).tobytes()).hexdigest()
    return h[:16]


def build_forcing_cache(source: ForcingSource, store: str | Path, years: tuple[int, int],
                        progress: bool = False) -> Path:
    """Stream ``source`` for ``years`` into a new Zarr store at ``store`` (a progress bar in months if asked)."""
    import zarr
    from tqdm.auto import tqdm

    store = Path(store)
    if store.exists():
        shutil.rmtree(store)
    n = source.domain.ncell
    nt = sum(np.datetime64(f"{y + 1}-01-01", "D") - np.datetime64(f"{y}-01-01", "D")
             for y in range(years[0], years[1] + 1)).astype(int) * 8
    root = zarr.open_group(str(store), mode="w")
    arrays = {v: root.create_array(v, shape=(nt, n), chunks=(_CHUNK_T, n), dtype="float32") for v in FORCING_VARS}
    time = root.create_array("time", shape=(nt,), chunks=(nt,), dtype="int64")
    i = 0
    times = np.empty(nt, dtype=np.int64)
    chunks = tqdm(source.iter_chunks(*years), total=12 * (years[1] - years[0] + 1), desc="forcing cache",
                  unit="month", disable=not progress, leave=False)
    for ch in chunks:
        for v in FORCING_VARS:
            arrays[v][i:i + ch.nt] = getattr(ch, v)
        times[i:i + ch.nt] = ch.time.astype("datetime64[s]").astype(np.int64)
        i += ch.nt
    time[:] = times
    root.attrs.update({"years": list(years), "ncell": n, "domain": domain_fingerprint(source.domain),
                       "description": source.description, "complete": True})
    return store


class ZarrForcingSource:
    """A ``ForcingSource`` over a cache written by :func:`build_forcing_cache`."""

    def __init__(self, store: str | Path, domain: Domain):
        import zarr

        self.store = Path(store)
        self.domain = domain
        if not self.store.exists():
            raise InputError(self.store, "forcing cache not found", "it is rebuilt automatically")
        try:
            self._root = zarr.open_group(str(self.store), mode="r")
            attrs = dict(self._root.attrs)
        except Exception as exc:  # noqa: BLE001 - any unreadable store is reported the same way
            raise InputError(self.store, f"unreadable forcing cache ({exc})", "delete the folder; it is rebuilt") from None
        if not attrs.get("complete"):
            raise InputError(self.store, "incomplete forcing cache", "delete the folder; it is rebuilt")
        if attrs.get("domain") != domain_fingerprint(domain):
            raise InputError(self.store, "forcing cache made for other cells", "delete the folder; it is rebuilt")
        self._years = tuple(attrs["years"])
        self.description = str(attrs["description"])
        t = self._root["time"][:]
        self._time = t.astype("datetime64[s]")
        months = self._time.astype("datetime64[M]")
        starts = np.nonzero(np.r_[True, months[1:] != months[:-1]])[0]
        self._months = {str(months[s]): (int(s), int(e)) for s, e in zip(starts, np.r_[starts[1:], t.size],
                                                                         strict=True)}

    @property
    def years(self) -> tuple[int, int]:
        """Years in the cache."""
        return self._years  # type: ignore[return-value]

    def iter_chunks(self, first_year: int, last_year: int) -> Iterator[ForcingChunk]:
        """Yield one chunk per month from the store."""
        if first_year < self._years[0] or last_year > self._years[1]:
            raise InputError(self.store, f"years {first_year}-{last_year} not in the cache {self._years}",
                             "delete the cache; it is rebuilt for the study's years")
        for y in range(first_year, last_year + 1):
            for m in range(1, 13):
                s, e = self._months[f"{y:04d}-{m:02d}"]
                yield ForcingChunk(self._time[s:e], *(np.ascontiguousarray(self._root[v][s:e]) for v in FORCING_VARS))


def open_forcing_cache(store: str | Path, domain: Domain) -> ZarrForcingSource:
    """Open a complete forcing cache for ``domain`` (``InputError`` when absent, incomplete or foreign)."""
    return ZarrForcingSource(store, domain)
