"""The import pages: upload → a preview of every row (nothing written) → confirm → written."""

import io
import re

from tests.conftest import login
from tests.integration.test_imports_api import contributions, properties
from tests.integration.test_records_api import ok

PLOTS = (
    "Участок;Доля;Владелец;Email\nУчасток 1;12,5;Ada Admin;\nУчасток 2;7;Нина Новая;nina@example.org\n"
).encode("cp1251")


def post_file(client, url, content, name="plots.csv"):
    return client.post(url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def stash_of(html: str) -> str:
    return re.search(r'name="stash" type="hidden" value="([^"]+)"', html)[1]


def test_preview_writes_nothing_then_confirm_writes_every_row(community, client):
    login(client, "admin@example.org")
    assert client.get(community.page("/properties/import")).status_code == 200
    preview = post_file(client, community.page("/properties/import"), PLOTS)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "2 to create, 0 to update." in html
    assert "Участок 2" in html and "Нина Новая <small>(new member)</small>" in html
    assert properties(community) == {}

    done = client.post(community.page("/properties/import/confirm"), data={"stash": stash_of(html)})
    assert done.status_code == 302 and done.location.endswith(community.page("/properties/"))
    page = client.get(done.location).get_data(as_text=True)
    assert "Imported: 2 created, 0 updated. 1 new member invited by email." in page
    assert set(properties(community)) == {"Участок 1", "Участок 2"}


def test_a_bad_row_shows_its_error_on_its_line_and_offers_no_confirm(community, client):
    login(client, "admin@example.org")
    preview = post_file(
        client,
        community.page("/properties/import"),
        b"label,share_weight,owner\nPlot 1,1,Ada Admin\nPlot 2,-1,Ada Admin\n",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 422
    assert "1 to create, 0 to update, <strong>1 in error</strong>." in html
    assert re.search(r"<td>3</td><td>error</td>.*share_weight: Enter a number greater than zero.", html, re.S)
    assert 'name="stash"' not in html
    assert properties(community) == {}


def test_a_file_that_cannot_be_read_is_an_error_on_the_upload(community, client):
    login(client, "admin@example.org")
    response = post_file(client, community.page("/properties/import"), b"")
    assert response.status_code == 422
    assert "The file is empty." in response.get_data(as_text=True)


def test_a_stash_edited_or_meant_for_elsewhere_writes_nothing(community, owner, client):
    login(client, "admin@example.org")
    period = ok(
        community.api.post(
            community.url("/periods"),
            json={"name": "Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ),
        201,
    )["id"]
    html = post_file(client, community.page("/properties/import"), PLOTS).get_data(as_text=True)
    stash = stash_of(html)
    for url, value in (
        (community.page("/properties/import/confirm"), stash[:-2] + "xx"),
        (community.page(f"/periods/{period}/import/confirm"), stash),
    ):
        response = client.post(url, data={"stash": value})
        assert response.status_code == 302 and "/import" in response.location
    assert properties(community) == {}


def test_contributions_page_flow(community, owner, client):
    login(client, "admin@example.org")
    ok(
        community.api.post(
            community.url("/properties"),
            json={"label": "Plot 1", "share_weight": "1", "owner_member_id": owner.id},
        ),
        201,
    )
    period = ok(
        community.api.post(
            community.url("/periods"),
            json={"name": "Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ),
        201,
    )["id"]
    assert "Import contributions from a spreadsheet" in client.get(
        community.page(f"/periods/{period}/")
    ).get_data(as_text=True)
    html = post_file(
        client,
        community.page(f"/periods/{period}/import"),
        "Дата;Сумма;Участок\n15.01.2026;1 234,50;Plot 1\n".encode("cp1251"),
    ).get_data(as_text=True)
    assert "€1,234.50" in html and "Olga Owner" in html
    assert contributions(community, period) == []
    done = client.post(community.page(f"/periods/{period}/import/confirm"), data={"stash": stash_of(html)})
    assert done.status_code == 302
    assert contributions(community, period) == [(owner.id, "1234.50", "2026-01-15", "")]


def test_owners_get_403_and_other_communities_404(community, owner, other_community, client):
    period = ok(
        community.api.post(
            community.url("/periods"),
            json={"name": "Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ),
        201,
    )["id"]
    login(client, owner.email)
    for path in ("/properties/import", f"/periods/{period}/import"):
        assert client.get(community.page(path)).status_code == 403
        assert post_file(client, community.page(path), PLOTS).status_code == 403
    client.post("/logout")
    login(client, "birch@example.org")
    assert client.get(community.page("/properties/import")).status_code == 404
    assert client.get(other_community.page(f"/periods/{period}/import")).status_code == 404
