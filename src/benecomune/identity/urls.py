from django.urls import path

from benecomune.identity.views import login as oidc_login

app_name = "identity"

urlpatterns: list = [
    path("accedi/identita-digitale/ritorno/", oidc_login.callback, name="oidc_callback"),
    path("accedi/identita-digitale/<slug:method>/", oidc_login.start, name="oidc_start"),
]
