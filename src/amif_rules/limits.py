"""The bounds on what one document or ruleset may ask of the library.

Every bound is checked with a clear error, so that the work per document is bounded and
every value fits the engines (durable-rules compares int64 and strings under 64 KiB).
"""

MAX_DOCUMENT_BYTES = 2_000_000
MAX_NESTING = 32
#: Values (objects, lists, scalars) in one document.
MAX_DOCUMENT_VALUES = 500_000
MAX_STRING_LENGTH = 1_000
MAX_PARTNERS = 1_000
MAX_PARTICIPANTS = 10_000
MAX_NATIONALITIES = 10
#: Elements of the other lists of texts (results, activities).
MAX_LIST_ITEMS = 100
#: Elements of a list of distinct choices the applicant declares (an organisation's
#: ``experience``, the ``documents`` attached): each value at most once, so a handful.
MAX_DECLARED_ITEMS = 10
#: Euro amounts: at most 2 decimals and below one hundred billion euro.
MAX_MONEY_EUROS = 10**11
MAX_POPULATION = 100_000_000
MAX_DURATION_MONTHS = 1_200
MIN_YEAR = 1900
MAX_YEAR = 2200
#: A rule expression's source length and nesting depth.
MAX_EXPRESSION_LENGTH = 2_000
MAX_EXPRESSION_DEPTH = 24
MAX_RULES = 500
MAX_RULESET_BYTES = 1_000_000
#: Remedies (contract §5): how many changed documents one verdict's remedies may check to
#: prove their options. A failed rule met after the budget is spent gets no options, and its
#: message says it was not searched.
MAX_REMEDY_PROOFS = 200

#: The service's default bounds on one request (``amif-rules serve`` can tighten or widen
#: each): the largest body in bytes (a batch holds many documents), the most documents per
#: batch, the most seconds per decision.
SERVICE_MAX_BODY_BYTES = 8 * 1024 * 1024
SERVICE_MAX_BATCH_DOCUMENTS = 1000
SERVICE_TIMEOUT_SECONDS = 30.0
#: Threads per worker for decisions asked for questions or remedies (``?include=``), apart
#: from those of plain checks: a decision with remedies checks the document again for each
#: option it proves, and one whose time ran out still finishes in its thread. Two: a
#: worker's Python threads share one processor, so more would only share it thinner, and
#: with two a short request is not queued behind a long one alone.
SERVICE_ADVICE_THREADS = 2
