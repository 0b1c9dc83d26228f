// Query strings: percent-decoding and GET /v1/shipments' parameters.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/parsed.hpp"
#include "domain/types.hpp"

namespace shipd::domain {

/// Decodes %XX escapes and, with `plus_as_space`, '+' as a space (form encoding, as query
/// strings use it). nullopt for a malformed escape or a result that is not valid UTF-8.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space = true);

/// Reads the parameters named in `known` from a query string (the part after '?') in their
/// order there, calling `take(index in known, decoded value)` for each one given with a value
/// ("carrier=" counts as absent). A known parameter given twice, not properly percent-encoded
/// UTF-8 or holding control characters is added to `problems` (named) instead; unknown
/// parameters are ignored. Problems `take` adds land in query order too. Never throws (unless
/// `take` does).
void read_query_params(std::string_view query, std::span<const std::string_view> known,
                       std::vector<Problem>& problems,
                       const std::function<void(std::size_t, const std::string&)>& take);

/// `value` when `problems` is empty, else a 400 (Failure::kBadRequest) listing them all, its
/// message naming the one parameter or counting them.
template <class T>
Parsed<T> query_result(T value, std::vector<Problem> problems) {
    Parsed<T> out;
    if (problems.empty()) {
        out.value = std::move(value);
        return out;
    }
    out.failure = Failure::kBadRequest;
    out.message = problems.size() == 1 ? problems.front().field + " " + problems.front().message
                                       : std::to_string(problems.size()) + " query parameters are invalid";
    out.problems = std::move(problems);
    return out;
}

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
