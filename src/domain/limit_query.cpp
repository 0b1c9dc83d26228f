// The `limit` query parameter.
#include "domain/limit_query.hpp"

#include <charconv>
#include <string>

#include "domain/query.hpp"

namespace shipd::domain {

Parsed<int> parse_limit_query(std::string_view query, int default_limit, int max_limit) {
    Parsed<int> out;
    const std::string rule = "must be an integer from 1 to " + std::to_string(max_limit);
    int limit = default_limit;
    bool seen = false;
    auto fail = [&](std::string message) {
        out.failure = Failure::kBadRequest;
        out.message = "limit " + message;
        out.problems.push_back({"limit", message});
        return out;
    };
    for (std::string_view rest = query; !rest.empty();) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        if (percent_decode(pair.substr(0, eq)) != std::optional<std::string>("limit")) continue;
        if (seen) return fail("is given more than once");
        seen = true;
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!value) return fail("is not properly percent-encoded UTF-8");
        if (value->empty()) continue;  // "limit=" is the same as no limit
        int n = 0;
        const char* end = value->data() + value->size();
        auto [stop, ec] = std::from_chars(value->data(), end, n);
        if (ec != std::errc{} || stop != end || n < 1 || n > max_limit) return fail(rule);
        limit = n;
    }
    out.value = limit;
    return out;
}

}  // namespace shipd::domain
