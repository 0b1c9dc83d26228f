// UTF-8 checks shared by the request parsers and every JSON writer (domain, http, log).
#pragma once

#include <cstddef>
#include <string_view>

namespace shipd::text {

/// The length (1–4) of the well-formed UTF-8 sequence at the start of `text` (RFC 3629: no
/// overlong forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view text);

/// True when all of `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

/// The offset of the first byte that does not start a valid UTF-8 sequence; npos when none.
std::size_t first_invalid_utf8(std::string_view text);

/// The number of code points of well-formed UTF-8 `text` (what PostgreSQL's varchar(n) counts).
std::size_t utf8_length(std::string_view text);

}  // namespace shipd::text
