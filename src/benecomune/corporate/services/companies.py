"""A company joins the network: the network admin adds it (core's onboarding: name, checked
partita IVA, contacts) with its welfare profile (ATECO code, CCNL) and invites its first HR
admin (core's staff invitations). The HR admin keeps the profile up to date."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Company, Network, Role
from benecomune.core.services import onboarding, staff
from benecomune.corporate.models import CompanyProfile
from benecomune.corporate.models.companies import CCNL_CHOICES

PROFILE_FIELDS = ["ateco_code", "ccnl", "ccnl_other"]


def _profile_errors(ateco_code: str, ccnl: str, ccnl_other: str) -> dict:
    profile = CompanyProfile(ateco_code=ateco_code, ccnl=ccnl, ccnl_other=ccnl_other)
    errors: dict = {}
    try:
        profile.full_clean(exclude=["company"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if ccnl == "other" and not ccnl_other:
        errors["ccnl_other"] = [_("Indichi il CCNL applicato.")]
    return errors


def _clean_profile(ateco_code: str, ccnl: str, ccnl_other: str) -> tuple[str, str, str]:
    ateco_code = "".join((ateco_code or "").split())
    ccnl_other = " ".join((ccnl_other or "").split())[:200]
    if ccnl not in dict(CCNL_CHOICES):
        ccnl = ccnl or ""
    return ateco_code, ccnl, ccnl_other if ccnl == "other" else ""


@transaction.atomic
def join_network(
    actor: Actor,
    network: Network,
    *,
    name: str,
    vat_number: str,
    ateco_code: str,
    ccnl: str,
    ccnl_other: str = "",
    slug: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    hr_admin_name: str = "",
    hr_admin_email: str = "",
    base_url: str = "",
) -> Company:
    """Add the company with its profile; invite its first HR admin when given. Every problem
    is reported at once and nothing is written unless all is valid."""
    actor.require("organizations.manage", network)
    ateco_code, ccnl, ccnl_other = _clean_profile(ateco_code, ccnl, ccnl_other)
    errors = _profile_errors(ateco_code, ccnl, ccnl_other)
    try:
        with transaction.atomic():
            company = onboarding.add_company(
                actor,
                network,
                name=name,
                vat_number=vat_number,
                slug=slug,
                email=email,
                phone=phone,
                address=address,
            )
            if errors:
                raise ValidationError(errors)
    except ValidationError as exc:
        merged = dict(errors)
        for key, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            merged.setdefault(key, [])
            merged[key] += [m for m in messages if m not in merged[key]]
        raise ValidationError(merged) from None
    profile = CompanyProfile.objects_unscoped.create(
        company=company, ateco_code=ateco_code, ccnl=ccnl, ccnl_other=ccnl_other
    )
    audit.record(
        actor,
        "company.profile_set",
        company,
        organization=company,
        after=audit.snapshot(profile, PROFILE_FIELDS),
    )
    if hr_admin_email:
        # The actor's tenants were read before the company existed: read them again.
        if actor.membership is not None:
            actor = Actor.for_membership(actor.membership, actor.ip_address)
        staff.invite(
            actor,
            company,
            email=hr_admin_email,
            full_name=hr_admin_name,
            role=Role.COMPANY_HR,
            base_url=base_url,
        )
    return company


@transaction.atomic
def update_profile(
    actor: Actor, company: Company, *, ateco_code: str, ccnl: str, ccnl_other: str = ""
) -> CompanyProfile:
    actor.require("company.manage", company)
    ateco_code, ccnl, ccnl_other = _clean_profile(ateco_code, ccnl, ccnl_other)
    errors = _profile_errors(ateco_code, ccnl, ccnl_other)
    if errors:
        raise ValidationError(errors)
    profile = CompanyProfile.objects_unscoped.select_for_update().filter(company=company).first()
    before = audit.snapshot(profile, PROFILE_FIELDS) if profile else None
    if profile is None:
        profile = CompanyProfile(company=company)
    profile.ateco_code, profile.ccnl, profile.ccnl_other = ateco_code, ccnl, ccnl_other
    profile.save()
    audit.record(
        actor,
        "company.profile_set",
        company,
        organization=company,
        before=before,
        after=audit.snapshot(profile, PROFILE_FIELDS),
    )
    return profile
