"""What happens when the "Legal approval" workflow finishes."""


def publish_approved(workflow_state, user=None):
    """Publish the approved revision on the approver's authority.

    Wagtail's default finish action re-checks that the approver may publish the page, which
    would force us to give Legal a publish permission that also lets them bypass the
    workflow. Approval *is* the authority to publish, so the check is skipped here.
    """
    workflow_state.content_object.get_latest_revision().publish(
        user=user, skip_permission_checks=True
    )
