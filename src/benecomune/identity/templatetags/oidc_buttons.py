"""{% oidc_login_buttons next %}: the 'Entra con SPID' / 'Entra con CIE' buttons of the login
page, when SPID/CIE login is configured (nothing otherwise)."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from benecomune.identity import oidc

register = template.Library()


@register.inclusion_tag("identity/login_buttons.html")
def oidc_login_buttons(next_url=""):
    buttons = []
    for method in oidc.enabled_methods():
        url = reverse("identity:oidc_start", args=[method])
        if next_url:
            url += "?" + urlencode({"next": next_url})
        buttons.append({"method": method, "url": url})
    return {"buttons": buttons}
