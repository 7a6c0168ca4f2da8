"""Where batches are checked: inline, in a pool of processes, or on a Dask cluster; each with a bounded window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from factrules.children import die_with_parent
from factrules.errors import UsageError
from factrules.scan.check import BatchResult, ScanOptions, check_batch
from factrules.scan.corpus import Item

Runner = Callable[[Iterator[list[Item]], ScanOptions, int], Iterator[BatchResult]]


def run_inline(work: Iterator[list[Item]], options: ScanOptions, jobs: int) -> Iterator[BatchResult]:
    for batch in work:
        yield check_batch(batch, options)


def run_processes(work: Iterator[list[Item]], options: ScanOptions, jobs: int) -> Iterator[BatchResult]:
    """Process pool with a bounded window of batches in flight (Pool.imap would read the whole corpus).

    The workers die with this process (``die_with_parent``): after a ``kill -9`` of the scan they would
    check batches nobody writes.
    """
    window = jobs * 3
    with ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent) as pool:
        pending: set[Future[BatchResult]] = set()
        for batch in work:
            pending.add(pool.submit(check_batch, batch, options))
            if len(pending) >= window:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()


def run_dask(scheduler: str) -> Runner:
    """A runner that sends batches to a dask.distributed cluster, with the same bounded window."""

    def runner(work: Iterator[list[Item]], options: ScanOptions, jobs: int) -> Iterator[BatchResult]:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise UsageError("the dask engine needs dask.distributed: pip install 'factrules[dask]'") from None
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        try:
            window = max(2 * sum(client.nthreads().values()), 2)
            queue = as_completed()
            in_flight = 0
            for batch in work:
                queue.add(client.submit(check_batch, batch, options, pure=False))
                in_flight += 1
                if in_flight >= window:
                    future = next(queue)
                    in_flight -= 1
                    yield future.result()
                    future.release()
            for future in queue:
                yield future.result()
                future.release()
        finally:
            client.close()

    return runner


