"""Roles, scopes and the permissions each role holds: permissions as data.

A role is granted to a user on a scope (the whole network, one organisation,
space, programme or call). A permission is a string "<app>.<action>"; the
table below is the single place that says which role may do what. Later
domains add their permissions here.
"""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeKind(models.TextChoices):
    NETWORK = "network", _("Whole network")
    ORGANISATION = "organisation", _("Organisation")
    SPACE = "space", _("Space")
    PROGRAMME = "programme", _("Programme")
    CALL = "call", _("Call for proposals")


class Scope(NamedTuple):
    kind: str
    id: int


NETWORK_SCOPE = Scope(ScopeKind.NETWORK, 0)


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Network coordinator")
    SPACE_MANAGER = "space_manager", _("Space manager")
    OPERATOR = "operator", _("Operator")
    EVALUATOR = "evaluator", _("Evaluator")
    FUND_ADMIN = "fund_admin", _("Fund administrator")
    ORGANISATION_REPRESENTATIVE = "org_representative", _("Partner organisation representative")
    # Granted explicitly, on top of OPERATOR, to whoever may read health and
    # disability data (GDPR Art. 9) of a programme's participants.
    SPECIAL_DATA_OFFICER = "special_data_officer", _("Officer for health and disability data")


# Roles that reach people's data or money: they must use two-factor login.
STAFF_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.SPACE_MANAGER,
        Role.OPERATOR,
        Role.EVALUATOR,
        Role.FUND_ADMIN,
        Role.SPECIAL_DATA_OFFICER,
    }
)

# Which scope kinds each role may be granted on.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({ScopeKind.NETWORK, ScopeKind.PROGRAMME}),
    Role.SPACE_MANAGER: frozenset({ScopeKind.ORGANISATION, ScopeKind.SPACE}),
    Role.OPERATOR: frozenset({ScopeKind.PROGRAMME, ScopeKind.ORGANISATION}),
    Role.EVALUATOR: frozenset({ScopeKind.CALL, ScopeKind.PROGRAMME}),
    Role.FUND_ADMIN: frozenset({ScopeKind.NETWORK, ScopeKind.PROGRAMME}),
    Role.ORGANISATION_REPRESENTATIVE: frozenset({ScopeKind.ORGANISATION}),
    Role.SPECIAL_DATA_OFFICER: frozenset({ScopeKind.PROGRAMME}),
}

_VIEW_NETWORK = frozenset(
    {
        "network.view_organisation",
        "network.view_programme",
        "network.view_agreement",
        "territory.view_territory",
    }
)

# Running a space: its set-up, members, bookings, front desk and figures.
_SPACES_STAFF = frozenset(
    {
        "spaces.view_space",
        "spaces.manage_space",
        "spaces.view_members",
        "spaces.manage_members",
        "spaces.verify_tier",
        "spaces.checkin",
        "spaces.view_occupancy",
    }
)

# Following people through a programme: the operator's work.
_CASEWORK = frozenset(
    {
        "people.view_person",
        "people.manage_person",
        "people.import_people",
        "pathways.view_enrolment",
        "pathways.manage_enrolment",
        "pathways.view_case_notes",
        "pathways.write_case_notes",
        "pathways.record_service",
        "pathways.record_outcome",
        "pathways.refer",
    }
)

# Offering opportunities and following their candidacies: companies' and operators' work.
_OPPORTUNITIES = frozenset(
    {
        "opportunities.view_opportunity",
        "opportunities.manage_opportunity",
        "opportunities.view_candidates",
        "opportunities.manage_candidacy",
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: _VIEW_NETWORK
    | {
        "network.manage_organisation",
        "network.create_organisation",
        "network.view_contact",
        "network.manage_contact",
        "network.manage_programme",
        "network.create_programme",
        "network.manage_agreement",
        "territory.manage_district",
        "core.manage_roles",
        "core.view_audit",
    }
    | _SPACES_STAFF
    | {"spaces.create_space"}
    # Coordinators see people's files (logged) to approve gates and handle
    # rights requests; not case notes, not health data.
    | {
        "people.view_person",
        "people.export_person",
        "people.erase_person",
        "pathways.view_enrolment",
        "pathways.approve_stage",
        "pathways.manage_pathway",
        "pathways.view_dashboard",
    }
    | {
        "opportunities.view_opportunity",
        "opportunities.manage_opportunity",
        "matching.manage_policy",
        "matching.view_skill_gaps",
    },
    Role.SPACE_MANAGER: frozenset(
        {"network.view_organisation", "network.view_contact", "territory.view_territory"}
    )
    | _SPACES_STAFF,
    Role.OPERATOR: frozenset(
        {
            "network.view_programme",
            "network.view_organisation",
            "network.view_contact",
            "territory.view_territory",
            "spaces.verify_tier",
            "pathways.view_dashboard",
        }
    )
    | _CASEWORK
    | _OPPORTUNITIES
    | {"opportunities.propose", "matching.view_matches", "matching.view_skill_gaps"},
    Role.EVALUATOR: frozenset({"network.view_programme", "pathways.view_dashboard"}),
    Role.FUND_ADMIN: frozenset(
        {"network.view_programme", "network.view_organisation", "pathways.view_dashboard"}
    ),
    Role.ORGANISATION_REPRESENTATIVE: frozenset(
        {
            "network.view_organisation",
            "network.manage_organisation",
            "network.view_contact",
            "network.manage_contact",
            "network.view_agreement",
            "network.view_programme",
        }
    )
    | _OPPORTUNITIES,
    Role.SPECIAL_DATA_OFFICER: frozenset(
        {
            "people.view_person",
            "people.view_special_category",
            "people.manage_special_category",
        }
    ),
}


def all_permissions() -> frozenset[str]:
    """Every permission some role holds."""
    result: set[str] = set()
    for perms in ROLE_PERMISSIONS.values():
        result |= perms
    return frozenset(result)


# The model behind each scope kind, by label, so core needs no import of the
# apps that define them. A kind whose app isn't installed yet can't be granted.
SCOPE_MODELS: dict[str, str] = {
    ScopeKind.ORGANISATION: "network.Organisation",
    ScopeKind.PROGRAMME: "network.Programme",
    ScopeKind.SPACE: "spaces.Space",
    ScopeKind.CALL: "incubator.Call",
}
