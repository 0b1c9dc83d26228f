// Query strings of GET /v1/analytics/*.
#include "domain/analytics_query.hpp"

#include <array>
#include <cstdio>
#include <vector>

#include "domain/query.hpp"
#include "domain/validate.hpp"
#include "text/utf8.hpp"

namespace shipd::domain {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::array<std::string_view, 3> kDailyVolume = {"start_date", "end_date", "carrier"};
constexpr std::array<std::string_view, 1> kCarrierOnly = {"carrier"};

std::optional<std::string> checked_carrier(const std::string& value, std::vector<Problem>& problems) {
    if (shipd::text::utf8_length(value) > limits::kCarrier) {
        problems.push_back({"carrier", "must be at most " + std::to_string(limits::kCarrier) + " characters"});
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<sys_days> parse_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8};
    const std::size_t lengths[3] = {4, 2, 2};
    for (int p = 0; p < 3; ++p) {
        for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            parts[p] = parts[p] * 10 + (text[i] - '0');
        }
    }
    if (parts[0] < 1) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year(parts[0]), std::chrono::month(static_cast<unsigned>(parts[1])),
                                    std::chrono::day(static_cast<unsigned>(parts[2]))};
    if (!ymd.ok()) return std::nullopt;
    return sys_days(ymd);
}

std::string format_date(sys_days day) {
    std::chrono::year_month_day ymd(day);
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return out;
}

Parsed<DailyVolumeQuery> parse_daily_volume_query(std::string_view query, sys_days today) {
    std::vector<Problem> problems;
    DailyVolumeQuery q;
    std::optional<sys_days> dates[2];
    bool bad_date = false;
    read_query_params(query, kDailyVolume, problems, [&](std::size_t index, const std::string& value) {
        if (index == 2) {
            q.carrier = checked_carrier(value, problems);
            return;
        }
        dates[index] = parse_date(value);
        if (!dates[index]) {
            bad_date = true;
            problems.push_back({std::string(kDailyVolume[index]), "must be a date as YYYY-MM-DD (2026-11-28)"});
        }
    });
    if (!bad_date) {
        q.end_date = dates[1] ? *dates[1] : today;
        q.start_date = dates[0] ? *dates[0] : q.end_date - days(kDefaultAnalyticsDays - 1);
        if (q.start_date > q.end_date) {
            problems.push_back({"start_date", "must not be after end_date"});
        } else if ((q.end_date - q.start_date).count() + 1 > kMaxAnalyticsDays) {
            problems.push_back({"start_date", "must be at most " + std::to_string(kMaxAnalyticsDays) +
                                                  " days before end_date (both included)"});
        }
    }
    return query_result(std::move(q), std::move(problems));
}

Parsed<CarrierQuery> parse_carrier_query(std::string_view query) {
    std::vector<Problem> problems;
    CarrierQuery q;
    read_query_params(query, kCarrierOnly, problems,
                      [&](std::size_t, const std::string& value) { q.carrier = checked_carrier(value, problems); });
    return query_result(std::move(q), std::move(problems));
}

}  // namespace shipd::domain
