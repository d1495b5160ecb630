"""The demo's coworking network: twelve spaces of the seeds, their members and a year of use.

The eight p@sswork spaces around Bergamo, the green-economy coworking of the
Piastra in Sondrio (opened eight months ago: two months of set-up, then ten of
ramp-up to full occupancy), the public coworking of Cinisello Balsamo with its
MakersLab, and Matera's first public coworking. Real municipalities, invented
people and addresses.

Everything a manager sets up (spaces, hours, closures, resources,
qualifications, plans, tiers, members, tier requests and verifications,
memberships and their monthly charges) goes through the services. The year of
bookings and check-ins is bulk-inserted, because tens of thousands of rows
through the booking service would take minutes: each row is what
`services.booking_create` would have produced had the bookings been made one by
one in date order — a free unit, inside one opening interval, on the resource's
slot grid, local day and minutes from the same instants, the equipment's
qualification valid, and the price worked out by the service's own rules (the
covering plan and its prorated allowance, the hourly price, the best verified
tier of the space, its funder and hours cap, the community-service hours). Only
the audit entries are missing: there is no history of clicks to record.
Cancelled bookings count as cancelled before any later booking was priced.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone

from lavorete.core.models import RoleAssignment, User
from lavorete.core.money import to_money
from lavorete.core.roles import Role, Scope, ScopeKind
from lavorete.core.services import role_grant, role_revoke, user_create
from lavorete.spaces import services
from lavorete.spaces.calendar import OpeningCalendar, month_start
from lavorete.spaces.models import (
    Booking,
    BookingStatus,
    CapKind,
    CheckIn,
    Membership,
    Plan,
    PlanPeriod,
    Qualification,
    Resource,
    ResourceKind,
    SolidarityTier,
    Space,
    SpaceStatus,
    TierGrant,
    Unit,
)

if TYPE_CHECKING:  # builders imports this module to register its builder
    from lavorete.demo.builders import DemoContext

MEMBER_DOMAIN = "membri.example.org"
HISTORY_DAYS = 365
FUTURE_DAYS = 14
TELAIO = "coworking-il-telaio"
SONDRIO = "la-piastra-sondrio"
SGB = "spazio-comune-valle-brembana"
CINISELLO = "cowo-cinisello"

Hours = list[tuple[list[int], str, str]]  # weekdays, opens, closes
WEEKDAYS = [0, 1, 2, 3, 4]


@dataclass(frozen=True)
class SpaceSpec:
    slug: str
    name: str
    org: str
    place: tuple[str, str]
    address: str
    postcode: str
    theme: str
    summary: str
    hours: Hours
    demand: float  # the share of open seat-hours usually booked, before seasons
    members: int
    pool: tuple[str, int, str]  # name, seats, price per hour
    fixed_desks: int = 0
    rooms: tuple[tuple[str, int, str], ...] = ()  # name, people, price per hour
    offices: tuple[tuple[str, int], ...] = ()  # name, people (booked with a plan only)
    equipment: tuple[tuple[str, str, str | None], ...] = ()  # name, price, qualification
    opened_months_ago: int | None = None  # None: long established
    opened_on: dt.date = dt.date(2016, 9, 1)
    setup_months: int = 0
    rampup_months: int = 0
    target: str = "65"
    summer_closure: bool = True
    network: bool = False  # part of p@sswork: the network pass is valid here
    accessibility: str = "Ingresso senza gradini, bagno accessibile, ascensore."


SPACES: list[SpaceSpec] = [
    SpaceSpec(
        "passwork-bergamo-centro",
        "p@sswork Bergamo Centro",
        "acli_bg",
        ("Bergamo", "BG"),
        "Via Gabriele Camozzi 7",
        "24121",
        "social",
        "Il primo coworking solidale della rete p@sswork, a due passi dalla stazione.",
        [(WEEKDAYS, "08:30", "19:00")],
        0.8,
        18,
        ("Open space", 10, "2.50"),
        fixed_desks=3,
        rooms=(("Sala Città Alta", 10, "18.00"),),
        offices=(("Ufficio start-up", 4),),
        opened_on=dt.date(2014, 10, 1),
        target="70",
        network=True,
    ),
    SpaceSpec(
        TELAIO,
        "Coworking Il Telaio",
        "telaio",
        ("Bergamo", "BG"),
        "Via Borgo Santa Caterina 41",
        "24124",
        "social",
        "Coworking di quartiere della cooperativa Il Telaio, con spazio bimbi il sabato.",
        [(WEEKDAYS, "09:00", "18:30"), ([5], "09:00", "13:00")],
        0.75,
        16,
        ("Sala comune", 8, "2.50"),
        fixed_desks=2,
        rooms=(("Saletta riunioni", 6, "12.00"),),
        offices=(("Ufficio condiviso", 3),),
        opened_on=dt.date(2015, 3, 2),
        target="65",
        network=True,
    ),
    SpaceSpec(
        "spazio-lavoro-borgo-palazzo",
        "Spazio Lavoro Borgo Palazzo",
        "cgil_bg",
        ("Bergamo", "BG"),
        "Via Borgo Palazzo 90",
        "24125",
        "general",
        "Postazioni e sale per professionisti, sindacato e patronato sotto lo stesso tetto.",
        [(WEEKDAYS, "09:00", "18:00")],
        0.6,
        12,
        ("Open space", 6, "2.00"),
        rooms=(("Sala assemblee", 20, "20.00"), ("Saletta colloqui", 4, "8.00")),
        opened_on=dt.date(2016, 1, 11),
        target="60",
        network=True,
    ),
    SpaceSpec(
        "coworking-alzano",
        "Coworking Alzano",
        "comune_alzano",
        ("Alzano Lombardo", "BG"),
        "Piazza Italia 12",
        "24022",
        "digital",
        "Il coworking comunale nell'ex biblioteca, con fibra e stampante 3D.",
        [(WEEKDAYS, "09:00", "13:00"), (WEEKDAYS, "14:00", "18:00")],
        0.55,
        10,
        ("Sala lettura", 6, "2.00"),
        fixed_desks=1,
        rooms=(("Sala riunioni", 8, "10.00"),),
        opened_on=dt.date(2016, 5, 2),
        target="60",
        network=True,
    ),
    SpaceSpec(
        SGB,
        "Spazio Comune Valle Brembana",
        "sgb_hub",
        ("San Giovanni Bianco", "BG"),
        "Via Martiri di Cantiglio 3",
        "24015",
        "green_economy",
        "Coworking di valle: chi lavora qui restituisce ore di consulenza ai residenti.",
        [(WEEKDAYS, "08:30", "12:30"), (WEEKDAYS, "14:00", "18:00"), ([5], "09:00", "12:00")],
        0.55,
        10,
        ("Postazioni", 5, "1.50"),
        fixed_desks=1,
        rooms=(("Sala del Brembo", 8, "8.00"),),
        opened_on=dt.date(2017, 2, 1),
        target="55",
        network=True,
    ),
    SpaceSpec(
        "coworking-trescore",
        "Coworking Trescore",
        "acli_bg",
        ("Trescore Balneario", "BG"),
        "Via Locatelli 18",
        "24069",
        "agrifood",
        "Tre giorni a settimana per chi lavora con le imprese agricole della Val Cavallina.",
        [([0, 2, 4], "09:00", "18:00")],
        0.5,
        7,
        ("Postazioni", 4, "1.50"),
        rooms=(("Sala degustazioni", 10, "10.00"),),
        opened_on=dt.date(2018, 4, 9),
        target="50",
        network=True,
    ),
    SpaceSpec(
        "coworking-curno",
        "Coworking Curno",
        "telaio",
        ("Curno", "BG"),
        "Via Bergamo 25",
        "24035",
        "digital",
        "Postazioni per sviluppatori e creativi digitali, aperto fino a sera.",
        [(WEEKDAYS, "09:00", "19:00")],
        0.7,
        12,
        ("Open space", 7, "2.50"),
        fixed_desks=2,
        rooms=(("Sala call", 4, "10.00"),),
        opened_on=dt.date(2018, 10, 1),
        target="65",
        network=True,
    ),
    SpaceSpec(
        "coworking-alme",
        "Coworking Almè",
        "acli_bg",
        ("Almè", "BG"),
        "Via Campofiori 4",
        "24011",
        "culture",
        "Piccolo coworking per chi lavora in cultura e turismo nelle valli.",
        [([1, 2, 3, 4, 5], "09:00", "13:00"), ([1, 2, 3, 4], "14:30", "18:30")],
        0.5,
        7,
        ("Postazioni", 4, "1.50"),
        rooms=(("Sala incontri", 8, "8.00"),),
        opened_on=dt.date(2019, 9, 2),
        target="55",
        network=True,
    ),
    SpaceSpec(
        SONDRIO,
        "La Piastra – coworking green economy",
        "comune_sondrio",
        ("Sondrio", "SO"),
        "Via Aldo Moro 20, piano rialzato",
        "23100",
        "green_economy",
        "Coworking tematico per la green economy negli spazi vuoti del quartiere Piastra.",
        [(WEEKDAYS, "08:00", "20:00"), ([5], "09:00", "13:00")],
        1.0,  # of the target curve: the space follows its ramp
        16,
        ("Open space verde", 12, "2.00"),
        fixed_desks=2,
        rooms=(("Sala Adda", 10, "12.00"),),
        offices=(("Ufficio start-up green", 3),),
        opened_months_ago=8,
        setup_months=2,
        rampup_months=10,
        target="100",
        summer_closure=False,
    ),
    SpaceSpec(
        CINISELLO,
        "Cowo Cinisello – spazio giovani",
        "comune_cinisello",
        ("Cinisello Balsamo", "MI"),
        "Piazza Confalonieri 3",
        "20092",
        "digital",
        "Il coworking pubblico della città: postazioni, sale e percorsi per i giovani.",
        [(WEEKDAYS, "09:00", "22:00"), ([5], "10:00", "18:00")],
        0.7,
        18,
        ("Open space", 12, "2.00"),
        fixed_desks=2,
        rooms=(("Sala Contamination Lab", 16, "15.00"), ("Box call", 2, "5.00")),
        offices=(("Ufficio incubazione", 4),),
        opened_on=dt.date(2017, 10, 2),
        target="65",
    ),
    SpaceSpec(
        "makerslab-nord-milano",
        "MakersLab Nord Milano",
        "makers",
        ("Cinisello Balsamo", "MI"),
        "Piazza Confalonieri 3, piano terra",
        "20092",
        "makers",
        "Stampanti 3D, taglio laser ed elettronica, con corsi di abilitazione.",
        [([1, 2, 3, 4, 5], "10:00", "19:00")],
        0.55,
        12,
        ("Banchi di lavoro", 6, "3.00"),
        equipment=(
            ("Stampante 3D Prusa 1", "6.00", None),
            ("Stampante 3D Prusa 2", "6.00", None),
            ("Taglio laser CO2", "15.00", "Sicurezza taglio laser"),
        ),
        opened_on=dt.date(2017, 10, 2),
        target="50",
    ),
    SpaceSpec(
        "coworking-pubblico-matera",
        "Coworking pubblico di Matera",
        "comune_matera",
        ("Matera", "MT"),
        "Via Lucana 130",
        "75100",
        "culture",
        "Il primo coworking pubblico della città, nato dallo scambio con Cinisello Balsamo.",
        [(WEEKDAYS, "09:00", "19:00"), ([5], "09:00", "13:00")],
        0.95,  # of the target curve
        14,
        ("Sala dei Sassi", 10, "1.50"),
        rooms=(("Sala Murgia", 12, "10.00"),),
        opened_on=dt.date(2025, 10, 1),
        setup_months=1,
        rampup_months=6,
        target="60",
    ),
]

# The network pass and the tiers: (space slug, name, categories, discount, funder kind,
# funder key, cap kind, cap, service hours per hour, description)
TIERS: list[tuple[Any, ...]] = [
    (
        "passwork-bergamo-centro",
        "Giovani e NEET – postazione gratuita",
        ["neet", "under_30"],
        100,
        "programme",
        "passwork",
        CapKind.SEATS,
        8,
        "0",
        "Postazione gratuita per chi ha meno di 30 anni o non studia e non lavora.",
    ),
    (
        TELAIO,
        "Rientro al lavoro dopo la maternità",
        ["woman_returning"],
        50,
        "organisation",
        "cgil_bg",
        CapKind.SEATS,
        6,
        "0",
        "Metà prezzo per le donne che rientrano al lavoro; paga la Camera del Lavoro.",
    ),
    (
        TELAIO,
        "NEET del quartiere",
        ["neet"],
        100,
        "programme",
        "passwork",
        CapKind.HOURS,
        600,
        "0",
        "Ore gratuite finanziate da p@sswork fino a esaurimento del monte ore.",
    ),
    (
        SGB,
        "Tempo restituito – disoccupati e over 50",
        ["unemployed", "over_50"],
        70,
        None,
        None,
        CapKind.NONE,
        None,
        "0.25",
        "Sconto del 70% in cambio di un quarto d'ora di servizio alla comunità per ogni ora.",
    ),
    (
        SONDRIO,
        "Under 30 green",
        ["under_30", "student"],
        100,
        "programme",
        "la-piastra",
        CapKind.HOURS,
        2500,
        "0",
        "Ore gratuite per giovani e studenti con un progetto green, pagate dal programma La Piastra.",
    ),
    (
        SONDRIO,
        "Mamme al lavoro",
        ["woman_returning"],
        60,
        "organisation",
        "comune_sondrio",
        CapKind.SEATS,
        8,
        "0",
        "Postazioni scontate per le madri che rientrano al lavoro, negli orari del nido.",
    ),
    (
        CINISELLO,
        "Giovani HubOut",
        ["under_30", "neet"],
        100,
        "programme",
        "hubout",
        CapKind.HOURS,
        1800,
        "0",
        "Ore gratuite per i giovani del progetto HubOut.",
    ),
    (
        CINISELLO,
        "Cittadinanza al lavoro – disoccupati",
        ["unemployed"],
        100,
        "programme",
        "cittadinanza-al-lavoro",
        CapKind.SEATS,
        5,
        "0",
        "Postazione gratuita per le persone seguite dal progetto Cittadinanza al lavoro.",
    ),
    (
        "coworking-pubblico-matera",
        "Giovani lucani",
        ["under_30"],
        80,
        "organisation",
        "giovani_lucani",
        CapKind.SEATS,
        10,
        "0",
        "Sconto dell'80% per chi ha meno di 30 anni, sostenuto dall'associazione Giovani Lucani.",
    ),
]

FIRST_NAMES = [
    "Alessandro",
    "Chiara",
    "Davide",
    "Elisa",
    "Federico",
    "Giorgia",
    "Lorenzo",
    "Martina",
    "Matteo",
    "Sara",
    "Simone",
    "Valentina",
    "Andrea",
    "Francesca",
    "Gabriele",
    "Alice",
    "Riccardo",
    "Beatrice",
    "Tommaso",
    "Aurora",
    "Nicola",
    "Irene",
    "Stefano",
    "Laura",
    "Emanuele",
    "Silvia",
    "Pietro",
    "Marta",
    "Filippo",
    "Giulia",
    "Michele",
    "Elena",
    "Daniele",
    "Anna",
    "Samuele",
    "Noemi",
    "Luca",
    "Greta",
    "Antonio",
    "Rebecca",
    "Paolo",
    "Ilaria",
    "Giacomo",
    "Sofia",
    "Cristian",
    "Veronica",
    "Mattia",
    "Camilla",
    "Enrico",
    "Serena",
]
LAST_NAMES = [
    "Rossi",
    "Ferrari",
    "Bianchi",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "Costa",
    "Giordano",
    "Mancini",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "Cattaneo",
    "Pellegrini",
    "Carbone",
    "Rota",
    "Brembilla",
    "Pesenti",
    "Locatelli",
    "Gervasoni",
    "Mazzoleni",
    "Salvi",
    "Bonacina",
    "Gritti",
    "Scotti",
    "Pagani",
    "Lorusso",
    "Santarsiero",
    "Bruni",
    "Gurrado",
    "Mastrangelo",
    "Giannotti",
    "Tortorelli",
]


# --- the builder -------------------------------------------------------------------------


def build_spaces(ctx: "DemoContext") -> None:
    """Coworking spaces of the network, members and a year of bookings and check-ins."""
    today = timezone.localdate()
    spaces = {spec.slug: _space(ctx, spec, today) for spec in SPACES}
    _space_manager_persona(ctx, spaces[TELAIO])
    if Booking.objects.filter(space__in=spaces.values()).exists():
        return  # the members and their year are already there
    world = _World(ctx=ctx, today=today, now=timezone.now())
    for spec in SPACES:
        world.set_up(spec, spaces[spec.slug])
    world.add_members()
    world.add_persona_member()
    world.charge_months()
    world.book_the_year()


def _space(ctx: "DemoContext", spec: SpaceSpec, today: dt.date) -> Space:
    space = Space.objects.filter(slug=spec.slug).first()
    if space is not None:
        return space
    from lavorete.demo.builders import municipality

    opened_on = spec.opened_on
    if spec.opened_months_ago is not None:
        opened_on = month_start(today)
        for _month in range(spec.opened_months_ago):
            opened_on = month_start(opened_on - dt.timedelta(days=1))
    space = services.space_create(
        actor=None,
        organisation=ctx.orgs[spec.org],
        name=spec.name,
        slug=spec.slug,
        municipality=municipality(*spec.place),
        address=spec.address,
        postcode=spec.postcode,
        theme=spec.theme,
        summary=spec.summary,
        description=spec.summary,
        accessibility=spec.accessibility,
        email=f"{spec.slug}@spazi.example.org",
        status=SpaceStatus.ACTIVE,
        opened_on=opened_on,
        setup_months=spec.setup_months,
        rampup_months=spec.rampup_months,
        target_occupancy=Decimal(spec.target),
    )
    rows = [
        (weekday, dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))
        for weekdays, opens, closes in spec.hours
        for weekday in weekdays
    ]
    services.opening_hours_set(actor=None, space=space, rows=rows)
    for first, last, reason in _closures(spec, today):
        services.closure_add(actor=None, space=space, starts_on=first, ends_on=last, reason=reason)
    return space


def _closures(spec: SpaceSpec, today: dt.date) -> list[tuple[dt.date, dt.date, str]]:
    """The summer break and the Christmas holidays that fall in the year of history."""
    result = []
    summer = today.year if today >= dt.date(today.year, 8, 25) else today.year - 1
    if spec.summer_closure:
        result.append((dt.date(summer, 8, 10), dt.date(summer, 8, 21), "Chiusura estiva"))
    christmas = today.year - 1 if today < dt.date(today.year, 12, 24) else today.year
    result.append((dt.date(christmas, 12, 24), dt.date(christmas + 1, 1, 6), "Vacanze di Natale"))
    return result


def _space_manager_persona(ctx: "DemoContext", space: Space) -> None:
    """The space-manager persona runs one space: granted on the space, not its organisation."""
    user = ctx.users.get("space_manager")
    if user is None:
        return
    grants = RoleAssignment.objects.filter(user=user, role=Role.SPACE_MANAGER)
    if not grants.filter(scope_kind=ScopeKind.SPACE, scope_id=space.pk).exists():
        role_grant(
            actor=None, user=user, role=Role.SPACE_MANAGER, scope=Scope(ScopeKind.SPACE, space.pk)
        )
    for assignment in grants.exclude(scope_kind=ScopeKind.SPACE):
        role_revoke(actor=None, assignment=assignment)


# --- members, plans and the year ----------------------------------------------------------


@dataclass
class _Member:
    user: User
    home: str  # space slug
    kind: str  # hot_desk, drop_in, fixed, office, rooms, network, maker
    category: str
    since: dt.date
    until: dt.date | None = None
    memberships: list[Membership] = field(default_factory=list)
    grants: list[TierGrant] = field(default_factory=list)
    qualified_from: dt.date | None = None
    desk: Resource | None = None  # a fixed desk or an office of their own


@dataclass
class _Slot:
    resource: Resource
    unit: Unit
    member: _Member
    starts_at: dt.datetime
    ends_at: dt.datetime
    day: dt.date


@dataclass
class _World:
    """The demo's network while it is built: what the service would read, kept in memory."""

    ctx: "DemoContext"
    today: dt.date
    now: dt.datetime
    specs: dict[str, SpaceSpec] = field(default_factory=dict)
    spaces: dict[str, Space] = field(default_factory=dict)
    calendars: dict[str, OpeningCalendar] = field(default_factory=dict)
    resources: dict[str, dict[str, list[Resource]]] = field(default_factory=dict)
    units: dict[int, list[Unit]] = field(default_factory=dict)
    plans: dict[str, dict[str, Plan]] = field(default_factory=dict)
    tiers: dict[str, list[SolidarityTier]] = field(default_factory=dict)
    qualifications: dict[str, Qualification] = field(default_factory=dict)
    members: list[_Member] = field(default_factory=list)
    network_plan: Plan | None = None

    @property
    def first_day(self) -> dt.date:
        return self.today - dt.timedelta(days=HISTORY_DAYS)

    @property
    def last_day(self) -> dt.date:
        return self.today + dt.timedelta(days=FUTURE_DAYS)

    # --- set-up, through the services -----------------------------------------------

    def set_up(self, spec: SpaceSpec, space: Space) -> None:
        self.specs[spec.slug] = spec
        self.spaces[spec.slug] = space
        self.calendars[spec.slug] = OpeningCalendar.for_space(space)
        by_kind: dict[str, list[Resource]] = defaultdict(list)

        def add(kind: str, name: str, **fields: Any) -> None:
            resource = services.resource_create(
                actor=None, space=space, kind=kind, name=name, **fields
            )
            by_kind[kind].append(resource)

        name, seats, price = spec.pool
        add(
            ResourceKind.HOT_DESK_POOL,
            name,
            capacity=seats,
            hourly_price=Decimal(price),
            cancellation_hours=2,
        )
        for number in range(1, spec.fixed_desks + 1):
            add(ResourceKind.FIXED_DESK, f"Postazione fissa {number}")
        for name, people, price in spec.rooms:
            add(ResourceKind.MEETING_ROOM, name, capacity=people, hourly_price=Decimal(price))
        for name, people in spec.offices:
            add(ResourceKind.PRIVATE_OFFICE, name, capacity=people)
        for name, price, qualification_name in spec.equipment:
            qualification = None
            if qualification_name:
                qualification = self.qualifications.get(spec.slug) or services.qualification_create(
                    actor=None,
                    space=space,
                    name=qualification_name,
                    description="Corso di due ore con prova pratica, tenuto dallo staff del MakersLab.",
                    validity_months=24,
                )
                self.qualifications[spec.slug] = qualification
            add(
                ResourceKind.EQUIPMENT,
                name,
                hourly_price=Decimal(price),
                qualification=qualification,
                slot_minutes=30,
            )
        self.resources[spec.slug] = by_kind
        for resource in (r for group in by_kind.values() for r in group):
            self.units[resource.pk] = list(resource.units.order_by("number"))
        self.plans[spec.slug] = self._plans(spec, space)
        self.tiers[spec.slug] = self._tiers(spec, space)

    def _plans(self, spec: SpaceSpec, space: Space) -> dict[str, Plan]:
        pool_price = Decimal(spec.pool[2])
        day_price = to_money(pool_price * 5)
        plans: dict[str, Plan] = {}

        def plan(
            key: str,
            name: str,
            kind: str,
            period: str,
            price: str | Decimal,
            covers: list[str],
            **extra: Any,
        ) -> None:
            plans[key] = services.plan_create(
                actor=None,
                space=space,
                name=name,
                kind=kind,
                period=period,
                price=Decimal(price),
                covers=covers,
                **extra,
            )

        plan("day", "Giornata", "day_pass", PlanPeriod.DAY, day_price, [ResourceKind.HOT_DESK_POOL])
        plan(
            "hot_desk",
            "Postazione libera mensile",
            "monthly_hot_desk",
            PlanPeriod.MONTH,
            to_money(pool_price * 48),
            [ResourceKind.HOT_DESK_POOL],
        )
        if spec.fixed_desks:
            plan(
                "fixed",
                "Postazione fissa mensile",
                "fixed_desk",
                PlanPeriod.MONTH,
                to_money(pool_price * 80),
                [ResourceKind.FIXED_DESK, ResourceKind.HOT_DESK_POOL],
            )
        if spec.offices:
            plan(
                "office",
                "Ufficio privato mensile",
                "office",
                PlanPeriod.MONTH,
                to_money(pool_price * 200),
                [ResourceKind.PRIVATE_OFFICE],
            )
        if spec.rooms:
            plan(
                "rooms",
                "Pacchetto 10 ore sale riunioni",
                "room_hours",
                PlanPeriod.MONTH,
                to_money(Decimal(spec.rooms[0][2]) * 8),
                [ResourceKind.MEETING_ROOM],
                included_hours=Decimal(10),
            )
        if spec.equipment:
            plan(
                "maker",
                "Maker mensile (20 ore di macchine)",
                "room_hours",
                PlanPeriod.MONTH,
                "70.00",
                [ResourceKind.EQUIPMENT, ResourceKind.HOT_DESK_POOL],
                included_hours=Decimal(20),
            )
        if spec.slug == "passwork-bergamo-centro":
            plan(
                "network",
                "Rete p@sswork – postazione in tutti gli spazi",
                "monthly_hot_desk",
                PlanPeriod.MONTH,
                "150.00",
                [ResourceKind.HOT_DESK_POOL],
                network_wide=True,
                description="Valida in ogni coworking della rete p@sswork.",
            )
            self.network_plan = plans["network"]
        return plans

    def _tiers(self, spec: SpaceSpec, space: Space) -> list[SolidarityTier]:
        tiers = []
        for slug, name, categories, discount, kind, key, cap_kind, cap, service, text in TIERS:
            if slug != spec.slug:
                continue
            funder: dict[str, Any] = {}
            if kind == "programme":
                funder["funder_programme"] = self.ctx.programmes[key]
            elif kind == "organisation":
                funder["funder_organisation"] = self.ctx.orgs[key]
            tiers.append(
                services.tier_create(
                    actor=None,
                    space=space,
                    name=name,
                    description=text,
                    categories=categories,
                    discount_percent=discount,
                    validity_months=12,
                    cap_kind=cap_kind,
                    cap=cap,
                    service_hours_per_hour=Decimal(service),
                    **funder,
                )
            )
        return tiers

    # --- members ----------------------------------------------------------------------

    def add_members(self) -> None:
        rng = self.ctx.rng
        index = 0
        for spec in SPACES:
            for position in range(spec.members):
                first = FIRST_NAMES[index % len(FIRST_NAMES)]
                last = LAST_NAMES[(index * 7 + 3) % len(LAST_NAMES)]
                index += 1
                email = f"{first}.{last}{index}@{MEMBER_DOMAIN}".lower()
                user = user_create(
                    actor=None, email=email, full_name=f"{first} {last}", email_verified=True
                )
                member = _Member(
                    user=user,
                    home=spec.slug,
                    kind=self._kind(spec, position),
                    category=rng.choice(
                        ["neet", "under_30", "unemployed", "woman_returning", "over_50", "student"]
                    ),
                    since=self._since(spec, position),
                )
                self.members.append(member)
                self._enrol(member)

    def _kind(self, spec: SpaceSpec, position: int) -> str:
        """Who a member is: the first take the desks and offices, the rest mostly come and go."""
        if spec.equipment:
            return "maker" if position % 3 else "drop_in"
        if position < spec.fixed_desks:
            return "fixed"
        if position < spec.fixed_desks + len(spec.offices):
            return "office"
        rest = ["hot_desk", "hot_desk", "drop_in", "hot_desk", "rooms", "drop_in", "hot_desk"]
        if spec.network:
            rest.append("network")
        return rest[position % len(rest)]

    def _since(self, spec: SpaceSpec, position: int) -> dt.date:
        """When a member joined: along the ramp in a new space, any time before in an old one."""
        rng = self.ctx.rng
        space = self.spaces[spec.slug]
        if spec.setup_months:
            ramp_start = services._add_months(space.opened_on, spec.setup_months)
            span = max((self.today - ramp_start).days, 1)
            share = (position + rng.random()) / spec.members
            return ramp_start + dt.timedelta(days=int(span * share**1.3 * 0.9))
        joined = self.first_day - dt.timedelta(days=rng.randrange(0, 400))
        if rng.random() < 0.25:  # a newer member
            joined = self.first_day + dt.timedelta(days=rng.randrange(0, HISTORY_DAYS))
        return min(joined, self.today - dt.timedelta(days=7))

    def _enrol(self, member: _Member) -> None:
        """Plan, tier and qualification of a member, through the services."""
        rng = self.ctx.rng
        space = self.spaces[member.home]
        start = max(member.since, self.first_day - dt.timedelta(days=60))
        member.since = start
        tier = self._tier_for(member)
        grant = None
        if tier is not None:
            grant = services.tier_request(
                member=member.user,
                tier=tier,
                category=member.category,
                statement="Dichiaro di appartenere alla categoria indicata.",
            )
            if rng.random() < 0.8:
                try:
                    grant = services.tier_verify(
                        actor=self.ctx.users.get("coordinator"),
                        grant=grant,
                        method="operator",
                        note="Verificato con il centro per l'impiego.",
                        today=start,
                    )
                    member.grants.append(grant)
                except ValidationError:  # the funded seats are taken: the request waits
                    grant = None
            else:
                grant = None
        # The plans are keyed by the kind of member who buys them; the network pass is one.
        plans = self.plans[member.home]
        plan = self.network_plan if member.kind == "network" else plans.get(member.kind)
        if plan is not None:
            own_grant = grant if grant is not None and plan.space_id == space.pk else None
            membership = services.membership_start(
                actor=None, member=member.user, plan=plan, starts_on=start, tier_grant=own_grant
            )
            member.memberships.append(membership)
            # Some leave: a drop in numbers that new members make up for.
            if member.kind in ("hot_desk", "rooms") and rng.random() < 0.2:
                end = start + dt.timedelta(days=rng.randrange(90, 300))
                if end < self.today - dt.timedelta(days=7):
                    services.membership_end(actor=None, membership=membership, last_day=end)
                    membership.refresh_from_db()
                    member.until = end
        if member.kind in ("fixed", "office"):
            kind = (
                ResourceKind.FIXED_DESK if member.kind == "fixed" else ResourceKind.PRIVATE_OFFICE
            )
            taken = {
                m.desk.pk for m in self.members if m.desk is not None and m.home == member.home
            }
            member.desk = next(
                (r for r in self.resources[member.home][kind] if r.pk not in taken), None
            )
        qualification = self.qualifications.get(member.home)
        if qualification is not None and member.kind == "maker":
            granted_on = start + dt.timedelta(days=rng.randrange(0, 20))
            services.qualification_grant(
                actor=None,
                qualification=qualification,
                member=member.user,
                granted_on=granted_on,
                source="Corso di abilitazione del MakersLab",
            )
            member.qualified_from = granted_on

    def _tier_for(self, member: _Member) -> SolidarityTier | None:
        rng = self.ctx.rng
        open_tiers = [t for t in self.tiers[member.home] if member.category in t.categories]
        if not open_tiers or rng.random() < 0.25:
            return None
        return rng.choice(open_tiers)

    def add_persona_member(self) -> None:
        """The coworker persona: a monthly desk in San Giovanni Bianco and a tier request waiting;
        the job seeker asks for the free seat her operator's programme pays for in Cinisello."""
        seeker = self.ctx.users.get("job_seeker")
        if seeker is not None:
            (funded,) = (t for t in self.tiers[CINISELLO] if t.name.startswith("Cittadinanza"))
            services.tier_request(
                member=seeker,
                tier=funded,
                category="unemployed",
                statement="Seguita dal progetto Cittadinanza al lavoro a Pioltello.",
            )
        user = self.ctx.users.get("member")
        if user is None:
            return
        start = month_start(self.today - dt.timedelta(days=120))
        membership = services.membership_start(
            actor=None, member=user, plan=self.plans[SGB]["hot_desk"], starts_on=start
        )
        tier = self.tiers[SGB][0]
        services.tier_request(
            member=user,
            tier=tier,
            category="over_50",
            statement="Ingegnere, 52 anni, disoccupato da due anni: offro consulenze sul risparmio energetico.",
        )
        self.members.append(
            _Member(
                user=user,
                home=SGB,
                kind="hot_desk",
                category="over_50",
                since=start,
                memberships=[membership],
            )
        )

    def charge_months(self) -> None:
        """Charge every membership month by month, as the monthly task does."""
        month = month_start(self.first_day - dt.timedelta(days=60))
        while month <= self.today:
            services.memberships_charge_month(month=month)
            month = month_start(month + dt.timedelta(days=32))

    # --- the year of bookings -----------------------------------------------------------

    def book_the_year(self) -> None:
        slots = self._plan_the_year()
        bookings = _Pricer(self).price(slots, self.ctx.rng)
        insert_rows(Booking, bookings)
        # The new rows' keys, for the check-ins: no two bookings share a unit and a start.
        keys = {
            (unit, start): pk
            for pk, unit, start in Booking.objects.filter(
                space__in=self.spaces.values()
            ).values_list("pk", "unit_id", "starts_at")
        }
        for booking in bookings:
            booking.pk = keys[(booking.unit_id, booking.starts_at)]
        insert_rows(CheckIn, self._checkins(bookings))

    def _demand(self, spec: SpaceSpec, day: dt.date) -> float:
        """How full the space is on `day`: its level (or its target curve), season and weekday."""
        rng = self.ctx.rng
        space = self.spaces[spec.slug]
        if spec.setup_months or spec.slug == "coworking-pubblico-matera":
            level = float(space.target_on(day)) / 100 * spec.demand
        else:
            level = spec.demand
        season = {8: 0.45, 7: 0.85, 12: 0.75, 1: 0.9}.get(day.month, 1.0)
        if day.month == 12 and day.day > 20:
            season = 0.4
        weekday = [0.95, 1.05, 1.08, 1.02, 0.85, 0.6, 0.5][day.weekday()]
        ahead = 1.0
        if day > self.today:
            ahead = max(0.25, 1 - (day - self.today).days / 16)
        return max(0.0, level * season * weekday * ahead * rng.uniform(0.8, 1.2))

    def _plan_the_year(self) -> list[_Slot]:
        rng = self.ctx.rng
        slots: list[_Slot] = []
        busy_units: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(
            list
        )
        busy_members: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = (
            defaultdict(list)
        )

        def free(
            key: tuple[int, dt.date], start: dt.datetime, end: dt.datetime, table: Any
        ) -> bool:
            return all(e <= start or end <= s for s, e in table[key])

        def take(
            resource: Resource, member: _Member, day: dt.date, start: dt.datetime, end: dt.datetime
        ) -> bool:
            if not free((member.user.pk, day), start, end, busy_members):
                return False
            for unit in self.units[resource.pk]:
                if free((unit.pk, day), start, end, busy_units):
                    busy_units[(unit.pk, day)].append((start, end))
                    busy_members[(member.user.pk, day)].append((start, end))
                    slots.append(_Slot(resource, unit, member, start, end, day))
                    return True
            return False

        by_home: dict[str, list[_Member]] = defaultdict(list)
        network_members = []
        for member in self.members:
            by_home[member.home].append(member)
            if member.kind == "network":
                network_members.append(member)

        day = self.first_day
        while day <= self.last_day:
            for spec in SPACES:
                intervals = self.calendars[spec.slug].intervals(day)
                if not intervals:
                    continue
                space = self.spaces[spec.slug]
                if day < services._add_months(space.opened_on, spec.setup_months):
                    continue
                demand = self._demand(spec, day)
                here = [m for m in by_home[spec.slug] if _present(m, day)]
                if spec.network:
                    here += [
                        m
                        for m in network_members
                        if m.home != spec.slug and _present(m, day) and rng.random() < 0.08
                    ]
                resources = self.resources[spec.slug]
                self._pool_day(spec, day, intervals, demand, here, resources, take)
                self._desks_day(day, intervals, demand, here, take)
                self._rooms_day(spec, day, intervals, demand, here, resources, take)
            day += dt.timedelta(days=1)
        return slots

    def _pool_day(
        self,
        spec: SpaceSpec,
        day: dt.date,
        intervals: Any,
        demand: float,
        here: list[_Member],
        resources: Any,
        take: Any,
    ) -> None:
        rng = self.ctx.rng
        pool = resources[ResourceKind.HOT_DESK_POOL][0]
        users = [
            m
            for m in here
            if m.kind in ("hot_desk", "drop_in", "network", "fixed", "maker", "rooms")
        ]
        users = [m for m in users if m.kind != "fixed" or rng.random() < 0.1]
        drop_ins = [m for m in users if m.kind in ("drop_in", "rooms")]
        regulars = [m for m in users if m not in drop_ins]
        wanted = round(pool.capacity * demand / 0.8)
        rng.shuffle(regulars)
        rng.shuffle(drop_ins)
        # Regulars first, then people paying by the hour, fewer of them.
        candidates = regulars + [m for m in drop_ins if rng.random() < 0.7]
        for member in candidates[:wanted]:
            start, end = self._slot_in(
                day,
                intervals,
                rng.choice(["full", "full", "full", "morning", "afternoon", "short"]),
            )
            if start is not None:
                take(pool, member, day, start, end)

    def _desks_day(
        self, day: dt.date, intervals: Any, demand: float, here: list[_Member], take: Any
    ) -> None:
        rng = self.ctx.rng
        for member in here:
            if member.desk is None or rng.random() > min(0.9, 0.45 + demand):
                continue
            for start, end in intervals:
                take(member.desk, member, day, start, end)

    def _rooms_day(
        self,
        spec: SpaceSpec,
        day: dt.date,
        intervals: Any,
        demand: float,
        here: list[_Member],
        resources: Any,
        take: Any,
    ) -> None:
        rng = self.ctx.rng
        if not here:
            return
        for room in resources.get(ResourceKind.MEETING_ROOM, []):
            for _attempt in range(round(5 * demand + rng.random())):
                member = rng.choice(here)
                start, end = self._slot_in(day, intervals, "meeting")
                if start is not None:
                    take(room, member, day, start, end)
        makers = [m for m in here if m.qualified_from is not None]
        for machine in resources.get(ResourceKind.EQUIPMENT, []):
            for _attempt in range(round(5 * demand + rng.random())):
                users = [
                    m
                    for m in (makers if machine.qualification_id else here)
                    if m.qualified_from is None or m.qualified_from <= day
                ]
                if machine.qualification_id:
                    users = [m for m in users if m.qualified_from is not None]
                if not users:
                    break
                start, end = self._slot_in(day, intervals, "machine")
                if start is not None:
                    take(machine, rng.choice(users), day, start, end)

    def _slot_in(self, day: dt.date, intervals: Any, shape: str) -> tuple[Any, Any]:
        """A slot of the given shape inside one opening interval, on the half-hour grid."""
        rng = self.ctx.rng
        opens, closes = rng.choice(intervals)
        steps = int((closes - opens).total_seconds() // 1800)
        if shape == "full":
            length = steps
        elif shape in ("morning", "afternoon"):
            length = max(1, steps // 2)
        elif shape == "meeting":
            length = rng.choice([2, 2, 3, 4])
        elif shape == "machine":
            length = rng.choice([2, 2, 3, 4, 6])
        else:
            length = rng.choice([3, 4, 5])
        length = min(length, steps)
        if length <= 0:
            return None, None
        if shape == "afternoon":
            offset = steps - length
        elif shape in ("full", "morning"):
            offset = 0
        else:
            offset = rng.randrange(0, steps - length + 1)
        start = opens + dt.timedelta(minutes=30 * offset)
        return start, start + dt.timedelta(minutes=30 * length)

    def _checkins(self, bookings: list[Booking]) -> list[CheckIn]:
        """Most members who booked came; the first booking of their day is the one checked in."""
        rng = self.ctx.rng
        seen: set[tuple[int, int, dt.date]] = set()
        checkins = []
        guests = [f"{f} {last}" for f, last in zip(FIRST_NAMES[::3], LAST_NAMES[::4], strict=False)]
        for booking in sorted(bookings, key=lambda b: b.starts_at):
            key = (booking.space_id, booking.member_id, booking.local_date)
            if (
                booking.status != BookingStatus.ACTIVE
                or key in seen
                or booking.starts_at > self.now
            ):
                continue
            seen.add(key)
            if rng.random() > 0.85:
                continue
            checked_in = booking.starts_at + dt.timedelta(minutes=rng.randrange(-10, 25))
            checked_out = None
            if booking.ends_at <= self.now:
                checked_out = max(
                    checked_in, booking.ends_at + dt.timedelta(minutes=rng.randrange(-40, 10))
                )
            checkins.append(
                CheckIn(
                    space_id=booking.space_id,
                    member_id=booking.member_id,
                    booking_id=booking.pk,
                    checked_in_at=checked_in,
                    checked_out_at=checked_out,
                    local_date=booking.local_date,
                    via=rng.choice(["desk", "kiosk", "kiosk"]),
                )
            )
            if checked_out is not None and rng.random() < 0.04:
                checkins.append(
                    CheckIn(
                        space_id=booking.space_id,
                        guest_name=rng.choice(guests),
                        host_id=booking.member_id,
                        checked_in_at=min(checked_in + dt.timedelta(minutes=30), checked_out),
                        checked_out_at=checked_out,
                        local_date=booking.local_date,
                        via="member",
                        recorded_by_id=booking.member_id,
                    )
                )
        return checkins


def insert_rows(model: type[models.Model], objs: list[Any]) -> None:
    """Insert model instances in one executemany, each column through the backend's adapter.

    `bulk_create` writes a statement per 37 rows on SQLite and spent most of the
    demo's time doing it; these rows need no defaults, signals or returned keys.
    """
    if not objs:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]

    def adapter(f: Any) -> Any:
        if isinstance(f, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        if isinstance(f, models.DecimalField):
            return partial(
                ops.adapt_decimalfield_value,
                max_digits=f.max_digits,
                decimal_places=f.decimal_places,
            )
        return None

    columns = [(f.attname, adapter(f)) for f in fields]
    rows = [
        tuple(
            getattr(obj, name) if adapt is None else adapt(getattr(obj, name))
            for name, adapt in columns
        )
        for obj in objs
    ]
    names = ", ".join(ops.quote_name(f.column or f.attname) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _present(member: _Member, day: dt.date) -> bool:
    if day < member.since or (member.until is not None and day > member.until):
        return False
    if member.memberships and member.kind != "drop_in":
        return any(m.covers_day(day) for m in member.memberships)
    return True


class _Pricer:
    """The booking service's pricing (see services.quote), over memory instead of the database."""

    def __init__(self, world: _World) -> None:
        self.world = world
        self.used: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
        self.subsidised: dict[int, Decimal] = defaultdict(Decimal)

    def price(self, slots: list[_Slot], rng: Any) -> list[Booking]:
        bookings = []
        slots.sort(key=lambda s: (s.starts_at, s.member.user.pk, s.resource.pk))
        for slot in slots:
            priced = self._booking(slot)
            if priced is None:
                continue
            booking, undo = priced
            ahead = dt.timedelta(days=rng.choice([2, 3, 5, 7, 10, 14]), hours=rng.randrange(12))
            booking.created_at = min(slot.starts_at - ahead, self.world.now)
            if slot.day < self.world.today and rng.random() < 0.03:
                # Cancelled before its deadline, and before any later booking was priced.
                booking.status = BookingStatus.CANCELLED
                deadline = slot.starts_at - dt.timedelta(hours=26)
                booking.cancelled_at = (
                    booking.created_at + (deadline - booking.created_at) * rng.random()
                )
                booking.cancelled_by_id = slot.member.user.pk
                booking.cancel_reason = rng.choice(
                    ["Impegno di lavoro imprevisto", "Malattia", "Cambio di programma", ""]
                )
                undo()
            bookings.append(booking)
        return bookings

    def _covering(self, member: _Member, resource: Resource, day: dt.date) -> Membership | None:
        covering = [
            m
            for m in member.memberships
            if m.covers_day(day)
            and (m.plan.space_id == resource.space_id or m.plan.network_wide)
            and resource.kind in m.plan.covers
        ]
        covering.sort(
            key=lambda m: (m.plan.included_hours is not None, -(m.plan.included_hours or 0), m.pk)
        )
        return covering[0] if covering else None

    def _grant(self, member: _Member, resource: Resource, day: dt.date) -> TierGrant | None:
        grants = [
            g for g in member.grants if g.tier.space_id == resource.space_id and g.is_valid_on(day)
        ]
        return max(grants, key=lambda g: g.tier.discount_percent, default=None)

    def _booking(self, slot: _Slot) -> tuple[Booking, Callable[[], None]] | None:
        resource, day, member = slot.resource, slot.day, slot.member
        minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
        hours = services._hours(minutes)
        membership = self._covering(member, resource, day)
        plan_hours = Decimal("0")
        if membership is not None:
            allowance = services.allowance_hours(membership, day)
            period = services._period_of(membership.plan, day)[0]
            if allowance is None:
                plan_hours = hours
            else:
                used = self.used[(membership.pk, period)]
                plan_hours = max(Decimal("0"), min(hours, allowance - used))
        paid_hours = hours - plan_hours
        if paid_hours > 0 and resource.hourly_price is None:
            return None  # the service would refuse it
        list_price = to_money((resource.hourly_price or Decimal("0")) * paid_hours)
        grant = self._grant(member, resource, day)
        subsidised = Decimal("0")
        if grant is not None:
            subsidised = hours
            tier = grant.tier
            if tier.cap_kind == CapKind.HOURS and tier.cap is not None:
                subsidised = max(
                    Decimal("0"), min(hours, Decimal(tier.cap) - self.subsidised[tier.pk])
                )
        share = subsidised / hours if hours else Decimal("0")
        split = services._split(list_price, grant if subsidised > 0 else None, share)
        service_owed = Decimal("0")
        if split["tier"] is not None:
            service_owed = (split["tier"].service_hours_per_hour * subsidised).quantize(
                Decimal("0.01")
            )
        tier = split["tier"]
        subsidised = subsidised if tier is not None else Decimal("0")
        user_id = member.user.pk
        booking = Booking(
            unit_id=slot.unit.pk,
            resource_id=resource.pk,
            space_id=resource.space_id,
            member_id=user_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            local_date=slot.starts_at.astimezone(resource.space.zone).date(),
            minutes=minutes,
            created_by_id=user_id,
            membership_id=membership.pk if membership else None,
            plan_hours=plan_hours,
            list_price=split["list_price"],
            member_amount=split["member_amount"],
            funder_amount=split["funder_amount"],
            tier_id=tier.pk if tier else None,
            funder_organisation_id=getattr(split["funder_organisation"], "pk", None),
            funder_programme_id=getattr(split["funder_programme"], "pk", None),
            subsidised_hours=subsidised,
            service_hours_owed=service_owed,
        )
        used_key = (
            (membership.pk, services._period_of(membership.plan, day)[0]) if membership else None
        )
        if used_key:
            self.used[used_key] += plan_hours
        if tier is not None:
            self.subsidised[tier.pk] += subsidised

        def undo() -> None:
            if used_key:
                self.used[used_key] -= plan_hours
            if tier is not None:
                self.subsidised[tier.pk] -= subsidised

        return booking, undo
