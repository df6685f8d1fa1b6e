from django.urls import path

from benecomune.marketplace.views import network, provider, public
from benecomune.marketplace.views import threads_citizen as citizen_threads
from benecomune.marketplace.views import threads_desk as desk_threads
from benecomune.marketplace.views import threads_network as network_threads
from benecomune.marketplace.views import threads_provider as provider_threads

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
    # Messages between citizens and providers: the citizen, the provider, the desk, the network
    path("area-personale/messaggi/", citizen_threads.my_threads, name="my_threads"),
    path(
        "area-personale/messaggi/nuovo/<int:provider_id>/",
        citizen_threads.my_thread_new,
        name="my_thread_new",
    ),
    path("area-personale/messaggi/<int:pk>/", citizen_threads.my_thread, name="my_thread"),
    path(
        "area-personale/messaggi/<int:pk>/stato/",
        citizen_threads.my_thread_status,
        name="my_thread_status",
    ),
    path(
        "area-personale/messaggi/<int:pk>/segnala/<int:message_pk>/",
        citizen_threads.my_thread_report,
        name="my_thread_report",
    ),
    path("gestione/fornitore/messaggi/", provider_threads.inbox, name="inbox"),
    path(
        "gestione/fornitore/messaggi/<int:pk>/", provider_threads.inbox_thread, name="inbox_thread"
    ),
    path(
        "gestione/fornitore/messaggi/<int:pk>/stato/",
        provider_threads.inbox_thread_status,
        name="inbox_thread_status",
    ),
    path(
        "gestione/fornitore/messaggi/<int:pk>/segnala/<int:message_pk>/",
        provider_threads.inbox_thread_report,
        name="inbox_thread_report",
    ),
    path(
        "gestione/sportello/messaggi/persona/<int:person_pk>/",
        desk_threads.desk_threads,
        name="desk_threads",
    ),
    path(
        "gestione/sportello/messaggi/persona/<int:person_pk>/nuovo/<int:provider_id>/",
        desk_threads.desk_thread_new,
        name="desk_thread_new",
    ),
    path("gestione/sportello/messaggi/<int:pk>/", desk_threads.desk_thread, name="desk_thread"),
    path(
        "gestione/sportello/messaggi/<int:pk>/stato/",
        desk_threads.desk_thread_status,
        name="desk_thread_status",
    ),
    path("gestione/rete/segnalazioni/", network_threads.abuse_reports, name="abuse_reports"),
    path("gestione/rete/segnalazioni/<int:pk>/", network_threads.abuse_report, name="abuse_report"),
    # Public: a provider asks to join
    path("fornitore/iscriviti/", public.signup, name="signup"),
    path("fornitore/iscriviti/inviata/", public.signup_done, name="signup_done"),
]
