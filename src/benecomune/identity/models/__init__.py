"""SPID/CIE login through OpenID Connect, the access log, and the citizen's personal-data
rights (their data, consents, requests, retention)."""

from .access import AccessLogEntry, AccessLogImmutableError  # noqa: F401
from .login import DigitalIdentity, LoginMethod  # noqa: F401
from .privacy import (  # noqa: F401
    DataRequest,
    DataRequestKind,
    DataRequestStatus,
    PurgeRecord,
    RetentionCategory,
    RetentionRule,
    RetentionRun,
)
