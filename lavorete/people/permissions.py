"""Access helpers: a person's record for a user, or 404 outside their programmes."""

from typing import Any

from lavorete.core.audit import log_personal_data_access
from lavorete.core.permissions import get_object_for_user
from lavorete.people.models import Person


def get_person_for_user(user: Any, pk: Any, perm: str | None = None) -> Person:
    """The person, or 404 for someone outside the person's programmes, 403 without `perm`."""
    return get_object_for_user(
        user,
        Person.objects.select_related("residence"),
        pk,
        view_perm="people.view_person",
        perm=perm,
    )


def log_person_read(
    user: Any, person: Person, fields: list[str], *, path: str = "", purpose: str = ""
) -> None:
    """Write the read of a person's data to the access log the person can see."""
    log_personal_data_access(actor=user, subject=person, fields=fields, path=path, purpose=purpose)
