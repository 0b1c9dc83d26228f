// The access log.
#include "api/access_log.hpp"

#include "http/router.hpp"
#include "log/log.hpp"

namespace shipd::api {

http::Middleware access_log() {
    return [](http::RequestContext& ctx, const http::Handler& next) -> boost::asio::awaitable<http::Response> {
        http::Response res = co_await next(ctx);
        log::AccessRecord r;
        r.method = ctx.request.method_string();
        r.path = http::target_path(ctx.request.target());
        r.route = ctx.route;
        r.status = static_cast<int>(res.result_int());
        r.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - ctx.started).count();
        r.request_id = ctx.request_id;
        r.principal = ctx.principal;
        log::access(r);
        co_return res;
    };
}

}  // namespace shipd::api
