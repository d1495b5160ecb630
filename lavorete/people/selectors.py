"""Reads of the people registry, always filtered by what the user may see."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from lavorete.core.permissions import scope_access
from lavorete.core.roles import ScopeKind
from lavorete.people.models import Person


def people_for_user(user: Any, perm: str = "people.view_person") -> QuerySet[Person]:
    """The people `user` may see with `perm`: those enrolled in (or referred to) their programmes."""
    from lavorete.pathways.models import Enrolment, Referral, ReferralStatus

    access = scope_access(user, perm)
    if access.everywhere:
        return Person.objects.all()
    programmes = access.of(ScopeKind.PROGRAMME)
    if not programmes:
        return Person.objects.none()
    enrolled = Enrolment.objects.filter(person=OuterRef("pk"), programme_id__in=programmes)
    referred = Referral.objects.filter(
        person=OuterRef("pk"), to_programme_id__in=programmes, status=ReferralStatus.PROPOSED
    )
    return Person.objects.filter(Q(Exists(enrolled)) | Q(Exists(referred)))
