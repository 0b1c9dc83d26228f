// Logging set-up: spdlog, human-readable or JSON lines, secrets redacted from every line.
#pragma once

#include <string>

#include "config/settings.hpp"

namespace shipd::log {

/// Installs the default spdlog logger on stderr: text for people, or one JSON object a line.
/// Every line passes through config::redact_secrets, so a DSN password never reaches a log.
void setup(config::LogFormat format, const std::string& level);

/// One access log line's fields.
struct AccessRecord {
    std::string_view method;
    std::string_view path;   ///< without the query string (it may carry data)
    std::string_view route;  ///< the template, "" when none matched
    int status = 0;
    double duration_ms = 0;
    double pool_wait_ms = 0;  ///< waiting for database connections (part of duration_ms)
    std::string_view request_id;
    std::string_view principal;  ///< the API key's id, "" when none
};

/// Logs one request at info: "GET /v1/shipments/{id} 200 0.41 ms wait=0.02 ms ..." as text, or
/// as JSON fields (method, path, route, status, duration_ms, pool_wait_ms, request_id, key_id)
/// with SHIPD_LOG_FORMAT=json.
void access(const AccessRecord& record);


}  // namespace shipd::log
