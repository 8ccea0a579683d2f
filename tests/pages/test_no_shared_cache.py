"""Nothing personal is cached across users: st.cache_data and st.cache_resource are shared by
every session of the process, so a cached citizen list would reach the next user."""

import re
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from model.tables import Citizen, Team
from tests.conftest import app_as, make_actor, page_text

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/borgere.py"
CACHE = re.compile(r"st\.cache_(data|resource)|@cache_(data|resource)|experimental_memo")
# The only cached things, with why they hold nothing personal.
ALLOWED = {
    ("pages/ui/__init__.py", "_engine_for"): "the database engine of the process, no rows",
    ("pages/ui/figures.py", "_drawn"): "aggregated figures without names, keyed by the "
                                         "data stamp and the teams whose citizens count",
}


def cached_functions() -> set[tuple[str, str]]:
    """(file, function) of every cache decorator in the app's Streamlit code."""
    found = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py"))]:
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if CACHE.search(line):
                following = next((text for text in lines[number:number + 4] if "def " in text), "")
                name = re.search(r"def (\w+)", following)
                found.add((str(path.relative_to(ROOT)), name.group(1) if name else line.strip()))
    return found


def test_only_the_engine_is_cached():
    assert cached_functions() == set(ALLOWED)


def team_names(engine, team_id: int) -> set[str]:
    with Session(engine) as session:
        return {f"{f} {l}" for f, l in session.execute(
            select(Citizen.first_name, Citizen.last_name).where(Citizen.team_id == team_id))}


def listed(at) -> set[str]:
    return set(at.dataframe[0].value["name"])


def everything(at) -> str:
    """The page's text, every table and every choice a widget offers."""
    parts = [page_text(at), *(frame.value.to_string() for frame in at.dataframe)]
    parts += [repr(box.options) for box in [*at.selectbox, *at.multiselect]]
    return "\n".join(parts)


def test_two_consultants_of_two_teams_never_see_each_others_citizens(app_db):
    with Session(app_db) as session:
        teams = {name: team_id for team_id, name in session.execute(select(Team.id, Team.name))}
    brondby, fredericia = teams["STV-teamet, Jobcenter Brøndby"], teams["Splejseordningen, Fredericia"]
    other = make_actor(app_db, "consultant", team_id=fredericia, name="Jesper Jobkonsulent")
    with Session(app_db) as session:
        session.add(Citizen(first_name="Viggo", last_name="Tebsen-Bølle", birth_year=1988,
                            team_id=fredericia))
        session.commit()
    ours, theirs = team_names(app_db, brondby), team_names(app_db, fredericia)
    # Demo names may repeat across teams; the leak check uses the names only one team has.
    only_ours, only_theirs = ours - theirs, theirs - ours
    assert "Viggo Tebsen-Bølle" in only_theirs and len(only_ours) > 20

    first = app_as(app_db, "konsulent", PAGE)
    second = app_as(app_db, other.username, PAGE)
    first.run()  # the first user again, after the second one's list was made
    second.run()

    for at in (first, second):
        assert not at.exception, at.exception
    assert listed(first) == ours
    assert listed(second) == theirs
    assert [name for name in only_theirs if name in everything(first)] == []
    assert [name for name in only_ours if name in everything(second)] == []
