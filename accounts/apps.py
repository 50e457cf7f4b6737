from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and local authorities"

    def ready(self) -> None:
        from django.contrib import admin

        from accounts import receivers  # noqa: F401  (connects the signal receivers)
        from audit.formatters import register_code_labels

        # Audit pages and CSVs show these codes by their labels (audit sits below accounts).
        token_refusals = [("EXPIRED", "expired"), ("REVOKED", "revoked"), ("USER_INACTIVE", "account deactivated")]
        register_code_labels("reason_code", labels=token_refusals)
        methods = [("totp", "an authenticator app"), ("backup_code", "a backup code"), ("passkey", "a passkey")]
        register_code_labels("method", labels=methods)
        unlocked_by = [("prevent_lead", "by the Prevent lead"), ("operator_command", "by an operator")]
        register_code_labels("via", labels=unlocked_by)
        from accounts.admin import admin_site_audit

        # django.contrib.admin comes first in INSTALLED_APPS: every admin module is registered by now.
        admin_site_audit(admin.site)
