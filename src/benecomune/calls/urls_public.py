"""Public pages of a Comune's (or network's) calls, and the eligibility pre-check."""

from django.urls import path

from benecomune.calls.views import public as views

urlpatterns = [
    path("<slug:slug>/bandi/", views.call_list, name="public_calls"),
    path("<slug:slug>/bandi/<slug:code>/", views.call_detail, name="public_call"),
    path("<slug:slug>/bandi/<slug:code>/verifica/", views.precheck, name="precheck"),
]
