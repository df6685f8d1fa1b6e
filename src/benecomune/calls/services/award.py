"""Award: the final ranking becomes benefits, through the ledger.

Voucher and service calls open a wallet per funded application and credit it from the call's
fund, consuming the call's budget reservation (`ledger.services.awards.open_wallets_and_award`).
Reimbursement calls create the entitlement (the `Award`) and keep its amount reserved: claims
are paid from that reservation. Work goes in chunks, one transaction each; an interrupted run is
started again and carries on from the first application without an award, so nobody is awarded
twice (an application has at most one award, and each ledger transfer has a unique key).
At the end whatever budget was not awarded goes back to the fund's free balance.
"""

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls.exceptions import CallError
from benecomune.calls.lifecycles import CALL
from benecomune.calls.models import (
    Award,
    AwardStatus,
    Call,
    CallReservation,
    CallStatus,
    Ranking,
    RankingEntry,
    RankingKind,
    ShareMode,
)
from benecomune.calls.services.confirm import award_fingerprint
from benecomune.calls.services.facts import call_municipality_ids
from benecomune.calls.services.shares import awarded_by_municipality, ranking_allocation
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.bulk import db_value, insert_rows
from benecomune.core.confirmation import check_confirmed
from benecomune.core.models import Notification, Person
from benecomune.ledger.models import Reservation, WalletSource
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.awards import WalletAward, WalletTerms, open_wallets_and_award
from benecomune.ledger.services.funds import release

CHUNK = 1000


def _final_ranking(call: Call) -> Ranking:
    ranking = Ranking.objects.filter(call=call, kind=RankingKind.FINAL, complete=True).first()
    if ranking is None:
        raise CallError(_("Serve la graduatoria definitiva prima di assegnare i contributi."))
    return ranking


def _check_shares(ranking: Ranking) -> None:
    """Pay only what the call's budget and shares allow: the ranking's funded entries must be
    the ones `shares.allocate` gives (a guard; the ranking is built by the same function)."""
    _allocation, agrees = ranking_allocation(ranking)
    if not agrees:
        raise CallError(
            _(
                "Le domande finanziate della graduatoria definitiva non corrispondono al budget "
                "e alle quote dei Comuni del bando: nessun contributo è stato assegnato."
            )
        )


