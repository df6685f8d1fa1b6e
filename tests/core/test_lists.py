"""The one list helper (core/lists.py): paging with get_page semantics, the query string of the
page links, the filter form hook, the export hook, one-value filters; and the rule that no
view pages a list on its own."""

import re
from pathlib import Path

import pytest
from django import forms
from django.db import transaction
from django.test import RequestFactory
from openpyxl import Workbook

import benecomune
from benecomune.core import audit
from benecomune.core.exports import XLSX_TYPE, csv_response, xlsx_bytes
from benecomune.core.files import ServedFile
from benecomune.core.lists import Listing, choice, export, filter_form, filtered, paged
from benecomune.core.models import AuditEvent, Role
from benecomune.core.scoping import tenant_scope
from benecomune.vouchers.models import MembershipStatus

SRC = Path(benecomune.__file__).parent
ROWS = list(range(1, 24))  # 23 rows: pages of 10 are 10, 10, 3


def get(path="/lista/", **params):
    return RequestFactory().get(path, params)


class NameForm(forms.Form):
    name = forms.CharField(required=False, max_length=5)
    kind = forms.ChoiceField(required=False, choices=[("", "tutti"), ("a", "A"), ("b", "B")])


# --- paging ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "number", "first_row"),
    [
        (None, 1, 1),
        ("2", 2, 11),
        ("3", 3, 21),
        ("abc", 1, 1),  # not a number: the first page
        ("9999", 3, 21),  # past the end: the last page
        ("0", 3, 21),  # Django's get_page: an empty page number is the last one
        ("", 1, 1),
    ],
)
def test_paged_keeps_get_page_semantics(asked, number, first_row):
    request = get(**({"page": asked} if asked is not None else {}))
    listing = paged(request, ROWS, per_page=10)
    assert isinstance(listing, Listing)
    assert listing.page.number == number
    assert listing.page[0] == first_row
    assert listing.page.paginator.num_pages == 3


def test_paged_page_size_is_the_views():
    listing = paged(get(), ROWS, per_page=25)
    assert list(listing.page) == ROWS and not listing.page.has_other_pages()


def test_querystring_drops_page_and_export_format_and_keeps_filters():
    request = get(q="Rossi Anna", stato="approved", page="2", formato="csv")
    listing = paged(request, ROWS, per_page=10)
    assert listing.querystring == "q=Rossi+Anna&stato=approved"
    assert listing.context() == {"page": listing.page, "querystring": listing.querystring}


def test_querystring_given_by_the_view_wins():
    listing = paged(get(q="  x  ", page="2"), ROWS, per_page=10, querystring="q=x")
    assert listing.querystring == "q=x"


def test_querystring_follows_the_filter_form_with_its_defaults():
    form = filter_form(get(page="2"), NameForm, initial={"kind": "a"})
    listing = paged(get(page="2"), ROWS, per_page=10, form=form)
    # The list the page opened on (kind=a) is the list the next page shows.
    assert listing.querystring == "kind=a"
    assert listing.context()["form"] is form


def test_prepare_sees_only_the_rows_of_the_page():
    seen = []

    def prepare(rows):
        seen.extend(rows)
        return [row * 100 for row in rows]

    listing = paged(get(page="3"), ROWS, per_page=10, prepare=prepare)
    assert seen == [21, 22, 23]
    assert list(listing.page) == [2100, 2200, 2300]
    assert listing.page.has_previous() and listing.page.start_index() == 21


def test_prepare_may_be_a_generator():
    listing = paged(get(), ROWS, per_page=2, prepare=lambda rows: (r + 1 for r in rows))
    assert list(listing.page) == [2, 3] and len(listing.page) == 2


# --- filter form -------------------------------------------------------------------------------


def test_filter_form_binds_the_query_string_without_page_and_format():
    form = filter_form(get(name="Anna", page="4", formato="xlsx"), NameForm)
    assert form.is_bound and form.is_valid()
    assert dict(form.data.items()) == {"name": "Anna"}


def test_filter_form_initial_only_when_no_field_is_given():
    opened = filter_form(get(page="2"), NameForm, initial={"kind": "b"})
    assert opened.is_valid() and opened.cleaned_data["kind"] == "b"
    chosen = filter_form(get(kind=""), NameForm, initial={"kind": "b"})  # "all" chosen
    assert chosen.is_valid() and chosen.cleaned_data["kind"] == ""
    searched = filter_form(get(name="x"), NameForm, initial={"kind": "b"})
    assert searched.is_valid() and searched.cleaned_data["kind"] == ""


