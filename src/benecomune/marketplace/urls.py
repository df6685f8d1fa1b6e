from django.urls import path

from benecomune.marketplace.views import catalogue, network, provider, public

app_name = "marketplace"

urlpatterns = [
    # The provider's staff
    path("gestione/fornitore/profilo/", provider.profile, name="profile"),
    path("gestione/fornitore/profilo/immagini/", provider.image_add, name="image_add"),
    path(
        "gestione/fornitore/profilo/immagini/<int:pk>/togli/",
        provider.image_remove,
        name="image_remove",
    ),
    path(
        "gestione/fornitore/profilo/personale/<int:pk>/ruolo/",
        provider.staff_role_set,
        name="staff_role",
    ),
    path(
        "gestione/fornitore/accreditamenti/", provider.my_accreditations, name="my_accreditations"
    ),
    path(
        "gestione/fornitore/accreditamenti/<int:pk>/",
        provider.my_accreditation,
        name="my_accreditation",
    ),
    path(
        "gestione/fornitore/accreditamenti/<int:pk>/presenta/",
        provider.my_accreditation_submit,
        name="my_accreditation_submit",
    ),
    # The provider's catalogue
    path("gestione/fornitore/servizi/", catalogue.service_list, name="services"),
    path("gestione/fornitore/servizi/nuovo/", catalogue.service_new, name="service_new"),
    path("gestione/fornitore/servizi/importa/", catalogue.service_import, name="service_import"),
    path(
        "gestione/fornitore/servizi/importa/modello.csv",
        catalogue.service_import_template,
        name="service_import_template",
    ),
    path("gestione/fornitore/servizi/<int:pk>/", catalogue.service_detail, name="service"),
    path(
        "gestione/fornitore/servizi/<int:pk>/varianti/",
        catalogue.variant_add,
        name="service_variant_add",
    ),
    path(
        "gestione/fornitore/servizi/<int:pk>/varianti/<int:variant_pk>/togli/",
        catalogue.variant_remove,
        name="service_variant_remove",
    ),
    path(
        "gestione/fornitore/servizi/<int:pk>/foto/", catalogue.photo_add, name="service_photo_add"
    ),
    path(
        "gestione/fornitore/servizi/<int:pk>/foto/<int:photo_pk>/togli/",
        catalogue.photo_remove,
        name="service_photo_remove",
    ),
    # Last: the other paths under a service are not actions.
    path(
        "gestione/fornitore/servizi/<int:pk>/<slug:action>/",
        catalogue.service_action,
        name="service_action",
    ),
    # The network's administrators
    path("gestione/rete/fornitori/", network.network_home, name="network_home"),
    path(
        "gestione/rete/fornitori/iscrizioni/<int:pk>/", network.signup_detail, name="signup_detail"
    ),
    path("gestione/rete/fornitori/requisiti/", network.checklist, name="checklist"),
    path("gestione/rete/accreditamenti/<int:pk>/", network.review, name="review"),
    path(
        "gestione/rete/accreditamenti/<int:pk>/documenti/<int:evidence_pk>/verifica/",
        network.verify,
        name="verify",
    ),
    # Public: a provider asks to join
    path("fornitore/iscriviti/", public.signup, name="signup"),
    path("fornitore/iscriviti/inviata/", public.signup_done, name="signup_done"),
]
