from django.apps import AppConfig


class EncryptionConfig(AppConfig):
    name = "encryption"

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun
        from django.core.signals import setting_changed

        from . import scope
        from .keyring import keyring_reset

        # Unwrapped data keys live only as long as the task that needed them.
        task_prerun.connect(scope.task_scope_open, dispatch_uid="encryption.task_scope_open", weak=False)
        task_postrun.connect(scope.task_scope_close, dispatch_uid="encryption.task_scope_close", weak=False)

        def _reset(setting: str, **_: object) -> None:
            if setting in {"ENCRYPTION_KEYRING", "BLIND_INDEX_KEY"}:
                keyring_reset()

        setting_changed.connect(_reset, dispatch_uid="encryption.keyring_reset", weak=False)
