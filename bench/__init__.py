"""Benchmarks: each prints its figures next to its budget."""
