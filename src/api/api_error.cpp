// The one place that maps every error to API.md's shape and status.
#include "api/api_error.hpp"

#include <spdlog/spdlog.h>

#include "http/body_stream.hpp"
#include "pg/errors.hpp"

namespace shipd::api {

// Retry-After for 503s: a pool timeout clears as soon as a request finishes; a database that
// is down is retried by the pool's reconnect loop, whose backoff reaches seconds.
constexpr int kRetryPoolBusyS = 1;
constexpr int kRetryDatabaseDownS = 5;

ApiError not_found(const std::string& what) {
    return ApiError(http::Status::not_found, "NOT_FOUND", "no " + what);
}

http::Response map_error(const std::exception_ptr& error, const http::RequestContext& ctx) {
    using http::Status;
    try {
        std::rethrow_exception(error);
    } catch (const ApiError& e) {
        return http::error_response(e.status(), e.code(), e.what(), ctx.request_id, e.errors(), e.retry_after_s());
    } catch (const http::BodyError& e) {
        return http::body_error_response(e, ctx.request_id);
    } catch (const pg::PoolTimeout&) {
        return http::error_response(Status::service_unavailable, "POOL_TIMEOUT",
                                    "no database connection became free in time; retry shortly",
                                    ctx.request_id, {}, kRetryPoolBusyS);
    } catch (const pg::PoolOverloaded&) {
        return http::error_response(Status::service_unavailable, "OVERLOADED",
                                    "too many requests are waiting for the database; retry shortly",
                                    ctx.request_id, {}, kRetryPoolBusyS);
    } catch (const pg::DatabaseUnavailable&) {
        return http::error_response(Status::service_unavailable, "DATABASE_UNAVAILABLE",
                                    "the database is unavailable; retry later", ctx.request_id, {},
                                    kRetryDatabaseDownS);
    } catch (const pg::ConnectionError& e) {
        spdlog::warn("request {}: database connection lost: {}", ctx.request_id, e.what());
        return http::error_response(Status::service_unavailable, "DATABASE_UNAVAILABLE",
                                    "the database connection was lost; retry later", ctx.request_id, {},
                                    kRetryDatabaseDownS);
    } catch (const pg::PoolClosed&) {
        return http::error_response(Status::service_unavailable, "DATABASE_UNAVAILABLE",
                                    "shipd is shutting down", ctx.request_id, {}, kRetryDatabaseDownS);
    } catch (const std::exception& e) {
        spdlog::error("request {} {} {}: {}", ctx.request_id, std::string(ctx.request.method_string()),
                      std::string(ctx.route), e.what());
    } catch (...) {
        spdlog::error("request {}: unknown exception", ctx.request_id);
    }
    return http::error_response(Status::internal_server_error, "INTERNAL",
                                "internal error; the request id ties it to the log", ctx.request_id);
}

http::Middleware error_mapping() {
    return [](http::RequestContext& ctx, const http::Handler& next) -> boost::asio::awaitable<http::Response> {
        std::exception_ptr error;
        try {
            co_return co_await next(ctx);
        } catch (...) {
            error = std::current_exception();
        }
        co_return map_error(error, ctx);
    };
}

}  // namespace shipd::api
