"""Closing a shared value agreement: the merchant refuses a proposal (with a reason), the
proposing Comune or network withdraws it, either side ends a signed agreement early. A refused
or withdrawn proposal frees the merchant's dates and never routes; after an early end, payments
route nothing while the shares already given stay (ledger_check after each step); wrong side or
wrong state get Italian messages (a service) or 404 (a page); each step leaves its audit
event."""

import datetime
import io
import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from benecomune.core.models import AuditEvent, Membership, Role
from benecomune.observatory import pdf_agreement
from benecomune.observatory.models import AgreementState, SharedValueAgreement
from benecomune.observatory.pdf_agreement import render_agreement, state_text
from benecomune.observatory.services import shared_value as sv
from benecomune.observatory.services import shared_value_display as display
from benecomune.observatory.services import shared_value_routing as routing
from benecomune.observatory.services import shared_value_supporters as supporters
from benecomune.vouchers.services import redeem as redeem_services
from tests.helpers import login as login_as
from tests.observatory import shared_value_helpers as h
from tests.vouchers.conftest import new_key, new_shop, qr

h.use_voucher_fixtures(globals())

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def shop_actor(make_user, member_shop):
    return h.merchant_actor(make_user, member_shop)


@pytest.fixture
def proposed(comune, municipality, member_shop, project):
    return h.proposal(comune, municipality, member_shop, project)


@pytest.fixture
def signed(comune, shop_actor, municipality, member_shop, project):
    return h.agreement(comune, shop_actor, municipality, member_shop, project)


def events(action):
    return list(AuditEvent.objects_unscoped.filter(action=f"observatory.{action}"))


def pay(cashier_actor, ctx, voucher, amount=1_000):
    return redeem_services.redeem(
        cashier_actor, ctx, amount=amount, idempotency_key=new_key(), code=qr(voucher)
    )


# --- refuse -----------------------------------------------------------------------------------


def test_a_refused_proposal_frees_the_dates_and_a_new_one_is_accepted(
    comune, shop_actor, municipality, member_shop, project, proposed, ctx, cashier_actor, voucher
):
    refused = sv.refuse_agreement(shop_actor, proposed, reason="Quota troppo alta per noi.")
    assert refused.state == AgreementState.REFUSED
    assert refused.refused_by == shop_actor.user and refused.closing_reason.startswith("Quota")
    (event,) = events("agreement_refused")
    assert event.reason == "Quota troppo alta per noi."
    assert event.organization_id == member_shop.pk and event.object_id == str(proposed.pk)
    # It can no longer be accepted, and it routes nothing.
    with pytest.raises(ValidationError, match="già stata rifiutata"):
        sv.accept_agreement(shop_actor, proposed)
    assert not routing.applies(member_shop.pk)
    # Same period, new proposal: accepted, and it routes.
    again = h.proposal(comune, municipality, member_shop, project, percent="5")
    sv.accept_agreement(shop_actor, again)
    pay(cashier_actor, ctx, voucher, 2_000)
    assert h.raised(project) == 100
    h.sound()


def test_refusing_needs_a_reason_the_merchant_and_an_open_proposal(comune, shop_actor, proposed):
    with pytest.raises(ValidationError) as missing:
        sv.refuse_agreement(shop_actor, proposed, reason="   ")
    assert missing.value.message_dict == {"reason": ["Indichi il motivo del rifiuto."]}
    with pytest.raises(PermissionDenied):
        sv.refuse_agreement(comune, proposed, reason="Non è nostro")  # the Comune is not the shop
    sv.accept_agreement(shop_actor, proposed)
    with pytest.raises(ValidationError, match="ha già accettato"):
        sv.refuse_agreement(shop_actor, proposed, reason="Ci ho ripensato")
    assert SharedValueAgreement.objects_unscoped.get().state == AgreementState.SIGNED
    assert not events("agreement_refused")


# --- withdraw ---------------------------------------------------------------------------------


