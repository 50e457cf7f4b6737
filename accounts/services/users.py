"""Writes to users, local authorities and memberships."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import LocalAuthority, Membership, Nation, Organisation, Role, Sector, User
from accounts.services.mfa import demo_totp_device_set


@dataclass(frozen=True)
class DemoAuthority:
    name: str
    ons_code: str
    nation: str
    email_prefix: str


DEMO_AUTHORITIES = (
    DemoAuthority("Northmoor City Council", "E08000901", Nation.ENGLAND, ""),
    DemoAuthority("Afon Vale County Borough Council", "W06000901", Nation.WALES, "other-"),
)

# The demo e-mail of each role: an interface that people and automated checks sign in with.
DEMO_ROLE_EMAILS = {
    Role.REFERRER: "referrer",
    Role.TRIAGE_OFFICER: "triage",
    Role.POLICE_PREVENT_OFFICER: "police",
    Role.CHANNEL_CHAIR: "chair",
    Role.PANEL_MEMBER: "panel",
    Role.PARTNER_CONTRIBUTOR: "partner",
    Role.INTERVENTION_PROVIDER: "provider",
    Role.PREVENT_LEAD: "lead",
    Role.AUDITOR: "auditor",
}

_DEMO_ORGANISATIONS = {
    Role.REFERRER: ("Hill Street Academy", Sector.EDUCATION),
    Role.POLICE_PREVENT_OFFICER: ("Counter Terrorism Policing", Sector.POLICE),
    Role.PARTNER_CONTRIBUTOR: ("Community Health Trust", Sector.HEALTH),
    Role.PANEL_MEMBER: ("Children's Social Care", Sector.LOCAL_AUTHORITY),
    Role.INTERVENTION_PROVIDER: ("Approved Intervention Provider", Sector.OTHER),
}


def demo_email(role: str, prefix: str) -> str:
    return f"{prefix}{DEMO_ROLE_EMAILS[role]}@example.org"


def demo_display_name(role: Role) -> str:
    """A demo user's name: the role's label as it is written (MASH, Prevent and Channel are names)."""
    return f"Demo {role.label}"


def user_create_with_membership(
    *,
    email: str,
    password: str,
    local_authority: LocalAuthority,
    role: str,
    organisation: Organisation | None = None,
    display_name: str = "",
) -> User:
    """Create a user holding one role in one local authority."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, display_name=display_name)
        Membership.objects.create(user=user, local_authority=local_authority, role=role, organisation=organisation)
    return user


@transaction.atomic
def demo_data_seed(*, password: str, totp_secret: str) -> list[tuple[str, str, str]]:
    """Create (or bring back to the known state) the demo authorities and one user per role in each.

    Idempotent: a second run changes nothing but the demo users' password, role and authenticator
    (one confirmed TOTP device with the published base32 `totp_secret`).
    Returns (e-mail, role label, authority name) rows for printing.
    """
    rows = []
    for spec in DEMO_AUTHORITIES:
        authority, _ = LocalAuthority.objects.update_or_create(
            ons_code=spec.ons_code,
            defaults={
                "name": spec.name,
                "nation": spec.nation,
                "mash_email": f"{spec.email_prefix}mash-inbox@example.org",
            },
        )
        for role in Role:
            organisation = None
            if role in _DEMO_ORGANISATIONS:
                org_name, sector = _DEMO_ORGANISATIONS[role]
                organisation, _ = Organisation.objects.get_or_create(
                    name=org_name, local_authority=authority, defaults={"sector": sector}
                )
            email = demo_email(role, spec.email_prefix)
            user, _ = User.objects.get_or_create(email=email, defaults={"display_name": demo_display_name(role)})
            if user.display_name == f"Demo {role.label.lower()}":  # as earlier versions named it: MASH read "mash"
                user.display_name = demo_display_name(role)
            user.set_password(password)
            user.is_active = True
            user.save()
            demo_totp_device_set(user=user, secret=totp_secret)
            Membership.objects.update_or_create(
                user=user,
                defaults={"local_authority": authority, "role": role, "organisation": organisation},
            )
            rows.append((email, role.label, authority.name))
    return rows
