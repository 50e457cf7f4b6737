"""The screening reasons that mash's data migration seeds, written again for transactional tests.

A transactional test (the browser tests' live server, the migration tests) empties every table when it ends,
the reference data of data migrations included; the tests after it put the reasons back with this.
"""

from __future__ import annotations

import importlib

from django.apps import apps


def screening_reasons_seed() -> None:
    migration = importlib.import_module("mash.migrations.0003_screening")
    migration.seed_reasons(apps, None)
