// Query strings: percent-decoding and GET /v1/shipments' parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/parsed.hpp"
#include "domain/types.hpp"

namespace shipd::domain {

/// Decodes %XX escapes and, with `plus_as_space`, '+' as a space (form encoding, as query
/// strings use it). nullopt for a malformed escape or a result that is not valid UTF-8.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space = true);

/// GET /v1/shipments' parameters, decoded and checked.
struct ListQuery {
    int page_size = 20;                     ///< 1–100
    std::optional<std::string> before_id;   ///< a UUID, lower case: shipments older than it
    std::optional<std::string> after_id;    ///< a UUID, lower case: newer than it; never both
    std::optional<Status> status;
    std::optional<std::string> carrier;
    std::optional<std::string> tracking_code;
    std::optional<std::string> reference;
    std::optional<Timestamp> start_datetime;  ///< UTC, normalised (parse_rfc3339)
    std::optional<Timestamp> end_datetime;    ///< UTC, normalised; start ≤ end
};

/// The default page size and its bounds (API.md).
inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

/// Parses the query string of GET /v1/shipments (the part after '?', may be empty). Every bad
/// parameter is a 400 (Failure::kBadRequest) with the parameter named in `problems`, all listed
/// at once. An empty value ("carrier=") counts as absent; a known parameter given twice is a
/// 400; unknown parameters are ignored. Never throws.
Parsed<ListQuery> parse_list_query(std::string_view query);

}  // namespace shipd::domain
