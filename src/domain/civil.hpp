// The proleptic Gregorian calendar as day counts (H. Hinnant's algorithms): the one
// implementation behind parse_rfc3339 (domain/timestamp.cpp) and the store's rewrite of
// PostgreSQL's timestamptz text (store/detail/timestamp.cpp). Inline: both run per timestamp.
#pragma once

#include <cstdint>

namespace shipd::domain {

/// A calendar date with an astronomical year (1 BC = 0, 2 BC = -1).
struct CivilDate {
    std::int64_t year;
    unsigned month;  ///< 1..12
    unsigned day;    ///< 1..31
};

/// Days since 1970-01-01 of a date (any year; month and day in range).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The date `days` days after 1970-01-01 (negative: before).
constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

/// Floor division of a second count into whole days (seconds before 1970 round down).
constexpr std::int64_t floor_days(std::int64_t seconds) noexcept {
    return seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
}

}  // namespace shipd::domain
