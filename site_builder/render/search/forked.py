"""Work shared out to forked processes whose results come back one by one, in order, as soon as each is made."""

from __future__ import annotations

import ctypes
import fcntl
import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from site_builder.parallel import die_with_parent

T = TypeVar("T")
R = TypeVar("R")

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
"""``mallopt`` parameters (glibc)."""

KEPT_BYTES = 32 << 20
"""Arrays up to this size are made in memory a worker keeps once freed (glibc's largest ``M_MMAP_THRESHOLD``)."""

PIPE_BYTES = 1 << 20
"""What a worker's pipe holds (Linux's default limit for a process to ask): a result of up to this size waits
there while the worker makes its next one."""


class ForkStream:
    """``function(item)`` for each of ``items``, in order, as an iterable; with two ``processes`` or more, item ``i``
    is worked on in worker ``i % processes``, forked at once (it inherits ``function``: a closure will do), which
    sends each result as soon as it is made. Until they are read, the caller is free to do other work.

    Unlike :func:`~site_builder.parallel.fork_map`'s, the results are never all in memory: a worker makes its
    next one while the last waits in its pipe, no further. Closing the stream (leaving ``with``) ends the workers."""

    def __init__(self, function: Callable[[T], R], items: Sequence[T], processes: int):
        self.function, self.items = function, items
        self._readers: list = []
        self._workers: list = []
        self._finished = processes < 2
        context = multiprocessing.get_context("fork")
        for share in range(processes if processes >= 2 else 0):
            reader, writer = context.Pipe(duplex=False)
            self._readers.append(reader)
            _widen(writer.fileno())
            self._workers.append(context.Process(target=_send_each, args=(function, items[share::processes], writer), daemon=True))
            self._workers[-1].start()
            writer.close()

    def __iter__(self) -> Iterator[R]:
        if not self._workers:
            yield from map(self.function, self.items)
            return
        for index in range(len(self.items)):
            answer = self._readers[index % len(self._readers)].recv()
            if isinstance(answer, BaseException):
                raise answer
            yield answer
        self._finished = True

    def close(self) -> None:
        for worker in self._workers:
            if not self._finished:
                worker.terminate()  # its results are not wanted any more, and may not fit in its pipe
            worker.join()
        for reader in self._readers:
            reader.close()
        self._workers, self._readers = [], []

    def __enter__(self) -> ForkStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _widen(pipe: int) -> None:
    """Let ``pipe`` hold :data:`PIPE_BYTES` where the system allows it (Linux)."""
    try:
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):
        pass  # a smaller pipe only makes the worker wait for the reader sooner


def _reuse_freed_memory() -> None:
    """Keep the memory of freed arrays for the next ones (glibc). Else a worker that makes arrays of the same
    size over and over maps and unmaps each one, and the kernel zeroes every page of it again: a worker forked
    before its parent made any large array could spend a third of its time faulting pages in."""
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, KEPT_BYTES)
        mallopt(M_TRIM_THRESHOLD, 2 * KEPT_BYTES)


def _send_each(function: Callable, items: Sequence, connection) -> None:
    """A worker of :class:`ForkStream`: sends each result, or the error that stopped it."""
    die_with_parent()
    _reuse_freed_memory()
    gc.freeze()  # what the worker inherited stays: collecting it would only copy its memory
    try:
        for item in items:
            connection.send(function(item))
    except Exception as error:
        connection.send(error)
