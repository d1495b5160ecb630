"""The demo's people: about 400 invented people on their road to work in the Adda Martesana.

'Cittadinanza al lavoro' (Pioltello, Rodano, Segrate, Vimodrone) means to
bring 400 unemployed people back to work. The demo gives it a legal basis,
targets and the standard pathway, three operators with their caseloads, and
about 400 invented people (valid invented codici fiscali, never real people)
taken in since the programme started and spread over every stage and status:
interviews, orientation, coaching and group lab sessions with attendance,
case notes, plans with goals, outcomes (jobs under Italian contract types,
businesses started, training completed) with their 3/6/12-month follow-ups,
a couple of referrals.

The job-seeker persona, the programme set-up and the last fortnight's intakes
go through the services. The history before that is bulk-inserted, because
thousands of rows through the services would make `make run` slow: each row is
what the services would have written had the operators clicked through the
months in date order (a transition chain from the first stage to the
enrolment's stage, gates met before they are passed, the intake snapshot from
`intake_profile`, follow-ups at 3, 6 and 12 months for every job and business).
Only the audit entries are missing: there is no history of clicks to record.
"""

import datetime as dt
import random
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from stdnum.it import codicefiscale

from lavorete.core.audit import log_personal_data_access
from lavorete.core.models import PersonalDataAccess, RoleAssignment, User
from lavorete.core.roles import Role, Scope, ScopeKind
from lavorete.core.services import role_grant, user_create
from lavorete.demo.spaces_demo import insert_rows
from lavorete.network.models import Organisation, Programme, ProgrammeLegalBasis
from lavorete.pathways.models import (
    CATEGORY_FIELDS,
    FOLLOW_UP_MONTHS,
    Attendance,
    CaseNote,
    ContractType,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Gate,
    Goal,
    GoalStatus,
    Outcome,
    OutcomeKind,
    ServiceDelivery,
    ServiceKind,
    ServiceMode,
    Stage,
    StageKind,
    StageTransition,
    TargetKind,
)
from lavorete.pathways.services import (
    case_note_add,
    enrolment_move,
    goal_add,
    intake,
    pathway_template_default,
    plan_agree,
    programme_legal_basis_set,
    programme_target_set,
    referral_create,
    referral_withdraw,
    service_record,
    stage_update,
)
from lavorete.people.consents import current_text
from lavorete.people.models import (
    Category,
    CefrLevel,
    Consent,
    ConsentPurpose,
    EmploymentStatus,
    Gender,
    IscedLevel,
    Person,
    PersonLanguage,
    PersonSkill,
    SkillEvidence,
    SpecialCategoryData,
    months_before,
    years_before,
)
from lavorete.people.services import (
    person_language_set,
    person_skill_add,
    special_data_set,
)
from lavorete.territory.models import Municipality

if TYPE_CHECKING:  # builders imports this module to register its builder
    from lavorete.demo.builders import DemoContext

PROGRAMME = "cittadinanza-al-lavoro"
MAKERS_PROGRAMME = "hubout"
PEOPLE = 400  # the job seeker persona included
PERSON_DOMAIN = "persone.example.org"
# The last days' intakes go through the services, as an operator would today.
RECENT_DAYS = 14
# The people's own random source: what other builders draw doesn't change who they are.
SEED = 4_20261122

TOWNS = [("Pioltello", 0.45), ("Segrate", 0.25), ("Vimodrone", 0.18), ("Rodano", 0.12)]

# Other operators of the programme, beside the operator persona: name, e-mail, caseload share.
OPERATORS = [
    ("Davide Mapelli", "davide.mapelli@arti-mestieri.example.org"),
    ("Amina Haddad", "amina.haddad@ripari.example.org"),
]
CASELOAD_SHARES = (0.44, 0.30, 0.26)  # persona first

TARGETS: list[tuple[str, str, int]] = [
    (TargetKind.REACHED, "", 400),
    (TargetKind.REACHED, Category.WOMAN, 200),
    (TargetKind.REACHED, Category.RETURNING_MOTHER, 40),
    (TargetKind.REACHED, Category.NEET, 80),
    (TargetKind.REACHED, Category.OVER_50, 60),
    (TargetKind.REACHED, Category.MIGRANT, 100),
    (TargetKind.REACHED, Category.LONG_TERM_UNEMPLOYED, 150),
    (TargetKind.PLACEMENTS, "", 70),
    (TargetKind.PLACEMENTS, Category.WOMAN, 35),
    (TargetKind.COMPLETIONS, "", 120),
    (TargetKind.BUSINESSES, "", 20),
]

# --- invented names ------------------------------------------------------------------------


def _names(text: str) -> list[str]:
    return text.split(", ")


