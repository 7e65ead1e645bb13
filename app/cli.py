"""`flask demo` and other operator commands."""
import click
from flask import Flask


def register_cli(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--password", default="demo-password", show_default=True)
    def demo(password):
        """Load a demo community with an admin, owners, properties and a quarter of records."""
        from app.services import demo as demo_service
        lines = demo_service.load(password)
        for line in lines:
            click.echo(line)
