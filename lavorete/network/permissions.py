"""Access helpers: the object, or 404 outside its scope, or 403 inside it without the right."""

from typing import Any

from django.http import Http404

from lavorete.core.permissions import get_object_for_user
from lavorete.network.models import Agreement, Contact, Organisation, Programme, ProgrammePartner


def get_organisation_for_user(
    user: Any, pk: Any, perm: str = "network.view_organisation"
) -> Organisation:
    """The organisation `pk`, if `user` may see it and hold `perm` on it."""
    return get_object_for_user(
        user,
        Organisation.objects.select_related("municipality__province"),
        pk,
        view_perm="network.view_organisation",
        perm=perm,
    )


def get_contact_for_user(
    user: Any, pk: Any, perm: str = "network.view_contact", *, organisation_pk: Any = None
) -> Contact:
    """The contact `pk` (of organisation `organisation_pk`, when given) if `user` holds `perm`."""
    queryset = Contact.objects.select_related("organisation")
    if organisation_pk is not None:
        queryset = queryset.filter(organisation_id=organisation_pk)
    return get_object_for_user(user, queryset, pk, view_perm="network.view_contact", perm=perm)


def get_programme_for_user(user: Any, pk: Any, perm: str = "network.view_programme") -> Programme:
    """The programme `pk`, if `user` may see it and hold `perm` on it."""
    return get_object_for_user(
        user,
        Programme.objects.select_related("lead_organisation"),
        pk,
        view_perm="network.view_programme",
        perm=perm,
    )


def get_programme_partner_for_user(
    user: Any, pk: Any, perm: str = "network.manage_programme", *, programme_pk: Any
) -> ProgrammePartner:
    """One partner row of programme `programme_pk`, if `user` holds `perm` on the programme."""
    programme = get_programme_for_user(user, programme_pk, perm=perm)
    partner = (
        ProgrammePartner.objects.select_related("organisation")
        .filter(programme=programme, pk=pk)
        .first()
    )
    if partner is None:
        raise Http404
    partner.programme = programme
    return partner


def get_agreement_for_user(user: Any, pk: Any, perm: str = "network.view_agreement") -> Agreement:
    """The agreement `pk`, if `user` may see it (network or signatory) and hold `perm` on it."""
    return get_object_for_user(
        user,
        Agreement.objects.prefetch_related("signatories"),
        pk,
        view_perm="network.view_agreement",
        perm=perm,
    )
