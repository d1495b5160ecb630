"""Opportunity and pipeline pages after the browser review (/tmp/review_d.md, B2 #28): the
company's button on an application it never saw says what it does."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lavorete.opportunities import pipeline

pytestmark = pytest.mark.django_db


def test_the_company_turns_down_an_unseen_application_with_an_action_button(
    client: Any, org_rep: Any, person: Any, registered: Any, opportunity: Any
) -> None:
    candidacy = pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    client.force_login(org_rep)
    html = client.get(
        reverse("pipeline:candidacy", kwargs={"candidacy_pk": candidacy.pk})
    ).content.decode()
    move = reverse("pipeline:move", kwargs={"candidacy_pk": candidacy.pk})
    with translation.override("it"):
        action = gettext("Turn down the application")
        status = gettext("Not selected")
    assert f'href="{move}">{action}</a>' in html
    assert f'href="{move}">{status}</a>' not in html
    form = client.get(move).content.decode()
    with translation.override("it"):
        assert gettext("Confirm: turn it down") in form
