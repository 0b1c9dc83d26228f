// Bulk shipment inserts against live PostgreSQL: ids in input order, every field stored,
// hostile strings through the array path, all-or-nothing batches, a throughput sanity run.
#include <chrono>

#include "pg/errors.hpp"
#include "store/import_store.hpp"
#include "store/shipments_store.hpp"
#include "store/tests/store_test_util.hpp"

namespace shipd::store {
namespace {

using namespace testing;
using domain::Status;

using ImportTest = StoreTest;

TEST_F(ImportTest, IdsComeBackInInputOrderWithEveryFieldStored) {
    std::vector<domain::Shipment> batch;
    for (int i = 0; i < 50; ++i) {
        auto s = sample_shipment(std::to_string(i));
        if (i % 7 == 0) s.parcel.reset();
        if (i % 2 == 0) s.rates.clear();
        if (i % 3 == 0) {
            s.selected_rate = sample_rate("rate_sel");
            s.selected_rate->rate = "12.34";
            s.carrier = "USPS";
            s.service = "Priority";
            s.tracking_code = "TRK" + std::to_string(i);
            s.label_url = "https://l/" + std::to_string(i);
            s.status = Status::kPreTransit;
            s.easypost_id = "shp_" + std::to_string(i);
            s.created_at = "2025-01-02T03:04:05.123456Z";
        }
        batch.push_back(s);
    }
    auto ids = run(insert_shipments_batch(*pool_, batch));
    ASSERT_EQ(ids.size(), batch.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto got = run(get_shipment(*pool_, ids[i]));
        ASSERT_TRUE(got);
        const auto& want = batch[i];
        EXPECT_EQ(got->reference, want.reference);
        EXPECT_EQ(got->status, want.status);
        EXPECT_EQ(got->from_address.name, want.from_address.name);
        EXPECT_EQ(got->to_address.name, want.to_address.name);
        EXPECT_EQ(got->from_address.residential, want.from_address.residential);
        EXPECT_EQ(got->to_address.residential, want.to_address.residential);
        EXPECT_EQ(got->parcel.has_value(), want.parcel.has_value());
        if (got->parcel) {
            EXPECT_EQ(got->parcel->height, want.parcel->height);
        }
        EXPECT_EQ(got->rates.size(), want.rates.size());
        EXPECT_EQ(got->selected_rate.has_value(), want.selected_rate.has_value());
        EXPECT_EQ(got->carrier, want.carrier);
        EXPECT_EQ(got->tracking_code, want.tracking_code);
        EXPECT_EQ(got->label_url, want.label_url);
        EXPECT_EQ(got->easypost_id, want.easypost_id);
        if (!want.created_at.empty()) {
            EXPECT_EQ(got->created_at, want.created_at);
        } else {
            EXPECT_TRUE(is_rfc3339_utc(got->created_at));
        }
    }
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipments WHERE rate_amount = 12.34 AND "
                        "rate_currency = 'USD' AND purchased_at = created_at"),
              "17");
    EXPECT_EQ(sql_value("SELECT count(*) FROM parcels"), "42");
    // Every id is a UUID v7 (version 7, variant 10) whose time is now.
    for (auto table : {"shipments", "addresses", "parcels"}) {
        EXPECT_EQ(sql_value(std::string("SELECT bool_and(substr(id::text, 15, 1) = '7' AND "
                                        "substr(id::text, 20, 1) IN ('8', '9', 'a', 'b') AND "
                                        "abs(('x' || substr(replace(id::text, '-', ''), 1, 12))"
                                        "::bit(48)::bigint - extract(epoch FROM now()) * 1000)"
                                        " < 60000) FROM ") + table),
                  "t") << table;
    }
    EXPECT_EQ(sql_value("SELECT count(*) FROM addresses"), "100");
}

TEST_F(ImportTest, HostileStringsSurviveTheArrayPath) {
    std::vector<std::string> hostile = {"a,b", "{x}", "\"q\"", "back\\slash", "NULL", "",
                                        "tab\tline\n", "\\N", "'; DROP TABLE x; --", "📦🚚"};
    std::vector<domain::Shipment> batch;
    for (auto& h : hostile) {
        auto s = sample_shipment("h");
        s.reference = h;
        s.from_address.company = h;
        s.to_address.street1 = h;
        s.rates[0].service = h;
        batch.push_back(s);
    }
    auto ids = run(insert_shipments_batch(*pool_, batch));
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto got = run(get_shipment(*pool_, ids[i]));
        EXPECT_EQ(got->reference, hostile[i]);
        EXPECT_EQ(got->from_address.company, hostile[i]);
        EXPECT_EQ(got->to_address.street1, hostile[i]);
        EXPECT_EQ(got->rates[0].service, hostile[i]);
    }
}

TEST_F(ImportTest, ABadRowStoresNoneOfTheBatch) {
    std::vector<domain::Shipment> batch(3, sample_shipment("x"));
    batch[1].from_address.country = "usa";
    EXPECT_THROW(run(insert_shipments_batch(*pool_, batch)), pg::ServerError);
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipments"), "0");
    EXPECT_EQ(sql_value("SELECT count(*) FROM addresses"), "0");
    EXPECT_TRUE(run(insert_shipments_batch(*pool_, {})).empty());
}

TEST_F(ImportTest, AnalyzeReachesEveryTableBothWaysAndReportsAFailure) {
    const std::string analyzed =
        "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL AND relname IN "
        "('addresses', 'parcels', 'shipments', 'shipment_events')";
    run(analyze_bulk_tables(*pool_, BulkTables::kShipments, AnalyzeSpread::kOneConnection));
    EXPECT_EQ(sql_value(analyzed), "3");
    run(analyze_bulk_tables(*pool_, BulkTables::kShipmentsAndEvents, AnalyzeSpread::kConnectionPerTable));
    EXPECT_EQ(sql_value(analyzed), "4");
    // A table the statement cannot reach fails the call, whichever way it runs.
    sql("DROP TABLE parcels CASCADE");
    EXPECT_THROW(run(analyze_bulk_tables(*pool_, BulkTables::kShipments, AnalyzeSpread::kConnectionPerTable)),
                 pg::ServerError);
    EXPECT_THROW(run(analyze_bulk_tables(*pool_, BulkTables::kShipments, AnalyzeSpread::kOneConnection)),
                 pg::ServerError);
}

TEST_F(ImportTest, TwentyThousandShipmentsInBatchesOfAThousand) {
    std::vector<domain::Shipment> batch;
    for (int i = 0; i < 1000; ++i) batch.push_back(sample_shipment(std::to_string(i)));
    auto start = std::chrono::steady_clock::now();
    std::size_t total = 0;
    for (int b = 0; b < 20; ++b) total += run(insert_shipments_batch(*pool_, batch)).size();
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(total, 20000u);
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipments"), "20000");
    // Not a timed assertion (shared machine); the figure is for the log.
    std::printf("insert_shipments_batch: %.0f shipments/s (20 x 1000)\n", total / seconds);
}

}  // namespace
}  // namespace shipd::store
