"""The owner's side: statements, history, shared balance sheets, and payment reminders."""
