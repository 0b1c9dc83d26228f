// Analytics and background jobs end to end: the three GET /v1/analytics/* answers for data made
// through the API, their parameters, POST /v1/admin/analytics/refresh (admin only, 409 while
// another refresh runs); the leader election of the background jobs between two shipd
// processes on one database (one runs them, the other takes over when the first is killed),
// the idempotency purge on its schedule, SIMULATED_TRACKING=off.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "support/pg_harness.hpp"
#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kRefreshLock = "8316012643382093158";  // store::kAnalyticsRefreshLock
constexpr const char* kJobsLock = "8316012643381571426";     // app::kBackgroundJobsLock

// One shipd for the API tests: its own database (the aggregates are exact), the scheduled
// refresh out of the way, the simulated progression off but stepping every second if it ran.
ShipdServer& server() {
    static ShipdServer s(ShipdServerOptions{
        {{"SHIPD_ANALYTICS_REFRESH_S", "3600"}, {"SIMULATED_TRACKING", "off"}, {"SIMULATED_TRACKING_STEP_S", "1"}}, ""});
    return s;
}
Api api() { return Api(server()); }
Api admin() {
    static std::string key = server().create_key("analytics-admin", true);
    return Api(server().port(), key);
}

std::string create(const Api& a, const std::string& reference) {
    auto r = a.post("/v1/shipments", shipment_body(reference));
    EXPECT_EQ(r.status, 201) << r.body;
    return str_at(json_of(r), "id");
}

// Buys and returns the rate paid, in cents.
long buy(const Api& a, const std::string& id, const std::string& carrier, const std::string& service) {
    auto r = a.post("/v1/shipments/" + id + "/buy", R"({"carrier":")" + carrier + R"(","service":")" + service + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    std::string rate = str_at(json_of(r), "selected_rate.rate");
    auto dot = rate.find('.');
    return std::stol(rate.substr(0, dot)) * 100 + std::stol(rate.substr(dot + 1));
}

void track(const Api& a, const std::string& id, const std::string& in_transit_at, const std::string& delivered_at) {
    auto r = a.post("/v1/shipments/" + id + "/events",
                    R"({"events":[{"status":"in_transit","occurred_at":")" + in_transit_at +
                        R"("},{"status":"delivered","occurred_at":")" + delivered_at + R"("}]})");
    EXPECT_EQ(r.status, 201) << r.body;
}

std::string money(long cents) {
    char out[32];
    std::snprintf(out, sizeof out, "%ld.%02ld", cents / 100, cents % 100);
    return out;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

template <class Pred>
bool eventually(Pred ok, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!ok()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(100ms);
    }
    return true;
}

