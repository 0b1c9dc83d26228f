// Rate limiting per API key (429 RATE_LIMITED with Retry-After): a token bucket per key and
// event loop, off unless SHIPD_RATE_LIMIT_RPS is set.
#pragma once

#include "api/services.hpp"
#include "http/types.hpp"

namespace shipd::api {

/// Middleware after authentication: each key may make SHIPD_RATE_LIMIT_RPS requests a second
/// (shared out between the event loops), with bursts up to SHIPD_RATE_LIMIT_BURST; past that,
/// 429 RATE_LIMITED with Retry-After in whole seconds. Public routes are not limited.
http::Middleware rate_limiting(Services& services, int loops);

}  // namespace shipd::api
