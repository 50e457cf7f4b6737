"""Screening a case (ISSUE 13, points 3 and 5): the police gateway check, the screening outcome and the decision
after information gathering. Each record drives the referral's transition in its own transaction."""
