"""Version 1's consent terms, and the policy pages' consent fields, from the seed policy.

Existing deployments published version 1 before versions stated their consent terms; its
terms are those of the seed text it froze (clauses 3.2, 2.2–2.3 and 4.3.2; data kept in
Kazakhstan; no term named, so until the purposes are achieved or consent is withdrawn). The
values are written out here, not imported, so this migration means the same forever.
"""

from django.db import migrations

from core.append_only import append_only

SEED = {
    "purposes": [
        "identification",
        "payments",
        "delivery",
        "support",
        "personalised_services",
        "communication",
        "service_improvement",
        "promotions",
        "statistics",
    ],
    "data_categories": [
        "full_name",
        "phone",
        "email",
        "delivery_address",
        "purchase_history",
        "browser",
    ],
    "third_party_transfer": True,
    "third_parties": ["couriers", "post", "banks", "state_bodies"],
    "cross_border_transfer": False,
    "storage_term": "until_withdrawn",
}


def fill(apps, schema_editor):
    DocumentVersion = apps.get_model("legal", "DocumentVersion")
    ConsentTerms = apps.get_model("legal", "ConsentTerms")
    LegalDocumentPage = apps.get_model("legal", "LegalDocumentPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    for version in DocumentVersion.objects.filter(number=1, consent_terms__isnull=True):
        ConsentTerms.objects.create(version=version, created_at=version.published_at, **SEED)
    # The pages (every language: the fields are synchronised) and the revisions editors open
    # next, so the next publication starts from version 1's terms instead of nothing.
    page_fields = {f"consent_{name}": value for name, value in SEED.items()}
    for page in LegalDocumentPage.objects.all():
        if page.consent_purposes:
            continue
        for name, value in page_fields.items():
            setattr(page, name, value)
        page.save(update_fields=list(page_fields))
        if page.latest_revision_id:
            revision = Revision.objects.get(pk=page.latest_revision_id)
            content = dict(revision.content)
            if not content.get("consent_purposes"):
                content.update(page_fields)
                revision.content = content
                revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0009_consent_terms"),
    ]

    operations = [
        append_only("legal_consentterms"),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
