// DSN handling: URL normalisation (the seed's postgresql+asyncpg:// URLs) and redaction of
// passwords, so no log line or exception text ever carries a secret.
#pragma once

#include <string>
#include <string_view>

namespace shipd::pg {

/// Accepts postgresql://, postgres://, postgresql+asyncpg:// (and any postgresql+<driver>://)
/// URLs and libpq key=value strings; returns a string libpq understands. Never throws.
std::string normalize_dsn(std::string_view dsn);

/// The DSN with its password replaced by "***" (URL user:password@ and key=value password=;
/// text::mask_passwords, shared with config/). Safe to log. Never throws.
std::string mask_dsn(std::string_view dsn);

/// The password found in a DSN (URL or key=value form), or empty. Never throws.
std::string dsn_password(std::string_view dsn);

/// `text` with every occurrence of `secret` replaced by "***" (nothing when secret is empty).
std::string redact(std::string_view text, std::string_view secret);

/// True when every server the DSN names is on this machine: a Unix socket (no host, or a
/// host that is a directory), localhost, or a loopback address (127.0.0.0/8, ::1). False
/// for anything else, and for a DSN libpq cannot parse.
bool dsn_is_local(std::string_view dsn);

}  // namespace shipd::pg
