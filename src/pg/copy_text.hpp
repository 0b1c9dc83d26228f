// COPY text format, field by field (append_copy_row in types.hpp writes whole Params rows).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shipd::pg {

/// Appends one field in COPY text format (escaped; \N for nullopt), without a separator:
/// for bulk loads that write rows field by field instead of building a Params per row.
void append_copy_field(std::string& buffer, std::optional<std::string_view> value);

}  // namespace shipd::pg
