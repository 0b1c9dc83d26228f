// Tracking routes.
#include "api/tracking.hpp"

#include "api/database.hpp"
#include "api/api_error.hpp"
#include "api/request.hpp"
#include "domain/json_write.hpp"
#include "domain/parse.hpp"
#include "pg/cluster.hpp"
#include "store/events_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

void add_tracking_routes(http::Router& router, Services& services) {
    router.add(http::Verb::post, "/v1/shipments/{id}/events", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string id = require_uuid(ctx, "id");
        require_content_type(ctx, "application/json");
        auto events = take(domain::parse_events(ctx.request.body()));
        auto all = co_await store::append_events(db(services, ctx).write(), id, events);
        if (!all) throw not_found("shipment " + id);
        std::string body;
        domain::write_events(body, *all);
        co_return json(Status::created, std::move(body));
    });

    router.add(http::Verb::get, "/v1/shipments/{id}/events", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string id = require_uuid(ctx, "id");
        auto all = co_await store::list_events(db(services, ctx).read(), id);
        if (!all) throw not_found("shipment " + id);
        std::string body;
        domain::write_events(body, *all);
        co_return json(Status::ok, std::move(body));
    });

    router.add(http::Verb::post, "/v1/shipments/batch-track", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        require_content_type(ctx, "application/json");
        auto codes = take(domain::parse_batch_track(ctx.request.body()));
        auto result = co_await store::batch_track(db(services, ctx).read(), codes);
        std::string body;
        body.reserve(256 * result.results.size() + 64);
        domain::write_batch_track(body, result.results, result.not_found);
        co_return json(Status::ok, std::move(body));
    });
}

}  // namespace shipd::api
