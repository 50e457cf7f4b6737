"""The Home Office assurance and benchmarking export (to come)."""
