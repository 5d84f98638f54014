"""Format overrides (settings.FORMAT_MODULE_PATH) on top of Django's own locale formats."""
