// Query strings of GET /v1/analytics/*: a date range and a carrier.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/parsed.hpp"

namespace shipd::domain {

/// With neither date, daily volume covers the 30 days up to today (UTC), today included.
inline constexpr int kDefaultAnalyticsDays = 30;
/// The longest range one daily-volume request may ask for (a year, leap day included): the
/// answer stays small and fast whatever the table holds.
inline constexpr int kMaxAnalyticsDays = 366;

/// GET /v1/analytics/daily-volume's parameters, decoded, checked and defaulted.
struct DailyVolumeQuery {
    std::chrono::sys_days start_date;  ///< first day, included
    std::chrono::sys_days end_date;    ///< last day, included; start ≤ end
    std::optional<std::string> carrier;
};

/// The parameters of carrier-performance and costs.
struct CarrierQuery {
    std::optional<std::string> carrier;
};

/// Parses `start_date`, `end_date` (YYYY-MM-DD, real calendar dates) and `carrier` (at most 50
/// characters). end_date defaults to `today`, start_date to end_date − 29 days (30 days in
/// all); start after end, or a range over kMaxAnalyticsDays days, is a 400 naming start_date.
/// Every bad parameter is a 400 (Failure::kBadRequest) naming it, all listed at once; unknown
/// parameters are ignored. Never throws.
Parsed<DailyVolumeQuery> parse_daily_volume_query(std::string_view query, std::chrono::sys_days today);

/// Parses `carrier` as parse_daily_volume_query does. Never throws.
Parsed<CarrierQuery> parse_carrier_query(std::string_view query);

/// "YYYY-MM-DD" → the day; nullopt unless it is exactly that shape and a real date (years
/// 0001–9999).
std::optional<std::chrono::sys_days> parse_date(std::string_view text);

/// The day as "YYYY-MM-DD".
std::string format_date(std::chrono::sys_days day);

}  // namespace shipd::domain
