// Every route of API.md, assembled for one event loop.
#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace shipd::api {

/// Middleware (errors → API.md's shape, authentication) and every route, bound to `services`.
void add_routes(http::Router& router, Services& services);

}  // namespace shipd::api
