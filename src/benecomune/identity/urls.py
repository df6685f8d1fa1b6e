from django.urls import path

from benecomune.identity.views import privacy_access

app_name = "identity"

urlpatterns: list = [
    path("gestione/privacy/motivo/", privacy_access.access_reason, name="access_reason"),
    path("gestione/privacy/accessi/", privacy_access.access_log_list, name="access_log"),
]
