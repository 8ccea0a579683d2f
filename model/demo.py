"""The demo: a deterministic generator, filled in on first start.

Everything is laid out around `anchor` (the day the demo is made): the Brøndby team's intensive
week runs in the anchor's week (next week's, planned, on a Saturday or Sunday), its cards as far as
the week has come by `now`; "Uge 39 – Brøndby" as the story tells it lies closed in the history, in
the last ISO week 39 before the anchor's week, with its placements, follow-ups, the monthly
sparring sessions after it and a repeat with another focus. Around them lies the year before the
anchor: Energi til hinanden in Esbjerg (200 young people, 20 companies, a comparison group),
earlier sprints, the map of the housing areas, company events and the quarter's goals. Tags and
industries use TAG_VOCABULARY. The same seed, anchor and now give the same rows (only the running
week depends on the time of day). Run `python -m model.demo --reset` to wipe and fill it again.
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from model import audit, auth, clock, goals, sprints
from model.clock import LOCAL_TZ
from model.db import write_session
from model.tables import (
    AgendaItem,
    Citizen,
    Company,
    ComparisonGroup,
    Contact,
    Event,
    EventParticipant,
    FollowUp,
    FollowUpCadence,
    Goal,
    HousingArea,
    HousingAreaFigure,
    Initiative,
    Outcome,
    Partner,
    Partnership,
    Placement,
    Progression,
    RetentionPolicy,
    Sprint,
    SprintCard,
    SprintConsultant,
    Staff,
    StageChange,
    Team,
)

SEED = 39
DEMO_MARK = "[DEMO]"
STV_TEAM = "STV-teamet, Jobcenter Brøndby"
UGE39_NAME = "Uge 39 – Brøndby"

# Wishes and qualifications (tags on citizens) and company industries share one lower-case
# Danish vocabulary, so the matching and the training-need summary find each other: a wish is
# an industry, a qualification a certificate or trade.
TAG_VOCABULARY: dict[str, tuple[str, ...]] = {
    "industries": ("lager og logistik", "byggeri", "rengøring", "detail", "kantine og køkken",
                   "transport", "pleje og omsorg", "industri", "café", "grønne områder",
                   "ejendomsservice", "kontor", "auto og mekanik", "genbrug og affald"),
    "qualifications": ("truckcertifikat", "kørekort b", "kørekort c", "hygiejnebevis",
                       "svejsecertifikat", "sikkerhedskursus", "sosu-hjælper", "murer", "tømrer",
                       "maler", "dansk 2", "førstehjælp"),
}
# The qualification an industry usually asks for (as model/areas.py TRAINING_NEEDS): wishing
# for the industry without it calls for further training.
USUAL_QUALIFICATION = {
    "lager og logistik": "truckcertifikat", "transport": "kørekort c",
    "kantine og køkken": "hygiejnebevis", "byggeri": "sikkerhedskursus",
    "industri": "svejsecertifikat", "pleje og omsorg": "sosu-hjælper", "rengøring": "kørekort b",
}

FIRST_NAMES = [
    "Aisha", "Ali", "Amalie", "Anders", "Ayse", "Bashir", "Camilla", "Dennis", "Emine", "Fatima",
    "Frederik", "Hassan", "Ida", "Jamal", "Jonas", "Kasper", "Laila", "Lars", "Mads", "Maria",
    "Mette", "Mohammed", "Nadia", "Omar", "Rasmus", "Sara", "Sofie", "Tobias", "Yasmin", "Zainab",
]
LAST_NAMES = [
    "Andersen", "Benali", "Christensen", "Demir", "Hansen", "Hussein", "Jensen", "Karimi",
    "Larsen", "Madsen", "Nielsen", "Olsen", "Pedersen", "Rasmussen", "Sørensen", "Thomsen",
    "Yilmaz", "Ahmadi", "Kristensen", "Poulsen",
]
STAFF_NAMES = [
    "Birgitte Holm", "Søren Dahl", "Mona Kjær", "Tariq Aziz", "Lene Vestergaard", "Peter Lund",
    "Hanne Friis", "Kim Bach",
]
COMPANIES = [
    ("Strandens Bageri ApS", "detail", "samarbejdsaftale"),
    ("Vestegnens VVS ApS", "byggeri", "partnerskabsaftale"),
    ("Kirkebjerg Lager A/S", "lager og logistik", "virksomhedscenter"),
    ("Park Allé Plejecenter", "pleje og omsorg", "virksomhedscenter"),
    ("Brøndby Kantine & Café", "kantine og køkken", "samarbejdsaftale"),
    ("Søndre Vej Autoværksted", "auto og mekanik", "none"),
    ("Grøn Have Anlæg", "grønne områder", "samarbejdsaftale"),
    ("Vestvolden Rengøring ApS", "rengøring", "partnerskabsaftale"),
    ("Nørregårds Kontorservice", "kontor", "none"),
    ("Byggeriets Genbrug ApS", "genbrug og affald", "samarbejdsaftale"),
    ("Strand Café", "café", "none"),
    ("Boligselskabets Ejendomskontor", "ejendomsservice", "partnerskabsaftale"),
]
# Secured per day of uge 39 (Tuesday to Friday): 3, 7, 7, 4 = 21 of 24.
SECURED_PER_DAY = {1: 3, 2: 7, 3: 7, 4: 4}
DEMO_ACCOUNTS = [
    ("admin", "admin", None),
    ("leder", "leader", "Maja Rosendahl"),
    ("konsulent", "consultant", STAFF_NAMES[0]),
    ("konsulent-fredericia", "consultant", "Jesper Mølgaard"),
    ("sagsbehandler", "caseworker", "Jette Brandt"),
    ("mentor", "mentor", "Ole Svendsen"),
    ("skaerm", "screen", None),
]


def cvr_with_check(rng: random.Random) -> str:
    """A random 8-digit number that passes the CVR modulus-11 check."""
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        rest = sum(d * w for d, w in zip(digits, weights)) % 11
        check = (11 - rest) % 11
        if check < 10:
            return "".join(map(str, digits + [check]))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def _initials(name: str) -> str:
    parts = name.split()
    return (parts[0][0] + parts[-1][0]).upper()


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_monday(anchor: date) -> date:
    """Monday of the running intensive week: the anchor's ISO week, the next one on a weekend."""
    monday = _monday(anchor)
    return monday + timedelta(days=7) if anchor.weekday() >= 5 else monday


def uge39_monday(anchor: date) -> date:
    """Monday of the last ISO week 39 that ended before the anchor's week began."""
    begun = _monday(anchor)
    monday = date.fromisocalendar(begun.isocalendar().year, 39, 1)
    if monday + timedelta(days=4) >= begun:
        monday = date.fromisocalendar(monday.year - 1, 39, 1)
    return monday


def generate(session: Session, seed: int = SEED, anchor: date | None = None,
             now: datetime | None = None) -> dict[str, int]:
    """Add the demo rows to an empty database; the same seed, anchor and now give the same rows.

    `anchor` is the day the demo is made (today by default), `now` the moment (the clock's by
    default): nothing that happened lies after it.
    """
    rng = random.Random(seed)
    anchor = anchor or clock.today()
    # The moves of the running week stop at now, and at the end of the anchor's day.
    until = min(now or clock.now(), _at(anchor + timedelta(days=1), 0))
    monday = uge39_monday(anchor)
    friday = monday + timedelta(days=4)
    team = Team(name=STV_TEAM)
    session.add(team)
    session.flush()

    stv = Initiative(name="STV", description=f"{DEMO_MARK} Særligt Tilrettelagt Virksomhedsforløb",
                     start_date=date(monday.year, 1, 1),
                     end_date=date(week_monday(anchor).year + 1, 12, 31),
                     funder="Styrelsen for Arbejdsmarked og Rekruttering")
    area = HousingArea(name="Brøndby Strand", municipality="Brøndby")
    session.add_all([stv, area])
    session.flush()

    consultants = [Staff(name=n, initials=_initials(n), role="consultant", team_id=team.id)
                   for n in STAFF_NAMES]
    others = [Staff(name="Maja Rosendahl", initials="MR", role="leader", team_id=team.id),
              Staff(name="Jette Brandt", initials="JB", role="caseworker", team_id=team.id),
              Staff(name="Ole Svendsen", initials="OS", role="mentor", team_id=team.id)]
    session.add_all(consultants + others)
    session.flush()

    companies = [Company(name=n, cvr=cvr_with_check(rng), industry=i, municipality="Brøndby",
                         agreement_kind=a, contact_person=f"{rng.choice(FIRST_NAMES)} "
                         f"{rng.choice(LAST_NAMES)}", housing_supplier=rng.random() < 0.3,
                         agreement_since=None if a == "none"
                         else anchor - timedelta(days=rng.randint(30, 700)))
                 for n, i, a in COMPANIES]
    session.add_all(companies)
    session.flush()

    used: set[tuple[str, str]] = set()

    def new_citizen(consultant: Staff) -> Citizen:
        while True:
            name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            if name not in used:
                used.add(name)
                break
        citizen = Citizen(
            first_name=name[0], last_name=name[1], birth_year=rng.randint(1968, 2000),
            target_group="aktivitetsparat kontanthjælp", benefit_type="kontanthjaelp",
            match_group=rng.choice([2, 3]), housing_area_id=area.id, team_id=team.id,
            initiative_id=stv.id, consultant_id=consultant.id,
            wishes=rng.sample(["lager og logistik", "kantine og køkken", "rengøring",
                               "pleje og omsorg", "detail", "byggeri"], 2),
            qualifications=rng.sample(["truckcertifikat", "hygiejnebevis", "kørekort b",
                                       "dansk 2"], 1),
        )
        session.add(citizen)
        return citizen

    # Closed by the leader the Monday after the wrap-up, or on the Friday when that is yet to come.
    closed_at = _at(friday + timedelta(days=3), 9, 30)
    uge39 = Sprint(name=UGE39_NAME, team_id=team.id, start_date=monday, end_date=friday,
                   goal_count=16,
                   focus="Virksomhedsrettede forløb til aktivitetsparate kontanthjælpsmodtagere",
                   kind="intensive_week", status="closed",
                   closed_at=closed_at if closed_at <= until else _at(friday, 16))
    session.add(uge39)
    session.flush()
    for offset, part, title in sprints.PROGRAMME_TEMPLATE:
        session.add(AgendaItem(sprint_id=uge39.id, day=monday + timedelta(days=offset),
                               part=part, title=title))

    cards: list[tuple[SprintCard, Staff, Citizen]] = []
    for consultant in consultants:
        session.add(SprintConsultant(sprint_id=uge39.id, staff_id=consultant.id))
        for _ in range(3):
            citizen = new_citizen(consultant)
            session.flush()
            card = SprintCard(sprint_id=uge39.id, citizen_id=citizen.id,
                              consultant_id=consultant.id)
            session.add(card)
            cards.append((card, consultant, citizen))
    session.flush()

    placements: list[Placement] = []
    order = list(range(len(cards)))
    rng.shuffle(order)
    secured_day = {}
    position = 0
    for day, n in SECURED_PER_DAY.items():
        for index in order[position:position + n]:
            secured_day[index] = day
        position += n
    # The three who were not secured: two still in dialogue, one parked with a reason.
    unsecured = order[position:]
    for index, (card, consultant, citizen) in enumerate(cards):
        moves = [("selected", _at(monday, 9, rng.randint(0, 50))),
                 ("clarified", _at(monday, rng.randint(12, 15), rng.randint(0, 59)))]
        company = rng.choice(companies)
        if index in secured_day:
            day = secured_day[index]
            dialogue_day = monday + timedelta(days=max(1, day - rng.randint(0, 1)))
            moves.append(("dialogue", _at(dialogue_day, rng.randint(9, 11), rng.randint(0, 59))))
            moves.append(("secured", _at(monday + timedelta(days=day),
                                         rng.randint(12, 15), rng.randint(0, 59))))
        elif index == unsecured[-1]:
            moves.append(("parked", _at(monday + timedelta(days=2), 14)))
            card.park_reason = "Sygdom i ugen – tages op i månedlig sparring"
            company = None
        else:
            moves.append(("dialogue", _at(monday + timedelta(days=3), 10)))
        previous = None
        for stage, at in moves:
            session.add(StageChange(card_id=card.id, from_stage=previous, to_stage=stage,
                                    changed_at=at, changed_by=consultant.id))
            previous = stage
        card.stage, card.stage_since = previous, moves[-1][1]
        card.company_id = company.id if company else None
        card.version = len(moves)
        if previous == "secured":
            kind = rng.choice(["virksomhedspraktik"] * 3 + ["ordinaere_timer", "loentilskud"])
            start = monday + timedelta(days=7 + rng.randint(0, 7))
            placement = Placement(citizen_id=citizen.id, company_id=company.id,
                                  consultant_id=consultant.id, kind=kind, start_date=start,
                                  planned_end_date=start + timedelta(weeks=rng.choice([4, 8, 13])),
                                  hours_per_week=rng.choice([10, 15, 20, 25]), status="active",
                                  sprint_id=uge39.id, created_at=moves[-1][1])
            session.add(placement)
            session.flush()
            card.placement_id = placement.id
            placements.append(placement)
        _contacts_about_card(session, rng, card, consultant, company, monday, anchor)

    for _, _, citizen in cards:
        first = rng.randint(2, 5)
        session.add(Progression(citizen_id=citizen.id, measured_at=monday, score=first))
        latest = max(friday, anchor - timedelta(days=7))
        session.add(Progression(citizen_id=citizen.id, measured_at=latest,
                                score=min(10, first + rng.randint(0, 3))))
    placements += _pocket_money_jobs(session, rng, team, area, companies, anchor)
    placements += _fredericia(session, rng, anchor)
    _outreach(session, rng, companies, consultants, anchor)
    with session.no_autoflush:  # one flush for all, not one per cadence look-up
        for placement in placements:
            _follow_through(session, rng, placement, anchor)
    session.flush()
    _grow(session, seed, anchor)
    week = _running_week(_World(session, random.Random(f"{seed}:week"), anchor), until)
    return {"team_id": team.id, "uge39_id": uge39.id, "week_id": week.id}


