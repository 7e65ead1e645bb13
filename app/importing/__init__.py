"""Reading imports (SPEC §6): CSV and XLSX files into typed rows with line numbers and errors.

Pure Python, no Flask and no database: ``files`` reads a file into a table, ``values`` reads
one cell (numbers in either convention, dates, yes/no), ``rows`` maps a table's rows to the
rows of a property or contribution import. ``app.services.imports`` finds the members and
properties they name and writes them.
"""

from app.importing.files import FileError, Table, read_table
from app.importing.rows import ContributionRow, PropertyRow, contribution_rows, name_key, property_rows

__all__ = [
    "ContributionRow",
    "FileError",
    "PropertyRow",
    "Table",
    "contribution_rows",
    "name_key",
    "property_rows",
    "read_table",
]
