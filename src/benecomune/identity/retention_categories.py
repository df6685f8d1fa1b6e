"""The categories of the retention job: for each, which rows of a Comune are past their period
(`expired`) and what happens to them (`purge`: deleted, anonymised or pseudonymised).

A Comune's rows are those it holds as controller: its applications, claims, requests and
access log (their tenant); and, for the records of a person kept by others (bookings and
orders with providers, messages), those of its residents. Every purge returns
(object, action, person id) triples for the register (PurgeRecord).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast

from benecomune.identity.models import PurgeRecord, RetentionCategory
from benecomune.identity.retention_pseudonyms import (
    Scrubber,
    pseudonymise_audit,
    pseudonymise_transfers,
    pseudonymising,
)

C = RetentionCategory
BATCH = 500


@dataclass(frozen=True)
class Handler:
    years: int  # the default period
    expired: Callable  # (organization_id, cutoff) -> queryset
    purge: Callable  # (rows) -> [(obj, action, person_id)]


def _model(label):
    return apps.get_model(label)


def _registered(organization_id, object_type):
    """Ids already in the register (object_id is text: cast for the integer keys)."""
    return (
        PurgeRecord.objects_unscoped.filter(
            organization_id=organization_id, object_type=object_type
        )
        .annotate(ref=Cast("object_id", BigIntegerField()))
        .values("ref")
    )


def _delete(person_field):
    def purge(rows):
        records = [(row, "deleted", getattr(row, person_field)) for row in rows]
        rows.model._base_manager.filter(pk__in=[row.pk for row, *_r in records]).delete()
        return records

    return purge


# --- applications ------------------------------------------------------------------------


def _applications(organization_id, cutoff):
    return (
        _model("calls.Application")
        .objects_unscoped.filter(
            organization_id=organization_id,
            status__in=("rejected", "withdrawn"),
            call__closes_at__lt=cutoff,
        )
        .exclude(pk__in=_registered(organization_id, "calls.application"))
    )


def _anonymise_application(application) -> None:
    import hashlib

    for document in application.documents.all():
        document.file.delete(save=False)
        document.delete()
    for member in application.members.all():
        if member.person_id == application.applicant_id:
            continue
        code = "X" + hashlib.sha256(member.fiscal_code.encode()).hexdigest()[:15].upper()
        member.fiscal_code, member.full_name, member.person = code, "", None
        member.disability, member.active = False, False
        member.save(update_fields=["fiscal_code", "full_name", "person", "disability", "active"])
    type(application).objects_unscoped.filter(pk=application.pk).update(
        contact_phone="",
        contact_email="",
        isee_protocol="",
        declarations={},
        eligibility_notes=[],
        consent_note="",
    )


def _purge_applications(rows):
    records = []
    for application in rows.prefetch_related("documents", "members"):
        _anonymise_application(application)
        records.append((application, "anonymised", application.applicant_id))
    return records


# --- messages --------------------------------------------------------------------------------


def _notifications(organization_id, cutoff):
    return _model("core.Notification")._base_manager.filter(
        person__residence_id=organization_id, created_at__lt=cutoff
    )


def _emails(organization_id, cutoff):
    return _model("core.OutboxMessage")._base_manager.filter(
        organization_id=organization_id, created_at__lt=cutoff, status__in=("sent", "cancelled")
    )


# --- bookings and orders ---------------------------------------------------------------------

CLOSED_BOOKINGS = ("completed", "no_show", "declined", "cancelled")
CLOSED_ORDERS = ("delivered", "refunded", "cancelled", "payment_failed", "expired")


def _bookings(organization_id, cutoff):
    # A booking tied to an order goes with the order (the order's accounting period).
    return _model("bookings.Booking")._base_manager.filter(
        person__residence_id=organization_id,
        status__in=CLOSED_BOOKINGS,
        ends_at__lt=cutoff,
        order__isnull=True,
    )


def _orders(organization_id, cutoff):
    return (
        _model("bookings.Order")
        ._base_manager.filter(
            buyer__residence_id=organization_id,
            status__in=CLOSED_ORDERS,
            created_at__lt=cutoff,
        )
        .exclude(booking__status__in=("requested", "confirmed"))
    )


def _purge_orders(rows):
    orders = list(rows)
    ids = [order.pk for order in orders]
    _model("bookings.Booking")._base_manager.filter(order_id__in=ids).delete()
    _model("bookings.OrderPaymentEvent")._base_manager.filter(order_id__in=ids).delete()
    _model("bookings.Order")._base_manager.filter(pk__in=ids).delete()
    return [(order, "deleted", order.buyer_id) for order in orders]


# --- expense claims --------------------------------------------------------------------------


def _claims(organization_id, cutoff):
    return (
        _model("payouts.ExpenseClaim")
        .objects_unscoped.filter(
            organization_id=organization_id,
            status__in=("accepted", "partially_accepted", "rejected"),
            reviewed_at__lt=cutoff,
        )
        .exclude(pk__in=_registered(organization_id, "payouts.expenseclaim"))
    )


def _purge_claims(rows):
    records = []
    for claim in rows.prefetch_related("receipts"):
        for receipt in claim.receipts.all():
            receipt.file.delete(save=False)
            receipt.delete()
        claim.clarifications.update(answer="")
        # The amounts, dates, decision and transfer stay: they are the accounting evidence.
        type(claim).objects_unscoped.filter(pk=claim.pk).update(
            payee="", payee_key="", description="", decision_reason=""
        )
        records.append((claim, "anonymised", claim.person_id))
    return records


# --- wallets -----------------------------------------------------------------------------------


def _wallets(organization_id, cutoff):
    """Wallets whose validity ended before the cutoff, with nothing left on them (the expiry
    sweep gave the rest back). Own top-ups (no end date) never expire: the money is the
    citizen's."""
    from benecomune.ledger.services.statements import with_balances

    empty = with_balances(
        _model("ledger.Account").objects_unscoped.filter(
            organization_id=organization_id, person__isnull=False, held=0
        )
    ).filter(current_balance=0)
    return (
        _model("ledger.Wallet")
        .objects_unscoped.filter(
            organization_id=organization_id,
            valid_until__lt=cutoff.date(),
            account__in=empty.values("pk"),
        )
        .select_related("account", "person")
    )


