// Health routes: /health (pools, database, schema), /health/live, /health/ready.
#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace shipd::api {

/// GET /health/live: the process answers, whatever the database does.
/// GET /health/ready: 200 when the primary pool can serve, else 503 DATABASE_UNAVAILABLE.
/// GET /health: ok / degraded / down with per-pool figures (summed over the event loops) and
/// the capacity margin; degraded (still 200) when a pool is impaired, the schema is behind or
/// the capacity verdict is not ok; 503 when down.
void add_health_routes(http::Router& router, Services& services);

}  // namespace shipd::api
