// Health routes: /health/live now; /health and /health/ready join when the pools report.
#pragma once

#include "http/router.hpp"

namespace shipd::api {

/// GET /health/live: the process answers ({"status":"ok"}), whatever the database does.
void add_health_routes(http::Router& router);

}  // namespace shipd::api
