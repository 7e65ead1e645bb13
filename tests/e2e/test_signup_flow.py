"""A community is born in the browser: sign up, invite an owner with htmx, the owner joins.

Selectors are what a person reads — labels, roles, button names — not CSS classes.
"""

import re

from playwright.sync_api import expect

PASSWORD = "correct horse battery"


def _dashboard_url(live_server, slug):
    return re.compile(re.escape(f"{live_server}/c/{slug}/") + r"$")


def test_sign_up_invite_an_owner_and_the_owner_joins(live_server, page):
    # The landing page sends a newcomer to the sign-up form.
    page.goto(live_server + "/")
    page.get_by_role("main").get_by_role("button", name="Sign up your community").click()
    expect(page.get_by_role("heading", name="Sign up your community")).to_be_visible()

    page.get_by_label("Community name").fill("Rowan Gardens")
    page.get_by_label("Web address").fill("rowan-gardens")
    page.get_by_label("Currency").fill("CHF")
    page.get_by_label("Your name").fill("Ada Admin")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create community").click()

    # The new community's dashboard, as its admin.
    expect(page).to_have_url(_dashboard_url(live_server, "rowan-gardens"))
    expect(page.get_by_role("heading", level=1, name="Rowan Gardens")).to_be_visible()
    expect(page.get_by_role("main").get_by_text(re.compile(r"\badmin\b")).first).to_be_visible()

    # Members: invite an owner through the form; htmx swaps the section, no page load.
    page.get_by_role("navigation").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1, name="Members")).to_be_visible()
    page.evaluate("window.__levyNoReload = true")
    page.get_by_text("Add a member").click()
    invite_form = page.locator("form").filter(has=page.get_by_role("button", name="Add member"))
    invite_form.get_by_label("Name").fill("Olga Owner")
    invite_form.get_by_label("Email").fill("olga@example.org")
    invite_form.get_by_label("Role").select_option(label="Owner")
    invite_form.get_by_role("button", name="Add member").click()

    invite_link = page.get_by_label("Invite link")
    expect(invite_link).to_be_visible()
    expect(invite_link).to_have_value(re.compile(re.escape(live_server) + r"/invite/\S+$"))
    assert page.evaluate("window.__levyNoReload") is True, "the invite reloaded the page"
    olga = page.get_by_role("row").filter(has_text="olga@example.org")
    expect(olga).to_contain_text("owner")
    expect(olga).to_contain_text("invited")
    invite_url = invite_link.input_value()

    # Log out; the invite link works for a stranger with no session.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()

    page.goto(invite_url)
    expect(page.get_by_role("heading", name="Join Rowan Gardens")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Olga Owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Join").click()

    expect(page).to_have_url(_dashboard_url(live_server, "rowan-gardens"))
    expect(page.get_by_role("heading", level=1, name="Rowan Gardens")).to_be_visible()
    expect(page.get_by_role("main").get_by_text(re.compile(r"\bowner\b")).first).to_be_visible()
    # An owner's navigation has no admin areas.
    expect(page.get_by_role("navigation").get_by_role("link", name="Members")).to_have_count(0)
    assert not page.console_errors, page.console_errors


def test_public_pages_fit_a_phone(live_server, phone_page):
    """Usable on a phone (SPEC §6): no sideways scrolling on the pages a newcomer sees."""
    for path in ("/", "/signup", "/login"):
        phone_page.goto(live_server + path)
        expect(phone_page.get_by_role("main")).to_be_visible()
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a 390px screen"
