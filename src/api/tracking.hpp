// Tracking routes: append and list a shipment's events, batch-track by tracking code.
#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace shipd::api {

/// POST and GET /v1/shipments/{id}/events, POST /v1/shipments/batch-track.
void add_tracking_routes(http::Router& router, Services& services);

}  // namespace shipd::api
