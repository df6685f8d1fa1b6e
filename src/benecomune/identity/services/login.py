"""Log a person in with the claims of a checked SPID/CIE identity (identity/oidc_client.py).

The person is the one of the codice fiscale (the `fiscal_number` claim, "TINIT-" stripped and
validated): an existing person is linked, a new one is registered through core's
`register_person` with the data of the claims; a person is never duplicated. The user is the
person's own; a person without one gets an account usable only through SPID/CIE (no
password). All of it, and the login's audit event with the level of assurance, in one
transaction: a refused login creates nothing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_fiscal_code, parse_fiscal_code
from benecomune.core.models import Municipality, Person, User
from benecomune.core.services.people import register_person
from benecomune.identity.models import DigitalIdentity
from benecomune.identity.oidc import METHODS, level_of

FISCAL_NUMBER_CLAIMS = ("fiscal_number", "https://attributes.eid.gov.it/fiscal_number")
TAX_ID_PREFIX = "TINIT-"

REFUSALS = {
    "missing_fiscal_number": _(
        "Il gestore dell'identità digitale non ha comunicato il codice fiscale: senza non è "
        "possibile accedere. Riprovi autorizzando la condivisione del codice fiscale."
    ),
    "invalid_fiscal_number": _(
        "Il codice fiscale comunicato dal gestore dell'identità digitale non è un codice "
        "fiscale italiano valido: l'accesso non è possibile. Si rivolga allo sportello del "
        "suo Comune."
    ),
    "missing_subject": _("La risposta del gestore dell'identità digitale è incompleta."),
    "identity_other_person": _(
        "Questa identità digitale risulta già collegata a un'altra persona: per sicurezza "
        "l'accesso è stato rifiutato. Si rivolga allo sportello del suo Comune."
    ),
    "fiscal_number_other_user": _(
        "Il suo codice fiscale è già collegato a un altro account della piattaforma: per "
        "sicurezza l'accesso è stato rifiutato. Si rivolga allo sportello del suo Comune."
    ),
    "email_other_person": _(
        "L'indirizzo e-mail comunicato dal gestore dell'identità digitale appartiene già "
        "all'account di un'altra persona: l'accesso non è possibile. Si rivolga allo "
        "sportello del suo Comune."
    ),
    "missing_email": _(
        "Il gestore dell'identità digitale non ha comunicato un indirizzo e-mail, che serve "
        "per il primo accesso. Riprovi autorizzando la condivisione dell'e-mail."
    ),
    "claims_inconsistent": _(
        "I dati comunicati dal gestore dell'identità digitale non sono coerenti con il codice "
        "fiscale (data di nascita): l'accesso non è possibile."
    ),
    "claims_invalid": _(
        "I dati comunicati dal gestore dell'identità digitale sono incompleti o non validi "
        "(nome, cognome o contatti): l'accesso non è possibile."
    ),
    "no_residence": _(
        "Non risulta residente in uno dei Comuni della piattaforma: per il primo accesso si "
        "rivolga allo sportello del suo Comune, che la registrerà."
    ),
    "inactive": _("Questo account è disattivato. Si rivolga allo sportello del suo Comune."),
}


class LoginRefused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = REFUSALS[code]


@dataclass(frozen=True)
class IdentityLogin:
    user: User
    person: Person
    method: str
    acr: str
    level: int
    created_person: bool
    created_user: bool


def fiscal_code_from_claims(claims: dict) -> str:
    raw = next((claims[name] for name in FISCAL_NUMBER_CLAIMS if claims.get(name)), "")
    if not isinstance(raw, str) or not raw.strip():
        raise LoginRefused("missing_fiscal_number")
    code = normalize_fiscal_code(raw)
    if code.startswith(TAX_ID_PREFIX):
        code = code[len(TAX_ID_PREFIX) :]
    try:
        parse_fiscal_code(code)
    except ValidationError as exc:
        raise LoginRefused("invalid_fiscal_number") from exc
    return code


def _text(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name)
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def _locality(claims: dict) -> str:
    address = claims.get("address")
    if isinstance(address, dict):
        return _text(address, "locality", 100)
    return _text(claims, "domicileMunicipality", 100)


def _street(claims: dict) -> str:
    address = claims.get("address")
    if isinstance(address, dict):
        return _text(address, "street_address", 200)
    return ""


def residence_for(claims: dict) -> Municipality:
    """The Comune of the claims' address; else OIDC_NEW_PERSON_RESIDENCE; else the only one."""
    municipalities = Municipality.objects.filter(is_active=True)
    locality = _locality(claims)
    if locality:
        found = municipalities.filter(name__iexact=locality).first()
        if found:
            return found
    if settings.OIDC_NEW_PERSON_RESIDENCE:
        found = municipalities.filter(slug=settings.OIDC_NEW_PERSON_RESIDENCE).first()
        if found:
            return found
    only = list(municipalities[:2])
    if len(only) == 1:
        return only[0]
    raise LoginRefused("no_residence")