def _purge_wallets(rows):
    records = []
    account_model, wallet_model = _model("ledger.Account"), _model("ledger.Wallet")
    for wallet in rows:
        scrub = Scrubber([wallet.person])
        # The wallet keeps its holder (a required key of the ledger's schema, and the proof of
        # whom the money was for); the account, the free texts and the cards lose them.
        account_model.objects_unscoped.filter(pk=wallet.account_id).update(
            person=None, name=scrub.text(wallet.account.name)
        )
        wallet_model.objects_unscoped.filter(pk=wallet.pk).update(title=scrub.text(wallet.title))
        _model("vouchers.VoucherCard").objects_unscoped.filter(wallet=wallet).update(
            close_reason=""
        )
        records.append((wallet, "anonymised", wallet.person_id))
    return records


# --- requests and access log -----------------------------------------------------------------


def _data_requests(organization_id, cutoff):
    return _model("identity.DataRequest").objects_unscoped.filter(
        organization_id=organization_id, status__in=("done", "refused"), closed_at__lt=cutoff
    )


def _access_log(organization_id, cutoff):
    return _model("identity.AccessLogEntry").objects_unscoped.filter(
        organization_id=organization_id, created_at__lt=cutoff
    )


def _purge_access_log(rows):
    """The access log is append-only: DELETE passes only while maintenance is on for this
    transaction (the triggers of identity 0002, widened on PostgreSQL by 0005)."""
    records = [(row, "deleted", row.person_id) for row in rows]
    ids = [row.pk for row, *_r in records]
    if not ids:
        return records
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('benecomune.audit_maintenance', 'on', true)")
        else:
            cursor.execute("INSERT INTO core_audit_maintenance (enabled) VALUES (1)")
        try:
            model = _model("identity.AccessLogEntry")
            for start in range(0, len(ids), BATCH):
                model._base_manager.filter(pk__in=ids[start : start + BATCH]).delete()
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('benecomune.audit_maintenance', 'off', true)")
            else:
                cursor.execute("DELETE FROM core_audit_maintenance")
    return records


