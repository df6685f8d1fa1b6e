"""SPID/CIE login through OpenID Connect, the access log, and the citizen's personal-data
rights (their data, consents, requests, retention)."""

from .login import DigitalIdentity, LoginMethod  # noqa: F401
