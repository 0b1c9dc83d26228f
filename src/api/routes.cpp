// Every route of API.md, assembled for one event loop.
#include "api/routes.hpp"

#include "api/access_log.hpp"
#include "api/admin.hpp"
#include "api/analytics.hpp"
#include "api/api_error.hpp"
#include "api/auth.hpp"
#include "api/docs.hpp"
#include "api/health.hpp"
#include "api/imports.hpp"
#include "api/metrics.hpp"
#include "api/rate_limit.hpp"
#include "api/request_metrics.hpp"
#include "api/shipments.hpp"
#include "api/tracking.hpp"
#include "api/webhooks.hpp"

namespace shipd::api {

void add_routes(http::Router& router, Services& services) {
    // Outermost first: the metrics and the access log see every final answer; every error,
    // authentication's included, is mapped in one place.
    router.use(request_metrics(services.metrics.http));
    if (services.settings->access_log) router.use(access_log());
    router.use(error_mapping());
    router.use(authentication(services));
    router.use(rate_limiting(services, services.loops));
    add_health_routes(router, services);
    add_metrics_routes(router, services);
    add_shipment_routes(router, services);
    add_tracking_routes(router, services);
    add_import_routes(router, services);
    add_webhook_routes(router, services);
    add_admin_routes(router, services);
    add_analytics_routes(router, services);
    add_docs_routes(router);
}

}  // namespace shipd::api
