"""Shop models: users (customers and staff alike), customers, products, orders and the
consent ledger (acceptances of the privacy policy)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField

from core.append_only import AppendOnlyModel, AppendOnlyQuerySet, ImmutableRecordError
from core.email_address import normalise_email
from legal.models import DocumentVersion, VersionText

from . import ledger

# The most of one product a single order line may hold; more is a wholesale enquiry.
MAX_QUANTITY = 99
USER_AGENT_MAX_LENGTH = 512


class UserManager(BaseUserManager):
    """Creates users identified by e-mail instead of a username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in: a customer of the shop or a member of staff.

    The e-mail address is the log-in name (clause 2.2.3 of the policy).
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # E-mail addresses are compared case-insensitively (Ivan@Mail.kz is ivan@mail.kz),
            # so two registrations racing with different capitalisation cannot both succeed.
            models.UniqueConstraint(Lower("email"), name="shop_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    @property
    def can_use_admin(self) -> bool:
        """Whether this is a member of staff: an active account with access to the admin."""
        return self.is_active and self.has_perm("wagtailadmin.access_admin")


def default_language() -> str:
    """The language texts are written in first and translated from (``LANGUAGE_CODE``)."""
    return settings.LANGUAGE_CODE


class Language(models.TextChoices):
    """The languages the shop speaks and the policy is published in."""

    RU = "ru", "Русский"
    KK = "kk", "Қазақша"


class CustomerQuerySet(models.QuerySet):
    def active(self):
        """Customers who can still shop: not anonymised, log-in enabled.

        The one definition behind the dashboard's acceptance figure, the change notices and
        the reports.
        """
        return self.filter(anonymised_at__isnull=True, user__is_active=True)

    def inactive(self):
        """The complement of ``active()``: closed (anonymised) or deactivated accounts."""
        return self.filter(models.Q(anonymised_at__isnull=False) | models.Q(user__is_active=False))


class Customer(models.Model):
    """A shopper's personal data, as listed in clause 2.2 of the privacy policy.

    Kept apart from ``User`` so staff accounts carry no customer data and a closed account can
    be anonymised (clause 1.4) while its orders and acceptances stay attached to it.
    """

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="customer", verbose_name=_("user")
    )
    # Clause 2.2.1: surname, first name and — if the customer wishes — patronymic.
    last_name = models.CharField(_("surname"), max_length=150, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    # Clause 2.2.2; blank only once the account is anonymised.
    phone = models.CharField(
        _("phone"),
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(r"^\+7[67][0-9]{9}$", _("Enter the phone number as +7 and ten digits."))
        ],
    )
    # Clause 2.2.4.
    delivery_address = models.TextField(_("delivery address"), max_length=500, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # When the personal data last changed: the breach-notice report lists customers touched
    # in a period (Law No. 94-V requires notifying the people concerned).
    updated_at = models.DateTimeField(_("personal data changed at"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at"]
        # Customers are created and changed by the customers themselves (clause 4.2.1);
        # staff only look.
        default_permissions = ("view",)

    def __str__(self):
        return self.full_name or self.user.email

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


class ProductQuerySet(models.QuerySet):
    def sources(self):
        """One row per product: the row in the site's default language.

        Price, image, slug and whether it is on sale are read from this row; the rows in other
        languages are its wagtail-localize translations and hold only the texts.
        """
        return self.filter(locale__language_code=default_language())

    def active(self):
        """Products on sale, one row each."""
        return self.sources().filter(active=True)


class Product(TranslatableMixin, models.Model):
    """Something the shop sells: one row per language, linked by ``translation_key``.

    The row in the default language (Russian) is the source; the Kazakh row is its
    translation, made in wagtail-localize's editor like the policy's. Only the texts are
    translated; slug, price, image and position are synchronised from the source.
    """

    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("image"),
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for customers who cannot see it."),
    )
    # Whole tenge: the shop does not price in tiyn.
    price = models.PositiveIntegerField(_("price, ₸"))
    active = models.BooleanField(_("on sale"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("position in the catalogue"), default=0)

    objects = ProductQuerySet.as_manager()

    # A product looks and costs the same in every language; translators see these as
    # read-only, and "Sync translated snippets" copies them over.
    override_translatable_fields = [
        SynchronizedField("slug", overridable=False),
        SynchronizedField("image", overridable=False),
        SynchronizedField("price", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=1), name="shop_product_price"),
            models.UniqueConstraint(fields=["locale", "slug"], name="shop_product_slug_locale"),
        ]

    def __str__(self):
        return self.name


class Order(models.Model):
    """A customer's order as placed at checkout, with the policy version then in force.

    The shop takes no payment online: the customer pays on receipt, in cash or by card.
    """

    class Status(models.TextChoices):
        NEW = "new", _("new")
        CONFIRMED = "confirmed", _("confirmed")
        SHIPPED = "shipped", _("shipped")
        DELIVERED = "delivered", _("delivered")
        CANCELLED = "cancelled", _("cancelled")

    class Delivery(models.TextChoices):
        COURIER = "courier", _("courier in Almaty")
        PICKUP = "pickup", _("pick-up point in Almaty")
        KAZPOST = "kazpost", _("Kazpost, anywhere in Kazakhstan")

    class Payment(models.TextChoices):
        CASH = "cash", _("in cash on receipt")
        CARD = "card", _("by card on receipt")

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    # Blank only on orders placed before checkout asked (the choice was not recorded then).
    delivery_method = models.CharField(
        _("delivery"), max_length=16, choices=Delivery.choices, blank=True
    )
    payment_method = models.CharField(
        _("payment"), max_length=16, choices=Payment.choices, blank=True
    )
    # As entered at checkout: the customer's profile address may change later.
    delivery_address = models.TextField(_("delivery address"), max_length=500, blank=True)
    total = models.PositiveBigIntegerField(_("total, ₸"))
    created_at = models.DateTimeField(_("placed at"), default=timezone.now)
    policy_version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("privacy policy version"),
        help_text=_("The version of the privacy policy in force when the order was placed."),
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        # Shop managers move an order along (its status); nothing else of it is edited.
        default_permissions = ("view", "change")

    def __str__(self):
        return gettext("Order No. %(number)s") % {"number": self.pk}


class OrderLine(models.Model):
    """One product in an order, at the price it had at checkout."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    product_name = models.CharField(_("product name at checkout"), max_length=200)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    unit_price = models.PositiveIntegerField(_("unit price at checkout, ₸"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="shop_orderline_quantity",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name} ({self.unit_price} ₸)"

    @property
    def line_total(self) -> int:
        return self.quantity * self.unit_price


class AcceptanceQuerySet(AppendOnlyQuerySet):
    """The consent ledger: append-only, and written one record at a time."""

    def bulk_create(self, *args, **kwargs):
        # Each record is checked against the version in force as the customer accepts it;
        # only acceptance_record writes them.
        raise ImmutableRecordError(_("Acceptances are recorded one at a time."))

    def chained(self):
        """The records of the first ledger format, which carry a hash chain (``shop.ledger``)."""
        return self.filter(record_hash__isnull=False)


class Acceptance(AppendOnlyModel):
    """A customer's consent to one text of the privacy policy: the consent ledger.

    Written once by ``shop.services.acceptance_record`` and never changed or deleted (on
    PostgreSQL a trigger refuses it too, migration 0003). The transparency log
    (``consent_log``) logs every record and is what proves it unchanged; ``consent_verify``
    checks that. Records of the first ledger format also carry ``previous_hash`` and
    ``record_hash``, a hash chain over them (see ``shop.ledger``) that ``verify_consent_ledger``
    still walks; records written since carry no chain (both empty), so that writers need not
    take turns.
    """

    class Channel(models.TextChoices):
        REGISTRATION = "registration", _("registration")
        CHECKOUT = "checkout", _("checkout")
        REACCEPTANCE = "re-acceptance", _("re-acceptance")
        ACCOUNT = "account", _("my account")

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="acceptances", verbose_name=_("customer")
    )
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name=_("version"),
    )
    text = models.ForeignKey(
        VersionText,
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name=_("text"),
        help_text=_("The text in the language the customer was shown."),
    )
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    accepted_at = models.DateTimeField(_("accepted at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX_LENGTH, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    previous_hash = models.CharField(
        _("hash of the previous record"), max_length=64, null=True, blank=True
    )
    record_hash = models.CharField(_("hash of this record"), max_length=64, null=True, blank=True)

    objects = AcceptanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["pk"]
        default_permissions = ("view",)
        constraints = [
            # A double submit cannot record the same consent twice.
            models.UniqueConstraint(
                fields=["customer", "version"], name="shop_acceptance_once_per_version"
            ),
            # Two records chained to the same predecessor would fork the chain of the first
            # format (records without a chain hold NULL, which never collides).
            models.UniqueConstraint(fields=["previous_hash"], name="shop_acceptance_chain"),
            models.UniqueConstraint(fields=["record_hash"], name="shop_acceptance_hash_unique"),
            # A record is in the chain with both its hashes, or not in it at all.
            models.CheckConstraint(
                condition=models.Q(previous_hash__isnull=True, record_hash__isnull=True)
                | models.Q(previous_hash__isnull=False, record_hash__isnull=False),
                name="shop_acceptance_chain_whole",
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} → {self.version} [{self.language}]"

    @property
    def email(self) -> str:
        """The address this acceptance was made under ("" once the account was closed, and for
        records made before addresses were kept)."""
        record = getattr(self, "email_at_acceptance", None)
        return record.email if record is not None else ""

    @property
    def is_chained(self) -> bool:
        """Whether this record is of the first ledger format (in the hash chain)."""
        return self.record_hash is not None

    def hashed_fields(self) -> dict:
        """The values ``shop.ledger`` hashes, exactly as stored."""
        return {name: getattr(self, name) for name in ledger.HASHED_FIELDS}


class ChangeNotice(AppendOnlyModel):
    """The record that one customer is told about one version, with the e-mail that tells them.

    Written in the same transaction as its outbox message (``shop.notices``), so a notice
    exists if and only if its e-mail is queued; the message's status says whether it went.
    Unique per (version, customer): nobody is told about the same version twice.
    """

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="notices", verbose_name=_("version")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="change_notices",
        verbose_name=_("customer"),
    )
    language = models.CharField(_("language"), max_length=8)
    created_at = models.DateTimeField(_("recorded at"))
    message = models.OneToOneField(
        "outbox.OutgoingMessage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mail"),
        help_text=_("Empty for notices sent before e-mail went through the outbox."),
    )

    class Meta:
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        constraints = [
            # Named from when notices lived in the legal app; the database keeps the name.
            models.UniqueConstraint(fields=["version", "customer"], name="legal_notice_once"),
        ]

    def __str__(self):
        return f"{self.version} → {self.customer_id}"


class AcceptanceEmail(models.Model):
    """The address a customer logged in with when they accepted a text.

    They may change it later, and a dispute is about who accepted then; but it says who the
    customer is, so it is kept beside the ledger, not in it: closing the account deletes it
    (``customer_anonymise``) while the acceptance, which names no one, stays. Not in the
    public log either. Acceptances recorded before addresses were kept have none.
    """

    acceptance = models.OneToOneField(
        Acceptance,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="email_at_acceptance",
        verbose_name=_("acceptance"),
    )
    email = models.EmailField(_("e-mail at acceptance"))

    class Meta:
        verbose_name = _("e-mail at acceptance")
        verbose_name_plural = _("e-mails at acceptance")
        default_permissions = ()

    def __str__(self):
        return self.email