def award_call(
    actor: Actor, call: Call, *, expected_fingerprint: str | None = None, progress=None
) -> dict:
    """Award every funded application of the final ranking. Safe to run again.
    With `expected_fingerprint` (confirmed from the page's summary, `confirm.summarise_award`)
    nothing is awarded if the funded applications are no longer the ones shown."""
    call = Call.objects_unscoped.select_related("fund", "organization").get(pk=call.pk)
    actor.require("calls.manage", call.organization_id)
    if call.status == CallStatus.AWARDED:
        return award_summary(call)
    if call.status != CallStatus.RANKED or not call.final_ranking_at:
        raise CallError(_("Si assegna solo dopo la graduatoria definitiva."))
    ranking = _final_ranking(call)
    _check_shares(ranking)
    check_confirmed(expected_fingerprint, award_fingerprint(call, ranking))
    reservation_id = CallReservation.objects.get(call=call).reservation_id
    todo = RankingEntry.objects.filter(
        ranking=ranking, funded=True, application__award__isnull=True
    ).order_by("position")
    total = ranking.funded_count
    done = total - todo.count()
    last_position = 0
    while True:
        # Keyset pagination: each chunk reads forward from the last position, so the work per
        # chunk does not grow with the number of awards already made.
        rows = list(
            todo.filter(position__gt=last_position).values_list(
                "position",
                "application_id",
                "amount",
                "application__applicant_id",
                "application__organization_id",
                "application__protocol",
            )[:CHUNK]
        )
        if not rows:
            break
        last_position = rows[-1][0]
        chunk = [row[1:] for row in rows]
        _award_chunk(actor, call, reservation_id, chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    _finish(actor, call, ranking, reservation_id)
    return award_summary(call)


def _open_wallets(actor: Actor, call: Call, reservation, chunk) -> dict[int, tuple[int, int]]:
    """One wallet per application, opened with its award by the ledger:
    application id -> (wallet id, account id)."""
    network_id = call.organization_id if call.organization.kind == "network" else None
    terms = WalletTerms(
        organization_id=call.fund.organization_id,
        title=call.title,
        source_kind=WalletSource.CALL_AWARD,
        source_type="calls.application",
        allowed_categories=tuple(call.allowed_categories),
        territory_network_id=network_id,
        territory_municipality_ids=(
            tuple(call_municipality_ids(call)) if network_id is None else ()
        ),
        valid_from=call.spend_from,
        valid_until=call.spend_until,
    )
    opened = open_wallets_and_award(
        actor,
        fund=call.fund,
        reservation=reservation,
        terms=terms,
        items=[
            WalletAward(
                person_id=person_id,
                amount=amount,
                source_id=str(application_id),
                idempotency_key=f"calls:award:{application_id}",
                memo=_("Bando %(title)s, domanda %(protocol)s")
                % {"title": call.title, "protocol": protocol},
            )
            for application_id, amount, person_id, _org, protocol in chunk
        ],
    )
    return {row[0]: pair for row, pair in zip(chunk, opened, strict=True)}


@transaction.atomic
def _award_chunk(actor: Actor, call: Call, reservation_id: int, chunk) -> None:
    reservation = Reservation.objects_unscoped.get(pk=reservation_id)
    wallets = _open_wallets(actor, call, reservation, chunk) if call.is_voucher_like else {}
    now = db_value(timezone.now())
    award_ids = insert_rows(
        Award,
        [
            "organization",
            "call",
            "application",
            "person",
            "benefit_type",
            "amount",
            "wallet",
            "status",
            "created_at",
        ],
        [
            (
                organization_id,
                call.pk,
                application_id,
                person_id,
                call.benefit_type,
                amount,
                wallets[application_id][0] if wallets else None,
                AwardStatus.ACTIVE,
                now,
            )
            for application_id, amount, person_id, organization_id, _protocol in chunk
        ],
        returning=True,
    )
    subject = _("Contributo assegnato: %(title)s") % {"title": call.title}
    audit_items, messages = [], []
    for award_id, (application_id, amount, person_id, organization_id, protocol) in zip(
        award_ids, chunk, strict=True
    ):
        wallet_id = wallets[application_id][0] if wallets else None
        audit_items.append(
            (
                Award(pk=award_id),
                organization_id,
                person_id,
                {"amount": amount, "wallet": wallet_id, "call": call.pk},
                protocol or "",
            )
        )
        link = reverse("ledger:wallet_detail", args=[wallet_id]) if wallet_id else ""
        messages.append((person_id, subject, _award_text(call, amount), link))
    audit.record_many(actor, "calls.benefit_awarded", audit_items)
    _notify(messages)


def _award_text(call: Call, amount: int) -> str:
    if call.is_voucher_like:
        return _(
            "Le è stato assegnato un contributo di %(amount)s per il bando «%(title)s». "
            "Lo trova tra i suoi buoni, con le regole per spenderlo."
        ) % {"amount": format_euro(amount), "title": call.title}
    return _(
        "Le è stato riconosciuto un rimborso fino a %(amount)s per il bando «%(title)s». "
        "Presenti le spese sostenute dalla sua area personale."
    ) % {"amount": format_euro(amount), "title": call.title}


def _notify(messages) -> None:
    """In-app messages in one statement; e-mails after commit over one connection."""
    if not messages:
        return
    now = db_value(timezone.now())
    insert_rows(
        Notification,
        ["person", "subject", "body", "link", "created_at", "read_at"],
        [
            (person_id, subject[:200], body, link, now, None)
            for person_id, subject, body, link in messages
        ],
    )
    emails = dict(
        Person.objects_unscoped.filter(pk__in=[m[0] for m in messages])
        .exclude(email="")
        .values_list("pk", "email")
    )
    mails = [
        (f"[Bene Comune] {subject}", body, settings.DEFAULT_FROM_EMAIL, [emails[person_id]])
        for person_id, subject, body, _link in messages
        if person_id in emails
    ]
    if mails:
        transaction.on_commit(
            lambda: send_mass_mail(mails, fail_silently=True, connection=get_connection())
        )


@transaction.atomic
def _finish(actor: Actor, call: Call, ranking: Ranking, reservation_id: int) -> None:
    call = Call.objects_unscoped.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.AWARDED:
        return
    reservation = Reservation.objects_unscoped.get(pk=reservation_id)
    awarded = _total(Award.objects_unscoped.filter(call=call))
    # Vouchers are paid already; reimbursements keep their awarded amount reserved for claims.
    keep = 0 if call.is_voucher_like else awarded
    surplus = reservation.open_amount - keep
    if surplus > 0:
        release(actor, reservation, surplus, reason=_("Budget non assegnato del bando"))
    not_funded = RankingEntry.objects.filter(ranking=ranking, funded=False).values_list(
        "application__applicant_id", "application__protocol"
    )
    if call.share_mode == ShareMode.PER_MUNICIPALITY:
        why = _(
            "La sua domanda %(protocol)s è idonea ma non finanziata: la quota del bando del "
            "suo Comune è esaurita prima della sua posizione in graduatoria."
        )
    else:
        why = _(
            "La sua domanda %(protocol)s è idonea ma non finanziata: i fondi del bando "
            "sono esauriti prima della sua posizione in graduatoria."
        )
    batch = []
    for person_id, protocol in not_funded.iterator(chunk_size=CHUNK):
        batch.append(
            (
                person_id,
                _("Esito del bando %(title)s") % {"title": call.title},
                why % {"protocol": protocol},
                "",
            )
        )
        if len(batch) >= CHUNK:
            _notify(batch)
            batch = []
    _notify(batch)
    call.awarded_at = timezone.now()
    CALL.apply(
        actor,
        call,
        CallStatus.AWARDED,
        extra_fields=["awarded_at"],
        organization=call.organization,
        after={
            "awards": ranking.funded_count,
            "total": awarded,
            "released": max(surplus, 0),
            "by_municipality": {str(m): v for m, v in awarded_by_municipality(call).items()},
        },
    )


def award_summary(call: Call) -> dict:
    awards = Award.objects_unscoped.filter(call=call)
    return {"awards": awards.count(), "total": _total(awards), "status": call.status}


def _total(awards) -> int:
    return awards.aggregate(total=Coalesce(Sum("amount"), 0))["total"]
