"""Partnerskaber: partnerships and partners, the hours and wage cost of pocket-money jobs per payer
and month (hand-computed, across month and year boundaries), and reach against the target; on
SQLite and PostgreSQL."""

from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session, select

from model import partnerships
from model.errors import AccessDenied, ValidationError
from model.tables import AuditLog, Citizen, Company, Initiative, Partner, Partnership, Placement

AS_OF = date(2026, 4, 10)


def add(engine, *rows) -> list[int]:
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


@pytest.fixture
def pocket_money(engine):
    """Lommepengejob in Brøndby Strand (paid by a housing organisation and the municipality) and
    another partnership's job, a job without a payer and an internship paid by the same partner."""
    [initiative] = add(engine, Initiative(name="Lommepengejob"))
    strand, other = add(engine, Partnership(name="Lommepengejob i Brøndby Strand",
                                            initiative_id=initiative, target_reach=40),
                        Partnership(name="Jobløft Silkeborg"))
    housing, municipality, supplier = add(
        engine,
        Partner(partnership_id=strand, name="Boligselskabet Strandparken", kind="boligorganisation",
                pays_for="De unges løn"),
        Partner(partnership_id=strand, name="Brøndby Kommune", kind="kommune",
                pays_for="Jobkonsulentens tid"),
        Partner(partnership_id=other, name="Tømrer Hansen", kind="virksomhed"))
    [company] = add(engine, Company(name="Strand Café"))
    young = dict(zip(("ali", "bea", "cem", "dan", "eva", "fie", "gus", "hal"), add(engine, *(
        Citizen(first_name=name, last_name="Test", birth_year=2011,
                initiative_id=initiative if name in ("Fie", "Gus", "Hal") else None)
        for name in ("Ali", "Bea", "Cem", "Dan", "Eva", "Fie", "Gus", "Hal")))))

    def job(who, start, payer, hours, wage, kind="lommepengejob", **end):
        return Placement(citizen_id=young[who], company_id=company, kind=kind, start_date=start,
                         hours_per_week=hours, hourly_wage=wage, payer_id=payer, **end)

    add(engine,
        # 20 Jan - 9 Feb, 4 h a week at 60 kr.: 12 days in January, 9 in February.
        job("ali", date(2026, 1, 20), housing, 4, 60, planned_end_date=date(2026, 2, 9)),
        # 25 Dec - 3 Jan across the new year, 7 h at 80 kr.: 7 days in December, 3 in January.
        job("ali", date(2025, 12, 25), municipality, 7, 80, planned_end_date=date(2026, 1, 3)),
        # Ended on 28 Feb although planned to April: the actual end counts. 28 days, 7 h at 70 kr.
        job("bea", date(2026, 2, 1), housing, 7, 70, planned_end_date=date(2026, 4, 30),
            actual_end_date=date(2026, 2, 28), status="completed"),
        # No end: it runs until AS_OF. 17 days in March, 10 in April, 3.5 h at 65 kr.
        job("cem", date(2026, 3, 15), municipality, 3.5, 65),
        # Another partnership's job, a job without a payer, and an internship: not Strand's costs.
        job("dan", date(2026, 1, 1), supplier, 7, 100, planned_end_date=date(2026, 1, 31)),
        job("eva", date(2026, 2, 1), None, 7, 50, planned_end_date=date(2026, 2, 14)),
        job("bea", date(2026, 3, 1), housing, 20, 0, kind="virksomhedspraktik"),
        # The initiative's own young people: one started (any kind), one starting after AS_OF.
        job("fie", date(2026, 3, 2), None, None, None, kind="virksomhedsbesoeg"),
        job("gus", date(2026, 5, 1), housing, 4, 60, planned_end_date=date(2026, 7, 31)))
    return {"strand": strand, "other": other, "housing": housing, "municipality": municipality,
            "supplier": supplier}


