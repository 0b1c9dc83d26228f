// Shipments store against live PostgreSQL: create/get round trip, hostile strings byte for
// byte, keyset paging both ways with filters, index use, buy (once, concurrently), in-flight.
#include <algorithm>
#include <set>

#include "pg/errors.hpp"
#include "store/detail/list_sql.hpp"
#include "store/import_store.hpp"
#include "store/shipments_store.hpp"
#include "store/tests/store_test_util.hpp"

namespace shipd::store {
namespace {

using namespace testing;
using domain::Status;

using ShipmentsTest = StoreTest;

TEST_F(ShipmentsTest, CreateStoresEverythingAndGetReadsItBack) {
    auto want = sample_shipment("a");
    want.easypost_id = "shp_123";
    auto created = run(create_shipment(*pool_, want));
    EXPECT_FALSE(created.id.empty());
    EXPECT_EQ(created.status, Status::kUnknown);
    EXPECT_TRUE(is_rfc3339_utc(created.created_at)) << created.created_at;
    EXPECT_EQ(created.created_at, created.updated_at);
    expect_same_shipment(created, want);
    EXPECT_FALSE(created.selected_rate);
    EXPECT_FALSE(created.tracking_code);

    auto got = run(get_shipment(*pool_, created.id));
    ASSERT_TRUE(got);
    expect_same_shipment(*got, want);
    EXPECT_EQ(got->id, created.id);
    EXPECT_EQ(got->created_at, created.created_at);
    EXPECT_EQ(got->from_address.id, created.from_address.id);
    EXPECT_EQ(got->parcel->id, created.parcel->id);
    EXPECT_EQ(sql_value("SELECT count(*) FROM addresses"), "2");
}

TEST_F(ShipmentsTest, CreateWithoutParcelOrRates) {
    auto want = sample_shipment("b");
    want.parcel = std::nullopt;
    want.rates.clear();
    auto created = run(create_shipment(*pool_, want));
    expect_same_shipment(created, want);
    EXPECT_EQ(sql_value("SELECT count(*) FROM parcels"), "0");
    EXPECT_EQ(sql_value("SELECT rates IS NULL FROM shipments"), "t");
    auto got = run(get_shipment(*pool_, created.id));
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->parcel);
    EXPECT_TRUE(got->rates.empty());
}

TEST_F(ShipmentsTest, RefusedValueStoresNothing) {
    auto bad = sample_shipment("c");
    bad.parcel->weight = 0;
    EXPECT_THROW(run(create_shipment(*pool_, bad)), pg::IntegrityConstraintViolation);
    bad = sample_shipment("c");
    bad.to_address.name = std::string(101, 'x');
    EXPECT_THROW(run(create_shipment(*pool_, bad)), pg::DataException);
    EXPECT_EQ(sql_value("SELECT count(*) FROM addresses"), "0");
}

TEST_F(ShipmentsTest, GetUnknownIsNullopt) {
    EXPECT_FALSE(run(get_shipment(*pool_, "01900000-0000-7000-8000-000000000000")));
}

TEST_F(ShipmentsTest, HostileStringsAreStoredByteForByte) {
    const std::vector<std::string> hostile = {
        "Robert'); DROP TABLE shipments;--",
        "\"double\" 'single' `back` \\back\\slash\\",
        "{a,\"b\",NULL} (x,y) $1 %s %% ? :name",
        "tab\there\nnewline\r\n and \\N and \\x41",
        "emoji 📦🚚✈️ 👩‍👩‍👧 and é ü ß 中文 עברית",
        "NULL",
        "",
    };
    for (const auto& h : hostile) {
        auto want = sample_shipment("h");
        want.reference = h;
        want.from_address.name = h;
        want.from_address.street1 = h.empty() ? "x" : h;
        want.to_address.company = h;
        want.to_address.email = h;
        want.parcel->predefined_package = h;
        want.rates[0].carrier = h;
        want.rates[0].service = h;
        want.rates[0].id = h;
        want.rates[0].est_delivery_date = h;
        auto created = run(create_shipment(*pool_, want));
        expect_same_shipment(created, want);
        auto got = run(get_shipment(*pool_, created.id));
        ASSERT_TRUE(got);
        expect_same_shipment(*got, want);

        ListFilter f;
        f.reference = h;
        auto page = run(list_shipments(*pool_, f));
        ASSERT_EQ(page.shipments.size(), 1u) << h;
        EXPECT_EQ(page.shipments[0].id, created.id);
    }
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipments"), std::to_string(hostile.size()));
}

class ListTest : public StoreTest {
protected:
    // 37 shipments: created_at spread over days, several sharing one instant (the id breaks
    // the tie), statuses and carriers mixed.
    void SetUp() override {
        StoreTest::SetUp();
        std::vector<domain::Shipment> batch;
        for (int i = 0; i < 37; ++i) {
            auto s = sample_shipment(std::to_string(i));
            s.status = i % 3 == 0 ? Status::kDelivered : Status::kInTransit;
            s.carrier = i % 2 == 0 ? "USPS" : "UPS";
            int day = 1 + (i % 5 == 0 ? 0 : i % 20);
            char buf[40];
            std::snprintf(buf, sizeof buf, "2026-03-%02dT10:00:00.000000Z", day);
            s.created_at = buf;
            s.rates.clear();
            batch.push_back(s);
        }
        run(insert_shipments_batch(*pool_, batch));
    }

