"""The demo's opportunities: companies and local bodies of the Adda Martesana and Nord Milano
posting vacancies, internships, challenges and volunteer roles, with real ESCO occupations.

Imballaggi Martesana Srl (the company persona's) and Botteghe Digitali Srls of
Segrate are joined by eight invented organisations of Pioltello, Segrate,
Vimodrone, Rodano, Cernusco sul Naviglio and Cinisello Balsamo. The ICT
opportunities ask for the essential skills ESCO lists for their occupation
(the shipped subset has those relations for 91 ICT occupations); the others
ask for skills picked by hand from the subset. Everything goes through the
services. Some of the programme's people get skills of the same occupations,
and about 70% of them the consent to be matched, so the matching has something
to say; the job-seeker persona meets the Segrate internship of scenario 1
with 4 of its 5 essential skills, missing web analytics. When the matching
and the candidacy pipeline are installed, the builder fills their stores too.
"""

import datetime as dt
import importlib
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum import luhn

from lavorete.core.models import User
from lavorete.demo.spaces_demo import insert_rows
from lavorete.network.models import Organisation, Programme, ProgrammePartner
from lavorete.network.services import organisation_create, programme_partner_add
from lavorete.opportunities import services
from lavorete.opportunities.models import Opportunity, OpportunityStatus
from lavorete.people.consents import current_text
from lavorete.people.models import (
    Consent,
    ConsentPurpose,
    Person,
    PersonSkill,
    SkillEvidence,
)
from lavorete.people.services import consent_give, person_skill_add
from lavorete.skills.models import Label, LabelKind, OccupationSkill, RelationType, Skill
from lavorete.territory.models import Municipality

if TYPE_CHECKING:
    from lavorete.demo.builders import DemoContext

PROGRAMME = "cittadinanza-al-lavoro"
HUBOUT = "hubout"
PERSON_DOMAIN = "persone.example.org"
SEED = 5_20261122
# How many of an ICT occupation's essential skills an opportunity asks for.
FROM_OCCUPATION = 6
MATCHING_SHARE = 0.7
EXTRA_SKILLS_SHARE = 0.35

# key, name, kind, legal form, municipality, ATECO 2025 code, programme roles [(slug, role)]
ORGANISATIONS: list[tuple[str, str, str, str, str, str, list[tuple[str, str]]]] = [
    (
        "logistica_adda",
        "Logistica Adda Martesana Srl",
        "company",
        "srl",
        "Pioltello",
        "52.10.10",
        [(PROGRAMME, "partner")],
    ),
    (
        "martesana_software",
        "Martesana Software Srl",
        "company",
        "srl",
        "Cernusco sul Naviglio",
        "62.10.00",
        [],
    ),
    (
        "navigli_web",
        "Navigli Web Studio Srls",
        "company",
        "srls",
        "Cernusco sul Naviglio",
        "73.11.01",
        [],
    ),
    (
        "supermercati_martesana",
        "Supermercati Martesana Srl",
        "company",
        "srl",
        "Rodano",
        "47.11.02",
        [(PROGRAMME, "partner")],
    ),
    (
        "comune_segrate",
        "Comune di Segrate",
        "public_body",
        "public_body",
        "Segrate",
        "84.11.10",
        [(PROGRAMME, "supporter")],
    ),
    (
        "comune_vimodrone",
        "Comune di Vimodrone",
        "public_body",
        "public_body",
        "Vimodrone",
        "84.11.10",
        [(PROGRAMME, "supporter")],
    ),
    (
        "naviglio_coop",
        "Cooperativa Sociale Il Naviglio",
        "cooperative",
        "social_cooperative",
        "Cernusco sul Naviglio",
        "88.99.09",
        [],
    ),
    (
        "officine_nord",
        "Officine Digitali Nord Milano Srl",
        "company",
        "srl",
        "Cinisello Balsamo",
        "62.20.10",
        [(HUBOUT, "partner")],
    ),
]