def test_hours_and_wage_cost_per_payer_and_month_match_the_hand_computed_values(engine, actor_factory,
                                                                              pocket_money):
    costs = partnerships.pocket_money_costs(engine, actor_factory("leader"),
                                            partnership_id=pocket_money["strand"], as_of=AS_OF)
    assert costs[["month", "payer", "placements", "hours", "wage_cost"]].values.tolist() == [
        [date(2025, 12, 1), "Brøndby Kommune", 1, 7.0, 560.0],                  # 7 × 7/7 × 80
        [date(2026, 1, 1), "Boligselskabet Strandparken", 1, 6.86, 411.43],     # 4 × 12/7 × 60
        [date(2026, 1, 1), "Brøndby Kommune", 1, 3.0, 240.0],                   # 7 × 3/7 × 80
        [date(2026, 2, 1), "Boligselskabet Strandparken", 2, 33.14, 2268.57],   # 4×9/7×60 + 7×28/7×70
        [date(2026, 3, 1), "Brøndby Kommune", 1, 8.5, 552.5],                   # 3.5 × 17/7 × 65
        [date(2026, 4, 1), "Brøndby Kommune", 1, 5.0, 325.0],                   # 3.5 × 10/7 × 65
        # Gus's job is planned from 1 May to 31 July: its months are budgeted already.
        [date(2026, 5, 1), "Boligselskabet Strandparken", 1, 17.71, 1062.86],   # 4 × 31/7 × 60
        [date(2026, 6, 1), "Boligselskabet Strandparken", 1, 17.14, 1028.57],   # 4 × 30/7 × 60
        [date(2026, 7, 1), "Boligselskabet Strandparken", 1, 17.71, 1062.86],
    ]
    assert costs["payer_id"].tolist() == [pocket_money[k] for k in (
        "municipality", "housing", "municipality", "housing", "municipality", "municipality",
        "housing", "housing", "housing")]


def test_without_a_partnership_every_pocket_money_job_counts_also_those_without_a_payer(
        engine, actor_factory, pocket_money):
    costs = partnerships.pocket_money_costs(engine, actor_factory("consultant"), as_of=AS_OF)
    january = costs[costs["month"] == date(2026, 1, 1)]
    assert january[["payer", "hours", "wage_cost"]].values.tolist() == [
        ["Boligselskabet Strandparken", 6.86, 411.43], ["Brøndby Kommune", 3.0, 240.0],
        ["Tømrer Hansen", 31.0, 3100.0]]
    february = costs[costs["month"] == date(2026, 2, 1)]
    assert february["payer"].fillna("").tolist() == ["Boligselskabet Strandparken", ""]
    assert february["wage_cost"].tolist() == [2268.57, 700.0]
    assert costs[costs["month"] == date(2026, 7, 1)]["hours"].tolist() == [17.71]


def test_a_later_as_of_date_lengthens_an_open_job(engine, actor_factory, pocket_money):
    costs = partnerships.pocket_money_costs(engine, actor_factory("leader"),
                                            partnership_id=pocket_money["strand"],
                                            as_of=date(2026, 5, 31))
    cem = costs[costs["payer"] == "Brøndby Kommune"].set_index("month")["hours"]
    assert (cem[date(2026, 4, 1)], cem[date(2026, 5, 1)]) == (15.0, 15.5)  # 30 and 31 days


def test_no_pocket_money_jobs_give_an_empty_cost_table(engine, actor_factory, pocket_money):
    costs = partnerships.pocket_money_costs(engine, actor_factory("leader"),
                                            partnership_id=pocket_money["other"] + 100)
    assert costs.empty and list(costs.columns) == partnerships.COST_COLUMNS


def test_reach_counts_distinct_young_people_paid_by_a_partner_or_in_the_initiative(
        engine, actor_factory, pocket_money):
    leader = actor_factory("leader")
    # Ali (twice), Bea and Cem are paid by partners; Fie belongs to the initiative; Gus starts later.
    assert partnerships.reach(engine, leader, pocket_money["strand"], as_of=AS_OF) == \
        {"reached": 4, "target": 40}
    assert partnerships.reach(engine, leader, pocket_money["strand"], as_of=date(2026, 5, 1)) == \
        {"reached": 5, "target": 40}
    assert partnerships.reach(engine, leader, pocket_money["other"], as_of=AS_OF) == \
        {"reached": 1, "target": None}
    with pytest.raises(ValidationError):
        partnerships.reach(engine, leader, 9999)


def test_partnerships_are_listed_with_their_initiative_and_partners(engine, actor_factory, pocket_money):
    consultant = actor_factory("consultant")
    listed = partnerships.list_partnerships(engine, consultant)
    assert listed[["name", "initiative", "partners"]].fillna("").values.tolist() == [
        ["Jobløft Silkeborg", "", 1], ["Lommepengejob i Brøndby Strand", "Lommepengejob", 2]]
    assert listed["target_reach"].tolist() == [pd.NA, 40]
    partners = partnerships.list_partners(engine, consultant, partnership_id=pocket_money["strand"])
    assert partners[["name", "kind", "pays_for"]].values.tolist() == [
        ["Boligselskabet Strandparken", "boligorganisation", "De unges løn"],
        ["Brøndby Kommune", "kommune", "Jobkonsulentens tid"]]


