"""Outgoing mail. Without an SMTP server (MAIL_SERVER) mail goes to the log."""

import logging

from flask import current_app
from flask_mail import Message

from app.extensions import mail

log = logging.getLogger("levy.mail")


def send(to: str, subject: str, body: str) -> None:
    message = Message(subject=subject, recipients=[to], body=body)
    if current_app.config.get("MAIL_SUPPRESS_SEND"):
        log.info("mail to=%s subject=%r\n%s", to, subject, body)
    # Under MAIL_SUPPRESS_SEND Flask-Mail records the message (tests read the outbox)
    # without connecting anywhere.
    mail.send(message)
