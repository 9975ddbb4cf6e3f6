"""The admin form of legal documents: fresh per-publication fields, checked before review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

# Facts about one publication; they describe the change, so they never carry over to the next.
PER_PUBLICATION_FIELDS = ("change_summary", "material", "effective_from")

# No default: "not material" must be a choice someone makes, not what an untouched box means.
MATERIAL_CHOICES = [
    (True, _("Material: customers must accept the new version before they shop on")),
    (False, _("Not material: customers are told about it, nothing is asked of them")),
]
material_widget = forms.RadioSelect(choices=MATERIAL_CHOICES)

# The edit view's buttons that send the draft on its way to customers.
SENDING_ACTIONS = ("action-publish", "action-submit")


class LegalDocumentForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .publishing import publication_fields_are_spent

        if not self.is_bound and publication_fields_are_spent(self.instance):
            for name in PER_PUBLICATION_FIELDS:
                self.initial[name] = None

    def clean(self):
        cleaned_data = super().clean()
        if not any(action in self.data for action in SENDING_ACTIONS):
            return cleaned_data  # a draft may be incomplete
        from .publishing import publication_fields_problems

        for name in ("title", "body", *PER_PUBLICATION_FIELDS):
            if name in cleaned_data and name not in self.errors:
                setattr(self.instance, name, cleaned_data[name])
        for name, message in publication_fields_problems(self.instance).items():
            self.add_error(name, message)
        return cleaned_data
