"""A run killed with SIGKILL at a random moment resumes from its last checkpoint and finishes with outputs
identical to an uninterrupted run (issue: faults and long runs)."""

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import xarray as xr

FIRST, LAST = 1990, 2009


def _run(out, wait=True):
    cmd = [sys.executable, "-m", "tpcarbon.testing.resume", str(out), str(FIRST), str(LAST)]
    if wait:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow
def test_sigkill_then_resume_gives_identical_outputs(tmp_path):
    ref = tmp_path / "ref"
    res = _run(ref)
    assert res.returncode == 0, res.stderr
    killed = tmp_path / "killed"
    proc = _run(killed, wait=False)
    # wait until at least one checkpoint exists, then kill at a random moment
    ck = killed / "runs" / "S1" / "checkpoint.nc"
    t0 = time.time()
    while not ck.exists() and proc.poll() is None and time.time() - t0 < 300:
        time.sleep(0.2)
    time.sleep(random.uniform(0.0, 0.5))
    assert proc.poll() is None, "the run finished before it could be killed; make it longer"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "runs" / "S1" / "annual.nc").exists()   # nothing that looks complete
    res = _run(killed)
    assert res.returncode == 0, res.stderr
    assert "resuming from checkpoint" in res.stdout
    with xr.open_dataset(ref / "runs" / "S1" / "annual.nc") as a, \
            xr.open_dataset(killed / "runs" / "S1" / "annual.nc") as b:
        for v in ("GPP", "NPP", "HR", "NEP", "TOTECOSYSC", "TLAI"):
            np.testing.assert_array_equal(a[v].values, b[v].values)
        assert a.year.values.tolist() == list(range(FIRST, LAST + 1))
    assert not (killed / "runs" / "S1" / "checkpoint.nc").exists()
    assert not list((killed / "runs" / "S1").glob("*.part"))
