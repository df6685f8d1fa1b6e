from django.urls import path

from benecomune.identity.views import login as oidc_login
from benecomune.identity.views import (
    my_data,
    privacy_access,
    privacy_requests,
    privacy_retention,
)

app_name = "identity"

urlpatterns: list = [
    path("accedi/identita-digitale/ritorno/", oidc_login.callback, name="oidc_callback"),
    path("accedi/identita-digitale/<slug:method>/", oidc_login.start, name="oidc_start"),
    path("gestione/privacy/motivo/", privacy_access.access_reason, name="access_reason"),
    path("gestione/privacy/accessi/", privacy_access.access_log_list, name="access_log"),
    path("area-personale/i-miei-dati/", my_data.my_data_page, name="my_data"),
    path("area-personale/i-miei-dati/accessi/", my_data.my_data_accesses, name="my_data_accesses"),
    path("area-personale/i-miei-dati/esporta/", my_data.my_data_export, name="my_data_export"),
    path(
        "area-personale/i-miei-dati/esportazioni/<int:pk>/",
        my_data.my_data_progress,
        name="my_data_progress",
    ),
    path(
        "area-personale/i-miei-dati/consensi/<int:pk>/revoca/",
        my_data.my_data_withdraw_consent,
        name="my_data_withdraw_consent",
    ),
    path("area-personale/i-miei-dati/richieste/", privacy_requests.my_requests, name="my_requests"),
    path("gestione/privacy/richieste/", privacy_requests.request_queue, name="requests"),
    path(
        "gestione/privacy/richieste/<int:pk>/",
        privacy_requests.request_detail,
        name="request_detail",
    ),
    path("gestione/privacy/conservazione/", privacy_retention.retention_page, name="retention"),
    path(
        "gestione/privacy/conservazione/avvia/",
        privacy_retention.retention_start,
        name="retention_start",
    ),
]
