"""The same settings, named as something other than production so the demo seeds agree to run (seeding only)."""

from benchmarks.load.settings import *  # noqa: F403

ENVIRONMENT = "bench-seed"
