// Admin routes (admin keys only): the database's connections, as the seed monitored them.
#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace shipd::api {

/// GET /v1/admin/db/connections.
void add_admin_routes(http::Router& router, Services& services);

}  // namespace shipd::api