@dataclass
class Offer:
    """One opportunity of the demo, as its organisation would post it."""

    org: str
    kind: str
    title: str
    description: str
    where: str | None
    status: str
    occupation: str = ""  # English preferred label of the ESCO occupation
    essential: list[tuple[str, int]] = field(default_factory=list)  # (English label, level)
    optional: list[tuple[str, int]] = field(default_factory=list)
    from_occupation: bool = False
    languages: list[tuple[str, str]] = field(default_factory=lambda: [("it", "B1")])
    contract: str = ""
    hours: int | None = None
    positions: int = 1
    remote: bool = False
    programme: str = ""
    opened_days_ago: int = 10
    closes_in_days: int | None = 45


# The internship of scenario 1: the job seeker has four of its five essential skills.
SCENARIO_INTERNSHIP = "Tirocinio: racconto digitale delle botteghe di quartiere"
SCENARIO_ESSENTIAL = [
    ("communicate with customers", 2),
    ("apply social media marketing", 2),
    ("develop digital content", 1),
    ("manage online communications", 1),
    ("web analytics", 1),
]
# What the job seeker learnt to do in the work-design lab (she already talks to customers).
JOB_SEEKER_NEW_SKILLS = [
    ("apply social media marketing", 2),
    ("develop digital content", 2),
    ("manage online communications", 2),
]

