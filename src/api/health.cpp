// Health routes.
#include "api/health.hpp"

#include "http/errors.hpp"

namespace shipd::api {

void add_health_routes(http::Router& router) {
    router.add(http::Verb::get, "/health/live", [](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
        co_return http::json_response(http::Status::ok, R"({"status":"ok"})");
    });
}

}  // namespace shipd::api
