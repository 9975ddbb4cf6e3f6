"""The shop's pages, under /<language>/shop/ (included inside i18n_patterns)."""

from django.urls import path
from wagtail.utils.urlpatterns import decorate_urlpatterns

import core.converters  # noqa: F401 - registers <id:…>

from . import views
from .http import personal_page

app_name = "shop"

# Pages that show or take the visitor's own data (or carry a secret link): no cache may keep
# them. A new page of that kind belongs in this list.
personal_urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/<id:pk>/", views.order_detail, name="order_detail"),
    path("account/", views.account, name="account"),
    path("account/edit/", views.account_edit, name="account_edit"),
    path("account/email/", views.account_email, name="account_email"),
    path(
        "account/email/confirm/<str:token>/",
        views.account_email_confirm,
        name="account_email_confirm",
    ),
    path("account/export/", views.account_export, name="account_export"),
    path("account/close/", views.account_close, name="account_close"),
    path("policy/accept/", views.policy_accept, name="policy_accept"),
    path("password/change/", views.ShopPasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        views.ShopPasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.ShopPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.ShopPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.ShopPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.ShopPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("products/<slug:slug>/", views.product, name="product"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("register/", views.register, name="register"),
    path("login/", views.ShopLoginView.as_view(), name="login"),
    path("logout/", views.ShopLogoutView.as_view(), name="logout"),
    path("account/accept/", views.account_accept, name="account_accept"),
    path("policy/declined/", views.policy_declined, name="policy_declined"),
    path("policy/notice/dismiss/", views.notice_dismiss, name="notice_dismiss"),
    *decorate_urlpatterns(personal_urlpatterns, personal_page),
]
