"""Issue #13's journey, all from the pages, in Chromium: the network's platform admin adds a new
Comune and invites its administrator; she invites a desk operator and a validator, creates a
fund, records its money, defines and publishes a call; the desk registers the households in the
new Comune's empty registry, imports 20 paper applications from the call's own template and
files one more in person; it instructs them, and the validator decides them (20 at once with
the bulk decision, the one from the counter on its own page).

The only data made outside the pages is the platform admin's account. Every page visited is
checked by axe-core and the Content-Security-Policy watch (tests/e2e/conftest.py)."""

import csv
import datetime
import io
import re

import pytest
from codicefiscale import codicefiscale
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from benecomune.calls.models import Application, ApplicationStatus
from benecomune.core.models import Membership, Municipality, Role, User
from benecomune.core.scoping import all_tenants
from tests.core.onboarding_helpers import PASSWORD, invitation_link
from tests.e2e.helpers import PHONE, assert_fits, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAPER_APPLICANTS = 20
FIRST_NAMES = ["Marco", "Giulia", "Luca", "Sara", "Paolo", "Elena", "Andrea", "Chiara", "Franco"]
LAST_NAMES = [
    "Bianchi", "Ferrari", "Romano", "Gallo", "Costa", "Fontana", "Conti", "Ricci", "Bruno",
    "Marchetti", "Barbieri", "Lombardi", "Moretti", "Greco", "Mancini", "Rizzo", "Lombardo",
    "Giordano", "Colombo", "Rinaldi",
]  # fmt: skip
# The food call of this journey, as the Comune's administrator types it in the editor.
CALL_TITLE = "Buoni spesa Campodarsego 2026"


def fiscal_code(first, last, sex, birth):
    return codicefiscale.encode(
        lastname=last, firstname=first, gender=sex, birthdate=birth, birthplace="Padova"
    )


def paper_people() -> list[dict]:
    """Twenty residents living alone, with different names, sexes and ages."""
    people = []
    for i in range(PAPER_APPLICANTS):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[i]
        sex = "F" if first.endswith("a") and first != "Andrea" else "M"
        birth = f"{(i % 27) + 1:02d}/{(i % 12) + 1:02d}/{1950 + i}"
        people.append({"first": first, "last": last, "code": fiscal_code(first, last, sex, birth)})
    assert len({p["code"] for p in people}) == PAPER_APPLICANTS
    return people


def isee_day() -> datetime.date:
    """An ISEE issued this year, not in the future."""
    today = timezone.localdate()
    return today.replace(month=1, day=15) if today.month > 1 else today


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def accept_invitation(page, base, email):
    """The invited person opens the e-mail's link, chooses a password, enrols the second
    factor with the code the authenticator app shows, and lands on the home page."""
    page.goto(base + invitation_link(email))
    page.get_by_label("Scelga una password").fill(PASSWORD)
    page.get_by_label("Ripeta la password").fill(PASSWORD)
    page.get_by_role("button", name="Salva la password e continua").click()
    page.wait_for_url(re.compile(r"/verifica/attiva/"))
    user = User.objects.get(email=email)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Codice di verifica (6 cifre)").fill(code)
    page.get_by_role("button").filter(has_text="Attiva").first.click()
    page.wait_for_url(f"{base}/")
    return user


