"""The demo territory, built through the same services a coordinator uses.

Modelled on the five programmes in the seeds: real municipalities, invented
organisations and people. Deterministic and idempotent: each builder looks
its objects up by a natural key before creating them. Later domains append
their builders to BUILDERS.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stdnum import luhn

from lavorete.core.models import User
from lavorete.core.roles import Role, Scope, ScopeKind
from lavorete.core.services import mfa_totp_activate, role_grant, user_create
from lavorete.demo.opportunities_demo import build_opportunities
from lavorete.demo.people_demo import build_people
from lavorete.demo.personas import DEMO_PASSWORD, PERSONAS
from lavorete.demo.spaces_demo import build_spaces
from lavorete.network.models import Agreement, Organisation, Programme, ProgrammePartner
from lavorete.network.services import (
    agreement_create,
    contact_create,
    organisation_create,
    programme_create,
    programme_partner_add,
)
from lavorete.territory.models import District, Municipality
from lavorete.territory.services import district_create


@dataclass
class DemoContext:
    rng: random.Random
    log: Callable[[str], None]
    orgs: dict[str, Organisation] = field(default_factory=dict)
    programmes: dict[str, Programme] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def municipality(name: str, province: str) -> Municipality:
    return Municipality.objects.select_related("province").get(
        name=name, province__abbreviation=province
    )


DISTRICTS = [
    (
        "distretto-3-est-milano",
        "Distretto Sociale 3 Est Milano",
        "Ambito dell'Adda Martesana: Pioltello (capofila), Rodano, Segrate, Vimodrone.",
        [("Pioltello", "MI"), ("Rodano", "MI"), ("Segrate", "MI"), ("Vimodrone", "MI")],
    ),
    (
        "bergamo-e-valli",
        "Bergamo e valli",
        "Comuni della rete di coworking solidali della provincia di Bergamo.",
        [
            ("Bergamo", "BG"),
            ("Alzano Lombardo", "BG"),
            ("San Giovanni Bianco", "BG"),
            ("Trescore Balneario", "BG"),
            ("Curno", "BG"),
            ("Almè", "BG"),
        ],
    ),
    (
        "nord-milano",
        "Nord Milano",
        "Cinisello Balsamo e i comuni confinanti.",
        [("Cinisello Balsamo", "MI"), ("Sesto San Giovanni", "MI"), ("Cusano Milanino", "MI")],
    ),
    ("matera", "Matera", "Città di Matera.", [("Matera", "MT")]),
    (
        "bologna-metropolitana",
        "Bologna metropolitana",
        "Comune di Bologna e prima cintura.",
        [("Bologna", "BO"), ("Casalecchio di Reno", "BO"), ("San Lazzaro di Savena", "BO")],
    ),
    ("sondrio", "Sondrio", "Città di Sondrio.", [("Sondrio", "SO")]),
]


def build_territory(ctx: DemoContext) -> None:
    """Municipalities from ISTAT (if not loaded yet) and the districts of the seeds."""
    from django.core.management import call_command

    if not Municipality.objects.exists():
        ctx.log("Loading Italian municipalities…")
        call_command("load_municipalities", verbosity=0)
    for slug, name, description, members in DISTRICTS:
        if District.objects.filter(slug=slug).exists():
            continue
        district_create(
            actor=None,
            name=name,
            slug=slug,
            description=description,
            municipalities=[municipality(n, p) for n, p in members],
        )


def _vat(index: int) -> str:
    """A syntactically valid, invented partita IVA (progressive numbers from 9900000)."""
    base = f"{9900000 + index:07d}015"
    return base + luhn.calc_check_digit(base)


# key, name, kind, legal form, municipality, ATECO 2025 code, website
ORGANISATIONS = [
    (
        "acli_bg",
        "Associazione Lavoro e Comunità Bergamo",
        "association",
        "aps",
        ("Bergamo", "BG"),
        "94.99.90",
    ),
    (
        "telaio",
        "Cooperativa Sociale Il Telaio",
        "cooperative",
        "social_cooperative",
        ("Bergamo", "BG"),
        "88.99.09",
    ),
    (
        "sgb_hub",
        "Associazione Spazio Comune Valle Brembana",
        "association",
        "association",
        ("San Giovanni Bianco", "BG"),
        "94.99.20",
    ),
    (
        "comune_alzano",
        "Comune di Alzano Lombardo",
        "public_body",
        "public_body",
        ("Alzano Lombardo", "BG"),
        "84.11.10",
    ),
    (
        "cgil_bg",
        "Camera del Lavoro Territoriale di Bergamo",
        "trade_union",
        "association",
        ("Bergamo", "BG"),
        "94.20.00",
    ),
    (
        "arti_mestieri",
        "Cooperativa Sociale Arti e Mestieri Martesana",
        "cooperative",
        "social_cooperative",
        ("Pioltello", "MI"),
        "88.99.09",
    ),
    (
        "comune_pioltello",
        "Comune di Pioltello",
        "public_body",
        "public_body",
        ("Pioltello", "MI"),
        "84.11.10",
    ),
    (
        "ripari",
        "Cooperativa Sociale Riparo Martesana",
        "cooperative",
        "social_cooperative",
        ("Segrate", "MI"),
        "88.99.01",
    ),
    (
        "fondazione_martesana",
        "Fondazione di Comunità Adda Martesana",
        "foundation",
        "foundation",
        ("Vimodrone", "MI"),
        "94.99.20",
    ),
    ("imballaggi", "Imballaggi Martesana Srl", "company", "srl", ("Segrate", "MI"), "17.21.00"),
    (
        "digitale_segrate",
        "Botteghe Digitali Srls",
        "company",
        "srls",
        ("Segrate", "MI"),
        "62.10.00",
    ),
    (
        "comune_cinisello",
        "Comune di Cinisello Balsamo",
        "public_body",
        "public_body",
        ("Cinisello Balsamo", "MI"),
        "84.11.10",
    ),
    (
        "comune_matera",
        "Comune di Matera",
        "public_body",
        "public_body",
        ("Matera", "MT"),
        "84.11.10",
    ),
    (
        "makers",
        "Consorzio Biblioteche e MakersLab Nord Milano",
        "training_provider",
        "consortium",
        ("Cinisello Balsamo", "MI"),
        "85.59.20",
    ),
    (
        "imprenditori_nm",
        "Associazione Imprese Nord Milano",
        "trade_association",
        "association",
        ("Cinisello Balsamo", "MI"),
        "94.11.00",
    ),
    (
        "giovani_lucani",
        "Associazione Giovani Lucani in Rete",
        "association",
        "aps",
        ("Matera", "MT"),
        "94.99.20",
    ),
    (
        "ateneo",
        "Istituto Superiore di Design Lombardo",
        "school",
        "foundation",
        ("Milano", "MI"),
        "85.40.20",
    ),
    (
        "fondazione_bo",
        "Fondazione Due Torri per il Lavoro",
        "foundation",
        "foundation",
        ("Bologna", "BO"),
        "94.99.20",
    ),
    (
        "comune_bologna",
        "Comune di Bologna",
        "public_body",
        "public_body",
        ("Bologna", "BO"),
        "84.11.10",
    ),
    (
        "impresa_sociale_bo",
        "Consorzio Impresa Sociale Reno",
        "cooperative",
        "consortium",
        ("Bologna", "BO"),
        "88.99.09",
    ),
    (
        "comune_sondrio",
        "Comune di Sondrio",
        "public_body",
        "public_body",
        ("Sondrio", "SO"),
        "84.11.10",
    ),
    (
        "verde_valtellina",
        "Cooperativa Verde Valtellina",
        "cooperative",
        "cooperative",
        ("Sondrio", "SO"),
        "71.12.10",
    ),
    (
        "formazione_so",
        "Centro di Formazione Professionale Alpi",
        "training_provider",
        "association",
        ("Sondrio", "SO"),
        "85.59.20",
    ),
]

CONTACTS = {
    "acli_bg": [("Anna", "Locatelli", "Presidente")],
    "telaio": [("Marco", "Bonfanti", "Responsabile coworking")],
    "arti_mestieri": [("Francesca", "Villa", "Coordinatrice di progetto")],
    "comune_pioltello": [("Davide", "Sala", "Ufficio politiche sociali")],
    "imballaggi": [("Elena", "Brambilla", "Responsabile del personale")],
    "fondazione_martesana": [("Lucia", "Fumagalli", "Segretaria generale")],
    "comune_sondrio": [("Stefano", "Della Bona", "Servizio sviluppo economico")],
    "fondazione_bo": [("Giorgio", "Mazzoni", "Direttore")],
}


def build_network(ctx: DemoContext) -> None:
    """The partner organisations with a contact each, where the seeds name one."""
    for index, (key, name, kind, legal_form, (mun, prov), ateco_code) in enumerate(ORGANISATIONS):
        vat = _vat(index)
        org = Organisation.objects.filter(vat_number=vat).first()
        if org is None:
            org = organisation_create(
                actor=None,
                name=name,
                kind=kind,
                legal_form=legal_form,
                municipality=municipality(mun, prov),
                vat_number=vat,
                ateco_code=ateco_code,
                email=f"info@{key.replace('_', '-')}.example.org",
                website=f"https://{key.replace('_', '-')}.example.org",
            )
            for first, last, title in CONTACTS.get(key, []):
                contact_create(
                    actor=None,
                    organisation=org,
                    first_name=first,
                    last_name=last,
                    job_title=title,
                    email=f"{first.lower()}.{last.lower().replace(' ', '')}@{key.replace('_', '-')}.example.org",
                    is_primary=True,
                )
        ctx.orgs[key] = org


# slug, name, lead, summary, start, end, status, municipalities, partners [(key, role)]
PROGRAMMES: list[tuple[Any, ...]] = [
    (
        "passwork",
        "p@sswork – coworking solidale",
        "acli_bg",
        "Una rete di otto coworking solidali a Bergamo e provincia, aperti a professionisti, "
        "imprese giovanili e start-up, e gratuiti o scontati per giovani, NEET e donne al "
        "rientro dalla maternità.",
        dt.date(2014, 6, 1),
        None,
        "active",
        [
            ("Bergamo", "BG"),
            ("Alzano Lombardo", "BG"),
            ("San Giovanni Bianco", "BG"),
            ("Trescore Balneario", "BG"),
            ("Curno", "BG"),
            ("Almè", "BG"),
        ],
        [
            ("telaio", "partner"),
            ("sgb_hub", "partner"),
            ("comune_alzano", "supporter"),
            ("cgil_bg", "partner"),
        ],
    ),
    (
        "cittadinanza-al-lavoro",
        "Cittadinanza al lavoro",
        "arti_mestieri",
        "Ecosistema territoriale dell'Adda Martesana per riportare al lavoro 400 persone "
        "disoccupate: osservatori civici, laboratori di work design, Academy territoriale, "
        "incubazione d'impresa e un fondo solidale.",
        dt.date(2026, 1, 12),
        dt.date(2027, 12, 31),
        "active",
        [("Pioltello", "MI"), ("Rodano", "MI"), ("Segrate", "MI"), ("Vimodrone", "MI")],
        [
            ("comune_pioltello", "partner"),
            ("ripari", "partner"),
            ("fondazione_martesana", "funder"),
            ("imballaggi", "supporter"),
            ("digitale_segrate", "supporter"),
        ],
    ),
    (
        "hubout",
        "HubOut – coworking pubblico e Contamination Lab",
        "comune_cinisello",
        "Lo scambio tra Cinisello Balsamo e Matera: il coworking pubblico come spazio di "
        "competenze per i giovani, con MakersLab, formazione digitale e Contamination Lab.",
        dt.date(2025, 9, 1),
        dt.date(2027, 8, 31),
        "active",
        [("Cinisello Balsamo", "MI"), ("Matera", "MT")],
        [
            ("comune_matera", "partner"),
            ("makers", "partner"),
            ("imprenditori_nm", "partner"),
            ("giovani_lucani", "partner"),
            ("ateneo", "partner"),
        ],
    ),
    (
        "insieme-per-il-lavoro",
        "Insieme per il lavoro – innovazione sociale e autoimpiego",
        "comune_bologna",
        "Accompagnamento di progetti di innovazione sociale e autoimpiego nel territorio "
        "metropolitano, con contributi a fondo perduto per l'avvio di imprese sociali.",
        dt.date(2018, 1, 15),
        None,
        "active",
        [("Bologna", "BO"), ("Casalecchio di Reno", "BO"), ("San Lazzaro di Savena", "BO")],
        [("fondazione_bo", "funder"), ("impresa_sociale_bo", "partner")],
    ),
    (
        "la-piastra",
        "La Piastra – coworking tematico green economy",
        "comune_sondrio",
        "Uno spazio vuoto del quartiere Piastra diventa un coworking per la green economy: "
        "2 mesi di allestimento, 10 mesi per la piena occupazione.",
        dt.date(2026, 3, 1),
        dt.date(2027, 2, 28),
        "active",
        [("Sondrio", "SO")],
        [("verde_valtellina", "partner"), ("formazione_so", "partner")],
    ),
]


def build_programmes(ctx: DemoContext) -> None:
    """The five programmes of the seeds, with their partners."""
    for slug, name, lead, summary, start, end, status, muns, partners in PROGRAMMES:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            programme = programme_create(
                actor=None,
                name=name,
                slug=slug,
                lead_organisation=ctx.orgs[lead],
                summary=summary,
                start_date=start,
                end_date=end,
                status=status,
                municipalities=[municipality(n, p) for n, p in muns],
            )
        for key, role in partners:
            if not ProgrammePartner.objects.filter(
                programme=programme, organisation=ctx.orgs[key], role=role
            ).exists():
                programme_partner_add(
                    actor=None, programme=programme, organisation=ctx.orgs[key], role=role
                )
        ctx.programmes[slug] = programme


def build_agreements(ctx: DemoContext) -> None:
    """The protocols of understanding behind two of the programmes."""
    agreements = [
        (
            "PI-2014-001",
            "Protocollo d'intesa p@sswork",
            dt.date(2014, 6, 10),
            ["acli_bg", "telaio", "sgb_hub", "comune_alzano", "cgil_bg"],
            "passwork",
            "Azioni integrate sul lavoro: coworking solidali e incubatori a Bergamo e provincia.",
        ),
        (
            "CAL-2026-001",
            "Accordo di partenariato Cittadinanza al lavoro",
            dt.date(2026, 1, 10),
            ["arti_mestieri", "comune_pioltello", "ripari", "fondazione_martesana"],
            "cittadinanza-al-lavoro",
            "Governance del progetto, ruoli dei partner e costituzione del fondo solidale.",
        ),
    ]
    for reference, title, signed, signatories, programme, scope in agreements:
        if Agreement.objects.filter(reference=reference).exists():
            continue
        agreement_create(
            actor=None,
            title=title,
            reference=reference,
            date_signed=signed,
            signatories=[ctx.orgs[k] for k in signatories],
            programmes=[ctx.programmes[programme]],
            scope=scope,
        )


# persona key -> (role, scope kind, organisation or programme key)
PERSONA_ROLES: dict[str, tuple[str, str, str] | None] = {
    "coordinator": (Role.COORDINATOR, ScopeKind.NETWORK, ""),
    "space_manager": None,  # granted on one space by spaces_demo.build_spaces
    "operator": (Role.OPERATOR, ScopeKind.PROGRAMME, "cittadinanza-al-lavoro"),
    "evaluator": (Role.EVALUATOR, ScopeKind.PROGRAMME, "insieme-per-il-lavoro"),
    "company": (Role.ORGANISATION_REPRESENTATIVE, ScopeKind.ORGANISATION, "imballaggi"),
    "member": None,
    "job_seeker": None,
    "donor": None,
}


def build_personas(ctx: DemoContext) -> None:
    """One login per persona, with its role and, for staff, a TOTP device."""
    for persona in PERSONAS:
        user = User.objects.filter(email=persona.email).first()
        if user is None:
            user = user_create(
                actor=None,
                email=persona.email,
                full_name=persona.full_name,
                password=DEMO_PASSWORD,
                email_verified=True,
            )
            grant = PERSONA_ROLES[persona.key]
            if grant is not None:
                role, kind, key = grant
                if kind == ScopeKind.NETWORK:
                    scope = Scope(kind, 0)
                elif kind == ScopeKind.ORGANISATION:
                    scope = Scope(kind, ctx.orgs[key].pk)
                else:
                    scope = Scope(kind, ctx.programmes[key].pk)
                role_grant(actor=None, user=user, role=role, scope=scope)
            if persona.totp_secret:
                mfa_totp_activate(actor=None, user=user, secret=persona.totp_secret)
        ctx.users[persona.key] = user


def build_skills(ctx: DemoContext) -> None:
    """The ESCO taxonomy: the real English subset shipped with Lavorete (if not imported yet)."""
    from lavorete.skills.importer import import_esco
    from lavorete.skills.models import Skill

    if Skill.objects.exists():
        return
    ctx.log("Importing the ESCO skills and occupations (English subset)…")
    import_esco(Path(__file__).resolve().parents[1] / "skills" / "data" / "esco")


BUILDERS: list[Callable[[DemoContext], None]] = [
    build_territory,
    build_skills,
    build_network,
    build_programmes,
    build_agreements,
    build_personas,
    build_spaces,
    build_people,
    build_opportunities,
]
