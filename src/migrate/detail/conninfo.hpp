// Connection strings: normalising the seed's URL schemes and describing a target without its password.
#pragma once

#include <string>

namespace shipd::migrate::detail {

/// postgresql+asyncpg:// and postgres+asyncpg:// become postgresql:// (the seed's .env works
/// unchanged); anything else is returned as is (libpq reads URLs and key=value strings).
std::string normalize_conninfo(const std::string& conninfo);

/// "user@host:port/dbname" (fields absent from the string are left out), parsed with libpq
/// itself so URLs and key=value strings both work; never contains the password. When the
/// string does not parse, "(unparsable connection string)".
std::string describe_conninfo(const std::string& conninfo);

}  // namespace shipd::migrate::detail
