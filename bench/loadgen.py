"""A small HTTP/1.1 load generator on asyncio: fixed concurrency, one connection per request.

gunicorn's sync workers close the connection after each response, as they do in production,
so every request opens its own loopback connection. Needs nothing beyond the standard
library, so a fresh machine runs the benchmarks with the project's own files only.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    """What one load run measured. Latencies in milliseconds."""

    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")


RequestFactory = Callable[[int], tuple[str, str, bytes | None, dict[str, str]]]


def _raw(method: str, path: str, body: bytes | None, headers: dict[str, str], host: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


async def _one(host: str, port: int, raw: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(raw)
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # until the server closes
    finally:
        writer.close()
    elapsed = (time.perf_counter() - started) * 1000
    parts = status_line.split()
    return (int(parts[1]) if len(parts) > 1 else 0), elapsed


async def _run(
    *,
    host: str,
    port: int,
    factory: RequestFactory,
    concurrency: int,
    seconds: float | None,
    requests: int | None,
    warmup: int,
) -> Result:
    result = Result()
    counter = 0
    deadline: float | None = None

    def next_raw() -> bytes | None:
        nonlocal counter
        if requests is not None and counter >= requests + warmup:
            return None
        if deadline is not None and time.perf_counter() >= deadline:
            return None
        method, path, body, headers = factory(counter)
        counter += 1
        return _raw(method, path, body, headers, host)

    # Warm-up: every worker has connected and loaded its code before the clock starts.
    for _ in range(warmup):
        raw = next_raw()
        if raw is not None:
            await _one(host, port, raw)

    async def user() -> None:
        while True:
            raw = next_raw()
            if raw is None:
                return
            try:
                status, elapsed = await _one(host, port, raw)
            except OSError:
                status, elapsed = 0, 0.0
            result.requests += 1
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if not 200 <= status < 300:
                result.errors += 1
            else:
                result.latencies.append(elapsed)

    started = time.perf_counter()
    if seconds is not None:
        deadline = started + seconds
    await asyncio.gather(*(user() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def load(
    *,
    factory: RequestFactory,
    concurrency: int,
    seconds: float | None = None,
    requests: int | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
    warmup: int = 10,
) -> Result:
    """Run ``factory``'s requests at ``concurrency`` for ``seconds`` or ``requests``."""
    return asyncio.run(
        _run(
            host=host,
            port=port,
            factory=factory,
            concurrency=concurrency,
            seconds=seconds,
            requests=requests,
            warmup=warmup,
        )
    )
