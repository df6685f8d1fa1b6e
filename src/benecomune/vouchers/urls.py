from django.urls import path

from benecomune.vouchers.views import circuit, citizen, desk, merchant, public, takings, till

app_name = "vouchers"

urlpatterns = [
    # Citizen
    path("area-personale/buoni/", citizen.wallet_list, name="wallets"),
    path("area-personale/buoni/<int:pk>/", citizen.pay, name="pay"),
    path("area-personale/buoni/<int:pk>/qr/", citizen.qr_fragment, name="qr"),
    path("area-personale/buoni/<int:pk>/negozi/", citizen.shops, name="shops"),
    path("area-personale/buoni/<int:pk>/tessera/", citizen.card, name="card"),
    path("area-personale/buoni/<int:pk>/tessera/blocca/", citizen.card_block, name="card_block"),
    path("area-personale/buoni/<int:pk>/tessera.pdf", citizen.card_pdf, name="card_pdf"),
    # Till and shop
    path("gestione/cassa/", till.till, name="till"),
    path("gestione/cassa/incassa/", till.charge, name="charge"),
    path("gestione/cassa/scontrini/", takings.takings_list, name="redemptions"),
    path("gestione/cassa/chiusura/", takings.day_close, name="day_close"),
    path("gestione/cassa/scontrini/<int:pk>/", till.receipt, name="receipt"),
    path("gestione/cassa/scontrini/<int:pk>/annulla/", till.void, name="void"),
    path("gestione/esercente/adesione/", merchant.membership, name="membership"),
    path(
        "gestione/esercente/adesione/<int:pk>/convenzione/",
        merchant.convention,
        name="convention",
    ),
    path("gestione/esercente/personale/", merchant.staff, name="staff"),
    path(
        "gestione/esercente/personale/<int:pk>/togli/",
        merchant.staff_remove,
        name="staff_remove",
    ),
    # Comune
    path("gestione/circuito/", circuit.circuit_list, name="circuit"),
    path("gestione/circuito/spesa/", circuit.spending, name="spending"),
    path("gestione/circuito/scadenze/", circuit.run_expiry, name="run_expiry"),
    path("gestione/circuito/<int:pk>/", circuit.member_detail, name="member"),
    path("gestione/circuito/<int:pk>/<slug:action>/", circuit.member_decide, name="member_decide"),
    # Desk
    path("gestione/buoni/tessere/", desk.desk, name="desk"),
    path("gestione/buoni/persone/<int:pk>/", desk.person, name="desk_person"),
    path("gestione/buoni/<int:pk>/tessera/", desk.issue, name="desk_issue"),
    path("gestione/buoni/<int:pk>/tessera/emessa/", desk.issued, name="desk_issued"),
    path("gestione/buoni/<int:pk>/tessera/blocca/", desk.block, name="desk_block"),
    path("gestione/buoni/<int:pk>/tessera.pdf", desk.card_pdf, name="desk_card_pdf"),
    # Public: a new shop asks to join
    path("esercente/aderisci/", public.signup, name="signup"),
    path("esercente/aderisci/inviata/", public.signup_done, name="signup_done"),
]
