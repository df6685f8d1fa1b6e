"""The TEST identity provider of the demo and of the tests: oidc-provider-mock (a real OpenID
Connect provider: discovery, authorization with redirects, token endpoint, signed ID tokens,
JWKS, userinfo, end session), with its pages in Italian and clearly marked as a test provider.

It knows a few demo identities, with SPID-like claims (`fiscal_number` with the "TINIT-"
prefix, `acr` of a SPID level); anyone can log in as any of them with one click. Never for
real use: it authenticates nobody.
"""

import os
from dataclasses import dataclass
from pathlib import Path

SPID_LEVEL_ACR = "https://www.spid.gov.it/SpidL{level}"
TEMPLATES = Path(__file__).parent / "templates" / "identity" / "oidc_demo_provider"


@dataclass(frozen=True)
class DemoIdentity:
    sub: str
    label: str
    claims: dict


def spid_claims(
    *,
    fiscal_code: str,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    level: int = 2,
    locality: str = "",
) -> dict:
    """Claims as an identity proxy in front of SPID gives them."""
    claims = {
        "fiscal_number": f"TINIT-{fiscal_code}",
        "given_name": first_name,
        "family_name": last_name,
        "name": f"{first_name} {last_name}",
        "acr": SPID_LEVEL_ACR.format(level=level),
    }
    if email:
        claims.update(email=email, email_verified=True)
    if phone:
        claims["phone_number"] = phone
    if locality:
        claims["address"] = {"locality": locality, "country": "IT"}
    return claims


def provider_app(identities: list[DemoIdentity] = (), *, require_nonce: bool = True):
    """The provider as a WSGI (Flask) app, with our pages in front of the mock's own."""
    # The mock refuses plain http unless told; it only ever listens on the loopback here.
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    import flask
    from oidc_provider_mock import User, init_app

    app = flask.Flask("benecomune_test_identity_provider", template_folder=str(TEMPLATES))
    init_app(
        app,
        require_nonce=require_nonce,
        user_claims=[User(sub=identity.sub, claims=identity.claims) for identity in identities],
    )
    app.secret_key = os.urandom(16)
    labels = {identity.sub: identity.label for identity in identities}
    app.jinja_env.globals["demo_labels"] = labels
    return app


def demo_identities() -> list[DemoIdentity]:
    """The demo's identities: seeded citizens (so that logging in finds them) and one person
    the registry does not know yet (the first login registers her). Needs `seed_demo`."""
    from benecomune.core.models import Person, User

    identities = []
    citizen = User.objects.filter(email="cittadino@demo.benecomune.it").first()
    admin = User.objects.filter(email="admin@piazzola.demo.benecomune.it").first()
    for sub, user, label, level in (
        ("demo-cittadino", citizen, "ruolo cittadino", 2),
        ("demo-amministratore", admin, "ruolo amministratore del Comune, senza TOTP", 2),
        ("demo-amministratore-livello-1", admin, "stesso ruolo: con il livello 1 serve il TOTP", 1),
    ):
        if user is None or user.person_id is None:
            continue
        person = Person.objects_unscoped.get(pk=user.person_id)
        identities.append(
            DemoIdentity(
                sub=sub,
                label=f"{person.full_name} — {label} (SPID livello {level})",
                claims=spid_claims(
                    fiscal_code=person.fiscal_code,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    email=person.email or user.email,
                    level=level,
                ),
            )
        )
    identities.append(
        DemoIdentity(
            sub="demo-nuova-residente",
            label="Anna Nuovi — non ancora nel registro: il primo accesso la registra (SPID 2)",
            claims=spid_claims(
                fiscal_code="NVUNNA90A41G587E",
                first_name="Anna",
                last_name="Nuovi",
                email="anna.nuovi@demo.benecomune.it",
                phone="+39 049 000 0000",
                locality="Piazzola sul Brenta",
            ),
        )
    )
    return identities
