from django.urls import path

from benecomune.corporate.views import funding

urlpatterns = [
    path("gestione/azienda/piani/<int:pk>/finanziamento/", funding.funding_page, name="funding"),
    path(
        "gestione/azienda/piani/<int:pk>/finanziamento/richiesta/",
        funding.funding_request,
        name="funding_request",
    ),
    path(
        "gestione/azienda/piani/<int:pk>/finanziamento/bonifico/",
        funding.funding_payment,
        name="funding_payment",
    ),
    path(
        "gestione/azienda/piani/<int:pk>/finanziamento/assegna/",
        funding.allocate,
        name="allocate",
    ),
    path("gestione/azienda/premi/", funding.bonuses, name="bonuses"),
    path("gestione/azienda/premi/importa/", funding.bonus_import, name="bonus_import"),
    path("area-personale/welfare-aziendale/premi/", funding.my_bonuses, name="my_bonuses"),
    path(
        "area-personale/welfare-aziendale/premi/<int:pk>/converti/",
        funding.my_bonus_convert,
        name="my_bonus_convert",
    ),
]