def test_a_leader_creates_a_partnership_and_adds_partners(engine, actor_factory):
    leader = actor_factory("leader")
    [initiative] = add(engine, Initiative(name="Jobløft"))
    new_id = partnerships.create_partnership(engine, leader, name=" Jobløft Viborg ",
                                             initiative_id=initiative, target_reach=25)
    partner_id = partnerships.add_partner(engine, leader, partnership_id=new_id, name="Mercantec",
                                          kind="uddannelsesinstitution", pays_for="Lokaler")
    with Session(engine) as session:
        stored = session.get(Partnership, new_id)
        partner = session.get(Partner, partner_id)
        logged = session.exec(select(AuditLog.action, AuditLog.table_name).order_by(AuditLog.id)).all()
    assert (stored.name, stored.initiative_id, stored.target_reach) == ("Jobløft Viborg", initiative, 25)
    assert (partner.partnership_id, partner.kind, partner.pays_for) == \
        (new_id, "uddannelsesinstitution", "Lokaler")
    assert logged == [("create", "partnership"), ("create", "partner")]


@pytest.mark.parametrize("fields, key", [
    ({"name": "  "}, "error.partnership_name_required"),
    ({"name": "x" * 121}, "error.partnership_text_too_long"),
    ({"name": "Ring 010190-1234"}, "error.cpr_in_text"),
    ({"target_reach": 0}, "error.partnership_target"),
    ({"target_reach": 12.5}, "error.partnership_target"),
    ({"initiative_id": 9999}, "error.not_found"),
    ({"name": "lommepengejob i brøndby strand"}, "error.partnership_exists"),
])
def test_bad_partnerships_are_refused(engine, actor_factory, pocket_money, fields, key):
    with pytest.raises(ValidationError) as refused:
        partnerships.create_partnership(engine, actor_factory("admin"), **({"name": "Ny"} | fields))
    assert refused.value.key == key
    assert len(partnerships.list_partnerships(engine, actor_factory("admin"))) == 2


@pytest.mark.parametrize("fields, key", [
    ({"kind": "bank"}, "error.partner_kind"),
    ({"name": ""}, "error.partnership_name_required"),
    ({"pays_for": "x" * 201}, "error.partnership_text_too_long"),
    ({"name": "BRØNDBY KOMMUNE"}, "error.partner_exists"),
    ({"partnership_id": 9999}, "error.not_found"),
])
def test_bad_partners_are_refused(engine, actor_factory, pocket_money, fields, key):
    base = {"partnership_id": pocket_money["strand"], "name": "Brøndby Strand Projektet",
            "kind": "andet"}
    with pytest.raises(ValidationError) as refused:
        partnerships.add_partner(engine, actor_factory("leader"), **(base | fields))
    assert refused.value.key == key


@pytest.mark.parametrize("role", ["consultant", "caseworker", "mentor", "screen"])
def test_only_leaders_and_admins_create_partnerships_and_partners(engine, actor_factory, pocket_money,
                                                                   role):
    actor = actor_factory(role)
    with pytest.raises(AccessDenied):
        partnerships.create_partnership(engine, actor, name="Ny")
    with pytest.raises(AccessDenied):
        partnerships.add_partner(engine, actor, partnership_id=pocket_money["strand"], name="Ny",
                                 kind="andet")


@pytest.mark.parametrize("first, last, months", [
    (date(2026, 1, 31), date(2026, 1, 31), [date(2026, 1, 1)]),
    (date(2025, 11, 15), date(2026, 2, 1), [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1),
                                            date(2026, 2, 1)]),
])
def test_month_starts(first, last, months):
    assert partnerships.month_starts(first, last) == months


def test_unpaid_pocket_money_jobs_get_a_payer_and_then_count_under_it(engine, actor_factory,
                                                                       pocket_money):
    leader = actor_factory("leader")
    unpaid = partnerships.unpaid_pocket_money_jobs(engine, leader)
    assert unpaid[["first_name", "company", "start_date"]].values.tolist() == [
        ["Eva", "Strand Café", date(2026, 2, 1)]]
    assert partnerships.set_payer(engine, leader, placement_ids=unpaid["id"].tolist(),
                                  payer_id=pocket_money["housing"]) == 1
    assert partnerships.unpaid_pocket_money_jobs(engine, leader).empty
    costs = partnerships.pocket_money_costs(engine, leader, partnership_id=pocket_money["strand"],
                                            as_of=AS_OF)
    february = costs[costs["month"] == date(2026, 2, 1)]
    assert february["wage_cost"].tolist() == [2968.57]  # 2268.57 + 14 h × 50 kr.
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.detail).where(AuditLog.table_name == "placement")).all()
    assert logged == [f"payer={pocket_money['housing']}"]


