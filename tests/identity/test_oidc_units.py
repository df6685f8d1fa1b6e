"""The pieces of SPID/CIE login that need no provider: levels, the fiscal number claim, the ID
token's checks (signature, audience, issuer, expiry) on tokens signed here, the discovery."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from benecomune.identity.oidc import level_of
from benecomune.identity.oidc_client import decode_id_token
from benecomune.identity.services.login import LoginRefused, fiscal_code_from_claims


@pytest.mark.parametrize(
    ("acr", "level"),
    [
        ("https://www.spid.gov.it/SpidL1", 1),
        ("https://www.spid.gov.it/SpidL2", 2),
        ("https://www.spid.gov.it/SpidL3/", 3),
        ("SpidL2", 2),
        ("CieL3", 3),
        ("", 0),
        (None, 0),
        ("urn:something:else", 0),
    ],
)
def test_level_of(acr, level):
    assert level_of(acr) == level


def test_the_fiscal_number_claim_is_stripped_and_validated():
    assert fiscal_code_from_claims({"fiscal_number": "TINIT-nvunna90a41g587e"}) == (
        "NVUNNA90A41G587E"
    )
    assert (
        fiscal_code_from_claims(
            {"https://attributes.eid.gov.it/fiscal_number": "TINIT-NVUNNA90A41G587E"}
        )
        == "NVUNNA90A41G587E"
    )
    for claims in ({}, {"fiscal_number": ""}, {"fiscal_number": 42}):
        with pytest.raises(LoginRefused) as refused:
            fiscal_code_from_claims(claims)
        assert refused.value.code == "missing_fiscal_number"
    with pytest.raises(LoginRefused) as refused:
        fiscal_code_from_claims({"fiscal_number": "TINIT-NVUNNA90A41G587X"})
    assert refused.value.code == "invalid_fiscal_number"


ISSUER = "https://idp.example.org"


@pytest.fixture
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _token(key, **claims):
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": "client", "sub": "s", "iat": now, "exp": now + 300}
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm="RS256")


def test_a_good_id_token_is_accepted(settings, key):
    settings.OIDC_CLIENT_ID = "client"
    claims = decode_id_token(_token(key), key.public_key(), "RS256", ISSUER)
    assert claims["sub"] == "s"


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-else"},
        {"iss": "https://evil.example.org"},
        {"exp": 1_000_000_000},
        {"exp": None},
        {"aud": None},
    ],
)
def test_a_bad_id_token_is_refused(settings, key, claims):
    settings.OIDC_CLIENT_ID = "client"
    with pytest.raises(SuspiciousOperation):
        decode_id_token(_token(key, **claims), key.public_key(), "RS256", ISSUER)


def test_a_token_signed_by_another_key_is_refused(settings, key):
    settings.OIDC_CLIENT_ID = "client"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation):
        decode_id_token(_token(other), key.public_key(), "RS256", ISSUER)


def test_discovery_is_cached_and_checks_the_issuer(settings, db, monkeypatch):
    from benecomune.identity import oidc

    calls = []

    class Answer:
        def __init__(self, document):
            self.document = document

        def raise_for_status(self):
            pass

        def json(self):
            return self.document

    document = {
        "issuer": "https://proxy.example.org",
        "authorization_endpoint": "https://proxy.example.org/auth",
        "token_endpoint": "https://proxy.example.org/token",
        "jwks_uri": "https://proxy.example.org/jwks",
    }

    def get(url, **kwargs):
        calls.append(url)
        return Answer(document)

    monkeypatch.setattr(oidc.requests, "get", get)
    settings.OIDC_ISSUER = "https://proxy.example.org"
    oidc.forget_provider_metadata()
    assert oidc.provider_metadata().token_endpoint == "https://proxy.example.org/token"
    assert oidc.provider_metadata().end_session_endpoint == ""
    assert calls == ["https://proxy.example.org/.well-known/openid-configuration"]
    settings.OIDC_ISSUER = "https://other.example.org"  # its document names another issuer
    with pytest.raises(oidc.ProviderUnavailable):
        oidc.provider_metadata()
    oidc.forget_provider_metadata()


def test_private_key_jwt_client_assertion(settings, key, tmp_path):
    from cryptography.hazmat.primitives import serialization

    from benecomune.identity.oidc_client import client_assertion

    pem = tmp_path / "client.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.OIDC_CLIENT_ID = "client"
    settings.OIDC_CLIENT_PRIVATE_KEY_FILE = str(pem)
    settings.OIDC_CLIENT_KEY_ID = "k1"
    token = client_assertion("https://idp.example.org/token")
    assert jwt.get_unverified_header(token)["kid"] == "k1"
    claims = jwt.decode(
        token, key.public_key(), algorithms=["RS256"], audience="https://idp.example.org/token"
    )
    assert claims["iss"] == claims["sub"] == "client"
    assert claims["exp"] - claims["iat"] == 60 and claims["jti"]
