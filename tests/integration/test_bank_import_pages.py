"""The bank import pages: upload, review with suggestions, fix with a select, skip, confirm;
a file that cannot be read; admins only."""

import io
import re

from tests.conftest import login
from tests.integration.test_bank_imports import STATEMENT, World
from tests.integration.test_records_api import ok


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def upload_page(client, world, content, name="statement.csv"):
    return client.post(
        world.community.page("/bank-imports"),
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_upload_review_fix_skip_confirm(client, community):
    world = World(community)
    login(client, "admin@example.org")
    page = text(client.get(community.page("/bank-imports")))
    assert "Read the statement" in page
    response = upload_page(client, world, STATEMENT)
    assert response.status_code == 302
    review_url = response.headers["Location"]
    page = text(client.get(review_url))
    assert "7 lines: 3 matched, 4 unmatched." in page
    assert "Someone Else" in page and "Olga Owner" in page and "Security" in page
    assert "2025 Q4 (closed)" in page and "no period" in page
    dashboard = text(client.get(community.page("/")))
    assert re.search(r"Bank statement</a> ?</td> ?<td>done", dashboard)  # the reading job
    lines = ok(world.api.get(world.url(f"/bank-imports/{review_url.rsplit('/', 1)[-1]}")))
    ids = [ln["id"] for ln in lines["lines"]]
    # htmx fix: the row comes back, matched to Ada
    row = client.post(
        f"{review_url}/lines/{ids[3]}", data={"member_id": str(world.ada)}, headers={"HX-Request": "true"}
    )
    assert row.status_code == 200 and "matched" in text(row) and "Ada Admin" in text(row)
    # a plain post (no JavaScript) redirects back to the review
    skipped = client.post(f"{review_url}/lines/{ids[6]}", data={"status": "skipped"})
    assert skipped.status_code == 302
    bad = client.post(
        f"{review_url}/lines/{ids[2]}", data={"payment_type": "x" * 81}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 422 and "80 characters" in text(bad)
    done = client.post(f"{review_url}/confirm", follow_redirects=True)
    page = text(done)
    assert "Recorded 4 lines from the statement." in page
    assert "4 recorded" in page and "1 skipped" in page
    again = text(client.post(f"{review_url}/confirm", follow_redirects=True))
    assert "Nothing new to record." in again
    contributions = ok(world.api.get(world.url(f"/periods/{world.q1}/contributions")))
    assert sorted(c["amount"] for c in contributions) == ["1500.00", "300.00", "800.00"]


def test_a_file_that_cannot_be_read_says_why(client, community):
    world = World(community)
    login(client, "admin@example.org")
    response = upload_page(client, world, b"date,amount,counterparty\n2026-99-01,5,X\n")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 422
    assert "The statement could not be read." in text(page) and "Line 2" in text(page)
    empty = upload_page(client, world, b"")
    assert empty.status_code == 422


def test_owners_get_403_and_strangers_404(client, community, other_community):
    world = World(community)
    body = ok(
        world.api.post(
            world.url("/bank-imports"),
            data={"file": (io.BytesIO(STATEMENT), "s.csv")},
            content_type="multipart/form-data",
        ),
        201,
    )
    line_id = body["lines"][0]["id"]
    base = community.page(f"/bank-imports/{body['id']}")
    login(client, "owner@example.org")
    assert client.get(community.page("/bank-imports")).status_code == 403
    assert client.get(base).status_code == 403
    assert client.post(f"{base}/lines/{line_id}", data={"status": "skipped"}).status_code == 403
    assert client.post(f"{base}/confirm").status_code == 403
    client.post("/logout")
    login(client, "birch@example.org")
    theirs = other_community.page(f"/bank-imports/{body['id']}")
    assert client.get(theirs).status_code == 404
    assert client.post(f"{theirs}/lines/{line_id}", data={"status": "skipped"}).status_code == 404
    assert client.post(f"{theirs}/confirm").status_code == 404
    assert ok(world.api.post(world.url(f"/bank-imports/{body['id']}/confirm"))) == {"created": 3}
