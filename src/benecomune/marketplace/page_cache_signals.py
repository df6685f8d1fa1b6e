"""What makes the catalogue's cached public pages obsolete (core/page_cache.py, group
`CATALOGUE_PAGES`): any saved or deleted row those pages show or filter on, and any change of
the Comuni a service or a provider serves. Receivers on the models rather than calls in each
service, so a new write path cannot forget it; the bump happens on commit, so a page rendered
before the commit is stored under the old version and never served after it."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from benecomune.core.models import Organization
from benecomune.core.page_cache import bump_on_commit

CATALOGUE_PAGES = "marketplace-catalogue"

# Organisations of every kind (a provider's or a Comune's name, active or not): Provider and
# Municipality rows are Organization subclasses, whose saves signal with their own class.
WATCHED_LABELS = (
    "marketplace.ProviderProfile",
    "marketplace.Service",
    "marketplace.ServiceVariant",
    "marketplace.ServicePhoto",
    "marketplace.Accreditation",
)


def _changed(sender=None, **kwargs) -> None:
    bump_on_commit(CATALOGUE_PAGES)


def connect() -> None:
    watched = [apps.get_model(label) for label in WATCHED_LABELS]
    watched += [m for m in apps.get_models() if issubclass(m, Organization)]
    for model in watched:
        for signal in (post_save, post_delete):
            signal.connect(
                _changed, sender=model, dispatch_uid=f"catalogue-pages-{model._meta.label}"
            )
    for label in WATCHED_LABELS[:2]:
        through = apps.get_model(label).municipalities_served.through
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"catalogue-pages-{label}-m2m")
