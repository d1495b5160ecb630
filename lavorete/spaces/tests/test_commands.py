import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lavorete.spaces import services
from lavorete.spaces.models import Charge


def test_charge_memberships_command(space, person):
    plan = services.plan_create(
        actor=None,
        space=space,
        name="Mensile",
        kind="monthly_hot_desk",
        period="month",
        price=Decimal("90"),
        covers=["hot_desk_pool"],
    )
    services.membership_start(actor=None, member=person, plan=plan, starts_on=dt.date(2030, 1, 1))
    out = StringIO()
    call_command("charge_memberships", "--month", "2030-02", stdout=out)
    assert "1 memberships charged for 2030-02" in out.getvalue()
    assert Charge.objects.filter(period_start=dt.date(2030, 2, 1)).count() == 1
    with pytest.raises(CommandError):
        call_command("charge_memberships", "--month", "febbraio")
