"""The demo: a deterministic generator, filled in on first start.

The Brøndby intensive week lies where the story puts it (uge 39, 2026); the running placements,
their follow-ups, contacts and measurements are laid out around `anchor` (the day the demo is
made), so lists of what is due today are alive whenever the demo is filled. The same seed and
anchor give the same rows. Run `python -m model.demo --reset` to wipe and fill it again.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from model import auth
from model.db import write_session
from model.metrics import LOCAL_TZ
from model.tables import (
    AgendaItem,
    Citizen,
    Company,
    Contact,
    FollowUp,
    FollowUpCadence,
    HousingArea,
    HousingAreaFigure,
    Initiative,
    Outcome,
    Partner,
    Partnership,
    Placement,
    Progression,
    Sprint,
    SprintCard,
    SprintConsultant,
    Staff,
    StageChange,
    Team,
)

SEED = 39
DEMO_MARK = "[DEMO]"
UGE39_MONDAY = date(2026, 9, 21)

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
    ("Strandens Bageri ApS", "Bager og kiosk", "samarbejdsaftale"),
    ("Vestegnens VVS ApS", "Bygge og anlæg", "partnerskabsaftale"),
    ("Kirkebjerg Lager A/S", "Lager og logistik", "virksomhedscenter"),
    ("Park Allé Plejecenter", "Pleje og omsorg", "virksomhedscenter"),
    ("Brøndby Kantine & Café", "Køkken og kantine", "samarbejdsaftale"),
    ("Søndre Vej Autoværksted", "Auto og mekanik", "none"),
    ("Grøn Have Anlæg", "Grønne områder", "samarbejdsaftale"),
    ("Vestvolden Rengøring ApS", "Rengøring", "partnerskabsaftale"),
    ("Nørregårds Kontorservice", "Kontor og administration", "none"),
    ("Byggeriets Genbrug ApS", "Genbrug og affald", "samarbejdsaftale"),
    ("Strand Café", "Køkken og kantine", "none"),
    ("Boligselskabets Ejendomskontor", "Ejendomsservice", "partnerskabsaftale"),
]
UGE39_PROGRAMME = [
    (0, "formiddag", "Opstart: hver konsulent præsenterer sine tre borgere, og teamet sætter målet"),
    (0, "eftermiddag", "Faglig sparring konsulenterne imellem om borgernes muligheder"),
    (1, "formiddag", "Brug af virksomhedscentre og behovet for nye samarbejdsaftaler"),
    (1, "eftermiddag", "Opsøgende arbejde med virksomhederne"),
    (2, "hele dagen", "Opsøgende arbejde med virksomhederne"),
    (2, "eftermiddag", "Fællesmøde: hvilke krav stiller vi til borgerne i praktikforløb?"),
    (3, "hele dagen", "Opsøgende arbejde med virksomhederne"),
    (4, "formiddag", "Opsøgende arbejde med virksomhederne"),
    (4, "eftermiddag", "Fælles opsamling med sagsbehandlere og mentorer"),
]
# Secured per day of uge 39 (Tuesday to Friday): 3, 7, 7, 4 = 21 of 24.
SECURED_PER_DAY = {1: 3, 2: 7, 3: 7, 4: 4}
DEMO_ACCOUNTS = [
    ("admin", "admin", None),
    ("leder", "leader", "Maja Rosendahl"),
    ("konsulent", "consultant", STAFF_NAMES[0]),
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


def generate(session: Session, seed: int = SEED, anchor: date | None = None) -> dict[str, int]:
    """Add the demo rows to an empty database; the same seed and anchor give the same rows."""
    rng = random.Random(seed)
    anchor = anchor or date.today()
    team = Team(name="STV-teamet, Jobcenter Brøndby")
    session.add(team)
    session.flush()

    stv = Initiative(name="STV", description=f"{DEMO_MARK} Særligt Tilrettelagt Virksomhedsforløb",
                     start_date=date(2026, 1, 1), end_date=date(2027, 12, 31),
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
            wishes=rng.sample(["lager", "køkken", "rengøring", "pleje", "butik", "byg"], 2),
            qualifications=rng.sample(["truckcertifikat", "hygiejnebevis", "kørekort B",
                                       "dansk 2"], 1),
        )
        session.add(citizen)
        return citizen

    uge39 = Sprint(name="Uge 39 – Brøndby", team_id=team.id, start_date=UGE39_MONDAY,
                   end_date=UGE39_MONDAY + timedelta(days=4), goal_count=16,
                   focus="Virksomhedsrettede forløb til aktivitetsparate kontanthjælpsmodtagere",
                   kind="intensive_week", status="running")
    session.add(uge39)
    session.flush()
    for offset, part, title in UGE39_PROGRAMME:
        session.add(AgendaItem(sprint_id=uge39.id, day=UGE39_MONDAY + timedelta(days=offset),
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
        moves = [("selected", _at(UGE39_MONDAY, 9, rng.randint(0, 50))),
                 ("clarified", _at(UGE39_MONDAY, rng.randint(12, 15), rng.randint(0, 59)))]
        company = rng.choice(companies)
        if index in secured_day:
            day = secured_day[index]
            dialogue_day = UGE39_MONDAY + timedelta(days=max(1, day - rng.randint(0, 1)))
            moves.append(("dialogue", _at(dialogue_day, rng.randint(9, 11), rng.randint(0, 59))))
            moves.append(("secured", _at(UGE39_MONDAY + timedelta(days=day),
                                         rng.randint(12, 15), rng.randint(0, 59))))
        elif index == unsecured[-1]:
            moves.append(("parked", _at(UGE39_MONDAY + timedelta(days=2), 14)))
            card.park_reason = "Sygdom i ugen – tages op i månedlig sparring"
            company = None
        else:
            moves.append(("dialogue", _at(UGE39_MONDAY + timedelta(days=3), 10)))
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
            start = UGE39_MONDAY + timedelta(days=7 + rng.randint(0, 7))
            placement = Placement(citizen_id=citizen.id, company_id=company.id,
                                  consultant_id=consultant.id, kind=kind, start_date=start,
                                  planned_end_date=start + timedelta(weeks=rng.choice([4, 8, 13])),
                                  hours_per_week=rng.choice([10, 15, 20, 25]), status="active",
                                  sprint_id=uge39.id)
            session.add(placement)
            session.flush()
            card.placement_id = placement.id
            placements.append(placement)
        _contacts_about_card(session, rng, card, consultant, company, moves, anchor)

    sparring = Sprint(name="Månedlig sparring – oktober", team_id=team.id,
                      start_date=date(2026, 10, 28), end_date=date(2026, 10, 28), goal_count=2,
                      focus="Tre udvalgte borgere i fokus", kind="monthly_sparring",
                      status="closed", closed_at=_at(date(2026, 10, 28), 15))
    session.add(sparring)
    session.flush()
    session.add(AgendaItem(sprint_id=sparring.id, day=sparring.start_date, part="formiddag",
                           title="Sparring om tre borgere"))
    for i, consultant in enumerate(consultants[:3]):
        session.add(SprintConsultant(sprint_id=sparring.id, staff_id=consultant.id))
        citizen = new_citizen(consultant)
        session.flush()
        stage = "secured" if i < 2 else "dialogue"
        card = SprintCard(sprint_id=sparring.id, citizen_id=citizen.id,
                          consultant_id=consultant.id, stage=stage,
                          stage_since=_at(sparring.start_date, 13 + i), version=2)
        session.add(card)
        session.flush()
        session.add(StageChange(card_id=card.id, to_stage="selected",
                                changed_at=_at(sparring.start_date, 9), changed_by=consultant.id))
        session.add(StageChange(card_id=card.id, from_stage="selected", to_stage=stage,
                                changed_at=_at(sparring.start_date, 13 + i),
                                changed_by=consultant.id))

    session.add(Sprint(name="Uge 12 – fokus på fastholdelse", team_id=team.id,
                       start_date=date(2027, 3, 22), end_date=date(2027, 3, 26), goal_count=12,
                       focus="Fastholdelse og ordinære timer", kind="intensive_week",
                       status="planned"))
    session.flush()

    for _, _, citizen in cards:
        first = rng.randint(2, 5)
        session.add(Progression(citizen_id=citizen.id, measured_at=UGE39_MONDAY, score=first))
        latest = max(UGE39_MONDAY, anchor - timedelta(days=7))
        session.add(Progression(citizen_id=citizen.id, measured_at=latest,
                                score=min(10, first + rng.randint(0, 3))))
    placements += _pocket_money_jobs(session, rng, team, area, companies, anchor)
    placements += _fredericia(session, rng, anchor)
    _outreach(session, rng, companies, consultants, anchor)
    for placement in placements:
        _follow_through(session, rng, placement, anchor)
    session.flush()
    return {"team_id": team.id, "uge39_id": uge39.id}


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
                         consultant: Staff, company: Company | None, moves: list,
                         anchor: date) -> None:
    """The outreach during uge 39 that moved a card; open next steps for those still in dialogue."""
    if company is None:
        return
    for i in range(rng.randint(1, 3)):
        day = UGE39_MONDAY + timedelta(days=rng.randint(1, 4))
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
    session.add_all([wages, Partner(partnership_id=partnership.id, name="Brøndby Kommune",
                                    kind="kommune", pays_for="Jobkonsulentens tid")])
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
                        wishes=rng.sample(["café", "kontor", "pleje", "køkken", "håndværk"], 2))
        session.add(youth)
        session.flush()
        placement = Placement(citizen_id=youth.id, company_id=rng.choice(workplaces).id,
                              consultant_id=consultant.id, kind="lommepengejob",
                              start_date=start, planned_end_date=start + timedelta(weeks=13),
                              hours_per_week=rng.choice([3, 4, 5, 6]),
                              hourly_wage=rng.choice([60, 65, 70, 75]), payer_id=wages.id)
        session.add(placement)
        placements.append(placement)
    session.flush()
    return placements


FREDERICIA_COMPANIES = [
    ("Trekantens Entreprise A/S", "Bygge og anlæg", "partnerskabsaftale"),
    ("Lillebælt Murer ApS", "Bygge og anlæg", "samarbejdsaftale"),
    ("Fredericia VVS & Blik", "Bygge og anlæg", "samarbejdsaftale"),
    ("Vestre Tømrer og Snedker", "Bygge og anlæg", "none"),
    ("Voldbyens Malerfirma", "Bygge og anlæg", "samarbejdsaftale"),
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
            consultant_id=consultant.id, wishes=["byg"],
            qualifications=rng.sample(["murer", "tømrer", "maler", "kørekort B", "truckcertifikat"], 2))
        session.add(citizen)
        session.flush()
        start = anchor - timedelta(days=rng.randint(3, 260))
        weeks = {"laerlingeplads": 52 * 3, "ordinaert_job": 52, "virksomhedspraktik": 8}[kind]
        placement = Placement(citizen_id=citizen.id, company_id=rng.choice(companies).id,
                              consultant_id=consultant.id, kind=kind, start_date=start,
                              planned_end_date=start + timedelta(weeks=weeks),
                              hours_per_week=37 if kind != "virksomhedspraktik" else 20)
        session.add(placement)
        placements.append(placement)
        session.add(Contact(company_id=placement.company_id, staff_id=consultant.id,
                            citizen_id=citizen.id, contacted_at=_at(start - timedelta(days=10), 10),
                            channel="visit", outcome="placement_agreed",
                            note="Fulgt med til jobsamtalen"))
    session.flush()
    return placements


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


def fill(engine: Engine, seed: int = SEED, anchor: date | None = None) -> dict[str, str]:
    """Fill the demo and its accounts in one transaction; returns the generated passwords."""
    with write_session(engine) as session:
        generate(session, seed, anchor)
        passwords = create_demo_accounts(session)
        session.commit()
    return passwords


CONFIGURATION_TABLES = {"follow_up_cadence"}


def wipe(engine: Engine) -> None:
    """Delete every row of every data table, children first, in one transaction; settings stay."""
    with write_session(engine) as session:
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
