"""Work shared out to forked worker processes, which inherit everything the build has loaded."""

from __future__ import annotations

import ctypes
import fcntl
import gc
import multiprocessing
import os
import signal
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL = 64
"""Items (files, articles) below which the work stays in this process: starting workers would cost more than it saves."""

PR_SET_PDEATHSIG = 1
"""``prctl`` option (Linux): the signal a process gets when its parent dies."""

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
"""``mallopt`` parameters (glibc)."""

KEPT_BYTES = 32 << 20
"""Arrays up to this size are made in memory a worker keeps once freed (glibc's largest ``M_MMAP_THRESHOLD``)."""

PIPE_BYTES = 1 << 20
"""What a worker's pipe holds (Linux's default limit for a process to ask): a result of up to this size waits
there while the worker makes its next one."""


def workers() -> int:
    """How many worker processes pay: one per core this process may run on, none where processes cannot fork."""
    return len(os.sched_getaffinity(0)) if _can_fork() else 1


def die_with_parent() -> None:
    """In a worker: end with the build (a killed build must not leave workers writing)."""
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)  # the parent died before the signal was asked for


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


class Shards:
    """Items shared out once to worker processes, which keep them from one step to the next.

    A step calls ``function(value, *args)`` for every item where the item is
    held; ``function`` returns the value to keep for the next step and a result
    to send back. ``step`` returns the results in item order. Item ``i`` stays in
    worker ``i % processes`` throughout, so what a step leaves in a worker (a page
    read from its file) costs nothing to reach in the next step, while only the
    results are pickled. ``function`` must be importable (defined at module
    level); ``args`` are pickled. With fewer than two processes the steps run here.
    """

    def __init__(self, items: Sequence, processes: int):
        self.processes = min(processes, len(items)) if _can_fork() else 1
        self._count = len(items)
        self._values = list(items) if self.processes < 2 else []
        self._connections = []
        self._workers = []
        for share in range(self.processes if self.processes >= 2 else 0):
            connection, worker = _start(_hold, list(items[share :: self.processes]))
            self._connections.append(connection)
            self._workers.append(worker)

    def step(self, function: Callable, *args) -> list:
        if not self._workers:
            return _step(self._values, function, args)
        for connection in self._connections:
            connection.send((function, args))
        return _gather(self._connections, self._count)

    def close(self, stop_now: bool = False) -> None:
        """End the workers: when they are done (they wait for the next step), or at once (after an error)."""
        for connection, worker in zip(self._connections, self._workers):
            if stop_now:
                worker.terminate()
            else:
                connection.send(None)
            worker.join()
            connection.close()
        self._connections, self._workers, self._values = [], [], []

    def __enter__(self) -> "Shards":
        return self

    def __exit__(self, kind: type | None, *exc: object) -> None:
        self.close(stop_now=kind is not None)


