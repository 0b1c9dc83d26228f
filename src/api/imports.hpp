// NDJSON imports: one shipment a line, batched into the bulk pool, bad lines reported by number.
#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace shipd::api {

/// POST /v1/imports/shipments (application/x-ndjson, up to SHIPD_IMPORT_MAX_BYTES).
void add_import_routes(http::Router& router, Services& services);

}  // namespace shipd::api
