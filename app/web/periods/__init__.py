"""The periods list and the period page with its tabs (records, budget, readings, sheet)."""
