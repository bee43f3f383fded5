"""The core's durable state."""

from caas_core.store.sqlite import Store

__all__ = ["Store"]
