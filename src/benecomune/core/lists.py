"""One way for a list page to read its filters, show one page of rows and answer an export.

    form = filter_form(request, AuditFilterForm)              # GET form, page number left out
    events = filtered(form, events, apply_filters)            # applied only when valid
    if (response := export(request, csv=make_csv)) is not None:
        return response                                       # ?formato=csv
    listing = paged(request, events, per_page=30, form=form)
    return render(request, template, listing.context())       # page, querystring, form

Paging keeps Django's `Paginator.get_page` semantics, which the pages have always had: a page
number that is not a number shows the first page, one past the end the last. Views never use
`Paginator` themselves (tests/core/test_lists.py fails if one does), so the page size, the
page parameter and the links' query string are decided here once.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http.response import HttpResponseBase

from benecomune.core.forms_helpers import querystring as encode_querystring
from benecomune.core.replica import reading_reports

PAGE_PARAM = "page"
EXPORT_PARAM = "formato"


@dataclass(frozen=True)
class Listing:
    """One page of a list and the query string its page and export links start from."""

    page: Page
    querystring: str
    form: Form | None = None

    def context(self) -> dict:
        """The names the templates use: `page`, `querystring` (`includes/pagination.html`)
        and, with a filter form, `form`."""
        context = {"page": self.page, "querystring": self.querystring}
        if self.form is not None:
            context["form"] = self.form
        return context


def paged(
    request,
    rows,
    *,
    per_page: int,
    form: Form | None = None,
    querystring: str | None = None,
    prepare: Callable[[list], Iterable] | None = None,
) -> Listing:
    """The page of `rows` asked for in `?page=`, `per_page` rows a page.

    `querystring` (for the page links, without the page number) defaults to the filter form's
    data when there is one (so a default filter the page opened on stays on the next page),
    else to the request's own parameters; never the page number or the export format.
    `prepare`, given the rows of this page only, returns them ready to show (numbered, with
    their receipts): work that would be wasted on the whole list."""
    page = Paginator(rows, per_page).get_page(request.GET.get(PAGE_PARAM))
    if prepare is not None:
        page.object_list = list(prepare(page.object_list))
    if querystring is None:
        source = form.data if form is not None and form.is_bound else request
        querystring = encode_querystring(source, EXPORT_PARAM)
    return Listing(page=page, querystring=querystring, form=form)


def filter_form(request, form_class: type[Form], *, initial: Mapping | None = None, **kwargs):
    """The list's filter form, bound to the query string without the page number and the
    export format. When the query string holds none of the form's fields, `initial` is bound
    with it: the list the page opens on (today's takings, the statuses a role works on)."""
    data = request.GET.copy()
    data.pop(PAGE_PARAM, None)
    data.pop(EXPORT_PARAM, None)
    if initial and not any(name in data for name in form_class.base_fields):
        for name, value in initial.items():
            data[name] = value
    return form_class(data, **kwargs)


def filtered(form: Form, rows, apply: Callable[[QuerySet, dict], QuerySet]):
    """`apply(rows, cleaned_data)` when the filter form is valid; otherwise the rows as they
    are, and the form shows its Italian errors (bad input changes nothing)."""
    if form.is_valid():
        return apply(rows, form.cleaned_data)
    return rows


def export(request, **makers: Callable[[], object]) -> HttpResponseBase | None:
    """The answer to `?formato=<name>`: `makers[name]()`, a response, or a `ServedFile` sent
    through `core.files.file_response` (files built on request are never public). None when
    the page itself is asked for, or a format the list does not offer (the page is shown).
    Makers build their file with `core.exports` (formula guard, BOM, streaming) and run inside
    `core.replica.reading_reports()`: what they read comes from the replica when one is
    configured (a write, or a read inside a transaction, still goes to the primary)."""
    maker = makers.get(request.GET.get(EXPORT_PARAM, ""))
    if maker is None:
        return None
    # An export is a report: from the replica, when there is one. A streamed CSV reads its rows
    # after this block, so it streams from the primary (correct, only not offloaded).
    with reading_reports():
        answer = maker()
    if isinstance(answer, HttpResponseBase):  # streamed CSV too
        return answer
    from benecomune.core.files import file_response

    return file_response(answer)


def choice(request, name: str, choices, *, default: str = "") -> str:
    """A one-value filter such as `?stato=`: its value when it is one of `choices` (a
    TextChoices class or a list of values); `default` when the parameter is absent (the list
    the page opens on); "" (no filter) for a value the list does not know."""
    if name not in request.GET:
        return default
    value = request.GET[name]
    return value if value in getattr(choices, "values", choices) else ""
