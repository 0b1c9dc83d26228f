// Idempotency-Key on POSTs that create (API.md): the first response is stored with a hash of
// the request; a retry gets it back; another request under the same key gets 409.
#pragma once

#include "api/services.hpp"
#include "http/types.hpp"

namespace shipd::api {

/// Wraps `handler`: without an Idempotency-Key header it runs as is. With one (1-255
/// printable characters, scoped to the API key): a first request runs and its 2xx/4xx answer
/// is stored for 24 h; a retry with the same method, path and body gets that answer again
/// (with `Idempotent-Replayed: true`); a different request under the key gets 409
/// IDEMPOTENCY_KEY_REUSED; one while the first is still running gets 409 CONFLICT. A 5xx or an
/// error releases the key, so the retry runs again. A streamed body (RouteOptions::stream_body)
/// is read whole before the key is looked at, so the handler gets it buffered.
http::Handler idempotent(Services& services, http::Handler handler);

}  // namespace shipd::api
