"""Benchmarks (make bench): figures printed, never pass/fail timing assertions in tests."""
