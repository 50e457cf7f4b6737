"""Channel panels, consent, support plans, reviews and exit (to come)."""
