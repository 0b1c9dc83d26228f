// RFC 3339 times: parsed strictly, normalised to UTC.
#pragma once

#include <optional>
#include <string_view>

#include "domain/types.hpp"

namespace shipd::domain {

/// Parses an RFC 3339 date-time ("2026-11-28T10:03:13.25+01:00"; 'T', 't' or one space between
/// date and time; 'Z', 'z' or ±HH:MM required) and returns it in UTC as
/// "2026-11-28T09:03:13.25Z": fraction kept to microseconds (PostgreSQL's precision; further
/// digits truncated), trailing zeros dropped, no fraction when zero. Years 0001–9999 after
/// conversion; leap second 60 refused. nullopt for anything else.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

}  // namespace shipd::domain