def test_the_comune_withdraws_its_proposal_without_a_reason(
    comune, shop_actor, municipality, member_shop, project, proposed
):
    withdrawn = sv.withdraw_agreement(comune, proposed)
    assert withdrawn.state == AgreementState.WITHDRAWN and withdrawn.closing_reason == ""
    (event,) = events("agreement_withdrawn")
    assert event.organization_id == municipality.pk
    with pytest.raises(ValidationError, match="già stata ritirata"):
        sv.accept_agreement(shop_actor, proposed)
    with pytest.raises(ValidationError, match="già stata ritirata"):
        sv.refuse_agreement(shop_actor, proposed, reason="Troppo tardi")
    # The dates are free again.
    h.proposal(comune, municipality, member_shop, project)
    assert SharedValueAgreement.objects_unscoped.count() == 2


def test_only_the_proposing_party_withdraws_and_only_a_proposal(
    comune, shop_actor, make_user, network, proposed
):
    with pytest.raises(PermissionDenied):
        sv.withdraw_agreement(shop_actor, proposed)
    with pytest.raises(PermissionDenied):  # the network's reach over its member Comune
        sv.withdraw_agreement(h.network_actor(make_user, network), proposed)
    sv.accept_agreement(shop_actor, proposed)
    with pytest.raises(ValidationError, match="terminarlo in anticipo"):
        sv.withdraw_agreement(comune, proposed, reason="Ci ripensiamo")
    assert not events("agreement_withdrawn")


# --- end early --------------------------------------------------------------------------------


def test_ending_early_stops_the_shares_after_the_last_day_and_keeps_the_earlier_ones(
    signed, shop_actor, project, member_shop, ctx, cashier_actor, voucher, monkeypatch
):
    pay(cashier_actor, ctx, voucher, 1_000)
    assert h.raised(project) == 100
    signed_until = signed.valid_until
    ended = sv.end_agreement(shop_actor, signed, last_day=TODAY, reason="Chiudiamo il negozio.")
    assert (ended.state, ended.valid_until, ended.signed_until) == (
        AgreementState.ENDED,
        TODAY,
        signed_until,
    )
    (event,) = events("agreement_ended")
    assert event.reason == "Chiudiamo il negozio." and event.organization_id == member_shop.pk
    assert event.before["valid_until"] == signed_until.isoformat()
    assert event.after["valid_until"] == TODAY.isoformat() and event.after["by"] == "merchant"
    # The last day still routes.
    pay(cashier_actor, ctx, voucher, 1_000)
    assert h.raised(project) == 200
    h.sound()
    # The day after routes nothing; what was given stays given.
    tomorrow = types.SimpleNamespace(localdate=lambda: TODAY + DAY)
    monkeypatch.setattr(routing, "timezone", tomorrow)
    later = pay(cashier_actor, ctx, voucher, 1_000)
    assert h.raised(project) == 200
    assert routing.share_of_payment(later.transfer) == (0, None)
    h.sound()
    assert state_text(ended).startswith(f"Termina il {TODAY:%d/%m/%Y} (chiusura anticipata")
    tomorrow.localtime = timezone.localtime
    monkeypatch.setattr(pdf_agreement, "timezone", tomorrow)
    assert state_text(ended).startswith(f"Terminato il {TODAY:%d/%m/%Y}")
    assert f"scadenza firmata: {signed_until:%d/%m/%Y}" in state_text(ended)
    # ... and the merchant's dates after the last day are free for a new agreement.
    assert not sv._overlapping(member_shop.pk, TODAY + DAY, signed_until).exists()


