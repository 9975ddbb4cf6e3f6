"""The customer's receipts, under the language prefix beside *My account*."""

from django.urls import path

from . import receipt_views

app_name = "receipts"

urlpatterns = [
    path("<int:acceptance_id>/", receipt_views.receipt, name="receipt"),
    path("<int:acceptance_id>/receipt.json", receipt_views.receipt_json, name="receipt_json"),
]
