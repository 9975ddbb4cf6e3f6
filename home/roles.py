"""The three staff roles and what each may do (least privilege).

- Editors draft legal pages and their Kazakh translations and submit them for approval;
  they cannot publish legal pages or upload files (which would be public at once) and never
  see customer data.
- Legal approve or reject changes in the "Legal approval" workflow — never a text they wrote
  themselves (legal.review) — compare versions and read the consent ledger.
- Shop managers see customers and orders, move an order's status on, and keep the products
  (and their Kazakh translations, in wagtail-localize's editor) up to date.
- Legal and Shop managers see the outgoing e-mail (what was sent to whom, what failed).

Groups and model permissions are created by a data migration (home 0002); page permissions
and the workflow need the pages, so ``roles_apply_to_pages`` runs from ``load_initial_data``.
"""

from __future__ import annotations

EDITORS = "Editors"
LEGAL = "Legal"
SHOP_MANAGERS = "Shop managers"
WORKFLOW_NAME = "Legal approval"
TASK_NAME = "Legal review"

# (app_label, codename) pairs per group.
MODEL_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    EDITORS: [
        ("wagtailadmin", "access_admin"),
        ("wagtail_localize", "submit_translation"),
    ],
    LEGAL: [
        ("wagtailadmin", "access_admin"),
        ("legal", "view_documentversion"),
        ("legal", "view_versiontext"),
        ("shop", "view_acceptance"),
        ("outbox", "view_outgoingmessage"),
        ("consent_log", "download_evidence_pack"),
    ],
    SHOP_MANAGERS: [
        ("wagtailadmin", "access_admin"),
        ("shop", "view_customer"),
        ("shop", "view_order"),
        ("shop", "change_order"),
        ("shop", "view_orderline"),
        ("shop", "view_product"),
        ("shop", "change_product"),
        ("wagtail_localize", "submit_translation"),
        ("outbox", "view_outgoingmessage"),
    ],
}

# Page permissions on each legal section (ru and kk): Editors and Legal may add and edit;
# the Russian source is published only through the workflow's approval.
PAGE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: ["add_page", "change_page"],
    LEGAL: ["change_page"],
}
# wagtail-localize's translation editor has no workflow step: it offers "Publish" to whoever
# may publish the page. So on the translated sections Legal holds the publish right and
# publishing a translation is Legal's approval of it; Editors translate, never publish.
TRANSLATION_PAGE_PERMISSIONS: dict[str, list[str]] = {
    LEGAL: ["publish_page"],
}


def create_groups(apps, schema_editor=None) -> None:
    """Data-migration step: the groups and their model permissions (idempotent)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    # Permissions are normally created after all migrations; make sure the ones we grant exist.
    for app_config in apps.get_app_configs():
        if apps is global_apps:
            create_contenttypes(app_config, verbosity=0)
            create_permissions(app_config, verbosity=0)
            continue
        # Migration state apps have no models module; create_permissions skips those.
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    # Wagtail's default "Moderators" may publish any page, legal ones included, bypassing
    # Legal's approval; our roles replace it.
    GroupPagePermission.objects.filter(group__name="Moderators").delete()
    Group.objects.filter(name="Moderators").delete()
    # ...and its default "Moderators approval" workflow on the whole tree, now without approvers.
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowPage.objects.filter(workflow__name="Moderators approval").delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)
    Task.objects.filter(name="Moderators approval").update(active=False)
    # Wagtail's default "Editors" holds add/change/publish-free rights on the whole tree;
    # narrow it to the legal sections (granted by roles_apply_to_pages).
    GroupPagePermission.objects.filter(group__name=EDITORS).delete()
    # wagtail-localize creates this one in a data migration of its own, which an emptied
    # database (tests' flush) no longer has; recreate it the same way.
    ContentType = apps.get_model("contenttypes", "ContentType")
    translation_type, _ = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    Permission.objects.get_or_create(
        content_type=translation_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    for name, pairs in MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in pairs:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            group.permissions.add(permission)


# Wagtail's own migrations let "Editors" upload, replace and delete documents and images; an
# uploaded file is served to anyone at once, with no approval in between.
EDITORS_FILE_RIGHTS_REVOKED = [
    f"{verb}_{model}" for verb in ("add", "change", "delete") for model in ("document", "image")
]


def editors_upload_no_files(apps, schema_editor=None) -> None:
    """Data-migration step: Editors keep choosing files, never publish new ones (idempotent)."""
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupCollectionPermission.objects.filter(
        group__name=EDITORS, permission__codename__in=EDITORS_FILE_RIGHTS_REVOKED
    ).delete()
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(
            *group.permissions.filter(codename__in=EDITORS_FILE_RIGHTS_REVOKED)
        )


def roles_apply_to_pages(*, legal_sections, translated_sections=()) -> None:
    """Grant page permissions on the legal sections and attach the approval workflow.

    Args:
        legal_sections: the legal index pages (one per language); idempotent.
        translated_sections: those of them that hold translations (not the source).
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

    from legal.models import LegalReviewTask

    if Group.objects.filter(name__in=MODEL_PERMISSIONS).count() != len(MODEL_PERMISSIONS):
        # An emptied database (tests' flush) lost what the data migration created.
        from django.apps import apps

        create_groups(apps)
    grants = [
        (name, section, codename)
        for name, codenames in PAGE_PERMISSIONS.items()
        for section in legal_sections
        for codename in codenames
    ] + [
        (name, section, codename)
        for name, codenames in TRANSLATION_PAGE_PERMISSIONS.items()
        for section in translated_sections
        for codename in codenames
    ]
    for name, section, codename in grants:
        GroupPagePermission.objects.get_or_create(
            group=Group.objects.get(name=name),
            page=section,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )

    legal = Group.objects.get(name=LEGAL)
    # Four eyes: the task never lets the writer of a draft approve it (legal.review).
    task = LegalReviewTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = LegalReviewTask.objects.create(name=TASK_NAME)
        task.groups.set([legal])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    # workflow_tasks is a modelcluster relation whose create() only adds in memory.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for section in legal_sections:
        WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})
