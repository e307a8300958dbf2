"""Cycle counters inside the numba kernel: the per-process cost table of ``benchmarks/bench_kernel.py``.

``step_cell`` takes a ``prof`` array; when it has ``NPROF`` entries the step reads the CPU's time-stamp counter
(LLVM ``readcyclecounter``, a few nanoseconds) around each process and adds the elapsed cycles to that
process's slot; when it is empty (the default in every run) the counters are skipped. Cycles are converted to
seconds by timing a known interval (:func:`cycles_per_second`).
"""

from __future__ import annotations

import time

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

#: Processes timed inside a step, in the order of ``step_cell``.
PROF_NAMES = ("forcing and ground state", "canopy radiation (two-stream)", "canopy fluxes + photosynthesis",
              "LUNA and running means", "soil and snow heat", "snow", "soil water", "vegetation C and N",
              "end-of-day BGC (soil C/N, FUN, allocation)", "outputs and balance")
(PR_GROUND, PR_RADIATION, PR_CANOPY, PR_LUNA, PR_HEAT, PR_SNOW, PR_WATER, PR_VEG, PR_BGC, PR_OUT) = range(10)
NPROF = len(PROF_NAMES)


@intrinsic
def read_cycles(typingctx):
    """The CPU time-stamp counter (``llvm.readcyclecounter``) as an unsigned 64-bit integer."""
    sig = types.uint64()

    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(64), [])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.readcyclecounter")
        return builder.call(fn, [])

    return sig, codegen


@njit(cache=True, nogil=True)
def tick():
    """Counter value as float64 (cycles)."""
    return float(read_cycles())


def cycles_per_second(seconds: float = 0.2) -> float:
    """Measure the counter rate against the wall clock [cycles s-1]."""
    tick()
    t0 = time.perf_counter()
    c0 = tick()
    while time.perf_counter() - t0 < seconds:
        pass
    c1 = tick()
    return (c1 - c0) / (time.perf_counter() - t0)
