// Analytics views: the aggregates after a refresh, filters, refreshed_at, the refresh lock,
// and readers that a running refresh does not block (CONCURRENTLY).
#include <boost/asio/co_spawn.hpp>

#include "store/analytics_store.hpp"
#include "store/tests/store_test_util.hpp"

namespace shipd::store::testing {
namespace {

using namespace std::chrono_literals;

// Shipments whose aggregates are worked out by hand below. One address serves as both ends.
// Transit: a1 in_transit 11-01 12:00 → delivered 11-04 00:00 = 2.5 days; a2 has no in_transit,
// so from pre_transit 11-02 00:00 → delivered 11-03 00:00 = 1 day; a3 is still in transit.
constexpr const char* kFixture = R"SQL(
WITH a AS (INSERT INTO addresses (street1, city, zip) VALUES ('1 Main St', 'Springfield', '62701') RETURNING id),
s AS (
  INSERT INTO shipments (from_address_id, to_address_id, reference, created_at, carrier, service, rate_amount, rate_currency, status)
  SELECT a.id, a.id, v.ref, v.created_at::timestamptz, v.carrier, v.service, v.rate::numeric, v.currency, v.status
    FROM a, (VALUES
      ('a1', '2026-11-01T10:00:00Z', 'UPS', 'Ground', '10.00', 'USD', 'pre_transit'),
      ('a2', '2026-11-01T23:59:59Z', 'UPS', 'Ground', '12.00', 'USD', 'pre_transit'),
      ('a3', '2026-11-02T00:00:00Z', 'UPS', 'Ground', '9.99', 'USD', 'pre_transit'),
      ('b1', '2026-11-02T05:00:00Z', 'USPS', 'Priority', '7.58', 'USD', 'pre_transit'),
      ('c1', '2026-11-03T00:00:00Z', NULL, NULL, NULL, NULL, 'unknown'),
      ('d1', '2026-11-03T01:00:00Z', 'UPS', 'Ground', '20.00', 'CAD', 'pre_transit')
    ) AS v(ref, created_at, carrier, service, rate, currency, status)
  RETURNING id, reference)
INSERT INTO shipment_events (shipment_id, status, occurred_at)
SELECT s.id, e.status, e.occurred_at::timestamptz
  FROM s JOIN (VALUES
    ('a1', 'pre_transit', '2026-11-01T11:00:00Z'), ('a1', 'in_transit', '2026-11-01T12:00:00Z'),
    ('a1', 'delivered', '2026-11-04T00:00:00Z'),
    ('a2', 'pre_transit', '2026-11-02T00:00:00Z'), ('a2', 'delivered', '2026-11-03T00:00:00Z'),
    ('a3', 'pre_transit', '2026-11-02T01:00:00Z'), ('a3', 'in_transit', '2026-11-02T06:00:00Z')
  ) AS e(ref, status, occurred_at) ON e.ref = s.reference
)SQL";

std::vector<std::string> volume_lines(const ViewRows<domain::DailyVolumeRow>& v) {
    std::vector<std::string> out;
    for (const auto& r : v.rows) out.push_back(r.date + " " + r.carrier + " " + r.status + " " + std::to_string(r.shipments));
    return out;
}

class AnalyticsStoreTest : public StoreTest {
protected:
    DailyVolumeFilter november(std::optional<std::string> carrier = std::nullopt) {
        return {"2026-11-01", "2026-11-30", std::move(carrier)};
    }
    // Runs the loop until `done` holds (or fails the test after `limit`).
    template <class Pred>
    void pump_until(Pred done, std::chrono::milliseconds limit = 10s) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "timed out";
            io_.restart();
            io_.run_for(20ms);
        }
    }
};