def test_filter_form_passes_keyword_arguments_to_the_form():
    class WithCalls(NameForm):
        def __init__(self, *args, calls=(), **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["kind"].choices = [("", "tutti"), *calls]

    form = filter_form(get(kind="c"), WithCalls, calls=[("c", "C")])
    assert form.is_valid() and form.cleaned_data["kind"] == "c"


def test_filtered_applies_valid_filters_and_ignores_bad_ones():
    def apply(rows, data):
        return [r for r in rows if str(r).startswith(data["name"])]

    good = filter_form(get(name="2"), NameForm)
    assert filtered(good, ROWS, apply) == [2, 20, 21, 22, 23]
    bad = filter_form(get(name="troppo lungo"), NameForm)
    # Bad input changes nothing: every row, and the form says why in Italian.
    assert filtered(bad, ROWS, apply) == ROWS
    assert bad.errors["name"]


@pytest.mark.django_db
def test_filtered_on_a_queryset(system_actor, municipality):
    with transaction.atomic():
        audit.record(system_actor, "test.lists_one", organization=municipality)
        audit.record(system_actor, "test.lists_two", organization=municipality)
    with tenant_scope([municipality.pk]):
        events = AuditEvent.objects.filter(action__startswith="test.lists_")
        form = filter_form(get(name="two"), NameForm)
        rows = filtered(form, events, lambda qs, data: qs.filter(action__endswith=data["name"]))
        assert [e.action for e in rows] == ["test.lists_two"]
        listing = paged(get(page="x"), rows, per_page=1)
        assert listing.page.number == 1 and listing.page.paginator.count == 1


# --- export ------------------------------------------------------------------------------------


def test_export_answers_the_format_asked_for_and_only_that_one():
    made = []

    def csv_maker():
        made.append("csv")
        return csv_response(["nome"], [["=1+1"]], "elenco.csv")

    def xlsx_maker():
        made.append("xlsx")
        return csv_response(["x"], [], "x.csv")

    assert export(get(), csv=csv_maker, xlsx=xlsx_maker) is None
    assert export(get(formato="pdf"), csv=csv_maker) is None  # not offered: the page
    assert made == []
    response = export(get(formato="csv", page="3"), csv=csv_maker, xlsx=xlsx_maker)
    assert made == ["csv"]
    assert response["Content-Disposition"] == 'attachment; filename="elenco.csv"'
    assert response.content.decode("utf-8-sig") == "nome\r\n'=1+1\r\n"  # formula guard


def test_export_sends_a_built_file_through_the_private_file_response():
    def build(workbook: Workbook):
        workbook.create_sheet("Elenco").append(["a"])

    served = ServedFile(filename="elenco.xlsx", content_type=XLSX_TYPE, content=xlsx_bytes(build))
    response = export(get(formato="xlsx"), xlsx=lambda: served)
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert response.content == served.content


# --- one-value filters -------------------------------------------------------------------------


def test_choice_reads_a_known_value_the_default_or_nothing():
    assert choice(get(stato="approved"), "stato", MembershipStatus) == "approved"
    assert choice(get(), "stato", MembershipStatus, default="pending") == "pending"
    assert choice(get(stato=""), "stato", MembershipStatus, default="pending") == ""
    assert choice(get(stato="<script>"), "stato", MembershipStatus, default="pending") == ""
    assert choice(get(k="b"), "k", ["a", "b"]) == "b"


# --- the pages use it --------------------------------------------------------------------------


def test_no_module_pages_a_list_outside_core_lists():
    """Every list pages through core.lists.paged: one page parameter, one set of rules for
    bad page numbers, one query string for the links."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "core" / "lists.py" or "migrations" in path.parts:
            continue
        if re.search(r"\bPaginator\b|django\.core\.paginator", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == [], f"use benecomune.core.lists.paged instead of Paginator: {offenders}"


def test_the_scan_sees_the_views():
    names = {str(p.relative_to(SRC)) for p in SRC.rglob("*.py")}
    assert {"core/views/audit.py", "payouts/views/payer.py", "ledger/views.py"} <= names
    assert "Paginator" in (SRC / "core" / "lists.py").read_text(encoding="utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "9999", "-1", "2"])
def test_a_list_page_answers_any_page_number(staff_client, municipality, page):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get("/gestione/audit/", {"page": page, "person": "Rossi"})
    assert response.status_code == 200
    assert response.context["querystring"] == "person=Rossi"
    assert response.context["page"].number == 1  # one page of (no) events
