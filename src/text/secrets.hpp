// Password masking for database connection strings and free text: the one implementation
// that config/ (settings, log lines) and pg/ (connection errors) both call, each with its
// own mask spelling.
#pragma once

#include <string>
#include <string_view>

namespace shipd::text {

/// `text` with every password it holds replaced by `mask`: the password of each URL's
/// authority (scheme://user:password@host) and the value of each `password=` (libpq
/// key=value conninfo, spaces around '=' and quoted values included, and URL query
/// parameters). Works on one DSN or on free text (a log line, an error message) holding any
/// number of them. Never throws (but std::bad_alloc).
std::string mask_passwords(std::string_view text, std::string_view mask);

}  // namespace shipd::text
