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
YES_NO_CHOICES = [(True, _("Yes")), (False, _("No"))]
yes_no_widget = forms.RadioSelect(choices=YES_NO_CHOICES)
# The consent terms (legal.consent_terms); they carry over from one publication to the next.
CONSENT_FIELDS = (
    "consent_purposes",
    "consent_data_categories",
    "consent_third_party_transfer",
    "consent_third_parties",
    "consent_cross_border_transfer",
    "consent_storage_term",
)


def _codes_field(choices, label):
    return forms.TypedMultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# The edit view's buttons that send the draft on its way to customers.
SENDING_ACTIONS = ("action-publish", "action-submit")


class LegalDocumentForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        from .consent_terms import DataCategory, Purpose, Recipient

        super().__init__(*args, **kwargs)
        from .publishing import publication_fields_are_spent

        # Lists of codes are stored as JSON; Legal ticks them.
        for name, choices in (
            ("consent_purposes", Purpose),
            ("consent_data_categories", DataCategory),
            ("consent_third_parties", Recipient),
        ):
            if name in self.fields:
                self.fields[name] = _codes_field(choices.choices, self.fields[name].label)

        if not self.is_bound and publication_fields_are_spent(self.instance):
            for name in PER_PUBLICATION_FIELDS:
                self.initial[name] = None

    def clean(self):
        cleaned_data = super().clean()
        if not any(action in self.data for action in SENDING_ACTIONS):
            return cleaned_data  # a draft may be incomplete
        from .publishing import publication_fields_problems

        for name in ("title", "body", *PER_PUBLICATION_FIELDS, *CONSENT_FIELDS):
            if name in cleaned_data and name not in self.errors:
                setattr(self.instance, name, cleaned_data[name])
        for name, message in publication_fields_problems(self.instance).items():
            self.add_error(name, message)
        return cleaned_data


class TextCorrectionForm(forms.Form):
    """What Legal decides before a translation is corrected as a version of its own."""

    source_summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    # A correction rarely changes what customers agreed to: not material unless chosen.
    material = forms.TypedChoiceField(
        label=_("material change"),
        choices=MATERIAL_CHOICES,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        initial=False,
    )
    effective_from = forms.DateTimeField(
        label=_("takes effect on"),
        required=False,
        help_text=_("Empty means at publication."),
    )

    def __init__(self, *args, source_language: str, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        from wagtail.admin.widgets import AdminDateTimeInput

        self.fields["effective_from"].widget = AdminDateTimeInput()
        self.fields["source_summary"].label = _("Summary of changes in %(language)s") % {
            "language": source_language
        }
        self.fields["source_summary"].help_text = _(
            "For example: the translation of clause 5.6 is corrected; the Russian text has not "
            "changed."
        )
        self.fields["summary"].label = _("Summary of changes in %(language)s") % {
            "language": language
        }
