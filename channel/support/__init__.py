"""Channel support (DOMAIN.md, journey steps 6 to 11): the VAF, consent, the support plan with its
Intervention Providers, and the post-exit reviews. Models are imported into channel/models.py."""
