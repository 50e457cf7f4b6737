from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and local authorities"

    def ready(self) -> None:
        from django.contrib import admin

        from accounts import receivers  # noqa: F401  (connects the signal receivers)
        from accounts.admin import admin_site_audit

        # django.contrib.admin comes first in INSTALLED_APPS: every admin module is registered by now.
        admin_site_audit(admin.site)
