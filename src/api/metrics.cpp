// GET /metrics.
#include "api/metrics.hpp"

#include <boost/beast/http/field.hpp>

#include <functional>
#include <string>

#include "carriers/carrier.hpp"
#include "metrics/process.hpp"

#ifndef SHIPD_VERSION
#define SHIPD_VERSION "0.0.0"
#endif

namespace shipd::api {

namespace {

using metrics::Type;

// A pool figure: one family, one sample per pool.
template <class Value>
void pool_family(metrics::Exposition& out, const ProcessSnapshot& s, std::string_view name, Type type,
                 std::string_view help, Value value) {
    out.family(name, type, help);
    for (const auto& p : s.pools) out.sample(name, {{"pool", p.stats.name}}, value(p.stats));
}

void write_pools(metrics::Exposition& out, const ProcessSnapshot& s) {
    using Stats = const pg::PoolStats&;
    auto u = [](std::size_t v) { return static_cast<std::uint64_t>(v); };
    // The seed's names, kept so its dashboards keep working.
    pool_family(out, s, "db_connections_active", Type::kGauge,
                "Connections of the pool in use (leased, being validated or rolled back).",
                [&](Stats p) { return u(p.in_use); });
    pool_family(out, s, "db_connections_idle", Type::kGauge, "Idle connections of the pool.",
                [&](Stats p) { return u(p.idle); });
    pool_family(out, s, "shipd_db_pool_size", Type::kGauge, "Open and opening connections of the pool.",
                [&](Stats p) { return u(p.size); });
    pool_family(out, s, "shipd_db_pool_max", Type::kGauge, "The pool's maximum size (summed over the event loops).",
                [&](Stats p) { return u(p.max); });
    pool_family(out, s, "shipd_db_pool_waiting", Type::kGauge, "Requests waiting for a connection of the pool.",
                [&](Stats p) { return u(p.waiting); });
    pool_family(out, s, "shipd_db_pool_up", Type::kGauge, "0 while the pool knows the database to be down, else 1.",
                [&](Stats p) { return std::uint64_t{p.database_down ? 0u : 1u}; });
    pool_family(out, s, "shipd_db_pool_acquired_total", Type::kCounter, "Connections handed out by the pool.",
                [](Stats p) { return p.acquired_total; });
    pool_family(out, s, "shipd_db_pool_timeouts_total", Type::kCounter, "Acquires that timed out (DB_POOL_TIMEOUT).",
                [](Stats p) { return p.timeouts; });
    pool_family(out, s, "shipd_db_pool_overloaded_total", Type::kCounter,
                "Acquires refused at once because the waiter queue was full.", [](Stats p) { return p.overloaded; });
    pool_family(out, s, "shipd_db_pool_unavailable_total", Type::kCounter,
                "Acquires refused at once while the database was known down.", [](Stats p) { return p.unavailable; });
    pool_family(out, s, "shipd_db_pool_connect_errors_total", Type::kCounter, "Failed connection attempts.",
                [](Stats p) { return p.connect_errors; });
    pool_family(out, s, "shipd_db_pool_evicted_total", Type::kCounter,
                "Connections closed broken, failing validation or expired.", [](Stats p) { return p.evicted; });
    pool_family(out, s, "shipd_db_pool_leaks_total", Type::kCounter,
                "Connections reported held longer than the leak threshold.", [](Stats p) { return p.leaks_reported; });
    pool_family(out, s, "shipd_db_pool_pipelines", Type::kGauge,
                "Connections of the pool carrying auto-pipelined statements now.", [&](Stats p) { return u(p.pipelines); });
    pool_family(out, s, "shipd_db_pool_pipelined_total", Type::kCounter,
                "Single statements sent on a shared pipelined connection.", [](Stats p) { return p.pipelined_total; });
    pool_family(out, s, "shipd_db_pool_pipeline_stalls_total", Type::kCounter,
                "Times the pool's stall check had to wake a pipelined connection or its waiters (a bug to report).",
                [](Stats p) { return p.pipeline_stalls; });

    out.family("shipd_db_pool_acquire_wait_seconds", Type::kHistogram, "Time to get a connection from the pool.");
    for (const auto& p : s.pools) out.histogram("shipd_db_pool_acquire_wait_seconds", {{"pool", p.stats.name}}, p.acquire_wait);
    out.family("shipd_db_query_duration_seconds", Type::kHistogram,
               "Statement round trips on the pool's connections, sent to result.");
    for (const auto& p : s.pools) out.histogram("shipd_db_query_duration_seconds", {{"pool", p.stats.name}}, p.query_time);
}

void write_http(metrics::Exposition& out, const ProcessSnapshot& s) {
    out.family("shipd_http_requests_total", Type::kCounter,
               "HTTP requests answered, by route template (\"unmatched\" when none), method and status.");
    for (const auto& h : s.http) {
        for (const auto& [status, n] : h.statuses) {
            std::string code = std::to_string(status);
            out.sample("shipd_http_requests_total", {{"route", h.route}, {"method", h.method}, {"status", code}}, n);
        }
    }
    out.family("shipd_http_request_duration_seconds", Type::kHistogram,
               "Time from the request's header to its answer, by route template and method.");
    for (const auto& h : s.http) {
        out.histogram("shipd_http_request_duration_seconds", {{"route", h.route}, {"method", h.method}}, h.latency);
    }
}

void write_carrier(metrics::Exposition& out, const ProcessSnapshot& s, std::string_view carrier) {
    constexpr CarrierOperation kOps[] = {CarrierOperation::kQuote, CarrierOperation::kBuy};
    constexpr CarrierOutcome kOutcomes[] = {CarrierOutcome::kOk, CarrierOutcome::kRejected, CarrierOutcome::kFailed};
    out.family("shipd_carrier_calls_total", Type::kCounter,
               "Carrier calls by operation and outcome (ok, rejected: a 4xx refusal, failed: no answer or a 5xx).");
    for (auto op : kOps) {
        for (auto outcome : kOutcomes) {
            out.sample("shipd_carrier_calls_total",
                       {{"carrier", carrier}, {"operation", to_string(op)}, {"outcome", to_string(outcome)}},
                       s.carrier.calls[static_cast<std::size_t>(op)][static_cast<std::size_t>(outcome)]);
        }
    }
    out.family("shipd_carrier_call_duration_seconds", Type::kHistogram, "Carrier call latency, retries included.");
    for (auto op : kOps) {
        out.histogram("shipd_carrier_call_duration_seconds", {{"carrier", carrier}, {"operation", to_string(op)}},
                      s.carrier.latency[static_cast<std::size_t>(op)]);
    }
}

}  // namespace

void write_metrics(metrics::Exposition& out, const ProcessSnapshot& s, std::string_view carrier) {
    out.family("shipd_build_info", Type::kGauge, "Always 1; the version in a label.");
    out.sample("shipd_build_info", {{"version", SHIPD_VERSION}}, std::uint64_t{1});
    out.family("shipd_event_loops", Type::kGauge, "Event-loop threads serving HTTP (SHIPD_THREADS).");
    out.sample("shipd_event_loops", {}, static_cast<std::uint64_t>(s.loops));
    write_pools(out, s);
    write_http(out, s);
    write_carrier(out, s, carrier);
}

void add_metrics_routes(http::Router& router, Services& services) {
    router.add(http::Verb::get, "/metrics", [&services](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
        ProcessSnapshot snapshot = co_await snapshot_process(services);
        metrics::Exposition out;
        write_metrics(out, snapshot, services.carrier ? services.carrier->name() : std::string_view("none"));
        metrics::write_process_stats(out, metrics::read_process_stats());
        http::Response res{http::Status::ok, 11};
        res.set(http::bhttp::field::content_type, metrics::kContentType);
        res.set(http::bhttp::field::cache_control, "no-store");
        res.body() = out.take();
        res.prepare_payload();
        co_return res;
    });
}

}  // namespace shipd::api
