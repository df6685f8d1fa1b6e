"""Load the demo network. Idempotent: running it again changes nothing."""

import base64
import random
from datetime import date, timedelta

from codicefiscale import codicefiscale
from django.core.management.base import BaseCommand, OutputWrapper
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn

from benecomune.core.actors import Actor
from benecomune.core.demo import data
from benecomune.core.models import (
    Company,
    HouseholdMember,
    Membership,
    Municipality,
    Network,
    Person,
    Provider,
    Relationship,
    Role,
    User,
)
from benecomune.core.scoping import all_tenants
from benecomune.core.services import organizations, people

CITIZENS_PER_MUNICIPALITY = 48  # about 240 people in households of 1 to 5


def vat(serial: str) -> str:
    """A valid partita IVA: serial, provincial office (028 = Padova), Luhn check digit."""
    base = serial + "028"
    return base + luhn.calc_check_digit(base)


class Command(BaseCommand):
    help = "Carica i dati dimostrativi della rete Alta Padovana (idempotente)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-logins", action="store_true", help="non stampare gli accessi dimostrativi"
        )
        parser.add_argument(
            "--logins-file",
            help="scrivere gli accessi dimostrativi in questo file invece di stamparli "
            "(`make run` li mostra quando il server è pronto)",
        )

    def handle(self, *args, **options):
        self.actor = Actor.system_actor("seed_demo")
        self.rng = random.Random(20261122)  # same people every run
        with all_tenants():
            network = self.seed_organizations()
            self.seed_people(network)
            logins = self.seed_users(network)
            logins += self.seed_extensions(network)
        if options["logins_file"]:
            with open(options["logins_file"], "w", encoding="utf-8") as file:
                self.print_logins(logins, OutputWrapper(file), style=lambda text: text)
        elif not options["quiet_logins"]:
            self.print_logins(logins)

    # --- organisations -----------------------------------------------------------------------
    def seed_organizations(self) -> Network:
        network = Network.objects.filter(slug=data.NETWORK["slug"]).first()
        if network is None:
            network = organizations.create_network(self.actor, **data.NETWORK)
        for name, slug, istat, cadastral, population, address in data.MUNICIPALITIES:
            if not Municipality.objects.filter(slug=slug).exists():
                organizations.create_municipality(
                    self.actor,
                    network,
                    name=name,
                    slug=slug,
                    istat_code=istat,
                    cadastral_code=cadastral,
                    province="PD",
                    population=population,
                    address=address,
                    email=f"sociale@{slug}.demo.benecomune.it",
                )
        for name, slug, kind, category, vat_base, town in data.PROVIDERS:
            if not Provider.objects.filter(slug=slug).exists():
                organizations.create_provider(
                    self.actor,
                    network,
                    name=name,
                    slug=slug,
                    provider_kind=kind,
                    category=category,
                    vat_number=vat(vat_base),
                    municipality=Municipality.objects.get(slug=town),
                    email=f"info@{slug}.demo.benecomune.it",
                )
        name, slug, vat_base = data.COMPANY
        if not Company.objects.filter(slug=slug).exists():
            organizations.create_company(
                self.actor, network, name=name, slug=slug, vat_number=vat(vat_base)
            )
        return network

    # --- people ------------------------------------------------------------------------------
    def _new_person(self, municipality, last_name, sex, birth: date, street, taken=()):
        names = data.MALE_NAMES if sex == "M" else data.FEMALE_NAMES
        first = self.rng.choice([name for name in names if name not in taken])
        code = codicefiscale.encode(
            lastname=last_name,
            firstname=first,
            gender=sex,
            birthdate=birth.strftime("%d/%m/%Y"),
            birthplace=self.rng.choice([municipality.name, municipality.name, "Padova"]),
        )
        existing = Person.objects.filter(fiscal_code=code).first()
        if existing:
            return existing
        return people.register_person(
            self.actor,
            fiscal_code=code,
            first_name=first,
            last_name=last_name,
            residence=municipality,
            address=street,
            email=f"{first}.{last_name}.{code[-4:]}@demo.benecomune.it".lower(),
        )

    def _birth(self, min_age, max_age) -> date:
        return date(2026, 1, 1) - timedelta(days=self.rng.randint(min_age * 365, max_age * 365))

    def seed_people(self, network):
        for municipality in Municipality.objects.filter(network=network).order_by("pk"):
            created = 0
            while created < CITIZENS_PER_MUNICIPALITY:
                created += self._seed_household(municipality)

    def _seed_household(self, municipality) -> int:
        surname = self.rng.choice(data.SURNAMES)
        street = f"{self.rng.choice(data.STREETS)} {self.rng.randint(1, 120)}"
        shape = self.rng.choice(
            [
                "single",
                "single_elder",
                "couple",
                "family",
                "family",
                "family_large",
                "single_parent",
            ]
        )
        head_sex = self.rng.choice("MF")
        elder = shape == "single_elder"
        head = self._new_person(
            municipality,
            surname,
            head_sex,
            self._birth(70, 90) if elder else self._birth(28, 60),
            street,
        )
        with transaction.atomic():
            if HouseholdMember.objects.filter(person=head).exists():
                household = people.household_of(head)
            else:
                household = people.create_household(self.actor, head=head, address=street)
        size = 1
        members: list[tuple[str, str, date]] = []
        if shape in ("couple", "family", "family_large"):
            other = "F" if head_sex == "M" else "M"
            members.append((other, Relationship.SPOUSE, self._birth(28, 60)))
        children = {
            "family": self.rng.randint(1, 2),
            "family_large": self.rng.randint(3, 4),
            "single_parent": self.rng.randint(1, 2),
        }.get(shape, 0)
        members += [
            (self.rng.choice("MF"), Relationship.CHILD, self._birth(1, 17)) for _ in range(children)
        ]
        if shape == "family_large":
            members.append((self.rng.choice("MF"), Relationship.PARENT, self._birth(75, 92)))
        taken = {head.first_name}
        for sex, relationship, birth in members:
            person = self._new_person(municipality, surname, sex, birth, street, taken)
            taken.add(person.first_name)
            if not HouseholdMember.objects.filter(person=person).exists():
                people.add_household_member(self.actor, household, person, relationship)
            size += 1
        return size

    # --- users and roles -------------------------------------------------------------------------
    def _user(self, email, full_name, person=None, *, staff=False) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, data.DEMO_PASSWORD, full_name=full_name, person=person
            )
        if staff and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user, name="demo", confirmed=True, key=data.DEMO_TOTP_HEX
            )
        return user

    def _grant(self, user, organization, role):
        if not Membership.objects.filter(user=user, organization=organization, role=role).exists():
            from benecomune.core.services.memberships import grant_role

            grant_role(self.actor, user, organization, role)

    def seed_users(self, network) -> list[tuple[str, str, str]]:
        piazzola = Municipality.objects.get(slug="piazzola-sul-brenta")
        limena = Municipality.objects.get(slug="limena")
        grocery = Provider.objects.get(slug="alimentari-da-bepi")
        coop = Provider.objects.get(slug="coop-jonathan")
        company = Company.objects.get(slug=data.COMPANY[1])
        citizen_person = Person.objects.filter(residence=piazzola).order_by("pk").first()
        admin_person = Person.objects.filter(residence=piazzola).order_by("pk")[1]

        specs = [
            (
                "cittadino@demo.benecomune.it",
                citizen_person.full_name,
                citizen_person,
                None,
                None,
                _("Cittadino"),
            ),
            (
                "sportello@piazzola.demo.benecomune.it",
                "Giulia Sportello",
                None,
                piazzola,
                Role.DESK_OPERATOR,
                None,
            ),
            (
                "convalida@piazzola.demo.benecomune.it",
                "Paolo Convalida",
                None,
                piazzola,
                Role.VALIDATOR,
                None,
            ),
            (
                "admin@piazzola.demo.benecomune.it",
                admin_person.full_name,
                admin_person,
                piazzola,
                Role.MUNICIPALITY_ADMIN,
                None,
            ),
            (
                "privacy@piazzola.demo.benecomune.it",
                "Diana Riservatezza",
                None,
                piazzola,
                Role.DATA_PROTECTION,
                None,
            ),
            (
                "admin@limena.demo.benecomune.it",
                "Laura Limena",
                None,
                limena,
                Role.MUNICIPALITY_ADMIN,
                None,
            ),
            (
                "cassa@alimentari-da-bepi.demo.benecomune.it",
                "Bepi Esercente",
                None,
                grocery,
                Role.MERCHANT_STAFF,
                None,
            ),
            (
                "operatore@coop-jonathan.demo.benecomune.it",
                "Chiara Cooperativa",
                None,
                coop,
                Role.PROVIDER_STAFF,
                None,
            ),
            (
                "hr@meccanica-brenta.demo.benecomune.it",
                "Roberto Personale",
                None,
                company,
                Role.COMPANY_HR,
                None,
            ),
            (
                "operatore-hr@meccanica-brenta.demo.benecomune.it",
                "Elena Paghe",
                None,
                company,
                Role.COMPANY_HR_OPERATOR,
                None,
            ),
            (
                "revisore@meccanica-brenta.demo.benecomune.it",
                "Franco Revisore",
                None,
                company,
                Role.COMPANY_AUDITOR,
                None,
            ),
            (
                "piattaforma@demo.benecomune.it",
                "Amministratore Piattaforma",
                None,
                network,
                Role.PLATFORM_ADMIN,
                None,
            ),
        ]
        logins = []
        for email, name, person, org, role, label in specs:
            user = self._user(email, name, person, staff=role is not None)
            if role is not None:
                self._grant(user, org, role)
                label = f"{Role(role).label} — {org.name}"
            logins.append((str(label), email, "totp" if role else ""))
        return logins

    def seed_extensions(self, network) -> list[tuple[str, str, str]]:
        """Apps with demo data of their own provide `demo.seed(actor, network, rng)`; one that
        adds staff accounts returns their logins (label, e-mail, "totp"), printed with the
        others."""
        from django.apps import apps
        from django.utils.module_loading import import_string

        logins = []
        for config in apps.get_app_configs():
            if not config.name.startswith("benecomune.") or config.label == "core":
                continue
            try:
                seed = import_string(f"{config.name}.demo.seed")
            except ImportError:
                continue
            logins += seed(self.actor, network, self.rng) or []
        return logins

    def print_logins(self, logins, out=None, style=None):
        secret = base64.b32encode(bytes.fromhex(data.DEMO_TOTP_HEX)).decode()
        out = out or self.stdout
        style = style or self.style.SUCCESS
        out.write("")
        out.write(style(f"Accessi dimostrativi (password per tutti: {data.DEMO_PASSWORD})"))
        for label, email, totp in logins:
            out.write(f"  {label:<58} {email}{'  + codice TOTP' if totp else ''}")
        out.write("")
        out.write(
            f"Il personale usa la verifica in due passaggi: chiave TOTP dimostrativa {secret}"
        )
        out.write(
            "(la metta in un'app di autenticazione, oppure legga il codice del momento "
            "con `make totp`)."
        )


def _(text):
    return text