def _new_name(rng: random.Random, used: set[tuple[str, str]]) -> tuple[str, str]:
    while True:
        name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        if name not in used:
            used.add(name)
            return name


# Outcome of a finished placement, roughly as the evaluations report it.
RESULT_WEIGHTS = {"ordinary_job": 35, "education": 10, "continued_placement": 25,
                  "back_on_benefits": 20, "other": 10}
OUTCOME_OF_RESULT = {"ordinary_job": "job", "education": "education",
                     "continued_placement": "job_with_benefits", "back_on_benefits": "benefits",
                     "other": "other"}
FOLLOW_UP_NOTES = ["Godt i gang, trives på arbejdspladsen", "Talt med kontaktperson – alt vel",
                   "Aftalt faste mødetider", "Arbejdstøj og nøglebrik på plads",
                   "Borgeren vil gerne have flere timer", "Lidt fravær; aftalt ny plan"]


def _follow_through(session: Session, rng: random.Random, placement: Placement,
                    anchor: date) -> None:
    """Status, follow-up plan, end result and outcome measurements of a demo placement."""
    cadence = session.get(FollowUpCadence, placement.kind) or session.get(FollowUpCadence,
                                                                          "default")
    end = placement.planned_end_date
    if placement.start_date > anchor:
        placement.status = "planned"
    elif end is not None and end < anchor:
        broken = rng.random() < 0.15
        placement.status = "broken_off" if broken else "completed"
        placement.actual_end_date = end - timedelta(days=rng.randint(5, 20)) if broken else end
        if placement.kind == "lommepengejob":
            placement.result = "continued_placement" if rng.random() < 0.4 else "other"
        else:
            placement.result = rng.choices(list(RESULT_WEIGHTS),
                                           weights=list(RESULT_WEIGHTS.values()))[0]
    else:
        placement.status = "active"
    stop = placement.actual_end_date
    for days in cadence.days:
        due = placement.start_date + timedelta(days=days)
        if stop is not None and due > stop:
            break
        done = due < anchor and rng.random() < 0.85
        session.add(FollowUp(placement_id=placement.id, due_date=due,
                             done_at=_at(due, rng.randint(9, 15), rng.randint(0, 59)) if done
                             else None,
                             done_by=placement.consultant_id if done else None,
                             note=rng.choice(FOLLOW_UP_NOTES) if done else ""))
    for months in (3, 6, 12):
        measured = placement.start_date + timedelta(days=round(30.44 * months))
        if measured > anchor or placement.kind == "lommepengejob":
            continue
        status = OUTCOME_OF_RESULT.get(placement.result or "", "job_with_benefits")
        if rng.random() < 0.2:
            status = rng.choice(["job", "benefits", "education"])
        session.add(Outcome(citizen_id=placement.citizen_id, measured_at=measured,
                            months_after_start=months, status=status))


def _contacts_about_card(session: Session, rng: random.Random, card: SprintCard,
                         consultant: Staff, company: Company | None, monday: date,
                         anchor: date) -> None:
    """The outreach during uge 39 (from `monday`) that moved a card; open next steps for those
    still in dialogue."""
    if company is None:
        return
    for i in range(rng.randint(1, 3)):
        day = monday + timedelta(days=rng.randint(1, 4))
        outcome = "placement_agreed" if card.stage == "secured" and i == 0 else "interested"
        session.add(Contact(company_id=company.id, staff_id=consultant.id,
                            citizen_id=card.citizen_id, contacted_at=_at(day, rng.randint(9, 15)),
                            channel=rng.choice(["phone", "phone", "visit", "meeting"]),
                            outcome=outcome, note="Talt om et konkret match"))
    if card.stage == "dialogue":
        session.add(Contact(company_id=company.id, staff_id=consultant.id,
                            citizen_id=card.citizen_id, contacted_at=_at(anchor - timedelta(days=6), 10),
                            channel="phone", outcome="interested",
                            note="Virksomheden vender tilbage efter ledermøde",
                            next_step="Ring igen om opstart",
                            next_step_date=anchor + timedelta(days=rng.choice([-1, 0, 2]))))


def _outreach(session: Session, rng: random.Random, companies: list[Company],
              consultants: list[Staff], anchor: date) -> None:
    """General outreach over the past months; some companies with agreements not lately."""
    for index, company in enumerate(companies):
        # Every fourth company has not been contacted for a long while.
        latest = rng.randint(70, 150) if index % 4 == 3 else rng.randint(1, 40)
        for back in sorted(rng.sample(range(latest, latest + 200), 3), reverse=True):
            session.add(Contact(company_id=company.id, staff_id=rng.choice(consultants).id,
                                contacted_at=_at(anchor - timedelta(days=back), rng.randint(9, 15)),
                                channel=rng.choice(["phone", "email", "visit", "meeting"]),
                                outcome=rng.choice(["interested", "not_now", "agreement",
                                                    "no_answer"]),
                                note="Opfølgning på samarbejdet"))


POCKET_MONEY_COMPANIES = ("Strand Café", "Boligselskabets Ejendomskontor", "Park Allé Plejecenter",
                          "Brøndby Kantine & Café")
OTHER_PAYER_WORKPLACES = ("Park Allé Plejecenter", "Brøndby Kantine & Café")


def _pocket_money_jobs(session: Session, rng: random.Random, team: Team, area: HousingArea,
                       companies: list[Company], anchor: date) -> list[Placement]:
    """Lommepengejob: 40 young people, three-month stints, wages paid by the housing organisation."""
    consultant = Staff(name="Sanne Ibsen", initials="SI", role="consultant", team_id=team.id)
    initiative = Initiative(name="Lommepengejob", description=f"{DEMO_MARK} Lommepengejob for unge "
                            "13-17 år i Brøndby Strand", start_date=anchor - timedelta(days=365),
                            funder="Boligselskabet Strandparken og Brøndby Kommune")
    session.add_all([consultant, initiative])
    session.flush()
    partnership = Partnership(name="Lommepengejob i Brøndby Strand", initiative_id=initiative.id,
                              target_reach=40)
    session.add(partnership)
    session.flush()
    wages = Partner(partnership_id=partnership.id, name="Boligselskabet Strandparken",
                    kind="boligorganisation", pays_for="De unges løn")
    # A second housing organisation pays the wages at the care home and the canteen.
    other_wages = Partner(partnership_id=partnership.id, name="Boligforeningen Strandhusene",
                          kind="boligorganisation",
                          pays_for="De unges løn på plejecentret og i kantinen")
    session.add_all([wages, Partner(partnership_id=partnership.id, name="Brøndby Kommune",
                                    kind="kommune", pays_for="Jobkonsulentens tid"), other_wages])
    session.flush()
    workplaces = [c for c in companies if c.name in POCKET_MONEY_COMPANIES]
    used: set[tuple[str, str]] = set()
    placements = []
    for _ in range(40):
        start = anchor - timedelta(days=rng.randint(5, 200))
        first, last = _new_name(rng, used)
        youth = Citizen(first_name=first, last_name=last,
                        birth_year=start.year - rng.randint(13, 17), target_group="unge 13-17",
                        benefit_type="none", housing_area_id=area.id, team_id=team.id,
                        initiative_id=initiative.id, consultant_id=consultant.id,
                        wishes=rng.sample(["café", "kontor", "pleje og omsorg",
                                           "kantine og køkken", "byggeri"], 2))
        session.add(youth)
        session.flush()
        workplace = rng.choice(workplaces)
        payer = other_wages if workplace.name in OTHER_PAYER_WORKPLACES else wages
        placement = Placement(citizen_id=youth.id, company_id=workplace.id,
                              consultant_id=consultant.id, kind="lommepengejob",
                              start_date=start, planned_end_date=start + timedelta(weeks=13),
                              hours_per_week=rng.choice([3, 4, 5, 6]),
                              hourly_wage=rng.choice([60, 65, 70, 75]), payer_id=payer.id,
                              created_at=_at(start - timedelta(days=7), 10))
        session.add(placement)
        placements.append(placement)
    session.flush()
    return placements


FREDERICIA_COMPANIES = [
    ("Trekantens Entreprise A/S", "byggeri", "partnerskabsaftale"),
    ("Lillebælt Murer ApS", "byggeri", "samarbejdsaftale"),
    ("Fredericia VVS & Blik", "byggeri", "samarbejdsaftale"),
    ("Vestre Tømrer og Snedker", "byggeri", "none"),
    ("Voldbyens Malerfirma", "byggeri", "samarbejdsaftale"),
]


