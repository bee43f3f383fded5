"""A small closed-loop HTTP/1.1 load generator on asyncio streams: N keep-alive connections, each sending
its next request as soon as the previous answer is read. Lighter than an HTTP client library, so the
generator is not what limits the measured server."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_s: list[float] = field(repr=False)
    statuses: dict[int, int]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_s, p)


def percentile(values: list[float], p: float) -> float:
    """The empirical p-th percentile: the value at rank p % of the sorted values (no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def _worker(
    host: str, port: int, raw: bytes, quota: list[int], sink: LoadResult, deadline: float
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while quota[0] > 0 and time.perf_counter() < deadline:
            quota[0] -= 1
            start = time.perf_counter()
            writer.write(raw)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            sink.latencies_s.append(time.perf_counter() - start)
            status = int(status_line.split()[1])
            sink.statuses[status] = sink.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _run(
    url_host: str,
    port: int,
    path: str,
    headers: dict[str, str],
    concurrency: int,
    requests: int,
    max_seconds: float,
) -> LoadResult:
    lines = [f"GET {path} HTTP/1.1", f"Host: {url_host}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode()
    sink = LoadResult(0, 0.0, [], {})
    quota = [requests]
    start = time.perf_counter()
    deadline = start + max_seconds
    await asyncio.gather(*(_worker(url_host, port, raw, quota, sink, deadline) for _ in range(concurrency)))
    sink.seconds = time.perf_counter() - start
    sink.requests = len(sink.latencies_s)
    return sink


def run_load(
    port: int,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    concurrency: int = 50,
    requests: int = 10_000,
    max_seconds: float = 30.0,
    host: str = "127.0.0.1",
) -> LoadResult:
    return asyncio.run(_run(host, port, path, headers or {}, concurrency, requests, max_seconds))
