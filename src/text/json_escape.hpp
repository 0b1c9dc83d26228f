// JSON string escaping, UTF-8 safe: the one implementation for every JSON shipd writes
// (response bodies, error messages that echo a request's bytes, JSON log lines).
#pragma once

#include <string>
#include <string_view>

namespace shipd::text {

/// Appends `text` escaped for a JSON string body (no quotes): `"` and `\` escaped, control
/// characters as \n, \t, ... or \u00XX, valid UTF-8 passed through byte for byte, and each
/// byte of an invalid UTF-8 sequence replaced by \ufffd so the output is always valid JSON.
void append_json_escaped(std::string& out, std::string_view text);

/// append_json_escaped into a new string.
std::string json_escape(std::string_view text);

}  // namespace shipd::text
