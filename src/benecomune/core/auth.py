"""Login by e-mail, throttled per account and per IP address in a store shared by all workers.

The throttle sits in the authentication backend, so every login form that authenticates a
password goes through it: the site's `/accedi/` and the Django admin's `/admin/login/`.
Each attempt is counted *before* the password is checked (one atomic increment per key), so
with any number of workers and concurrent requests at most LOGIN_THROTTLE_MAX_FAILURES
passwords are tried per account per window; a success clears the account's count.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from benecomune.core import shared_counters
from benecomune.core.models import User

ACCOUNT = "account"
ADDRESS = "ip"


def _account_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login:account:{digest}"


def _address_key(ip: str) -> str:
    return f"login:ip:{ip}"


def throttle_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry TRUSTED_PROXY_HOPS from the right of
    X-Forwarded-For (the one our own proxy wrote; entries further left are the client's say)."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops][:64]
    return request.META.get("REMOTE_ADDR")


@dataclass
class LoginAttempt:
    email: str
    ip: str | None
    refused: str | None = None  # ACCOUNT or ADDRESS when the attempt was not allowed

    def succeeded(self) -> None:
        counters = shared_counters.store()
        counters.delete(_account_key(self.email))
        if self.ip:
            counters.refund(_address_key(self.ip))  # a good login is no failure of its address


def start_login_attempt(email: str, ip: str | None) -> LoginAttempt:
    """Count the attempt for its address and its account; refuse it over either limit."""
    counters = shared_counters.store()
    window = settings.LOGIN_THROTTLE_LOCK_SECONDS
    attempt = LoginAttempt(email=email, ip=ip)
    if ip:
        limit = settings.LOGIN_THROTTLE_IP_MAX_FAILURES
        if counters.hit(_address_key(ip), limit, window) > limit:
            attempt.refused = ADDRESS
            return attempt
    limit = settings.LOGIN_THROTTLE_MAX_FAILURES
    if counters.hit(_account_key(email), limit, window) > limit:
        attempt.refused = ACCOUNT
    return attempt


def is_login_locked(email: str) -> bool:
    """Whether the account's next attempt would be refused (pages and tests may ask)."""
    count = shared_counters.store().count(_account_key(email.strip().lower()))
    return count >= settings.LOGIN_THROTTLE_MAX_FAILURES


def refusal_message(refused: str) -> str:
    minutes = max(1, settings.LOGIN_THROTTLE_LOCK_SECONDS // 60)
    if refused == ADDRESS:
        return _(
            "Troppi tentativi di accesso non riusciti da questa rete. Per sicurezza gli "
            "accessi da qui sono sospesi per %(minutes)d minuti."
        ) % {"minutes": minutes}
    return _(
        "Troppi tentativi non riusciti. Per sicurezza l'accesso a questo account è sospeso "
        "per %(minutes)d minuti."
    ) % {"minutes": minutes}


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        if not email or password is None:
            return None
        ip = throttle_ip(request) if request is not None else None
        attempt = start_login_attempt(email, ip)
        if attempt.refused:
            if request is not None:
                request.login_refused = attempt.refused  # the form shows why
            # Stops django.contrib.auth.authenticate() here: no other backend, no password
            # check (its timing would tell a locked account's password apart).
            raise PermissionDenied
        try:
            user = User.objects.get(email=email)
        except User.DoesNotExist:
            User().set_password(password)  # same time whether or not the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            attempt.succeeded()
            return user
        return None


class ThrottledLoginFormMixin:
    """For AuthenticationForm subclasses: say that the login was refused by the throttle
    rather than "wrong password"."""

    def get_invalid_login_error(self):
        from django.core.exceptions import ValidationError

        refused = getattr(self.request, "login_refused", None)
        if refused:
            return ValidationError(refusal_message(refused), code="throttled")
        return super().get_invalid_login_error()
