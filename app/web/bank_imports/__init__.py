"""Bank import pages: upload a statement, watch it being read, review, fix, confirm."""
