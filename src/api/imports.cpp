// NDJSON imports.
#include "api/imports.hpp"

#include "api/idempotency.hpp"
#include "api/import_pipeline.hpp"
#include "api/request.hpp"
#include "domain/json_write.hpp"
#include "pg/cluster.hpp"

#include <boost/asio/this_coro.hpp>

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

void add_import_routes(http::Router& router, Services& services) {
    http::RouteOptions options;
    options.body_limit = services.settings->import_max_bytes;
    router.add(http::Verb::post, "/v1/imports/shipments", idempotent(services, [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        require_content_type(ctx, "application/x-ndjson");
        Importer importer(services.cluster->bulk());
        co_await importer.feed(ctx.request.body());
        domain::ImportResult result = co_await importer.finish();
        // Fresh statistics for the planner after a large load, without holding the answer.
        const int analyze_rows = services.settings->import_analyze_rows;
        if (analyze_rows > 0 && result.accepted >= static_cast<std::size_t>(analyze_rows)) {
            analyze_in_background(co_await asio::this_coro::executor, services.cluster->bulk());
        }
        std::string body;
        body.reserve(64 + 64 * result.created.size());
        domain::write_import_result(body, result);
        co_return json(Status::ok, std::move(body));
    }), options);
}

}  // namespace shipd::api