OFFERS = [
    # Imballaggi Martesana Srl, Segrate: the company persona's.
    Offer(
        "imballaggi",
        "challenge",
        "Dimezzare i rifiuti da imballaggio",
        "Ogni anno scartiamo 40 tonnellate di film e cartone. Cerchiamo persone e squadre "
        "(anche del Contamination Lab) che ci aiutino a ridisegnare imballi e processi per "
        "dimezzarli entro due anni: sopralluogo in stabilimento, dati di produzione, un "
        "mentor dell'ufficio tecnico.",
        "Segrate",
        "open",
        occupation="sustainability manager",
        essential=[
            ("identify innovative concepts in packaging", 1),
            ("maintain recycling records", 1),
            ("project management", 1),
        ],
        optional=[("maintain waste collection records", 1), ("write work-related reports", 1)],
        programme=PROGRAMME,
        opened_days_ago=20,
        closes_in_days=70,
    ),
    Offer(
        "imballaggi",
        "job",
        "Addetta/o all'ufficio clienti",
        "Gestione degli ordini dei clienti, telefono e posta elettronica, aggiornamento del "
        "gestionale. Part-time al mattino.",
        "Segrate",
        "open",
        occupation="customer service representative",
        essential=[
            ("communicate with customers", 2),
            ("assist customers", 2),
            ("guarantee customer satisfaction", 1),
            ("use spreadsheets software", 1),
        ],
        optional=[("use customer relationship management software", 1)],
        languages=[("it", "B2"), ("en", "A2")],
        contract="determinato",
        hours=25,
        programme=PROGRAMME,
        opened_days_ago=12,
        closes_in_days=40,
    ),
    Offer(
        "imballaggi",
        "job",
        "Magazziniere con gestionale",
        "Ricevimento merci, stoccaggio e preparazione delle spedizioni con il sistema di "
        "gestione del magazzino.",
        "Segrate",
        "filled",
        occupation="raw materials warehouse specialist",
        essential=[
            ("use a warehouse management system", 2),
            ("organise business documents", 1),
            ("adhere to health well-being and safety", 2),
        ],
        optional=[("use spreadsheets software", 1)],
        contract="indeterminato",
        hours=40,
        programme=PROGRAMME,
        opened_days_ago=60,
        closes_in_days=10,
    ),
    Offer(
        "imballaggi",
        "job",
        "Tecnica/o per l'innovazione del packaging",
        "Bozza: da completare con l'ufficio tecnico.",
        "Segrate",
        "draft",
        occupation="packaging production manager",
        contract="determinato",
        hours=40,
        opened_days_ago=0,
        closes_in_days=None,
    ),
    # Botteghe Digitali Srls, Segrate.
    Offer(
        "digitale_segrate",
        "internship",
        SCENARIO_INTERNSHIP,
        "Sei mesi per raccontare online i negozi di vicinato di Segrate: foto, testi, "
        "pagine social, e misurare che cosa funziona. Rimborso spese mensile.",
        "Segrate",
        "open",
        occupation="digital marketing manager",
        essential=SCENARIO_ESSENTIAL,
        optional=[("edit photographs", 1), ("conduct search engine optimisation", 1)],
        languages=[("it", "B2")],
        hours=25,
        programme=PROGRAMME,
        opened_days_ago=8,
        closes_in_days=30,
    ),
    Offer(
        "digitale_segrate",
        "job",
        "Web content manager in apprendistato",
        "Cura dei contenuti dei siti dei nostri clienti, piccoli commercianti e artigiani.",
        "Segrate",
        "open",
        occupation="web content manager",
        from_occupation=True,
        contract="apprendistato",
        hours=40,
        opened_days_ago=15,
        closes_in_days=45,
    ),
    # Logistica Adda Martesana Srl, Pioltello.
    Offer(
        "logistica_adda",
        "job",
        "Operatrice/operatore di magazzino",
        "Turni diurni, gestione delle scorte con terminale palmare. Formazione sulla "
        "sicurezza a carico dell'azienda.",
        "Pioltello",
        "open",
        occupation="warehouse manager",
        essential=[
            ("use a warehouse management system", 1),
            ("maintain logistics databases", 1),
            ("adhere to health well-being and safety", 2),
        ],
        optional=[("organise business documents", 1)],
        contract="somministrazione",
        hours=40,
        positions=3,
        programme=PROGRAMME,
        opened_days_ago=5,
        closes_in_days=25,
    ),
    Offer(
        "logistica_adda",
        "internship",
        "Tirocinio in logistica e gestione delle scorte",
        "Affiancamento al responsabile di magazzino per sei mesi.",
        "Pioltello",
        "open",
        occupation="raw materials warehouse specialist",
        essential=[
            ("use a warehouse management system", 1),
            ("use spreadsheets software", 1),
            ("use methods of logistical data analysis", 1),
        ],
        hours=30,
        programme=PROGRAMME,
        opened_days_ago=3,
        closes_in_days=60,
    ),
    Offer(
        "logistica_adda",
        "job",
        "Impiegata/o amministrativa/o di logistica",
        "Bolle, fatture e documenti di trasporto.",
        "Pioltello",
        "closed",
        occupation="administrative assistant",
        essential=[
            ("organise business documents", 2),
            ("use word processing software", 2),
            ("use spreadsheets software", 2),
        ],
        contract="determinato",
        hours=38,
        opened_days_ago=90,
        closes_in_days=20,
    ),
    # Martesana Software Srl, Cernusco sul Naviglio.
    Offer(
        "martesana_software",
        "job",
        "Sviluppatrice/sviluppatore software junior",
        "Applicazioni gestionali per le PMI del territorio; lavoro ibrido.",
        "Cernusco sul Naviglio",
        "open",
        occupation="software developer",
        from_occupation=True,
        languages=[("it", "B2"), ("en", "B1")],
        contract="apprendistato",
        hours=40,
        remote=True,
        opened_days_ago=18,
        closes_in_days=40,
    ),
    Offer(
        "martesana_software",
        "job",
        "Tecnica/o di help desk",
        "Primo livello di assistenza ai clienti, al telefono e da remoto.",
        "Cernusco sul Naviglio",
        "open",
        occupation="ICT help desk agent",
        from_occupation=True,
        optional=[("communicate with customers", 2)],
        contract="determinato",
        hours=30,
        opened_days_ago=6,
        closes_in_days=30,
    ),
    Offer(
        "martesana_software",
        "internship",
        "Tirocinio: collaudo del software",
        "Prove manuali e automatiche delle nostre applicazioni.",
        "Cernusco sul Naviglio",
        "open",
        occupation="software tester",
        from_occupation=True,
        hours=30,
        opened_days_ago=2,
        closes_in_days=50,
    ),
    # Navigli Web Studio Srls, Cernusco sul Naviglio.
    Offer(
        "navigli_web",
        "job",
        "Specialista SEO da remoto",
        "Posizionamento nei motori di ricerca dei siti di e-commerce dei nostri clienti.",
        None,
        "open",
        occupation="search engine optimisation expert",
        from_occupation=True,
        languages=[("it", "C1"), ("en", "B2")],
        contract="collaborazione",
        hours=20,
        remote=True,
        opened_days_ago=9,
        closes_in_days=None,
    ),
    Offer(
        "navigli_web",
        "job",
        "Sviluppatrice/sviluppatore web",
        "Siti e negozi online per le attività della Martesana.",
        "Cernusco sul Naviglio",
        "closed",
        occupation="web developer",
        from_occupation=True,
        contract="indeterminato",
        hours=40,
        opened_days_ago=120,
        closes_in_days=15,
    ),
    # Supermercati Martesana Srl, Rodano.
    Offer(
        "supermercati_martesana",
        "job",
        "Addetta/o alle vendite, reparto ortofrutta",
        "Allestimento del reparto e servizio ai clienti; part-time su turni.",
        "Rodano",
        "open",
        occupation="sales assistant",
        essential=[
            ("assist customers", 1),
            ("communicate with customers", 1),
            ("identify customer's needs", 1),
        ],
        optional=[("guarantee customer satisfaction", 1)],
        contract="determinato",
        hours=24,
        positions=2,
        programme=PROGRAMME,
        opened_days_ago=7,
        closes_in_days=21,
    ),
    Offer(
        "supermercati_martesana",
        "job",
        "Addetta/o alla cassa e al servizio clienti",
        "Cassa, resi e informazioni ai clienti.",
        "Rodano",
        "filled",
        occupation="shop assistant",
        essential=[
            ("assist customers", 2),
            ("guarantee customer satisfaction", 1),
            ("record customers' personal data", 1),
        ],
        contract="determinato",
        hours=30,
        programme=PROGRAMME,
        opened_days_ago=75,
        closes_in_days=5,
    ),
    # Comune di Segrate.
    Offer(
        "comune_segrate",
        "volunteer",
        "Facilitatrice/facilitatore digitale in biblioteca",
        "Due pomeriggi a settimana ad aiutare i cittadini con SPID, posta elettronica e "
        "servizi online del Comune.",
        "Segrate",
        "open",
        occupation="volunteer mentor",
        essential=[
            ("collaborate through digital technologies", 1),
            ("solve technical problems", 1),
            ("assist customers", 1),
        ],
        optional=[("creatively use digital technologies", 1)],
        hours=6,
        positions=5,
        programme=PROGRAMME,
        opened_days_ago=30,
        closes_in_days=None,
    ),
    Offer(
        "comune_segrate",
        "challenge",
        "Una mappa online dei negozi di vicinato",
        "Il Comune chiede a persone e squadre una mappa aperta e aggiornabile delle botteghe "
        "della città, da costruire con i commercianti.",
        "Segrate",
        "open",
        occupation="web content manager",
        essential=[
            ("develop digital content", 1),
            ("manage data, information and digital content", 1),
        ],
        optional=[("apply social media marketing", 1), ("project management", 1)],
        programme=PROGRAMME,
        opened_days_ago=14,
        closes_in_days=60,
    ),
    # Comune di Vimodrone.
    Offer(
        "comune_vimodrone",
        "volunteer",
        "Volontarie e volontari per lo sportello Lavoro in Comune",
        "Accoglienza e prima informazione a chi cerca lavoro, con le operatrici e gli "
        "operatori del programma.",
        "Vimodrone",
        "open",
        occupation="volunteer mentor",
        essential=[("communicate with customers", 2), ("use word processing software", 1)],
        optional=[("write work-related reports", 1), ("speak different languages", 2)],
        hours=4,
        positions=4,
        programme=PROGRAMME,
        opened_days_ago=25,
        closes_in_days=None,
    ),
    Offer(
        "comune_vimodrone",
        "internship",
        "Tirocinio all'ufficio protocollo",
        "Protocollazione e archiviazione digitale degli atti.",
        "Vimodrone",
        "closed",
        occupation="office clerk",
        essential=[
            ("organise business documents", 1),
            ("use word processing software", 1),
            ("create digital files", 1),
        ],
        hours=25,
        programme=PROGRAMME,
        opened_days_ago=100,
        closes_in_days=30,
    ),
    # Cooperativa Sociale Il Naviglio, Cernusco sul Naviglio.
    Offer(
        "naviglio_coop",
        "volunteer",
        "Volontari per la ciclofficina sociale",
        "Il sabato mattina, per riparare biciclette insieme ai ragazzi del quartiere.",
        "Cernusco sul Naviglio",
        "open",
        occupation="youth worker",
        essential=[("solve technical problems", 1)],
        optional=[("communicate with customers", 1)],
        hours=4,
        positions=6,
        opened_days_ago=40,
        closes_in_days=None,
    ),
    Offer(
        "naviglio_coop",
        "job",
        "Educatrice/educatore per il centro diurno",
        "Bozza in attesa dell'approvazione del consiglio di amministrazione.",
        "Cernusco sul Naviglio",
        "draft",
        occupation="youth worker",
        contract="indeterminato",
        hours=30,
        opened_days_ago=0,
        closes_in_days=None,
    ),
    # Officine Digitali Nord Milano Srl, Cinisello Balsamo.
    Offer(
        "officine_nord",
        "challenge",
        "Contamination Lab: un'app per prenotare le macchine del MakersLab",
        "Una sfida per le squadre del Contamination Lab di HubOut: studenti delle superiori "
        "e coworker come mentor, tre mesi, presentazione finale al MakersLab.",
        "Cinisello Balsamo",
        "open",
        occupation="mobile application developer",
        from_occupation=True,
        programme=HUBOUT,
        opened_days_ago=10,
        closes_in_days=80,
    ),
    Offer(
        "officine_nord",
        "job",
        "Data analyst junior",
        "Analisi dei dati di vendita e dei cruscotti per i clienti del commercio.",
        "Cinisello Balsamo",
        "open",
        occupation="data analyst",
        from_occupation=True,
        languages=[("it", "B2"), ("en", "B1")],
        contract="determinato",
        hours=40,
        opened_days_ago=4,
        closes_in_days=35,
    ),
    Offer(
        "officine_nord",
        "job",
        "Tecnica/o di rete",
        "Bozza.",
        "Cinisello Balsamo",
        "draft",
        occupation="ICT network technician",
        from_occupation=True,
        contract="indeterminato",
        hours=40,
        opened_days_ago=0,
        closes_in_days=None,
    ),
]


