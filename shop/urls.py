"""The shop's pages, under /<language>/shop/ (included inside i18n_patterns)."""

from django.urls import path

from . import views

app_name = "shop"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("products/<slug:slug>/", views.product, name="product"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("register/", views.register, name="register"),
    path("login/", views.ShopLoginView.as_view(), name="login"),
    path("logout/", views.ShopLogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/edit/", views.account_edit, name="account_edit"),
    path("account/export/", views.account_export, name="account_export"),
    path("account/close/", views.account_close, name="account_close"),
    path("account/accept/", views.account_accept, name="account_accept"),
    path("policy/accept/", views.policy_accept, name="policy_accept"),
    path("policy/declined/", views.policy_declined, name="policy_declined"),
    path("policy/notice/dismiss/", views.notice_dismiss, name="notice_dismiss"),
]
