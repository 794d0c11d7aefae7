"""Where independent tasks run: in this process, on a local process pool, or on a Dask cluster.

Every executor has the same small interface: ``map(fn, items, on_done=None, until=None)``
returns the results in the order of ``items`` and calls ``on_done(index, result)`` as each
task finishes (in completion order), so callers can save results and advance progress bars
early. With ``until(index, result)``, the map stops at the first item, in the order of
``items``, whose result ``until`` accepts, and returns the results up to and including it:
which results come back (or which task's error is raised) then depends on the results alone,
never on how many workers ran them or which finished first. Tasks after that item are
abandoned (a local pool ends its workers; Dask releases them, though a worker busy with one
finishes it in the background); on a pool or Dask, ``on_done`` may already have seen some of
them. ``fn``
must be a top-level function of an importable module (or a ``functools.partial`` of one) for
the pool and Dask executors: their workers import it afresh and see none of the caller's
run-time state, so a function typed into ``python -c`` or a notebook does not travel. Dask is
imported only when a scheduler address is given.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterable, Sequence, TypeVar

from oraclelab._validation import check_int_at_least
from oraclelab.errors import ParameterError, RunError

__all__ = ["Executor", "SerialExecutor", "PoolExecutor", "DaskExecutor", "make_executor"]

_log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
OnDone = Callable[[int, Any], None]
Until = Callable[[int, Any], bool]


class Executor:
    """Runs ``fn`` over ``items``; results come back in the order of ``items``.

    Use as a context manager (or call ``close``) to release processes or connections.
    """

    workers: int = 1

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_done: OnDone | None = None,
            until: Until | None = None) -> list[R]:
        raise NotImplementedError

    def close(self) -> None:
        return None

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Runs the tasks one after another in this process."""

    workers = 1

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_done: OnDone | None = None,
            until: Until | None = None) -> list[R]:
        results = []
        for index, item in enumerate(items):
            results.append(fn(item))
            if on_done is not None:
                on_done(index, results[-1])
            if until is not None and until(index, results[-1]):
                break
        return results

    def __repr__(self) -> str:
        return "SerialExecutor()"


def _gather_in_order(futures: Sequence[Any], completed: Iterable[Any], on_done: OnDone | None,
                     until: Until | None, load: Callable[[Any], Any] = lambda result: result) -> list:
    """Wait for ``futures`` in completion order, then return their results (through ``load``) in submission order.

    With ``until``, each result is offered to it in submission order once it and all before it
    are in; the first it accepts ends the wait, and only the results up to it are returned. A
    task's error is then raised only when its turn comes in that order, so the error of a task
    after the accepted one, which a serial run never starts, is never raised.
    """
    index_of = {id(future): index for index, future in enumerate(futures)}
    results: dict[int, Any] = {}
    errors: dict[int, BaseException] = {}
    offered = 0
    for future in completed:
        index = index_of[id(future)]
        if until is None:
            results[index] = load(future.result())
        elif (error := future.exception()) is not None:
            errors[index] = error
        else:
            results[index] = load(future.result())
        if on_done is not None and index in results:
            on_done(index, results[index])
        while until is not None and (offered in results or offered in errors):
            if offered in errors:
                raise errors[offered]
            offered += 1
            if until(offered - 1, results[offered - 1]):
                return [results[k] for k in range(offered)]
    return [results[index] for index in range(len(futures))]


def _pickled_result(fn: Callable[[T], R], item: T) -> bytes:
    """``fn(item)`` pickled by the standard pickler: tensors travel as bytes, not as torch's shared file descriptors."""
    return pickle.dumps(fn(item), protocol=pickle.HIGHEST_PROTOCOL)


class PoolExecutor(Executor):
    """A local ``concurrent.futures.ProcessPoolExecutor`` with ``workers`` processes.

    Workers are spawned (a fresh interpreter each), never forked, and send their results back
    pickled by the standard pickler as bytes. After one discovery portfolio had run in a
    process, both forked workers of the next one hung for good while sending their results,
    inside torch's hand-over of tensors by shared file descriptors; a fork copies the parent's
    locks and thread pools mid-use, and that hand-over is torch's default for tensors sent
    between processes. Neither happens to results now (the tasks' arguments still go through
    torch's pickler; none of oraclelab's tasks carry tensors).
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"))

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_done: OnDone | None = None,
            until: Until | None = None) -> list[R]:
        futures: list[Future] = [self._pool.submit(_pickled_result, fn, item) for item in items]
        try:  # the bytes were pickled by our own worker, never user data
            results = _gather_in_order(futures, as_completed(futures), on_done, until, load=pickle.loads)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        if not all(future.done() or future.cancel() for future in futures):
            self._end_workers()
        return results

    def _end_workers(self) -> None:
        """End the workers still running abandoned tasks, and start a fresh pool for the next map.

        Python 3.14 has ``terminate_workers``. Before it the executor has no public way to end
        a running task, so its worker processes (``_processes``, there since Python 3.2) are
        terminated (killed if they linger) and joined; their CPU time then counts in this
        process's children's usage. A worker ended while sending a result would leave the
        pool's reader waiting for the rest of it, so the parent's copy of the result pipe's
        write end, which only workers use, is closed too: the reader then sees the pipe's end.
        """
        terminate = getattr(self._pool, "terminate_workers", None)
        if terminate is not None:
            terminate()
        else:
            workers = list(getattr(self._pool, "_processes", {}).values())
            _log.info("ending %d pool worker(s) with abandoned tasks", len(workers))
            for process in workers:
                process.terminate()
            for process in workers:
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
                    process.join()
            writer = getattr(getattr(self._pool, "_result_queue", None), "_writer", None)
            if writer is not None:
                writer.close()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __repr__(self) -> str:
        return f"PoolExecutor(workers={self.workers})"


class DaskExecutor(Executor):
    """Tasks on a ``dask.distributed`` cluster reached at ``address`` (tcp://HOST:8786)."""

    def __init__(self, address: str, *, timeout: float = 30.0) -> None:
        try:
            from dask.distributed import Client
        except ImportError:
            raise RunError(
                "--scheduler needs dask.distributed: pip install 'dask[distributed]' (or oraclelab[sweep])."
            ) from None
        self.address = address
        try:
            self._client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise RunError(f"Cannot reach the Dask scheduler at {address}: {error}") from None
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values()))
        _log.info("Connected to Dask scheduler %s with %d worker threads", address, self.workers)

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_done: OnDone | None = None,
            until: Until | None = None) -> list[R]:
        from dask.distributed import as_completed as dask_completed

        futures = self._client.map(fn, list(items), pure=False)
        try:
            results = _gather_in_order(futures, dask_completed(futures, loop=self._client.loop), on_done, until)
        except BaseException:
            self._client.cancel(futures)
            raise
        if len(results) < len(futures):
            self._client.cancel(futures[len(results):])
        return results

    def close(self) -> None:
        self._client.close()

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r})"


def make_executor(scheduler: str | None = None, workers: int = 1) -> Executor:
    """The executor for a command's ``--scheduler`` and ``--workers`` options.

    A scheduler address selects Dask (``workers`` is then the cluster's business); otherwise
    ``workers == 1`` runs serially in this process and ``workers > 1`` on a local process pool.
    """
    if scheduler:
        if "://" not in scheduler:
            raise ParameterError(
                f"The 'scheduler' parameter must be an address like tcp://HOST:8786. Got {scheduler!r} instead."
            )
        return DaskExecutor(scheduler)
    workers = check_int_at_least(workers, "workers", "make_executor", 1)
    return SerialExecutor() if workers == 1 else PoolExecutor(workers)
