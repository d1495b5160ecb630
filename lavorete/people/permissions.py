"""Access helpers for people's records: 404 for anyone who can't see the person.

A page about one person answers 404 to every user outside the person's
programmes, whatever roles they hold elsewhere: a company representative, an
evaluator or another programme's operator learns nothing, not even that the
record exists. Inside the scope, a missing right is 403.
"""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseBase

from lavorete.core.audit import log_personal_data_access
from lavorete.core.backoffice import menu_for
from lavorete.core.permissions import get_object_for_user
from lavorete.people.models import Person


def get_person_for_user(user: Any, pk: Any, perm: str | None = None) -> Person:
    """The person, or 404 for someone outside the person's programmes, 403 without `perm`."""
    return get_object_for_user(
        user,
        Person.objects.select_related("residence", "user"),
        pk,
        view_perm="people.view_person",
        perm=perm,
    )


def log_person_read(
    user: Any, person: Person, fields: list[str], *, path: str = "", purpose: str = ""
) -> None:
    """Write the read of a person's data to the access log the person can see."""
    log_personal_data_access(actor=user, subject=person, fields=fields, path=path, purpose=purpose)


class PersonMixin(LoginRequiredMixin):
    """A back-office page about one person (URL kwarg `person_pk`).

    Anonymous users go to the login; anyone who can't see the person gets 404;
    inside the scope, a user without `person_permission` gets 403.
    """

    person_permission: str | None = None
    person: Person

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.person = get_person_for_user(
            request.user, kwargs.get("person_pk"), perm=self.person_permission
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["backoffice_menu"] = menu_for(self.request)  # type: ignore[attr-defined]
        context["person"] = self.person
        return context
