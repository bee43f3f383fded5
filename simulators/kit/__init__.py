"""What every simulator shares: the service, faults, the distributions of latencies and durations, the
journal, the control API, provider states, signed webhooks, credentials and the fleet."""
