"""Setting up browser tests through the live server's JSON API, and logging in on the page."""

import json
import urllib.request

from playwright.sync_api import expect

PASSWORD = "correct horse battery"


def call(base, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, method=method, data=data, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


class LiveCommunity:
    """A community signed up on the live server, with its admin Ada's bearer token."""

    def __init__(self, base, slug, community_name):
        self.base, self.slug = base, slug
        self.admin_email = f"ada@{slug}.example"
        self.token = call(
            base,
            "POST",
            "/api/signup",
            {
                "community_name": community_name,
                "slug": slug,
                "name": "Ada Admin",
                "email": self.admin_email,
                "password": PASSWORD,
            },
        )["token"]

    def post(self, path, **body):
        return call(self.base, "POST", f"/api/c/{self.slug}{path}", body, self.token)

    def patch(self, path, **body):
        return call(self.base, "PATCH", f"/api/c/{self.slug}{path}", body, self.token)

    def join(self, member):
        """The invited member follows their link and sets the test password."""
        token = member["invite_url"].rsplit("/", 1)[-1]
        call(self.base, "POST", f"/api/invites/{token}/accept", {"password": PASSWORD})


def log_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
