from django.urls import path

from benecomune.marketplace.views import network, provider, public

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