TEST(AnalyticsE2E, AggregatesOfShipmentsMadeThroughTheApiAfterARefresh) {
    Api a = api();
    std::string ups1 = create(a, "an-ups-1"), ups2 = create(a, "an-ups-2"), usps = create(a, "an-usps"),
                open = create(a, "an-open");
    long paid_ups = buy(a, ups1, "UPS", "Ground") + buy(a, ups2, "UPS", "Ground");
    long paid_usps = buy(a, usps, "USPS", "Priority");
    // Transit from the first in_transit to the first delivered: 2.5 days and 1 day.
    track(a, ups1, "2099-01-01T00:00:00Z", "2099-01-03T12:00:00Z");
    track(a, ups2, "2099-01-01T00:00:00Z", "2099-01-02T00:00:00Z");
    std::string day = str_at(json_of(a.get("/v1/shipments/" + open)), "created_at").substr(0, 10);
    std::string range = "?start_date=" + day + "&end_date=" + day;

    // The views hold what the last refresh saw: nothing yet.
    auto stale = a.get("/v1/analytics/daily-volume" + range);
    ASSERT_EQ(stale.status, 200) << stale.body;
    auto sv = json_of(stale);
    ASSERT_TRUE(at(sv, "daily_volume") && at(sv, "daily_volume")->as_array().empty()) << stale.body;
    std::string before = str_at(sv, "refreshed_at");
    ASSERT_FALSE(before.empty()) << stale.body;

    auto refreshed = admin().post("/v1/admin/analytics/refresh", "");
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    auto rv = json_of(refreshed);
    std::string after = str_at(rv, "refreshed_at");
    EXPECT_GT(after, before);
    EXPECT_TRUE(after.ends_with("Z")) << refreshed.body;
    ASSERT_TRUE(at(rv, "duration_ms") && at(rv, "duration_ms")->is_int64()) << refreshed.body;
    EXPECT_GE(at(rv, "duration_ms")->as_int64(), 0);
    EXPECT_EQ(at(rv, "views")->as_array().size(), 3u);

    auto volume = a.get("/v1/analytics/daily-volume" + range);
    ASSERT_EQ(volume.status, 200) << volume.body;
    EXPECT_EQ(volume.body, R"({"refreshed_at":")" + after + R"(","start_date":")" + day + R"(","end_date":")" + day +
                               R"(","carrier":null,"daily_volume":[)"
                               R"({"date":")" + day + R"(","carrier":"UPS","status":"delivered","shipments":2},)"
                               R"({"date":")" + day + R"(","carrier":"USPS","status":"pre_transit","shipments":1},)"
                               R"({"date":")" + day + R"(","carrier":"unassigned","status":"unknown","shipments":1}]})");
    auto ups_only = json_of(a.get("/v1/analytics/daily-volume?carrier=UPS"));
    ASSERT_EQ(at(ups_only, "daily_volume")->as_array().size(), 1u);
    EXPECT_EQ(str_at(ups_only, "carrier"), "UPS");
    EXPECT_EQ(str_at(ups_only, "end_date"), day) << "the default range ends today";

    auto perf = a.get("/v1/analytics/carrier-performance");
    ASSERT_EQ(perf.status, 200) << perf.body;
    std::string perf_at = str_at(json_of(perf), "refreshed_at");
    EXPECT_GE(perf_at, after);
    EXPECT_EQ(perf.body, R"({"refreshed_at":")" + perf_at + R"(","carrier_performance":[)"
                         R"({"carrier":"UPS","service":"Ground","shipments":2,"delivered":2,"mean_transit_days":1.75,"p90_transit_days":2.35},)"
                         R"({"carrier":"USPS","service":"Priority","shipments":1,"delivered":0,"mean_transit_days":null,"p90_transit_days":null}]})");

    auto costs = a.get("/v1/analytics/costs?carrier=UPS");
    ASSERT_EQ(costs.status, 200) << costs.body;
    std::string costs_at = str_at(json_of(costs), "refreshed_at");
    long mean_ups = (paid_ups + 1) / 2;  // round half up, as numeric rounding does for positive values
    EXPECT_EQ(costs.body, R"({"refreshed_at":")" + costs_at + R"(","costs":[{"carrier":"UPS","service":"Ground","currency":"USD","count":2,"total":")" +
                              money(paid_ups) + R"(","mean_rate":")" + money(mean_ups) + R"("}]})");
    auto all_costs = json_of(a.get("/v1/analytics/costs"));
    ASSERT_EQ(at(all_costs, "costs")->as_array().size(), 2u);
    EXPECT_EQ(str_at(all_costs, "costs.1.total"), money(paid_usps));
}

