// timestamptz text as PostgreSQL sends it → the API's RFC 3339 UTC text, rewritten in C++ so
// the hot statements select the column itself instead of a to_char() per timestamp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shipd::store::detail {

/// PostgreSQL's text output of a timestamptz under DateStyle ISO ("2026-11-28 09:03:13.18812+00",
/// in any session time zone: "+05:30", "-04", "+05:21:10"; a trailing " BC") → RFC 3339 UTC with
/// exactly six fractional digits ("2026-11-28T09:03:13.188120Z"): byte for byte what
/// to_char(x AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') gives (a BC year prints
/// without its era, as to_char's YYYY does). nullopt for infinity and -infinity (to_char gives
/// NULL for them). Throws pg::ResultError on any other text (e.g. a non-ISO DateStyle).
std::optional<std::string> utc_timestamp(std::string_view pg_text);

}  // namespace shipd::store::detail