def _fredericia(session: Session, rng: random.Random, anchor: date) -> list[Placement]:
    """Splejseordningen: apprenticeships, jobs and internships from the renovation agreement."""
    team = Team(name="Splejseordningen, Fredericia")
    initiative = Initiative(name="Splejseordningen", description=f"{DEMO_MARK} Fælles jobkonsulent "
                            "for kommunen og boligområderne", start_date=anchor - timedelta(days=400),
                            funder="Fredericia Kommune og boligorganisationerne")
    session.add_all([team, initiative])
    session.flush()
    consultant = Staff(name="Jesper Mølgaard", initials="JM", role="consultant", team_id=team.id)
    areas = [HousingArea(name="Korskærparken", municipality="Fredericia"),
             HousingArea(name="Skovparken", municipality="Fredericia")]
    session.add_all([consultant, *areas])
    session.flush()
    for area, residents in zip(areas, (1450, 980)):
        session.add(HousingAreaFigure(housing_area_id=area.id, period_start=date(anchor.year, 1, 1),
                                      working_age_residents=residents,
                                      unemployed=round(residents * rng.uniform(0.27, 0.33))))
    companies = [Company(name=n, cvr=cvr_with_check(rng), industry=i, municipality="Fredericia",
                         agreement_kind=a, housing_supplier=True,
                         contact_person=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                         agreement_since=None if a == "none"
                         else anchor - timedelta(days=rng.randint(60, 500)))
                 for n, i, a in FREDERICIA_COMPANIES]
    session.add_all(companies)
    session.flush()
    used: set[tuple[str, str]] = set()
    kinds = ["laerlingeplads"] * 3 + ["ordinaert_job"] * 5 + ["virksomhedspraktik"] * 4
    placements = []
    for kind in kinds:
        first, last = _new_name(rng, used)
        on_dagpenge = rng.random() < 0.5
        citizen = Citizen(
            first_name=first, last_name=last, birth_year=rng.randint(1970, 2004),
            target_group="dagpenge" if on_dagpenge else "jobparat kontanthjælp",
            benefit_type="dagpenge" if on_dagpenge else "kontanthjaelp",
            match_group=None if on_dagpenge else rng.choice([1, 2]),
            dagpenge_end_date=anchor + timedelta(days=rng.randint(14, 360)) if on_dagpenge else None,
            housing_area_id=rng.choice(areas).id, team_id=team.id, initiative_id=initiative.id,
            consultant_id=consultant.id, wishes=["byggeri"],
            qualifications=rng.sample(["murer", "tømrer", "maler", "kørekort b", "truckcertifikat"], 2))
        session.add(citizen)
        session.flush()
        start = anchor - timedelta(days=rng.randint(3, 260))
        weeks = {"laerlingeplads": 52 * 3, "ordinaert_job": 52, "virksomhedspraktik": 8}[kind]
        placement = Placement(citizen_id=citizen.id, company_id=rng.choice(companies).id,
                              consultant_id=consultant.id, kind=kind, start_date=start,
                              planned_end_date=start + timedelta(weeks=weeks),
                              hours_per_week=37 if kind != "virksomhedspraktik" else 20,
                              created_at=_at(start - timedelta(days=7), 10))
        session.add(placement)
        placements.append(placement)
        session.add(Contact(company_id=placement.company_id, staff_id=consultant.id,
                            citizen_id=citizen.id, contacted_at=_at(start - timedelta(days=10), 10),
                            channel="visit", outcome="placement_agreed",
                            note="Fulgt med til jobsamtalen"))
    session.flush()
    return placements


# --- The year around the Brøndby week ----------------------------------------------------------
# Energi til hinanden in Esbjerg, sprints of the past year, the map of the housing areas, company
# events and the quarter's goals. They draw on a random stream of their own, so the rows above
# stay as they were.

# Tables whose rows the grown demo inserts in bulk, in this order.
BULK_TABLES = (StageChange, Contact, FollowUp, Outcome, Progression, EventParticipant)
MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
             "oktober", "november", "december")
# First names of the grown demo, apart from those above so no generated person appears twice.
YOUNG_FIRST_NAMES = [
    "Adam", "Ahmad", "Alma", "Asta", "Cecilie", "Christian", "Clara", "Daniel", "Elias", "Ella",
    "Emil", "Emma", "Freja", "Josefine", "Laura", "Leyla", "Liva", "Lucas", "Magnus", "Malthe",
    "Mathilde", "Mikkel", "Nanna", "Nikoline", "Noah", "Oliver", "Sebastian", "Selma", "Victor",
    "Yusuf",
]
ADULT_FIRST_NAMES = [
    "Abdi", "Anja", "Birthe", "Brian", "Dorthe", "Ebru", "Erik", "Gitte", "Hamid", "Helle",
    "Ibrahim", "Jan", "Jeanette", "Karim", "Khadija", "Leila", "Michael", "Mustafa", "Nina", "Per",
    "Rikke", "Samir", "Susanne", "Tanja", "Thomas", "Tina", "Walid", "Zeynep", "Henrik", "Ulla",
]
MORE_LAST_NAMES = LAST_NAMES + ["Mortensen", "Frandsen", "Lauritsen", "Iversen", "Mikkelsen",
                                "Knudsen", "Jakobsen", "Østergaard", "Bruun", "Schmidt"]
PARK_REASONS = ["Sygdom i ugen – tages op i næste sparring", "Vil afklare uddannelse først",
                "Flytter fra kommunen", "Ikke klar endnu – fokus på hverdagen"]

ENERGI_TEAM = "Ungeindsatsen, Esbjerg"
ENERGI_STAFF = ["Line Kragh", "Mikkel Bonde", "Henriette Skov", "Rune Thygesen"]
ENERGI_LEADER = "Karin Lauridsen"
ENERGI_YOUTHS = 200
# Enrolment lies this many days before the anchor; measurements follow 3, 6 and 12 months later.
ENROLMENT_DAYS = (21, 500)
ESBJERG_COMPANIES = [
    ("Vestkystens Lager & Logistik A/S", "lager og logistik", "virksomhedscenter"),
    ("Havnens Kantine ApS", "kantine og køkken", "samarbejdsaftale"),
    ("Jerne Byg & Tømrer ApS", "byggeri", "partnerskabsaftale"),
    ("Sædding Rengøring ApS", "rengøring", "samarbejdsaftale"),
    ("Kongensgade Tøj & Sko", "detail", "none"),
    ("Vestjysk Stålindustri A/S", "industri", "virksomhedscenter"),
    ("Grådyb Offshore Service A/S", "industri", "partnerskabsaftale"),
    ("Plejehjemmet Strandvejen", "pleje og omsorg", "samarbejdsaftale"),
    ("Vindmøllens Café", "café", "samarbejdsaftale"),
    ("Esbjerg Autoteknik ApS", "auto og mekanik", "none"),
    ("Nørrebyens Supermarked", "detail", "samarbejdsaftale"),
    ("Vestjysk Transport & Flytning ApS", "transport", "partnerskabsaftale"),
    ("Grønt Esbjerg Anlægsgartnere", "grønne områder", "none"),
    ("Esbjerg Boligservice ApS", "ejendomsservice", "samarbejdsaftale"),
    ("Havblik Hotel & Restaurant", "kantine og køkken", "samarbejdsaftale"),
    ("Skads VVS & Energi ApS", "byggeri", "none"),
    ("Vestkyst Emballage A/S", "industri", "samarbejdsaftale"),
    ("Esbjerg Genbrug & Miljø ApS", "genbrug og affald", "none"),
    ("Østergades Kontorhus ApS", "kontor", "none"),
    ("Fiskerihavnens Pakkeri A/S", "lager og logistik", "samarbejdsaftale"),
]
# Each block of 20 young people in order of enrolment holds these paths, so every month of
# enrolment, and so every measurement, has the same mix: job or education within 3 months
# (early), within 6 (mid), within 12 (late), or not within the year (none).
ENERGI_PATHS = ("early",) * 4 + ("mid",) * 6 + ("late",) * 3 + ("none",) * 7
SUCCESS_KINDS = {"ordinaert_job": 55, "laerlingeplads": 15, "education": 30}
# Energi til hinanden's intensive weeks: (days before the anchor, goal, cards, secured).
ENERGI_SPRINTS = [(290, 15, 18, 16), (150, 14, 18, 11), (26, 10, 14, 12)]
# The normal effort for the same young people: (month, n, reached job or education).
COMPARISON = [(3, 412, 74), (6, 398, 112), (12, 371, 112)]
COMPARISON_LABEL = "Sammenligningsgruppe: unge på uddannelseshjælp, Esbjerg"
COMPARISON_SOURCE = f"{DEMO_MARK} Tal i stil med jobindsats.dk: unge i den almindelige indsats"
# Chance that a first job is lost within the year, and the days it lasts when it is.
LOSS = {"energi": (0.3, (20, 300)), "stv": (0.55, (14, 150)), "fredericia": (0.55, (14, 160))}

FREDERICIA_MORE_COMPANIES = [
    ("Lillebælt Lager & Distribution ApS", "lager og logistik", "samarbejdsaftale"),
    ("Madsby Rengøring ApS", "rengøring", "none"),
    ("Trekantområdets Vognmandsforretning", "transport", "samarbejdsaftale"),
    ("Fredericia Storkøkken ApS", "kantine og køkken", "none"),
    ("Plejecentret Skovbrynet", "pleje og omsorg", "samarbejdsaftale"),
]
AREA_RESIDENTS = {"Korskærparken": 1450, "Skovparken": 980, "Brøndby Strand": 4300}
# The unemployed of each area by benefit: how many of each the map holds.
FREDERICIA_BENEFITS = {"dagpenge": 22, "kontanthjaelp": 24, "uddannelseshjaelp": 10,
                       "sygedagpenge": 8, "none": 6}
BROENDBY_BENEFITS = {"dagpenge": 5, "sygedagpenge": 3, "uddannelseshjaelp": 3, "kontanthjaelp": 3}
AREA_WISHES = {"lager og logistik": 5, "byggeri": 4, "rengøring": 3, "transport": 3,
               "kantine og køkken": 3, "pleje og omsorg": 2, "detail": 2, "industri": 2}
# After uge 39 the STV team meets for sparring on three citizens once a month (the last Wednesday)
# and repeats the week with ordinary hours as its focus some five months later, when the running
# week comes more than half a year after uge 39: (weeks after uge 39, goal, cards, secured).
STV_REPEAT = (20, 12, 16, 9)
STV_WISHES = {"lager og logistik": 3, "kantine og køkken": 2, "rengøring": 3, "pleje og omsorg": 2,
              "detail": 2, "byggeri": 1}
# The running week's plan: cards secured per day (Tuesday to Friday), 18 of 24 by Friday noon; of
# the others four are still in dialogue, one is parked and one is clarified.
WEEK_SECURED_PER_DAY = {1: 3, 2: 6, 3: 5, 4: 4}
WEEK_OTHERS = ["dialogue"] * 4 + ["parked", "clarified"]
WEEK_FOCUS = "Fastholdelse: forløb der holder, med tæt opfølgning fra første dag"
STV_REPEAT_GAP = timedelta(weeks=30)
SPARRING_FOCUS = "Tre udvalgte borgere i fokus"
STV_EARLIER = 12  # citizens in the team's ordinary work before uge 39

