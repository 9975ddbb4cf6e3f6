"""The shop's public pages. Views parse the request, call a service or selector, and render."""

from __future__ import annotations

import json
from functools import wraps

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordChangeDoneView,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services, throttling
from .cart import Cart, CartFullError
from .forms import (
    MAX_ID,
    AcceptanceDecisionForm,
    CartAddForm,
    CartUpdateForm,
    CheckoutForm,
    CloseAccountForm,
    EmailAuthenticationForm,
    EmailChangeForm,
    ProductIdForm,
    ProfileForm,
    RegistrationForm,
    ShopPasswordChangeForm,
    ShopPasswordResetForm,
    ShopSetPasswordForm,
)
from .http import client_ip, request_meta
from .models import Acceptance

NOTICE_DISMISSED_KEY = "shop_notice_dismissed"


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` parameter if it is a relative URL on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def _language(request: HttpRequest) -> str:
    return getattr(request, "LANGUAGE_CODE", None) or get_language()


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return _("Something went wrong. Please try again.")


def _render(request, template: str, context: dict, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, template, context, status=status)


def _policy_context(request, policy: selectors.Policy | None) -> dict:
    """Links to the version in force, for consent checkboxes."""
    if policy is None or policy.in_force is None:
        return {}
    return {
        "policy_version": policy.in_force,
        "policy_version_url": selectors.policy_version_url(
            policy.page, request, policy.in_force.number
        ),
    }


def _unavailable(request) -> TemplateResponse:
    # Without a policy in force nobody can consent, so nobody can register or order.
    return _render(request, "shop/unavailable.html", {}, status=503)


def customer_required(view):
    """Log-in required, as a customer: the view gets the ``Customer`` as its second argument.

    Staff accounts have no customer data; they are told so instead of seeing an error.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        customer = selectors.customer_for_user(request.user)
        if customer is None:
            return _render(request, "shop/no_customer.html", {}, status=403)
        return view(request, customer, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------------
# Catalogue and cart


@require_GET
def catalogue(request):
    products = selectors.catalogue(_language(request))
    return _render(request, "shop/catalogue.html", {"products": products})


@require_GET
def product(request, slug: str):
    item = selectors.product_on_sale(slug, _language(request))
    if item is None:
        raise Http404
    return _render(request, "shop/product.html", {"product": item})


@require_GET
def cart(request):
    summary = selectors.cart_summary(Cart(request.session), _language(request))
    return _render(request, "shop/cart.html", {"summary": summary})


@require_POST
def cart_add(request):
    form = CartAddForm(request.POST)
    back = safe_next(request, reverse("shop:catalogue"))
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(back)
    product = form.cleaned_data["product"]
    try:
        Cart(request.session).add(product.pk, form.cleaned_data["quantity"])
    except CartFullError:
        messages.error(request, _("Your cart is full. Place an order for what is in it first."))
        return redirect(back)
    (shown,) = selectors.products_in_language([product], _language(request))
    messages.success(request, _("“%(name)s” is in your cart.") % {"name": shown.name})
    return redirect(back)


@require_POST
def cart_update(request):
    form = CartUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("shop:cart")
    cart_ = Cart(request.session)
    product_id, quantity = form.cleaned_data["product"], form.cleaned_data["quantity"]
    if product_id not in cart_.quantities():
        messages.error(request, _("This product is not in your cart."))
        return redirect("shop:cart")
    cart_.set(product_id, quantity)
    messages.success(request, _("Your cart has been updated."))
    return redirect("shop:cart")


@require_POST
def cart_remove(request):
    form = ProductIdForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("shop:cart")
    Cart(request.session).remove(form.cleaned_data["product"])
    messages.success(request, _("The product has been removed from your cart."))
    return redirect("shop:cart")


# ---------------------------------------------------------------------------------------
# Checkout and orders


@customer_required
@require_http_methods(["GET", "POST"])
def checkout(request, customer):
    cart_ = Cart(request.session)
    language = _language(request)
    summary = selectors.cart_summary(cart_, language)
    if not summary.lines:
        messages.error(request, str(services.EmptyCartError.default_message))
        return redirect("shop:cart")
    policy = selectors.policy_for_language(language)
    if policy is None or policy.in_force is None:
        return _unavailable(request)
    status = selectors.customer_consent(customer, policy.state)
    form = CheckoutForm(
        request.POST or None,
        needs_acceptance=status.pending,
        initial={"delivery_address": customer.delivery_address},
    )
    form.set_policy(*_checkbox_args(request, policy))
    if request.method == "POST" and form.is_valid():
        shown = form.cleaned_data.get("policy_version")
        try:
            order = services.order_place(
                customer=customer,
                quantities=summary.quantities(),
                delivery_method=form.cleaned_data["delivery_method"],
                payment_method=form.cleaned_data["payment_method"],
                delivery_address=form.cleaned_data["delivery_address"],
                language=language,
                shown_version=policy.in_force if shown == policy.in_force.pk else None,
                accept_policy=bool(form.cleaned_data.get("accept_policy")),
                meta=request_meta(request),
            )
        except (services.ProductUnavailableError, services.EmptyCartError) as error:
            messages.error(request, str(error))
            return redirect("shop:cart")
        except services.PolicyChangedError as error:
            form = _with_fresh_checkbox(form, request, policy, needs_acceptance=True)
            form.add_error(None, str(error))
        except services.ShopError as error:
            form.add_error(None, str(error))
        else:
            cart_.clear()
            selectors.request_consent_forget(request)
            messages.success(request, _("Thank you! Your order has been placed."))
            return redirect("shop:order_detail", pk=order.pk)
    context = {"form": form, "summary": summary, **_policy_context(request, policy)}
    return _render(request, "shop/checkout.html", context)


def _checkbox_args(request, policy: selectors.Policy) -> tuple[str, int, int]:
    number = policy.in_force.number
    return (
        selectors.policy_version_url(policy.page, request, number),
        number,
        policy.in_force.pk,
    )


@customer_required
@require_GET
def order_detail(request, customer, pk: int):
    if pk > MAX_ID:
        raise Http404  # larger than any id; the database would refuse the number itself
    # Another customer's order is "not found", not "forbidden": ids reveal nothing.
    order = get_object_or_404(selectors.customer_orders(customer), pk=pk)
    return _render(request, "shop/order_detail.html", {"order": order})


# ---------------------------------------------------------------------------------------
# Registration, log-in, log-out


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("shop:account")
    language = _language(request)
    policy = selectors.policy_for_language(language)
    if policy is None or policy.in_force is None:
        return _unavailable(request)
    form = RegistrationForm(request.POST or None, initial={"preferred_language": language})
    form.set_policy(*_checkbox_args(request, policy))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("policy_version") != policy.in_force.pk:
                raise services.PolicyChangedError
            customer = services.customer_register(
                email=data["email"],
                password=data["password1"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                phone=data["phone"],
                delivery_address=data["delivery_address"],
                preferred_language=data["preferred_language"],
                version=policy.in_force,
                language=policy.language,
                meta=request_meta(request),
            )
        except services.EmailTakenError as error:
            form.add_error("email", str(error))
        except services.PolicyChangedError as error:
            form = _with_fresh_checkbox(form, request, policy)
            form.add_error(None, str(error))
        except services.ShopError as error:
            form.add_error(None, str(error))
        else:
            login(request, customer.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect(safe_next(request, reverse("shop:account")))
    context = {"form": form, **_policy_context(request, policy)}
    return _render(request, "shop/register.html", context)


def _with_fresh_checkbox(form, request, policy, **form_kwargs):
    # The customer ticked the box for a version that is no longer in force: show the new
    # version with the box unticked, keeping everything else they typed.
    data = form.data.copy()
    data.pop("accept_policy", None)
    data["policy_version"] = policy.in_force.pk
    fresh = type(form)(data, **form_kwargs)
    fresh.set_policy(*_checkbox_args(request, policy))
    fresh.full_clean()
    fresh.errors.pop("accept_policy", None)
    return fresh


class ShopLoginView(LoginView):
    """Log-in by e-mail address."""

    template_name = "shop/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    next_page = "shop:account"


class ShopLogoutView(LogoutView):
    """Log-out (POST only, as in Django)."""

    next_page = "shop:catalogue"


# ---------------------------------------------------------------------------------------
# Passwords: Django's views with the shop's templates, forms and e-mail


class ShopPasswordResetView(PasswordResetView):
    """Ask for a reset link (throttled per address and per client; same answer either way)."""

    template_name = "shop/password_reset.html"
    form_class = ShopPasswordResetForm
    success_url = reverse_lazy("shop:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "language": _language(self.request)}

    def form_valid(self, form):
        if not throttling.password_reset_allowed(
            email=form.cleaned_data["email"], ip=client_ip(self.request)
        ):
            form.add_error(None, throttling.PASSWORD_RESET_THROTTLED)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class ShopPasswordResetDoneView(PasswordResetDoneView):
    template_name = "shop/password_reset_done.html"


class ShopPasswordResetConfirmView(PasswordResetConfirmView):
    """Set a new password from the link; it also lifts a log-in lockout of the account."""

    template_name = "shop/password_reset_confirm.html"
    form_class = ShopSetPasswordForm
    success_url = reverse_lazy("shop:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever opened the link reads the account's mailbox: the owner. Failures others
        # typed for this address (see LOGIN_LOCKOUT_LIMITS) no longer keep them out.
        axes_reset(username=form.user.get_username())
        return response


class ShopPasswordResetCompleteView(PasswordResetCompleteView):
    template_name = "shop/password_reset_complete.html"


class ShopPasswordChangeView(PasswordChangeView):
    template_name = "shop/password_change.html"
    form_class = ShopPasswordChangeForm
    success_url = reverse_lazy("shop:password_change_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class ShopPasswordChangeDoneView(PasswordChangeDoneView):
    template_name = "shop/password_change_done.html"


# ---------------------------------------------------------------------------------------
# My account (clause 4.2.1)


@customer_required
@require_GET
def account(request, customer):
    consent = selectors.request_consent(request)
    context = {
        "customer": customer,
        "orders": selectors.customer_orders(customer)[:20],
        "history": selectors.consent_history(customer, request),
        "consent": consent.status,
    }
    if consent.policy is not None and consent.status is not None and consent.status.pending:
        context.update(_policy_context(request, consent.policy))
        context["decision_version_pk"] = consent.policy.in_force.pk
        context["since"] = selectors.consent_changes(consent.policy, consent.status, request)
    return _render(request, "shop/account.html", context)


@customer_required
@require_http_methods(["GET", "POST"])
def account_edit(request, customer):
    initial = {
        "last_name": customer.last_name,
        "first_name": customer.first_name,
        "patronymic": customer.patronymic,
        "phone": customer.phone,
        "delivery_address": customer.delivery_address,
        "preferred_language": customer.preferred_language,
    }
    form = ProfileForm(request.POST or None, initial=initial, user=customer.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer=customer, **form.cleaned_data)
        except services.ShopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your details have been saved."))
            return redirect("shop:account")
    return _render(request, "shop/account_edit.html", {"form": form, "customer": customer})


@customer_required
@require_http_methods(["GET", "POST"])
def account_email(request, customer):
    """Ask for a new log-in e-mail: a link goes to it, the current address is told."""
    form = EmailChangeForm(request.POST or None, user=customer.user, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.customer_email_change_request(
                customer=customer, new_email=form.cleaned_data["email"]
            )
        except services.EmailTakenError as error:
            form.add_error("email", str(error))
        except services.ShopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "We have sent a link to %(new)s. Open it to confirm the address; until then "
                    "you keep logging in with %(old)s."
                )
                % {"new": change.new_email, "old": change.old_email},
            )
            return redirect("shop:account")
    return _render(request, "shop/account_email.html", {"form": form, "customer": customer})


@customer_required
@require_http_methods(["GET", "POST"])
def account_email_confirm(request, customer, token: str):
    """The link from the e-mail: shows the change, and makes it when the customer confirms.

    Opening the link changes nothing (mail scanners open links too); the button does.
    """
    try:
        if request.method == "POST":
            services.customer_email_change_confirm(customer=customer, token=token)
            messages.success(request, _("Done: you now log in with your new e-mail address."))
            return redirect("shop:account")
        change = services.email_change_check(customer=customer, token=token)
    except services.ShopError as error:
        context = {"error": str(error)}
        return _render(request, "shop/account_email_confirm.html", context, status=400)
    return _render(request, "shop/account_email_confirm.html", {"change": change})


@customer_required
@require_GET
def account_export(request, customer):
    data = selectors.customer_export(customer, request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="jetu-my-data.json"'
    return response


@customer_required
@require_http_methods(["GET", "POST"])
def account_close(request, customer):
    form = CloseAccountForm(request.POST or None, user=customer.user, request=request)
    if request.method == "POST" and form.is_valid():
        services.customer_anonymise(customer=customer)
        logout(request)
        messages.success(
            request,
            _(
                "Your account is closed and your personal data has been anonymised. "
                "Thank you for shopping with us."
            ),
        )
        return redirect(f"/{_language(request)}/")
    return _render(request, "shop/account_close.html", {"form": form, "customer": customer})


@customer_required
@require_POST
def account_accept(request, customer):
    """Accept a version that does not have to be accepted (a minor change) from "My account"."""
    done = safe_next(request, reverse("shop:account"))
    return _record_decision(request, channel=Acceptance.Channel.ACCOUNT, done=done)


# ---------------------------------------------------------------------------------------
# Accepting a changed policy


@customer_required
@require_http_methods(["GET", "POST"])
def policy_accept(request, customer):
    consent = selectors.request_consent(request)
    done = safe_next(request, reverse("shop:account"))
    if consent.status is None or not consent.status.pending:
        return redirect(done)
    if request.method == "POST":
        return _record_decision(request, channel=Acceptance.Channel.REACCEPTANCE, done=done)
    policy, status = consent.policy, consent.status
    in_force = status.in_force
    since = selectors.consent_changes(policy, status, request)
    context = {
        "status": status,
        "summary": in_force.summary(policy.language),
        "changes": since.changes,
        "compare_url": since.compare_url,
        "next": done,
        "close_url": reverse("shop:account_close"),
        **_policy_context(request, policy),
    }
    return _render(request, "shop/policy_accept.html", context)


def _record_decision(request, *, channel: str, done: str):
    consent = selectors.request_consent(request)
    form = AcceptanceDecisionForm(request.POST)
    if consent.status is None or not consent.status.pending:
        return redirect(done)
    in_force = consent.status.in_force
    if not form.is_valid() or form.cleaned_data["policy_version"] != in_force.pk:
        messages.error(request, str(services.PolicyChangedError.default_message))
        return redirect(_accept_url(done) if consent.status.required else done)
    if form.cleaned_data["decision"] == AcceptanceDecisionForm.DECLINE:
        logout(request)
        return redirect("shop:policy_declined")
    try:
        services.acceptance_record(
            customer=consent.customer,
            version=in_force,
            language=consent.policy.language,
            meta=request_meta(request),
            channel=channel,
        )
    except services.ShopError as error:
        messages.error(request, str(error))
        return redirect(_accept_url(done))
    selectors.request_consent_forget(request)
    messages.success(
        request,
        _("Thank you. You have accepted version %(number)d of the privacy policy.")
        % {"number": in_force.number},
    )
    return redirect(done)


def _accept_url(next_url: str) -> str:
    return reverse("shop:policy_accept") + "?" + urlencode({"next": next_url})


@require_GET
def policy_declined(request):
    login_url = reverse("shop:login") + "?" + urlencode({"next": reverse("shop:account_close")})
    return _render(request, "shop/policy_declined.html", {"close_login_url": login_url})


@require_POST
def notice_dismiss(request):
    """Hide the notice about a minor policy change for the rest of the session."""
    version = request.POST.get("version", "")
    if version.isdigit() and len(version) < 19:
        request.session[NOTICE_DISMISSED_KEY] = int(version)
    return redirect(safe_next(request, reverse("shop:account")))


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: explain, in the visitor's language."""
    return _render(request, "shop/csrf_failure.html", {}, status=403)
