// Authentication: API keys (made, hashed, checked), Bearer and Basic, admin-only routes.
#pragma once

#include <string>
#include <string_view>

#include "api/services.hpp"
#include "http/types.hpp"

namespace shipd::api {

/// A new API key: "shipd_" + 40 random base62 characters (238 bits), shown once.
std::string generate_api_key();
/// SHA-256 of the key, 32 raw bytes: what the database stores.
std::string hash_api_key(std::string_view key);
/// The key's first 12 characters, stored to tell keys apart in `shipd keys list`.
std::string key_prefix(std::string_view key);

/// The key of an Authorization header: "Bearer KEY", or "Basic base64(KEY:)" (EasyPost's
/// clients send the key as the user name with an empty password). Empty when neither.
std::string key_from_authorization(std::string_view header);

/// Routes that answer without a key (API.md): health, docs, the webhook (signed instead), and
/// metrics unless SHIPD_METRICS_REQUIRE_KEY.
bool is_public_route(std::string_view route, const config::Settings& settings);

/// Middleware: 401 UNAUTHORIZED without a valid key, 403 FORBIDDEN for a non-admin key on
/// /v1/admin/*; sets ctx.principal to the key's id (what idempotency keys are scoped to). A
/// key's lookup is cached per loop for 10 s, so a revocation takes effect within that time.
http::Middleware authentication(Services& services);

}  // namespace shipd::api
