"""Roles and what each may do. Pages hide what a role may not use; these checks refuse it."""

from __future__ import annotations

from dataclasses import dataclass, field

from model.errors import AccessDenied

ALL_ROLES = frozenset({"admin", "leader", "consultant", "caseworker", "mentor", "screen"})
STAFF_ROLES = ALL_ROLES - {"screen"}
EDITORS = frozenset({"admin", "leader", "consultant"})
# Setting: who may download whole lists of citizens and their placements (least privilege). Every
# list is scoped by team, so consultants export their own team's; caseworkers and mentors work
# one citizen at a time and export nothing in bulk.
BULK_EXPORT_ROLES = frozenset({"admin", "leader", "consultant"})

# Which roles may do what; model functions call require() with one of these.
PERMISSIONS: dict[str, frozenset[str]] = {
    "sprint.read": STAFF_ROLES,
    "sprint.edit": EDITORS,
    "sprint.close": frozenset({"admin", "leader", "consultant"}),
    "card.move": EDITORS,
    "citizen.read": STAFF_ROLES,
    "citizen.write": EDITORS,
    "sprint.screen": ALL_ROLES,
    "staff.read": STAFF_ROLES,
    "company.read": STAFF_ROLES,
    "company.write": EDITORS,
    "contact.write": EDITORS,
    "placement.read": STAFF_ROLES,
    "placement.write": EDITORS,
    "followup.done": EDITORS | {"caseworker", "mentor"},
    "cadence.write": frozenset({"admin", "leader"}),
    "outcome.write": EDITORS | {"caseworker"},
    "data.import": frozenset({"admin", "leader"}),
    "data.export": BULK_EXPORT_ROLES,
    "goal.read": STAFF_ROLES,
    "goal.write": frozenset({"admin", "leader"}),
    "results.read": STAFF_ROLES,
    "comparison.write": frozenset({"admin", "leader"}),
    "area.read": STAFF_ROLES,
    "area.write": frozenset({"admin", "leader"}),
    "event.write": EDITORS,
    "partnership.read": STAFF_ROLES,
    "partnership.write": frozenset({"admin", "leader"}),
    "account.admin": frozenset({"admin"}),
    # A leader pairs a TV with their team's meeting screen (model/sessions.py).
    "tv.pair": frozenset({"admin", "leader"}),
    "team.edit": frozenset({"admin"}),
    # Leaders only for their own team's consultants, caseworkers and mentors (model/staffing.py).
    "staff.edit": frozenset({"admin", "leader"}),
    "initiative.edit": frozenset({"admin", "leader"}),
    "audit.read": frozenset({"admin", "leader"}),
    "retention.read": frozenset({"admin", "leader"}),
    "retention.write": frozenset({"admin"}),
    "privacy.access": frozenset({"admin", "leader"}),
    "privacy.erase": frozenset({"admin", "leader"}),
}

# Which roles see which page in the navigation (and pass the page guard).
PAGES: dict[str, frozenset[str]] = {
    "overblik": STAFF_ROLES,
    "sprinttavle": STAFF_ROLES,
    "moedeskaerm": ALL_ROLES,
    "hurtig_registrering": EDITORS,
    "borgere": STAFF_ROLES,
    "virksomheder": STAFF_ROLES,
    "forloeb": STAFF_ROLES,
    "data": BULK_EXPORT_ROLES | {"admin", "leader"},
    "maal": STAFF_ROLES,
    "resultater": STAFF_ROLES,
    "omraadeoverblik": STAFF_ROLES,
    "partnerskaber": STAFF_ROLES,
    "administration": frozenset({"admin", "leader"}),
    "persondata": frozenset({"admin", "leader"}),
    "konto": STAFF_ROLES,
}


@dataclass(frozen=True)
class Actor:
    """The signed-in user acting through the app."""

    user_id: int
    username: str
    role: str
    staff_id: int | None = None
    team_id: int | None = None
    name: str = ""
    must_change_password: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def sees_all_teams(self) -> bool:
        return self.role in {"admin", "leader"}


def can(actor: Actor | None, permission: str) -> bool:
    return actor is not None and actor.role in PERMISSIONS[permission]


def require(actor: Actor | None, permission: str) -> Actor:
    """Return the actor if its role has the permission, else raise AccessDenied."""
    if not can(actor, permission):
        raise AccessDenied("error.access_denied", permission=permission)
    return actor


def page_allowed(actor: Actor | None, page: str) -> bool:
    return actor is not None and actor.role in PAGES[page]
