"""Background tasks of the shop (run by ``manage.py db_worker``)."""

from django_tasks import task

from . import notices


@task()
def notices_prepare(version_pk: int, first_pk: int, last_pk: int) -> int:
    """Record and queue the change notices of one batch of customers (see ``shop.notices``)."""
    return notices.notices_prepare_batch(version_pk=version_pk, first_pk=first_pk, last_pk=last_pk)


@task()
def notices_fan_out() -> int:
    """Enqueue the due change notices in batches; returns how many customers are due."""
    return sum(result.due for result in notices.notices_fan_out())
