"""Paper applications imported in bulk at the desk: the template follows the call, every row is
checked before anything is written, a file with one bad row writes nothing and says where, and
a good file files and submits every application through the real services, in one go."""

import csv
import datetime
import hashlib
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from benecomune.calls.models import Application, ApplicationStatus
from benecomune.calls.services import definition
from benecomune.calls.services.applications import start_application
from benecomune.calls.services.ranking_check import check_ranking_consistency
from benecomune.calls.services.review.checklist import checklist_items
from benecomune.core.models import AuditEvent, Role
from benecomune.core.scoping import all_tenants

pytestmark = pytest.mark.django_db

HEADER = [
    "codice_fiscale",
    "data_ricezione",
    "protocollo_cartaceo",
    "consenso_su_carta",
    "isee_euro",
    "protocollo_dsu",
    "data_isee",
    "dich_truthful",
    "dich_no_other_aid",
    "doc_id_card",
]


def isee_day():
    today = timezone.localdate()
    return today.replace(month=1, day=15) if today.month > 1 else today


@pytest.fixture
def people(make_person, municipality):
    """Twenty residents living alone (each their own household), different ages."""
    return [
        make_person(municipality, first_name=f"Nome{chr(65 + i)}", last_name=f"Carta{chr(65 + i)}")
        for i in range(20)
    ]


def row(person, n, *, isee="8.500,00", received=None):
    received = received or timezone.localdate()
    return [
        person.fiscal_code,
        received.strftime("%d/%m/%Y"),
        f"PROT-{n:04d}",
        "sì",
        isee,
        f"INPS-ISEE-{isee_day().year}-{n:08d}A-00",
        isee_day().strftime("%d/%m/%Y"),
        "sì",
        "si",
        "x",
    ]


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def good_rows(people):
    # Different ISEE values, so that scores and tie values differ from row to row.
    return [row(p, i + 1, isee=f"{1_000 + 550 * i},{i:02d}") for i, p in enumerate(people)]


