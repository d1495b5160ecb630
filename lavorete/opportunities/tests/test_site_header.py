"""The site-wide header (core/base.html) on small screens: the personal-area link keeps an
accessible name when the user's name is hidden, and the slim header's long brand text is
left out below md (it pushed the log-out button 19 px past a 390 px screen).

Kept here because the fix came with the review of the opportunities' pages. The layout
itself (no horizontal overflow at 390 px, axe clean) was checked in Chromium; these tests
keep the markup that gives it.
"""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _me_link(html: str) -> str:
    found = re.search(
        r'<a class="btn btn-primary btn-sm btn-icon me-2" href="[^"]+">(.*?)</a>', html, re.S
    )
    assert found is not None
    return found.group(1)


def test_the_personal_area_link_has_a_name_on_every_screen(client, person):
    client.force_login(person)
    html = client.get(reverse("board:index")).content.decode()
    link = _me_link(html)
    # The user's name from lg up, a visually hidden name below it; the icon is decorative.
    assert '<span class="d-none d-lg-block">' in link
    hidden = re.search(r'<span class="visually-hidden d-lg-none">([^<]+)</span>', link)
    assert hidden is not None
    assert hidden.group(1).strip() in ("Area personale", "Personal area")


def test_the_slim_header_brand_text_is_left_out_on_small_screens(client):
    html = client.get(reverse("board:index")).content.decode()
    assert 'class="d-none d-md-block navbar-brand"' in html
