"""Work shared out to forked worker processes, which inherit everything the build has loaded."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL = 64
"""Items (files, articles) below which the work stays in this process: starting workers would cost more than it saves."""

PR_SET_PDEATHSIG = 1
"""``prctl`` option (Linux): the signal a process gets when its parent dies."""


def workers() -> int:
    """How many worker processes pay: one per core this process may run on, none where processes cannot fork."""
    return len(os.sched_getaffinity(0)) if "fork" in multiprocessing.get_all_start_methods() else 1


def die_with_parent() -> None:
    """In a worker: end with the build (a killed build must not leave workers writing)."""
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


_function: Callable | None = None
"""The function of the map in progress, which forked workers inherit (a closure cannot be sent to them)."""


def fork_map(function: Callable[[T], R], items: Sequence[T], chunk: int = 32) -> list[R]:
    """``[function(item) for item in items]``, in worker processes when there are many; results come back pickled."""
    if len(items) < PARALLEL or workers() < 2:
        return [function(item) for item in items]
    global _function
    _function = function
    try:
        with multiprocessing.get_context("fork").Pool(workers(), die_with_parent) as pool:
            return pool.map(_call, items, chunksize=chunk)
    finally:
        _function = None


def _call(item: T) -> R:
    return _function(item)
