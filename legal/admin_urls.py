from django.urls import path

from . import admin_views

app_name = "legal_admin"

urlpatterns = [
    path("", admin_views.index, name="index"),
    path("<int:page_id>/versions/", admin_views.versions, name="versions"),
    path("<int:page_id>/compare/", admin_views.compare, name="compare"),
    path(
        "<int:page_id>/versions/<int:number>/translation/",
        admin_views.translation_check,
        name="translation",
    ),
]
