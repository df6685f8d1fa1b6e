"""The operators' pages: the home with its cards, the worklist with reviews due, actions on
the case page (a bad one answers in Italian and changes nothing), the coordinator's team."""

import datetime

from django.urls import reverse
from django.utils import timezone

from benecomune.core.models import AuditEvent
from benecomune.desk.models import Case, CaseNote, CaseStatus
from benecomune.desk.services import cases


def test_home_and_worklist(manager, case, operator_client):
    client = operator_client(manager)
    cases.set_review(manager[0], case, on=timezone.localdate())
    home = client.get("/").content.decode()
    assert "Casi che segue" in home and "Verifiche da fare" in home
    assert reverse("desk:worklist") in home and reverse("desk:team") not in home
    page = client.get(reverse("desk:worklist"), {"verifiche": "on"}).content.decode()
    assert reverse("desk:case", args=[case.pk]) in page and "scaduta" in page


def test_actions_on_the_case_page(manager, case, operator_client):
    client = operator_client(manager)
    url = reverse("desk:case_action", args=[case.pk, "prendi-in-carico"])
    assert client.post(url).status_code == 302
    assert Case.objects_unscoped.get(pk=case.pk).status == CaseStatus.IN_PROGRESS
    client.post(
        reverse("desk:case_action", args=[case.pk, "nota"]),
        {"text": "Visita fissata", "confidential": "on"},
    )
    assert CaseNote.objects_unscoped.get(case=case).confidential
    refused = client.post(reverse("desk:case_action", args=[case.pk, "chiudi"]), {"outcome": ""})
    assert refused.status_code == 400
    assert Case.objects_unscoped.get(pk=case.pk).status == CaseStatus.IN_PROGRESS
    past = timezone.localdate() - datetime.timedelta(days=2)
    bad = client.post(
        reverse("desk:case_action", args=[case.pk, "verifica"]), {"next_review_on": past}
    )
    assert bad.status_code == 400 and "non può essere passata" in bad.content.decode()
    assert AuditEvent.objects_unscoped.filter(action="desk.case_refused").exists()
    assert client.post(reverse("desk:case_action", args=[case.pk, "boh"])).status_code == 404


def test_team_page_shows_each_operators_load(coordinator, manager, case, operator_client):
    page = operator_client(coordinator).get(reverse("desk:team")).content.decode()
    assert manager[1].full_name in page and case.protocol in page