ITALIAN_WOMEN = _names(
    "Giulia, Francesca, Chiara, Sara, Martina, Valentina, Federica, Alessia, Silvia, Elisa, "
    "Laura, Paola, Roberta, Simona, Cristina, Monica, Daniela, Barbara, Elena, Anna, Maria, "
    "Rosa, Angela, Teresa, Giovanna, Antonella, Patrizia, Manuela, Veronica, Serena, Ilaria, "
    "Noemi, Aurora, Sofia, Giorgia, Beatrice, Alice, Camilla, Rebecca, Marta, Arianna, "
    "Debora, Tiziana, Lucia, Carmela, Concetta, Nunzia, Loredana"
)
ITALIAN_MEN = _names(
    "Marco, Luca, Andrea, Matteo, Alessandro, Davide, Simone, Federico, Stefano, Roberto, "
    "Paolo, Giuseppe, Antonio, Francesco, Giovanni, Salvatore, Vincenzo, Massimo, Fabio, "
    "Claudio, Mauro, Maurizio, Sergio, Daniele, Emanuele, Riccardo, Lorenzo, Tommaso, "
    "Gabriele, Nicola, Pietro, Michele, Raffaele, Cristian, Mattia, Filippo, Diego, Alberto, "
    "Enrico, Gianluca, Domenico, Carmine, Ivan, Walter, Dario, Giorgio"
)
ITALIAN_SURNAMES = _names(
    "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, "
    "Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, "
    "Fontana, Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone, Longo, "
    "Gentile, Martinelli, Vitale, Lombardo, Serra, Coppola, De Santis, D'Angelo, Marchetti, "
    "Parisi, Villa, Conte, Ferraro, Ferri, Fabbri, Bianco, Marini, Grasso, Valentini, "
    "Messina, Sala, De Angelis, Gatti, Pellegrini, Palumbo, Sanna, Farina, Rizzi, Monti, "
    "Cattaneo, Morelli, Amato, Silvestri, Mazza, Testa, Grassi, Pellegrino, Carbone, "
    "Giuliani, Benedetti, Barone, Brambilla, Sironi, Fumagalli, Crippa, Mauri, Cazzaniga, "
    "Bonfanti, Riva, Galbiati, Redaelli, Longoni, Perego, Viganò, Pirovano, Radaelli, "
    "Tagliabue, Spinelli"
)
# Country of birth: codice fiscale place code (Z + country), first names, surnames, language.
MIGRANT_ORIGINS: list[tuple[str, list[str], list[str], list[str], str, float]] = [
    (
        "Z330",  # Morocco
        _names("Fatima, Khadija, Amina, Salma, Nadia, Meryem, Houda"),
        _names("Mohamed, Youssef, Hicham, Rachid, Karim, Mustapha, Omar"),
        _names(
            "El Amrani, Benali, Bouzid, Chakir, El Idrissi, Haddou, Lahlou, Naciri, Ouahbi, Tazi"
        ),
        "ar",
        0.22,
    ),
    (
        "Z129",  # Romania
        _names("Ioana, Elena, Andreea, Mihaela, Alina, Florentina"),
        _names("Ionut, Andrei, Mihai, Florin, Bogdan, Cristian"),
        _names("Popescu, Ionescu, Dumitru, Stoica, Constantin, Munteanu, Georgescu, Marin"),
        "ro",
        0.16,
    ),
    (
        "Z100",  # Albania
        _names("Elona, Anisa, Ermira, Blerina, Klodiana"),
        _names("Arben, Ermal, Besnik, Gentian, Dritan"),
        _names("Hoxha, Shehu, Dervishi, Krasniqi, Leka, Gjoka, Bregu"),
        "sq",
        0.1,
    ),
    (
        "Z336",  # Egypt
        _names("Mariam, Yasmine, Nour, Heba"),
        _names("Ahmed, Mahmoud, Mostafa, Tarek, Amr"),
        _names("Abdelrahman, Hassan, Mansour, Farouk, Saleh, Ibrahim"),
        "ar",
        0.12,
    ),
    (
        "Z611",  # Peru
        _names("Rosa, Milagros, Carmen, Flor, Liliana"),
        _names("Jorge, Luis, Carlos, Wilmer, Cesar"),
        _names("Quispe, Huaman, Flores, Mamani, Rojas, Vargas, Chavez"),
        "es",
        0.1,
    ),
    (
        "Z216",  # Philippines
        _names("Maricel, Jocelyn, Analyn, Rowena"),
        _names("Jerome, Ronaldo, Mark, Joel"),
        _names("Santos, Reyes, Dela Cruz, Bautista, Mendoza, Villanueva"),
        "tl",
        0.08,
    ),
    (
        "Z343",  # Senegal
        _names("Awa, Fatou, Mariama, Aminata"),
        _names("Mamadou, Ousmane, Cheikh, Ibrahima, Moussa"),
        _names("Diop, Ndiaye, Fall, Sow, Gueye, Faye"),
        "wo",
        0.1,
    ),
    (
        "Z138",  # Ukraine
        _names("Olena, Iryna, Oksana, Natalia, Tetiana"),
        _names("Oleksandr, Andriy, Serhiy, Dmytro"),
        _names("Kovalenko, Shevchenko, Bondarenko, Tkachenko, Melnyk, Kravchenko"),
        "uk",
        0.12,
    ),
]
ITALIAN_BIRTHPLACES = [
    ("F205", 0.45),  # Milano
    ("G686", 0.1),  # Pioltello
    ("I577", 0.06),  # Segrate
    ("C523", 0.04),  # Cernusco sul Naviglio
    ("C895", 0.04),  # Cologno Monzese
    ("F839", 0.07),  # Napoli
    ("G273", 0.05),  # Palermo
    ("A662", 0.04),  # Bari
    ("C351", 0.04),  # Catania
    ("D643", 0.03),  # Foggia
    ("H224", 0.03),  # Reggio di Calabria
    ("E506", 0.03),  # Lecce
    ("D086", 0.02),  # Cosenza
]

# --- what people know ----------------------------------------------------------------------

# ESCO preferred labels (English) from the shipped subset, by the kind of work.
SKILLS = [
    "communicate with customers",
    "assist customers",
    "identify customer's needs",
    "guarantee customer satisfaction",
    "use spreadsheets software",
    "use word processing software",
    "use presentation software",
    "create digital files",
    "organise business documents",
    "use a warehouse management system",
    "apply social media marketing",
    "adhere to health well-being and safety",
    "develop digital content",
    "collaborate through digital technologies",
    "manage online communications",
    "write work-related reports",
    "use customer relationship management software",
    "record customers' personal data",
    "prospect new customers",
    "creatively use digital technologies",
    "solve technical problems",
    "project management",
    "speak different languages",
]
EDUCATION = [
    (IscedLevel.ISCED_1, 0.03, ""),
    (IscedLevel.ISCED_2, 0.28, "Licenza media"),
    (IscedLevel.ISCED_3, 0.42, ""),
    (IscedLevel.ISCED_4, 0.05, "Corso IFTS"),
    (IscedLevel.ISCED_5, 0.03, "Diploma ITS Academy"),
    (IscedLevel.ISCED_6, 0.11, ""),
    (IscedLevel.ISCED_7, 0.08, ""),
]
DIPLOMAS = [
    "Diploma di ragioneria",
    "Qualifica di operatore della ristorazione",
    "Diploma di liceo linguistico",
    "Qualifica di operatore amministrativo",
    "Diploma di perito informatico",
    "Diploma di liceo scientifico",
    "Qualifica di acconciatore",
]
DEGREES = [
    "Laurea in economia aziendale",
    "Laurea in scienze dell'educazione",
    "Laurea in lingue e letterature straniere",
    "Laurea in architettura",
    "Laurea in scienze politiche",
]

# --- what happens on the road ---------------------------------------------------------------

