// Admin routes.
#include "api/admin.hpp"

#include "api/database.hpp"
#include "api/admin_json.hpp"
#include "api/request.hpp"
#include "domain/limit_query.hpp"
#include "pg/cluster.hpp"
#include "store/admin_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

namespace {

constexpr int kDefaultSlowQueries = 20;
constexpr int kMaxSlowQueries = 100;

}  // namespace

void add_admin_routes(http::Router& router, Services& services) {
    router.add(http::Verb::get, "/v1/admin/db/connections", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        auto report = co_await store::connection_report(db(services, ctx).read());
        auto server = co_await store::server_figures(db(services, ctx).read());
        co_return json(Status::ok, connections_json(report, services.capacity_plan, server));
    });
    // A server without pg_stat_statements is answered 200 with available:false, the reason and
    // the fix: the question has an answer ("cannot tell, because..."), not an error to retry.
    router.add(http::Verb::get, "/v1/admin/db/slow-queries", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        int limit = take(domain::parse_limit_query(query_string(ctx), kDefaultSlowQueries, kMaxSlowQueries));
        auto slow = co_await store::slow_queries(db(services, ctx).read(), limit);
        co_return json(Status::ok, slow_queries_json(slow, limit));
    });
}

}  // namespace shipd::api
