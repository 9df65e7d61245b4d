"""Writes for the pledge campaign, one module per aggregate: import from the submodules."""
