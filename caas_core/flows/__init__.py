"""The core's workflows: each a generator of effects, run by whichever runtime drives the core."""
