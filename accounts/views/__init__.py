"""Views of the accounts app, by subject: auth, mfa, users (management), invitations."""