@pytest.mark.parametrize("which, key", [
    ("none", "error.payer_no_jobs"),
    ("internship", "error.not_found"),   # not a pocket-money job
    ("other_team", "error.not_found"),
    ("bad_payer", "error.not_found"),
])
def test_a_payer_is_set_only_on_visible_pocket_money_jobs(engine, actor_factory, pocket_money,
                                                          which, key):
    mine, theirs = actor_factory("consultant"), actor_factory("consultant")
    with Session(engine) as session:
        # Every citizen of the fixture belongs to the consultant's team, Eva to the other team.
        for citizen in session.exec(select(Citizen)).all():
            citizen.team_id = theirs.team_id if citizen.first_name == "Eva" else mine.team_id
            session.add(citizen)
        session.commit()
        internship = session.exec(select(Placement.id)
                                  .where(Placement.kind == "virksomhedspraktik")).one()
    unpaid = partnerships.unpaid_pocket_money_jobs(engine, theirs)["id"].tolist()
    assert partnerships.unpaid_pocket_money_jobs(engine, mine).empty
    ids = {"none": [], "internship": [internship], "other_team": unpaid, "bad_payer": unpaid}[which]
    actor = theirs if which == "bad_payer" else mine  # mine sees the internship, not Eva's job
    payer = 9999 if which == "bad_payer" else pocket_money["housing"]
    with pytest.raises(ValidationError) as refused:
        partnerships.set_payer(engine, actor, placement_ids=ids, payer_id=payer)
    assert refused.value.key == key
    assert partnerships.unpaid_pocket_money_jobs(engine, theirs)["id"].tolist() == unpaid


def test_costs_are_split_at_today_into_days_worked_and_days_still_planned(engine, actor_factory,
                                                                        pocket_money):
    """Gus works 1 May - 31 July, 4 h a week at 60 kr.; on 15 May, 15 of May's days are worked and
    16 planned, June and July are all planned; Cem's open job runs only to today."""
    costs = partnerships.pocket_money_costs(engine, actor_factory("leader"),
                                            partnership_id=pocket_money["strand"],
                                            as_of=date(2026, 5, 15))
    by_month = costs.set_index(["month", "payer"])
    assert by_month.loc[(date(2026, 5, 1), "Boligselskabet Strandparken"),
                        ["hours_done", "wage_cost_done", "hours_planned", "wage_cost_planned"]
                        ].tolist() == [8.57, 514.29, 9.14, 548.57]          # 4 × 15/7 and 4 × 16/7
    assert by_month.loc[(date(2026, 5, 1), "Brøndby Kommune"),
                        ["hours_done", "hours_planned"]].tolist() == [7.5, 0.0]  # 3.5 × 15/7
    june = by_month.loc[(date(2026, 6, 1), "Boligselskabet Strandparken")]
    assert (june["wage_cost_done"], june["wage_cost_planned"]) == (0.0, 1028.57)
    before_may = costs[costs["month"] < date(2026, 5, 1)]
    assert (before_may["wage_cost_planned"] == 0).all()
    assert (before_may["wage_cost_done"] == before_may["wage_cost"]).all()
    assert ((costs["wage_cost_done"] + costs["wage_cost_planned"] - costs["wage_cost"]).abs()
            <= 0.011).all()


@pytest.mark.parametrize("reached, shown", [(0, 0), (1, None), (4, None), (5, 5), (40, 40)])
def test_a_reach_under_five_young_people_is_not_shown(reached, shown):
    assert partnerships.shown_reach({"reached": reached, "target": 40}, min_size=5) == \
        {"reached": shown, "target": 40}


def test_the_number_of_jobs_under_five_is_hidden_and_the_money_stays():
    costs = pd.DataFrame({"placements": [1, 4, 5, 0], "wage_cost": [100.0, 400.0, 500.0, 0.0]})
    shown = partnerships.shown_costs(costs, min_size=5).marked("for få")
    assert shown.values.tolist() == [["for få", 100.0], ["for få", 400.0], [5, 500.0], [0, 0.0]]