# --- audit and ledger: pseudonymised, never deleted -------------------------------------------


def _audit(organization_id, cutoff):
    # Already pseudonymised events have no person and no personal text left: a second pass
    # leaves them as they are, but skipping them keeps the monthly run short.
    return (
        _model("core.AuditEvent")
        .objects_unscoped.filter(
            Q(organization_id=organization_id)
            | Q(organization__isnull=True, person__residence_id=organization_id),
            created_at__lt=cutoff,
        )
        .exclude(pk__in=_registered(organization_id, "core.auditevent"))
        .filter(Q(person__isnull=False) | ~Q(ip_address=None) | Q(object_type="core.person"))
    )


def _purge_audit(rows):
    changed = []
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    model = _model("core.AuditEvent")
    with pseudonymising():
        for start in range(0, len(ids), BATCH):
            events = list(model._base_manager.filter(pk__in=ids[start : start + BATCH]))
            changed += pseudonymise_audit(events)
    return [(event, "pseudonymised", person_id) for event, person_id in changed]


def _ledger(organization_id, cutoff):
    return (
        _model("ledger.Transfer")
        .objects_unscoped.filter(
            Q(debit_account__organization_id=organization_id)
            | Q(credit_account__organization_id=organization_id),
            created_at__lt=cutoff,
        )
        .exclude(memo="")
        .exclude(pk__in=_registered(organization_id, "ledger.transfer"))
    )


def _purge_ledger(rows):
    changed = []
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    model = _model("ledger.Transfer")
    with pseudonymising():
        for start in range(0, len(ids), BATCH):
            transfers = list(
                model._base_manager.filter(pk__in=ids[start : start + BATCH]).select_related(
                    "debit_account", "credit_account"
                )
            )
            changed += pseudonymise_transfers(transfers)
    return [(transfer, "pseudonymised", person_id) for transfer, person_id in changed]


# --- Welfare Points' cases ---------------------------------------------------------------


def _desk_cases(organization_id, cutoff):
    """Closed cases of the Comune's own Points, and of its residents at any Point (a union's,
    a company's): needs, notes and consents of a person the Comune looks after."""
    return _model("desk.Case")._base_manager.filter(
        Q(organization_id=organization_id) | Q(person__residence_id=organization_id),
        status="closed",
        closed_at__lt=cutoff,
    )


def _purge_desk_cases(rows):
    """Deleted with their notes, consents and attachments (and the attachments' files)."""
    cases = list(rows)
    ids = [case.pk for case in cases]
    for attachment in _model("desk.CaseAttachment")._base_manager.filter(case_id__in=ids):
        attachment.file.delete(save=False)
    _model("desk.Case")._base_manager.filter(pk__in=ids).delete()
    return [(case, "deleted", case.person_id) for case in cases]


HANDLERS: dict[str, Handler] = {
    C.REJECTED_APPLICATIONS: Handler(5, _applications, _purge_applications),
    C.NOTIFICATIONS: Handler(2, _notifications, _delete("person_id")),
    C.EMAILS: Handler(2, _emails, _delete("person_id")),
    C.BOOKINGS: Handler(5, _bookings, _delete("person_id")),
    C.ORDERS: Handler(10, _orders, _purge_orders),
    C.EXPENSE_CLAIMS: Handler(10, _claims, _purge_claims),
    C.WALLETS: Handler(10, _wallets, _purge_wallets),
    C.DATA_REQUESTS: Handler(5, _data_requests, _delete("person_id")),
    C.ACCESS_LOG: Handler(5, _access_log, _purge_access_log),
    C.DESK_CASES: Handler(5, _desk_cases, _purge_desk_cases),
    C.LEDGER: Handler(10, _ledger, _purge_ledger),
    C.AUDIT: Handler(10, _audit, _purge_audit),
}
