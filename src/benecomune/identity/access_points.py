"""The registry of staff pages that show a person's personal data, and how each finds whose
data it shows. `identity.access_middleware` writes one access-log entry for every successful
GET of these pages; tests/identity/test_access_registry.py fails when a /gestione/ page naming
a person, an application, a claim or a file is neither here nor in EXEMPT (with why).

A point is `(view name, kind, subject)`: `subject(kwargs)` returns the Subject seen, looked up
through the tenant-scoped managers (another Comune's object is not found: the view answers
404 and nothing is written), or None. `file_check=True` marks a person's whole file (the
registry page, a desk's page of one person): opened outside the viewer's worklist it asks a
reason first (see identity.access.in_worklist). Only the registry's page of a person is
such a file: the desk's pages of one person (applications, cards, claims, conversations at
the counter) serve the citizen who is there, and every action taken for them carries their
consent (core.on_behalf); they are logged, without a reason.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Subject:
    person_id: int
    organization_id: int
    object_type: str
    object_id: str


@dataclass(frozen=True)
class AccessPoint:
    view_name: str
    kind: str
    subject: Callable[[dict], Subject | None]
    file_check: bool = False


def by_model(label: str, kwarg: str, person: str, organization: str, manager: str = "objects"):
    """A subject found by the object's pk in URL `kwarg`: `person` and `organization` are the
    lookups (e.g. "applicant_id", "organization_id") on model `label`."""

    def find(kwargs: dict) -> Subject | None:
        model = apps.get_model(label)
        pk = kwargs.get(kwarg)
        row = getattr(model, manager).filter(pk=pk).values_list(person, organization).first()
        if row is None or row[0] is None:
            return None
        return Subject(row[0], row[1], label.lower(), str(pk))

    return find


def person_file(kwarg: str = "pk"):
    return by_model("core.Person", kwarg, "pk", "residence_id")


def household_head(kwargs: dict) -> Subject | None:
    model = apps.get_model("core.HouseholdMember")
    row = (
        model.objects.filter(
            household__in=apps.get_model("core.Household").objects.filter(pk=kwargs.get("pk")),
            relationship="head",
        )
        .values_list("person_id", "household__municipality_id")
        .first()
    )
    return Subject(row[0], row[1], "core.household", str(kwargs["pk"])) if row else None


APPLICATION = by_model("calls.Application", "pk", "applicant_id", "organization_id")
CLAIM = by_model("payouts.ExpenseClaim", "pk", "person_id", "organization_id")
WALLET = by_model("ledger.Wallet", "pk", "person_id", "organization_id")
DESK_CASE = by_model("desk.Case", "pk", "person_id", "organization_id")
# A Point's operator filling an application for a case's person: the application lives in the
# person's Comune, not the operator's tenant. Looked up unscoped: the middleware logs only a
# successful GET, after the view found the application among the operator's own cases.
POINT_APPLICATION = by_model(
    "calls.Application", "pk", "applicant_id", "organization_id", manager="objects_unscoped"
)
THREAD = by_model("marketplace.Thread", "pk", "person_id", "person__residence_id", "for_desk")

# Kinds of core's checked file view (/gestione/file/<kind>/<pk>/) holding personal data.
FILE_KINDS: dict[str, Callable[[dict], Subject | None]] = {
    "application-document": by_model(
        "calls.ApplicationDocument",
        "pk",
        "application__applicant_id",
        "application__organization_id",
    ),
    "claim-receipt": CLAIM,
    "ricevuta-welfare": CLAIM,  # a company-plan claim's receipt, for the company's HR
    "claim-receipt-version": by_model(
        "payouts.ClaimReceipt", "pk", "claim__person_id", "claim__organization_id"
    ),
    "card": WALLET,
    "desk-case-attachment": by_model(
        "desk.CaseAttachment", "pk", "case__person_id", "case__organization_id"
    ),
    "desk-delegation-document": by_model(
        "desk.DelegationDocument", "pk", "delegation__person_id", "delegation__organization_id"
    ),
    "desk-orientation": by_model("desk.Orientation", "pk", "person_id", "case__organization_id"),
    # An appointment's .ics names the person (and their e-mail address) for the Point's staff.
    "desk-appointment-calendar": by_model(
        "desk.Appointment", "pk", "person_id", "point__organization_id"
    ),
}
# File kinds without a person's data, or not the administration's (a provider's own files).
EXEMPT_FILE_KINDS: dict[str, str] = {
    "job-result": "an export: the job and its download are audited (job.started)",
    "paper-import": "a spreadsheet of paper applications, handled by the import job (audited)",
    "payout-file": "a bank file of payments to shops, not citizens",
    "payout-file-legacy": "a bank file of payments to shops, not citizens",
    "debit-note": "a Comune's debit note to a shop",
    "marketplace-evidence": "a provider's accreditation document",
    "marketplace-message": "an attachment in a provider's conversation (the provider's file)",
    "marketplace-image": "a provider's public picture",
    "marketplace-promotion": "a shop's public promotion picture",
    "marketplace-service-photo": "a provider's public service photo",
    "piano-welfare": "a company's welfare plan (rules for groups, never named persons)",
    "proforma-welfare": "a company's funding request to the network (company data, no person)",
}


def file_subject(kwargs: dict) -> Subject | None:
    find = FILE_KINDS.get(kwargs.get("kind", ""))
    return find(kwargs) if find else None


POINTS: dict[str, AccessPoint] = {
    point.view_name: point
    for point in [
        AccessPoint("core:person_detail", "person", person_file(), file_check=True),
        AccessPoint("core:person_iban", "payment_data", person_file()),
        AccessPoint("core:person_contacts", "person", person_file()),
        AccessPoint("core:household_add_member", "household", household_head),
        AccessPoint("core:member_relationship", "household", person_file()),
        AccessPoint("core:member_remove", "household", person_file()),
        AccessPoint("core:file", "document", file_subject),
        AccessPoint("calls:desk_person", "person", person_file()),
        AccessPoint("calls:desk_application", "application", APPLICATION),
        AccessPoint("calls:desk_application_edit", "application", APPLICATION),
        AccessPoint("calls:desk_application_household", "application", APPLICATION),
        AccessPoint("calls:desk_application_document", "document", APPLICATION),
        AccessPoint("calls:desk_application_receipt", "application", APPLICATION),
        AccessPoint("calls:desk_application_consent", "application", APPLICATION),
        AccessPoint("calls:review_detail", "application", APPLICATION),
        AccessPoint("calls:review_checklist", "application", APPLICATION),
        AccessPoint("calls:review_document", "document", APPLICATION),
        AccessPoint("vouchers:desk_person", "person", person_file()),
        AccessPoint("vouchers:desk_issued", "wallet", WALLET),
        AccessPoint("vouchers:desk_card_pdf", "wallet", WALLET),
        AccessPoint("payouts:desk_claims", "person", person_file("person_pk")),
        AccessPoint("payouts:claim_review", "claim", CLAIM),
        AccessPoint("payouts:claim_document", "document", CLAIM),
        AccessPoint("corporate:claim_review", "claim", CLAIM),
        # A payment order to a citizen (their IBAN); an order to a shop has no person.
        AccessPoint(
            "payouts:order",
            "payment_order",
            by_model("payouts.PayoutOrder", "pk", "person_id", "organization_id"),
        ),
        AccessPoint("marketplace:desk_threads", "person", person_file("person_pk")),
        AccessPoint("marketplace:desk_thread", "conversation", THREAD),
        AccessPoint(
            "identity:request_detail",
            "data_request",
            by_model("identity.DataRequest", "pk", "person_id", "organization_id"),
        ),
        AccessPoint("marketplace:desk_reviews", "person", person_file("person_pk")),
        AccessPoint("bookings:desk_bookings", "person", person_file("person_pk")),
        # A Welfare Point's case file (an anonymous contact names nobody: nothing to log).
        AccessPoint("desk:case", "welfare_case", DESK_CASE),
        AccessPoint("desk:referral_new", "welfare_case", DESK_CASE),
        AccessPoint("desk:desk_delegation_new", "welfare_case", DESK_CASE),
        AccessPoint("desk:orientation", "welfare_case", DESK_CASE),
        AccessPoint("desk:case_booking", "welfare_case", DESK_CASE),
        AccessPoint("desk:case_applications", "welfare_case", DESK_CASE),
        AccessPoint("desk:case_cards", "welfare_case", DESK_CASE),
        AccessPoint("desk:case_card_issued", "welfare_case", DESK_CASE),
        AccessPoint("desk:case_card_pdf", "welfare_case", DESK_CASE),
        AccessPoint("desk:case_claims", "welfare_case", DESK_CASE),
        AccessPoint("desk:case_claim_new", "welfare_case", DESK_CASE),
        AccessPoint("desk:point_application", "application", POINT_APPLICATION),
        AccessPoint("desk:point_application_edit", "application", POINT_APPLICATION),
        AccessPoint("desk:point_application_household", "application", POINT_APPLICATION),
        AccessPoint("desk:point_application_document", "document", POINT_APPLICATION),
        AccessPoint("desk:point_application_receipt", "application", POINT_APPLICATION),
    ]
}

# /gestione/ pages naming a person, an application, a claim or a file that are not logged,
# and why. A POST-only action is audited by its service (who, what, when, for whom).
_ACTION = "an action (POST): its service writes the audit event"
_PROVIDER = "a provider's own order: the buyer's data it needs to deliver, not the Comune's file"
EXEMPT: dict[str, str] = {
    "calls:desk_application_autosave": _ACTION,
    "calls:desk_application_document_add": _ACTION,
    "calls:desk_application_document_remove": _ACTION,
    "calls:desk_application_submit": _ACTION,
    "calls:desk_application_withdraw": _ACTION,
    "calls:desk_application_answer": _ACTION,
    "calls:review_recheck": _ACTION,
    "calls:review_clarify": _ACTION,
    "calls:review_complete": _ACTION,
    "calls:review_decide": _ACTION,
    "calls:review_bulk_job": "progress of a bulk decision job: no person's data",
    "vouchers:desk_block": _ACTION,
    "vouchers:desk_issue": _ACTION,
    "payouts:desk_claim_new": "the form for a new claim of an award already shown",
    "payouts:claim_policy": "a call's rules for claims: no person's data",
    "marketplace:desk_thread_new": "the form for a new conversation (the person's page is logged)",
    "marketplace:desk_thread_status": _ACTION,
    "marketplace:desk_review_new": "the form for a review (the person's page is logged)",
    "marketplace:inbox_thread": "a provider's own conversation with its customer",
    "marketplace:inbox_thread_status": _ACTION,
    "marketplace:inbox_thread_report": _ACTION,
    "identity:access_reason": "the reason form itself: shows no data",
    "bookings:desk_booking_new": "the form for a booking (the person's page is logged)",
    "bookings:desk_booking_cancel": _ACTION,
    "bookings:desk_waitlist_join": _ACTION,
    "bookings:desk_waitlist_leave": _ACTION,
    "bookings:provider_order": _PROVIDER,
    "bookings:provider_order_receipt": _PROVIDER,
    "bookings:provider_order_deliver": _ACTION,
    "bookings:provider_order_cancel": _ACTION,
    "bookings:provider_order_refund": _ACTION,
    "desk:case_action": _ACTION,
    "desk:consent_withdraw": _ACTION,
    "desk:orientation_dismiss": _ACTION,
    "desk:orientation_give": _ACTION,
    "desk:orientation_unmet": _ACTION,
    "desk:case_apply": _ACTION,
    "desk:case_card_issue": _ACTION,
    "desk:case_card_block": _ACTION,
    "desk:point_application_autosave": _ACTION,
    "desk:point_application_document_add": _ACTION,
    "desk:point_application_document_remove": _ACTION,
    "desk:point_application_submit": _ACTION,
    "desk:point_application_withdraw": _ACTION,
    "desk:point_application_answer": _ACTION,
}


def point_for(view_name: str) -> AccessPoint | None:
    return POINTS.get(view_name)
