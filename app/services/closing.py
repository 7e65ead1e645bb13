"""Placeholder until the close issue."""
