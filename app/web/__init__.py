"""Server-rendered pages, one blueprint per area; htmx swaps their partials."""

from flask import Flask, make_response, redirect, render_template, request
from flask_login import current_user

from app.money import decimal_text, format_cents
from app.tenancy import memberships_of


def register_web(app: Flask) -> None:
    from app.web.account import views as account
    from app.web.audit import views as audit
    from app.web.auth import views as auth
    from app.web.bank_imports import views as bank_imports
    from app.web.closing import views as closing
    from app.web.community import views as community
    from app.web.imports import views as imports
    from app.web.members import views as members
    from app.web.owner import views as owner
    from app.web.periods import views as periods
    from app.web.properties import views as properties
    from app.web.public import views as public
    from app.web.receivables import views as receivables
    from app.web.settings import views as settings
    from app.web.tokens import views as tokens

    for module in (
        public,
        auth,
        community,
        members,
        properties,
        settings,
        tokens,
        periods,
        closing,
        audit,
        imports,
        owner,
        account,
        receivables,
        bank_imports,
    ):
        app.register_blueprint(module.bp)

    @app.context_processor
    def layout_context():
        memberships = memberships_of(current_user) if current_user.is_authenticated else []
        return {"memberships": memberships}

    @app.template_filter("decimal")
    def decimal_filter(value):
        return decimal_text(value) or ""

    @app.template_filter("cents")
    def cents_filter(cents):
        return "" if cents is None else format_cents(cents)


def is_htmx() -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def section_or_page(page: str, section: str, ok: bool, redirect_to: str, **context):
    """After a form post: htmx gets the section (table + form) re-rendered, 422 on errors;
    a plain browser post redirects on success or gets the page back with its errors."""
    if is_htmx():
        response = app_response(render_template(section, **context), 200 if ok else 422)
    elif ok:
        return redirect(redirect_to)
    else:
        response = app_response(render_template(page, **context), 422)
    response.headers["Vary"] = "HX-Request"
    return response


def render(template: str, partial: str | None = None, status: int = 200, **context):
    """The page, or only its partial when htmx asks (HX-Request). Vary tells caches."""
    if partial and request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        response = app_response(render_template(partial, **context), status)
    else:
        response = app_response(render_template(template, **context), status)
    response.headers["Vary"] = "HX-Request"
    return response


def app_response(body: str, status: int):
    return make_response(body, status)
