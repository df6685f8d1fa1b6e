"""Users log in by e-mail. Every user is a citizen; roles come from memberships in
organisations (user x organisation x role)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organizations import OrganizationKind


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("nome e cognome"), max_length=200)
    person = models.OneToOneField(
        "core.Person",
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    is_active = models.BooleanField(_("attivo"), default=True)
    # Access to Django's admin site (platform administrators only).
    is_staff = models.BooleanField(_("accesso all'amministrazione tecnica"), default=False)
    date_joined = models.DateTimeField(_("iscritto dal"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self) -> str:
        return self.full_name or self.email

    def active_memberships(self):
        return self.memberships.filter(is_active=True).select_related("organization")

    @property
    def needs_second_factor(self) -> bool:
        """Every staff role requires TOTP; a plain citizen does not."""
        return self.is_staff or self.memberships.filter(is_active=True).exists()


class Role(models.TextChoices):
    DESK_OPERATOR = "desk_operator", _("Sportellista")
    VALIDATOR = "validator", _("Convalidatore")
    MUNICIPALITY_ADMIN = "municipality_admin", _("Amministratore del Comune")
    DATA_PROTECTION = "data_protection", _("Referente per la protezione dei dati")
    MERCHANT_STAFF = "merchant_staff", _("Esercente")
    PROVIDER_STAFF = "provider_staff", _("Operatore del fornitore")
    # HR admin: the company's profile, its HR users, plans' approval (value kept from before).
    COMPANY_HR = "company_hr", _("Ufficio personale dell'azienda")
    COMPANY_HR_OPERATOR = "company_hr_operator", _("Operatore dell'ufficio personale")
    COMPANY_AUDITOR = "company_auditor", _("Revisore dell'azienda (sola lettura)")
    # The operators of a Welfare Point (desk app), held in the Point's owner organisation.
    WELFARE_MANAGER = "welfare_manager", _("Welfare Manager")
    WELFARE_DESK_STAFF = "welfare_desk_staff", _("Operatore del Punto Welfare")
    WELFARE_COORDINATOR = "welfare_coordinator", _("Coordinatore del Punto Welfare")
    PLATFORM_ADMIN = "platform_admin", _("Amministratore della piattaforma")


# A Welfare Point belongs to a Comune, the network, a company or a provider (a third-sector
# body), so its operators' roles may be held in any of them.
ANY_KIND = (
    OrganizationKind.MUNICIPALITY,
    OrganizationKind.NETWORK,
    OrganizationKind.COMPANY,
    OrganizationKind.PROVIDER,
)

# Which kind of organisation each role belongs to (a tuple: any of those kinds).
ROLE_ORGANIZATION_KIND = {
    Role.DESK_OPERATOR: OrganizationKind.MUNICIPALITY,
    Role.VALIDATOR: OrganizationKind.MUNICIPALITY,
    Role.MUNICIPALITY_ADMIN: OrganizationKind.MUNICIPALITY,
    Role.DATA_PROTECTION: OrganizationKind.MUNICIPALITY,
    Role.MERCHANT_STAFF: OrganizationKind.PROVIDER,
    Role.PROVIDER_STAFF: OrganizationKind.PROVIDER,
    Role.COMPANY_HR: OrganizationKind.COMPANY,
    Role.COMPANY_HR_OPERATOR: OrganizationKind.COMPANY,
    Role.COMPANY_AUDITOR: OrganizationKind.COMPANY,
    Role.PLATFORM_ADMIN: OrganizationKind.NETWORK,
    Role.WELFARE_MANAGER: ANY_KIND,
    Role.WELFARE_DESK_STAFF: ANY_KIND,
    Role.WELFARE_COORDINATOR: ANY_KIND,
}


def role_fits(role: str, kind: str) -> bool:
    """May `role` be held in an organisation of this kind?"""
    allowed = ROLE_ORGANIZATION_KIND.get(role)
    return kind in allowed if isinstance(allowed, tuple) else allowed == kind


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("ruolo"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("attivo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ruolo assegnato")
        verbose_name_plural = _("ruoli assegnati")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.organization}"