def upload(client, call, data, name="domande.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("calls:paper_import", kwargs={"pk": call.pk}), {"file": file})


def confirm(client, call, page):
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    url = reverse("calls:paper_import_confirm", kwargs={"pk": call.pk})
    return client.post(url, {"token": token})


def applications(call):
    with all_tenants():
        return list(Application.objects_unscoped.filter(call=call).order_by("pk"))


@pytest.fixture
def desk(staff_client, municipality):
    client, _user, _membership = staff_client(Role.DESK_OPERATOR, municipality)
    return client


def test_template_follows_the_call(desk, make_call):
    call = make_call()
    response = desk.get(reverse("calls:paper_template", kwargs={"pk": call.pk, "kind": "csv"}))
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").strip().split(";")
    assert header[:4] == HEADER[:4]
    assert {"dich_truthful", "dich_no_other_aid", "doc_id_card", "isee_euro"} <= set(header)
    assert "iban" not in header  # a voucher call pays no reimbursement
    response = desk.get(reverse("calls:paper_template", kwargs={"pk": call.pk, "kind": "xlsx"}))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == header
    assert "Istruzioni" in book.sheetnames
    reimbursement = make_call(benefit_type="reimbursement")
    response = desk.get(
        reverse("calls:paper_template", kwargs={"pk": reimbursement.pk, "kind": "csv"})
    )
    assert "iban" in response.content.decode("utf-8-sig")


def test_twenty_good_rows_import_twenty_submitted_applications(desk, make_call, people):
    call = make_call()
    data = csv_bytes(good_rows(people))
    page = upload(desk, call, data)
    assert page.status_code == 200, page.content.decode()[:2000]
    assert 'data-testid="import-confirm"' in page.content.decode()
    assert applications(call) == []  # the check writes nothing
    response = confirm(desk, call, page)
    assert response.status_code == 302
    filed = applications(call)
    assert len(filed) == 20
    assert {a.status for a in filed} == {ApplicationStatus.SUBMITTED}
    assert {a.applicant_id for a in filed} == {p.pk for p in people}
    assert all(a.protocol and a.consent_at and a.assisted_by_id for a in filed)
    with all_tenants():
        # The stored rank keys are those the rules engine computes again.
        assert check_ranking_consistency(call) == []
        assert len({a.rank_key for a in filed}) > 1
        first = filed[0]
        assert first.checklist["paper"]["protocol"] == "PROT-0001"
        assert first.checklist["paper"]["documents"] == ["id_card"]
        assert not first.documents.exists()  # no fake file: a checklist note instead
        item = next(i for i in checklist_items(first) if i["key"] == "doc_id_card")
        assert item["hint"] == "ok" and "Consegnato in cartaceo" in item["hint_text"]
        imported = AuditEvent.objects.filter(action="calls.application_paper_imported")
        assert imported.count() == 20
        batch = AuditEvent.objects.get(action="calls.paper_import")
    assert batch.after["file_sha256"] == hashlib.sha256(data).hexdigest()
    assert batch.after["applications"] == 20
    assert imported.first().reason == "Importata da modulo cartaceo"
    # The stored upload is served privately to the desk, from the page's list of imports.
    page = desk.get(reverse("calls:paper_import", kwargs={"pk": call.pk})).content.decode()
    file_link = reverse("core:file", kwargs={"kind": "paper-import", "pk": batch.pk})
    assert file_link in page
    assert desk.get(file_link).content == data


def test_one_bad_row_writes_nothing_and_says_where(desk, make_call, people):
    call = make_call()
    rows = good_rows(people[:19])
    rows.insert(12, row(people[19], 99, isee="ottomila"))  # the 14th line of the file
    response = upload(desk, call, csv_bytes(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "non è stata registrata nessuna domanda" in page
    assert 'data-testid="problem-row-14"' in page
    cells = re.search(r'data-testid="problem-row-14"><td>14</td><td>([^<]*)</td><td>([^<]*)', page)
    assert cells.group(1) == "isee_euro"
    assert "non è un importo in euro" in cells.group(2)
    assert 'data-testid="import-confirm"' not in page
    assert applications(call) == []
    with all_tenants():
        assert not AuditEvent.objects.filter(action__startswith="calls.paper").exists()


def test_a_row_refused_at_confirmation_rolls_back_every_row(
    desk, make_call, people, operator_actor
):
    """Checked, then one household applies at the counter before the confirmation: the
    import stops, and the rows already filed in the transaction are rolled back."""
    call = make_call()
    page = upload(desk, call, csv_bytes(good_rows(people[:5])))
    assert page.status_code == 200
    with all_tenants():
        start_application(operator_actor, call, people[3], assisted_consent="di persona")
    response = confirm(desk, call, page)
    assert response.status_code == 400
    assert 'data-testid="problem-row-5"' in response.content.decode()
    remaining = applications(call)
    assert len(remaining) == 1 and remaining[0].status == ApplicationStatus.DRAFT


def test_xlsx_imports_and_reports_like_csv(desk, make_call, people):
    call = make_call()

    def workbook(rows):
        book = Workbook()
        sheet = book.active
        sheet.append(HEADER)
        for values in rows:
            sheet.append(values)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def typed(person, n, isee=8500.5):
        # What a spreadsheet holds: real dates and numbers, not text.
        values = row(person, n)
        values[1] = timezone.localdate()
        values[4] = isee
        values[6] = datetime.datetime.combine(isee_day(), datetime.time())
        return values

    bad = [typed(p, i + 1) for i, p in enumerate(people[:3])]
    bad[1][5] = "PROTOCOLLO-SBAGLIATO"
    response = upload(desk, call, workbook(bad), name="domande.xlsx")
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'problem-row-3"><td>3</td><td>protocollo_dsu</td>', page)
    assert applications(call) == []

    good = [typed(p, i + 1, isee=4000 + i) for i, p in enumerate(people[:3])]
    page = upload(desk, call, workbook(good), name="qualsiasi-nome.bin")
    assert page.status_code == 200, page.content.decode()[:3000]
    assert confirm(desk, call, page).status_code == 302
    filed = applications(call)
    assert [a.isee_value for a in filed] == [400_000, 400_100, 400_200]
    assert {a.status for a in filed} == {ApplicationStatus.SUBMITTED}


def test_duplicates_in_the_file_and_against_the_call(
    desk, make_call, people, family, operator_actor
):
    call = make_call()
    with all_tenants():
        start_application(operator_actor, call, family["head"], assisted_consent="di persona")
    rows = [row(people[0], 1), row(people[1], 2), row(people[0], 3), row(family["child"], 4)]
    rows[1][2] = "PROT-0001"  # the paper protocol of row 2 of the file
    response = upload(desk, call, csv_bytes(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'problem-row-3"><td>3</td><td>protocollo_cartaceo</td><td>Lo stesso', page)
    assert re.search(r'problem-row-4"><td>4</td><td>codice_fiscale</td><td>Il nucleo di', page)
    assert "già nella riga 2" in page
    assert re.search(r'problem-row-5"><td>5</td><td>codice_fiscale</td>', page)
    assert "fa già parte di un&#x27;altra domanda" in page
    assert len(applications(call)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02garbage\xff" * 50, "non è un CSV in UTF-8 né un foglio XLSX"),
        ("codice_fiscale;città\nè;à\n".encode("cp1252"), "non è in codifica UTF-8"),
        (b"PK\x03\x04not really a zip", "non è un foglio XLSX leggibile"),
        (b"nome;cognome\nMario;Rossi\n", "mancano"),
        (b"", "vuoto"),
    ],
)
def test_unreadable_files_get_a_clear_message(desk, make_call, data, message):
    call = make_call()
    response = upload(desk, call, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert applications(call) == []


def test_paper_forms_received_by_the_closing_day_are_filed_after_closing(
    desk, make_call, people, admin_actor
):
    call = make_call()
    with all_tenants():
        call = definition.close_call(admin_actor, call, reason="Chiusura anticipata")
    page = upload(desk, call, csv_bytes([row(people[0], 1)]))
    assert page.status_code == 200, page.content.decode()[:3000]
    assert confirm(desk, call, page).status_code == 302
    assert applications(call)[0].status == ApplicationStatus.SUBMITTED
    late = timezone.localtime(call.closes_at).date() + datetime.timedelta(days=1)
    response = upload(desk, call, csv_bytes([row(people[1], 2, received=late)]))
    assert response.status_code == 400
    assert "data_ricezione" in response.content.decode()


def test_the_comune_administrator_may_import(staff_client, municipality, make_call, people):
    call = make_call()
    client, user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    detail = client.get(reverse("calls:call_detail", kwargs={"pk": call.pk})).content.decode()
    assert reverse("calls:paper_import", kwargs={"pk": call.pk}) in detail
    page = upload(client, call, csv_bytes(good_rows(people[:2])))
    assert confirm(client, call, page).status_code == 302
    filed = applications(call)
    assert len(filed) == 2 and all(a.assisted_by_id == user.pk for a in filed)
    with all_tenants():
        assert (
            AuditEvent.objects.filter(action="calls.application_paper_imported", actor=user).count()
            == 2
        )


def test_another_comune_desk_gets_404_and_a_validator_cannot_import(
    staff_client, other_municipality, municipality, make_call, people, client
):
    call = make_call()
    data = csv_bytes(good_rows(people[:1]))
    other, _u, _m = staff_client(Role.DESK_OPERATOR, other_municipality)
    urls = [
        reverse("calls:paper_import", kwargs={"pk": call.pk}),
        reverse("calls:paper_template", kwargs={"pk": call.pk, "kind": "csv"}),
    ]
    for url in urls:
        assert other.get(url).status_code == 404
    assert upload(other, call, data).status_code == 404
    other_confirm = reverse("calls:paper_import_confirm", kwargs={"pk": call.pk})
    assert other.post(other_confirm, {"token": "x"}).status_code == 404
    client.logout()
    validator, _u, _m = staff_client(Role.VALIDATOR, municipality)
    for url in urls:
        assert validator.get(url).status_code == 403
    assert upload(validator, call, data).status_code == 403
    assert validator.get(reverse("calls:paper_calls")).status_code == 403
    assert applications(call) == []


def test_desk_home_links_the_import(desk, make_call):
    call = make_call()
    home = desk.get(reverse("calls:desk_home")).content.decode()
    assert reverse("calls:paper_calls") in home
    listing = desk.get(reverse("calls:paper_calls")).content.decode()
    assert reverse("calls:paper_import", kwargs={"pk": call.pk}) in listing
