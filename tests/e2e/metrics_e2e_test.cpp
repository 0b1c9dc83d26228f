// GET /metrics end to end: request counts by route template and status summed over two event
// loops, pool figures agreeing with /health, carrier calls, the exposition accepted by
// `promtool check metrics`, a real Prometheus server scraping shipd, SHIPD_METRICS_REQUIRE_KEY,
// and the pool wait in the JSON access log.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr const char* kPrometheus = "/usr/bin/prometheus";

// The shipd of this binary: two event loops, so that /metrics must sum loops (requests on new
// connections are spread between them by SO_REUSEPORT); JSON logs for the access-log check.
ShipdServer& server() {
    static ShipdServer s(ShipdServerOptions{{{"SHIPD_THREADS", "2"}, {"SHIPD_LOG_FORMAT", "json"}}, {}});
    return s;
}

// The value of the sample whose line starts with `series` (name and labels exactly as
// written), nullopt when absent.
std::optional<double> sample(const std::string& body, const std::string& series) {
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ') {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return std::nullopt;
}

HttpResponse scrape(const Api& api) {
    auto r = api.anonymous("GET", "/metrics");
    EXPECT_EQ(r.status, 200) << r.body;
    return r;
}

// A shell command's exit code and its output (stdout then stderr), bounded by `timeout`.
std::pair<std::optional<int>, std::string> run_shell(const std::string& command, const std::filesystem::path& cwd,
                                                     std::chrono::seconds timeout = 30s) {
    ChildProcess p({"/bin/sh", "-c", command}, {}, cwd);
    auto code = p.wait(timeout);
    return {code, p.stdout_text() + p.stderr_text()};
}

TEST(MetricsE2E, CountsRequestsByRouteTemplateAndStatusOverEveryLoop) {
    Api api(server());
    const std::string before = scrape(api).body;
    auto count = [](const std::string& body, const std::string& series) { return sample(body, series).value_or(0); };
    const std::string by_id = R"(shipd_http_requests_total{route="/v1/shipments/{id}",method="GET",status="404"})";
    const std::string unmatched = R"(shipd_http_requests_total{route="unmatched",method="GET",status="404"})";
    const std::string no_key = R"(shipd_http_requests_total{route="/v1/shipments",method="GET",status="401"})";
    const std::string created = R"(shipd_http_requests_total{route="/v1/shipments",method="POST",status="201"})";
    const std::string quotes = R"(shipd_carrier_calls_total{carrier="simulated",operation="quote",outcome="ok"})";

    const std::string missing_id = "01939b6e-0000-7000-8000-00000000abcd";
    for (int i = 0; i < 6; ++i) EXPECT_EQ(api.get("/v1/shipments/" + missing_id).status, 404);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(api.anonymous("GET", "/no/such/route-" + std::to_string(i)).status, 404);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(api.anonymous("GET", "/v1/shipments").status, 401);
    EXPECT_EQ(api.post("/v1/shipments", shipment_body(unique("metrics"))).status, 201);

    const std::string after = scrape(api).body;
    EXPECT_EQ(count(after, by_id) - count(before, by_id), 6) << after;
    EXPECT_EQ(count(after, unmatched) - count(before, unmatched), 3) << after;
    EXPECT_EQ(count(after, no_key) - count(before, no_key), 4) << after;
    EXPECT_EQ(count(after, created) - count(before, created), 1) << after;
    EXPECT_EQ(count(after, quotes) - count(before, quotes), 1) << after;
    // Templates only: no raw path becomes a label.
    EXPECT_EQ(after.find(missing_id), std::string::npos);
    EXPECT_EQ(after.find("/no/such/route"), std::string::npos);
    // The latency histogram of a route counts what its counters count.
    const std::string hist = R"(shipd_http_request_duration_seconds_count{route="/v1/shipments/{id}",method="GET"})";
    EXPECT_EQ(count(after, hist) - count(before, hist), 6) << after;
    EXPECT_EQ(sample(after, "shipd_event_loops"), 2) << after;
}

