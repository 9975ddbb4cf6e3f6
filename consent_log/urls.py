from django.urls import path

from . import views

app_name = "consent_log"

urlpatterns = [
    path("", views.index, name="index"),
    path("heads/", views.heads, name="heads"),
    path("heads/latest/", views.head_latest, name="head_latest"),
    path("heads/<int:size>/", views.head_detail, name="head_detail"),
    path("proof/inclusion/", views.inclusion, name="inclusion"),
    path("proof/consistency/", views.consistency, name="consistency"),
    path("key.pem", views.key_pem, name="key_pem"),
    path("jwks.json", views.jwks, name="jwks"),
]
