// Analytics routes: GET /v1/analytics/{daily-volume,carrier-performance,costs} from the
// materialized views, and POST /v1/admin/analytics/refresh (admin keys only).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>

#include "api/services.hpp"
#include "domain/analytics.hpp"
#include "http/router.hpp"

namespace shipd::api {

/// Registers the four analytics routes.
void add_analytics_routes(http::Router& router, Services& services);

/// Who asked for a refresh: decides how loudly it is logged.
enum class RefreshTrigger { kSchedule, kAdmin };

/// Refreshes the analytics views on the bulk pool (store::refresh_analytics) and logs it with
/// its duration: scheduled refreshes at debug, admin ones at info, any taking over half of
/// SHIPD_ANALYTICS_REFRESH_S at warn. nullopt when another refresh holds the lock. The one path
/// of the background job and of POST /v1/admin/analytics/refresh.
boost::asio::awaitable<std::optional<domain::AnalyticsRefresh>> refresh_analytics(Services& services,
                                                                                RefreshTrigger trigger);

}  // namespace shipd::api
