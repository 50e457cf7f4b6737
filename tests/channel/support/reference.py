"""The VAF catalogue and intervention types that channel's data migration loads, written again for tests that
run after a transactional test (which empties every table, reference data included). Idempotent."""

from __future__ import annotations

import importlib

from django.apps import apps


def channel_reference_seed() -> None:
    migration = importlib.import_module("channel.migrations.0003_vaf_catalogue_and_intervention_types")
    migration.load(apps, None)
