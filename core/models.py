"""Abstract base for the service's models: a UUID key known before the first save."""

from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    # UUID primary keys are known before the first save, so encrypted fields can bind to the row.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
