// The EasyPost webhook: signed Events become tracking events; at-least-once delivery absorbed.
#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace shipd::api {

/// POST /v1/webhooks/easypost (authenticated by its X-Hmac-Signature, not an API key).
void add_webhook_routes(http::Router& router, Services& services);

}  // namespace shipd::api
