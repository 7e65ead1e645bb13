"""Every page fits a desk (1280 × 800) and a phone (390 × 844), in English and in Russian.

A community with long Russian and English names and amounts up to 999 999,99 is built through
the JSON API; an admin and an owner then open every page they have, at both sizes and in both
languages. A page fails when:

- the page scrolls sideways (`document.documentElement.scrollWidth > clientWidth`; measured
  against clientWidth, since on an emulated phone innerWidth grows with the content);
- at 1280 px, any element scrolls sideways inside itself (overflow-x auto/scroll and
  scrollWidth > clientWidth: a table wrapper with a scrollbar counts);
- at 390 px, the balance sheet or the readings grid scrolls inside its box (they have a card
  or stacked layout there; other tables may scroll inside their box on a phone);
- at 1280 px, the header wraps onto a second line (with the long Russian community name
  below), its items are under 14 px, or the open community switcher or "More" menu sticks
  out.

Each page is saved as a screenshot under tests/e2e/screenshots/ (git-ignored), named
`<role>-<lang>-<size>-<page>.png`, to look at.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _close_page, _open_page
from tests.e2e.live import PASSWORD, LiveCommunity, call

SHOTS = Path(__file__).resolve().parent / "screenshots"
SIZES = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SLUG = "berezovaya-roshcha"
COMMUNITY = "СНТ «Берёзовая роща у Большого Солнечного озера» Новосибирского района Новосибирской области"
OTHER = "The Old Orchard Allotment Holders' Association of Lower Wallop-on-the-Marsh"
BIG = "999999.99"

RU_OWNER = "Константинопольская-Преображенская Александра Вячеславовна"
EN_OWNER = "Bartholomew Montgomery-Fitzwilliam-Worthington the Third"
LONG_TEXT = (
    "Замена трансформатора на подстанции у северных ворот, включая демонтаж старого "
    "оборудования, вывоз мусора и пусконаладочные работы подрядчиком"
)


def build(base):
    """Q1 closed (opening debts for Q2, receivables), Q2 open with a record of every kind."""
    c = LiveCommunity(base, SLUG, COMMUNITY)
    post = c.post
    call(base, "POST", "/api/communities", {"community_name": OTHER, "slug": "old-orchard"}, c.token)
    c.patch(
        "/settings",
        owners_see_balance_sheet=True,
        currency="RUB",
        payment_details="ООО «Расчётный центр садоводов Новосибирской области», "
        "р/с 40702810123450000001, БИК 045004001\nНазначение: {name}",
    )
    ru = post(
        "/members",
        name=RU_OWNER,
        role="owner",
        email="aleksandra.konstantinopolskaya-preobrazhenskaya@berezovaya-roshcha.example",
    )
    c.join(ru)
    en = post(
        "/members",
        name=EN_OWNER,
        role="owner",
        email="bartholomew.montgomery-fitzwilliam@old-orchard-allotments.example",
    )
    nobody = post(
        "/members", name="Безымянный Владелец Участка Без Электронной Почты Номер Один", role="owner"
    )
    ada_id = next(
        m["member_id"]
        for m in call(base, "GET", "/api/me", token=c.token)["memberships"]
        if m["community_slug"] == SLUG
    )
    plots = []
    for label, owner, weight in (
        ("Участок № 1024 у северных ворот за водонапорной башней", ru["id"], "12.5"),
        ("Plot 17, the long one behind the orchard by the old pumping station", en["id"], "3"),
        ("Участок № 7 (угловой, с баней и гаражом у пожарного водоёма)", nobody["id"], "1"),
        ("Участок председателя", ada_id, "1"),
    ):
        plots.append(post("/properties", label=label, share_weight=weight, owner_member_id=owner)["id"])

    q1 = post(
        "/periods",
        name="Первый квартал 2026 года (январь — март), основной период",
        start_date="2026-01-01",
        end_date="2026-03-31",
    )["id"]
    post(
        f"/periods/{q1}/budget-items",
        payment_type="Охрана территории и видеонаблюдение",
        strategy="proportional",
        budgeted_cost=BIG,
    )
    post(
        f"/periods/{q1}/expenses",
        payment_type="Охрана территории и видеонаблюдение",
        amount=BIG,
        date="2026-01-15",
        vendor="ООО «Частное охранное предприятие Сибирский щит»",
        description=LONG_TEXT,
    )
    post(
        f"/periods/{q1}/contributions",
        member_id=ru["id"],
        amount="123456.78",
        date="2026-01-10",
        comment=LONG_TEXT,
    )
    job = post(f"/periods/{q1}/close")["job_id"]

    q2 = post(
        "/periods",
        name="Second quarter 2026 (April to June), the long summer period",
        start_date="2026-04-01",
        end_date="2026-06-30",
    )["id"]
    metered = [
        post(
            f"/periods/{q2}/budget-items",
            payment_type="Electricity for the street lights and the pumping station",
            strategy="usage_based",
            budgeted_cost=BIG,
            unit_rate="7.4321",
        )["id"],
        post(
            f"/periods/{q2}/budget-items",
            payment_type="Вода для полива (по счётчикам)",
            strategy="usage_based",
            budgeted_cost=BIG,
        )["id"],
    ]
    post(
        f"/periods/{q2}/budget-items",
        payment_type="Вывоз мусора и содержание контейнерной площадки",
        strategy="fixed_fee",
        budgeted_cost=BIG,
    )
    post(
        f"/periods/{q2}/expenses",
        payment_type="Вывоз мусора и содержание контейнерной площадки",
        amount=BIG,
        date="2026-04-15",
        paid_by_member_id=en["id"],
        vendor="Muldoon, Featherstonehaugh & Cholmondeley Waste Management Ltd",
        description=LONG_TEXT,
    )
    post(
        f"/periods/{q2}/expenses",
        payment_type="Unbudgeted emergency repairs of the main gate",
        amount="98765.43",
        date="2026-05-01",
    )
    for member in (ru, en):
        post(
            f"/periods/{q2}/contributions",
            member_id=member["id"],
            amount=BIG,
            date="2026-04-10",
            comment=LONG_TEXT,
        )
    post(
        f"/periods/{q2}/charges",
        member_id=en["id"],
        amount="45678.90",
        date="2026-05-20",
        description="Repair of the fence damaged by a tractor reversing into it " * 2,
    )
    post(
        f"/periods/{q2}/payouts",
        member_id=en["id"],
        amount="876543.21",
        date="2026-06-01",
        comment="Возврат расходов на вывоз мусора, оплаченных из личных средств",
    )
    post(
        f"/periods/{q2}/adjustments",
        member_id=ru["id"],
        amount="-999999.99",
        date="2026-06-02",
        reason=LONG_TEXT,
    )
    for item in metered:
        for plot, (start, end) in zip(plots, (("12345.678", "99999.999"), ("1", "2.5"))):
            post(
                f"/periods/{q2}/readings",
                property_id=plot,
                budget_item_id=item,
                start_reading=start,
                end_reading=end,
            )
    return {
        "q1": q1,
        "q2": q2,
        "job": job,
        "admin": c.admin_email,
        "owner": ru["email"],
        "member": en["id"],
        "property": plots[0],
    }


TABS = ("contributions", "expenses", "budget", "readings", "charges", "payouts", "adjustments", "sheet")


def pages(role, w):
    c, q1, q2 = f"/c/{SLUG}", w["q1"], w["q2"]
    shared = {
        "dashboard": f"{c}/",
        "periods": f"{c}/periods/",
        "q1": f"{c}/periods/{q1}/",
        "q1-sheet": f"{c}/periods/{q1}/sheet",
        **{f"q2-{tab}": f"{c}/periods/{q2}/{tab}" for tab in TABS},
        "statement": f"{c}/me/periods/{q1}/statement",
        "history": f"{c}/me/history",
        "why": f"{c}/me/why",
        "shared-sheet": f"{c}/me/periods/{q2}/balance-sheet",
        "account": "/account/",
    }
    if role == "owner":
        return shared
    return {
        **shared,
        "members": f"{c}/members/",
        "member-edit": f"{c}/members/{w['member']}/edit",
        "properties": f"{c}/properties/",
        "property-edit": f"{c}/properties/{w['property']}/edit",
        "settings": f"{c}/settings/",
        "audit": f"{c}/audit/",
        "tokens": "/tokens/",
        "receivables": f"{c}/receivables",
        "reminders": f"{c}/reminders",
        "import-properties": f"{c}/properties/import",
        "import-contributions": f"{c}/periods/{q2}/import",
        "close-job": f"{c}/jobs/{w['job']}",
        "new-community": "/account/communities/new",
    }


MEASURE = """(desk) => {
  const de = document.documentElement, problems = [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\\s+/).join('.');
    const text = (el.innerText || '').trim().slice(0, 40).replace(/\\s+/g, ' ');
    return text ? `${s} "${text}"` : s;
  };
  const width = de.clientWidth;
  if (de.scrollWidth > width) {
    const out = [...document.body.querySelectorAll('*')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width && r.right > width + 1 && getComputedStyle(el).position !== 'fixed';
    }).filter((el, _, all) => !all.some((o) => o !== el && el.contains(o)));
    problems.push(`the page scrolls sideways: ${de.scrollWidth}px > ${width}px; sticking out: `
                  + out.slice(0, 5).map(name).join(' | '));
  }
  for (const el of document.body.querySelectorAll('*')) {
    const ox = getComputedStyle(el).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      const grid = el.querySelector('#sheet-rows, #readings-grid table') || el.closest('#readings-grid');
      if (desk || grid)
        problems.push(`${name(el)} scrolls inside: ${el.scrollWidth}px > ${el.clientWidth}px`);
    }
  }
  if (desk) {
    const items = [...document.querySelectorAll('body > header nav > ul > li')]
      .filter((li) => li.getBoundingClientRect().height);
    const tops = items.map((li) => { const r = li.getBoundingClientRect(); return (r.top + r.bottom) / 2; });
    if (tops.length && Math.max(...tops) - Math.min(...tops) > 8)
      problems.push('the header wraps: ' + items.map((li, i) => `${name(li)}@${tops[i]}`).join(', '));
    for (const li of items) {
      const size = parseFloat(getComputedStyle(li).fontSize);
      if (size < 13.9) problems.push(`${name(li)} in the header is ${size}px, under 14px`);
    }
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def world(live_server):
    return build(live_server)


def log_in(page, base, email):
    page.goto(base + "/login?lang=en")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("size", ["desk", "phone"])
@pytest.mark.parametrize("role", ["admin", "owner"])
def test_every_page_fits(live_server, browser, world, role, size, lang):
    phone = size == "phone"
    extra = {"is_mobile": True, "has_touch": True} if phone else {}
    context, page = _open_page(browser, SIZES[size], **extra)
    SHOTS.mkdir(exist_ok=True)
    failures = []
    try:
        log_in(page, live_server, world[role])
        for key, path in pages(role, world).items():
            response = page.goto(f"{live_server}{path}?lang={lang}")
            assert response.ok, f"{path}: {response.status}"
            page.wait_for_load_state("load")
            where = f"{role} {lang} {size} {key} ({path})"
            failures += [f"{where}: {p}" for p in page.evaluate(MEASURE, not phone)]
            page.screenshot(path=SHOTS / f"{role}-{lang}-{size}-{key}.png", full_page=True)

        # The header: owners have no Tokens item; the open community switcher fits.
        page.goto(f"{live_server}/c/{SLUG}/?lang={lang}")
        tokens = page.locator("body > header a[href$='/tokens/']")
        if role == "owner":
            assert tokens.count() == 0, f"{lang} {size}: an owner sees the Tokens menu item"
        switcher = page.locator("body > header details.dropdown")
        switcher.locator("summary").first.click()
        expect(switcher.locator("ul").first).to_be_visible()
        failures += [f"{role} {lang} {size} open switcher: {p}" for p in page.evaluate(MEASURE, not phone)]
        page.screenshot(path=SHOTS / f"{role}-{lang}-{size}-switcher.png")
        # The "More" menu (admins: bank, audit, settings, tokens) opens within the screen.
        more = page.locator("body > header details.more-menu")
        if role == "admin":
            switcher.locator("summary").first.click()  # closed again
            more.locator("summary").click()
            expect(more.locator("ul")).to_be_visible()
            failures += [
                f"{role} {lang} {size} open More menu: {p}" for p in page.evaluate(MEASURE, not phone)
            ]
            box, width = (
                more.locator("ul").bounding_box(),
                page.evaluate("document.documentElement.clientWidth"),
            )
            if box["x"] < 0 or box["x"] + box["width"] > width + 1:
                failures.append(f"{role} {lang} {size}: the More menu sticks out: {box}")
            page.screenshot(path=SHOTS / f"{role}-{lang}-{size}-more.png")
    finally:
        _close_page(context, page)
    assert not failures, "\n".join(failures)