def test_the_comune_ends_early_too_and_the_dates_are_checked(
    comune, shop_actor, make_user, network, signed
):
    def end(actor, last_day, reason="Il progetto cambia."):
        return sv.end_agreement(actor, signed, last_day=last_day, reason=reason)

    with pytest.raises(ValidationError) as past:
        end(comune, TODAY - DAY)
    assert past.value.message_dict == {"last_day": ["L'ultimo giorno non può essere nel passato."]}
    with pytest.raises(ValidationError, match="deve precedere la scadenza"):
        end(comune, signed.valid_until)
    with pytest.raises(ValidationError) as no_reason:
        end(comune, TODAY + DAY, reason="")
    assert "Indichi il motivo della chiusura anticipata." in no_reason.value.message_dict["reason"]
    with pytest.raises(PermissionDenied):
        end(h.network_actor(make_user, network), TODAY + DAY)
    assert not events("agreement_ended")
    end(comune, TODAY + 10 * DAY)
    (event,) = events("agreement_ended")
    assert event.after["by"] == "party"
    with pytest.raises(ValidationError, match="già stato terminato"):
        end(shop_actor, TODAY + 2 * DAY)


def test_a_proposal_is_not_ended_and_a_future_agreement_ends_from_its_first_day(
    comune, shop_actor, municipality, member_shop, project, proposed
):
    with pytest.raises(ValidationError, match="non ha ancora accettato"):
        sv.end_agreement(comune, proposed, last_day=TODAY, reason="Basta")
    sv.withdraw_agreement(comune, proposed)
    start = TODAY + 30 * DAY
    future = h.proposal(
        comune, municipality, member_shop, project, start=start, end=start + 90 * DAY
    )
    sv.accept_agreement(shop_actor, future)
    with pytest.raises(ValidationError, match="precedere l'inizio"):
        sv.end_agreement(comune, future, last_day=TODAY, reason="Basta")
    sv.end_agreement(comune, future, last_day=start, reason="Basta")


# --- where agreements are read ----------------------------------------------------------------


def test_a_refused_proposal_neither_names_the_shop_nor_shows_it_taking_part(
    comune, shop_actor, municipality, member_shop, project, proposed, ctx, cashier_actor, voucher
):
    refused = sv.refuse_agreement(shop_actor, proposed, reason="No")
    assert display.shop_projects(member_shop) == []
    assert state_text(refused).startswith("Rifiutato il ")
    pdf = PdfReader(io.BytesIO(render_agreement(sv.agreement_for(comune, proposed.pk))))
    text = " ".join("".join(page.extract_text() for page in pdf.pages).split())
    assert "Stato: Rifiutato il" in text and "Motivo: No" in text
    # The proposal said "named" (the default); the agreement the shop signed says not.
    again = h.proposal(comune, municipality, member_shop, project)
    sv.accept_agreement(shop_actor, again, named_publicly=False)
    pay(cashier_actor, ctx, voucher, 1_000)
    shops = supporters.project_supporters(project)
    assert (shops["current"], shops["past"], shops["unnamed"]) == ([], [], 1)
    assert routing.project_figures(project)["raised"] == 100


# --- pages ------------------------------------------------------------------------------------


def login(user):
    client = Client()
    login_as(client, user, Membership.objects.get(user=user))
    return client


@pytest.fixture
def comune_client(make_user, municipality):
    return login(
        make_user(
            "sv-chiusura@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality
        )
    )


@pytest.fixture
def shop_client(make_user, member_shop):
    return login(
        make_user("sv-negozio@example.org", role=Role.MERCHANT_STAFF, organization=member_shop)
    )