def _vat(index: int) -> str:
    """An invented, syntactically valid partita IVA (beyond the network builder's numbers)."""
    base = f"{9900100 + index:07d}015"
    return base + luhn.calc_check_digit(base)


def _municipality(name: str) -> Municipality:
    return Municipality.objects.get(name=name, province__abbreviation="MI")


def _by_label(model_field: str, labels: set[str]) -> dict[str, Any]:
    rows = Label.objects.filter(
        language="en",
        kind=LabelKind.PREFERRED,
        text__in=labels,
        **{f"{model_field}__isnull": False},
    ).select_related(model_field)
    return {row.text: getattr(row, model_field) for row in rows}


def _occupation_skills(occupation: Any) -> list[Skill]:
    """The first essential skills ESCO lists for the occupation (a stable order)."""
    ids = (
        OccupationSkill.objects.filter(occupation=occupation, relation=RelationType.ESSENTIAL)
        .order_by("skill__uri")
        .values_list("skill_id", flat=True)[:FROM_OCCUPATION]
    )
    return list(Skill.objects.filter(pk__in=list(ids)).order_by("uri"))


def build_opportunities(ctx: "DemoContext") -> None:
    """Companies and local bodies of the territory post ~25 opportunities of every kind."""
    orgs = _organisations(ctx)
    if Opportunity.objects.filter(organisation=orgs["imballaggi"]).exists():
        return  # already built
    ctx.log("  companies and local bodies post their opportunities…")
    today = timezone.localdate()
    occupations = _by_label("occupation", {o.occupation for o in OFFERS if o.occupation})
    wanted = {label for o in OFFERS for label, _level in (*o.essential, *o.optional)}
    skills = _by_label("skill", wanted | {label for label, _ in JOB_SEEKER_NEW_SKILLS})
    programmes = {p.slug: p for p in Programme.objects.filter(slug__in=[PROGRAMME, HUBOUT])}
    made: dict[str, Opportunity] = {}
    asked: set[int] = set()
    for offer in OFFERS:
        occupation = occupations.get(offer.occupation)
        essential = [(skills[label], level) for label, level in offer.essential if label in skills]
        if offer.from_occupation and occupation is not None:
            essential += [(skill, 1) for skill in _occupation_skills(occupation)]
        optional = [(skills[label], level) for label, level in offer.optional if label in skills]
        opens_on = today - dt.timedelta(days=offer.opened_days_ago)
        opportunity = services.opportunity_create(
            actor=None,
            organisation=orgs[offer.org],
            kind=offer.kind,
            title=offer.title,
            description=offer.description,
            municipality=_municipality(offer.where) if offer.where else None,
            is_remote=offer.remote,
            occupation=occupation,
            contract_type=offer.contract,
            weekly_hours=offer.hours,
            positions=offer.positions,
            opens_on=opens_on,
            closes_on=today + dt.timedelta(days=offer.closes_in_days)
            if offer.closes_in_days is not None
            else None,
            programme=programmes.get(offer.programme) if offer.programme else None,
            essential=essential,
            optional=[(s, level) for s, level in optional if s not in {e for e, _ in essential}],
            languages=offer.languages,
        )
        if offer.status != OpportunityStatus.DRAFT:
            services.opportunity_publish(actor=None, opportunity=opportunity)
            asked.update(skill.pk for skill, _level in essential)
        if offer.status == OpportunityStatus.CLOSED:
            services.opportunity_close(actor=None, opportunity=opportunity)
        made[offer.title] = opportunity
    _prepare_people(ctx, skills, sorted(asked))
    _hooks(ctx, made)


