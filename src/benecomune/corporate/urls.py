from django.urls import path

from benecomune.corporate import urls_funding, urls_views
from benecomune.corporate.views import claims, employees, network, payroll, personal, plans

app_name = "corporate"

urlpatterns = [
    # The company's HR
    path("gestione/azienda/profilo/", employees.profile, name="profile"),
    path("gestione/azienda/dipendenti/", employees.employee_list, name="employees"),
    path("gestione/azienda/dipendenti/importa/", employees.roster_import, name="roster_import"),
    path(
        "gestione/azienda/dipendenti/modello.csv",
        employees.roster_template,
        name="roster_template",
    ),
    path("gestione/azienda/dipendenti/<int:pk>/", employees.employee_detail, name="employee"),
    path("gestione/azienda/piani/", plans.plan_list, name="plans"),
    path("gestione/azienda/piani/<int:pk>/", plans.plan_detail, name="plan"),
    path("gestione/azienda/piani/<int:pk>/regole/", plans.version_edit, name="version_edit"),
    path("gestione/azienda/piani/<int:pk>/gruppi/", plans.group_add, name="group_add"),
    path(
        "gestione/azienda/piani/<int:pk>/gruppi/<int:group_pk>/togli/",
        plans.group_remove,
        name="group_remove",
    ),
    path("gestione/azienda/piani/<int:pk>/categorie/", plans.rule_set, name="rule_set"),
    path(
        "gestione/azienda/piani/<int:pk>/categorie/<int:rule_pk>/togli/",
        plans.rule_remove,
        name="rule_remove",
    ),
    path("gestione/azienda/piani/<int:pk>/chiudi/", plans.version_close, name="version_close"),
    path(
        "gestione/azienda/piani/<int:pk>/<slug:action>/",
        plans.version_action,
        name="version_action",
    ),
    # Claims and payroll requests (views/claims.py)
    path("gestione/azienda/rimborsi/", claims.claim_queue, name="claims"),
    path("gestione/azienda/rimborsi/<int:pk>/", claims.claim_review, name="claim_review"),
    path("gestione/azienda/versamenti/", claims.payroll_queue, name="payroll_requests"),
    path(
        "gestione/azienda/versamenti/<int:pk>/passato/",
        claims.payroll_pass,
        name="payroll_pass",
    ),
    path("area-personale/welfare-aziendale/rimborsi/", claims.my_claims, name="my_claims"),
    path("area-personale/welfare-aziendale/rimborsi/nuovo/", claims.claim_new, name="claim_new"),
    path(
        "area-personale/welfare-aziendale/versamenti/nuovo/",
        claims.payroll_request_new,
        name="payroll_request_new",
    ),
    # Payroll export and item codes (views/payroll.py)
    path("gestione/azienda/paghe/", payroll.export_page, name="payroll_export"),
    path("gestione/azienda/paghe/voci/", payroll.codes_page, name="payroll_codes"),
    # The network admin
    path("gestione/rete/aziende/adesione/", network.company_join, name="company_join"),
    # The employee
    path("area-personale/welfare-aziendale/", personal.my_welfare, name="my_welfare"),
    path(
        "area-personale/welfare-aziendale/<int:pk>/figli/",
        personal.child_add,
        name="child_add",
    ),
    path(
        "area-personale/welfare-aziendale/<int:pk>/figli/<int:child_pk>/ritira/",
        personal.child_remove,
        name="child_remove",
    ),
    path(
        "area-personale/welfare-aziendale/<int:pk>/fringe-benefit/",
        personal.fringe_add,
        name="fringe_add",
    ),
    path("invito/dipendente/<str:token>/", personal.activate, name="activate"),
]
# Before the plan pages: their `<pk>/<action>/` would catch `finanziamento/`, `cruscotto/`.
urlpatterns = urls_funding.urlpatterns + urls_views.urlpatterns + urlpatterns
