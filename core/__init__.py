"""The shared kernel: request ids, key settings, the GOV.UK form renderer, site pages. No business rules."""
