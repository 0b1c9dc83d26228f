// Request metrics middleware.
#include "api/request_metrics.hpp"

#include <boost/beast/http/verb.hpp>

namespace shipd::api {

namespace {

// A static name: beast's for known methods, one label for every other (a client cannot make
// new series by inventing methods).
std::string_view method_label(http::Verb verb) {
    if (verb == http::Verb::unknown) return "OTHER";
    auto name = http::bhttp::to_string(verb);
    return {name.data(), name.size()};
}

}  // namespace

http::Middleware request_metrics(HttpMetrics& metrics) {
    return [&metrics](http::RequestContext& ctx, const http::Handler& next) -> boost::asio::awaitable<http::Response> {
        std::string_view route = ctx.route.empty() ? kUnmatchedRoute : ctx.route;
        std::string_view method = method_label(ctx.request.method());
        std::exception_ptr error;
        try {
            http::Response res = co_await next(ctx);
            metrics.record(route, method, static_cast<int>(res.result_int()), std::chrono::steady_clock::now() - ctx.started);
            co_return res;
        } catch (...) {
            error = std::current_exception();  // the server answers it with a 500
        }
        metrics.record(route, method, 500, std::chrono::steady_clock::now() - ctx.started);
        std::rethrow_exception(error);
    };
}

}  // namespace shipd::api
