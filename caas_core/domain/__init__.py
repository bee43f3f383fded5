"""The core's domain: order and purchase lifecycles as tables, and the records the store keeps."""
