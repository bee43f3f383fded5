"""Monitoring as operators run it: the specification's alert thresholds as Prometheus rules, defined once
(`monitoring.rules`), served to Prometheus from `monitoring/prometheus/`, and evaluated over every
simulated run's time series read as scrapes (`monitoring.alerts`, `scenarios.alerting`)."""
