"""The `caas-sandbox` command line."""

__version__ = "0.1.0"
