"""Login by e-mail with throttling of repeated failures."""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from benecomune.core.models import User


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email=email)
        except User.DoesNotExist:
            User().set_password(password)  # same time whether or not the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _throttle_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def is_login_locked(email: str) -> bool:
    return cache.get(_throttle_key(email), 0) >= settings.LOGIN_THROTTLE_MAX_FAILURES


def record_login_failure(email: str) -> int:
    key = _throttle_key(email)
    cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_LOCK_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.LOGIN_THROTTLE_LOCK_SECONDS)
        failures = 1
    cache.touch(key, settings.LOGIN_THROTTLE_LOCK_SECONDS)
    return failures


def clear_login_failures(email: str) -> None:
    cache.delete(_throttle_key(email))