TEST(MetricsE2E, PoolFiguresAreTheProcessTotalsThatHealthReports) {
    Api api(server());
    auto health = json_of(api.anonymous("GET", "/health"));
    const std::string body = scrape(api).body;
    EXPECT_EQ(scrape(api).header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const auto* pools = at(health, "pools");
    ASSERT_TRUE(pools && pools->is_array()) << health;
    ASSERT_EQ(pools->as_array().size(), 2u);
    for (const auto& p : pools->as_array()) {
        std::string name(p.at("name").as_string());
        std::string label = "{pool=\"" + name + "\"}";
        for (const char* gauge : {"db_connections_active", "db_connections_idle", "shipd_db_pool_waiting", "shipd_db_pool_size"}) {
            EXPECT_TRUE(sample(body, gauge + label)) << gauge << label << "\n" << body;
        }
        // max is fixed: /health and /metrics, both summed over the two loops, agree.
        EXPECT_EQ(sample(body, "shipd_db_pool_max" + label), p.at("max").to_number<double>()) << body;
        EXPECT_EQ(sample(body, "shipd_db_pool_up" + label), 1) << body;
        for (const char* counter : {"shipd_db_pool_timeouts_total", "shipd_db_pool_connect_errors_total",
                                    "shipd_db_pool_overloaded_total", "shipd_db_pool_leaks_total",
                                    "shipd_db_pool_pipelined_total", "shipd_db_pool_pipeline_stalls_total"}) {
            EXPECT_TRUE(sample(body, counter + label)) << counter << label;
        }
    }
    // Every acquire is one acquire-wait observation.
    auto acquired = sample(body, R"(shipd_db_pool_acquired_total{pool="primary"})");
    ASSERT_TRUE(acquired);
    EXPECT_GT(*acquired, 0);
    EXPECT_EQ(sample(body, R"(shipd_db_pool_acquire_wait_seconds_count{pool="primary"})"), acquired);
    EXPECT_EQ(sample(body, R"(shipd_db_pool_acquire_wait_seconds_bucket{pool="primary",le="+Inf"})"), acquired);
    EXPECT_GT(sample(body, R"(shipd_db_query_duration_seconds_count{pool="primary"})").value_or(0), 0);
    EXPECT_GT(sample(body, "process_resident_memory_bytes").value_or(0), 1e6);
    EXPECT_GT(sample(body, "process_open_fds").value_or(0), 5);
}

TEST(MetricsE2E, PromtoolAcceptsTheExposition) {
    if (!std::filesystem::exists(kPromtool)) {
        GTEST_SKIP() << kPromtool << " is missing: install the Debian package prometheus (scripts/install-deps.sh)";
    }
    Api api(server());
    EXPECT_EQ(api.get("/v1/shipments/01939b6e-0000-7000-8000-00000000beef").status, 404);  // some series
    TempDir dir("shipd-promtool");
    {
        std::ofstream(dir.path() / "metrics.txt") << scrape(api).body;
    }
    auto [code, output] = run_shell(std::string(kPromtool) + " check metrics < metrics.txt", dir.path());
    EXPECT_EQ(code, 0) << output;
    // promtool's lint also prints problems with exit 0 in some versions: there must be none.
    EXPECT_EQ(output.find("counter"), std::string::npos) << output;
    EXPECT_EQ(output.find("error"), std::string::npos) << output;
}

// The first result's value of an instant query to Prometheus' HTTP API, nullopt when none.
std::optional<std::string> prometheus_query(int port, const std::string& query) {
    std::optional<HttpResponse> r;
    try {
        r = http_request(port, "GET", "/api/v1/query?query=" + url_encode(query));
    } catch (const std::runtime_error&) {
        return std::nullopt;  // not listening yet
    }
    if (!r || r->status != 200) return std::nullopt;
    auto v = json_of(r->body);
    const auto* value = at(v, "data.result.0.value.1");
    if (!value || !value->is_string()) return std::nullopt;
    return std::string(value->as_string());
}

TEST(MetricsE2E, ARealPrometheusScrapesShipd) {
    if (!std::filesystem::exists(kPrometheus)) {
        GTEST_SKIP() << kPrometheus << " is missing: install the Debian package prometheus (scripts/install-deps.sh)";
    }
    TempDir dir("shipd-prometheus");
    {
        std::ofstream config(dir.path() / "prometheus.yml");
        config << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
               << "scrape_configs:\n  - job_name: shipd\n    static_configs:\n"
               << "      - targets: ['127.0.0.1:" << server().port() << "']\n";
    }
    int port = free_port();
    ChildProcess prometheus({kPrometheus, "--config.file=" + (dir.path() / "prometheus.yml").string(),
                             "--storage.tsdb.path=" + (dir.path() / "data").string(),
                             "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                            {}, dir.path());
    std::optional<std::string> up, idle;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        up = prometheus_query(port, R"(up{job="shipd"})");
        idle = prometheus_query(port, R"(db_connections_idle{job="shipd",pool="primary"})");
        if (up == "1" && idle) break;
        std::this_thread::sleep_for(250ms);
    }
    EXPECT_EQ(up, "1") << prometheus.stderr_text();
    EXPECT_TRUE(idle) << prometheus.stderr_text();
    // Prometheus parsed the histograms too: a quantile over the request latency is a number.
    auto scrapes = prometheus_query(port, R"(sum(shipd_http_requests_total{job="shipd",route="/metrics"}))");
    EXPECT_TRUE(scrapes) << "Prometheus' own scrapes of /metrics are counted";
    prometheus.signal(SIGTERM);
    EXPECT_TRUE(prometheus.wait(15s)) << "prometheus did not stop on SIGTERM";
}

TEST(MetricsE2E, AccessLogCarriesThePoolWait) {
    Api api(server());
    EXPECT_EQ(api.get("/v1/shipments/01939b6e-0000-7000-8000-00000000cafe").status, 404);
    // The log is written as the answer goes out: wait for the line.
    std::string line;
    for (int i = 0; i < 50 && line.empty(); ++i) {
        std::istringstream in(server().log());
        std::string l;
        while (std::getline(in, l)) {
            if (l.find("00000000cafe") != std::string::npos && l.find("\"msg\":\"access\"") != std::string::npos) line = l;
        }
        if (line.empty()) std::this_thread::sleep_for(100ms);
    }
    ASSERT_FALSE(line.empty()) << server().log();
    auto v = json_of(line);
    ASSERT_TRUE(v.is_object()) << line;
    EXPECT_EQ(str_at(v, "route"), "/v1/shipments/{id}") << line;
    const auto* wait = at(v, "pool_wait_ms");
    ASSERT_TRUE(wait && wait->is_number()) << line;
    EXPECT_GE(wait->to_number<double>(), 0);
    EXPECT_LE(wait->to_number<double>(), at(v, "duration_ms")->to_number<double>()) << line;
}

TEST(MetricsE2E, RequireKeySettingProtectsTheRoute) {
    ShipdServer protected_server(ShipdServerOptions{{{"SHIPD_METRICS_REQUIRE_KEY", "true"}}, {}});
    Api api(protected_server);
    auto anonymous = api.anonymous("GET", "/metrics");
    EXPECT_EQ(anonymous.status, 401) << anonymous.body;
    EXPECT_EQ(str_at(json_of(anonymous), "error.code"), "UNAUTHORIZED") << anonymous.body;
    auto with_key = api.get("/metrics");
    EXPECT_EQ(with_key.status, 200) << with_key.body;
    EXPECT_NE(with_key.body.find("# TYPE shipd_http_requests_total counter"), std::string::npos);
    // /health stays public.
    EXPECT_EQ(api.anonymous("GET", "/health").status, 200);
}

}  // namespace
}  // namespace shipd::testing
