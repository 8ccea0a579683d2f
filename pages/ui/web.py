"""The few plain web routes next to the Streamlit app: the password login that sets the session
cookie, and the address a paired meeting screen opens. app.py serves them with `st.App`.

The cookie is set by these server responses, never by script in the browser: HttpOnly (no page
script can read it), SameSite=Strict (no other site's page can use it), Secure when the browser
reached us over https. Page loads without a valid session are sent to the login first.
"""

from __future__ import annotations

import html
from contextlib import asynccontextmanager
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from model import auth, i18n, sessions
from model.clock import LOCAL_TZ
from model.db import database_url
from pages.ui import figures

LOGIN = "/konto/login"
SCREEN = "/tv/{token}"
# Requests the login gate lets through: Streamlit's own routes and assets, and ours.
OPEN_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/auth/",
                 "/oauth2callback", "/konto/", "/tv/", "/favicon")
SECURITY_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin",
                    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                               "form-action 'self'; frame-ancestors 'none'"}

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "Source Sans Pro", "Segoe UI", Roboto, sans-serif; background: #f0f2f6;
       color: #262730; margin: 0; }}
main {{ max-width: 26rem; margin: 10vh auto; background: #fff; padding: 2rem 2.25rem;
        border-radius: 0.75rem; box-shadow: 0 1px 4px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.6rem; margin: 0 0 0.5rem; }}
