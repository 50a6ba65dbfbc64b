"""Schemathesis hooks for the GraphQL run (scripts/fuzz-graphql).

The schema's custom scalars get generators, and one check replaces schemathesis' own
`not_a_server_error`: that one counts every top-level GraphQL error as a server failure, but
Shopify's contract answers some requests with top-level errors by design (ACCESS_DENIED without
a valid customer token, THROTTLED, NOT_FOUND for a used reset link, cost and depth limits). A
server failure here is what it is for a client: a 5xx, a non-JSON body, or an internal error.
`positive_data_acceptance` is off for the same reason: it counts a valid document refused by the
cost or depth limit (Shopify's MAX_COMPLEXITY_EXCEEDED / MAX_DEPTH_EXCEEDED) as a failure, and
generated order pages (orders of line items of variants) exceed the cost limit by design.
`negative_data_rejection` stays on: an invalid document must be refused.
"""

import json

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

schemathesis.graphql.scalar(
    "URL",
    st.one_of(
        st.text(max_size=200),
        st.from_regex(r"\Ahttps?://[a-z.]{1,20}/account/(activate|reset)/[0-9]{1,19}/[A-Za-z0-9._-]{0,120}\Z"),
    ).map(nodes.String),
)
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(st.text(max_size=40), st.datetimes().map(lambda d: d.isoformat() + "Z")).map(nodes.String),
)
schemathesis.graphql.scalar(
    "UnsignedInt64",
    st.one_of(st.integers(min_value=0, max_value=2**64 - 1).map(str), st.text(max_size=25)).map(nodes.String),
)

# Top-level error codes that are answers, not failures.
EXPECTED_CODES = {
    "ACCESS_DENIED",
    "THROTTLED",
    "NOT_FOUND",
    "MAX_COMPLEXITY_EXCEEDED",
    "MAX_DEPTH_EXCEEDED",
    "MAX_INPUT_SIZE_EXCEEDED",
    "BAD_REQUEST",
    "GRAPHQL_VALIDATION_FAILED",
    "UNAUTHORIZED",
}


@schemathesis.check
def no_server_failure(ctx, response, case):
    """No 5xx, a JSON body, and no INTERNAL_SERVER_ERROR or other unexpected error code."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        body = json.loads(response.text)
    except ValueError as error:
        raise AssertionError(f"not JSON ({error}): {response.text[:500]}")
    for error in body.get("errors") or []:
        code = ((error or {}).get("extensions") or {}).get("code")
        if code is not None and code not in EXPECTED_CODES:
            raise AssertionError(f"unexpected error code {code}: {json.dumps(error)[:500]}")