EVENTS = [  # (region, kind, company, days before the anchor, title)
    ("esbjerg", "virksomhedsbesoeg", "Vestkystens Lager & Logistik A/S", 330, "Rundvisning på lageret"),
    ("esbjerg", "oplaeg", "Grådyb Offshore Service A/S", 300, "Oplæg i Vindmøllen: en dag offshore"),
    ("esbjerg", "jobsamtaletraening", "Nørrebyens Supermarked", 260, "Jobsamtaletræning med butikschefen"),
    ("esbjerg", "virksomhedsbesoeg", "Vestjysk Stålindustri A/S", 215, "Besøg på værkstedet"),
    ("esbjerg", "oplaeg", "Plejehjemmet Strandvejen", 170, "Oplæg om hverdagen i ældreplejen"),
    ("esbjerg", "jobsamtaletraening", "Havblik Hotel & Restaurant", 120, "Prøvesamtaler i køkken og service"),
    ("esbjerg", "virksomhedsbesoeg", "Jerne Byg & Tømrer ApS", 75, "Besøg på byggepladsen"),
    ("esbjerg", "oplaeg", "Vestjysk Transport & Flytning ApS", 40, "Oplæg: vejen til kørekort C"),
    ("esbjerg", "jobsamtaletraening", "Kongensgade Tøj & Sko", 12, "Jobsamtaletræning i Vindmøllen"),
    ("fredericia", "haandvaerkercafe", "Trekantens Entreprise A/S", 290, "Håndværkercafé i Korskærparken"),
    ("fredericia", "jobsamtaletraening", "Lillebælt Murer ApS", 230, "Jobsamtaletræning med mesteren"),
    ("fredericia", "haandvaerkercafe", "Fredericia VVS & Blik", 150, "Håndværkercafé i Skovparken"),
    ("fredericia", "virksomhedsbesoeg", "Trekantens Entreprise A/S", 95, "Besøg på renoveringen"),
    ("fredericia", "haandvaerkercafe", "Voldbyens Malerfirma", 45, "Håndværkercafé: prøv malerfaget"),
    ("fredericia", "jobsamtaletraening", "Lillebælt Lager & Distribution ApS", 20,
     "Jobsamtaletræning til lagerjob"),
    ("broendby", "virksomhedsbesoeg", "Kirkebjerg Lager A/S", 250, "Besøg på lageret"),
    ("broendby", "oplaeg", "Park Allé Plejecenter", 140, "Oplæg om job i ældreplejen"),
    ("broendby", "jobsamtaletraening", "Strandens Bageri ApS", 60, "Jobsamtaletræning med bageren"),
    ("broendby", "haandvaerkercafe", "Vestegnens VVS ApS", 30, "Håndværkercafé for unge i Brøndby Strand"),
]


