"""The demo's logins, one per persona. Invented people; the secrets are public on purpose.

Staff personas must use two-factor login: their TOTP secret is derived from
their e-mail so the demo is reproducible, and printed by `make run` so a
visitor can add it to an authenticator app.
"""

import base64
import hashlib
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "lavorete-demo-2026"  # noqa: S105 - published demo password


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    full_name: str
    description: str | Promise
    staff: bool

    @property
    def totp_secret(self) -> str | None:
        if not self.staff:
            return None
        digest = hashlib.sha256(f"lavorete-demo:{self.email}".encode()).digest()
        return base64.b32encode(digest[:20]).decode("ascii")


PERSONAS: list[Persona] = [
    Persona(
        "coordinator",
        "coordinatrice@demo.example.org",
        "Giulia Ferraris",
        _("Network coordinator (whole network)"),
        staff=True,
    ),
    Persona(
        "space_manager",
        "gestore.spazio@demo.example.org",
        "Marco Bonfanti",
        _("Space manager of the Il Telaio coworking, Bergamo"),
        staff=True,
    ),
    Persona(
        "operator",
        "operatrice@demo.example.org",
        "Sara Colombo",
        _(
            "Operator of the programme 'Cittadinanza al lavoro', "
            "also allowed to see health and disability data"
        ),
        staff=True,
    ),
    Persona(
        "evaluator",
        "valutatore@demo.example.org",
        "Paolo Rinaldi",
        _("Evaluator for 'Insieme per il lavoro'"),
        staff=True,
    ),
    Persona(
        "company",
        "referente.azienda@demo.example.org",
        "Elena Brambilla",
        _("Representative of Imballaggi Martesana Srl, Segrate"),
        staff=False,
    ),
    Persona(
        "member",
        "coworker@demo.example.org",
        "Luca Pellegrini",
        _("Coworking member in San Giovanni Bianco"),
        staff=False,
    ),
    Persona(
        "job_seeker",
        "persona@demo.example.org",
        "Martina Esposito",
        _("Job seeker in Pioltello, on her pathway in 'Cittadinanza al lavoro'"),
        staff=False,
    ),
    Persona(
        "donor",
        "donatore@demo.example.org",
        "Roberto Galli",
        _("Donor to the solidarity fund"),
        staff=False,
    ),
]


def persona(key: str) -> Persona:
    """The persona with this key."""
    return next(p for p in PERSONAS if p.key == key)
