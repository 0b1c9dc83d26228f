// Database URLs: the seed's spellings normalised, passwords masked for printing.
#pragma once

#include <string>
#include <string_view>

namespace shipd::config {

/// postgresql+asyncpg://, postgres:// and postgresql+psycopg:// become postgresql://;
/// anything else is returned unchanged (libpq key=value strings included).
std::string normalize_database_url(std::string_view url);

/// The URL or key=value conninfo with its password replaced by "****".
std::string mask_dsn(std::string_view dsn);

/// Masks every DSN password found anywhere in free text (a log line, an error message), by
/// "****" (text::mask_passwords, shared with pg/).
std::string redact_secrets(std::string_view text);

}  // namespace shipd::config
