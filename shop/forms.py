"""Forms for the shop's pages. They check input; the services in ``shop.services`` act on it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.db import transaction
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.email_address import normalise_email

from . import selectors
from .customer_mail import password_reset_mail
from .models import MAX_QUANTITY, Language, Order, Product, User
from .phone import InvalidPhoneError, normalise_phone
from .services import (
    DELIVERY_REQUIRED,
    PAYMENT_REQUIRED,
    EmailTakenError,
    InvalidPhoneNumberError,
)

# Product ids are 64-bit; a longer number is tampering and must not reach the database.
MAX_ID = 2**63 - 1
# The hidden field names the version the customer was shown; a value that is not a version id
# means the page was altered or garbled on the way.
_VERSION_UNREADABLE = _(
    "The form did not say which version of the privacy policy you were shown. Please read the "
    "version linked below and submit the form again."
)
POLICY_VERSION_ERRORS = dict.fromkeys(("invalid", "max_value", "required"), _VERSION_UNREADABLE)


def acceptance_label(policy_url: str, number: int):
    """The consent checkbox's label, linking to the exact version the customer accepts."""
    link = format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        policy_url,
        _("privacy policy (version %(number)d)") % {"number": number},
    )
    return format_html(_("I have read and accept the {link}."), link=link)


class PolicyAcceptanceMixin(forms.Form):
    """A consent checkbox, unticked by default, and the version it refers to."""

    accept_policy = forms.BooleanField(
        required=True,
        initial=False,
        error_messages={
            "required": _("Please confirm that you have read and accept the privacy policy.")
        },
    )
    policy_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        max_value=MAX_ID,
        error_messages=POLICY_VERSION_ERRORS,
    )

    def set_policy(self, policy_url: str, version_number: int, version_pk: int) -> None:
        if "accept_policy" in self.fields:
            self.fields["accept_policy"].label = acceptance_label(policy_url, version_number)
        self.fields["policy_version"].initial = version_pk


class PersonalDataForm(forms.Form):
    """Clause 2.2: the personal data a customer gives the shop."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address."),
        },
    )
    last_name = forms.CharField(
        label=_("Surname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Enter your surname.")},
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Enter your first name.")},
    )
    patronymic = forms.CharField(
        label=_("Patronymic"),
        max_length=150,
        required=False,
        help_text=_("Optional."),
        widget=forms.TextInput(attrs={"autocomplete": "additional-name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        help_text=_("For example +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter your phone number.")},
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        max_length=500,
        help_text=_("City, street, house, flat."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        error_messages={"required": _("Enter the delivery address.")},
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for letters from the shop"), choices=Language.choices
    )

    #: The user whose e-mail may stay as it is (None when registering).
    user: User | None = None

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        exclude = self.user.pk if self.user is not None else None
        if selectors.email_taken(email, exclude_user_id=exclude):
            raise forms.ValidationError(EmailTakenError.default_message)
        return email

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except InvalidPhoneError as error:
            raise forms.ValidationError(InvalidPhoneNumberError.default_message) from error


class RegistrationForm(PersonalDataForm, PolicyAcceptanceMixin):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "email",
        "password1",
        "password2",
        "last_name",
        "first_name",
        "patronymic",
        "phone",
        "delivery_address",
        "preferred_language",
        "accept_policy",
        "policy_version",
    ]

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(
                email=cleaned.get("email") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(PersonalDataForm):
    """Everything but the log-in e-mail, which changes only through a confirmed link."""

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        del self.fields["email"]


def password_confirms(request, user: User, password: str) -> bool:
    """Whether ``password`` is ``user``'s, checked like a log-in (so it is throttled too)."""
    if not password:
        return False
    authenticated = authenticate(request, username=user.get_username(), password=password)
    return authenticated is not None and authenticated.pk == user.pk


WRONG_PASSWORD = _("The password is wrong. Enter the password you log in with.")


class CurrentPasswordForm(forms.Form):
    """A form that only someone who knows the account's password can submit."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password.")},
    )

    def __init__(self, *args, user: User, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        if not password_confirms(self.request, self.user, password):
            raise forms.ValidationError(WRONG_PASSWORD)
        return password


class EmailChangeForm(CurrentPasswordForm):
    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter the new e-mail address."),
            "invalid": _("Enter a valid e-mail address."),
        },
    )

    field_order = ["email", "current_password"]

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if email == normalise_email(self.user.email):
            raise forms.ValidationError(_("This is already the e-mail address you log in with."))
        if selectors.email_taken(email, exclude_user_id=self.user.pk):
            raise forms.ValidationError(EmailTakenError.default_message)
        return email


NEW_PASSWORD_LABELS = {
    "new_password1": _("New password"),
    "new_password2": _("New password again"),
}
PASSWORD_MISMATCH = _("The two passwords do not match.")


class NewPasswordMixin:
    """Django's set-password fields, labelled and explained in the shop's words."""

    def _relabel(self) -> None:
        self.error_messages = {**self.error_messages, "password_mismatch": PASSWORD_MISMATCH}
        for name, label in NEW_PASSWORD_LABELS.items():
            self.fields[name].label = label
        self.fields["new_password1"].help_text = _(
            "At least 8 characters; not only digits, not a common password."
        )
        # Django's own hint here has no Kazakh translation; the label says it all.
        self.fields["new_password2"].help_text = ""


class ShopSetPasswordForm(NewPasswordMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._relabel()


class ShopPasswordChangeForm(NewPasswordMixin, PasswordChangeForm):
    """Change the password, knowing the current one (checked like a log-in: throttled)."""

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self._relabel()
        self.fields["old_password"].label = _("Current password")

    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        if not password_confirms(self.request, self.user, password):
            raise forms.ValidationError(WRONG_PASSWORD, code="password_incorrect")
        return password


class ShopPasswordResetForm(PasswordResetForm):
    """Django's reset form; the e-mail goes out in the customer's language with a link there."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address."),
        },
    )

    def __init__(self, *args, language: str, **kwargs):
        self.language = language
        super().__init__(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Queued in the outbox (its own transaction: a reset records no other fact) and sent
        # by a worker after the commit, so the answer never waits for the mail server.
        with transaction.atomic():
            password_reset_mail(
                user=context["user"],
                email=to_email,
                uidb64=context["uid"],
                token=context["token"],
                language=self.language,
            )


class EmailAuthenticationForm(AuthenticationForm):
    """Log-in by e-mail; the address is matched whatever its capitalisation."""

    error_messages = {
        "invalid_login": _(
            "The e-mail address or password is wrong. Check them and try again; the password "
            "is case-sensitive."
        ),
        "inactive": _("This account has been closed."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "maxlength": 254}
        )
        self.fields["password"].label = _("Password")

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data.get("username"))


