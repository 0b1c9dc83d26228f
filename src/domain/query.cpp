// Query strings: percent-decoding and GET /v1/shipments' parameters.
#include "domain/query.hpp"

#include <array>
#include <charconv>
#include <vector>

#include "domain/timestamp.hpp"
#include "text/utf8.hpp"
#include "domain/validate.hpp"

namespace shipd::domain {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string lower(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
}

constexpr std::array<std::string_view, 9> kKnown = {
    "page_size", "before_id",     "after_id",  "status",        "carrier",
    "tracking_code", "reference", "start_datetime", "end_datetime"};

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    if (!shipd::text::is_valid_utf8(out)) return std::nullopt;
    return out;
}

void read_query_params(std::string_view query, std::span<const std::string_view> known,
                       std::vector<Problem>& problems,
                       const std::function<void(std::size_t, const std::string&)>& take) {
    std::vector<bool> seen(known.size());
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        const auto raw_name = pair.substr(0, eq);
        const auto raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        const auto name = percent_decode(raw_name);
        if (!name) continue;  // not one of ours, whatever it is
        std::size_t index = known.size();
        for (std::size_t i = 0; i < known.size(); ++i) {
            if (known[i] == *name) index = i;
        }
        if (index == known.size()) continue;  // unknown parameters are ignored
        if (seen[index]) {
            problems.push_back({*name, "is given more than once"});
            continue;
        }
        seen[index] = true;
        auto value = percent_decode(raw_value);
        if (!value) {
            problems.push_back({*name, "is not properly percent-encoded UTF-8"});
            continue;
        }
        if (value->empty()) continue;  // "carrier=" is the same as no carrier
        if (has_control_chars(*value)) {
            problems.push_back({*name, "must not contain control characters"});
            continue;
        }
        take(index, *value);
    }
}

Parsed<ListQuery> parse_list_query(std::string_view query) {
    ListQuery q;
    std::vector<Problem> problems;
    auto bad = [&](std::string field, std::string message) {
        problems.push_back({std::move(field), std::move(message)});
    };
    read_query_params(query, kKnown, problems, [&](std::size_t index, const std::string& value) {
        const std::string name(kKnown[index]);
        const std::string_view v = value;
        switch (index) {
            case 0: {  // page_size
                int size = 0;
                auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), size);
                if (ec != std::errc{} || end != v.data() + v.size() || size < 1 ||
                    size > kMaxPageSize) {
                    bad("page_size", "must be an integer from 1 to " + std::to_string(kMaxPageSize));
                } else {
                    q.page_size = size;
                }
                break;
            }
            case 1:
            case 2: {  // before_id, after_id
                if (!is_uuid(v)) {
                    bad(name, "must be a UUID");
                } else {
                    (index == 1 ? q.before_id : q.after_id) = lower(value);
                }
                break;
            }
            case 3: {  // status
                if (auto status = status_from_string(v)) {
                    q.status = *status;
                } else {
                    bad("status", "must be one of unknown, pre_transit, in_transit, "
                                  "out_for_delivery, delivered, available_for_pickup, "
                                  "return_to_sender, failure, cancelled, error");
                }
                break;
            }
            case 4:
            case 5:
            case 6: {  // carrier, tracking_code, reference
                const std::size_t max = index == 4   ? limits::kCarrier
                                        : index == 5 ? limits::kTrackingCode
                                                     : limits::kReference;
                if (shipd::text::utf8_length(v) > max) {
                    bad(name, "must be at most " + std::to_string(max) + " characters");
                } else {
                    (index == 4 ? q.carrier : index == 5 ? q.tracking_code : q.reference) = value;
                }
                break;
            }
            default: {  // start_datetime, end_datetime
                if (auto utc = parse_rfc3339(v)) {
                    (index == 7 ? q.start_datetime : q.end_datetime) = std::move(*utc);
                } else {
                    bad(name, "must be an RFC 3339 time (2026-11-28T09:03:13Z)");
                }
            }
        }
    });
    if (q.before_id && q.after_id) bad("before_id", "cannot be combined with after_id");
    // Normalised UTC texts of equal shape compare as times, except for the fraction's length:
    // compare with the fraction padded.
    if (q.start_datetime && q.end_datetime) {
        auto padded = [](const std::string& t) {
            std::string out = t.substr(0, 19);
            std::string frac = t.size() > 20 ? t.substr(20, t.size() - 21) : "";
            frac.resize(6, '0');
            return out + frac;
        };
        if (padded(*q.start_datetime) > padded(*q.end_datetime)) {
            bad("start_datetime", "must not be after end_datetime");
        }
    }
    return query_result(std::move(q), std::move(problems));
}

}  // namespace shipd::domain
