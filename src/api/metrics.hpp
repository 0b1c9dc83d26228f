// GET /metrics: the whole process in the Prometheus text format (names in docs/DESIGN.md).
#pragma once

#include "api/process_snapshot.hpp"
#include "api/services.hpp"
#include "http/router.hpp"
#include "metrics/exposition.hpp"

namespace shipd::api {

/// GET /metrics: public unless SHIPD_METRICS_REQUIRE_KEY (auth.cpp decides).
void add_metrics_routes(http::Router& router, Services& services);

/// The exposition of `snapshot` (pools, HTTP, carrier, build), without the process figures.
void write_metrics(metrics::Exposition& out, const ProcessSnapshot& snapshot, std::string_view carrier);

}  // namespace shipd::api