    std::vector<std::string> expected(const std::string& where) {
        return sql("SELECT id FROM shipments WHERE " + where + " ORDER BY created_at DESC, id DESC");
    }

    // Walks older with before_id from the first page, then newer with after_id from the last.
    void walk(ListFilter f, const std::vector<std::string>& want) {
        std::vector<std::vector<std::string>> pages;
        std::vector<std::string> seen;
        f.before_id.reset();
        f.after_id.reset();
        for (int guard = 0; guard < 100; ++guard) {
            auto page = run(list_shipments(*pool_, f));
            std::vector<std::string> ids;
            for (auto& s : page.shipments) ids.push_back(s.id);
            seen.insert(seen.end(), ids.begin(), ids.end());
            pages.push_back(ids);
            if (!page.has_more) break;
            ASSERT_EQ(ids.size(), f.page_size);
            f.before_id = ids.back();
        }
        EXPECT_EQ(seen, want);
        // Back towards newer from the last page: each page equals the one before it.
        if (pages.size() < 2) return;
        f.before_id.reset();
        for (std::size_t i = pages.size() - 1; i > 0; --i) {
            f.after_id = pages[i].front();
            auto page = run(list_shipments(*pool_, f));
            std::vector<std::string> ids;
            for (auto& s : page.shipments) ids.push_back(s.id);
            EXPECT_EQ(ids, pages[i - 1]) << "page " << i - 1;
            EXPECT_EQ(page.has_more, i - 1 > 0);
        }
    }
};

TEST_F(ListTest, KeysetWalksEveryRowOnceInBothDirections) {
    for (std::size_t size : {1u, 4u, 5u, 36u, 37u, 100u}) {
        ListFilter f;
        f.page_size = size;
        walk(f, expected("true"));
    }
}

TEST_F(ListTest, FiltersCombineWithAnd) {
    ListFilter f;
    f.page_size = 3;
    f.status = Status::kDelivered;
    walk(f, expected("status = 'delivered'"));
    f.carrier = "UPS";
    walk(f, expected("status = 'delivered' AND carrier = 'UPS'"));
    f.status.reset();
    f.start = "2026-03-05T00:00:00Z";
    f.end = "2026-03-12T10:00:00.000000Z";
    walk(f, expected("carrier = 'UPS' AND created_at >= '2026-03-05' AND created_at < "
                     "'2026-03-12T10:00:00Z'"));
    ListFilter none;
    none.carrier = "FedEx";
    auto page = run(list_shipments(*pool_, none));
    EXPECT_TRUE(page.shipments.empty());
    EXPECT_FALSE(page.has_more);
}

TEST_F(ListTest, UnknownCursorIsAnEmptyPage) {
    ListFilter f;
    f.before_id = "01900000-0000-7000-8000-000000000000";
    auto page = run(list_shipments(*pool_, f));
    EXPECT_TRUE(page.shipments.empty());
    EXPECT_FALSE(page.has_more);
}

TEST_F(ListTest, QueriesUseTheRevision3Indexes) {
    auto plan = [&](ListFilter f, pg::Params params) {
        return run([&]() -> asio::awaitable<std::string> {
            auto lease = co_await pool_->acquire();
            // Tiny tables favour sequential scans; what matters is that an index can serve.
            co_await lease->execute("SET enable_seqscan = off");
            co_await lease->execute("SET enable_bitmapscan = off");
            auto r = co_await lease->execute("EXPLAIN " + detail::list_shipments_sql(f), params);
            co_await lease->execute("RESET ALL");
            std::string text;
            for (auto row : r) text += row[0].as<std::string>() + "\n";
            co_return text;
        }());
    };
    auto id = sql_value("SELECT id FROM shipments LIMIT 1");
    ListFilter f;
    auto p = plan(f, pg::Params(21));
    EXPECT_NE(p.find("shipments_created_at_id_idx"), std::string::npos) << p;
    f.before_id = id;
    p = plan(f, pg::Params(id, 21));
    EXPECT_NE(p.find("Index Cond: (ROW(created_at, id) < ROW("), std::string::npos) << p;
    f.status = Status::kDelivered;
    p = plan(f, pg::Params("delivered", id, 21));
    EXPECT_NE(p.find("shipments_status_created_at_id_idx"), std::string::npos) << p;
    EXPECT_EQ(p.find("Sort"), std::string::npos) << p;
    ListFilter c;
    c.carrier = "UPS";
    c.after_id = id;
    p = plan(c, pg::Params("UPS", id, 21));
    EXPECT_NE(p.find("shipments_carrier_created_at_id_idx"), std::string::npos) << p;
    ListFilter t;
    t.tracking_code = "X";
    p = plan(t, pg::Params("X", 21));
    EXPECT_NE(p.find("shipments_tracking_code_idx"), std::string::npos) << p;
    ListFilter r;
    r.reference = "X";
    p = plan(r, pg::Params("X", 21));
    EXPECT_NE(p.find("shipments_reference_idx"), std::string::npos) << p;
}

Purchase sample_purchase(const std::string& code) {
    Purchase p;
    p.rate = sample_rate("rate_1");
    p.tracking_code = code;
    p.label_url = "https://labels.example/" + code + ".png";
    p.message = "Label created";
    return p;
}

TEST_F(ShipmentsTest, BuySetsThePurchaseAndRecordsOnePreTransitEvent) {
    auto created = run(create_shipment(*pool_, sample_shipment("buy")));
    auto bought = run(buy(*pool_, created.id, sample_purchase("9400TEST1")));
    ASSERT_EQ(bought.outcome, BuyOutcome::kBought);
    ASSERT_TRUE(bought.shipment);
    const auto& s = *bought.shipment;
    EXPECT_EQ(s.status, Status::kPreTransit);
    ASSERT_TRUE(s.selected_rate);
    expect_same_rate(*s.selected_rate, sample_rate("rate_1"));
    EXPECT_EQ(s.carrier, "USPS");
    EXPECT_EQ(s.service, "Priority");
    EXPECT_EQ(s.tracking_code, "9400TEST1");
    EXPECT_EQ(s.label_url, "https://labels.example/9400TEST1.png");
    EXPECT_EQ(s.rates.size(), 2u);
    EXPECT_EQ(sql_value("SELECT rate_amount::text || ' ' || rate_currency || ' ' || "
                        "(purchased_at IS NOT NULL) FROM shipments"),
              "7.58 USD true");
    EXPECT_EQ(sql("SELECT status || '/' || source || '/' || message FROM shipment_events"),
              std::vector<std::string>{"pre_transit/carrier/Label created"});
    EXPECT_EQ(sql_value("SELECT latest_event_id = (SELECT id FROM shipment_events) FROM shipments"),
              "t");

    auto again = run(buy(*pool_, created.id, sample_purchase("9400TEST2")));
    EXPECT_EQ(again.outcome, BuyOutcome::kAlreadyPurchased);
    ASSERT_TRUE(again.shipment);
    EXPECT_EQ(again.shipment->tracking_code, "9400TEST1");
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipment_events"), "1");

    auto missing = run(buy(*pool_, "01900000-0000-7000-8000-000000000000", sample_purchase("X")));
    EXPECT_EQ(missing.outcome, BuyOutcome::kNotFound);
    EXPECT_FALSE(missing.shipment);
}

TEST_F(ShipmentsTest, ConcurrentBuysOneWins) {
    auto created = run(create_shipment(*pool_, sample_shipment("race")));
    // The coroutines take their arguments by reference: keep them alive until they finish.
    std::vector<Purchase> purchases;
    for (int i = 0; i < 8; ++i) purchases.push_back(sample_purchase("CODE" + std::to_string(i)));
    std::vector<asio::awaitable<BuyResult>> tasks;
    for (const auto& purchase : purchases) tasks.push_back(buy(*pool_, created.id, purchase));
    auto results = run_all(std::move(tasks));
    int won = 0;
    std::string winner;
    for (auto& r : results) {
        if (r.outcome == BuyOutcome::kBought) {
            ++won;
            winner = *r.shipment->tracking_code;
        } else {
            EXPECT_EQ(r.outcome, BuyOutcome::kAlreadyPurchased);
        }
    }
    EXPECT_EQ(won, 1);
    EXPECT_EQ(sql_value("SELECT tracking_code FROM shipments"), winner);
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipment_events"), "1");
}

TEST_F(ShipmentsTest, SimulatedInFlightListsBoughtUndeliveredShipments) {
    auto a = run(create_shipment(*pool_, sample_shipment("a")));
    auto b = run(create_shipment(*pool_, sample_shipment("b")));
    auto c = run(create_shipment(*pool_, sample_shipment("c")));
    run(buy(*pool_, a.id, sample_purchase("SIM-A")));
    auto via_easypost = sample_purchase("EP-C");
    via_easypost.easypost_id = "shp_c";
    run(buy(*pool_, c.id, via_easypost));
    auto in_flight = run(list_simulated_in_flight(*pool_, 10));
    ASSERT_EQ(in_flight.size(), 1u);
    EXPECT_EQ(in_flight[0].shipment_id, a.id);
    EXPECT_EQ(in_flight[0].tracking_code, "SIM-A");
    EXPECT_EQ(in_flight[0].status, Status::kPreTransit);
    ASSERT_TRUE(in_flight[0].latest_event_at);
    EXPECT_TRUE(is_rfc3339_utc(*in_flight[0].latest_event_at));
    sql("UPDATE shipments SET status = 'delivered' WHERE id = '" + a.id + "'");
    EXPECT_TRUE(run(list_simulated_in_flight(*pool_, 10)).empty());
    (void)b;
}

}  // namespace
}  // namespace shipd::store
