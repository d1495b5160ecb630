"""The texts people consent to, by purpose, with their version.

A consent records the version of the text the person agreed to. To change a
text, add a new version here: consents given on the old one stay valid for
what it said, and the person's page shows which version they accepted.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lavorete.people.models import ConsentPurpose


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    text: str | Promise


CONSENT_TEXTS: dict[str, ConsentText] = {
    ConsentPurpose.PROGRAMME: ConsentText(
        ConsentPurpose.PROGRAMME,
        "2026-11",
        _(
            "I agree that the programme's operators process my data to follow my pathway "
            "(guidance, training, job search) and to report anonymous figures to the funders."
        ),
    ),
    ConsentPurpose.PROFILE_SHARING: ConsentText(
        ConsentPurpose.PROFILE_SHARING,
        "2026-11",
        _(
            "I agree that my profile (name, contacts, skills, languages, CV) is shown to "
            "the partner companies whose opportunities I am matched with or apply to."
        ),
    ),
    ConsentPurpose.MATCHING: ConsentText(
        ConsentPurpose.MATCHING,
        "2026-11",
        _(
            "I agree that my skills, languages, municipality and availability are compared "
            "with the opportunities of the network, so that I and my operators see the ones "
            "that suit me; companies see only an anonymised profile until I agree to share it."
        ),
    ),
    ConsentPurpose.NEWSLETTER: ConsentText(
        ConsentPurpose.NEWSLETTER,
        "2026-11",
        _("I agree to receive the network's newsletter by e-mail. I can stop at any time."),
    ),
}

# What a person agrees to when an operator refers them to a partner's programme.
REFERRAL_TEXT = ConsentText(
    "referral",
    "2026-11",
    _(
        "I agree that my file (profile, pathway and plan, not the case notes) is passed "
        "to the partner organisation I am referred to."
    ),
)


def current_text(purpose: str) -> ConsentText:
    """The text in force for a purpose."""
    return CONSENT_TEXTS[purpose]
