"""Importing services from CSV/XLSX: a good file (commas or semicolons, with or without BOM,
XLSX), the template itself, a wrong encoding, and one bad row among good ones: every bad row
reported with its line, nothing written, one audit event for a good file."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from benecomune.core.models import AuditEvent
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import Service, ServiceStatus
from benecomune.marketplace.services.catalogue_import import (
    ImportRefused,
    import_services,
    template_csv,
)
from tests.helpers import login

pytestmark = pytest.mark.django_db

HEADER = ["titolo", "descrizione", "area_utenza", "tipo_servizio", "prezzo", "unita"]
HEADER += ["modalita", "pagabile_con", "area_accreditamento", "comuni"]
ROWS = [
    [
        *("Doposcuola", "Compiti", "Famiglia e minori", "tutoring", "8,50", "ora"),
        *("presenza", "comuni|proprio", "family", ""),
    ],
    [
        *("Assistenza à casa", "Cura", "anziani", "Assistenza domiciliare", "20", "ora"),
        *("domicilio", "proprio", "", "Piazzola sul Brenta"),
    ],
]


def csv_file(rows=ROWS, *, sep=",", bom=False, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep).writerows([HEADER, *rows])
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def run(owner, provider, data):
    with all_tenants():
        return import_services(owner, provider, data)


@pytest.mark.parametrize(
    "data",
    [
        csv_file(),
        csv_file(sep=";"),
        csv_file(bom=True),
        csv_file(sep=";", bom=True),
    ],
    ids=["commas", "semicolons", "bom", "semicolons-bom"],
)
def test_a_good_file_creates_drafts_with_one_audit_event(make_provider, municipality, data):
    provider, owner = make_provider()
    created = run(owner, provider, data)
    assert [s.title for s in created] == ["Doposcuola", "Assistenza à casa"]
    first, second = (Service.objects_unscoped.get(pk=s.pk) for s in created)
    assert (first.price, first.price_unit, first.user_area) == (850, "hour", "family_minors")
    assert first.payable_by == ["public", "own"] and first.accreditation_area == "family"
    assert second.delivery == "at_home"
    assert list(second.municipalities_served.all()) == [municipality]
    assert {s.status for s in created} == {ServiceStatus.DRAFT}
    events = AuditEvent.objects_unscoped.filter(action__startswith="marketplace.service")
    assert events.count() == 1 and events.get().action == "marketplace.services_imported"


def test_xlsx_and_the_template(make_provider):
    provider, owner = make_provider()
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["Laboratorio", "Letture", "family_minors", "labs", 40, "pacchetto"])
    sheet["G2"], sheet["H2"] = "online", "proprio"
    out = io.BytesIO()
    book.save(out)
    (service,) = run(owner, provider, out.getvalue())
    assert (service.title, service.price, service.delivery) == ("Laboratorio", 4000, "online")
    created = run(owner, provider, template_csv())
    assert len(created) == 2


def test_wrong_encoding_is_refused_in_italian(make_provider):
    provider, owner = make_provider()
    with pytest.raises(ValidationError, match="UTF-8"):
        run(owner, provider, csv_file(encoding="latin-1"))
    assert Service.objects_unscoped.count() == 0


def test_one_bad_row_among_good_ones_writes_nothing(make_provider):
    provider, owner = make_provider()
    rows = [
        ROWS[0],
        [
            "Caro",
            "x",
            "Famiglia e minori",
            "tutoring",
            "12,345",
            "ora",
            "presenza",
            "proprio",
            "",
            "",
        ],
        ["", "x", "marziani", "tutoring", "-4", "ora", "presenza", "comuni", "", "Padova"],
        ROWS[1],
        [
            "Doposcuola",
            "doppio",
            "family_minors",
            "tutoring",
            "5",
            "ora",
            "online",
            "proprio",
            "",
            "",
        ],
    ]
    with pytest.raises(ImportRefused) as caught:
        run(owner, provider, csv_file(rows))
    lines = dict(caught.value.rows)
    assert set(lines) == {3, 4, 6}
    assert any("due decimali" in m and m.startswith("prezzo") for m in lines[3])
    text = " ".join(lines[4])
    assert "marziani" in text and "Padova" in text and "titolo" in text
    assert "area_accreditamento" in text and "maggiore di zero" in text
    assert any("esiste già" in m for m in lines[6])
    assert Service.objects_unscoped.count() == 0
    assert not AuditEvent.objects_unscoped.filter(action="marketplace.services_imported").exists()


def test_missing_columns_and_empty_files(make_provider):
    provider, owner = make_provider()
    with pytest.raises(ValidationError, match="mancano"):
        run(owner, provider, b"titolo;prezzo\nUno;3\n")
    with pytest.raises(ValidationError, match="vuoto"):
        run(owner, provider, b"")


def test_the_import_page_reports_every_bad_row(client, make_provider):
    provider, owner = make_provider()
    page = login(client, owner.user, owner.membership)
    url = reverse("marketplace:service_import")
    assert page.get(url).status_code == 200
    template = page.get(reverse("marketplace:service_import_template"))
    assert template.content.startswith(b"\xef\xbb\xbftitolo;")
    bad = csv_file(
        [
            ROWS[0],
            [
                *("<b>x</b>", "", "family_minors", "tutoring", "1,001", "ora"),
                *("presenza", "proprio", "", ""),
            ],
        ]
    )
    response = page.post(url, {"file": SimpleUploadedFile("servizi.csv", bad)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Riga 3" in html and "nessun servizio è stato importato" in html
    assert Service.objects_unscoped.count() == 0
    response = page.post(url, {"file": SimpleUploadedFile("servizi.csv", csv_file())})
    assert response.status_code == 302
    assert Service.objects_unscoped.filter(provider=provider).count() == 2
