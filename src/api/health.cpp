// Health routes.
#include "api/health.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>

#include "http/errors.hpp"
#include "text/json_escape.hpp"
#include "api/admin_json.hpp"
#include "api/database.hpp"
#include "api/process_snapshot.hpp"
#include "pg/cluster.hpp"
#include "store/admin_store.hpp"

namespace shipd::api {

namespace {

// /health probes the database with one query, bounded so a hung server shows as down, fast.
constexpr auto kProbeTimeout = std::chrono::seconds(2);

void write_pool(std::string& out, const pg::PoolStats& s) {
    out += "{\"name\":\"";
    text::append_json_escaped(out, s.name);
    out += "\",\"size\":" + std::to_string(s.size) + ",\"idle\":" + std::to_string(s.idle) +
           ",\"in_use\":" + std::to_string(s.in_use) + ",\"waiting\":" + std::to_string(s.waiting) +
           ",\"max\":" + std::to_string(s.max) + ",\"database_down\":" + (s.database_down ? "true" : "false") +
           ",\"timeouts\":" + std::to_string(s.timeouts) + ",\"connect_errors\":" + std::to_string(s.connect_errors) + "}";
}

}  // namespace

void add_health_routes(http::Router& router, Services& services) {
    router.add(http::Verb::get, "/health/live", [](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
        co_return http::json_response(http::Status::ok, R"({"status":"ok"})");
    });
    // Ready means the primary pool can serve now: known down answers at once; otherwise one
    // connection is taken and pinged, bounded by kProbeTimeout.
    router.add(http::Verb::get, "/health/ready", [&services](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
        std::string reason = "the primary database is unavailable";
        if (services.cluster->write().healthy()) {
            try {
                auto lease = co_await db(services, ctx).write().acquire("health/ready", std::chrono::duration_cast<std::chrono::milliseconds>(kProbeTimeout));
                co_await lease->ping(std::chrono::steady_clock::now() + kProbeTimeout);
                co_return http::json_response(http::Status::ok, R"({"status":"ready"})");
            } catch (const std::exception& e) {
                reason += std::string(": ") + e.what();
            }
        }
        co_return http::error_response(http::Status::service_unavailable, "DATABASE_UNAVAILABLE", reason, ctx.request_id, {}, 5);
    });
    router.add(http::Verb::get, "/health", [&services](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
        auto started = std::chrono::steady_clock::now();
        bool reachable = false;
        std::string error;
        try {
            auto lease = co_await db(services, ctx).write().acquire("health", std::chrono::duration_cast<std::chrono::milliseconds>(kProbeTimeout));
            co_await lease->ping(std::chrono::steady_clock::now() + kProbeTimeout);
            reachable = true;
        } catch (const std::exception& e) {
            error = e.what();
        }
        double latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        // The capacity margin: the running plan against the primary server's figures read now
        // (the probe's lease is back, so a one-connection pool can serve this too). Left out
        // when the figures cannot be read.
        std::optional<pg::capacity::Budget> capacity;
        if (reachable) {
            try {
                auto figures = co_await store::server_figures(db(services, ctx).write());
                capacity = pg::capacity::assess(services.capacity_plan, capacity_figures(figures));
            } catch (const std::exception&) {
                // reachable a moment ago: the probe's figures are what /health reports
            }
        }
        // The pools of every event loop, summed (each read on its own loop).
        ProcessSnapshot process = co_await snapshot_process(services);
        bool impaired = !process.healthy || services.schema.current < services.schema.head ||
                        (capacity && capacity->verdict != pg::capacity::Verdict::kOk);
        const char* status = !reachable ? "down" : impaired ? "degraded" : "ok";
        std::string body = "{\"status\":\"";
        body += status;
        body += "\",\"database\":{\"reachable\":";
        body += reachable ? "true" : "false";
        char latency[32];
        std::snprintf(latency, sizeof latency, "%.2f", latency_ms);
        body += ",\"latency_ms\":";
        body += latency;
        if (!reachable) {
            body += ",\"error\":\"";
            text::append_json_escaped(body, error);
            body += '"';
        }
        body += "},\"schema\":{\"revision\":" + std::to_string(services.schema.current) +
                ",\"head\":" + std::to_string(services.schema.head) + '}';
        if (capacity) {
            body += ",\"capacity\":{";
            write_budget_members(body, *capacity);
            body += '}';
        }
        body += ",\"pools\":[";
        for (size_t i = 0; i < process.pools.size(); ++i) {
            if (i) body += ',';
            write_pool(body, process.pools[i].stats);
        }
        body += "]}";
        http::Response res = http::json_response(reachable ? http::Status::ok : http::Status::service_unavailable, std::move(body));
        if (!reachable) res.set(http::bhttp::field::retry_after, "5");
        co_return res;
    });
}

}  // namespace shipd::api
