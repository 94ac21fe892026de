"""Benchmarks: scripts that print figures. Not tests; see bench/README.md.

A package so that bench.settings (for gunicorn) and bench.torture (for the PostgreSQL test that
runs a short torture) can be imported.
"""