TEST_F(AnalyticsStoreTest, RefreshComputesTheAggregatesAndRecordsWhen) {
    sql(kFixture);
    auto before = run(daily_volume(*pool_, november()));
    EXPECT_TRUE(before.rows.empty()) << "the views hold what they held at the last refresh";
    EXPECT_TRUE(is_rfc3339_utc(before.refreshed_at)) << before.refreshed_at;  // filled by migration 5

    auto refresh = run(refresh_analytics(*pool_));
    ASSERT_TRUE(refresh);
    ASSERT_EQ(refresh->views.size(), 3u);
    EXPECT_EQ(refresh->views[0].view, "analytics_daily_volume");
    EXPECT_EQ(refresh->refreshed_at, refresh->views[0].refreshed_at);
    EXPECT_GT(refresh->refreshed_at, before.refreshed_at);
    EXPECT_EQ(sql_value("SELECT count(*) FROM analytics_refreshes WHERE refreshed_at >= '" + refresh->refreshed_at + "'"), "3");

    auto volume = run(daily_volume(*pool_, november()));
    EXPECT_EQ(volume.refreshed_at, refresh->views[0].refreshed_at);
    EXPECT_EQ(volume_lines(volume), (std::vector<std::string>{
                                        "2026-11-01 UPS delivered 2",
                                        "2026-11-02 UPS in_transit 1",
                                        "2026-11-02 USPS pre_transit 1",
                                        "2026-11-03 UPS pre_transit 1",
                                        "2026-11-03 unassigned unknown 1",
                                    }));
    // Days are UTC days, both ends included; the carrier filter is exact.
    EXPECT_EQ(volume_lines(run(daily_volume(*pool_, {"2026-11-02", "2026-11-02", std::nullopt}))),
              (std::vector<std::string>{"2026-11-02 UPS in_transit 1", "2026-11-02 USPS pre_transit 1"}));
    EXPECT_EQ(volume_lines(run(daily_volume(*pool_, november("UPS")))),
              (std::vector<std::string>{"2026-11-01 UPS delivered 2", "2026-11-02 UPS in_transit 1", "2026-11-03 UPS pre_transit 1"}));
    EXPECT_TRUE(run(daily_volume(*pool_, november("ups"))).rows.empty());
    auto empty = run(daily_volume(*pool_, {"2026-10-01", "2026-10-31", std::nullopt}));
    EXPECT_TRUE(empty.rows.empty());
    EXPECT_EQ(empty.refreshed_at, volume.refreshed_at) << "an empty answer still says when";

    auto perf = run(carrier_performance(*pool_, std::nullopt));
    EXPECT_EQ(perf.refreshed_at, refresh->views[1].refreshed_at);
    ASSERT_EQ(perf.rows.size(), 2u);
    EXPECT_EQ(perf.rows[0].carrier + " " + perf.rows[0].service, "UPS Ground");
    EXPECT_EQ(perf.rows[0].shipments, 4);
    EXPECT_EQ(perf.rows[0].delivered, 2);
    EXPECT_EQ(perf.rows[0].mean_transit_days, 1.75);  // (2.5 + 1) / 2
    EXPECT_EQ(perf.rows[0].p90_transit_days, 2.35);   // 1 + 0.9 × (2.5 − 1), interpolated
    EXPECT_EQ(perf.rows[1].carrier + " " + perf.rows[1].service, "USPS Priority");
    EXPECT_EQ(perf.rows[1].shipments, 1);
    EXPECT_EQ(perf.rows[1].delivered, 0);
    EXPECT_EQ(perf.rows[1].mean_transit_days, std::nullopt);
    EXPECT_EQ(perf.rows[1].p90_transit_days, std::nullopt);
    EXPECT_EQ(run(carrier_performance(*pool_, std::string("USPS"))).rows.size(), 1u);

    auto cost = run(costs(*pool_, std::nullopt));
    EXPECT_EQ(cost.refreshed_at, refresh->views[2].refreshed_at);
    std::vector<std::string> lines;
    for (const auto& c : cost.rows) {
        lines.push_back(c.carrier + " " + c.service + " " + c.currency + " " + std::to_string(c.count) + " " + c.total + " " + c.mean_rate);
    }
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "UPS Ground CAD 1 20.00 20.00",
                         "UPS Ground USD 3 31.99 10.66",  // 31.99 / 3 = 10.663…
                         "USPS Priority USD 1 7.58 7.58",
                     }));
    EXPECT_TRUE(run(costs(*pool_, std::string("FedEx"))).rows.empty());
}

