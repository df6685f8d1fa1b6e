"""Employees' accounts: the roster import invites each new employee with an e-mail (once) to
activate an account; the single-use link (only its hash is stored, like staff invitations)
lets them choose a password. The account is the citizen's account of their person: the
welfare pages are in the personal area."""

import secrets
from datetime import timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import User
from benecomune.core.models.tokens import hash_token
from benecomune.core.notifications import EMAIL, notify
from benecomune.corporate.models import Employee

ACTIVATION_DAYS = 30


def has_account(employee: Employee) -> bool:
    return User.objects.filter(person_id=employee.person_id).exists()


def invite_employee(actor: Actor, employee: Employee, *, base_url: str) -> bool:
    """Send the activation e-mail when the employee has an e-mail, no account, is in service
    and was never invited; True when sent. Within the caller's transaction (the e-mail leaves
    on commit, through core's outbox)."""
    if (
        not employee.email
        or employee.invited_at is not None
        or employee.left_on is not None
        or has_account(employee)
    ):
        return False
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    employee.invited_at = now
    employee.activation_token_hash = hash_token(token)
    employee.activation_expires_at = now + timedelta(days=ACTIVATION_DAYS)
    employee.save(update_fields=["invited_at", "activation_token_hash", "activation_expires_at"])
    link = base_url.rstrip("/") + reverse("corporate:activate", kwargs={"token": token})
    notify(
        employee.email,
        "corporate_employee_invitation",
        {
            "name": employee.person.full_name,
            "org": employee.company.name,
            "until": formats.date_format(
                timezone.localtime(employee.activation_expires_at), "j F Y"
            ),
            "link": link,
        },
        organization=employee.company,
        channels=[EMAIL],
    )
    audit.record(
        actor,
        "employee.invited",
        employee,
        organization=employee.company_id,
        person=employee.person_id,
        after={"email": employee.email},
    )
    return True


def find_activation(token: str) -> Employee | None:
    if not token or len(token) > 100:
        return None
    return (
        Employee.objects_unscoped.select_related("person", "company")
        .filter(activation_token_hash=hash_token(token))
        .first()
    )


def activation_problem(employee: Employee | None) -> str:
    if employee is None:
        return _("Il collegamento non è valido: lo copi per intero dall'e-mail ricevuta.")
    if has_account(employee):
        return _("L'account è già attivo: acceda con e-mail e password.")
    if employee.activation_expires_at is None or employee.activation_expires_at <= timezone.now():
        return _("Questo invito è scaduto: chieda all'ufficio del personale di mandarne uno nuovo.")
    return ""


@transaction.atomic
def activate_account(token: str, *, password: str, ip_address: str | None = None) -> User:
    """Create the employee's account (the e-mail of the roster, linked to their person) with
    the chosen password. Single use: the link stops working."""
    employee = find_activation(token)
    if employee is not None:
        employee = Employee.objects_unscoped.select_for_update().get(pk=employee.pk)
    problem = activation_problem(employee)
    if problem:
        raise ValidationError(problem)
    if User.objects.filter(email__iexact=employee.email).exists():
        raise ValidationError(
            _(
                "Esiste già un account con l'indirizzo %(email)s: chieda all'ufficio del "
                "personale di indicare un altro indirizzo."
            )
            % {"email": employee.email}
        )
    candidate = User(email=employee.email, full_name=employee.person.full_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user = User.objects.create_user(
        employee.email, password, full_name=employee.person.full_name, person=employee.person
    )
    employee.activation_token_hash = ""
    employee.save(update_fields=["activation_token_hash"])
    audit.record(
        Actor(user=user, ip_address=ip_address),
        "employee.account_activated",
        employee,
        organization=employee.company_id,
        person=employee.person_id,
        after={"email": user.email},
    )
    return user
