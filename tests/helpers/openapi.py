"""What every simulator's OpenAPI document lists besides its own API: the shared control API."""

CONTROL_OPERATIONS = {
    ("GET", "/"),
    ("GET", "/__sandbox/faults"),
    ("POST", "/__sandbox/faults"),
    ("DELETE", "/__sandbox/faults"),
    ("DELETE", "/__sandbox/faults/{fault_id}"),
    ("GET", "/__sandbox/journal"),
    ("GET", "/__sandbox/state"),
    ("POST", "/__sandbox/reset"),
    ("POST", "/__sandbox/provider-states"),
    ("GET", "/openapi.json"),
}
