"""`flask demo` and other operator commands."""

import click
from flask import Flask

from app.extensions import db
from app.services import demo as demo_service


def register_cli(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--password", default="demo-password", show_default=True)
    def demo(password):
        """Load a demo community with an admin, owners, properties and a quarter of records."""
        # Invite links are absolute URLs; outside a request they need a base.
        base_url = app.config.get("BASE_URL") or "http://127.0.0.1:5000"
        with app.test_request_context(base_url=base_url):
            lines = demo_service.load(password)
            db.session.commit()
        for line in lines:
            click.echo(line)
