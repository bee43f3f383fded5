"""The two drivers of the core's flows: live (scaled wall clock, sockets) and simulated (SimPy), the
transports they reach systems through, and the live servers' delivery of latency.

Only these modules touch clocks, threads, SimPy and httpx; `caas_core` stays free of them.
"""

from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from runtimes.simulated import SimHandle, SimulatedRuntime
from runtimes.streams import Streams, stream_seed
from runtimes.transports import FastTransport, HttpxTransport, Transport, live_transport, wire_transport

__all__ = [
    "BackgroundServer",
    "Delivery",
    "FastTransport",
    "HttpxTransport",
    "LiveRuntime",
    "SimHandle",
    "SimulatedRuntime",
    "Streams",
    "Transport",
    "live_transport",
    "stream_seed",
    "wire_transport",
]
