"""The --demo-amendment option: a labelled v2 in both languages, once."""

import pytest
from django.core.management import call_command

from legal.models import DocumentVersion
from legal.selectors import document_state

pytestmark = pytest.mark.django_db


def test_demo_amendment_publishes_a_labelled_v2_in_both_languages_once(
    client, policy, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_initial_data", "--demo-amendment", verbosity=0)
    assert DocumentVersion.objects.filter(document=policy).count() == 2
    state = document_state(policy)
    assert state.in_force.number == 2
    assert state.in_force.summary("kk").startswith("Мұрағат")
    ru = client.get("/ru/legal/privacy/compare/1/2/").content.decode()
    assert "<del>3.4" not in ru  # numbers are labels, the removed clause shows as a block
    assert "ДЕМО. Этот пункт добавлен" in ru
    assert "<ins>удобное для него </ins>время" in ru
    kk = client.get("/kk/legal/privacy/compare/1/2/").content.decode()
    assert "ДЕМО. Бұл тармақ" in kk
    assert "ыңғайлы" in kk
