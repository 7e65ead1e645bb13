"""Sign-up, login, tokens, invites and password resets."""

import re

from babel.numbers import list_currencies
from flask_babel import lazy_gettext
from wtforms import EmailField, PasswordField
from wtforms.validators import Email, Length, Regexp, ValidationError

from app.forms.base import BaseForm, TrimmedStringField, page_input_locale, required

SLUG_RE = re.compile(r"^[a-z0-9-]{3,40}$")
CURRENCIES = frozenset(list_currencies())


def valid_currency(form, field):
    if field.data:
        field.data = field.data.upper()
        if field.data not in CURRENCIES:
            raise ValidationError(lazy_gettext("Use an ISO 4217 currency code such as EUR or USD."))


def default_currency() -> str:
    """What a new community's currency field starts with: RUB on a Russian page, else EUR
    (the API's default stays EUR whatever the client's language)."""
    return "RUB" if page_input_locale() == "ru" else "EUR"


def _email():
    return [
        required(),
        Email(message=lazy_gettext("Enter a valid email address."), check_deliverability=False),
        Length(max=254),
    ]


def _new_password():
    return [required(), Length(min=8, max=200, message=lazy_gettext("Use at least 8 characters."))]


class CommunityForm(BaseForm):
    """A new community for a user who is logged in (POST /api/communities, the page)."""

    community_name = TrimmedStringField(lazy_gettext("Community name"), [required(), Length(max=120)])
    slug = TrimmedStringField(
        lazy_gettext("Web address"),
        [required(), Regexp(SLUG_RE, message=lazy_gettext("3 to 40 lowercase letters, digits or dashes."))],
    )
    currency = TrimmedStringField(
        lazy_gettext("Currency"), [valid_currency], default=lambda: default_currency()
    )
    FIELDS: tuple[str, ...] = ("community_name", "slug", "currency")

    def values(self) -> dict:
        return {**super().values(), "currency": self.currency.data or "EUR"}


class SignupForm(CommunityForm):
    FIELDS = ("community_name", "slug", "name", "email", "password", "currency")
    name = TrimmedStringField(lazy_gettext("Your name"), [required(), Length(max=120)])
    email = EmailField(lazy_gettext("Email"), _email())
    password = PasswordField(lazy_gettext("Password"), _new_password())


class LoginForm(BaseForm):
    email = EmailField(lazy_gettext("Email"), _email())
    password = PasswordField(lazy_gettext("Password"), [required(), Length(max=200)])


class TokenRequestForm(LoginForm):
    name = TrimmedStringField(lazy_gettext("Token name"), [Length(max=80)])


class TokenForm(BaseForm):
    name = TrimmedStringField(lazy_gettext("Token name"), [required(), Length(max=80)])


class InviteAcceptForm(BaseForm):
    """An invite to an email with no account yet: the person sets a password."""

    name = TrimmedStringField(lazy_gettext("Your name"), [Length(max=120)])
    password = PasswordField(lazy_gettext("Password"), _new_password())


class InviteJoinForm(BaseForm):
    """An invite to an email that has an account: joined by that account, logged in."""

    name = TrimmedStringField(lazy_gettext("Your name"), [Length(max=120)])


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(lazy_gettext("Current password"), [required(), Length(max=200)])
    new_password = PasswordField(lazy_gettext("New password"), _new_password())


class ResetRequestForm(BaseForm):
    email = EmailField(lazy_gettext("Email"), _email())


class ResetPasswordForm(BaseForm):
    password = PasswordField(lazy_gettext("New password"), _new_password())