p.note {{ color: #6b6f7b; font-size: 0.9rem; margin: 0 0 1.25rem; }}
label {{ display: block; font-size: 0.9rem; margin: 0.9rem 0 0.3rem; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1rem; padding: 0.55rem 0.7rem;
         border: 1px solid #d5d7de; border-radius: 0.5rem; }}
button {{ margin-top: 1.4rem; width: 100%; font-size: 1rem; padding: 0.6rem; border: 0;
          border-radius: 0.5rem; background: #ff4b4b; color: #fff; cursor: pointer; }}
p.error {{ background: #ffecec; color: #7d1a1a; padding: 0.7rem 0.9rem; border-radius: 0.5rem; }}
nav {{ margin-top: 1.2rem; font-size: 0.9rem; }}
</style></head>
<body><main>{body}</main></body></html>"""


def _engine():
    from pages.ui import _engine_for  # the app's one migrated engine per process and database

    return _engine_for(database_url())


@asynccontextmanager
async def prepared(_app):
    """On start: the database migrated (and on first start the demo filled) before any request;
    then Resultater's opening charts drawn in the background."""
    figures.warm_up(await run_in_threadpool(_engine))
    yield


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another host to send the user to after the login."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _language(request: Request) -> str:
    chosen = request.query_params.get("lang")
    return chosen if chosen in i18n.LANGUAGES else i18n.default_language()


def _is_https(request: Request) -> bool:
    return (request.url.scheme == "https"
            or request.headers.get("x-forwarded-proto", "").lower() == "https")


def _respond(body: str, lang: str, status: int = 200) -> HTMLResponse:
    page = PAGE.format(lang=lang, title="Jobtavlen", body=body)
    return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)


def _login_page(lang: str, next_path: str, error: str = "", username: str = "",
                status: int = 200) -> HTMLResponse:
    def t(key: str, **params) -> str:
        return html.escape(i18n.t(key, lang, **params))

    other = [code for code in i18n.LANGUAGES if code != lang][0]
    other_link = f"{LOGIN}?{urlencode({'lang': other, 'next': next_path})}"
    body = (
        f"<h1>{t('login.title')}</h1>"
        f"<p class='note'>{t('app.logged_notice')}</p>"
        + (f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else "")
        + f"<form method='post' action='{LOGIN}?{urlencode({'lang': lang})}'>"
        f"<input type='hidden' name='next' value='{html.escape(next_path, quote=True)}'>"
        f"<label for='username'>{t('login.username')}</label>"
        f"<input id='username' name='username' autocomplete='username' required autofocus "
        f"value='{html.escape(username, quote=True)}'>"
        f"<label for='password'>{t('login.password')}</label>"
        f"<input id='password' name='password' type='password' "
        f"autocomplete='current-password' required>"
        f"<button type='submit'>{t('login.submit')}</button></form>"
        f"<nav><a href='{html.escape(other_link, quote=True)}'>"
        f"{html.escape(i18n.LANGUAGE_NAMES[other])}</a></nav>")
    return _respond(body, lang, status)


def _moment(value) -> str:
    local = value.astimezone(LOCAL_TZ)
    return f"{i18n.format_date(local)} {local:%H:%M}"


def _same_origin(request: Request) -> bool:
    """A login form posted from our own page (browsers send Origin with every POST)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


def _session_cookie(response: Response, request: Request, token: str, *,
                    max_age: int | None = None) -> None:
    response.set_cookie(sessions.COOKIE, token, max_age=max_age, path="/", httponly=True,
                        samesite="strict", secure=_is_https(request))


def login_page(request: Request) -> Response:
    lang = _language(request)
    return _login_page(lang, _safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    if request.method == "GET":
        return login_page(request)
    lang = _language(request)
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    next_path = _safe_next(str(form.get("next", "/")))
    if not _same_origin(request):
        return _login_page(lang, next_path, i18n.t("login.failed", lang), status=403)
    address = auth.client_address(request.headers,
                                  request.client.host if request.client else None)
    user_agent = request.headers.get("user-agent", "")

    def sign_in() -> str | None:
        engine = _engine()
        actor = auth.authenticate(engine, username, password, source=address)
        if actor is None:
            return None
        return sessions.start(engine, actor.user_id, address=address, user_agent=user_agent)

    try:
        token = await run_in_threadpool(sign_in)
    except (auth.AccountLocked, auth.SourceBlocked) as locked:
        return _login_page(lang, next_path, i18n.t(locked.key, lang, until=_moment(locked.until)),
                           username, status=429)
    except auth.SlowDown as wait:
        return _login_page(lang, next_path, i18n.t(wait.key, lang, seconds=wait.seconds),
                           username, status=429)
    if token is None:
        return _login_page(lang, next_path, i18n.t("login.failed", lang), username, status=401)
    response = RedirectResponse(next_path, status_code=303, headers=SECURITY_HEADERS)
    _session_cookie(response, request, token)
    return response


async def open_screen(request: Request) -> Response:
    """The address a paired TV opens: a long-lived session cookie, then its meeting screen."""
    lang = i18n.default_language()
    address = auth.client_address(request.headers,
                                  request.client.host if request.client else None)
    opened = await run_in_threadpool(
        sessions.open_screen_link, _engine(), request.path_params["token"], address=address,
        user_agent=request.headers.get("user-agent", ""))
    if opened is None:
        body = (f"<h1>{html.escape(i18n.t('screen_link.unknown_title', lang))}</h1>"
                f"<p>{html.escape(i18n.t('screen_link.unknown', lang))}</p>")
        return _respond(body, lang, status=404)
    token, team_id, sprint_id = opened
    query = {"team": team_id, **({"sprint": sprint_id} if sprint_id else {})}
    response = RedirectResponse(f"/moedeskaerm?{urlencode(query)}", status_code=303,
                                headers=SECURITY_HEADERS)
    _session_cookie(response, request, token, max_age=sessions.SCREEN_COOKIE_DAYS * 86_400)
    return response


ROUTES = [Route(LOGIN, login, methods=["GET", "POST"]), Route(SCREEN, open_screen)]


class LoginGate:
    """Send a page load without a valid session to the login, and back after it. Streamlit's
    assets and websocket pass; the script checks the session again on every run. With the
    municipality's login (OIDC) configured, the app's own login screen offers both instead."""

    def __init__(self, app) -> None:
        self.app = app
        self._oidc: bool | None = None

    def _wants_login(self, scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        path = scope["path"]
        if path.startswith(OPEN_PREFIXES) or "." in path.rsplit("/", 1)[-1]:
            return False
        if self._oidc is None:
            from pages.ui import oidc_configured

            self._oidc = oidc_configured()
        return not self._oidc

    async def __call__(self, scope, receive, send) -> None:
        if not self._wants_login(scope):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = request.cookies.get(sessions.COOKIE)
        signed = await run_in_threadpool(sessions.resolve, _engine(), token) if token else None
        if signed is not None:
            await self.app(scope, receive, send)
            return
        target = scope["path"] + (f"?{request.url.query}" if request.url.query else "")
        if Headers(scope=scope).get("sec-fetch-site") == "cross-site":
            # A link from mail or chat: the browser held back the SameSite=Strict cookie. Load
            # the address again from here, which sends it (and comes back once, if none).
            refresh = html.escape(target, quote=True)
            response = HTMLResponse(f"<!doctype html><meta http-equiv='refresh' "
                                    f"content='0;url={refresh}'>", headers=SECURITY_HEADERS)
        else:
            response = RedirectResponse(f"{LOGIN}?next={quote(target, safe='')}",
                                        status_code=303, headers=SECURITY_HEADERS)
        await response(scope, receive, send)
