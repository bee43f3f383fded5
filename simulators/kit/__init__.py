"""What every simulator shares: routing, faults, latency models, the journal, the control API, the fleet."""