def _choice_label(title, hint):
    return format_html(
        '<span class="choice__title">{}</span> <span class="choice__hint">{}</span>',
        capfirst(title),
        hint,
    )


DELIVERY_HINTS = {
    Order.Delivery.COURIER: _("Almaty only. The courier calls before coming."),
    Order.Delivery.PICKUP: _(
        "Almaty, Rakhat microdistrict, Kultobe Street, 4. We call you when the order is ready."
    ),
    Order.Delivery.KAZPOST: _("You collect the parcel at your post office."),
}
PAYMENT_HINTS = {
    Order.Payment.CASH: _("To the courier, at the pick-up point or at the post office."),
    Order.Payment.CARD: _("The courier, the pick-up point and the post office take cards."),
}


class CheckoutForm(PolicyAcceptanceMixin):
    delivery_method = forms.ChoiceField(
        label=_("How should the order reach you?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": DELIVERY_REQUIRED,
            "invalid_choice": DELIVERY_REQUIRED,
        },
    )
    payment_method = forms.ChoiceField(
        label=_("How will you pay on receipt?"),
        widget=forms.RadioSelect,
        error_messages={"required": PAYMENT_REQUIRED, "invalid_choice": PAYMENT_REQUIRED},
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        max_length=500,
        required=False,
        help_text=_("For the courier and Kazpost: city, street, house, flat."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    field_order = [
        "delivery_method",
        "delivery_address",
        "payment_method",
        "accept_policy",
        "policy_version",
    ]

    def __init__(self, *args, needs_acceptance: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_acceptance:
            del self.fields["accept_policy"]
        # Built per form, in the customer's language.
        self.fields["delivery_method"].choices = [
            (value, _choice_label(label, DELIVERY_HINTS[value]))
            for value, label in Order.Delivery.choices
        ]
        self.fields["payment_method"].choices = [
            (value, _choice_label(label, PAYMENT_HINTS[value]))
            for value, label in Order.Payment.choices
        ]

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("delivery_method")
        if method and method != Order.Delivery.PICKUP and not cleaned.get("delivery_address"):
            self.add_error("delivery_address", _("Enter the delivery address."))
        return cleaned


QUANTITY_ERRORS = {
    "required": _("Enter a quantity."),
    "invalid": _("Enter the quantity as a whole number."),
    "min_value": _("The quantity must be at least %(limit_value)s."),
    "max_value": _("You can order at most %(limit_value)s of one product."),
}


class ProductIdForm(forms.Form):
    """A product id posted from the catalogue or the cart; anything else is tampering."""

    product = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": _("This product is not in our catalogue."),
            "invalid": _("This product is not in our catalogue."),
            "min_value": _("This product is not in our catalogue."),
            "max_value": _("This product is not in our catalogue."),
        },
    )


class CartAddForm(ProductIdForm):
    quantity = forms.IntegerField(
        min_value=1, max_value=MAX_QUANTITY, initial=1, error_messages=QUANTITY_ERRORS
    )

    def clean_product(self) -> Product:
        product = Product.objects.active().filter(pk=self.cleaned_data["product"]).first()
        if product is None:
            raise forms.ValidationError(_("This product is not on sale."))
        return product


class CartUpdateForm(ProductIdForm):
    quantity = forms.IntegerField(
        min_value=0, max_value=MAX_QUANTITY, error_messages=QUANTITY_ERRORS
    )


class AcceptanceDecisionForm(forms.Form):
    ACCEPT = "accept"
    DECLINE = "decline"

    decision = forms.ChoiceField(choices=[(ACCEPT, ACCEPT), (DECLINE, DECLINE)])
    policy_version = forms.IntegerField(
        widget=forms.HiddenInput, max_value=MAX_ID, error_messages=POLICY_VERSION_ERRORS
    )


class CloseAccountForm(CurrentPasswordForm):
    """Closing is final: the customer confirms it with their password."""

    def clean_current_password(self) -> str:
        try:
            return super().clean_current_password()
        except forms.ValidationError as error:
            raise forms.ValidationError(
                _(
                    "The password is wrong; the account stays open. Enter the password you "
                    "log in with."
                )
            ) from error
