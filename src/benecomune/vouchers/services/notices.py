"""The citizen hears of every use of their voucher at a till: each payment (one step or a
capture), each void, each hold of a two-phase payment and its release. In-app and by e-mail
when they have one, through `core.notifications.notify_person`.

Cheap on the till's hot path. The POS API's one-statement payment (one_statement.py) costs
nothing here: `vouchers_redeem_at_till()` writes the notice into the outbox
(`vouchers_tillnotice`) in the same statement as the payment, and `drain` sends it: Celery
beat runs `vouchers.send_till_notices` every few seconds, or, without a broker (Celery inline),
the payment's process right after the commit. Concurrent drains share the rows (SKIP LOCKED),
so each notice is sent once. The other till paths queue the Celery task `vouchers.till_notice`
with the row's id after the commit (one publish with a broker). Either way a failing notice is
logged and never turns a done payment into an error; the task reads the row and writes the
message in its own transaction, the e-mail leaving after it.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.core.notifications import notify_person
from benecomune.ledger.money import format_euro
from benecomune.vouchers.models import Authorisation, Channel, Redemption, TillNotice

logger = logging.getLogger(__name__)

PAYMENT = "payment"
VOID = "void"
HOLD = "hold"
RELEASE = "release"
KINDS = (PAYMENT, VOID, HOLD, RELEASE)


def queue(kind: str, pk: int) -> None:
    """Notify the holder of redemption (payment, void) or authorisation (hold, release) `pk`
    once the current transaction commits (at once in autocommit, as on the fast path)."""
    if kind not in KINDS:
        raise ValueError(kind)
    from benecomune.vouchers.tasks import till_notice

    transaction.on_commit(partial(till_notice.delay, kind, pk), robust=True)


def outboxed() -> None:
    """The current statement wrote a notice into the outbox (one_statement.pay_at_till). With a
    broker beat's drain sends it: nothing to do here. Celery inline (no broker: demo, tests)
    has no beat: drain at once after the commit."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        from benecomune.vouchers.tasks import send_till_notices

        transaction.on_commit(send_till_notices.delay, robust=True)


def drain(batch: int = 200) -> int:
    """Send the outbox's notices, oldest first, and delete them; returns how many were sent.
    A notice that fails stays for the next drain (logged); one whose row is gone is dropped."""
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                TillNotice.objects.select_for_update(skip_locked=True).order_by("pk")[:batch]
            )
            done = []
            for row in rows:
                try:
                    send(row.kind, row.object_id)  # a savepoint of its own
                except ObjectDoesNotExist:
                    logger.warning("till notice %s: nothing to notify, dropped", row)
                    done.append(row.pk)
                except Exception:
                    logger.exception("till notice %s not sent, kept for the next drain", row)
                else:
                    done.append(row.pk)
                    sent += 1
            TillNotice.objects.filter(pk__in=done).delete()
        if len(rows) < batch or not done:
            return sent


_HOW = {
    Channel.QR: gettext_lazy("con il QR"),
    Channel.CODE: gettext_lazy("con il codice digitato"),
    Channel.CARD: gettext_lazy("con la tessera"),
}


def _when(moment) -> dict:
    local = timezone.localtime(moment)
    return {"date": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M")}


@transaction.atomic
def send(kind: str, pk: int) -> None:
    """Write the message (the task's body); the e-mail leaves after the commit."""
    model = Redemption if kind in (PAYMENT, VOID) else Authorisation
    row = model.objects_unscoped.select_related("wallet__person", "merchant").get(pk=pk)
    wallet, person = row.wallet, row.wallet.person
    values = {
        "merchant": row.merchant.name,
        "amount": format_euro(row.amount),
        "title": wallet.title,
        "how": str(_HOW.get(row.channel, "")),
        **_when(row.created_at),
    }
    unknown = _(
        "Se non riconosce questa operazione, lo dica subito al negozio e all'ufficio del Comune "
        "che le ha dato il buono."
    )
    if kind == PAYMENT:
        subject = _("Pagamento con il buono: %(amount)s") % values
        body = _(
            "Il %(date)s alle %(time)s %(merchant)s ha incassato %(amount)s %(how)s dal buono "
            "«%(title)s». Saldo disponibile dopo il pagamento: %(balance)s."
        ) % {**values, "balance": format_euro(row.balance_after)}
    elif kind == VOID:
        subject = _("Pagamento annullato: %(amount)s tornati sul buono") % values
        body = (
            _(
                "%(merchant)s ha annullato il pagamento di %(amount)s del %(date)s alle %(time)s: "
                "l'importo è tornato sul buono «%(title)s»."
            )
            % values
        )
    elif kind == HOLD:
        subject = _("Importo bloccato sul buono: %(amount)s") % values
        body = _(
            "Il %(date)s alle %(time)s %(merchant)s ha bloccato %(amount)s %(how)s sul buono "
            "«%(title)s» per un pagamento: li incasserà o li libererà entro le %(until)s."
        ) % {**values, "until": timezone.localtime(row.expires_at).strftime("%H:%M")}
    else:
        subject = _("Importo sbloccato: %(amount)s di nuovo disponibili") % values
        body = (
            _(
                "%(merchant)s ha annullato il blocco di %(amount)s del %(date)s alle %(time)s: "
                "l'importo è di nuovo disponibile sul buono «%(title)s»."
            )
            % values
        )
    notify_person(
        person,
        subject=subject,
        body=f"{body} {unknown}",
        link=reverse("ledger:wallet_detail", args=[wallet.pk]),
        deliver_now=True,  # this runs in beat's drain or the notice task already
    )