# Days a person usually spends in each stage before the next move.
STAGE_DAYS: dict[str, tuple[int, int]] = {
    StageKind.INTAKE: (4, 15),
    StageKind.ORIENTATION: (14, 40),
    StageKind.WORK_DESIGN: (28, 56),
    StageKind.TRAINING: (45, 100),
    StageKind.PROJECT_LAB: (90, 160),
    StageKind.JOB_SEARCH: (30, 150),
    StageKind.PLACED: (88, 100),  # until the 3-month follow-up
    StageKind.FOLLOW_UP: (25, 60),  # then the file is closed
}
# Who leaves the pathway at each stage: few right after intake, nobody once placed.
DROP_CHANCE: dict[str, float] = {
    StageKind.INTAKE: 0.04,
    StageKind.PLACED: 0.0,
    StageKind.FOLLOW_UP: 0.0,
}
ROUTES: dict[str, list[str]] = {
    # Lab and training, then job search.
    "job": [
        StageKind.INTAKE,
        StageKind.ORIENTATION,
        StageKind.WORK_DESIGN,
        StageKind.TRAINING,
        StageKind.JOB_SEARCH,
        StageKind.PLACED,
        StageKind.FOLLOW_UP,
    ],
    # Ready for work: straight from orientation to the search.
    "direct": [
        StageKind.INTAKE,
        StageKind.ORIENTATION,
        StageKind.JOB_SEARCH,
        StageKind.PLACED,
        StageKind.FOLLOW_UP,
    ],
    # An idea of their own: the project lab, then the business.
    "business": [
        StageKind.INTAKE,
        StageKind.ORIENTATION,
        StageKind.WORK_DESIGN,
        StageKind.PROJECT_LAB,
        StageKind.PLACED,
        StageKind.FOLLOW_UP,
    ],
}
DROP_REASONS = [
    "Trasferimento fuori dall'ambito.",
    "Motivi familiari: non riesce a seguire gli incontri.",
    "Non più reperibile dopo tre tentativi di contatto.",
    "Ha trovato lavoro da solo e non desidera proseguire.",
    "Ha scelto di riprendere gli studi.",
]
SUSPEND_REASONS = [
    "Problemi di salute, riprende tra qualche settimana.",
    "Lavoro stagionale per due mesi.",
    "Assistenza a un familiare.",
]
CONTRACTS = [
    (ContractType.FIXED_TERM, 0.34),
    (ContractType.PERMANENT, 0.14),
    (ContractType.APPRENTICESHIP, 0.12),
    (ContractType.TRAINEESHIP, 0.18),
    (ContractType.AGENCY, 0.16),
    (ContractType.COLLABORATION, 0.06),
]
# Employers: partner organisations of the demo territory, or other invented local businesses.
PARTNER_EMPLOYERS = ["imballaggi", "digitale_segrate", "ripari", "arti_mestieri"]
OTHER_EMPLOYERS = [
    "Logistica Est Milano Srl",
    "Supermercati Martesana Spa",
    "Trattoria Il Ponte di Rodano",
    "Pulizie Brillanti Soc. Coop.",
    "Farmacia del Satellite",
    "Officina Meccanica Vimodrone Snc",
    "Residenza per anziani Il Glicine",
    "Hotel Segrate Business",
]
JOBS = [
    "Magazziniere",
    "Addetta alle vendite",
    "Operatore di linea",
    "Addetto alle pulizie",
    "Impiegata amministrativa",
    "Aiuto cuoco",
    "Assistente alla persona",
    "Receptionist",
    "Tecnico di supporto informatico",
    "Carrellista",
]
BUSINESSES = [
    "Sartoria e riparazioni a domicilio",
    "Servizio di catering etnico",
    "Laboratorio di pasticceria",
    "Consulenza per piccoli lavori di casa",
    "Negozio online di artigianato",
    "Servizi di social media per negozi di quartiere",
    "Servizio di babysitting organizzato",
]
COURSES = [
    "Corso HACCP per alimentaristi",
    "Corso per carrellisti con patentino",
    "Competenze digitali di base",
    "Italiano per il lavoro (livello B1)",
    "Corso di contabilità di base",
    "Corso ASA, assistente socio-assistenziale",
]
GOALS_BY_ROUTE = {
    "job": [
        ("Aggiornare il curriculum", "Rivederlo insieme al tutor e caricarlo sul profilo."),
        ("Completare il corso di formazione", "Frequentare almeno l'80% delle lezioni."),
        ("Candidarsi ad almeno cinque offerte al mese", "Anche tramite le agenzie del territorio."),
        ("Prepararsi ai colloqui", "Due simulazioni di colloquio con il tutor."),
    ],
    "direct": [
        ("Aggiornare il curriculum", "Rivederlo insieme al tutor e caricarlo sul profilo."),
        ("Candidarsi ad almeno cinque offerte al mese", "Anche tramite le agenzie del territorio."),
        ("Iscriversi a due agenzie per il lavoro", ""),
    ],
    "business": [
        ("Scrivere il business plan", "Con il supporto del laboratorio di progetto."),
        ("Verificare i requisiti per aprire la partita IVA", ""),
        ("Trovare i primi tre clienti", "Partendo dalla rete del laboratorio."),
    ],
}
NOTES = {
    "intake": [
        "Primo colloquio svolto. Motivata a rimettersi in gioco; chiede orari compatibili con "
        "la famiglia.",
        "Primo colloquio svolto. Esperienza pregressa nel commercio; interesse per la logistica.",
        "Primo colloquio svolto. Cerca un lavoro vicino a casa, senza auto.",
        "Primo colloquio svolto. Buone competenze digitali, poca esperienza lavorativa.",
    ],
    "later": [
        "Partecipa con regolarità agli incontri di gruppo.",
        "Concordato di rivedere il curriculum prima del prossimo incontro.",
        "Segnalate due offerte di lavoro compatibili con il profilo.",
        "Ha chiesto informazioni sul coworking di Cinisello.",
        "Colloquio telefonico di aggiornamento, nessuna novità.",
        "Il percorso procede come previsto.",
    ],
}
FOLLOW_UP_NOTES = {
    True: ["Contratto in corso, si trova bene.", "Ancora in servizio.", "Rinnovo in vista."],
    False: ["Contratto terminato, torna in ricerca attiva.", "Ha lasciato il lavoro."],
}


# --- invented identities -------------------------------------------------------------------


def _letters(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.upper() if c.isalpha())


def _name_code(value: str, *, first_name: bool) -> str:
    letters = _letters(value)
    consonants = [c for c in letters if c not in "AEIOU"]
    vowels = [c for c in letters if c in "AEIOU"]
    if first_name and len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return ("".join(consonants + vowels) + "XXX")[:3]


