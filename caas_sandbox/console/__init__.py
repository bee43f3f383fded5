"""The core's port in the live sandbox: the core's own API, and beside it what only the sandbox can show,
since it reaches every partner too: a trace across the five systems, the partners' faults, the dashboard
page, and an index of it all. None of it is part of the core, which never touches a socket."""
