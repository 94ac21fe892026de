"""Benchmarks: scripts that print figures. Not tests; see bench/README.md.

A package so that bench.settings and bench.urls can be imported by gunicorn and the scripts.
Tests never import it: what tests and benchmarks share is in testkit/.
"""
