"""Per-case data keys (the encryption issue builds them)."""