def _organisations(ctx: "DemoContext") -> dict[str, Organisation]:
    """The network's organisations and the eight added here, with their programme roles."""
    found = dict(ctx.orgs)
    for key in ("imballaggi", "digitale_segrate"):
        if key not in found:
            found[key] = Organisation.objects.get(
                name={
                    "imballaggi": "Imballaggi Martesana Srl",
                    "digitale_segrate": "Botteghe Digitali Srls",
                }[key]
            )
    programmes = {p.slug: p for p in Programme.objects.filter(slug__in=[PROGRAMME, HUBOUT])}
    for index, (key, name, kind, legal_form, where, ateco, roles) in enumerate(ORGANISATIONS):
        vat = _vat(index)
        org = Organisation.objects.filter(vat_number=vat).first()
        if org is None:
            slug = key.replace("_", "-")
            org = organisation_create(
                actor=None,
                name=name,
                kind=kind,
                legal_form=legal_form,
                municipality=_municipality(where),
                vat_number=vat,
                ateco_code=ateco,
                email=f"info@{slug}.example.org",
                website=f"https://{slug}.example.org",
            )
            for slug_, role in roles:
                programme = programmes.get(slug_)
                if (
                    programme is not None
                    and not ProgrammePartner.objects.filter(
                        programme=programme, organisation=org, role=role
                    ).exists()
                ):
                    programme_partner_add(
                        actor=None, programme=programme, organisation=org, role=role
                    )
        found[key] = org
        ctx.orgs[key] = org
    return found


