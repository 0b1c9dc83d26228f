// Request metrics: every answer the router gives (404, 405 and 401 included) counted by route
// template, method and status, with its latency, into the loop's HttpMetrics.
#pragma once

#include "api/loop_metrics.hpp"
#include "http/types.hpp"

namespace shipd::api {

/// The route label of a request no route matched.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

/// Middleware, outermost. `metrics` must outlive the router (both belong to one loop).
http::Middleware request_metrics(HttpMetrics& metrics);

}  // namespace shipd::api
