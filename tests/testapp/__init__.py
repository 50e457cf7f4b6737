"""Models used only by the encryption tests and benchmark (installed by config.settings.test)."""
