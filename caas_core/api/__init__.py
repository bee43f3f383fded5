"""The core's own HTTP API: routes, the service the transports call, and Prometheus metrics."""
