// Shipment routes: create (rates from the carrier), get, list (keyset pages), buy.
#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace shipd::api {

/// POST /v1/shipments, GET /v1/shipments/{id}, GET /v1/shipments, POST /v1/shipments/{id}/buy.
void add_shipment_routes(http::Router& router, Services& services);

}  // namespace shipd::api