TEST_F(AnalyticsStoreTest, ASecondRefreshIsRefusedWhileOneHoldsTheLock) {
    auto first = run(refresh_analytics(*pool_));
    ASSERT_TRUE(first);
    {
        shipd::testing::Session other(db_);  // another instance's refresh, as far as the lock goes
        other.sql("BEGIN");
        other.sql("SELECT pg_advisory_xact_lock(" + std::to_string(kAnalyticsRefreshLock) + ")");
        auto started = std::chrono::steady_clock::now();
        EXPECT_FALSE(run(refresh_analytics(*pool_))) << "refused, not waited for";
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
        EXPECT_EQ(sql_value("SELECT max(refreshed_at) = '" + first->views.back().refreshed_at + "' FROM analytics_refreshes"), "t")
            << "nothing recorded";
        other.sql("COMMIT");
    }
    auto again = run(refresh_analytics(*pool_));
    ASSERT_TRUE(again);
    EXPECT_GT(again->refreshed_at, first->refreshed_at);
}

TEST_F(AnalyticsStoreTest, ReadersAreNotBlockedByARunningRefresh) {
    sql(kFixture);
    ASSERT_TRUE(run(refresh_analytics(*pool_)));
    sql("INSERT INTO shipments (from_address_id, to_address_id, created_at)"
        " SELECT id, id, '2026-11-03T02:00:00Z' FROM addresses LIMIT 1");

    // Hold the refresh half-way: daily volume is refreshed (not yet committed), carrier
    // performance waits for the events table, each view locked as its refresh takes it.
    shipd::testing::Session blocker(db_);
    blocker.sql("BEGIN");
    blocker.sql("LOCK TABLE shipment_events IN ACCESS EXCLUSIVE MODE");
    bool done = false;
    std::optional<domain::AnalyticsRefresh> refreshed;
    asio::co_spawn(io_, refresh_analytics(*pool_), [&](std::exception_ptr e, std::optional<domain::AnalyticsRefresh> r) {
        done = true;
        if (!e) refreshed = std::move(r);
    });
    pump_until([&] {
        return sql_value("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'shipment_events'::regclass") == "1";
    });
    ASSERT_EQ(sql_value("SELECT count(*) FROM pg_locks WHERE granted AND mode = 'ExclusiveLock'"
                        " AND relation IN ('analytics_daily_volume'::regclass, 'analytics_carrier_performance'::regclass)"),
              "2")
        << "the refresh holds both views";

    // Readers answer at once, with the rows of the last committed refresh.
    auto volume = pg::testing::run(io_, daily_volume(*pool_, {"2026-11-03", "2026-11-03", std::string("unassigned")}), 3s);
    EXPECT_EQ(volume_lines(volume), std::vector<std::string>{"2026-11-03 unassigned unknown 1"});
    auto perf = pg::testing::run(io_, carrier_performance(*pool_, std::nullopt), 3s);
    EXPECT_EQ(perf.rows.size(), 2u);
    EXPECT_FALSE(done);

    blocker.sql("COMMIT");
    pump_until([&] { return done; });
    ASSERT_TRUE(refreshed);
    volume = run(daily_volume(*pool_, {"2026-11-03", "2026-11-03", std::string("unassigned")}));
    EXPECT_EQ(volume_lines(volume), std::vector<std::string>{"2026-11-03 unassigned unknown 2"});
}

}  // namespace
}  // namespace shipd::store::testing
