// Request ids: taken from a sane X-Request-Id, else a fresh UUID v7 (time-ordered).
#pragma once

#include <string>
#include <string_view>

namespace shipd::http {

/// A new UUID v7 string (RFC 9562), unique per process and time-ordered.
std::string new_request_id();

/// The caller's X-Request-Id when it is 1-128 characters of [A-Za-z0-9._:-]; else a new id
/// (anything else could forge log lines).
std::string request_id_from(std::string_view header);

}  // namespace shipd::http
