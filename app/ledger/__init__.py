"""Pure ledger arithmetic: splitting totals over properties and member balances.

Nothing in this package touches Flask or the database, so the money rules of
SPEC §2 can be tested exhaustively on plain values. The services layer loads
rows, calls ``split`` and ``balances``, and stores the results.
"""
