// Query strings with one `limit` parameter (the admin listings: GET /v1/admin/db/slow-queries).
#pragma once

#include <string_view>

#include "domain/parsed.hpp"

namespace shipd::domain {

/// `limit` from a query string (the part after '?', may be empty): an integer from 1 to
/// `max_limit`, `default_limit` when absent or empty. A bad or repeated `limit` is a 400
/// (Failure::kBadRequest) naming the field "limit"; other parameters are ignored. Never throws.
Parsed<int> parse_limit_query(std::string_view query, int default_limit, int max_limit);

}  // namespace shipd::domain
