"""Mock servers for the external systems: behaviour model + route table + thin Flask app each."""
