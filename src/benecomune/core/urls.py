from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from benecomune.core.views import (
    account,
    audit,
    citizen,
    files,
    home,
    households,
    jobs,
    logos,
    onboarding,
    outbox,
    people,
    public,
    staff,
    tokens,
)

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("accedi/", account.LoginView.as_view(), name="login"),
    path("esci/", account.logout_view, name="logout"),
    path("verifica/", account.totp_verify, name="totp_verify"),
    path("verifica/attiva/", account.totp_setup, name="totp_setup"),
    path("ruolo/", account.switch_role, name="switch_role"),
    path(
        "password/reimposta/",
        auth_views.PasswordResetView.as_view(
            template_name="core/account/password_reset.html",
            email_template_name="core/account/password_reset_email.txt",
            subject_template_name="core/account/password_reset_subject.txt",
            success_url=reverse_lazy("core:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reimposta/inviata/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="core/account/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/nuova/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/account/password_reset_confirm.html",
            success_url=reverse_lazy("core:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/nuova/fatto/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/account/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("privacy/", public.privacy, name="privacy"),
    path("accessibilita/", public.accessibility, name="accessibility"),
    path("area-personale/profilo/", citizen.profile, name="profile"),
    path("area-personale/messaggi/", citizen.inbox, name="inbox"),
    path("area-personale/app-collegate/", tokens.my_tokens, name="my_tokens"),
    path(
        "area-personale/app-collegate/<int:pk>/revoca/",
        tokens.my_token_revoke,
        name="my_token_revoke",
    ),
    path("gestione/anagrafe/", people.people_list, name="people"),
    path("gestione/anagrafe/nuova-persona/", people.person_create, name="person_create"),
    path("gestione/anagrafe/persone/<int:pk>/", people.person_detail, name="person_detail"),
    path("gestione/anagrafe/persone/<int:pk>/iban/", people.person_iban, name="person_iban"),
    path(
        "gestione/anagrafe/persone/<int:pk>/contatti/",
        people.person_contacts,
        name="person_contacts",
    ),
    path("gestione/anagrafe/nuovo-nucleo/", households.household_create, name="household_create"),
    path(
        "gestione/anagrafe/nuclei/<int:pk>/aggiungi/",
        households.household_add_member,
        name="household_add_member",
    ),
    path(
        "gestione/anagrafe/persone/<int:pk>/nucleo/relazione/",
        households.member_relationship,
        name="member_relationship",
    ),
    path(
        "gestione/anagrafe/persone/<int:pk>/nucleo/rimuovi/",
        households.member_remove,
        name="member_remove",
    ),
    path("gestione/audit/", audit.audit_list, name="audit"),
    path("gestione/audit/esporta/", audit.audit_export, name="audit_export"),
    path("gestione/token/", tokens.token_list, name="tokens"),
    path("gestione/token/<int:pk>/revoca/", tokens.token_revoke, name="token_revoke"),
    path("gestione/lavori/<int:pk>/", jobs.job_detail, name="job"),
    # The outbox of e-mails: what did not leave, sent again or stopped by staff.
    path("gestione/e-mail/", outbox.outbox_list, name="outbox"),
    path(
        "gestione/e-mail/invia-di-nuovo/", outbox.outbox_resend_failed, name="outbox_resend_failed"
    ),
    path("gestione/e-mail/<int:pk>/", outbox.outbox_detail, name="outbox_detail"),
    path("gestione/e-mail/<int:pk>/invia-di-nuovo/", outbox.outbox_resend, name="outbox_resend"),
    path("gestione/e-mail/<int:pk>/annulla/", outbox.outbox_cancel, name="outbox_cancel"),
    # Every private file, by kind and id (never by its storage name): see core/files.py.
    path("gestione/file/<slug:kind>/<int:pk>/", files.staff_file, name="file"),
    path("area-personale/file/<slug:kind>/<int:pk>/", files.citizen_file, name="my_file"),
    # Onboarding (platform admin) and staff (every organisation's managers).
    path("gestione/rete/organizzazioni/", onboarding.organization_list, name="organizations"),
    path(
        "gestione/rete/organizzazioni/<int:pk>/",
        onboarding.organization_detail,
        name="organization_detail",
    ),
    path("gestione/rete/comuni/nuovo/", onboarding.municipality_create, name="municipality_create"),
    path("gestione/rete/aziende/nuova/", onboarding.company_create, name="company_create"),
    path("gestione/rete/fornitori/nuovo/", onboarding.provider_create, name="provider_create"),
    path("gestione/comune/<int:pk>/dati/", onboarding.municipality_edit, name="municipality_edit"),
    path("gestione/personale/", staff.staff_page, name="staff"),
    path("gestione/personale/<int:pk>/ruolo/", staff.staff_role, name="staff_role"),
    path("gestione/personale/<int:pk>/disattiva/", staff.staff_deactivate, name="staff_deactivate"),
    path(
        "gestione/personale/inviti/<int:pk>/annulla/",
        staff.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invito/<str:token>/", staff.invitation_accept, name="invitation_accept"),
    path("<slug:slug>/logo/", logos.municipality_logo, name="municipality_logo"),
    path("<slug:slug>/", public.organization_home, name="organization_home"),
]
