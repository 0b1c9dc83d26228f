// Analytics routes.
#include "api/analytics.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/api_error.hpp"
#include "api/database.hpp"
#include "api/request.hpp"
#include "domain/analytics_query.hpp"
#include "pg/cluster.hpp"
#include "store/analytics_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

namespace {

std::chrono::sys_days today_utc() { return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()); }

// How long a client told "a refresh is running" should wait before asking again.
constexpr int kRefreshRetryAfterS = 5;

}  // namespace

asio::awaitable<std::optional<domain::AnalyticsRefresh>> refresh_analytics(Services& services, RefreshTrigger trigger) {
    auto refresh = co_await store::refresh_analytics(services.cluster->bulk());
    const char* who = trigger == RefreshTrigger::kAdmin ? "on request" : "on schedule";
    if (!refresh) {
        spdlog::debug("analytics refresh {} skipped: another refresh is running", who);
        co_return refresh;
    }
    std::string views;
    for (const auto& v : refresh->views) {
        if (!views.empty()) views += ", ";
        views += v.view + " " + std::to_string(v.duration_ms) + " ms";
    }
    const auto half_period_ms = services.settings->analytics_refresh_s * 1000LL / 2;
    auto level = refresh->duration_ms > half_period_ms  ? spdlog::level::warn
                 : trigger == RefreshTrigger::kAdmin ? spdlog::level::info
                                                     : spdlog::level::debug;
    spdlog::log(level, "analytics views refreshed {} in {} ms ({}){}", who, refresh->duration_ms, views,
                level == spdlog::level::warn ? "; that is over half of SHIPD_ANALYTICS_REFRESH_S" : "");
    co_return refresh;
}

void add_analytics_routes(http::Router& router, Services& services) {
    router.add(http::Verb::get, "/v1/analytics/daily-volume", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        domain::DailyVolumeQuery q = take(domain::parse_daily_volume_query(query_string(ctx), today_utc()));
        store::DailyVolumeFilter f{domain::format_date(q.start_date), domain::format_date(q.end_date), q.carrier};
        auto view = co_await store::daily_volume(db(services, ctx).read(), f);
        std::string body;
        domain::write_daily_volume(body, view.refreshed_at, f.start_date, f.end_date, f.carrier, view.rows);
        co_return json(Status::ok, std::move(body));
    });

    router.add(http::Verb::get, "/v1/analytics/carrier-performance", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        domain::CarrierQuery q = take(domain::parse_carrier_query(query_string(ctx)));
        auto view = co_await store::carrier_performance(db(services, ctx).read(), q.carrier);
        std::string body;
        domain::write_carrier_performance(body, view.refreshed_at, view.rows);
        co_return json(Status::ok, std::move(body));
    });

    router.add(http::Verb::get, "/v1/analytics/costs", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        domain::CarrierQuery q = take(domain::parse_carrier_query(query_string(ctx)));
        auto view = co_await store::costs(db(services, ctx).read(), q.carrier);
        std::string body;
        domain::write_costs(body, view.refreshed_at, view.rows);
        co_return json(Status::ok, std::move(body));
    });

    // Admin keys only (authentication checks /v1/admin/*). A refresh already running, of this
    // instance or another, is answered at once with 409 rather than waited for: its data may
    // predate the request, and a wait would hold the request for as long as a refresh takes.
    router.add(http::Verb::post, "/v1/admin/analytics/refresh", [&services](RequestContext&) -> asio::awaitable<Response> {
        auto refresh = co_await refresh_analytics(services, RefreshTrigger::kAdmin);
        if (!refresh) {
            throw ApiError(Status::conflict, "CONFLICT", "an analytics refresh is already running; retry shortly", {},
                           kRefreshRetryAfterS);
        }
        std::string body;
        domain::write_analytics_refresh(body, *refresh);
        co_return json(Status::ok, std::move(body));
    });
}

}  // namespace shipd::api
