"""The append-only audit log (the audit issue builds it)."""
