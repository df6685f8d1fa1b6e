from django.urls import path

from benecomune.marketplace.views import (
    catalogue,
    catalogue_public,
    dashboard,
    district,
    district_staff,
    network,
    provider,
    public,
    reviews_citizen,
    reviews_desk,
    reviews_network,
    reviews_provider,
    shop,
)
from benecomune.marketplace.views import threads_citizen as citizen_threads
from benecomune.marketplace.views import threads_desk as desk_threads
from benecomune.marketplace.views import threads_network as network_threads
from benecomune.marketplace.views import threads_provider as provider_threads

app_name = "marketplace"

urlpatterns = [
    # The provider's staff
    path("gestione/fornitore/", dashboard.dashboard, name="dashboard"),
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
    # A shop's district pages: opening hours, closures, promotions
    path("gestione/negozio/orari/", shop.hours, name="shop_hours"),
    path("gestione/negozio/orari/chiusure/", shop.closure_add, name="closure_add"),
    path(
        "gestione/negozio/orari/chiusure/<int:pk>/togli/",
        shop.closure_remove,
        name="closure_remove",
    ),
    path("gestione/negozio/offerte/", shop.promotion_list, name="promotions"),
    path("gestione/negozio/offerte/<int:pk>/", shop.promotion_detail, name="promotion"),
    path(
        "gestione/negozio/offerte/<int:pk>/pubblica/",
        shop.promotion_publish,
        name="promotion_publish",
    ),
    path(
        "gestione/negozio/offerte/<int:pk>/ritira/",
        shop.promotion_withdraw,
        name="promotion_withdraw",
    ),
    # The Comune's (or network's) district: directory figures and local spending
    path("gestione/distretto/", district_staff.district, name="district"),
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
    # Messages between citizens and providers: the citizen, the provider, the desk, the network
    path("area-personale/conversazioni/", citizen_threads.my_threads, name="my_threads"),
    path(
        "area-personale/conversazioni/nuovo/<int:provider_id>/",
        citizen_threads.my_thread_new,
        name="my_thread_new",
    ),
    path("area-personale/conversazioni/<int:pk>/", citizen_threads.my_thread, name="my_thread"),
    path(
        "area-personale/conversazioni/<int:pk>/stato/",
        citizen_threads.my_thread_status,
        name="my_thread_status",
    ),
    path(
        "area-personale/conversazioni/<int:pk>/segnala/<int:message_pk>/",
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
    # Reviews of purchases: the citizen, the provider, the network
    path("area-personale/recensioni/", reviews_citizen.my_reviews, name="my_reviews"),
    path(
        "area-personale/recensioni/scrivi/<str:kind>/<str:source_id>/",
        reviews_citizen.my_review_new,
        name="my_review_new",
    ),
    path(
        "gestione/fornitore/recensioni/",
        reviews_provider.provider_reviews,
        name="provider_reviews",
    ),
    path(
        "gestione/fornitore/recensioni/<int:pk>/rispondi/",
        reviews_provider.provider_review_answer,
        name="provider_review_answer",
    ),
    path(
        "gestione/sportello/recensioni/persona/<int:person_pk>/",
        reviews_desk.desk_reviews,
        name="desk_reviews",
    ),
    path(
        "gestione/sportello/recensioni/persona/<int:person_pk>/scrivi/<str:kind>/<str:source_id>/",
        reviews_desk.desk_review_new,
        name="desk_review_new",
    ),
    path("gestione/rete/recensioni/", reviews_network.network_reviews, name="network_reviews"),
    path(
        "gestione/rete/recensioni/<int:pk>/modera/",
        reviews_network.network_review_moderate,
        name="network_review_moderate",
    ),
    # Public: a provider asks to join
    path("fornitore/iscriviti/", public.signup, name="signup"),
    path("fornitore/iscriviti/inviata/", public.signup_done, name="signup_done"),
    # The citizen's entry to the catalogue of their Comune (before the slug patterns below).
    path("area-personale/servizi/", catalogue_public.my_catalogue, name="my_catalogue"),
    # Public: the catalogue of a Comune's (or network's) network, under its slug; before core's
    # catch-all "<slug>/" (no other app has a "<x>/servizi/" or "<x>/fornitori/" path, and
    # the platform's own prefixes are reserved slugs: public_organization answers 404).
    path("<slug:slug>/servizi/", catalogue_public.catalogue_home, name="catalogue_home"),
    path("<slug:slug>/servizi/cerca/", catalogue_public.catalogue_search, name="catalogue_search"),
    path("<slug:slug>/servizi/<int:pk>/", catalogue_public.service_page, name="catalogue_service"),
    path(
        "<slug:slug>/servizi/<int:pk>/foto/<int:photo_pk>/",
        catalogue_public.service_photo,
        name="catalogue_service_photo",
    ),
    path(
        "<slug:slug>/fornitori/<slug:provider_slug>/",
        catalogue_public.provider_page,
        name="catalogue_provider",
    ),
    path(
        "<slug:slug>/fornitori/<slug:provider_slug>/immagini/<int:pk>/",
        catalogue_public.provider_image,
        name="catalogue_provider_image",
    ),
    # Public: a Comune's (or network's) commerce district, under its slug. Kept before core's
    # catch-all "<slug>/" (the project's urls include core last).
    path("<slug:slug>/negozi/", district.directory_page, name="district_directory"),
    path("<slug:slug>/negozi/<slug:shop_slug>/", district.shop_page, name="district_shop"),
    path(
        "<slug:slug>/negozi/<slug:shop_slug>/offerte/<int:pk>/immagine/",
        district.promotion_image,
        name="promotion_image",
    ),
]
