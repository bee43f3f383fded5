"""Pact contracts and OpenAPI documents for the APIs partners still have to build."""