def quarter(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter that holds `day`."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


@dataclass
class _Path:
    """Where a citizen stands over time: the jobs held (kind, start, day lost) and education."""

    jobs: list[tuple[str, date, date | None]] = field(default_factory=list)
    education_from: date | None = None

    def status_on(self, day: date, rng: random.Random) -> str:
        """The outcome status on `day` (job, education, job with benefits, benefits, other)."""
        if self.education_from is not None and self.education_from <= day:
            return "education"
        for kind, start, lost in self.jobs:
            if start <= day and (lost is None or day < lost):
                return {"ordinaert_job": "job", "laerlingeplads": "education"}.get(
                    kind, "job_with_benefits")
        return "benefits" if rng.random() < 0.88 else "other"


@dataclass
class _Card:
    """A citizen on a sprint board: who brought them, how far they came, and the moves there."""

    citizen: Citizen
    consultant: Staff
    stage: str
    company: Company | None = None
    moves: list[tuple[str, datetime]] = field(default_factory=list)
    sprint: Sprint | None = None
    placement: Placement | None = None

    @property
    def secured_at(self) -> datetime | None:
        return next((at for stage, at in self.moves if stage == "secured"), None)


@dataclass
class _Youth:
    """A young person in Energi til hinanden and the plan of their year, in days from enrolment."""

    citizen: Citizen
    consultant: Staff
    path: str
    enrolled: date
    internships: list[tuple[int, int, str]] = field(default_factory=list)  # offset, days, ending
    success: tuple[int, str] | None = None  # offset, kind (ordinaert_job, laerlingeplads, education)
    hours_job: int | None = None  # offset of a few ordinary hours after the internship (none path)
    card: _Card | None = None


class _World:
    """The session, random stream and anchor of the grown demo, and the helpers its parts share."""

    def __init__(self, session: Session, rng: random.Random, anchor: date) -> None:
        self.session, self.rng, self.anchor = session, rng, anchor
        self.used = {tuple(row) for row in session.exec(select(Citizen.first_name,
                                                                Citizen.last_name)).all()}
        self.cadences = {row.kind: row.days for row in session.exec(select(FollowUpCadence)).all()}
        # Rows nothing refers to, inserted in bulk per table at the end (ORM objects cost time).
        self.rows: dict[type[SQLModel], list[dict]] = {table: [] for table in BULK_TABLES}
        self.decks: dict[str, list[bool]] = {}  # whether the next jobs of a group are lost
        # Citizens to invite to events, by region, with the day from which they may take part.
        self.pools: dict[str, list[tuple[Citizen, date]]] = {}

    def named(self, table, name: str):
        return self.session.exec(select(table).where(table.name == name)).one()

    def citizen(self, first_names: list[str], **fields) -> Citizen:
        while True:
            first, last = self.rng.choice(first_names), self.rng.choice(MORE_LAST_NAMES)
            if (first, last) not in self.used:
                self.used.add((first, last))
                return Citizen(first_name=first, last_name=last, **fields)

    def tags(self, wishes: dict[str, int], *, k: int, usual: float) -> dict[str, list[str]]:
        """Wishes drawn by weight, each with its usual qualification at chance `usual`."""
        rng = self.rng
        chosen: list[str] = []
        while len(chosen) < k:
            wish = rng.choices(list(wishes), weights=list(wishes.values()))[0]
            if wish not in chosen:
                chosen.append(wish)
        held = [USUAL_QUALIFICATION[w] for w in chosen if w in USUAL_QUALIFICATION
                and rng.random() < usual]
        for extra in ("kørekort b", "dansk 2", "førstehjælp"):
            if extra not in held and rng.random() < 0.2:
                held.append(extra)
        return {"wishes": chosen, "qualifications": held}

    def companies(self, rows: list[tuple[str, str, str]], municipality: str) -> list[Company]:
        """Companies with valid CVR numbers; agreements made at even steps over the past year."""
        rng, anchor = self.rng, self.anchor
        with_agreement = sum(kind != "none" for _, _, kind in rows)
        made = iter(range(with_agreement))
        companies = []
        for name, industry, kind in rows:
            since = None
            if kind != "none":
                since = anchor - timedelta(days=round((next(made) + 0.5) * 350 / with_agreement)
                                           + rng.randint(0, 6))
            companies.append(Company(
                name=name, cvr=cvr_with_check(rng), industry=industry, municipality=municipality,
                agreement_kind=kind, agreement_since=since,
                contact_person=f"{rng.choice(ADULT_FIRST_NAMES)} {rng.choice(MORE_LAST_NAMES)}"))
        self.session.add_all(companies)
        return companies

    def placement(self, citizen: Citizen, company: Company, consultant: Staff, kind: str,
                  start: date, planned_end: date | None, *, ended: date | None = None,
                  result: str | None = None, broken: bool = False, hours: float | None = None,
                  sprint: Sprint | None = None, registered: datetime | None = None) -> Placement:
        """A placement whose status follows from the anchor: planned, active, or ended on `ended`
        (when that lies before the anchor) with its result."""
        anchor = self.anchor
        placement = Placement(
            citizen_id=citizen.id, company_id=company.id, consultant_id=consultant.id, kind=kind,
            start_date=start, planned_end_date=planned_end, hours_per_week=hours,
            sprint_id=sprint.id if sprint else None, status="active",
            created_at=registered or _at(min(start - timedelta(days=self.rng.randint(2, 12)),
                                             anchor - timedelta(days=1)), 10))
        if start > anchor:
            placement.status = "planned"
        elif ended is not None and ended < anchor:
            placement.status = "broken_off" if broken else "completed"
            placement.actual_end_date, placement.result = ended, result
        self.session.add(placement)
        return placement

    def job(self, citizen: Citizen, company: Company, consultant: Staff, kind: str, start: date,
            path: _Path, loss: str, *, hours: float = 37, sprint: Sprint | None = None,
            registered: datetime | None = None) -> Placement | None:
        """A job (ordinary, a few ordinary hours, apprenticeship) that may be lost after a while;
        none when it would start more than two weeks after the anchor."""
        if start > self.anchor + timedelta(days=14):
            return None
        chance, days = LOSS[loss]
        if not self.decks.get(loss):
            # Each deck of 20 jobs loses the group's share exactly, so small groups keep their mix.
            self.decks[loss] = [n < round(20 * chance) for n in range(20)]
            self.rng.shuffle(self.decks[loss])
        lost = start + timedelta(days=self.rng.randint(*days)) if self.decks[loss].pop() else None
        path.jobs.append((kind, start, lost))
        planned = start + timedelta(days=3 * 365 + 180) if kind == "laerlingeplads" else None
        return self.placement(citizen, company, consultant, kind, start, planned, ended=lost,
                              result="back_on_benefits" if self.rng.random() < 0.8 else "other",
                              broken=self.rng.random() < 0.5, hours=hours, sprint=sprint,
                              registered=registered)

    def follow_ups(self, placement: Placement) -> None:
        """The tapering plan up to the placement's end: most done on the day, some late, some not;
        a running placement's undone follow-ups are from the last weeks (overdue)."""
        rng, anchor = self.rng, self.anchor
        days = self.cadences.get(placement.kind) or self.cadences["default"]
        stop = placement.actual_end_date or placement.planned_end_date
        running = placement.actual_end_date is None
        for offset in days:
            due = placement.start_date + timedelta(days=offset)
            if stop is not None and due > stop:
                break
            done_on = None
            if due < anchor:
                luck = rng.random()
                if luck < 0.74:
                    done_on = due
                elif luck < 0.92 or (running and due < anchor - timedelta(days=45)):
                    done_on = due + timedelta(days=rng.randint(1, 9))
                if done_on is not None and done_on >= anchor:
                    done_on = None
            self.rows[FollowUp].append(dict(
                placement_id=placement.id, due_date=due,
                done_at=_at(done_on, rng.randint(9, 15), rng.randint(0, 59)) if done_on else None,
                done_by=placement.consultant_id if done_on else None,
                note=rng.choice(FOLLOW_UP_NOTES) if done_on else ""))

    def outcomes(self, citizen: Citizen, start: date, path: _Path) -> None:
        """Status at 3, 6 and 12 months after `start`, where that day has come."""
        for months in (3, 6, 12):
            day = start + timedelta(days=round(30.44 * months))
            if day > self.anchor:
                break
            self.rows[Outcome].append(dict(citizen_id=citizen.id, measured_at=day,
                                           months_after_start=months,
                                           status=path.status_on(day, self.rng)))

    def progression(self, citizen: Citizen, first_day: date, gain: int) -> None:
        """Livsmestring every three months from `first_day`, rising about `gain` over ten months."""
        rng = self.rng
        span = (self.anchor - first_day).days
        offsets = list(range(0, span - 2, 91))
        if len(offsets) == 1 and span >= 21:
            offsets.append(span - rng.randint(2, 7))
        first = rng.randint(2, 5)
        for offset in offsets:
            noise = rng.choice([-1, 0, 0, 0, 1]) if offset else 0
            score = first + round(gain * min(1.0, offset / 300)) + noise
            self.rows[Progression].append(dict(citizen_id=citizen.id, scale="livsmestring",
                                               score=max(1, min(10, score)),
                                               measured_at=first_day + timedelta(days=offset)))

    def contact(self, company: Company, staff: Staff, day: date, outcome: str, *,
                citizen: Citizen | None = None, note: str = "Opfølgning på samarbejdet") -> None:
        self.rows[Contact].append(dict(
            company_id=company.id, staff_id=staff.id, citizen_id=citizen.id if citizen else None,
            contacted_at=_at(day, self.rng.randint(9, 15), self.rng.randint(0, 59)),
            channel=self.rng.choice(["phone", "phone", "email", "visit", "meeting"]),
            outcome=outcome, note=note, next_step="", next_step_date=None,
            next_step_done_at=None))

    def outreach(self, companies: list[Company], staff: list[Staff], days_back: int) -> None:
        """Contacts with each company over the past months, the agreement on its day; every fifth
        company not for a long while."""
        rng, anchor = self.rng, self.anchor
        for index, company in enumerate(companies):
            latest = rng.randint(95, 160) if index % 5 == 4 else rng.randint(1, 30)
            for back in sorted(rng.sample(range(latest, latest + days_back), 5), reverse=True):
                self.contact(company, rng.choice(staff), anchor - timedelta(days=back),
                             rng.choice(["interested", "interested", "not_now", "no_answer"]))
            if company.agreement_since is not None:
                self.contact(company, rng.choice(staff), company.agreement_since, "agreement",
                             note="Samarbejdsaftale indgået")

    def moves(self, sprint: Sprint, stage: str) -> list[tuple[str, datetime]]:
        """The stage history of a card that ended the sprint in `stage`, within the sprint's days."""
        rng, start = self.rng, sprint.start_date
        last = (sprint.end_date - start).days
        moves = [("selected", _at(start, 9, rng.randint(0, 50)))]
        if sprint.kind == "monthly_sparring":
            moves.append(("clarified", _at(start, 10, rng.randint(0, 59))))
            follow = {"dialogue": [("dialogue", _at(start, 13, rng.randint(0, 29)))],
                      "secured": [("dialogue", _at(start, 13, rng.randint(0, 29))),
                                  ("secured", _at(start, 14, rng.randint(30, 59)))],
                      "parked": [("parked", _at(start, 15))]}
            return moves + follow.get(stage, [])
        moves.append(("clarified", _at(start, rng.randint(12, 15), rng.randint(0, 59))))
        talk = rng.randint(1, min(3, last))
        if stage in ("dialogue", "secured"):
            moves.append(("dialogue", _at(start + timedelta(days=talk), rng.randint(9, 11),
                                          rng.randint(0, 59))))
        if stage == "secured":
            moves.append(("secured", _at(start + timedelta(days=rng.randint(talk, last)),
                                         rng.randint(12, 15), rng.randint(0, 59))))
        if stage == "parked":
            moves.append(("parked", _at(start + timedelta(days=min(2, last)), 14)))
        return moves

    def board(self, sprint: Sprint, cards: list[_Card], *, contacts: bool = True) -> None:
        """The sprint's consultants, cards and stage changes, and (unless told not to) the
        contacts behind the moves."""
        session = self.session
        for staff_id in dict.fromkeys(card.consultant.id for card in cards):
            session.add(SprintConsultant(sprint_id=sprint.id, staff_id=staff_id))
        rows = []
        for card in cards:
            row = SprintCard(sprint_id=sprint.id, citizen_id=card.citizen.id,
                             consultant_id=card.consultant.id, stage=card.stage,
                             stage_since=card.moves[-1][1], version=len(card.moves),
                             company_id=card.company.id if card.company else None,
                             placement_id=card.placement.id if card.placement else None,
                             park_reason=self.rng.choice(PARK_REASONS) if card.stage == "parked"
                             else "")
            rows.append(row)
        session.add_all(rows)
        session.flush()
        for row, card in zip(rows, cards):
            previous = None
            for stage, at in card.moves:
                self.rows[StageChange].append(dict(card_id=row.id, from_stage=previous,
                                                   to_stage=stage, changed_at=at,
                                                   changed_by=card.consultant.id))
                previous = stage
            if contacts and card.company is not None and card.stage in ("dialogue", "secured"):
                talk = next(at for stage, at in card.moves if stage == "dialogue")
                self.contact(card.company, card.consultant, talk.date(),
                             "placement_agreed" if card.stage == "secured" else "interested",
                             citizen=card.citizen, note="Talt om et konkret match")


def _grow(session: Session, seed: int, anchor: date) -> None:
    """Add the year around the Brøndby week to the demo in the session."""
    world = _World(session, random.Random(f"{seed}:year"), anchor)
    _energi_til_hinanden(world)
    _stv_history(world)
    _area_mapping(world)
    _events(world)
    for table, rows in world.rows.items():
        if rows:
            session.execute(insert(table), rows)
    _goals(world)
    session.flush()


def _youth_plan(rng: random.Random, youth: _Youth) -> None:
    """Internships and the way into job or education, as days after enrolment, by the path."""
    if youth.path == "early":
        success = rng.randint(45, 82)
        youth.internships = [(rng.randint(8, 20), 0, "success")]
    elif youth.path == "mid":
        success = rng.randint(100, 175)
        youth.internships = [(success - rng.randint(49, 84), 0, "success")]
    elif youth.path == "late":
        success = rng.randint(200, 340)
        youth.internships = [(rng.randint(15, 45), rng.randint(42, 63),
                              rng.choice(["back_on_benefits", "broken"])),
                             (success - rng.randint(49, 84), 0, "success")]
    else:
        success = None
        if rng.random() < 0.8:
            offset, days = rng.randint(15, 150), rng.randint(35, 84)
            ending = rng.choices(["back_on_benefits", "broken", "other", "continued_placement"],
                                 weights=[45, 30, 10, 15])[0]
            youth.internships = [(offset, days, ending)]
            if rng.random() < 0.35:
                youth.hours_job = offset + days + rng.randint(7, 30)
    if success is not None:
        youth.internships = [(offset, success - offset if days == 0 else days, ending)
                             for offset, days, ending in youth.internships]
        youth.success = (success, rng.choices(list(SUCCESS_KINDS),
                                              weights=list(SUCCESS_KINDS.values()))[0])


def _energi_til_hinanden(world: _World) -> None:
    """Esbjerg's relational effort: 200 young people, 20 companies, a team and a comparison group."""
    session, rng, anchor = world.session, world.rng, world.anchor
    team = Team(name=ENERGI_TEAM)
    initiative = Initiative(
        name="Energi til hinanden", description=f"{DEMO_MARK} Relationel indsats for unge i "
        "Vindmøllen, Esbjerg, bygget på de unges egne ønsker og 20 lokale virksomheder",
        start_date=anchor - timedelta(days=ENROLMENT_DAYS[1] + 20), funder="Esbjerg Kommune")
    session.add_all([team, initiative])
    session.flush()
    consultants = [Staff(name=n, initials=_initials(n), role="consultant", team_id=team.id)
                   for n in ENERGI_STAFF]
    leader = Staff(name=ENERGI_LEADER, initials=_initials(ENERGI_LEADER), role="leader",
                   team_id=team.id)
    session.add_all([*consultants, leader])
    companies = world.companies(ESBJERG_COMPANIES, "Esbjerg")
    session.add_all([ComparisonGroup(initiative_id=initiative.id, label=COMPARISON_LABEL,
                                     month=month, n=n, reached=reached, source=COMPARISON_SOURCE)
                     for month, n, reached in COMPARISON])
    session.flush()
    wishes = {industry: 1 for _, industry, _ in ESBJERG_COMPANIES}

    enrolled = sorted(anchor - timedelta(days=rng.randint(*ENROLMENT_DAYS))
                      for _ in range(ENERGI_YOUTHS))
    youths: list[_Youth] = []
    for block in range(0, ENERGI_YOUTHS, len(ENERGI_PATHS)):
        paths = list(ENERGI_PATHS)
        rng.shuffle(paths)
        for day, path in zip(enrolled[block:block + len(paths)], paths):
            benefit = rng.choices(["uddannelseshjaelp", "kontanthjaelp", "sygedagpenge"],
                                  weights=[70, 25, 5])[0]
            citizen = world.citizen(
                YOUNG_FIRST_NAMES, birth_year=day.year - rng.randint(18, 29),
                target_group="unge under 30", benefit_type=benefit,
                match_group=None if benefit == "sygedagpenge" else rng.choice([1, 2, 2, 3]),
                team_id=team.id, initiative_id=initiative.id,
                **world.tags(wishes, k=rng.choice([1, 2, 2]), usual=0.4))
            youth = _Youth(citizen, consultants[len(youths) % len(consultants)], path, day)
            citizen.consultant_id = youth.consultant.id
            _youth_plan(rng, youth)
            youths.append(youth)
    session.add_all([y.citizen for y in youths])
    session.flush()

    sprints = _energi_sprints(world, team, youths, companies)
    placements = [p for youth in youths for p in _youth_year(world, youth, companies)]
    session.flush()
    for placement in placements:
        world.follow_ups(placement)
    for sprint, cards in sprints:
        world.board(sprint, cards)
    world.pools["esbjerg"] = [(y.citizen, y.enrolled) for y in youths]
    world.outreach(companies, consultants, 450)


def _fitting(rng: random.Random, companies: list[Company], citizen: Citizen) -> Company:
    """A company in an industry the citizen wishes, else any."""
    fits = [c for c in companies if c.industry in citizen.wishes]
    return rng.choice(fits or companies)


def _energi_sprints(world: _World, team: Team, youths: list[_Youth],
                    companies: list[Company]) -> list[tuple[Sprint, list[_Card]]]:
    """Intensive weeks of the past year; a secured card's internship starts after the week (the
    young person's year moves to fit), the others were not yet ready for one."""
    session, rng, anchor = world.session, world.rng, world.anchor
    boards = []
    for days_back, goal, n_cards, n_secured in ENERGI_SPRINTS:
        start = _monday(anchor - timedelta(days=days_back))
        end = start + timedelta(days=4)
        sprint = Sprint(name=f"Uge {start.isocalendar().week} – Energi til hinanden",
                        team_id=team.id, start_date=start, end_date=end, goal_count=goal,
                        focus="Praktikpladser der bygger på de unges egne ønsker",
                        kind="intensive_week", status="closed", closed_at=_at(end, 15, 30))
        session.add(sprint)
        cards = []
        # Enrolment moved so the first internship starts 3 to 14 days after the week.
        moved = {id(y): end + timedelta(days=rng.randint(3, 14) - y.internships[0][0])
                 for y in youths if y.card is None and y.internships}
        earliest = anchor - timedelta(days=ENROLMENT_DAYS[1] + 20)
        latest = min(start - timedelta(days=3), anchor - timedelta(days=ENROLMENT_DAYS[0]))
        fits = sorted((y for y in youths if earliest <= moved.get(id(y), date.min) <= latest),
                      key=lambda y: abs((moved[id(y)] - y.enrolled).days))
        for youth in fits[:n_secured]:
            youth.enrolled = moved[id(youth)]
            youth.card = _Card(youth.citizen, youth.consultant, "secured",
                               _fitting(rng, companies, youth.citizen),
                               world.moves(sprint, "secured"), sprint)
            cards.append(youth.card)
        # The others on the board were not yet in, or about to start, an internship.
        waiting = [y for y in youths if y.card is None
                   and start - timedelta(days=200) <= y.enrolled <= start - timedelta(days=3)
                   and (not y.internships or y.enrolled + timedelta(days=y.internships[0][0])
                        > end + timedelta(days=21))]
        rng.shuffle(waiting)
        for youth in waiting[:n_cards - len(cards)]:
            stage = rng.choice(["dialogue", "dialogue", "clarified", "parked"])
            youth.card = _Card(youth.citizen, youth.consultant, stage,
                               _fitting(rng, companies, youth.citizen) if stage == "dialogue"
                               else None, world.moves(sprint, stage), sprint)
            cards.append(youth.card)
        boards.append((sprint, cards))
    session.flush()
    return boards


def _youth_year(world: _World, youth: _Youth, companies: list[Company]) -> list[Placement]:
    """One young person's placements, outcomes and livsmestring scores; returns the placements."""
    rng, anchor = world.rng, world.anchor
    citizen, consultant, path = youth.citizen, youth.consultant, _Path()
    card = youth.card if youth.card is not None and youth.card.stage == "secured" else None
    company = card.company if card else _fitting(rng, companies, citizen)
    placements = []
    for number, (offset, days, ending) in enumerate(youth.internships):
        start = youth.enrolled + timedelta(days=offset)
        if start > anchor + timedelta(days=14):
            break
        end, result, broken = start + timedelta(days=days), ending, ending == "broken"
        if ending == "success":
            result = "ordinary_job" if youth.success[1] == "ordinaert_job" else "education"
        elif broken:
            end, result = start + timedelta(days=max(7, days // 2)), "back_on_benefits"
        secured = card if number == 0 else None
        placement = world.placement(
            citizen, company, consultant, "virksomhedspraktik", start, start + timedelta(days=days),
            ended=end, result=result, broken=broken, hours=rng.choice([15, 20, 25, 30]),
            sprint=secured.sprint if secured else None,
            registered=secured.secured_at if secured else None)
        if secured:
            secured.placement = placement
        elif start <= anchor:
            world.contact(company, consultant, start - timedelta(days=rng.randint(5, 20)),
                          "placement_agreed", citizen=citizen, note="Praktik aftalt med den unge")
        placements.append(placement)
    if youth.success is not None:
        offset, kind = youth.success
        day = youth.enrolled + timedelta(days=offset)
        if kind == "education":
            path.education_from = day
        else:
            employer = company if kind == "ordinaert_job" else rng.choice(
                [c for c in companies if c.industry in ("byggeri", "industri", "auto og mekanik")])
            placements.append(world.job(citizen, employer, consultant, kind, day, path, "energi"))
    if youth.hours_job is not None:
        placements.append(world.job(citizen, company, consultant, "ordinaere_timer",
                                    youth.enrolled + timedelta(days=youth.hours_job), path,
                                    "energi", hours=rng.choice([8, 10, 12, 15])))
    world.outcomes(citizen, youth.enrolled, path)
    world.progression(citizen, youth.enrolled,
                      rng.randint(2, 4) if youth.success else rng.randint(-1, 2))
    return [p for p in placements if p is not None]


def _stv_citizen(world: _World, consultant: Staff, area: HousingArea, stv: Initiative) -> Citizen:
    """A citizen of the STV team: on social assistance, not yet ready for a job."""
    rng = world.rng
    return world.citizen(
        ADULT_FIRST_NAMES, birth_year=rng.randint(1968, 2000),
        target_group="aktivitetsparat kontanthjælp", benefit_type="kontanthjaelp",
        match_group=rng.choice([2, 3]), housing_area_id=area.id if rng.random() < 0.6 else None,
        team_id=consultant.team_id, initiative_id=stv.id, consultant_id=consultant.id,
        **world.tags(STV_WISHES, k=2, usual=0.3))


def _stv_history(world: _World) -> None:
    """The STV team's year: its ordinary work (before uge 39, and an internship running now for
    each consultant), the monthly sparring sessions after uge 39, the repeat of the week when the
    running one comes more than half a year after it, and the next sparring session, planned."""
    session, rng, anchor = world.session, world.rng, world.anchor
    team = world.named(Team, STV_TEAM)
    stv, area = world.named(Initiative, "STV"), world.named(HousingArea, "Brøndby Strand")
    consultants = session.exec(select(Staff).where(Staff.name.in_(STAFF_NAMES))
                               .order_by(Staff.id)).all()
    companies = session.exec(select(Company).where(Company.name.in_([n for n, _, _ in COMPANIES]))
                             .order_by(Company.id)).all()
    boards = []
    for start, kind in _stv_schedule(anchor):
        if kind == "intensive_week":
            end, takers = start + timedelta(days=4), consultants
            _, goal, n_cards, n_secured = STV_REPEAT
            name = f"Intensiv uge {start.isocalendar().week} – ordinære timer"
            focus = "Ordinære timer og virksomhedspraktik"
        else:
            end, takers = start, rng.sample(consultants[1:], 3)
            goal, n_cards, n_secured = 2, 3, rng.choice([1, 2, 2, 3])
            name, focus = _sparring_name(start), SPARRING_FOCUS
        sprint = Sprint(name=name, team_id=team.id, start_date=start, end_date=end, goal_count=goal,
                        focus=focus, kind=kind, status="closed", closed_at=_at(end, 15, 30))
        session.add(sprint)
        stages = ["secured"] * n_secured + rng.choices(["dialogue", "clarified", "parked"],
                                                       weights=[3, 1, 1], k=n_cards - n_secured)
        rng.shuffle(stages)
        cards = []
        for index, stage in enumerate(stages):
            consultant = takers[index % len(takers)]
            citizen = _stv_citizen(world, consultant, area, stv)
            company = rng.choice(companies) if stage in ("dialogue", "secured") else None
            cards.append(_Card(citizen, consultant, stage, company, world.moves(sprint, stage),
                               sprint))
        boards.append((sprint, cards))
    # The ordinary work beside the sprints: before uge 39 internships that led some into a job,
    # and now an internship running for each consultant.
    brought_by = [consultants[index % len(consultants)] for index in range(STV_EARLIER)]
    earlier = [_stv_citizen(world, consultant, area, stv) for consultant in brought_by]
    current = [_stv_citizen(world, consultant, area, stv) for consultant in consultants]
    session.add_all(earlier + current + [card.citizen for _, cards in boards for card in cards])
    session.flush()
    uge39 = uge39_monday(anchor)
    placements = [p for citizen, consultant in zip(earlier, brought_by)
                  for p in _career(world, citizen, consultant, companies,
                                   uge39 - timedelta(days=rng.randint(30, 330)), "stv")]
    staff = {consultant.id: consultant for consultant in consultants}
    placements += [_internship_now(world, citizen, companies, staff) for citizen in current]
    for sprint, cards in boards:
        for card in cards:
            if card.stage == "secured":
                placements += _stv_career(world, card)
            world.progression(card.citizen, sprint.start_date, rng.randint(0, 3))
    session.flush()
    for placement in placements:
        world.follow_ups(placement)
    for sprint, cards in boards:
        world.board(sprint, cards)
    upcoming = _last_wednesday_after(week_monday(anchor) + timedelta(days=11))
    session.add(Sprint(name=_sparring_name(upcoming), team_id=team.id, start_date=upcoming,
                       end_date=upcoming, goal_count=2, focus=SPARRING_FOCUS,
                       kind="monthly_sparring", status="planned"))


def _last_wednesday_after(day: date) -> date:
    """The first last Wednesday of a month that falls after `day`."""
    while True:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        last = following - timedelta(days=1)
        wednesday = last - timedelta(days=(last.weekday() - 2) % 7)
        if wednesday > day:
            return wednesday
        day = following


def _sparring_name(day: date) -> str:
    return f"Månedlig sparring – {MONTHS_DA[day.month - 1]} {day.year}"


def _stv_schedule(anchor: date) -> list[tuple[date, str]]:
    """The STV team's sprints between uge 39 and the anchor's week, as (start, kind): the monthly
    sparring sessions, and the repeat of the week when the running one comes much later."""
    uge39, begun = uge39_monday(anchor), _monday(anchor)
    schedule: list[tuple[date, str]] = []
    repeat = None
    if week_monday(anchor) - uge39 >= STV_REPEAT_GAP:
        repeat = uge39 + timedelta(weeks=STV_REPEAT[0])
        schedule.append((repeat, "intensive_week"))
    # From the month after uge 39 (its last Wednesday lies after the week's Friday).
    day = _last_wednesday_after(uge39 + timedelta(days=4))
    if day.month == uge39.month:
        day = _last_wednesday_after(day)
    while day < begun:
        if repeat is None or not repeat <= day <= repeat + timedelta(days=4):
            schedule.append((day, "monthly_sparring"))
        day = _last_wednesday_after(day)
    return sorted(schedule)


def _stv_career(world: _World, card: _Card) -> list[Placement]:
    """The placement a sprint secured and what came of it: for some a first job, often lost."""
    rng, anchor = world.rng, world.anchor
    citizen, consultant, company, sprint = card.citizen, card.consultant, card.company, card.sprint
    path = _Path()
    start = sprint.end_date + timedelta(days=rng.randint(3, 14))
    kind = rng.choice(["virksomhedspraktik"] * 3 + ["ordinaere_timer", "loentilskud"])
    later = None
    if kind == "ordinaere_timer":
        first = world.job(citizen, company, consultant, kind, start, path, "stv",
                          hours=rng.choice([8, 10, 12, 15]), sprint=sprint,
                          registered=card.secured_at)
    else:
        weeks = rng.choice([6, 8, 13])
        end = start + timedelta(weeks=weeks)
        broken = rng.random() < 0.15
        result = rng.choices(["continued_placement", "back_on_benefits", "ordinary_job", "other"],
                             weights=[35, 35, 20, 10])[0]
        if broken:
            end, result = start + timedelta(days=rng.randint(7, 7 * weeks - 3)), "back_on_benefits"
        first = world.placement(citizen, company, consultant, kind, start,
                                start + timedelta(weeks=weeks), ended=end, result=result,
                                broken=broken, hours=rng.choice([10, 15, 20, 25]), sprint=sprint,
                                registered=card.secured_at)
        if end < anchor and (result == "ordinary_job"
                             or (result == "continued_placement" and rng.random() < 0.5)):
            job_kind = "ordinaert_job" if result == "ordinary_job" else "ordinaere_timer"
            later = world.job(citizen, company, consultant, job_kind,
                              end + timedelta(days=rng.randint(0, 14)), path, "stv",
                              hours=37 if job_kind == "ordinaert_job" else rng.choice([8, 10, 15]))
    card.placement = first
    world.outcomes(citizen, start, path)
    return [p for p in (first, later) if p is not None]


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    return day if day.weekday() < 5 else _monday(day) + timedelta(days=7)


def _week_plan(rng: random.Random, monday: date) -> list[list[tuple[str, datetime]]]:
    """The moves of each card over the whole running week, in order: selected on the Thursday or
    Friday before (each consultant brings three citizens), clarified in Monday's sparring (a few
    on Tuesday morning), outreach from Tuesday afternoon, secured as WEEK_SECURED_PER_DAY says."""
    def at(offset: int, first_hour: int, last_hour: int) -> datetime:
        return _at(monday + timedelta(days=offset), rng.randint(first_hour, last_hour),
                   rng.randint(0, 59))

    endings = [("secured", day) for day, n in WEEK_SECURED_PER_DAY.items() for _ in range(n)]
    endings += [(stage, None) for stage in WEEK_OTHERS]
    rng.shuffle(endings)
    plans = []
    for ending, day in endings:
        moves = [("selected", at(rng.choice([-4, -3]), 9, 15))]
        late = ending == "clarified" or (day != 1 and rng.random() < 0.15)
        moves.append(("clarified", at(1, 9, 10) if late else at(0, 10, 15)))
        if ending == "secured":
            talk = day if day == 1 else rng.choice([day - 1, day])
            if talk == 1:  # Tuesday's outreach begins after the morning's talk
                moves.append(("dialogue", at(1, 12, 13 if day == 1 else 15)))
            elif talk < day:
                moves.append(("dialogue", at(talk, 9, 15)))
            else:
                moves.append(("dialogue", at(talk, 9, 9)))
            first, last = {1: (14, 15), 4: (10, 12)}.get(day, (11, 15))
            moves.append(("secured", at(day, first, last)))
        elif ending == "dialogue":
            talk = rng.randint(1, 4)
            moves.append(("dialogue", at(talk, 12, 15) if talk == 1 else at(talk, 9, 15)))
        elif ending == "parked":
            moves.append(("parked", at(2, 11, 11)))
        plans.append(moves)
    return plans


def _running_week(world: _World, until: datetime) -> Sprint:
    """The STV team's intensive week in the anchor's week (next week's, planned, on a weekend):
    8 consultants with 3 citizens each, goal 16, the programme of uge 39, and each card as far as
    the week has come by `until`; a secured card has its placement and the contacts behind it."""
    session, rng, anchor = world.session, world.rng, world.anchor
    monday = week_monday(anchor)
    team, stv = world.named(Team, STV_TEAM), world.named(Initiative, "STV")
    area = world.named(HousingArea, "Brøndby Strand")
    consultants = session.exec(select(Staff).where(Staff.name.in_(STAFF_NAMES))
                               .order_by(Staff.id)).all()
    companies = session.exec(select(Company).where(Company.name.in_([n for n, _, _ in COMPANIES]))
                             .order_by(Company.id)).all()
    week = Sprint(name=f"Intensiv uge {monday.isocalendar().week} – fastholdelse",
                  team_id=team.id, start_date=monday, end_date=monday + timedelta(days=4),
                  goal_count=16, focus=WEEK_FOCUS, kind="intensive_week",
                  status=sprints.RUNNING if monday <= anchor else sprints.PLANNED)
    session.add(week)
    session.flush()
    session.add_all([AgendaItem(sprint_id=week.id, day=monday + timedelta(days=offset), part=part,
                                title=title)
                     for offset, part, title in sprints.PROGRAMME_TEMPLATE])
    citizens = [_stv_citizen(world, consultant, area, stv)
                for consultant in consultants for _ in range(3)]
    session.add_all(citizens)
    session.flush()
    cards = []
    for index, (citizen, moves) in enumerate(zip(citizens, _week_plan(rng, monday))):
        company = _fitting(rng, companies, citizen)
        kind = rng.choice(["virksomhedspraktik"] * 3 + ["ordinaere_timer", "loentilskud"])
        begins, weeks, hours = rng.randint(3, 10), rng.choice([4, 8, 13]), rng.choice([10, 15, 20])
        # Only what has happened by now; the selection lies before the week began.
        done = [move for move in moves if move[1] <= until] or moves[:1]
        stage = done[-1][0]
        card = _Card(citizen, consultants[index // 3], stage,
                     company if stage in ("dialogue", "secured") else None, done, week)
        if stage == "secured":
            start = card.secured_at.astimezone(LOCAL_TZ).date() + timedelta(days=begins)
            start = start if start.weekday() < 5 else _next_weekday(start)
            card.placement = world.placement(
                citizen, company, card.consultant, kind, start, start + timedelta(weeks=weeks),
                hours=hours, sprint=week, registered=card.secured_at)
        cards.append(card)
    session.flush()
    for card in cards:
        if card.placement is not None:
            world.follow_ups(card.placement)
    world.board(week, cards, contacts=False)
    for card in cards:
        for stage, moment in card.moves:
            if card.company is None or stage not in ("dialogue", "secured"):
                continue
            waiting = card.stage == "dialogue"
            world.rows[Contact].append(dict(
                company_id=card.company.id, staff_id=card.consultant.id,
                citizen_id=card.citizen.id, contacted_at=moment, channel="phone",
                outcome="interested" if stage == "dialogue" else "placement_agreed",
                note="Talt om et konkret match" if stage == "dialogue"
                else "Forløb aftalt med virksomheden",
                next_step="Ring igen om opstart" if waiting else "",
                next_step_date=_next_weekday(moment.astimezone(LOCAL_TZ).date()) if waiting
                else None, next_step_done_at=None))
    for table, rows in world.rows.items():
        if rows:
            session.execute(insert(table), rows)
    session.flush()
    return week


def _mapped_citizen(world: _World, benefit: str, area: HousingArea, team: Team,
                    initiative: Initiative | None, consultant: Staff) -> Citizen:
    """An unemployed resident as the area map holds them: benefit, match group and tags."""
    rng, year = world.rng, world.anchor.year
    match = {"dagpenge": 1, "kontanthjaelp": rng.choice([1, 1, 2, 2, 3]),
             "uddannelseshjaelp": rng.choice([1, 2, 3])}.get(benefit)
    target = {"dagpenge": "dagpenge", "uddannelseshjaelp": "uddannelseshjælp",
              "sygedagpenge": "sygedagpenge", "none": "ikke på ydelse",
              "kontanthjaelp": "jobparat kontanthjælp" if match == 1
              else "aktivitetsparat kontanthjælp"}[benefit]
    young = benefit == "uddannelseshjaelp"
    return world.citizen(
        YOUNG_FIRST_NAMES if young else ADULT_FIRST_NAMES,
        birth_year=year - (rng.randint(19, 29) if young else rng.randint(25, 62)),
        target_group=target, benefit_type=benefit, match_group=match, housing_area_id=area.id,
        team_id=team.id, initiative_id=initiative.id if initiative else None,
        consultant_id=consultant.id, **world.tags(AREA_WISHES, k=rng.choice([1, 2, 2]), usual=0.35))


def _mapped(world: _World, benefits: dict[str, int], areas: list[HousingArea], team: Team,
            initiative: Initiative | None, consultants: list[Staff]) -> list[Citizen]:
    """The residents of the map; dagpenge end at even steps over the coming year."""
    rng, anchor = world.rng, world.anchor
    kinds = [benefit for benefit, n in benefits.items() for _ in range(n)]
    rng.shuffle(kinds)
    citizens = [_mapped_citizen(world, benefit, rng.choice(areas), team, initiative,
                                consultants[index % len(consultants)])
                for index, benefit in enumerate(kinds)]
    on_dagpenge = [c for c in citizens if c.benefit_type == "dagpenge"]
    for index, citizen in enumerate(on_dagpenge):
        citizen.dagpenge_end_date = anchor + timedelta(
            days=7 + round(index * 345 / len(on_dagpenge)) + rng.randint(0, 8))
    world.session.add_all(citizens)
    return citizens


def _internship_now(world: _World, citizen: Citizen, companies: list[Company],
                    consultants: dict[int, Staff]) -> Placement:
    """An internship that began in the last weeks and runs on."""
    rng = world.rng
    start = world.anchor - timedelta(days=rng.randint(3, 40))
    return world.placement(citizen, _fitting(rng, companies, citizen),
                           consultants[citizen.consultant_id], "virksomhedspraktik", start,
                           start + timedelta(weeks=8), hours=rng.choice([15, 20, 25]))


def _career(world: _World, citizen: Citizen, consultant: Staff, companies: list[Company],
            first: date, loss: str) -> list[Placement]:
    """A citizen's way into work from `first`: an internship, a job, or both."""
    rng = world.rng
    path = _Path()
    start = first
    company = _fitting(rng, companies, citizen)
    placements = []
    if rng.random() < 0.5:
        weeks = rng.choice([4, 8, 13])
        end = start + timedelta(weeks=weeks)
        result = rng.choice(["ordinary_job", "continued_placement", "back_on_benefits"])
        placements.append(world.placement(citizen, company, consultant, "virksomhedspraktik", start,
                                          end, ended=end, result=result,
                                          hours=rng.choice([20, 25, 30])))
        start = None if result == "back_on_benefits" or rng.random() < 0.3 else \
            end + timedelta(days=rng.randint(0, 21))
    if start is not None:
        kind = rng.choices(["ordinaert_job", "laerlingeplads", "ordinaere_timer"],
                           weights=[45, 20, 35])[0]
        placements.append(world.job(citizen, company, consultant, kind, start, path, loss,
                                    hours=37 if kind != "ordinaere_timer" else rng.choice([10, 15])))
    world.outcomes(citizen, first, path)
    return [p for p in placements if p is not None]


def _area_mapping(world: _World) -> None:
    """The map of the unemployed in Korskærparken, Skovparken and Brøndby Strand: figures per
    period, benefits and match groups, dagpenge end dates, wishes and qualifications; the
    renovation's intensive week and one planned for those whose dagpenge run out first."""
    session, rng, anchor = world.session, world.rng, world.anchor
    areas = {name: world.named(HousingArea, name) for name in AREA_RESIDENTS}
    entered = set(session.exec(select(HousingAreaFigure.housing_area_id,
                                      HousingAreaFigure.period_start)).all())
    periods = [date(anchor.year - 1, 1, 1), date(anchor.year - 1, 7, 1), date(anchor.year, 1, 1),
               date(anchor.year, 7, 1)]
    for name, residents in AREA_RESIDENTS.items():
        for period in periods:
            if period <= anchor and (areas[name].id, period) not in entered:
                people = round(residents * rng.uniform(0.98, 1.02))
                session.add(HousingAreaFigure(housing_area_id=areas[name].id, period_start=period,
                                              working_age_residents=people,
                                              unemployed=round(people * rng.uniform(0.285, 0.315))))

    team = world.named(Team, "Splejseordningen, Fredericia")
    initiative = world.named(Initiative, "Splejseordningen")
    jesper = world.named(Staff, "Jesper Mølgaard")
    colleague = Staff(name="Pernille Vang", initials="PV", role="consultant", team_id=team.id)
    session.add(colleague)
    session.flush()
    companies = world.companies(FREDERICIA_MORE_COMPANIES, "Fredericia")
    companies += session.exec(select(Company).where(
        Company.name.in_([n for n, _, _ in FREDERICIA_COMPANIES])).order_by(Company.id)).all()
    fredericia = _mapped(world, FREDERICIA_BENEFITS, [areas["Korskærparken"], areas["Skovparken"]],
                         team, initiative, [jesper, colleague])
    stv_team = world.named(Team, STV_TEAM)
    stv_consultants = session.exec(select(Staff).where(Staff.name.in_(STAFF_NAMES[1:]))
                                   .order_by(Staff.id)).all()
    broendby = _mapped(world, BROENDBY_BENEFITS, [areas["Brøndby Strand"]], stv_team, None,
                       stv_consultants)
    session.flush()

    staff = {s.id: s for s in [jesper, colleague, *stv_consultants]}
    working = [c for c in fredericia if c.benefit_type != "dagpenge"]
    rng.shuffle(working)
    renovation, careers = working[:8], working[8:22]
    placements = [p for citizen in careers
                  for p in _career(world, citizen, staff[citizen.consultant_id], companies,
                                   anchor - timedelta(days=rng.randint(30, 380)), "fredericia")]
    waiting = sorted((c for c in fredericia if c.benefit_type == "dagpenge"),
                     key=lambda c: c.dagpenge_end_date)
    placements += [_internship_now(world, c, companies, staff) for c in waiting[1::5]]
    brondby_companies = session.exec(select(Company).where(
        Company.name.in_([n for n, _, _ in COMPANIES])).order_by(Company.id)).all()
    placements += [_internship_now(world, c, brondby_companies, staff)
                   for c in rng.sample(broendby, 3)]

    start = _monday(anchor - timedelta(days=180))
    week = Sprint(name=f"Uge {start.isocalendar().week} – renoveringen: lærlinge og job",
                  team_id=team.id, start_date=start, end_date=start + timedelta(days=4),
                  goal_count=6, focus="Lærlingepladser og job hos entreprenørerne på renoveringen",
                  kind="intensive_week", status="closed",
                  closed_at=_at(start + timedelta(days=4), 15, 30))
    soon = _monday(anchor + timedelta(days=10))
    planned = Sprint(name=f"Uge {soon.isocalendar().week} – dagpenge i Korskærparken og Skovparken",
                     team_id=team.id, start_date=soon, end_date=soon + timedelta(days=4),
                     goal_count=4, focus="Borgere hvis dagpengeret snart udløber",
                     kind="intensive_week", status="planned")
    session.add_all([week, planned])
    session.flush()
    kinds = ["laerlingeplads", "laerlingeplads", "ordinaert_job", "ordinaert_job",
             "virksomhedspraktik", "virksomhedspraktik", None, None]
    builders = [c for c in companies if c.industry == "byggeri"]
    cards = []
    for citizen, kind in zip(renovation, kinds):
        stage = "secured" if kind else rng.choice(["dialogue", "parked"])
        company = rng.choice(builders) if stage != "parked" else None
        card = _Card(citizen, staff[citizen.consultant_id], stage, company,
                     world.moves(week, stage), week)
        cards.append(card)
        if kind is None:
            continue
        path, begin = _Path(), week.end_date + timedelta(days=rng.randint(5, 14))
        if kind == "virksomhedspraktik":
            end = begin + timedelta(weeks=8)
            card.placement = world.placement(
                citizen, company, card.consultant, kind, begin, end, ended=end,
                result=rng.choice(["ordinary_job", "continued_placement"]), hours=30, sprint=week,
                registered=card.secured_at)
        else:
            card.placement = world.job(citizen, company, card.consultant, kind, begin, path,
                                       "fredericia", sprint=week, registered=card.secured_at)
        placements.append(card.placement)
        world.outcomes(citizen, begin, path)
    session.flush()
    for placement in placements:
        world.follow_ups(placement)
    world.board(week, cards)
    free = [c for index, c in enumerate(waiting) if index % 5 != 1][:6]
    selected = _at(anchor - timedelta(days=1), 10)
    world.board(planned, [_Card(c, staff[c.consultant_id], "selected", None,
                                [("selected", selected)], planned) for c in free])

    renovation_deal = Partnership(name="Renoveringsaftalen i Korskærparken og Skovparken",
                                  initiative_id=initiative.id, target_reach=40)
    session.add(renovation_deal)
    session.flush()
    session.add_all([
        Partner(partnership_id=renovation_deal.id, name="Fredericia Kommune", kind="kommune",
                pays_for="Halvdelen af den fælles jobkonsulent"),
        Partner(partnership_id=renovation_deal.id, name="Boligorganisationerne i Fredericia",
                kind="boligorganisation", pays_for="Halvdelen af den fælles jobkonsulent"),
        Partner(partnership_id=renovation_deal.id, name="Trekantens Entreprise A/S",
                kind="leverandør", pays_for="Lærlingepladser og job på renoveringen"),
    ])
    world.pools["fredericia"] = [(c, date.min) for c in session.exec(
        select(Citizen).where(Citizen.team_id == team.id).order_by(Citizen.id)).all()]
    world.pools["broendby"] = [(c, date.min) for c in session.exec(
        select(Citizen).where(Citizen.team_id == stv_team.id).order_by(Citizen.id)).all()]


def _events(world: _World) -> None:
    """Company visits, talks, job-interview training and craftsman cafés with their participants."""
    session, rng, anchor = world.session, world.rng, world.anchor
    events = []
    for region, kind, company_name, days_back, title in EVENTS:
        day = anchor - timedelta(days=days_back + rng.randint(0, 4))
        event = Event(company_id=world.named(Company, company_name).id, kind=kind, event_date=day,
                      title=title)
        eligible = [c for c, since in world.pools[region] if since <= day - timedelta(days=7)]
        events.append((event, rng.sample(eligible, min(len(eligible), rng.randint(4, 12)))))
    session.add_all([event for event, _ in events])
    session.flush()
    world.rows[EventParticipant] += [dict(event_id=event.id, citizen_id=c.id)
                                     for event, people in events for c in people]


def _goals(world: _World) -> None:
    """Goals for the quarter that holds the anchor, with targets set from the pace so far so the
    Mål page shows each status: reached, on track and at risk."""
    session, anchor = world.session, world.anchor
    first, last = quarter(anchor)
    pace = ((last - first).days + 1) / ((anchor - first).days + 1)
    since, until = _at(first, 0), _at(anchor + timedelta(days=1), 0)
    energi_team, stv_team = world.named(Team, ENERGI_TEAM), world.named(Team, STV_TEAM)
    energi = world.named(Initiative, "Energi til hinanden")
    karin, maja = world.named(Staff, ENERGI_LEADER), world.named(Staff, "Maja Rosendahl")

    def count(stmt) -> int:
        return int(session.exec(stmt).one())

    started = (select(func.count(Placement.id)).join(Citizen, Citizen.id == Placement.citizen_id)
               .where(Placement.start_date >= first, Placement.start_date <= anchor))
    # Counted as Mål counts it: the day a card reached "Forløb sikret", never when a row was written.
    done = goals.secured_placements(first=first, last=anchor)
    secured = count(select(func.count()).select_from(done)
                    .join(Citizen, Citizen.id == done.c.citizen_id)
                    .where(Citizen.team_id == energi_team.id))
    energi_started = count(started.where(Citizen.initiative_id == energi.id))
    stv_started = count(started.where(Citizen.team_id == stv_team.id))
    contacts = count(select(func.count(Contact.id)).join(Staff, Staff.id == Contact.staff_id)
                     .where(Staff.team_id == energi_team.id, Contact.contacted_at >= since,
                            Contact.contacted_at < until))
    agreements = count(select(func.count(Company.id)).where(
        Company.agreement_kind != "none", Company.agreement_since <= anchor))

    def on_track(current: int) -> int:
        return max(current + 1, math.floor(current * pace))

    period = {"period_start": first, "period_end": last}
    session.add_all([
        Goal(name="Sikrede forløb i kvartalet – Ungeindsatsen", scope="team",
             team_id=energi_team.id, metric="secured_placements", target=on_track(secured),
             owner_id=karin.id, **period),
        Goal(name="Opsøgende kontakter i kvartalet – Ungeindsatsen", scope="team",
             team_id=energi_team.id, metric="outreach_contacts", target=on_track(contacts),
             owner_id=karin.id, **period),
        Goal(name="Forløb startet i kvartalet – Energi til hinanden", scope="initiative",
             initiative_id=energi.id, metric="placements_started",
             target=max(energi_started + 1, math.ceil(energi_started * pace * 1.3)),
             owner_id=karin.id, **period),
        Goal(name="Job eller uddannelse efter 6 måneder – Energi til hinanden",
             scope="initiative", initiative_id=energi.id, metric="share_job_or_education",
             months=6, target=0.5, owner_id=karin.id, **period),
        Goal(name="Forløb startet i kvartalet – STV-teamet", scope="team", team_id=stv_team.id,
             metric="placements_started", target=max(1, stv_started - stv_started // 5),
             owner_id=maja.id, **period),
        Goal(name="Virksomheder med samarbejdsaftale", scope="period",
             metric="companies_with_agreement", target=max(1, agreements - agreements % 5),
             owner_id=maja.id, **period),
    ])


def create_demo_accounts(session: Session) -> dict[str, str]:
    """One account per role with a freshly generated password; returns username -> password."""
    by_name = {s.name: s for s in session.exec(Staff.__table__.select()).all()}
    passwords = {}
    for username, role, staff_name in DEMO_ACCOUNTS:
        password = auth.generate_password()
        staff_id = by_name[staff_name].id if staff_name else None
        auth.create_user(session, username=username, role=role, password=password,
                         staff_id=staff_id)
        passwords[username] = password
    return passwords


def fill(engine: Engine, seed: int = SEED, anchor: date | None = None,
         now: datetime | None = None) -> dict[str, str]:
    """Fill the demo and its accounts in one transaction; returns the generated passwords."""
    with write_session(engine) as session:
        generate(session, seed, anchor, now)
        passwords = create_demo_accounts(session)
        session.commit()
    return passwords


CONFIGURATION_TABLES = {"follow_up_cadence", "retention_policy"}


def wipe(engine: Engine) -> None:
    """Delete every row of every data table, children first, in one transaction; settings stay."""
    with write_session(engine) as session:
        # The audit log is append-only; its one way out is the purge (here: everything).
        audit.purge_older_than(session, datetime.max.replace(tzinfo=LOCAL_TZ))
        # The retention periods stay; who last changed them goes with the accounts.
        session.execute(update(RetentionPolicy).values(updated_by=None))
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in CONFIGURATION_TABLES:
                session.execute(delete(table))
        session.commit()


def print_accounts(passwords: dict[str, str], out=print) -> None:
    roles = {u: r for u, r, _ in DEMO_ACCOUNTS}
    out("Jobtavlen demo-konti (adgangskoder genereret nu, vises kun her):")
    for username, password in passwords.items():
        out(f"  JOBTAVLEN-LOGIN {username} {password}  ({roles.get(username, '')})")


def main() -> None:
    from model.db import make_engine, migrate

    parser = argparse.ArgumentParser(description="Jobtavlen demo data")
    parser.add_argument("--reset", action="store_true", help="wipe the database and fill the demo")
    args = parser.parse_args()
    engine = make_engine()
    migrate(engine)
    if args.reset:
        wipe(engine)
    passwords = fill(engine)
    print_accounts(passwords)


if __name__ == "__main__":
    main()
