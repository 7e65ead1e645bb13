"""A treasurer moves a cooperative in: a CSV of plots with Russian headers and decimal commas,
through the preview page, into the properties list. Selectors are what a person reads."""

from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, log_in

PLOTS = (
    "Участок;Площадь;Владелец;Email;Активен\n"
    'Участок 1;"12,5";Ada Admin;;да\n'
    "Участок 2;1 234,50;Нина Новая;nina@sosna.example;да\n"
    "Участок 10;3,85%;Пётр Петров;;нет\n"
).encode("cp1251")


def test_import_plots_through_the_preview_and_see_them(live_server, page, tmp_path):
    community = LiveCommunity(live_server, "sosna", "СНТ Сосна")
    log_in(page, live_server, community.admin_email)
    csv_file = tmp_path / "участки.csv"
    csv_file.write_bytes(PLOTS)

    page.get_by_role("navigation").get_by_role("link", name="Properties").click()
    page.get_by_role("link", name="Import properties and owners from a spreadsheet").click()
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Preview").click()

    # The preview: every row as it will be written; nothing written yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Import properties: preview")
    expect(page.locator("#import-summary")).to_contain_text("3 to create, 0 to update.")
    rows = page.locator("#import-rows tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Нина Новая (new member)")
    expect(rows.nth(2)).to_contain_text("3.85")

    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_role("heading", level=1, name="Properties")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "Imported: 3 created, 0 updated. 1 new member invited by email."
    )
    table = page.locator("#property-rows")
    for text in ("Участок 1", "Участок 2", "Участок 10", "Нина Новая", "Пётр Петров", "1,234.5"):
        expect(table).to_contain_text(text)