def invented_tax_code(first: str, last: str, birth: dt.date, female: bool, place: str) -> str:
    """A codice fiscale built by the official rules, check character from python-stdnum."""
    day = birth.day + (40 if female else 0)
    base = (
        _name_code(last, first_name=False)
        + _name_code(first, first_name=True)
        + f"{birth.year % 100:02d}"
        + "ABCDEHLMPRST"[birth.month - 1]
        + f"{day:02d}"
        + place
    )
    return base + codicefiscale.calc_check_digit(base)


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware instant on `day`, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day."""
    return months_before(day, -months)


# --- the builder ----------------------------------------------------------------------------


def build_people(ctx: "DemoContext") -> None:
    """People of 'Cittadinanza al lavoro': ~400 pathways at every stage, caseloads, outcomes."""
    programme = ctx.programmes.get(PROGRAMME) or Programme.objects.get(slug=PROGRAMME)
    _set_up_programme(programme)
    stages = {s.kind: s for s in Stage.objects.filter(programme=programme)}
    operators = _operators(ctx, programme)
    _job_seeker(ctx, programme, operators[0])
    if Person.objects.filter(email__endswith="@" + PERSON_DOMAIN).exists():
        return  # the people and their months are already there
    ctx.log("  inventing the people of the Adda Martesana and their pathways…")
    world = _World(
        ctx=ctx,
        rng=random.Random(SEED),
        today=timezone.localdate(),
        programme=programme,
        stages=stages,
        operators=operators,
        coordinator=ctx.users.get("coordinator"),
    )
    world.invent_people()
    world.walk_pathways()
    world.write()
    world.referrals()
    world.recent_intakes()


def _set_up_programme(programme: Programme) -> None:
    """Legal basis, targets and the standard pathway (its project lab needs an approval)."""
    # The lead is a social cooperative: participants take part on their consent.
    programme_legal_basis_set(
        actor=None, programme=programme, legal_basis=ProgrammeLegalBasis.CONSENT
    )
    existing = set(programme.targets.values_list("kind", "category"))
    for kind, category, value in TARGETS:
        if (kind, category) not in existing:
            programme_target_set(
                actor=None, programme=programme, kind=kind, category=category, value=value
            )
    if Stage.objects.filter(programme=programme).exists():
        return
    for stage in pathway_template_default(actor=None, programme=programme):
        if stage.kind == StageKind.PROJECT_LAB:
            # A business idea gets the lab's mentors once a coordinator approves it.
            stage_update(
                actor=None, stage=stage, name=stage.name, kind=stage.kind, gate=Gate.APPROVAL
            )


def _operators(ctx: "DemoContext", programme: Programme) -> list[User]:
    """The operator persona (also the officer for health data) and two colleagues."""
    scope = Scope(ScopeKind.PROGRAMME, programme.pk)
    found: list[User] = []
    persona = ctx.users.get("operator") or User.objects.get(email="operatrice@demo.example.org")
    found.append(persona)
    for full_name, email in OPERATORS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(actor=None, email=email, full_name=full_name, email_verified=True)
        found.append(user)
    grants = [(user, Role.OPERATOR) for user in found] + [(persona, Role.SPECIAL_DATA_OFFICER)]
    for user, role in grants:
        if not RoleAssignment.objects.filter(
            user=user, role=role, scope_kind=ScopeKind.PROGRAMME, scope_id=programme.pk
        ).exists():
            role_grant(actor=None, user=user, role=role, scope=scope)
    return found


def _job_seeker(ctx: "DemoContext", programme: Programme, tutor: User) -> None:
    """The job-seeker persona: her record, linked to her login, in the work-design lab with an
    agreed plan, all through the services her operator uses."""
    user = ctx.users.get("job_seeker")
    if user is None or Person.objects.filter(user=user).exists():
        return
    today = timezone.localdate()
    enrolled_on = today - dt.timedelta(days=45)
    birth = dt.date(1991, 4, 17)
    enrolment = intake(
        actor=tutor,
        programme=programme,
        tutor=tutor,
        consents=[
            ConsentPurpose.PROGRAMME,
            ConsentPurpose.PROFILE_SHARING,
            ConsentPurpose.NEWSLETTER,
        ],
        enrolled_on=enrolled_on,
        user=user,
        first_name="Martina",
        last_name="Esposito",
        email=user.email,
        tax_code=invented_tax_code("Martina", "Esposito", birth, True, "F839"),
        birth_date=birth,
        gender=Gender.FEMALE,
        residence=Municipality.objects.get(name="Pioltello", province__abbreviation="MI"),
        education_level=IscedLevel.ISCED_3,
        education_title="Diploma di tecnico dei servizi commerciali",
        employment_status=EmploymentStatus.UNEMPLOYED,
        employment_status_since=months_before(today, 20),
        is_returning_mother=True,
        hours_per_week=25,
        mobility_km=15,
        driving_licence=True,
    )
    record = enrolment.person
    person_language_set(actor=tutor, person=record, language="it", level=CefrLevel.NATIVE)
    person_language_set(actor=tutor, person=record, language="en", level=CefrLevel.B1)
    skills = _skills_by_label()
    for label, level, evidence in [
        ("communicate with customers", 3, SkillEvidence.ASSESSED),
        ("use spreadsheets software", 2, SkillEvidence.SELF_DECLARED),
        ("organise business documents", 3, SkillEvidence.SELF_DECLARED),
    ]:
        if label in skills:
            person_skill_add(
                actor=tutor, person=record, skill=skills[label], level=level, evidence=evidence
            )
    attended = [(enrolment, True)]
    for day, kind, minutes in [
        (enrolled_on, ServiceKind.INTERVIEW, 60),
        (enrolled_on + dt.timedelta(days=12), ServiceKind.ORIENTATION, 60),
        (today - dt.timedelta(days=6), ServiceKind.ASSESSMENT, 90),
    ]:
        service_record(
            actor=tutor,
            programme=programme,
            kind=kind,
            mode=ServiceMode.INDIVIDUAL,
            held_on=day,
            duration_minutes=minutes,
            operator=tutor,
            attendances=attended,
        )
    case_note_add(
        actor=tutor,
        enrolment=enrolment,
        text="Primo colloquio svolto. Rientra dopo la maternità, cerca un part-time vicino a "
        "casa; esperienza come commessa e in segreteria.",
    )
    stages = {s.kind: s for s in Stage.objects.filter(programme=programme)}
    enrolment_move(actor=tutor, enrolment=enrolment, to_stage=stages[StageKind.ORIENTATION])
    enrolment_move(actor=tutor, enrolment=enrolment, to_stage=stages[StageKind.WORK_DESIGN])
    for title, description, days in [
        ("Aggiornare il curriculum", "Rivederlo insieme alla tutor.", 14),
        ("Completare il laboratorio di work design", "", 40),
        ("Candidarsi ad almeno cinque offerte al mese", "Part-time, vicino a casa.", 120),
    ]:
        goal_add(
            actor=tutor,
            enrolment=enrolment,
            title=title,
            description=description,
            due_on=today + dt.timedelta(days=days),
        )
    plan_agree(actor=tutor, enrolment=enrolment, on=today - dt.timedelta(days=3))
    _date_her_history(record, enrolment, tutor, enrolled_on, today)


def _date_her_history(
    record: Person, enrolment: Any, tutor: User, enrolled_on: dt.date, today: dt.date
) -> None:
    """Her six weeks happened over six weeks: date the moves, the note and her tutor's reads
    of her file as they were recorded then (the services stamp them with the present)."""
    zone = timezone.get_current_timezone()

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)

    moments = [enrolled_on, enrolled_on + dt.timedelta(days=12), today - dt.timedelta(days=6)]
    for transition, day in zip(enrolment.transitions.order_by("pk"), moments, strict=False):
        StageTransition.objects.filter(pk=transition.pk).update(at=at(day, 11))
    enrolment.notes.update(created_at=at(enrolled_on, 12))
    enrolment.goals.update(created_at=at(today - dt.timedelta(days=3), 10))
    path = reverse("pathways:person_file", kwargs={"person_pk": record.pk})
    for day in moments:
        access = log_personal_data_access(
            actor=tutor,
            subject=record,
            fields=["first_name", "last_name", "birth_date", "employment_status", "case_notes"],
            path=path,
            purpose="Following the pathway",
        )
        PersonalDataAccess.objects.filter(pk=access.pk).update(created_at=at(day, 10))


# The fields of a person's record the demo invents (what an intake form asks).
RECORD_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "tax_code",
    "birth_date",
    "gender",
    "residence",
    "education_level",
    "education_title",
    "employment_status",
    "employment_status_since",
    "is_neet",
    "is_returning_mother",
    "is_migrant",
    "hours_per_week",
    "mobility_km",
    "driving_licence",
)


# --- the bulk history -----------------------------------------------------------------------


def _skills_by_label() -> dict[str, Any]:
    from lavorete.skills.models import Label, LabelKind

    labels = Label.objects.filter(
        language="en", kind=LabelKind.PREFERRED, text__in=SKILLS, skill__isnull=False
    ).select_related("skill")
    return {label.text: label.skill for label in labels}


@dataclass
class _Profile:
    """An invented person and their road, before any row is written."""

    person: Person
    enrolled_on: dt.date
    tutor: User
    route: str
    disability: bool = False
    special: dict[str, Any] = field(default_factory=dict)
    languages: list[tuple[str, str]] = field(default_factory=list)
    skills: list[tuple[str, int, str]] = field(default_factory=list)
    consents: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    # (day, from stage kind, to stage kind, from status, to status, reason)
    moves: list[tuple[dt.date, str | None, str, str, str, str]] = field(default_factory=list)
    stage: str = StageKind.INTAKE
    status: str = EnrolmentStatus.ACTIVE
    ended_on: dt.date | None = None
    plan_agreed_on: dt.date | None = None
    # (day, kind, minutes) of individual services
    services: list[tuple[dt.date, str, int]] = field(default_factory=list)
    notes: list[tuple[dt.date, str]] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    outcomes: list[tuple[Outcome, list[FollowUp]]] = field(default_factory=list)
    enrolment: Enrolment = field(init=False)  # set when written

    def stage_on(self, day: dt.date) -> tuple[str | None, str]:
        """The stage and status on `day` (None before the enrolment)."""
        stage: str | None = None
        status = ""
        for when, _from, to, _fs, to_status, _reason in self.moves:
            if when > day:
                break
            stage, status = to, to_status
        return stage, status


@dataclass
class _World:
    ctx: "DemoContext"
    rng: random.Random
    today: dt.date
    programme: Programme
    stages: dict[str, Stage]
    operators: list[User]
    coordinator: User | None
    profiles: list[_Profile] = field(default_factory=list)
    recent: list[_Profile] = field(default_factory=list)
    tax_codes: set[str] = field(default_factory=set)
    towns: dict[str, Municipality] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)

    @property
    def first_day(self) -> dt.date:
        # Up to eighteen months of history, never before the programme started.
        earliest = self.today - dt.timedelta(days=548)
        return max(self.programme.start_date or earliest, earliest)

    # --- people ------------------------------------------------------------------------------

    def invent_people(self) -> None:
        self.towns = {
            m.name: m
            for m in Municipality.objects.filter(
                name__in=[t for t, _w in TOWNS], province__abbreviation="MI"
            )
        }
        self.orgs = {key: self.ctx.orgs[key] for key in PARTNER_EMPLOYERS}
        span = (self.today - self.first_day).days
        for number in range(PEOPLE - 1):
            # More intakes in the first months, when the programme went looking for people.
            offset = int(span * (self.rng.random() ** 1.25))
            enrolled_on = self.first_day + dt.timedelta(days=min(offset, span))
            profile = self._invent(number, enrolled_on)
            if (self.today - enrolled_on).days < RECENT_DAYS:
                self.recent.append(profile)
            else:
                self.profiles.append(profile)
        self.profiles.sort(key=lambda p: (p.enrolled_on, p.person.email))
        self.recent.sort(key=lambda p: (p.enrolled_on, p.person.email))

    def _invent(self, number: int, enrolled_on: dt.date) -> _Profile:
        rng = self.rng
        migrant = rng.random() < 0.3
        roll = rng.random()
        if roll < 0.2:
            age = rng.randint(18, 29)
        elif roll < 0.3:
            age = rng.randint(25, 29)
        elif roll < 0.78:
            age = rng.randint(30, 49)
        else:
            age = rng.randint(50, 63)
        gender_roll = rng.random()
        if gender_roll < 0.56:
            gender, female = Gender.FEMALE, True
        elif gender_roll < 0.98:
            gender, female = Gender.MALE, False
        else:
            gender = rng.choice([Gender.NON_BINARY, Gender.UNDISCLOSED])
            female = rng.random() < 0.5
        birth = years_before(enrolled_on, age) - dt.timedelta(days=rng.randint(1, 360))
        if migrant:
            place, women, men, surnames, tongue, _w = _pick(
                rng, [(origin, origin[-1]) for origin in MIGRANT_ORIGINS]
            )
            first = rng.choice(women if female else men)
            last = rng.choice(surnames)
        else:
            place = _pick(rng, ITALIAN_BIRTHPLACES)
            first = rng.choice(ITALIAN_WOMEN if female else ITALIAN_MEN)
            last = rng.choice(ITALIAN_SURNAMES)
            tongue = "it"
        tax_code = invented_tax_code(first, last, birth, female, place)
        while tax_code in self.tax_codes:  # two invented twins: move one birthday
            birth -= dt.timedelta(days=1)
            tax_code = invented_tax_code(first, last, birth, female, place)
        self.tax_codes.add(tax_code)
        neet = age < 30 and rng.random() < 0.55
        mother = female and 27 <= age <= 46 and not neet and rng.random() < 0.28
        status_roll = rng.random()
        if mother:
            status = rng.choice([EmploymentStatus.INACTIVE, EmploymentStatus.UNEMPLOYED])
        elif neet:
            status = rng.choice([EmploymentStatus.UNEMPLOYED, EmploymentStatus.INACTIVE])
        elif status_roll < 0.84:
            status = EmploymentStatus.UNEMPLOYED
        elif status_roll < 0.9:
            status = EmploymentStatus.INACTIVE
        elif status_roll < 0.95:
            status = EmploymentStatus.EMPLOYED  # a few hours a week: looking for more
        elif status_roll < 0.98:
            status = EmploymentStatus.SELF_EMPLOYED
        else:
            status = EmploymentStatus.STUDENT
        months_out = int(rng.triangular(1, 48, 5))
        since = max(months_before(enrolled_on, months_out), years_before(birth, -17))
        level, _w, title = _pick(rng, [(row, row[1]) for row in EDUCATION])
        if level == IscedLevel.ISCED_3:
            title = rng.choice(DIPLOMAS)
        elif level in (IscedLevel.ISCED_6, IscedLevel.ISCED_7):
            title = rng.choice(DEGREES)
        if neet and level > IscedLevel.ISCED_3:
            level, title = IscedLevel.ISCED_3, rng.choice(DIPLOMAS)
        town = _pick(rng, TOWNS)
        local = f"{_letters(first).lower()}.{_letters(last).lower()}.{number + 1}"
        person = Person(
            first_name=first,
            last_name=last,
            email=f"{local}@{PERSON_DOMAIN}",
            tax_code=tax_code,
            birth_date=birth,
            gender=gender,
            residence=self.towns[town],
            education_level=level,
            education_title=title,
            employment_status=status,
            employment_status_since=since,
            is_neet=neet,
            is_returning_mother=mother,
            is_migrant=migrant,
            hours_per_week=rng.choice([20, 20, 25, 30, 30, 36, 38, 40, 40, 40]),
            mobility_km=rng.choice([5, 10, 10, 15, 20, 25, 30, 50]),
            driving_licence=rng.random() < (0.35 if migrant else 0.7),
        )
        tutor = _pick(rng, list(zip(self.operators, CASELOAD_SHARES, strict=True)))
        profile = _Profile(
            person=person,
            enrolled_on=enrolled_on,
            tutor=tutor,
            route=_pick(rng, [("job", 0.62), ("direct", 0.28), ("business", 0.1)]),
        )
        if rng.random() < 0.035:
            percentage = rng.choice([46, 50, 67, 75, 80])
            profile.disability = True
            profile.special = {
                "has_disability": True,
                "disability_percentage": percentage,
                "protected_category_l68": True,
                "health_notes": rng.choice(
                    [
                        "Evitare lavori con carichi pesanti.",
                        "Postazione di lavoro senza stazione eretta prolungata.",
                        "Orario part-time consigliato.",
                    ]
                ),
            }
        profile.languages = self._languages(tongue, migrant, level)
        profile.skills = [
            (label, rng.choice([1, 2, 2, 3, 3, 4]), SkillEvidence.SELF_DECLARED)
            for label in rng.sample(SKILLS, rng.randint(2, 5))
        ]
        withdrawn = enrolled_on + dt.timedelta(days=rng.randint(10, 200))
        profile.consents = [(ConsentPurpose.PROGRAMME, enrolled_on, None)]
        if rng.random() < 0.65:
            profile.consents.append((ConsentPurpose.PROFILE_SHARING, enrolled_on, None))
        if rng.random() < 0.35:
            gone = withdrawn if rng.random() < 0.2 and withdrawn < self.today else None
            profile.consents.append((ConsentPurpose.NEWSLETTER, enrolled_on, gone))
        return profile

    def _languages(self, tongue: str, migrant: bool, level: str) -> list[tuple[str, str]]:
        rng = self.rng
        result: list[tuple[str, str]] = [(tongue, CefrLevel.NATIVE)]
        if migrant:
            result.append(
                (
                    "it",
                    rng.choice(
                        [
                            CefrLevel.A1,
                            CefrLevel.A2,
                            CefrLevel.A2,
                            CefrLevel.B1,
                            CefrLevel.B1,
                            CefrLevel.B2,
                            CefrLevel.C1,
                        ]
                    ),
                )
            )
            if tongue in ("ar", "wo") and rng.random() < 0.6:
                result.append(("fr", rng.choice([CefrLevel.B1, CefrLevel.B2, CefrLevel.C1])))
        educated = level >= IscedLevel.ISCED_3
        if rng.random() < (0.7 if educated else 0.3) and tongue != "en":
            result.append(
                (
                    "en",
                    rng.choice(
                        [CefrLevel.A1, CefrLevel.A2, CefrLevel.B1, CefrLevel.B2, CefrLevel.C1]
                    ),
                )
            )
        if not migrant and rng.random() < 0.12:
            result.append(
                (rng.choice(["fr", "es", "de"]), rng.choice([CefrLevel.A2, CefrLevel.B1]))
            )
        return result

    # --- the road ---------------------------------------------------------------------------

    def walk_pathways(self) -> None:
        for profile in self.profiles:
            self._walk(profile)

    def _walk(self, p: _Profile) -> None:
        rng = self.rng
        today = self.today
        route = ROUTES[p.route]
        day = p.enrolled_on
        p.moves.append((day, None, StageKind.INTAKE, "", EnrolmentStatus.ACTIVE, ""))
        p.services.append((day, ServiceKind.INTERVIEW, rng.choice([45, 60])))
        p.notes.append((day, rng.choice(NOTES["intake"])))
        suspended_once = False
        for position, kind in enumerate(route):
            low, high = STAGE_DAYS[kind]
            stay = rng.randint(low, high)
            if kind == StageKind.JOB_SEARCH and rng.random() < 0.45:
                stay += rng.randint(60, 240)  # a long search
            leave = day + dt.timedelta(days=stay)
            self._during(p, kind, day, min(leave, today))
            # Some stop for a while, some leave.
            if not suspended_once and rng.random() < 0.06 and kind != StageKind.PLACED:
                suspended_once = True
                pause = day + dt.timedelta(days=rng.randint(3, max(4, stay - 1)))
                if pause >= today:
                    return
                p.moves.append(
                    (
                        pause,
                        kind,
                        kind,
                        EnrolmentStatus.ACTIVE,
                        EnrolmentStatus.SUSPENDED,
                        rng.choice(SUSPEND_REASONS),
                    )
                )
                p.status = EnrolmentStatus.SUSPENDED
                back = pause + dt.timedelta(days=rng.randint(30, 100))
                if back >= today:
                    return
                p.moves.append(
                    (back, kind, kind, EnrolmentStatus.SUSPENDED, EnrolmentStatus.ACTIVE, "")
                )
                p.status = EnrolmentStatus.ACTIVE
                leave = back + dt.timedelta(days=rng.randint(low, high))
            if leave >= today:
                return
            if rng.random() < DROP_CHANCE.get(kind, 0.06):
                p.moves.append(
                    (
                        leave,
                        kind,
                        kind,
                        EnrolmentStatus.ACTIVE,
                        EnrolmentStatus.DROPPED,
                        rng.choice(DROP_REASONS),
                    )
                )
                p.status, p.ended_on = EnrolmentStatus.DROPPED, leave
                return
            if kind == StageKind.TRAINING and rng.random() < 0.12:
                # Training done, back to school or a longer course: the pathway is complete.
                p.moves.append(
                    (
                        leave,
                        kind,
                        kind,
                        EnrolmentStatus.ACTIVE,
                        EnrolmentStatus.COMPLETED,
                        "Percorso concluso con la formazione.",
                    )
                )
                p.status, p.ended_on = EnrolmentStatus.COMPLETED, leave
                return
            if position + 1 == len(route):
                p.moves.append(
                    (
                        leave,
                        kind,
                        kind,
                        EnrolmentStatus.ACTIVE,
                        EnrolmentStatus.COMPLETED,
                        "Percorso concluso: inserimento confermato.",
                    )
                )
                p.status, p.ended_on = EnrolmentStatus.COMPLETED, leave
                return
            following = route[position + 1]
            self._enter(p, following, leave)
            p.moves.append(
                (leave, kind, following, EnrolmentStatus.ACTIVE, EnrolmentStatus.ACTIVE, "")
            )
            p.stage = following
            day = leave

    def _enter(self, p: _Profile, kind: str, day: dt.date) -> None:
        """What must be true before `kind` is entered (its gate), and what entering it records."""
        rng = self.rng
        gate = self.stages[kind].gate
        if gate == Gate.ASSESSMENT:
            p.services.append(
                (day - dt.timedelta(days=rng.randint(1, 5)), ServiceKind.ASSESSMENT, 90)
            )
        planned = gate == Gate.PLAN or kind in (StageKind.JOB_SEARCH, StageKind.PROJECT_LAB)
        if planned and p.plan_agreed_on is None:
            p.plan_agreed_on = day - dt.timedelta(days=rng.randint(1, 7))
            self._goals(p, p.plan_agreed_on)
        if kind == StageKind.PLACED:
            self._outcome(p, day)

    def _during(self, p: _Profile, kind: str, start: dt.date, end: dt.date) -> None:
        """Individual services and notes while in a stage (group sessions come later)."""
        rng = self.rng
        if end <= start:
            return
        span = (end - start).days
        if kind == StageKind.ORIENTATION:
            for _n in range(rng.randint(1, 2)):
                p.services.append(
                    (start + dt.timedelta(days=rng.randint(1, span)), ServiceKind.ORIENTATION, 60)
                )
        elif kind in (StageKind.JOB_SEARCH, StageKind.PROJECT_LAB, StageKind.TRAINING):
            for _n in range(rng.randint(0, 2) + span // 45):
                p.services.append(
                    (
                        start + dt.timedelta(days=rng.randint(1, span)),
                        ServiceKind.COACHING,
                        rng.choice([30, 45, 60]),
                    )
                )
        if rng.random() < 0.45:
            p.notes.append(
                (start + dt.timedelta(days=rng.randint(0, span)), rng.choice(NOTES["later"]))
            )
        if kind == StageKind.TRAINING and end < self.today and rng.random() < 0.75:
            outcome = Outcome(
                kind=OutcomeKind.TRAINING,
                start_date=end,
                description=rng.choice(COURSES),
                recorded_by=p.tutor,
                created_at=_at(end, 16),
            )
            p.outcomes.append((outcome, []))

    def _goals(self, p: _Profile, agreed: dt.date) -> None:
        rng = self.rng
        for title, description in rng.sample(GOALS_BY_ROUTE[p.route], rng.randint(2, 3)):
            due = agreed + dt.timedelta(days=rng.randint(30, 120))
            status, closed = GoalStatus.OPEN, None
            if due < self.today:
                status = GoalStatus.ACHIEVED if rng.random() < 0.75 else GoalStatus.DROPPED
                closed = min(due - dt.timedelta(days=rng.randint(0, 20)), self.today)
                closed = max(closed, agreed)
            p.goals.append(
                Goal(
                    title=title,
                    description=description,
                    due_on=due,
                    status=status,
                    closed_on=closed,
                    created_by=p.tutor,
                    created_at=_at(agreed, 11),
                )
            )

    def _outcome(self, p: _Profile, day: dt.date) -> None:
        rng = self.rng
        if p.route == "business":
            outcome = Outcome(
                kind=OutcomeKind.SELF_EMPLOYMENT,
                start_date=day,
                description=rng.choice(BUSINESSES),
                weekly_hours=rng.choice([None, 30, 40]),
                recorded_by=p.tutor,
                created_at=_at(day, 15),
            )
        else:
            contract = _pick(rng, CONTRACTS)
            employer = None
            employer_name = ""
            if self.orgs and rng.random() < 0.35:
                employer = self.orgs[rng.choice(sorted(self.orgs))]
            else:
                employer_name = rng.choice(OTHER_EMPLOYERS)
            outcome = Outcome(
                kind=OutcomeKind.JOB,
                employer=employer,
                employer_name=employer_name,
                contract_type=contract,
                start_date=day,
                weekly_hours=rng.choice([20, 24, 30, 36, 38, 40, 40]),
                description=rng.choice(JOBS),
                recorded_by=p.tutor,
                created_at=_at(day, 15),
            )
        follow_ups = []
        for months in FOLLOW_UP_MONTHS:
            due = months_after(day, months)
            follow_up = FollowUp(months=months, due_on=due, assigned_to=p.tutor)
            if due <= self.today - dt.timedelta(days=3) and rng.random() < 0.78:
                done = min(
                    due + dt.timedelta(days=rng.randint(0, 12)), self.today - dt.timedelta(days=1)
                )
                still = rng.random() < 0.85
                follow_up.done_at = _at(done, 12)
                follow_up.done_by = p.tutor
                follow_up.still_in_work = still
                follow_up.note = rng.choice(FOLLOW_UP_NOTES[still])
            follow_ups.append(follow_up)
        p.outcomes.append((outcome, follow_ups))

    # --- writing ------------------------------------------------------------------------------

    def write(self) -> None:
        profiles = self.profiles
        persons = []
        for p in profiles:
            p.person.created_by = p.tutor
            p.person.created_at = _at(p.enrolled_on, 9, 30)
            persons.append(p.person)
        Person.objects.bulk_create(persons, batch_size=200)
        insert_rows(
            SpecialCategoryData,
            [
                SpecialCategoryData(
                    person=p.person,
                    updated_by=p.tutor,
                    updated_at=_at(p.enrolled_on, 9, 50),
                    **p.special,
                )
                for p in profiles
                if p.special
            ],
        )
        skills = _skills_by_label()
        insert_rows(
            PersonLanguage,
            [
                PersonLanguage(person=p.person, language=code, level=level)
                for p in profiles
                for code, level in p.languages
            ],
        )
        insert_rows(
            PersonSkill,
            [
                PersonSkill(
                    person=p.person,
                    skill=skills[label],
                    level=level,
                    evidence=evidence,
                    added_at=_at(p.enrolled_on, 10),
                )
                for p in profiles
                for label, level, evidence in p.skills
                if label in skills
            ],
        )
        insert_rows(
            Consent,
            [
                Consent(
                    person=p.person,
                    purpose=purpose,
                    text_version=current_text(purpose).version,
                    given_at=_at(given, 9, 45),
                    recorded_by=p.tutor,
                    withdrawn_at=_at(gone, 18) if gone else None,
                )
                for p in profiles
                for purpose, given, gone in p.consents
            ],
        )
        enrolments = []
        for p in profiles:
            p.enrolment = Enrolment(
                person=p.person,
                programme=self.programme,
                tutor=p.tutor,
                stage=self.stages[p.stage],
                status=p.status,
                enrolled_on=p.enrolled_on,
                ended_on=p.ended_on,
                plan_agreed_on=p.plan_agreed_on,
                created_by=p.tutor,
                created_at=_at(p.enrolled_on, 10),
                **self._snapshot(p),
            )
            enrolments.append(p.enrolment)
        Enrolment.objects.bulk_create(enrolments, batch_size=200)
        insert_rows(StageTransition, list(self._transitions()))
        insert_rows(
            CaseNote,
            [
                CaseNote(enrolment=p.enrolment, author=p.tutor, text=text, created_at=_at(day, 17))
                for p in profiles
                for day, text in p.notes
            ],
        )
        goals = []
        for p in profiles:
            for goal in p.goals:
                goal.enrolment = p.enrolment
                goals.append(goal)
        insert_rows(Goal, goals)
        outcomes = []
        for p in profiles:
            for outcome, _follow_ups in p.outcomes:
                outcome.enrolment = p.enrolment
                outcomes.append(outcome)
        Outcome.objects.bulk_create(outcomes, batch_size=200)
        follow_ups = []
        for p in profiles:
            for outcome, items in p.outcomes:
                for item in items:
                    item.outcome = outcome
                    follow_ups.append(item)
        insert_rows(FollowUp, follow_ups)
        self._services()

    def _snapshot(self, p: _Profile) -> dict[str, Any]:
        """What `intake_profile` gives for the person on the enrolment day, from memory."""
        categories = p.person.categories(p.enrolled_on, disability=p.disability)
        return {
            "municipality_id": p.person.residence_id,
            **{name: code in categories for code, name in CATEGORY_FIELDS.items()},
        }

    def _transitions(self) -> Iterator[StageTransition]:
        for p in self.profiles:
            for index, (day, from_kind, to_kind, from_status, to_status, reason) in enumerate(
                p.moves
            ):
                approval = (
                    self.coordinator
                    if from_kind != to_kind and self.stages[to_kind].gate == Gate.APPROVAL
                    else None
                )
                yield StageTransition(
                    enrolment=p.enrolment,
                    from_stage=self.stages[from_kind] if from_kind else None,
                    to_stage=self.stages[to_kind],
                    from_status=from_status,
                    to_status=to_status,
                    reason=reason,
                    approved_by=approval,
                    by=p.tutor,
                    at=_at(day, 10, min(index, 59)),
                )

    def _services(self) -> None:
        """Individual services one by one; group sessions each week, per operator, for whoever
        is in the lab's stage that day."""
        rng = self.rng
        deliveries: list[ServiceDelivery] = []
        attendees: list[list[tuple[Enrolment, bool]]] = []
        for p in self.profiles:
            for day, kind, minutes in p.services:
                if day > self.today:
                    continue
                deliveries.append(
                    ServiceDelivery(
                        programme=self.programme,
                        kind=kind,
                        mode=ServiceMode.INDIVIDUAL,
                        title="",
                        held_on=day,
                        duration_minutes=minutes,
                        operator=p.tutor,
                        created_at=_at(day, 18),
                    )
                )
                attendees.append([(p.enrolment, True)])
        labs = [
            (StageKind.WORK_DESIGN, ServiceKind.LAB_SESSION, "Laboratorio di work design", 1, 180),
            (
                StageKind.PROJECT_LAB,
                ServiceKind.LAB_SESSION,
                "Laboratorio di progetto d'impresa",
                3,
                150,
            ),
            (
                StageKind.JOB_SEARCH,
                ServiceKind.WORKSHOP,
                "Workshop di ricerca attiva del lavoro",
                2,
                120,
            ),
        ]
        first = self.first_day
        for stage_kind, kind, title, weekday, minutes in labs:
            day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
            step = 7 if stage_kind != StageKind.JOB_SEARCH else 14
            while day < self.today:
                by_tutor: dict[int, list[tuple[Enrolment, bool]]] = defaultdict(list)
                for p in self.profiles:
                    stage, status = p.stage_on(day)
                    if stage == stage_kind and status == EnrolmentStatus.ACTIVE:
                        by_tutor[p.tutor.pk].append((p.enrolment, rng.random() < 0.87))
                for operator in self.operators:
                    group = by_tutor.get(operator.pk)
                    if group and len(group) >= 2:
                        deliveries.append(
                            ServiceDelivery(
                                programme=self.programme,
                                kind=kind,
                                mode=ServiceMode.GROUP,
                                title=title,
                                held_on=day,
                                duration_minutes=minutes,
                                operator=operator,
                                created_at=_at(day, 18),
                            )
                        )
                        attendees.append(group)
                day += dt.timedelta(days=step)
        ServiceDelivery.objects.bulk_create(deliveries, batch_size=200)
        insert_rows(
            Attendance,
            [
                Attendance(delivery=delivery, enrolment=enrolment, present=present)
                for delivery, group in zip(deliveries, attendees, strict=True)
                for enrolment, present in group
            ],
        )

    # --- the last fortnight, through the services ------------------------------------------

    def recent_intakes(self) -> None:
        """The last days' intakes, registered and enrolled by their operators as they came."""
        skills = _skills_by_label()
        for p in self.recent:
            person = p.person
            fields = {name: getattr(person, name) for name in RECORD_FIELDS}
            enrolment = intake(
                actor=p.tutor,
                programme=self.programme,
                tutor=p.tutor,
                consents=[purpose for purpose, _given, _gone in p.consents],
                enrolled_on=p.enrolled_on,
                **fields,
            )
            record = enrolment.person
            if p.special:
                special_data_set(actor=p.tutor, person=record, **p.special)
            for code, cefr in p.languages:
                person_language_set(actor=p.tutor, person=record, language=code, level=cefr)
            for label, level, evidence in p.skills:
                if label in skills:
                    person_skill_add(
                        actor=p.tutor,
                        person=record,
                        skill=skills[label],
                        level=level,
                        evidence=evidence,
                    )
            service_record(
                actor=p.tutor,
                programme=self.programme,
                kind=ServiceKind.INTERVIEW,
                mode=ServiceMode.INDIVIDUAL,
                held_on=p.enrolled_on,
                duration_minutes=60,
                operator=p.tutor,
                attendances=[(enrolment, True)],
            )
            case_note_add(actor=p.tutor, enrolment=enrolment, text=self.rng.choice(NOTES["intake"]))
            if (self.today - p.enrolled_on).days >= 7:
                enrolment_move(
                    actor=p.tutor,
                    enrolment=enrolment,
                    to_stage=self.stages[StageKind.ORIENTATION],
                )

    def referrals(self) -> None:
        """Two people the persona operator proposed to the MakersLab of Cinisello, with their
        consent; one of them changed their mind."""
        hubout = Programme.objects.filter(slug=MAKERS_PROGRAMME).first()
        makers = self.ctx.orgs.get("makers")
        if hubout is None or makers is None:
            return
        searching = [
            p
            for p in self.profiles
            if p.tutor == self.operators[0]
            and p.stage == StageKind.JOB_SEARCH
            and p.status == EnrolmentStatus.ACTIVE
        ]
        for p, withdrawn in zip(searching[:2], (False, True), strict=False):
            referral = referral_create(
                actor=p.tutor,
                enrolment=p.enrolment,
                to_programme=hubout,
                to_organisation=makers,
                reason="Interesse per la fabbricazione digitale: il MakersLab offre un percorso "
                "di formazione sulla stampa 3D e il taglio laser.",
                person_consents=True,
            )
            if withdrawn:
                referral_withdraw(
                    actor=p.tutor,
                    referral=referral,
                    note="Ha trovato un corso più vicino a casa.",
                )
