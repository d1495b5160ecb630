"""Reads of the partner network, always filtered by what the user may see.

Each selector filters by scope first (`scope_access`), with the same rule the
objects' `lavorete_scopes()` give `has_perm`, so a list never shows an object
its detail page would refuse.
"""

from typing import Any

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from lavorete.core.permissions import has_perm, scope_access
from lavorete.core.roles import ScopeKind
from lavorete.network.models import (
    Agreement,
    Contact,
    Organisation,
    Programme,
    ProgrammePartner,
    ProgrammeStatus,
)


def organisations_visible_to(
    user: Any, perm: str = "network.view_organisation"
) -> QuerySet[Organisation]:
    """Every organisation on which `user` holds `perm` (unordered, unfiltered).

    Mirrors Organisation.lavorete_scopes(): its own scope, and the scope of each
    programme it leads or takes part in.
    """
    access = scope_access(user, perm)
    if access.everywhere:
        return Organisation.objects.all()
    org_ids = access.of(ScopeKind.ORGANISATION)
    programme_ids = access.of(ScopeKind.PROGRAMME)
    if not org_ids and not programme_ids:
        return Organisation.objects.none()
    # Subqueries, not joins, so no organisation is listed twice.
    partners = ProgrammePartner.objects.filter(programme_id__in=programme_ids).values(
        "organisation_id"
    )
    leads = Programme.objects.filter(pk__in=programme_ids).values("lead_organisation_id")
    return Organisation.objects.filter(Q(pk__in=org_ids) | Q(pk__in=partners) | Q(pk__in=leads))


def organisation_list(
    user: Any,
    *,
    query: str = "",
    kind: str = "",
    province: str = "",
    municipality: Any = None,
) -> QuerySet[Organisation]:
    """Organisations the user may see, searched by name, VAT/tax code or municipality.

    `province` is a province's ISTAT code ("015") or abbreviation ("MI");
    `municipality` a Municipality or its pk.
    """
    queryset = organisations_visible_to(user).select_related("municipality__province")
    query = query.strip()
    if query:
        queryset = queryset.filter(
            Q(name__icontains=query)
            | Q(vat_number__iexact=query.replace(" ", "").upper().removeprefix("IT"))
            | Q(tax_code__iexact=query.replace(" ", ""))
            | Q(municipality__name__iexact=query)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if province:
        province = province.strip()
        if len(province) == 2 and province.isalpha():
            queryset = queryset.filter(municipality__province__abbreviation__iexact=province)
        else:
            queryset = queryset.filter(municipality__province__code=province)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return queryset.order_by("name", "pk")


def contact_list(user: Any, organisation: Organisation) -> QuerySet[Contact]:
    """The contacts of `organisation`, or none when the user may not see contacts there."""
    if not has_perm(user, "network.view_contact", organisation):
        return Contact.objects.none()
    return Contact.objects.filter(organisation=organisation).order_by(
        "-is_primary", "last_name", "first_name", "pk"
    )


def programme_list(
    user: Any,
    *,
    query: str = "",
    status: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[Programme]:
    """Programmes the user may see: by programme scope, or led by an organisation in scope.

    With `organisation`, only the programmes it leads or takes part in.
    """
    access = scope_access(user, "network.view_programme")
    queryset = Programme.objects.select_related("lead_organisation").annotate(
        partner_count=Count("partners", distinct=True)
    )
    if not access.everywhere:
        queryset = queryset.filter(
            Q(pk__in=access.of(ScopeKind.PROGRAMME))
            | Q(lead_organisation__in=access.of(ScopeKind.ORGANISATION))
        )
    query = query.strip()
    if query:
        queryset = queryset.filter(Q(name__icontains=query) | Q(summary__icontains=query))
    if status:
        queryset = queryset.filter(status=status)
    if organisation is not None:
        queryset = queryset.filter(
            pk__in=ProgrammePartner.objects.filter(organisation=organisation).values("programme_id")
        )
    return queryset.order_by("name", "pk")


def programme_partners(programme: Programme) -> QuerySet[ProgrammePartner]:
    """The organisations taking part in a programme, the lead first."""
    role_order = Case(
        When(role="lead", then=Value(0)),
        When(role="partner", then=Value(1)),
        When(role="funder", then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        ProgrammePartner.objects.filter(programme=programme)
        .select_related("organisation__municipality__province")
        .annotate(role_order=role_order)
        .order_by("role_order", "organisation__name", "pk")
    )


def agreement_list(
    user: Any, *, query: str = "", organisation: Organisation | None = None
) -> QuerySet[Agreement]:
    """Agreements the user may see: all on the network, else those its organisations signed."""
    access = scope_access(user, "network.view_agreement")
    queryset = Agreement.objects.all()
    if not access.everywhere:
        signed = Agreement.signatories.through.objects.filter(
            organisation_id__in=access.of(ScopeKind.ORGANISATION)
        ).values("agreement_id")
        queryset = queryset.filter(pk__in=signed)
    query = query.strip()
    if query:
        queryset = queryset.filter(Q(title__icontains=query) | Q(reference__icontains=query))
    if organisation is not None:
        queryset = queryset.filter(
            pk__in=Agreement.signatories.through.objects.filter(organisation=organisation).values(
                "agreement_id"
            )
        )
    return queryset.prefetch_related(
        Prefetch("signatories", queryset=Organisation.objects.order_by("name"))
    ).order_by("-date_signed", "title", "pk")


# --- public site: no scope, only what is published, never contacts --------------


def public_programmes() -> QuerySet[Programme]:
    """Programmes shown on the public site: running and planned ones first, closed last."""
    closed_last = Case(
        When(status=ProgrammeStatus.CLOSED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Programme.objects.filter(is_public=True)
        .select_related("lead_organisation")
        .prefetch_related("municipalities__province")
        .annotate(closed_last=closed_last)
        .order_by("closed_last", F("start_date").desc(nulls_last=True), "name", "pk")
    )


def public_programme(slug: str) -> Programme | None:
    """One public programme by its short name, or None."""
    return public_programmes().filter(slug=slug).first()


def public_partners() -> QuerySet[Organisation]:
    """Organisations taking part in at least one public programme (never their contacts)."""
    ids = ProgrammePartner.objects.filter(programme__is_public=True).values("organisation_id")
    return (
        Organisation.objects.filter(pk__in=ids)
        .select_related("municipality__province")
        .order_by("name", "pk")
    )
