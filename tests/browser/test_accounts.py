"""Accounts in the browser: an admin creates an account, the new user signs in with the password
shown once, must choose their own, and then sees the overview."""

from playwright.sync_api import expect

from tests.browser.conftest import login, open_page, screenshot, sign_in, wait_ready


def test_admin_creates_an_account_that_must_change_its_password(server, browser, page):
    sign_in(page, server, "admin")
    open_page(page, "Brugere og log")
    expect(page.get_by_role("heading", name="Brugere og log")).to_be_visible()

    form = page.locator('[data-testid="stForm"]').filter(has_text="Opret konto")
    form.get_by_label("Brugernavn").fill("ny.konsulent")
    form.locator('[data-testid="stSelectbox"]').nth(0).click()
    page.get_by_role("option", name="jobkonsulent").click()
    form.locator('[data-testid="stSelectbox"]').nth(1).click()
    page.get_by_role("option", name="Sanne Ibsen", exact=False).first.click()
    form.get_by_role("button", name="Opret konto").click()
    wait_ready(page)
    expect(page.get_by_text("Kontoen ny.konsulent er oprettet.")).to_be_visible()
    password = page.locator('[data-testid="stCode"] code').inner_text().strip()
    assert len(password) >= 12
    screenshot(page, "accounts-created")
    page.get_by_role("tab", name="Log").click()
    wait_ready(page)
    log = page.locator('[data-testid="stDataFrame"]').last
    expect(log).to_be_visible()
    screenshot(page, "accounts-log")

    # The new user, in a browser context of their own.
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    newcomer = context.new_page()
    newcomer.set_default_timeout(20_000)
    try:
        newcomer.goto(server.url)
        wait_ready(newcomer)
        newcomer.get_by_label("Brugernavn").fill("ny.konsulent")
        newcomer.get_by_label("Adgangskode").fill(password)
        newcomer.get_by_role("button", name="Log ind").click()
        wait_ready(newcomer)
        expect(newcomer.get_by_role("heading", name="Vælg din egen adgangskode")).to_be_visible()
        expect(newcomer.locator('[data-testid="stMetric"]')).to_have_count(0)
        screenshot(newcomer, "accounts-change-password")

        newcomer.get_by_label("Ny adgangskode", exact=True).fill("mit eget gode kodeord")
        newcomer.get_by_label("Gentag ny adgangskode").fill("mit eget gode kodeord")
        newcomer.get_by_role("button", name="Gem adgangskode").click()
        wait_ready(newcomer)
        expect(newcomer.get_by_role("heading", name="Overblik")).to_be_visible()
        expect(newcomer.get_by_text("Logget ind som Sanne Ibsen (jobkonsulent)")).to_be_visible()
        screenshot(newcomer, "accounts-overview")
    finally:
        context.close()

    # The shown password no longer works; the chosen one does.
    again = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    try:
        other = again.new_page()
        other.set_default_timeout(20_000)
        login(other, server.url, "ny.konsulent", "mit eget gode kodeord")
        expect(other.get_by_role("heading", name="Overblik")).to_be_visible()
    finally:
        again.close()