def test_the_merchant_refuses_through_its_page(shop_client, comune_client, proposed):
    listing = shop_client.get(reverse("observatory:sv_merchant")).content.decode()
    url = reverse("observatory:sv_merchant_refuse", args=[proposed.pk])
    assert url in listing
    page = shop_client.get(url)
    assert page.status_code == 200 and 'for="id_reason"' in page.content.decode()
    empty = shop_client.post(url, {"reason": ""}).content.decode()
    assert "Indichi il motivo del rifiuto." in empty
    assert 'id="id_reason-error"' in empty and 'aria-describedby="id_reason-error' in empty
    assert SharedValueAgreement.objects_unscoped.get().state == AgreementState.PROPOSED
    done = shop_client.post(url, {"reason": "Non aderiamo quest'anno."})
    assert done.status_code == 302
    listing = shop_client.get(reverse("observatory:sv_merchant")).content.decode()
    assert "Rifiutato il" in listing and "Non aderiamo quest&#x27;anno." in listing
    assert url not in listing
    manage = comune_client.get(reverse("observatory:sv_manage")).content.decode()
    assert "Rifiutato il" in manage and "Non aderiamo" in manage
    # The Comune has no merchant's page, the shop no party's page (their roles lack them).
    assert comune_client.post(url, {"reason": "x"}).status_code == 403
    withdraw = reverse("observatory:sv_agreement_withdraw", args=[proposed.pk])
    assert shop_client.post(withdraw, {}).status_code == 403


def test_the_comune_withdraws_and_ends_through_its_page(
    comune_client, shop_client, shop_actor, comune, municipality, member_shop, project, proposed
):
    withdraw = reverse("observatory:sv_agreement_withdraw", args=[proposed.pk])
    assert withdraw in comune_client.get(reverse("observatory:sv_manage")).content.decode()
    assert comune_client.post(withdraw, {"reason": ""}).status_code == 302
    manage = comune_client.get(reverse("observatory:sv_manage")).content.decode()
    assert "Ritirato il" in manage and withdraw not in manage
    again = comune_client.post(withdraw, {}).content.decode()
    assert "già stata ritirata" in again
    # A new proposal for the same days, accepted, then ended early by the Comune.
    agreement = h.proposal(comune, municipality, member_shop, project)
    sv.accept_agreement(shop_actor, agreement)
    end = reverse("observatory:sv_agreement_end", args=[agreement.pk])
    assert end in comune_client.get(reverse("observatory:sv_manage")).content.decode()
    past = comune_client.post(end, {"last_day": (TODAY - DAY).isoformat(), "reason": "Fine"})
    text = past.content.decode()
    assert "L&#x27;ultimo giorno non può essere nel passato." in text
    assert 'id="id_last_day-error"' in text and 'aria-describedby="id_last_day-error' in text
    last = TODAY + 5 * DAY
    ok = comune_client.post(end, {"last_day": last.isoformat(), "reason": "Progetto concluso"})
    assert ok.status_code == 302
    agreement.refresh_from_db()
    assert agreement.valid_until == last and agreement.state == AgreementState.ENDED
    shop_page = shop_client.get(reverse("observatory:sv_merchant")).content.decode()
    assert "Termina il" in shop_page and "Progetto concluso" in shop_page
    pdf = comune_client.get(reverse("observatory:sv_agreement_pdf", args=[agreement.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_the_merchant_ends_through_its_page_and_others_get_404(
    shop_client, signed, make_user, other_municipality, network, municipality
):
    end = reverse("observatory:sv_merchant_end", args=[signed.pk])
    assert end in shop_client.get(reverse("observatory:sv_merchant")).content.decode()
    assert (
        shop_client.post(end, {"last_day": TODAY.isoformat(), "reason": "Chiudo"}).status_code
        == 302
    )
    signed.refresh_from_db()
    assert signed.valid_until == TODAY and signed.ended_by is not None
    stranger = login(
        make_user(
            "sv-altro@example.org", role=Role.MUNICIPALITY_ADMIN, organization=other_municipality
        )
    )
    for name in ("sv_agreement_withdraw", "sv_agreement_end"):
        assert stranger.get(reverse(f"observatory:{name}", args=[signed.pk])).status_code == 404
    other_shop = new_shop("Ferramenta Rossi", network, municipality)
    other = login(
        make_user("sv-ferramenta@example.org", role=Role.MERCHANT_STAFF, organization=other_shop)
    )
    for name in ("sv_merchant_refuse", "sv_merchant_end"):
        assert other.get(reverse(f"observatory:{name}", args=[signed.pk])).status_code == 404
