from django.urls import path

import core.converters  # noqa: F401 - registers <id:…>

from . import admin_views

app_name = "legal_admin"

urlpatterns = [
    path("", admin_views.index, name="index"),
    path("<id:page_id>/versions/", admin_views.versions, name="versions"),
    path("<id:page_id>/compare/", admin_views.compare, name="compare"),
    path(
        "<id:page_id>/versions/<id:number>/translation/",
        admin_views.translation_check,
        name="translation",
    ),
    path("<id:page_id>/correction/", admin_views.correction, name="correction"),
    path(
        "<id:page_id>/translation/changes/",
        admin_views.translator_changes,
        name="translator_changes",
    ),
]
