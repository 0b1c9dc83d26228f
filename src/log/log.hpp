// Logging set-up: spdlog, human-readable or JSON lines, secrets redacted from every line.
#pragma once

#include <string>

#include "config/settings.hpp"

namespace shipd::log {

/// Installs the default spdlog logger on stderr: text for people, or one JSON object a line.
/// Every line passes through config::redact_secrets, so a DSN password never reaches a log.
void setup(config::LogFormat format, const std::string& level);

/// Escapes `text` for use inside a JSON string (no surrounding quotes).
std::string json_escape(std::string_view text);

}  // namespace shipd::log
