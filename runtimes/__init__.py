"""The two drivers of the core's flows: live (scaled wall clock, sockets) and simulated (SimPy).

Only these modules touch clocks, threads, SimPy and httpx; `caas_core` stays free of them.
"""

from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from runtimes.simulated import SimHandle, SimulatedRuntime
from runtimes.streams import Streams, stream_seed
from runtimes.transports import FastTransport, Transport, WireTransport

__all__ = [
    "BackgroundServer",
    "FastTransport",
    "LiveRuntime",
    "SimHandle",
    "SimulatedRuntime",
    "Streams",
    "Transport",
    "WireTransport",
    "stream_seed",
]