def invite(page, full_name, email, role_label):
    page.get_by_label("Nome e cognome").fill(full_name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Ruolo").select_option(label=role_label)
    page.get_by_role("button", name="Invia l'invito").click()
    expect(page.get_by_text(f"Invito inviato a {email}")).to_be_visible()


def fill(page, values: dict):
    for name, value in values.items():
        page.locator(f"form [name='{name}']").fill(value)


def tick(page, name, value):
    """Bootstrap Italia draws the box over the input: people click the label."""
    box = page.locator(f"input[name='{name}'][value='{value}']")
    page.locator(f"label[for='{box.get_attribute('id')}']").click()
    expect(box).to_be_checked()


def register_household(desk, base, address, members):
    """The household page: the head in the first row, the others below."""
    desk.goto(f"{base}/gestione/anagrafe/nuovo-nucleo/")
    desk.get_by_label("Indirizzo del nucleo").fill(address)
    for i, member in enumerate(members):
        fill(
            desk,
            {
                f"members-{i}-fiscal_code": member["code"],
                f"members-{i}-first_name": member["first"],
                f"members-{i}-last_name": member["last"],
            },
        )
        if i:
            desk.locator(f"[name='members-{i}-relationship']").select_option(member["relationship"])
    desk.get_by_test_id("save-household").click()
    expect(desk.get_by_text("Nucleo familiare registrato.")).to_be_visible()


def paper_csv(template: bytes, people: list[dict]) -> bytes:
    """The downloaded template (header only) filled with one row per paper form."""
    header = next(csv.reader(io.StringIO(template.decode("utf-8-sig")), delimiter=";"))
    received = timezone.localdate().strftime("%d/%m/%Y")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for n, person in enumerate(people, start=1):
        values = {
            "codice_fiscale": person["code"],
            "data_ricezione": received,
            "protocollo_cartaceo": f"CART-{n:04d}",
            "consenso_su_carta": "sì",
            # Different ISEE values: different scores in the ranking.
            "isee_euro": f"{1_500 + 450 * n},00",
            "protocollo_dsu": f"INPS-ISEE-{isee_day().year}-{n:08d}A-00",
            "data_isee": isee_day().strftime("%d/%m/%Y"),
        }
        row = []
        for column in header:
            if column.startswith("dich_"):
                row.append("sì")
            else:
                row.append(values.get(column, ""))
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def instruct(desk, url):
    """The desk records every checklist item as the page's automatic checks suggest, and
    closes the instruction proposing admission. The new Comune's people have no attestation
    in the INPS stand-in (it answers from `IseeRecord` rows, which no page creates): the desk
    records that item as not matching, with what it saw instead, and explains the proposal."""
    desk.goto(url)
    items = desk.locator("fieldset.checklist-item")
    for i in range(items.count()):
        item = items.nth(i)
        if item.get_by_text("verifica automatica: da controllare").count():
            item.get_by_text("Non conforme", exact=True).click()
            item.locator("input[type='text']").fill("Vista l'attestazione ISEE cartacea.")
        else:
            item.get_by_text("Conforme", exact=True).click()
    desk.get_by_label("Note istruttorie").fill("Modulo e dichiarazioni visti.")
    desk.get_by_role("button", name="Salva la lista di controllo").click()
    expect(desk.get_by_test_id("checklist-saved")).to_be_visible()
    desk.get_by_text("Ammissione", exact=True).click()
    desk.get_by_label("Motivazione della proposta").fill(
        "Requisiti in regola: l'ISEE dell'attestazione cartacea coincide con quello dichiarato."
    )
    desk.get_by_role("button", name="Concludi e passa al convalidatore").click()
    expect(desk.get_by_text("Istruttoria conclusa: la domanda passa")).to_be_visible()


def test_a_new_comune_runs_a_call_from_the_pages(
    live_server, page_for, make_user, network, screenshot_dir, tmp_path
):
    base = live_server.url
    shot = 0

    def snap(page, name, phone=None):
        """A desktop screenshot and, with `phone`, the same page at phone width."""
        nonlocal shot
        shot += 1
        page.screenshot(path=screenshot_dir / f"journey-{shot:02d}-{name}.png", full_page=True)
        if phone is not None:
            phone.goto(page.url)
            assert_fits(phone)
            phone.screenshot(
                path=screenshot_dir / f"journey-{shot:02d}-{name}-phone.png", full_page=True
            )

    # 1. The platform admin adds Campodarsego and invites its administrator.
    platform_user = make_user(
        "piattaforma@example.org", role=Role.PLATFORM_ADMIN, organization=network
    )
    platform = page_for()
    log_in(platform, base, platform_user)
    platform.get_by_role("link", name="Aggiungi un Comune").first.click()
    platform.get_by_label("Nome del Comune").fill("Campodarsego")
    platform.get_by_label("Codice ISTAT").fill("028017")
    platform.get_by_label("PEC").fill("protocollo@pec.comune.campodarsego.pd.it")
    platform.get_by_label("IBAN della tesoreria").fill("IT60X0542811101000000123456")
    platform.get_by_role("button", name="Aggiungi").click()
    expect(platform.get_by_text("Ora inviti il suo primo amministratore")).to_be_visible()
    platform.get_by_label("Nome e cognome").fill("Anna Sindaco")
    platform.get_by_label("E-mail").fill("anna@campodarsego.example")
    platform.get_by_role("button", name="Invia l'invito").click()
    expect(platform.get_by_text("Invito inviato a anna@campodarsego.example")).to_be_visible()
    snap(platform, "piattaforma-comune-aggiunto")
    comune = Municipality.objects.get(istat_code="028017")

    # 2. The administrator accepts on her phone, then invites the desk and the validator.
    admin_phone = page_for(**PHONE)
    accept_invitation(admin_phone, base, "anna@campodarsego.example")
    admin = page_for()
    admin.context.add_cookies(admin_phone.context.cookies())
    admin.goto(f"{base}/gestione/personale/")
    expect(admin.get_by_role("heading", name="Personale di Campodarsego")).to_be_visible()
    invite(admin, "Davide Sportello", "sportello@campodarsego.example", "Sportellista")
    invite(admin, "Vera Convalida", "convalida@campodarsego.example", "Convalidatore")
    snap(admin, "comune-personale", admin_phone)

    desk = page_for()
    desk_user = accept_invitation(desk, base, "sportello@campodarsego.example")
    checker = page_for()
    checker_user = accept_invitation(checker, base, "convalida@campodarsego.example")

    # 3. The administrator creates the fund, records the Region's money, defines the call and
    # publishes it.
    admin.goto(f"{base}/gestione/fondi/")
    admin.get_by_role("link", name="Nuovo fondo").click()
    admin.get_by_label("Nome del fondo").fill("Fondo solidarietà alimentare 2026")
    admin.get_by_label("Origine").select_option("regional")
    admin.get_by_role("button", name="Crea il fondo").click()
    expect(admin.get_by_text("Fondo creato.")).to_be_visible()
    admin.get_by_role("link", name="Registra un contributo").click()
    admin.get_by_label("Chi versa il contributo").fill("Regione del Veneto")
    admin.get_by_label("Importo").fill("20.000,00")
    admin.get_by_role("button", name="Registra").click()
    expect(admin.get_by_text("Contributo registrato.")).to_be_visible()

    admin.goto(f"{base}/gestione/bandi/nuovo/")
    now = timezone.now()
    fill(
        admin,
        {
            "title": CALL_TITLE,
            "code": "buoni-spesa-2026",
            "summary": "Buoni spesa per le famiglie in difficoltà.",
            "description": "Buoni nominativi da spendere nei negozi del territorio.",
            "budget": "10.000,00",
            "opens_at": local_input(now - datetime.timedelta(days=1)),
            "closes_at": local_input(now + datetime.timedelta(days=30)),
            "spend_from": now.date().isoformat(),
            "spend_until": (now.date() + datetime.timedelta(days=180)).isoformat(),
            "appeal_days": "10",
            "legal_reference": "Delibera di Giunta n. 12/2026",
            "isee_max": "12.000,00",
            "min_members": "1",
            "base": "50,00",
            "per_member": "50,00",
            "cap": "400,00",
            "score_bands-0-isee_max": "12.000,00",
            "score_bands-0-points": "10",
            "points_per_minor": "5",
            "declarations-0-code": "truthful",
            "declarations-0-text": "Dichiaro che i dati sono veri (DPR 445/2000).",
        },
    )
    admin.locator("[name='fund']").select_option(label="Fondo solidarietà alimentare 2026")
    tick(admin, "kind", "per_member")
    admin.locator("[name='tie_1']").select_option("isee_asc")
    tick(admin, "allowed_categories", "grocery")
    admin.get_by_role("button", name="Salva la bozza").click()
    expect(admin.get_by_text("Bando salvato in bozza")).to_be_visible()
    snap(admin, "comune-bando-bozza", admin_phone)
    admin.get_by_role("link", name="Pubblica").click()
    admin.get_by_role("button", name="Conferma e pubblica").click()
    expect(admin.get_by_text("Bando pubblicato: il budget è prenotato")).to_be_visible()
    call_url = admin.url

    # 4. The desk registers the households: the registry of a new Comune is empty.
    people = paper_people()
    for n, person in enumerate(people, start=1):
        register_household(desk, base, f"Via dei Campi {n}", [person])
    counter = [
        {"first": "Rosa", "last": "Zanon", "code": fiscal_code("Rosa", "Zanon", "F", "12/03/1985")},
        {
            "first": "Tommaso",
            "last": "Zanon",
            "code": fiscal_code("Tommaso", "Zanon", "M", "08/09/2016"),
            "relationship": "child",
        },
    ]
    register_household(desk, base, "Piazza Europa 3", counter)
    snap(desk, "sportello-nucleo")

    # 5. The desk imports the 20 paper forms, from the call's own template.
    desk.goto(f"{base}/gestione/sportello/domande/")
    desk.get_by_test_id("paper-calls-link").click()
    desk.get_by_role("link", name=CALL_TITLE).click()
    with desk.expect_download() as download:
        desk.get_by_test_id("template-csv").click()
    filled = tmp_path / "domande-cartacee.csv"
    filled.write_bytes(paper_csv(download.value.path().read_bytes(), people))
    desk.get_by_label("File compilato (CSV o XLSX)").set_input_files(str(filled))
    desk.get_by_role("button", name="Controlla il file").click()
    expect(desk.get_by_test_id("confirm-import")).to_have_text("Presenta 20 domande")
    snap(desk, "sportello-import-controllato")
    desk.get_by_test_id("confirm-import").click()
    expect(desk.get_by_text("Importate e presentate 20 domande cartacee.")).to_be_visible()
    snap(desk, "sportello-import-fatto")

    # 6. Rosa comes to the counter: the desk records her consent and files for her.
    desk.goto(f"{base}/gestione/sportello/domande/")
    desk.get_by_label("Codice fiscale, oppure cognome e nome").fill(counter[0]["code"])
    desk.get_by_role("button", name="Cerca").click()
    desk.get_by_role("link", name="Scegli").first.click()
    desk.get_by_label("Come ha dato il consenso il cittadino").fill(
        "Di persona allo sportello, documento d'identità verificato."
    )
    desk.get_by_role("button", name="Registra il consenso e compila").click()
    expect(desk.get_by_text("Domanda assistita avviata per Rosa Zanon")).to_be_visible()
    desk.get_by_label("Valore ISEE, in euro").fill("7.200,00")
    desk.get_by_label("Numero di protocollo della DSU").fill(
        f"INPS-ISEE-{isee_day().year}-00000099A-00"
    )
    desk.get_by_label("Data di rilascio dell'ISEE").fill(isee_day().isoformat())
    desk.locator("label", has_text="Dichiaro che i dati sono veri").click()
    expect(desk.get_by_label("Dichiaro che i dati sono veri")).to_be_checked()
    expect(desk.get_by_test_id("complete")).to_be_visible()
    snap(desk, "sportello-domanda-di-persona")
    desk.get_by_role("button", name="Salva e vai all'invio").click()
    desk.wait_for_url(re.compile(r"/invia/$"))
    desk.get_by_role("button", name="Invia la domanda").click()
    expect(desk.get_by_test_id("status")).to_have_text("Presentata")
    counter_protocol = desk.get_by_test_id("protocol").inner_text().strip()

    # 7. The desk instructs the 21 applications, one by one (four eyes: it proposes only).
    desk.goto(f"{base}/gestione/domande/")
    expect(desk.get_by_test_id("count")).to_have_text("21 domande")
    links = desk.locator("table a[href*='/gestione/domande/']")
    urls = [base + links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(urls) == 21
    for url in urls:
        instruct(desk, url)
    snap(desk, "sportello-istruttoria-conclusa")

    # 8. The validator admits Rosa's on its page, and the 20 paper ones in one decision.
    checker.goto(f"{base}/gestione/domande/")
    checker.get_by_role("link", name=counter_protocol).first.click()
    decide = checker.locator("section", has=checker.locator("#h-decide"))
    decide.get_by_text("Ammetti", exact=True).click()
    decide.get_by_label("Motivazione").fill("Ammessa secondo la proposta dello sportello.")
    decide.get_by_role("button", name="Registra la decisione").click()
    expect(checker.get_by_test_id("outcome")).to_contain_text("Ammessa")

    checker.goto(f"{base}/gestione/domande/?status=instructed")
    expect(checker.get_by_test_id("count")).to_have_text("20 domande")
    checker.locator("[data-select-all]").check()
    checker.locator("#bulk-form").get_by_text("Ammetti", exact=True).click()
    checker.get_by_label("Motivazione").fill("Ammesse secondo le proposte dello sportello.")
    snap(checker, "convalidatore-decisione-multipla")
    checker.get_by_role("button", name="Conferma la decisione").click()
    expect(checker.get_by_text("Decise 20 domande.")).to_be_visible()
    checker.goto(f"{base}/gestione/domande/?status=admitted")
    expect(checker.get_by_test_id("count")).to_have_text("21 domande")
    checker_phone = page_for(**PHONE)
    checker_phone.context.add_cookies(checker.context.cookies())
    snap(checker, "convalidatore-decise", checker_phone)

    # The administrator sees the outcome on the call's page.
    admin.goto(call_url)
    snap(admin, "comune-bando-pubblicato", admin_phone)

    with all_tenants():
        applications = list(Application.objects_unscoped.filter(call__organization=comune))
    assert len(applications) == 21
    assert {a.status for a in applications} == {ApplicationStatus.ADMITTED}
    assert {a.instructed_by for a in applications} == {desk_user}
    assert {a.decided_by for a in applications} == {checker_user}
    assert Membership.objects.get(user=desk_user).role == Role.DESK_OPERATOR
    assert Membership.objects.get(user=checker_user, organization=comune).role == Role.VALIDATOR