def _prepare_people(ctx: "DemoContext", skills: dict[str, Skill], asked: list[int]) -> None:
    """Skills the opportunities ask for to some of the programme's people; the consent to be
    matched to about 70% of them; the job seeker ready for scenario 1."""
    rng = random.Random(SEED)
    people = list(
        Person.objects.filter(
            email__endswith="@" + PERSON_DOMAIN, enrolments__programme__slug=PROGRAMME
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    held = set(
        PersonSkill.objects.filter(person_id__in=people).values_list("person_id", "skill_id")
    )
    now = timezone.now()
    new_skills = []
    for person_id in people:
        if rng.random() >= EXTRA_SKILLS_SHARE or not asked:
            continue
        for skill_id in rng.sample(asked, min(len(asked), rng.randint(2, 4))):
            if (person_id, skill_id) in held:
                continue
            held.add((person_id, skill_id))
            new_skills.append(
                PersonSkill(
                    person_id=person_id,
                    skill_id=skill_id,
                    level=rng.choice([1, 2, 2, 3]),
                    evidence=SkillEvidence.SELF_DECLARED,
                    added_at=now - dt.timedelta(days=rng.randint(1, 60)),
                )
            )
    insert_rows(PersonSkill, new_skills)
    consenting = set(
        Consent.objects.filter(
            person_id__in=people, purpose=ConsentPurpose.MATCHING, withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    version = current_text(ConsentPurpose.MATCHING).version
    insert_rows(
        Consent,
        [
            Consent(
                person_id=person_id,
                purpose=ConsentPurpose.MATCHING,
                text_version=version,
                given_at=now - dt.timedelta(days=rng.randint(1, 30)),
            )
            for person_id in people
            if person_id not in consenting and rng.random() < MATCHING_SHARE
        ],
    )
    _job_seeker(ctx, skills)


def _job_seeker(ctx: "DemoContext", skills: dict[str, Skill]) -> None:
    """Martina: the skills of the work-design lab, and both consents, through the services."""
    user = (
        ctx.users.get("job_seeker") or User.objects.filter(email="persona@demo.example.org").first()
    )
    record = Person.objects.filter(user=user).first() if user is not None else None
    if record is None:
        return
    tutor = (
        ctx.users.get("operator")
        or User.objects.filter(email="operatrice@demo.example.org").first()
    )
    present = set(record.skills.values_list("skill_id", flat=True))
    for label, level in JOB_SEEKER_NEW_SKILLS:
        skill = skills.get(label)
        if skill is not None and skill.pk not in present:
            person_skill_add(
                actor=tutor,
                person=record,
                skill=skill,
                level=level,
                evidence=SkillEvidence.ASSESSED,
            )
    for purpose in (ConsentPurpose.MATCHING, ConsentPurpose.PROFILE_SHARING):
        consent_give(actor=user, person=record, purpose=purpose)


# --- what the matching and the pipeline add, once they are installed -----------------------


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _hooks(ctx: "DemoContext", made: dict[str, Opportunity]) -> None:
    matching = _optional("lavorete.matching.services")
    pipeline = _optional("lavorete.opportunities.pipeline")
    if pipeline is not None:
        _candidacies(ctx, pipeline, made)
    for title, opportunity in made.items():
        offer = next(o for o in OFFERS if o.title == title)
        opportunity.refresh_from_db()
        if offer.status == OpportunityStatus.FILLED and opportunity.status != offer.status:
            services.opportunity_mark_filled(actor=None, opportunity=opportunity)
    if matching is not None and hasattr(matching, "matches_recompute"):
        matching.matches_recompute()


def _candidacies(ctx: "DemoContext", pipeline: Any, made: dict[str, Opportunity]) -> None:
    """A few candidacies at every step of the pipeline, made as the people, their operator
    and the companies would make them."""
    operator = ctx.users.get("operator") or User.objects.get(email="operatrice@demo.example.org")
    company = ctx.users.get("company") or User.objects.get(
        email="referente.azienda@demo.example.org"
    )
    sharing = set(
        Consent.objects.filter(
            purpose=ConsentPurpose.PROFILE_SHARING,
            withdrawn_at__isnull=True,
            text_version=current_text(ConsentPurpose.PROFILE_SHARING).version,
        ).values_list("person_id", flat=True)
    )
    people = list(
        Person.objects.filter(
            email__endswith="@" + PERSON_DOMAIN,
            enrolments__programme__slug=PROGRAMME,
            enrolments__status="active",
        )
        .order_by("pk")
        .distinct()[:40]
    )
    willing = [p for p in people if p.pk in sharing]
    others = [p for p in people if p.pk not in sharing]
    job_seeker = Person.objects.filter(user__email="persona@demo.example.org").first()

    def step(action: Any, **kwargs: Any) -> Any:
        try:
            return action(**kwargs)
        except ValidationError as exc:  # a step the pipeline refuses is left out, not fatal
            ctx.log(f"    candidacy step skipped: {' '.join(exc.messages)}")
            return None

    def apply_and_share(opportunity: Opportunity, person: Person) -> Any:
        candidacy = step(
            pipeline.candidacy_apply, actor=operator, opportunity=opportunity, person=person
        )
        if candidacy is not None:
            step(pipeline.candidacy_share, actor=operator, candidacy=candidacy)
        return candidacy

    # The company persona's vacancy: every step, so Elena sees anonymised and shared profiles.
    desk = made["Addetta/o all'ufficio clienti"]
    if job_seeker is not None:
        step(
            pipeline.candidacy_propose,
            actor=operator,
            opportunity=desk,
            person=job_seeker,
            message="Ti propongo questa offerta: il part-time al mattino è compatibile "
            "con i tuoi orari.",
        )
    for person in others[:2]:
        step(pipeline.candidacy_suggest, actor=None, opportunity=desk, person=person, score=0.62)
    if others[2:3]:
        step(pipeline.candidacy_apply, actor=operator, opportunity=desk, person=others[2])
    shared = [apply_and_share(desk, person) for person in willing[:3]]
    if shared and shared[0] is not None:
        step(pipeline.candidacy_move, actor=company, candidacy=shared[0], status="interview")
    if len(shared) > 2 and shared[2] is not None:
        step(pipeline.candidacy_move, actor=company, candidacy=shared[2], status="not_selected")
    # The scenario internship: others were suggested; the job seeker applies herself.
    internship = made[SCENARIO_INTERNSHIP]
    for person in others[3:5]:
        step(
            pipeline.candidacy_suggest,
            actor=None,
            opportunity=internship,
            person=person,
            score=0.55,
        )
    # Filled positions: hired through the pipeline, which records the placements.
    for title, hires in (
        ("Magazziniere con gestionale", willing[3:4]),
        ("Addetta/o alla cassa e al servizio clienti", willing[4:5]),
    ):
        opportunity = made[title]
        for candidate in hires:
            candidacy = apply_and_share(opportunity, candidate)
            if candidacy is not None:
                step(pipeline.candidacy_move, actor=operator, candidacy=candidacy, status="hired")
    # The warehouse job in Pioltello: a couple of applications in progress.
    warehouse = made["Operatrice/operatore di magazzino"]
    for person in willing[5:7]:
        candidacy = apply_and_share(warehouse, person)
        if candidacy is not None:
            step(pipeline.candidacy_move, actor=operator, candidacy=candidacy, status="interview")
