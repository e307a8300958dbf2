"""Exceptions that become one-line messages at the command line.

Every failure a user can cause (bad input, bad study file, a run that cannot
continue) raises a :class:`TpcarbonError`. Its ``str()`` is one line naming the
file, the variable (if any), the problem and the fix; ``tpcarbon`` prints that line
and exits with a non-zero code, with no traceback unless ``--debug`` is given.
"""

from __future__ import annotations

from os import PathLike


class TpcarbonError(Exception):
    """Base class for errors reported to the user as one line."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class InputError(TpcarbonError):
    """Bad or missing input: ``<file>: <variable>: <problem>. Fix: <fix>``.

    Parameters
    ----------
    path : str or PathLike or None
        The file (or folder) at fault.
    problem : str
        What is wrong, in a few words.
    fix : str
        What the user should do.
    variable : str, optional
        The variable (or key, or column) at fault.
    """

    def __init__(self, path: str | PathLike | None, problem: str, fix: str, variable: str | None = None):
        self.path = None if path is None else str(path)
        self.problem = problem
        self.fix = fix
        self.variable = variable
        where = self.path if self.path is not None else "<input>"
        if variable:
            where = f"{where}: {variable}"
        super().__init__(f"{where}: {problem}. Fix: {fix}")


class ConfigError(InputError):
    """A bad study file or command-line option (same one-line form)."""


class ModelError(TpcarbonError):
    """The model cannot continue (carbon imbalance, NaN/Inf in the state)."""

    exit_code = 3
