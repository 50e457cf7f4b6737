"""The case root and the referral lifecycle (the referral intake issue builds it)."""
