"""What many tests share: the status checks (``ok``, ``page_ok``) and ``ApiWorld``, the
builder of a community through the API that the worlds of the closing, billing, journal,
payouts and late-fee tests extend with their own records."""

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements_sent(engine):
    """The SQL statements ``engine`` sends inside the block, in a list filled as they go."""
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def ok(response, status=200):
    """The response has ``status``; its JSON body (None when it has none)."""
    body = response.get_json(silent=True)
    assert response.status_code == status, body or response.get_data(as_text=True)[:800]
    return body


def page_ok(response, status=200):
    """The response (a page) has ``status``; the response itself."""
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response


def error_fields(response):
    """The fields a 400 validation error names."""
    body = response.get_json()
    assert response.status_code == 400, body
    assert body["error"]["code"] == "validation_error"
    return set(body["error"]["fields"])


class ApiWorld:
    """A community's members, properties, periods and records, made through its API by the
    admin; each maker returns the new row's id."""

    def __init__(self, community):
        self.community = community
        self.api, self.url = community.api, community.url
        self.admin = community.admin_member_id

    def post(self, path, status=201, **body):
        return ok(self.api.post(self.url(path), json=body), status)

    def patch(self, path, **body):
        return ok(self.api.patch(self.url(path), json=body))

    def void(self, path):
        assert self.api.delete(self.url(path)).status_code == 204

    def close(self, period_id):
        """Close the period and see its job succeed."""
        answer = ok(self.api.post(self.url(f"/periods/{period_id}/close")), 202)
        job = ok(self.api.get(self.url(f"/jobs/{answer['job_id']}")))
        assert job["status"] == "succeeded", job

    def member(self, name, email):
        return self.post("/members", name=name, email=email, role="owner")["id"]

    def prop(self, label, weight, owner, active=True):
        return self.post(
            "/properties", label=label, share_weight=weight, owner_member_id=owner, active=active
        )["id"]

    def period(self, name, start, end):
        return self.post("/periods", name=name, start_date=start, end_date=end)["id"]

    def item(self, period_id, payment_type, strategy, budgeted="100.00", unit_rate=None):
        body = {"payment_type": payment_type, "strategy": strategy, "budgeted_cost": budgeted}
        if unit_rate is not None:
            body["unit_rate"] = unit_rate
        return self.post(f"/periods/{period_id}/budget-items", **body)["id"]

    def contribution(self, period_id, member_id, amount, day):
        return self.post(f"/periods/{period_id}/contributions", member_id=member_id, amount=amount, date=day)[
            "id"
        ]

    def charge(self, period_id, member_id, amount, day, description="Key"):
        return self.post(
            f"/periods/{period_id}/charges",
            member_id=member_id,
            amount=amount,
            date=day,
            description=description,
        )["id"]

    def sheet(self, period_id):
        return ok(self.api.get(self.url(f"/periods/{period_id}/balance-sheet")))
