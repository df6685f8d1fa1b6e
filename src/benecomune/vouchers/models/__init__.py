from .cards import CardStatus, TypedCode, VoucherCard
from .circuit import Circuit, CircuitMembership, MembershipStatus, PointOfSale
from .notices import TillNotice
from .redemptions import Authorisation, AuthorisationStatus, Channel, Redemption

__all__ = [
    "Authorisation",
    "AuthorisationStatus",
    "CardStatus",
    "Channel",
    "Circuit",
    "CircuitMembership",
    "MembershipStatus",
    "PointOfSale",
    "Redemption",
    "TillNotice",
    "TypedCode",
    "VoucherCard",
]
