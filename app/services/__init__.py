"""Use cases, one module per area. Views and tasks call these; these never see a request."""
