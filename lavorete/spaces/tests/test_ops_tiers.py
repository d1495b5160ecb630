"""Tier verification: the queue, a request, the decision, revocation, the evidence download."""

import pytest
from django.urls import reverse
from django.utils import translation

from lavorete.conftest import make_user
from lavorete.core.models import AuditEntry, PersonalDataAccess
from lavorete.spaces import services
from lavorete.spaces.models import GrantStatus, TierGrant
from lavorete.spaces.tests.test_ops_common import (
    PDF,
    evidence,
    form_errors,
    funded_tier,
    unfunded_tier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_private_media(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with translation.override("en"):
        yield


@pytest.fixture
def tier(space, programme):
    return funded_tier(space, programme)


@pytest.fixture
def request_(tier, person):
    return services.tier_request(
        member=person, tier=tier, category="neet", statement="Ho 24 anni e non studio."
    )


def detail_url(grant):
    return reverse("spaces:tier_grant_detail", args=[grant.pk])


def decide_url(grant):
    return reverse("spaces:tier_decide", args=[grant.pk])


# --- the queue -----------------------------------------------------------------------


def test_the_queue_lists_pending_requests_oldest_first(client, space_manager, tier, space):
    first = services.tier_request(
        member=make_user("a@example.org", "Anna Prima"), tier=tier, category="neet"
    )
    second = services.tier_request(
        member=make_user("b@example.org", "Bea Seconda"), tier=tier, category="under_30"
    )
    decided = services.tier_request(
        member=make_user("c@example.org", "Carla Decisa"), tier=tier, category="neet"
    )
    services.tier_reject(actor=space_manager, grant=decided, note="Non risulta NEET")
    client.force_login(space_manager)
    response = client.get(reverse("spaces:verification_queue"))
    assert response.status_code == 200
    assert list(response.context["grants"]) == [first, second]
    assert "Carla Decisa" not in response.content.decode()


def test_the_operator_sees_only_tiers_funded_by_their_programme(
    client, operator, space, request_, person
):
    other = services.tier_request(
        member=make_user("r@example.org", "Rosa Rientro"),
        tier=unfunded_tier(space),
        category="woman_returning",
    )
    client.force_login(operator)
    response = client.get(reverse("spaces:verification_queue"))
    assert list(response.context["grants"]) == [request_]
    assert client.get(detail_url(request_)).status_code == 200
    for url in (
        detail_url(other),
        decide_url(other),
        reverse("spaces:tier_revoke", args=[other.pk]),
        reverse("spaces:tier_evidence", args=[other.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(decide_url(other), {"decision": "verify", "method": "operator"})
    assert response.status_code == 404
    assert TierGrant.objects.get(pk=other.pk).status == GrantStatus.REQUESTED


def test_the_operator_verifies_a_funded_request(client, operator, request_):
    client.force_login(operator)
    response = client.post(
        decide_url(request_),
        {"decision": "verify", "method": "operator", "note": "Iscritta al programma"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("spaces:verification_queue")
    grant = TierGrant.objects.get(pk=request_.pk)
    assert (grant.status, grant.method, grant.decided_by) == ("verified", "operator", operator)
    assert grant.expires_on is not None
    assert AuditEntry.objects.filter(action="tier.verify", actor=operator).exists()


@pytest.mark.parametrize("who", ["space_manager", "coordinator"])
def test_staff_see_a_request_and_the_read_is_logged(request, client, who, request_):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(detail_url(request_))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ho 24 anni e non studio." in html
    assert "0 of 10 taken today" in html
    assert response.context["decision_form"] is not None
    assert PersonalDataAccess.objects.filter(
        actor=user, subject_type="spaces.tiergrant", subject_id=str(request_.pk)
    ).exists()


def test_a_persona_without_the_right_gets_403(client, org_rep, request_):
    client.force_login(org_rep)
    assert client.get(detail_url(request_)).status_code == 403
    assert client.get(reverse("spaces:verification_queue")).status_code == 403


# --- deciding --------------------------------------------------------------------------


def test_verify_needs_a_method_and_reject_needs_a_reason(client, space_manager, request_):
    client.force_login(space_manager)
    response = client.post(decide_url(request_), {"decision": "verify"})
    assert response.status_code == 200
    assert "Say how the eligibility was verified" in form_errors(response)
    response = client.post(decide_url(request_), {"decision": "reject", "note": "  "})
    assert response.status_code == 200
    assert "Say why the request is rejected" in form_errors(response)
    # Checking a document needs a document.
    response = client.post(decide_url(request_), {"decision": "verify", "method": "document"})
    assert "no document to check" in form_errors(response)
    assert TierGrant.objects.get(pk=request_.pk).status == GrantStatus.REQUESTED


def test_rejecting_with_a_reason(client, space_manager, request_):
    client.force_login(space_manager)
    response = client.post(decide_url(request_), {"decision": "reject", "note": "Risulta occupata"})
    assert response.status_code == 302
    grant = TierGrant.objects.get(pk=request_.pk)
    assert (grant.status, grant.decision_note) == ("rejected", "Risulta occupata")
    # Decided once: the page says so and a second decision is refused.
    assert "already been decided" in client.get(decide_url(request_)).content.decode()
    response = client.post(decide_url(request_), {"decision": "verify", "method": "operator"})
    assert "already been decided" in form_errors(response)


def test_the_seat_cap_is_enforced_on_the_page(client, space_manager, space, programme):
    tier = funded_tier(space, programme, cap=1, name="Un posto")
    holder = services.tier_request(
        member=make_user("a@example.org", "Anna Prima"), tier=tier, category="neet"
    )
    services.tier_verify(actor=space_manager, grant=holder, method="operator")
    waiting = services.tier_request(
        member=make_user("b@example.org", "Bea Seconda"), tier=tier, category="neet"
    )
    client.force_login(space_manager)
    assert "1 of 1 taken today" in client.get(detail_url(waiting)).content.decode()
    response = client.post(decide_url(waiting), {"decision": "verify", "method": "operator"})
    assert response.status_code == 200
    assert "All 1 funded seats of this tier are taken." in form_errors(response)
    assert TierGrant.objects.get(pk=waiting.pk).status == GrantStatus.REQUESTED


def test_revoking_a_verified_tier(client, space_manager, request_):
    url = reverse("spaces:tier_revoke", args=[request_.pk])
    client.force_login(space_manager)
    # A pending request can't be revoked.
    response = client.post(url, {"note": "Non più idonea"})
    assert response.status_code == 200
    assert "Only a verified tier can be revoked" in form_errors(response)
    services.tier_verify(actor=space_manager, grant=request_, method="operator")
    assert client.get(detail_url(request_)).context["revoke_form"] is not None
    assert client.post(url, {"note": ""}).status_code == 200
    response = client.post(url, {"note": "Ha trovato lavoro"})
    assert response.status_code == 302
    assert TierGrant.objects.get(pk=request_.pk).status == GrantStatus.REVOKED


# --- the evidence ------------------------------------------------------------------------


def test_the_evidence_download_is_checked_and_logged(
    client, space_manager, operator, outsider, tier, person, space
):
    grant = services.tier_request(member=person, tier=tier, category="neet", evidence=evidence())
    url = reverse("spaces:tier_evidence", args=[grant.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert not PersonalDataAccess.objects.exists()
    for user in (space_manager, operator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Disposition"] == 'attachment; filename="isee.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PDF
        assert PersonalDataAccess.objects.filter(
            actor=user, subject_type="spaces.tiergrant", fields=["evidence"]
        ).exists()
    # With a document, checking it is a way to verify.
    client.force_login(space_manager)
    assert "Download" in client.get(detail_url(grant)).content.decode()
    response = client.post(decide_url(grant), {"decision": "verify", "method": "document"})
    assert response.status_code == 302
    assert TierGrant.objects.get(pk=grant.pk).method == "document"


def test_an_operator_may_not_download_evidence_of_an_unfunded_tier(client, operator, space, person):
    grant = services.tier_request(
        member=person, tier=unfunded_tier(space), category="woman_returning", evidence=evidence()
    )
    client.force_login(operator)
    assert client.get(reverse("spaces:tier_evidence", args=[grant.pk])).status_code == 404
    assert not PersonalDataAccess.objects.exists()
