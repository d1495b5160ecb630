"""Helpers shared by the tests of the pages that run a space (no tests here)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from lavorete.conftest import grant, make_user
from lavorete.core.roles import Role, ScopeKind
from lavorete.spaces import services

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
MONDAY = dt.date(2030, 3, 4)


def monthly_plan(space: Any, name: str = "Postazione mensile", price: str = "120.00") -> Any:
    return services.plan_create(
        actor=None,
        space=space,
        name=name,
        kind="monthly_hot_desk",
        period="month",
        price=Decimal(price),
        covers=["hot_desk_pool"],
    )


def funded_tier(space: Any, programme: Any, *, cap: int = 10, name: str = "Giovani NEET") -> Any:
    return services.tier_create(
        actor=None,
        space=space,
        name=name,
        categories=["neet", "under_30"],
        discount_percent=100,
        funder_programme=programme,
        cap_kind="seats",
        cap=cap,
    )


def unfunded_tier(space: Any) -> Any:
    return services.tier_create(
        actor=None,
        space=space,
        name="Rientro al lavoro",
        categories=["woman_returning"],
        discount_percent=50,
    )


def evidence(name: str = "isee.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def other_space(organisation: Any, municipality: Any) -> Any:
    """A second space, run by another organisation, open Monday to Friday 8-20."""
    space = services.space_create(
        actor=None,
        organisation=organisation,
        name="Officina Segrate",
        municipality=municipality,
        address="Via Milano 2",
        theme="makers",
        status="active",
        opened_on=dt.date(2025, 6, 1),
    )
    services.opening_hours_set(
        actor=None, space=space, rows=[(d, dt.time(8), dt.time(20)) for d in range(5)]
    )
    return space


def other_manager(organisation: Any) -> Any:
    """A space manager of another organisation: the right, but elsewhere."""
    user = make_user("altro.gestore@example.org", "Aldo Altrove", mfa=True)
    return grant(user, Role.SPACE_MANAGER, ScopeKind.ORGANISATION, organisation.pk)


def book(resource: Any, member: Any, day: dt.date = MONDAY, start: int = 9, end: int = 11) -> Any:
    starts_at, ends_at = services.local_slot(resource.space, day, dt.time(start), dt.time(end))
    return services.booking_create(
        actor=member, member=member, resource=resource, starts_at=starts_at, ends_at=ends_at
    )


def soon() -> dt.date:
    """A working day (Monday to Friday, not a holiday) one to three weeks from now."""
    from lavorete.spaces.calendar import is_public_holiday

    day = dt.date.today() + dt.timedelta(days=7)  # noqa: DTZ011
    while day.weekday() > 4 or is_public_holiday(day):
        day += dt.timedelta(days=1)
    return day


def form_errors(response: Any, form: str = "form") -> str:
    """Every error message of the page's form, as plain text."""
    errors = response.context[form].errors.as_data()
    return " ".join(m for field in errors.values() for error in field for m in error.messages)
