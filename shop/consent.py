"""Whether a customer must accept the policy version in force: pure logic, no database.

A customer who has accepted the version in force has nothing to do. Otherwise, if any version
published after the last one they accepted — up to the one in force — was a *material* change,
they must accept again before shopping on (clause 5 of the policy); if every change since was
minor, they are only told about it. A customer with no acceptance at all must accept.
"""

from __future__ import annotations

from dataclasses import dataclass

from legal.selectors import DocumentState, VersionInfo

NONE = "none"
NOTICE = "notice"
REQUIRED = "required"


@dataclass(frozen=True)
class ConsentStatus:
    """Where a customer stands with the version in force."""

    kind: str
    in_force: VersionInfo | None = None
    last_accepted: VersionInfo | None = None
    # Every version published since the one last accepted, up to the one in force, oldest
    # first: the customer has been told about none of them yet.
    changes: tuple[VersionInfo, ...] = ()

    @property
    def required(self) -> bool:
        return self.kind == REQUIRED

    @property
    def notice(self) -> bool:
        return self.kind == NOTICE

    @property
    def pending(self) -> bool:
        """The customer has not accepted the version in force (whether or not they must)."""
        return self.kind != NONE


def consent_status(state: DocumentState, accepted_version_pks: set[int]) -> ConsentStatus:
    """Classify a customer's acceptances against ``state`` (see the module docstring)."""
    in_force = state.in_force
    if in_force is None:
        return ConsentStatus(NONE)
    accepted = [v for v in state.versions if v.pk in accepted_version_pks]
    last = max(accepted, key=lambda v: v.number) if accepted else None
    if in_force.pk in accepted_version_pks or (last and last.number > in_force.number):
        return ConsentStatus(NONE, in_force, last)
    if last is None:
        return ConsentStatus(REQUIRED, in_force, None)
    changes = tuple(v for v in state.versions if last.number < v.number <= in_force.number)
    kind = REQUIRED if any(v.material for v in changes) else NOTICE
    return ConsentStatus(kind, in_force, last, changes)
