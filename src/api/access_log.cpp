// The access log.
#include "api/access_log.hpp"

#include "http/router.hpp"
#include "log/log.hpp"
#include "pg/wait_tally.hpp"

namespace shipd::api {

http::Middleware access_log() {
    return [](http::RequestContext& ctx, const http::Handler& next) -> boost::asio::awaitable<http::Response> {
        // The request's pool wait: the database calls arm this tally (api/database.hpp).
        ctx.pool_wait_tally = pg::wait_tally::open();
        struct Close {
            http::RequestContext& ctx;
            ~Close() { pg::wait_tally::close(ctx.pool_wait_tally); }  // when next() throws
        } close{ctx};
        http::Response res = co_await next(ctx);
        log::AccessRecord r;
        r.pool_wait_ms = std::chrono::duration<double, std::milli>(pg::wait_tally::close(ctx.pool_wait_tally)).count();
        ctx.pool_wait_tally = 0;
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
