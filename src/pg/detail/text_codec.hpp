// Text-format codecs for the types that need more than from_chars: timestamptz and arrays.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shipd::pg::detail {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

/// "2024-01-02 03:04:05.123456+00" (any offset, optional fraction, "T" accepted) → UTC.
/// Throws pg::ResultError on malformed input.
TimePoint parse_timestamptz(std::string_view text);

/// "2024-01-02 03:04:05.123456+00".
std::string format_timestamptz(TimePoint tp);

/// A one-dimensional array literal "{a,"b c",NULL}" → elements (NULL as nullopt).
/// Throws pg::ResultError on malformed input.
std::vector<std::optional<std::string>> parse_array(std::string_view text);

/// Elements → an array literal, every element quoted and escaped; nullopt → NULL.
std::string format_array(const std::vector<std::optional<std::string>>& items);

}  // namespace shipd::pg::detail
