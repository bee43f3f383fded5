"""How a runtime reaches a system: one `Transport` protocol, three ways.

- `FastTransport` calls the service in-process: our request object, no bytes (simulated runs at scale);
- `wire_transport(app)` sends the bytes through the service's Flask app over WSGI, in-process
  (the simulated runs' reference);
- `live_transport(url)` sends them over a socket to a real server (`httpx.HTTPTransport`).

Each runtime keeps a mounts-style map, one transport per system name, and asks nothing else of it.
"""

from runtimes.transports.base import Transport
from runtimes.transports.fast import FastTransport, NothingListening
from runtimes.transports.wire import HttpxTransport, live_transport, wire_transport

__all__ = [
    "FastTransport",
    "HttpxTransport",
    "NothingListening",
    "Transport",
    "live_transport",
    "wire_transport",
]
