"""Read a residents file (CSV or .xlsx) into checked rows and a row-by-row report.

Pure parsing and checking: nothing here writes to the database. The services
module stores the result (`ResidentImport`) and writes the residents on confirm.

Reading (`read_file`) keeps every cell of every row, so staff can say what an
unrecognised column holds and the rows are checked again (`check_rows`) without
uploading the file a second time. Nothing in the file is dropped without the
page saying so: a row that cannot be imported is in the report, a row that may be
wrong (a possible duplicate, a "?" where a character was lost) waits for staff to
confirm it, and a file without a mobile-number column must be confirmed as such.

One module per concept, re-exported here: fields (what a column can hold, the
parsed file), reading (decoding the file, mapping its columns), values (dates of
birth, addresses), checking (each row against the rules), committing (rows against
who is registered, what confirm writes), files (the CSVs the import hands out).
"""

from .checking import (  # noqa: F401
    check_row,
    check_rows,
    parse_file,
)
from .committing import (  # noqa: F401
    already_registered_message,
    hold_back,
    mark_existing,
    mark_existing_people,
    resident_fields,
)
from .fields import (  # noqa: F401
    FIELDS,
    HEADER_SEARCH_ROWS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MULTI_COLUMN_FIELDS,
    NO_MOBILE_COLUMN,
    POSSIBLE_DUPLICATE,
    PREVIEW_ROWS,
    REGISTERED_SINCE,
    REPLACEMENT_CHARACTER,
    TAG_FIELDS,
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADERS,
    UNREADABLE_TEXT,
    WARNING_KINDS,
    ImportFileError,
    ParsedFile,
    field_label,
)
from .files import (  # noqa: F401
    report_csv,
    template_csv,
)
from .reading import (  # noqa: F401
    decode_text,
    has_mobile_column,
    read_file,
)
from .values import (  # noqa: F401
    address_text,
    parse_birth,
    person_key,
    split_address,
)
