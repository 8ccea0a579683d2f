"""`python -m model`: migrate the database and fill the demo on first start (prints logins)."""

from model.db import make_engine
from model.setup import prepare

prepare(make_engine())
