"""The load benchmark's own settings, URLconf and seeding (make bench-load; benchmarks/load.py)."""