TEST(AnalyticsE2E, BadParametersAre400sInTheErrorShape) {
    Api a = api();
    auto bad = a.get("/v1/analytics/daily-volume?start_date=2026-02-30&end_date=tomorrow");
    EXPECT_EQ(bad.status, 400) << bad.body;
    auto v = json_of(bad);
    EXPECT_EQ(str_at(v, "error.code"), "BAD_REQUEST");
    EXPECT_EQ(str_at(v, "error.errors.0.field"), "start_date");
    EXPECT_EQ(str_at(v, "error.errors.1.field"), "end_date");
    EXPECT_FALSE(str_at(v, "request_id").empty());

    auto backwards = a.get("/v1/analytics/daily-volume?start_date=2026-03-02&end_date=2026-03-01");
    EXPECT_EQ(backwards.status, 400);
    EXPECT_EQ(str_at(json_of(backwards), "error.message"), "start_date must not be after end_date");
    auto too_long = a.get("/v1/analytics/daily-volume?start_date=2020-01-01&end_date=2026-03-01");
    EXPECT_EQ(too_long.status, 400);
    EXPECT_EQ(str_at(json_of(too_long), "error.errors.0.field"), "start_date");
    auto carrier = a.get("/v1/analytics/costs?carrier=" + std::string(51, 'x'));
    EXPECT_EQ(carrier.status, 400);
    EXPECT_EQ(str_at(json_of(carrier), "error.errors.0.field"), "carrier");
    auto twice = a.get("/v1/analytics/carrier-performance?carrier=UPS&carrier=USPS");
    EXPECT_EQ(twice.status, 400);
    // A date range with nothing in it is an empty list, not an error.
    auto empty = a.get("/v1/analytics/daily-volume?start_date=2001-01-01&end_date=2001-01-31");
    EXPECT_EQ(empty.status, 200);
    EXPECT_EQ(at(json_of(empty), "daily_volume")->as_array().size(), 0u);
    EXPECT_EQ(a.anonymous("GET", "/v1/analytics/costs").status, 401);
}

TEST(AnalyticsE2E, RefreshIsForAdminsAndAnswers409WhileAnotherRuns) {
    auto forbidden = api().post("/v1/admin/analytics/refresh", "");
    EXPECT_EQ(forbidden.status, 403) << forbidden.body;
    std::string first = str_at(json_of(admin().post("/v1/admin/analytics/refresh", "")), "refreshed_at");
    ASSERT_FALSE(first.empty());
    {
        Session other(server().database_url());  // a refresh of another instance, as far as the lock goes
        other.sql("BEGIN");
        other.sql(std::string("SELECT pg_advisory_xact_lock(") + kRefreshLock + ")");
        auto busy = admin().post("/v1/admin/analytics/refresh", "");
        EXPECT_EQ(busy.status, 409) << busy.body;
        EXPECT_EQ(str_at(json_of(busy), "error.code"), "CONFLICT");
        EXPECT_NE(str_at(json_of(busy), "error.message").find("already running"), std::string::npos) << busy.body;
        EXPECT_FALSE(busy.header("retry-after").empty());
        other.sql("COMMIT");
    }
    auto again = admin().post("/v1/admin/analytics/refresh", "");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_GT(str_at(json_of(again), "refreshed_at"), first);
    EXPECT_EQ(str_at(json_of(api().get("/v1/analytics/daily-volume")), "refreshed_at"), str_at(json_of(again), "refreshed_at"));
}

TEST(AnalyticsE2E, SimulatedTrackingOffLeavesBoughtShipmentsWhereTheyAre) {
    // SIMULATED_TRACKING_STEP_S=1: with the progression on, this shipment moves within a second
    // or two (the election test below shows it); off, it must not move at all.
    Api a = api();
    std::string id = create(a, "an-still");
    buy(a, id, "UPS", "Ground");
    std::this_thread::sleep_for(3500ms);
    auto events = json_of(a.get("/v1/shipments/" + id + "/events"));
    ASSERT_TRUE(at(events, "events"));
    EXPECT_EQ(at(events, "events")->as_array().size(), 1u) << json::serialize(events);
    EXPECT_EQ(str_at(json_of(a.get("/v1/shipments/" + id)), "status"), "pre_transit");
    EXPECT_EQ(occurrences(server().log(), "simulated tracking"), 0u);
}

// Who holds the background jobs' lock on this database (the other shipd of this binary holds
// its own, on its own database): the application_name of its session.
std::string leader_session(const ShipdServer& s) {
    auto rows = s.exec_sql(std::string("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                                       " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()"
                                       " AND ((l.classid::bigint << 32) | l.objid::bigint) = ") + kJobsLock);
    return rows.empty() ? "" : rows.front();
}