def fork_shares(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[function(item) for item in items]``, in worker processes when there are many; results come back pickled.

    Unlike :func:`fork_map` the workers are forked directly, not through a pool
    (a few milliseconds to start them rather than tens, which counts for work of
    a few tenths of a second), and each takes its share at once, item ``i`` in
    worker ``i % processes``: for items of about even cost.
    """
    processes = min(workers(), len(items)) if len(items) >= PARALLEL else 1
    if processes < 2:
        return [function(item) for item in items]
    started = [_start(_map_share, function, items[share::processes]) for share in range(processes)]
    try:
        return _gather([connection for connection, _ in started], len(items))
    except BaseException:
        for _, worker in started:
            worker.terminate()  # the others' answers are not wanted, and may not fit in their pipes
        raise
    finally:
        for connection, worker in started:
            worker.join()
            connection.close()


class Background:
    """``function()`` run in a forked process while this one goes on; :meth:`result` waits for what it returns
    (pickled back) and raises what it raised. Where processes cannot fork, or the system refuses one more,
    :meth:`result` runs it here. The process is no daemon: the work may start processes of its own."""

    def __init__(self, function: Callable[[], R]):
        self._function = function
        self._started = None
        if _can_fork():
            try:
                self._started = _start(_answer_once, function, daemon=False)
            except OSError:
                pass  # done here, when asked for

    @property
    def forked(self) -> bool:
        """Whether the work runs in a process of its own (otherwise :meth:`result` does it here)."""
        return self._started is not None

    def result(self) -> R:
        if self._started is None:
            return self._function()
        connection, _ = self._started
        try:
            answer = connection.recv()
        except EOFError:
            raise RuntimeError("the process working in the background ended without an answer (killed?)") from None
        finally:
            self.close()
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def close(self) -> None:
        """End the process, done or not (its answer is no longer wanted)."""
        if self._started:
            connection, worker = self._started
            self._started = None
            worker.terminate()
            worker.join()
            connection.close()


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _start(target: Callable, *args, daemon: bool = True, duplex: bool = True) -> tuple:
    """Fork a worker that runs ``target(*args, connection)``; return this end of the connection and the worker.
    Not ``duplex``: the worker only sends."""
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe(duplex)
    worker = context.Process(target=target, args=(*args, there), daemon=daemon)
    worker.start()
    there.close()
    return here, worker


def _gather(connections: list, count: int) -> list:
    """The ``count`` results of the workers behind ``connections``, in item order (item ``i`` from worker ``i % n``)."""
    results: list = [None] * count
    for share, connection in enumerate(connections):
        answer = connection.recv()
        if isinstance(answer, BaseException):
            raise answer
        results[share :: len(connections)] = answer
    return results


def _in_worker() -> None:
    die_with_parent()
    gc.freeze()  # what the worker inherited stays: collecting it would only copy its memory


def _answer(connection, work: Callable[[], list]) -> None:
    """Send the results of ``work``, or the error it raised, so that it is raised where the work was asked for."""
    try:
        answer = work()
    except Exception as error:
        answer = error
    connection.send(answer)


def _step(values: list, function: Callable, args: tuple) -> list:
    """Run one step over ``values`` in place; return the results."""
    results = []
    for index, value in enumerate(values):
        values[index], result = function(value, *args)
        results.append(result)
    return results


def _hold(values: list, connection) -> None:
    """A worker of :class:`Shards`: run each step sent over ``connection`` on the values it holds, until ``None``."""
    _in_worker()
    while (request := connection.recv()) is not None:
        function, args = request
        _answer(connection, lambda: _step(values, function, args))


def _answer_once(function: Callable, connection) -> None:
    """The process of a :class:`Background`."""
    _in_worker()
    _answer(connection, function)


def _map_share(function: Callable, items: Sequence, connection) -> None:
    """A worker of :func:`fork_shares`."""
    _in_worker()
    _answer(connection, lambda: [function(item) for item in items])


class ForkStream:
    """``function(item)`` for each of ``items``, in order, as an iterable; with two ``processes`` or more, item ``i``
    is worked on in worker ``i % processes``, forked at once (it inherits ``function``: a closure will do), which
    sends each result as soon as it is made. Until they are read, the caller is free to do other work.

    Unlike :func:`fork_map`'s, the results are never all in memory: a worker makes its
    next one while the last waits in its pipe, no further. Closing the stream (leaving ``with``) ends the workers."""

    def __init__(self, function: Callable[[T], R], items: Sequence[T], processes: int):
        self.function, self.items = function, items
        self._readers: list = []
        self._workers: list = []
        self._finished = False
        for share in range(processes if processes >= 2 else 0):
            reader, worker = _start(_send_each, function, items[share::processes], duplex=False)
            _widen(reader.fileno())  # the pipe's size, set from either end
            self._readers.append(reader)
            self._workers.append(worker)

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
    _in_worker()
    _reuse_freed_memory()
    try:
        for item in items:
            connection.send(function(item))
    except Exception as error:
        connection.send(error)
