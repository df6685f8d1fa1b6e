"""The call editor pages: a human form that builds the rules JSON; bad input changes nothing;
permissions; a Comune's staff see only their own calls."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from benecomune.calls.models import Call, CallStatus
from benecomune.core.models import AuditEvent, Role
from benecomune.core.scoping import all_tenants

pytestmark = pytest.mark.django_db


def _local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{n}-{key}"] = value
    return data


def editor_data(fund, **overrides) -> dict:
    """What a person types for the "Solidarietà alimentare" call, as the form posts it."""
    now = timezone.now()
    data = {
        "title": "Buoni spesa solidarietà alimentare 2026",
        "code": "solidarieta-alimentare-2026",
        "summary": "Buoni spesa per le famiglie in difficoltà.",
        "description": "Buoni nominativi da spendere nei negozi del territorio.",
        "benefit_type": "voucher",
        "fund": str(fund.pk),
        "budget": "5.000,00",
        "opens_at": _local(now - datetime.timedelta(days=1)),
        "closes_at": _local(now + datetime.timedelta(days=30)),
        "spend_from": now.date().isoformat(),
        "spend_until": (now.date() + datetime.timedelta(days=180)).isoformat(),
        "allowed_categories": ["grocery", "pharmacy"],
        "appeal_days": "10",
        "legal_reference": "Delibera di Giunta n. 45/2026",
        "isee_max": "12.000,00",
        "min_members": "1",
        "kind": "per_member",
        "base": "50,00",
        "per_member": "50,00",
        "extra_per_minor": "25,00",
        "cap": "400,00",
        "points_per_minor": "5",
        "points_per_over_75": "3",
        "points_per_disabled": "5",
        "tie_1": "isee_asc",
        "tie_2": "minors_desc",
        **_formset("amount_bands", [{"isee_max": "", "amount": ""}]),
        **_formset(
            "score_bands",
            [
                {"isee_max": "3.000,00", "points": "30"},
                {"isee_max": "6.000,00", "points": "20"},
                {"isee_max": "12.000,00", "points": "10"},
                {"isee_max": "", "points": ""},
            ],
        ),
        **_formset(
            "declarations",
            [
                {"code": "truthful", "text": "Dichiaro che i dati sono veri (DPR 445/2000)."},
                {"code": "", "text": "Non ricevo altri buoni spesa comunali"},
                {"code": "", "text": ""},
            ],
        ),
        **_formset(
            "documents",
            [
                {"code": "id_card", "label": "Documento d'identità", "required": "on"},
                {"code": "", "label": "", "required": ""},
            ],
        ),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin_client(staff_client, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    return client


def test_admin_creates_a_call_with_the_human_form(admin_client, call_fund, municipality):
    page = admin_client.get(reverse("calls:call_create"))
    assert page.status_code == 200
    assert "Chi può partecipare" in page.content.decode()
    response = admin_client.post(reverse("calls:call_create"), editor_data(call_fund))
    assert response.status_code == 302, response.context and response.context["editor"].parts
    call = Call.objects_unscoped.get(code="solidarieta-alimentare-2026")
    assert response.url == reverse("calls:call_detail", args=[call.pk])
    assert call.organization_id == municipality.pk
    assert call.status == CallStatus.DRAFT
    assert call.budget == 500_000
    assert call.allowed_categories == ["grocery", "pharmacy"]
    rules = call.rules
    assert rules["eligibility"]["isee_max"] == 1_200_000
    assert rules["eligibility"]["min_members"] == 1
    assert rules["amount"] == {
        "kind": "per_member",
        "base": 5_000,
        "per_member": 5_000,
        "bands": [],
        "extra_per_minor": 2_500,
        "extra_per_disabled": 0,
        "extra_per_over_75": 0,
        "cap": 40_000,
    }
    assert rules["scoring"]["isee_bands"] == [
        {"isee_max": 300_000, "points": 30},
        {"isee_max": 600_000, "points": 20},
        {"isee_max": 1_200_000, "points": 10},
    ]
    assert rules["scoring"]["per_minor"] == 5 and rules["scoring"]["per_member"] == 0
    assert rules["tie_breaks"] == ["isee_asc", "minors_desc"]
    # A declaration without a code gets one made from its text.
    assert [d["code"] for d in rules["declarations"]] == [
        "truthful",
        "non_ricevo_altri_buoni_spesa_comunali",
    ]
    assert rules["documents"] == [
        {"code": "id_card", "label": "Documento d'identità", "required": True}
    ]
    assert AuditEvent.objects_unscoped.filter(
        action="calls.call_created", object_id=str(call.pk)
    ).exists()

    detail = admin_client.get(response.url).content.decode()
    assert "€ 50,00 per ogni componente del nucleo, più una quota fissa di € 50,00." in detail
    assert "ISEE del nucleo non superiore a € 12.000,00" in detail
    assert "Importo massimo per nucleo: € 400,00." in detail
    assert "Prevale, nell&#x27;ordine: ISEE più basso, più figli minori" in detail
    assert "Bando creato" in detail


def test_the_editor_shows_a_saved_draft_back(admin_client, make_call):
    call = make_call(publish=False)
    page = admin_client.get(reverse("calls:call_edit", args=[call.pk]))
    assert page.status_code == 200
    editor = page.context["editor"]
    assert editor.amount["cap"].value() == "400,00"
    assert editor.amount["kind"].value() == "per_member"
    assert editor.eligibility["isee_max"].value() == "12000,00"
    assert editor.score_bands.forms[1]["points"].value() == 20
    assert editor.tie_breaks["tie_2"].value() == "minors_desc"


def test_editing_a_draft_saves_and_records_what_changed(admin_client, make_call, call_fund):
    call = make_call(publish=False)
    data = editor_data(call_fund, code=call.code, budget="6.000,00", cap="450,00")
    response = admin_client.post(reverse("calls:call_edit", args=[call.pk]), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.budget == 600_000
    assert call.rules["amount"]["cap"] == 45_000
    detail = admin_client.get(reverse("calls:call_detail", args=[call.pk])).content.decode()
    assert "Bando modificato" in detail
    assert "Modificati:" in detail and "budget" in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"budget": "tanti"}, "Importo non valido"),
        ({"budget": "0"}, "L&#x27;importo deve essere maggiore di zero."),
        ({"title": ""}, "Questo campo è obbligatorio."),
        ({"kind": "fixed", "base": ""}, "Indichi l&#x27;importo fisso per nucleo."),
        ({"kind": "per_member", "per_member": ""}, "Indichi l&#x27;importo per componente."),
        ({"kind": "isee_bands"}, "Indichi almeno una fascia ISEE con il suo importo."),
        (
            {"score_bands-1-isee_max": "1.000,00"},
            "Le fasce ISEE vanno indicate in ordine crescente, senza ripetizioni.",
        ),
        ({"score_bands-1-points": ""}, "Campo obbligatorio per questa riga."),
        ({"tie_2": "isee_asc"}, "Questo criterio è già stato scelto."),
        ({"declarations-0-code": "Vero!"}, "Solo lettere minuscole, cifre e trattino basso"),
        (
            {"declarations-1-code": "truthful"},
            "Ogni riga deve avere un codice diverso dalle altre.",
        ),
        ({"min_members": "0"}, "Assicurati che questo valore sia maggiore o uguale a 1."),
        (
            {"closes_at": "2020-01-01T09:00"},
            "La chiusura delle domande deve seguire l&#x27;apertura.",
        ),
        ({"spend_until": "2020-01-01"}, "La fine dell&#x27;utilizzo precede l&#x27;inizio."),
        ({"opens_at": "domani"}, "Inserisci una data/ora valida."),
        (
            {"code": "buoni spesa è"},
            "Il codice può contenere solo lettere senza accenti, cifre e trattini, senza spazi",
        ),
    ],
)
def test_bad_input_gets_a_message_and_creates_nothing(admin_client, call_fund, overrides, message):
    response = admin_client.post(reverse("calls:call_create"), editor_data(call_fund, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Il bando non è stato salvato" in html
    assert message in html
    with all_tenants():
        assert not Call.objects.exists()
    assert not AuditEvent.objects_unscoped.filter(action="calls.call_created").exists()


def test_a_code_already_used_is_refused_next_to_the_field(admin_client, make_call, call_fund):
    existing = make_call(publish=False)
    response = admin_client.post(
        reverse("calls:call_create"), editor_data(call_fund, code=existing.code)
    )
    assert response.status_code == 200
    assert "Esiste già un bando con questo codice." in response.content.decode()
    assert Call.objects_unscoped.count() == 1


def test_a_bad_edit_changes_nothing(admin_client, make_call, call_fund):
    call = make_call(publish=False)
    before = (call.budget, call.rules)
    data = editor_data(call_fund, code=call.code, budget="6.000,00", cap="-3")
    response = admin_client.post(reverse("calls:call_edit", args=[call.pk]), data)
    assert response.status_code == 200
    call.refresh_from_db()
    assert (call.budget, call.rules) == before
    assert not AuditEvent.objects_unscoped.filter(action="calls.call_updated").exists()


def test_a_published_call_cannot_be_edited(admin_client, make_call, call_fund):
    call = make_call()
    page = admin_client.get(reverse("calls:call_edit", args=[call.pk]), follow=True)
    assert "le sue regole sono bloccate" in page.content.decode()
    response = admin_client.post(
        reverse("calls:call_edit", args=[call.pk]),
        editor_data(call_fund, code=call.code, budget="9.000,00"),
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.budget == 500_000
    assert call.status == CallStatus.PUBLISHED


def test_a_desk_operator_cannot_create_or_see_calls(staff_client, municipality, call_fund):
    client, _user, _membership = staff_client(Role.DESK_OPERATOR, municipality)
    assert client.get(reverse("calls:call_create")).status_code == 403
    assert client.post(reverse("calls:call_create"), editor_data(call_fund)).status_code == 403
    assert client.get(reverse("calls:call_list")).status_code == 403
    assert not Call.objects_unscoped.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("calls:call_create"))
    assert response.status_code == 302
    assert reverse("core:login") in response.url


def test_another_comunes_admin_gets_404(staff_client, other_municipality, make_call):
    call = make_call(publish=False)
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, other_municipality)
    for name in (
        "calls:call_detail",
        "calls:call_edit",
        "calls:call_dry_run",
        "calls:call_publish",
    ):
        assert client.get(reverse(name, args=[call.pk])).status_code == 404
    assert client.post(reverse("calls:call_publish", args=[call.pk])).status_code == 404
    listing = client.get(reverse("calls:call_list")).content.decode()
    assert call.title not in listing
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_list_filters_by_status_and_pages(admin_client, make_call):
    for _ in range(3):
        make_call(publish=False)
    published = make_call(title="Contributo affitti")
    listing = admin_client.get(reverse("calls:call_list")).content.decode()
    assert "Contributo affitti" in listing and "Buoni spesa solidarietà alimentare" in listing
    only_published = admin_client.get(reverse("calls:call_list"), {"stato": "published"})
    html = only_published.content.decode()
    assert published.title in html and "Buoni spesa solidarietà alimentare" not in html
    drafts = admin_client.get(reverse("calls:call_list"), {"stato": "draft"})
    assert drafts.context["page"].paginator.count == 3
    # A page beyond the last shows the last one, not an error.
    assert admin_client.get(reverse("calls:call_list"), {"page": "99"}).status_code == 200


def test_home_card_and_navigation(admin_client, make_call):
    make_call(publish=False)
    make_call()
    html = admin_client.get(reverse("core:home")).content.decode()
    assert "Aperti alle domande: 1. In bozza: 1." in html
    assert f'href="{reverse("calls:call_list")}"' in html
