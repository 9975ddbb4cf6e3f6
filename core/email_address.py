"""E-mail addresses as the site stores and compares them."""


def normalise_email(raw: str | None) -> str:
    """An address as it is stored and compared: no surrounding spaces, all in lower case.

    All of it, not only the domain as Django's ``normalize_email`` does: one address belongs to
    one account whatever its capitals (the database's unique index on it is case-insensitive
    too), and the outbox, the log-in form and the reset throttle must all see the same one.
    """
    return (raw or "").strip().lower()
