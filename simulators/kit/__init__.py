"""What every simulator shares: the service, faults, latency and duration models, the journal, the control
API, provider states, signed webhooks, credentials and the fleet."""
