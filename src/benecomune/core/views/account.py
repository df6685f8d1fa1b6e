"""Login (throttled by core.auth.EmailBackend), TOTP second factor, role switcher, logout."""

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.forms import LoginForm, TotpForm
from benecomune.core.gender import gendered
from benecomune.core.middleware import ACTIVE_MEMBERSHIP_KEY, client_ip


class LoginView(auth_views.LoginView):
    template_name = "core/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if choose_initial_role(self.request, user) and not self.request.POST.get("next"):
            response = redirect("core:switch_role")
        with transaction.atomic():
            audit.record(
                Actor(user=user, ip_address=client_ip(self.request)),
                "user.login",
                user,
                person=user.person,
            )
        return response


def choose_initial_role(request, user) -> bool:
    """After a login (any method): act in the only role, if one; True when the person has
    several and should choose on the role switcher."""
    roles = list(user.memberships.filter(is_active=True).values_list("pk", flat=True))
    if len(roles) == 1:
        request.session[ACTIVE_MEMBERSHIP_KEY] = roles[0]
    return len(roles) > 1


@login_required
def logout_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    leaving = request.user
    message = gendered(
        leaving,
        _("È uscito dalla piattaforma."),
        _("È uscita dalla piattaforma."),
        _("Sessione chiusa: è fuori dalla piattaforma."),
    )
    logout(request)
    messages.info(request, message)
    # A SPID/CIE session ends at the identity provider too: its end-session page, set by
    # the identity app's user_logged_out receiver, comes back to the home page.
    return redirect(getattr(request, "provider_logout_url", None) or "core:home")


def _safe_next(request, default="core:home"):
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@login_required
def totp_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{_url('core:totp_setup')}?next={request.GET.get('next', '')}")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            # django-otp slows down guessing: each failure doubles the wait.
            form.add_error(
                "code", _("Troppi tentativi ravvicinati: attenda qualche secondo e riprovi.")
            )
        elif device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        else:
            form.add_error(
                "code",
                _(
                    "Codice non valido o scaduto. Usi il codice che vede ora "
                    "nell'app di autenticazione."
                ),
            )
    return render(request, "core/account/totp_verify.html", {"form": form})


def _url(name):
    from django.urls import reverse

    return reverse(name)


@login_required
def totp_setup(request):
    """First staff login: enrol an authenticator app by scanning a QR code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("core:totp_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "app"}
    )
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            with transaction.atomic():
                audit.record(
                    request.actor, "user.totp_enrolled", request.user, person=request.user.person
                )
            otp_login(request, device)
            messages.success(request, _("Verifica in due passaggi attivata."))
            return redirect(_safe_next(request))
        form.add_error(
            "code", _("Il codice non corrisponde: controlli l'ora del telefono e riprovi.")
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("Codice QR"))
    return render(
        request,
        "core/account/totp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": _base32(device)},
    )


def _base32(device) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    # Groups of four are easier to copy by hand; authenticator apps ignore the spaces.
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def switch_role(request):
    if request.method == "POST":
        choice = request.POST.get("membership", "citizen")
        if choice == "citizen":
            request.session.pop(ACTIVE_MEMBERSHIP_KEY, None)
        else:
            chosen = next((m for m in request.memberships if str(m.pk) == choice), None)
            if chosen is None:
                messages.error(request, _("Ruolo non disponibile."))
                return redirect("core:switch_role")
            request.session[ACTIVE_MEMBERSHIP_KEY] = chosen.pk
        return redirect("core:home")
    return render(request, "core/account/switch_role.html")
