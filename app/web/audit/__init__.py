"""The audit log page (admins)."""