def _identity_actor(ip: str | None, municipality: Municipality) -> Actor:
    """Registers the person of a first SPID/CIE login in their Comune, and nothing else."""
    return Actor(
        user=None,
        ip_address=ip,
        label="accesso SPID/CIE",
        _tenant_ids=(municipality.pk,),
        grants=frozenset({"people.edit"}),
        bound_organization=municipality,
    )


def _register(claims: dict, code: str, ip: str | None) -> Person:
    birthdate = claims.get("birthdate")
    birth_date_of_code = parse_fiscal_code(code).birth_date.isoformat()
    if isinstance(birthdate, str) and birthdate and birthdate[:10] != birth_date_of_code:
        raise LoginRefused("claims_inconsistent")
    residence = residence_for(claims)
    first_name, last_name = _text(claims, "given_name", 100), _text(claims, "family_name", 100)
    if not first_name or not last_name:
        raise LoginRefused("claims_invalid")
    try:
        return register_person(
            _identity_actor(ip, residence),
            fiscal_code=code,
            first_name=first_name,
            last_name=last_name,
            residence=residence,
            email=_text(claims, "email", 254),
            phone=_text(claims, "phone_number", 30),
            address=_street(claims),
            certified_identity=True,
        )
    except ValidationError as exc:
        raise LoginRefused("claims_invalid") from exc


def _account_for(person: Person, claims: dict, identity, actor_ip) -> tuple[User, bool]:
    """The person's user: theirs, the identity's, the one of their e-mail, or a new one."""
    user = User.objects.filter(person=person).first()
    if user is not None:
        return user, False
    if identity is not None:
        user = identity.user
    else:
        email = _text(claims, "email", 254).lower() or person.email
        if not email:
            raise LoginRefused("missing_email")
        user = User.objects.filter(email=email).first()
        if user is None:
            # No password: this account is used through SPID/CIE (password reset is refused
            # to accounts without a usable password).
            user = User.objects.create_user(email, None, full_name=person.full_name, person=person)
            return user, True
        if user.person_id is not None:
            raise LoginRefused("email_other_person")
    # An account without a person, of the same e-mail (whoever controls the e-mail could
    # reset its password anyway) or of this identity: it is this person's.
    user.person = person
    user.save(update_fields=["person"])
    audit.record(
        Actor(user=user, ip_address=actor_ip),
        "identity.account_linked",
        user,
        person=person,
        after={"person": person.pk},
    )
    return user, False


@transaction.atomic
def sign_in_with_identity(*, claims: dict, issuer: str, method: str, ip: str | None):
    """Find or register the person, find or create their user, record the login."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise LoginRefused("missing_subject")
    method = method if method in METHODS else "spid"
    code = fiscal_code_from_claims(claims)
    acr = _text(claims, "acr", 100)
    identity = (
        DigitalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    person = Person.objects_unscoped.select_for_update().filter(fiscal_code=code).first()
    if identity is not None and identity.user.person_id not in (None, getattr(person, "pk", 0)):
        raise LoginRefused("identity_other_person")
    created_person = person is None
    if created_person:
        person = _register(claims, code, ip)
    else:
        linked = User.objects.filter(person=person).first()
        if identity is not None and linked is not None and identity.user_id != linked.pk:
            raise LoginRefused("fiscal_number_other_user")
    user, created_user = _account_for(person, claims, identity, ip)
    if not user.is_active:
        raise LoginRefused("inactive")
    now = timezone.now()
    if identity is None:
        DigitalIdentity.objects.create(
            user=user,
            issuer=issuer,
            subject=subject,
            method=method,
            last_acr=acr,
            last_login_at=now,
        )
    else:
        identity.method, identity.last_acr, identity.last_login_at = method, acr, now
        identity.save(update_fields=["method", "last_acr", "last_login_at"])
    level = level_of(acr)
    actor = Actor(user=user, ip_address=ip)
    if created_user:
        audit.record(
            actor, "identity.account_created", user, person=person, after={"method": method}
        )
    audit.record(
        actor,
        "user.login",
        user,
        person=person,
        after={"method": method, "acr": acr, "level": level},
    )
    return IdentityLogin(
        user=user,
        person=person,
        method=method,
        acr=acr,
        level=level,
        created_person=created_person,
        created_user=created_user,
    )
