"""Transfer to CTP, purge, certificates and statistical tombstones (to come)."""
