"""Run a list of jobs serially, on a local process pool, or on a Dask cluster; results in job order.

A job is any picklable value and `fn` the top-level function that runs it: the policy lab's runs
(`run_job`, the default) and the crash fuzzer's seeds (`scenarios.fuzz.run_fuzz_job`) share these.

Results are stored by the job's index, never by completion order, and each job is a pure function of its
own data: so the numbers cannot depend on the executor or on the number of workers. Dask is imported only
when an address is given, so the optional extra is needed only by those who use it.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from caas_core.errors import ConfigError
from scenarios.lab.jobs import run_job

J = TypeVar("J")
R = TypeVar("R")
Progress = Callable[[int], None]  # told how many more jobs have finished


def default_workers() -> int:
    return os.cpu_count() or 1


def run_jobs(
    jobs: Sequence[J],
    *,
    fn: Callable[[J], R] = run_job,  # type: ignore[assignment]
    workers: int | None = None,
    dask_address: str | None = None,
    progress: Progress | None = None,
) -> list[R]:
    advance = progress or (lambda _n: None)
    if dask_address is not None:
        return run_on_dask(jobs, fn, dask_address, advance)
    count = workers or default_workers()
    if count <= 1 or len(jobs) <= 1:
        return run_serially(jobs, fn, advance)
    return run_on_pool(jobs, fn, count, advance)


def run_serially(jobs: Sequence[J], fn: Callable[[J], R], advance: Progress) -> list[R]:
    results = []
    for job in jobs:
        results.append(fn(job))
        advance(1)
    return results


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent alone handles it, so the user sees one line
    # instead of a traceback from every worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_on_pool(jobs: Sequence[J], fn: Callable[[J], R], workers: int, advance: Progress) -> list[R]:
    results: list[R | None] = [None] * len(jobs)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=_ignore_interrupts)
    try:
        futures = {pool.submit(fn, job): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            advance(1)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return _complete(results)


def run_on_dask(jobs: Sequence[J], fn: Callable[[J], R], address: str, advance: Progress) -> list[R]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError(
            "--dask needs the optional extra: pip install '.[distributed]' in the checkout "
            "(make install does)"
        ) from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise ConfigError(f"--dask {address}: cannot reach the scheduler ({error})") from None
    try:
        # pure=False: two equal jobs (say, one scenario listed twice) still run and report separately.
        futures = client.map(fn, list(jobs), pure=False)
        index = {future.key: position for position, future in enumerate(futures)}
        results: list[R | None] = [None] * len(jobs)
        for future in dask_completed(futures):
            try:
                results[index[future.key]] = future.result()
            except ModuleNotFoundError as error:
                raise ConfigError(
                    f"--dask {address}: a worker cannot import {error.name}; install caas-sandbox there"
                ) from None
            advance(1)
        return _complete(results)
    finally:
        client.close()


def _complete(results: list[Any]) -> list[Any]:
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        raise RuntimeError(f"jobs {missing} returned no result")
    return [r for r in results if r is not None]