void add_expired_idempotency_key(const ShipdServer& s, const std::string& key) {
    s.exec_sql("INSERT INTO idempotency_keys (api_key_id, key, request_hash, created_at, expires_at)"
               " SELECT id, '" + key + "', sha256('x'), now() - interval '25 hours', now() - interval '1 hour'"
               " FROM api_keys LIMIT 1");
}

bool key_purged(const ShipdServer& s, const std::string& key) {
    return s.exec_sql("SELECT count(*) FROM idempotency_keys WHERE key = '" + key + "'").front() == "0";
}

TEST(AnalyticsE2E, OneInstanceRunsTheBackgroundJobsAndAnotherTakesOverWhenItIsKilled) {
    std::map<std::string, std::string> env = {{"SHIPD_ANALYTICS_REFRESH_S", "1"}, {"SHIPD_IDEMPOTENCY_PURGE_S", "1"},
                                              {"SIMULATED_TRACKING", "on"},        {"SIMULATED_TRACKING_STEP_S", "1"},
                                              {"SHIPD_LOG_LEVEL", "debug"},        {"SHIPD_ACCESS_LOG", "false"}};
    env["SHIPD_INSTANCE"] = "first";
    ShipdServer first(ShipdServerOptions{env, ""});
    env["SHIPD_INSTANCE"] = "second";
    ShipdServer second(ShipdServerOptions{env, first.database_url()});

    // The first took the lock at its start; the second stands by.
    ASSERT_TRUE(eventually([&] { return second.log().find("stands by") != std::string::npos; }, 10s)) << second.log();
    EXPECT_EQ(leader_session(first), "shipd/first/election");
    EXPECT_NE(first.log().find("this instance is the leader"), std::string::npos) << first.log();

    // Every job runs on the leader only: the refresh each second, the purge, the progression.
    add_expired_idempotency_key(first, "expired-1");
    Api on_second(second);
    std::string id = create(on_second, "an-moving");
    buy(on_second, id, "USPS", "Priority");
    EXPECT_TRUE(eventually([&] { return key_purged(first, "expired-1"); }, 5s)) << "the purge did not run on its schedule";
    EXPECT_TRUE(eventually([&] { return on_second.get("/v1/shipments/" + id).body.find(R"("status":"in_transit")") != std::string::npos; }, 10s))
        << "the simulated progression did not run";
    EXPECT_TRUE(eventually([&] { return occurrences(first.log(), "analytics views refreshed on schedule") >= 3; }, 10s)) << first.log();
    std::string second_log = second.log();
    EXPECT_EQ(occurrences(second_log, "analytics views refreshed on schedule"), 0u) << second_log;
    EXPECT_EQ(occurrences(second_log, "purged "), 0u) << second_log;
    EXPECT_EQ(occurrences(second_log, "simulated tracking:"), 0u) << second_log;
    EXPECT_NE(first.log().find("purged 1 expired idempotency key(s)"), std::string::npos);
    EXPECT_NE(first.log().find("simulated tracking: 1 shipment(s) moved"), std::string::npos);

    // SIGKILL: no goodbye. Its session ends with the process, and the lock with it; the
    // second takes over within one period (a heartbeat of 1 s here).
    auto killed_at = std::chrono::steady_clock::now();
    first.kill();
    ASSERT_TRUE(eventually([&] { return second.log().find("this instance is the leader") != std::string::npos; }, 5s)) << second.log();
    EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 3s);
    EXPECT_EQ(leader_session(second), "shipd/second/election");
    add_expired_idempotency_key(second, "expired-2");
    EXPECT_TRUE(eventually([&] { return key_purged(second, "expired-2"); }, 5s));
    EXPECT_TRUE(eventually([&] { return occurrences(second.log(), "analytics views refreshed on schedule") >= 2; }, 5s)) << second.log();
}

}  // namespace
}  // namespace shipd::testing
