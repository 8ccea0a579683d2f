"""A small run of the benchmark code, so `make bench` does not rot between runs (no timings asserted)."""

from sqlmodel import Session, func, select

from model.db import make_engine
from model.tables import Citizen, FollowUp, Placement, Sprint
from tests.benchmark import generate, run


def test_bulk_generation_adds_the_scaled_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    counts, _ = generate.build(url, scale=2)
    engine = make_engine(url)
    with Session(engine) as session:
        citizens = session.exec(select(func.count()).select_from(Citizen)).one()
        placements = session.exec(select(func.count()).select_from(Placement)).one()
        follow_ups = session.exec(select(func.count()).select_from(FollowUp)).one()
        still_open = session.exec(select(Sprint.name).where(Sprint.status != "closed")).all()
    engine.dispose()
    assert citizens == counts["citizen"] >= 2 * generate.UNIT["citizens"]
    assert placements >= 2 * generate.UNIT["placements"]
    assert follow_ups >= 2 * generate.UNIT["placements"] * generate.UNIT["follow_ups_per_placement"]
    # The generated sprints are closed; the demo's week stays the one the pages open on.
    assert not [name for name in still_open if name.startswith("Sprint ")]
    assert [name for name in still_open if name.startswith("Intensiv uge")]


def test_measurement_and_report_cover_every_page(tmp_path, monkeypatch):
    from model import access

    url = f"sqlite:///{tmp_path / 'bench.db'}"
    generate.build(url, scale=1)
    monkeypatch.setenv("DATABASE_URL", url)
    measured = run.measure(url, reps=1)
    assert set(measured["pages"]) == set(access.PAGES)
    assert all(page["median_ms"] > 0 for page in measured["pages"].values())
    assert all(page["after_change"]["median_ms"] > 0 for page in measured["pages"].values())
    assert set(measured["saves"]) == {"kontakt", "forløb", "opfølgning", "flyt kort"}
    results = {"started": "now", "machine": "test", "reps": 1,
               "runs": {"sqlite": {"1": {"generate_seconds": 1.0, "citizens": 1, "placements": 1,
                                         "follow_ups_and_contacts": 1, "measure": measured}}}}
    # One session: AppTests in threads share Streamlit's Runtime singleton, and a script thread
    # still ending when another session's run has torn it down raises a (harmless) warning.
    with run.serving_like_a_server():
        loaded = {"paced": run._load(url, 1, 1.0, (0.0, 0.1)), "saturated": run._load(url, 1, 1.0, None)}
    assert all(numbers["n"] > 0 and numbers["errors"] == 0 for numbers in loaded.values())
    results["runs"]["sqlite"]["1"]["load"] = loaded
    table = run.markdown(results)
    assert "| paced | 0-0.1 s |" in table and "| saturated | none (flat out) |" in table
    for page in access.PAGES:
        assert f"| {page} |" in table
    assert "1x after a change (ms)" in table
    assert "## Targets" in table
