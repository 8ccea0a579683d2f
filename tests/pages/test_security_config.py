"""Production settings and HTML: XSRF on, no error details, an upload limit that fits the import,
no usage statistics, and raw HTML only ever from constant strings written in the code."""

import ast
import tomllib
from pathlib import Path

import pytest

from model import importing

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([ROOT / "app.py", *ROOT.glob("pages/**/*.py"), *ROOT.glob("model/**/*.py")])
HTML_CALLS = {"html"}  # st.html, components.html: raw HTML whatever the arguments


def test_the_streamlit_config_is_set_for_production():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] in (False, "none")
    assert config["browser"]["gatherUsageStats"] is False
    limit = config["server"]["maxUploadSize"] * 1024 * 1024
    # Large enough that the import's own size message shows, not Streamlit's; not much larger.
    assert importing.MAX_IMPORT_BYTES <= limit <= 5 * importing.MAX_IMPORT_BYTES


def _constant_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def raw_html_with_data(source: str) -> list[int]:
    """Lines of calls that put non-constant text into raw HTML."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant)
                                                           and k.value.value is False)
                     for k in node.keywords)
        if name in HTML_CALLS or unsafe:
            texts = [*node.args, *(k.value for k in node.keywords if k.arg in ("body", "html"))]
            if not texts or not all(_constant_text(arg) for arg in texts):
                found.append(node.lineno)
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_raw_html_comes_only_from_constant_strings(path):
    assert raw_html_with_data(path.read_text()) == []


@pytest.mark.parametrize("source, lines", [
    ('st.markdown("<style>p {color: red}</style>", unsafe_allow_html=True)', []),
    ('st.markdown(f"<b>{name}</b>", unsafe_allow_html=True)', [1]),
    ('st.markdown("<b>" + name + "</b>", unsafe_allow_html=True)', [1]),
    ('st.markdown(text, unsafe_allow_html=True)', [1]),
    ('st.markdown(text, unsafe_allow_html=flag)', [1]),
    ('st.markdown(text)', []),
    ('st.html("<hr>")', []),
    ('st.html(body)', [1]),
    ('st.html(body=f"{x}")', [1]),
    ('components.html(page)', [1]),
    ('st.caption(text, unsafe_allow_html=False)', []),
])
def test_the_scan_finds_html_built_from_data(source, lines):
    assert raw_html_with_data(source) == lines
