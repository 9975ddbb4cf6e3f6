"""E-mails to customers: every one is sent by ``send_customer_email``, in the customer's language.

Keeping all sending behind that one function lets it change (an outbox, a queue) in one place.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Customer, Language


def letter_language(user, default: str = Language.RU) -> str:
    """The language to write to ``user`` in: a customer's chosen one, else ``default``."""
    try:
        return user.customer.preferred_language
    except Customer.DoesNotExist:
        return default if default in Language.values else Language.RU


def absolute_url(language: str, viewname: str, **kwargs) -> str:
    """The public address of a page of the site, under ``/<language>/``, for an e-mail."""
    with translation.override(language):
        path = reverse(viewname, kwargs=kwargs or None)
    return settings.SITE_URL.rstrip("/") + path


def send_customer_email(*, to: str, language: str, template: str, context: dict) -> None:
    """Send the e-mail ``template`` to ``to``, as text and HTML, written in ``language``.

    Renders ``shop/email/<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``
    with ``context`` while ``language`` is active.
    """
    with translation.override(language):
        context = {**context, "language": language}
        subject = render_to_string(f"shop/email/{template}_subject.txt", context)
        body = render_to_string(f"shop/email/{template}.txt", context)
        html = render_to_string(f"shop/email/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
