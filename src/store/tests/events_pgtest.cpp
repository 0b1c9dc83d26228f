// Events store against live PostgreSQL: append with repeats absorbed, out-of-order arrival,
// unknown shipments, batch-track order/duplicates/unknown codes/1000 codes, bulk insert.
#include "store/events_store.hpp"
#include "store/import_store.hpp"
#include "store/shipments_store.hpp"
#include "store/tests/store_test_util.hpp"

namespace shipd::store {
namespace {

using namespace testing;
using domain::Status;

constexpr const char* kNoSuchShipment = "01900000-0000-7000-8000-000000000000";

using EventsTest = StoreTest;

// "T<n>" (+= rather than operator+: GCC 12 warns falsely on "T" + std::to_string(n)).
std::string code(int n) {
    std::string out = "T";
    out += std::to_string(n);
    return out;
}

std::vector<std::string> statuses(const std::vector<domain::TrackingEvent>& events) {
    std::vector<std::string> out;
    for (auto& e : events) out.emplace_back(domain::to_string(e.status));
    return out;
}

TEST_F(EventsTest, AppendAbsorbsRepeatsAndReturnsAllEventsOldestFirst) {
    auto s = run(create_shipment(*pool_, sample_shipment("e")));
    auto first = event(Status::kInTransit, "2026-03-02T10:00:00Z", "Departed");
    first.status_detail = "departed_facility";
    first.location = {"Chicago", "IL", "60601", "US"};
    first.source = "carrier";
    auto out = run(append_events(*pool_, s.id, {event(Status::kPreTransit, "2026-03-01T09:00:00.5Z"), first}));
    ASSERT_TRUE(out);
    ASSERT_EQ(out->size(), 2u);
    EXPECT_EQ(statuses(*out), (std::vector<std::string>{"pre_transit", "in_transit"}));
    const auto& e = (*out)[1];
    EXPECT_FALSE(e.id.empty());
    EXPECT_EQ(e.shipment_id, s.id);
    EXPECT_EQ(e.occurred_at, "2026-03-02T10:00:00.000000Z");
    EXPECT_EQ((*out)[0].occurred_at, "2026-03-01T09:00:00.500000Z");
    EXPECT_EQ(e.status_detail, "departed_facility");
    EXPECT_EQ(e.message, "Departed");
    EXPECT_EQ(e.location.city, "Chicago");
    EXPECT_EQ(e.location.state, "IL");
    EXPECT_EQ(e.location.zip, "60601");
    EXPECT_EQ(e.location.country, "US");
    EXPECT_EQ(e.source, "carrier");
    EXPECT_EQ((*out)[0].source, "api");

    // The same two again (one written with another offset for the same instant), plus a repeat
    // inside the batch and one new event: only the new one is stored.
    auto again = run(append_events(
        *pool_, s.id,
        {first, event(Status::kPreTransit, "2026-03-01T04:00:00.5-05:00"),
         event(Status::kOutForDelivery, "2026-03-03T08:00:00Z"),
         event(Status::kOutForDelivery, "2026-03-03T08:00:00Z")}));
    ASSERT_TRUE(again);
    EXPECT_EQ(statuses(*again),
              (std::vector<std::string>{"pre_transit", "in_transit", "out_for_delivery"}));
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipment_events"), "3");
    EXPECT_EQ(sql_value("SELECT status FROM shipments"), "out_for_delivery");
}

TEST_F(EventsTest, StatusFollowsTheNewestEventWhateverTheArrivalOrder) {
    auto s = run(create_shipment(*pool_, sample_shipment("o")));
    run(append_events(*pool_, s.id, {event(Status::kDelivered, "2026-03-05T12:00:00Z")}));
    run(append_events(*pool_, s.id, {event(Status::kInTransit, "2026-03-03T12:00:00Z")}));
    auto out = run(append_events(*pool_, s.id, {event(Status::kPreTransit, "2026-03-01T12:00:00Z"),
                                                event(Status::kOutForDelivery, "2026-03-05T08:00:00Z")}));
    ASSERT_TRUE(out);
    EXPECT_EQ(statuses(*out), (std::vector<std::string>{"pre_transit", "in_transit",
                                                        "out_for_delivery", "delivered"}));
    auto got = run(get_shipment(*pool_, s.id));
    EXPECT_EQ(got->status, Status::kDelivered);
    EXPECT_EQ(sql_value("SELECT e.status FROM shipments s JOIN shipment_events e ON e.id = "
                        "s.latest_event_id"),
              "delivered");
}

TEST_F(EventsTest, EventsWithoutMessageAreRepeatsToo) {
    auto s = run(create_shipment(*pool_, sample_shipment("n")));
    run(append_events(*pool_, s.id, {event(Status::kInTransit, "2026-03-03T12:00:00Z")}));
    auto out = run(append_events(*pool_, s.id, {event(Status::kInTransit, "2026-03-03T12:00:00Z")}));
    EXPECT_EQ(out->size(), 1u);
}

TEST_F(EventsTest, UnknownShipmentIsNulloptAndNoEventsIsEmpty) {
    EXPECT_FALSE(run(append_events(*pool_, kNoSuchShipment, {event(Status::kInTransit, "2026-03-03T12:00:00Z")})));
    EXPECT_FALSE(run(list_events(*pool_, kNoSuchShipment)));
    auto s = run(create_shipment(*pool_, sample_shipment("x")));
    auto none = run(list_events(*pool_, s.id));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    auto appended_nothing = run(append_events(*pool_, s.id, {}));
    ASSERT_TRUE(appended_nothing);
    EXPECT_TRUE(appended_nothing->empty());
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipment_events"), "0");
}

TEST_F(EventsTest, HostileTextInEventsIsStoredByteForByte) {
    auto s = run(create_shipment(*pool_, sample_shipment("h")));
    std::string h = "'; DELETE FROM shipment_events; -- \"{x,NULL}\" \\N\t📦";
    auto e = event(Status::kInTransit, "2026-03-03T12:00:00Z", h);
    e.status_detail = h;
    e.location.city = h;
    e.source = h;
    auto out = run(append_events(*pool_, s.id, {e}));
    ASSERT_EQ(out->size(), 1u);
    EXPECT_EQ((*out)[0].message, h);
    EXPECT_EQ((*out)[0].status_detail, h);
    EXPECT_EQ((*out)[0].location.city, h);
    EXPECT_EQ((*out)[0].source, h);
    EXPECT_EQ(run(list_events(*pool_, s.id))->at(0).message, h);
}

TEST_F(EventsTest, BatchTrackAnswersInRequestOrderWithDuplicatesAndUnknownCodes) {
    std::vector<domain::Shipment> batch;
    for (auto code : {"CODE-A", "CODE-B", "CODE-C"}) {
        auto s = sample_shipment(code);
        s.tracking_code = code;
        batch.push_back(s);
    }
    auto ids = run(insert_shipments_batch(*pool_, batch));
    run(append_events(*pool_, ids[1], {event(Status::kInTransit, "2026-03-03T12:00:00Z", "moving"),
                                       event(Status::kPreTransit, "2026-03-01T12:00:00Z")}));
    auto out = run(batch_track(*pool_, {"CODE-B", "NOPE", "CODE-A", "CODE-B", "'; --", "NOPE"}));
    ASSERT_EQ(out.results.size(), 3u);
    EXPECT_EQ(out.results[0].tracking_code, "CODE-B");
    EXPECT_EQ(out.results[0].shipment_id, ids[1]);
    EXPECT_EQ(out.results[0].status, Status::kInTransit);
    ASSERT_TRUE(out.results[0].last_event);
    EXPECT_EQ(out.results[0].last_event->message, "moving");
    EXPECT_EQ(out.results[0].last_event->shipment_id, ids[1]);
    EXPECT_EQ(out.results[1].tracking_code, "CODE-A");
    EXPECT_EQ(out.results[1].status, Status::kUnknown);
    EXPECT_FALSE(out.results[1].last_event);
    EXPECT_EQ(out.results[2].tracking_code, "CODE-B");
    EXPECT_EQ(out.results[2].shipment_id, ids[1]);
    EXPECT_EQ(out.not_found, (std::vector<std::string>{"NOPE", "'; --", "NOPE"}));
    EXPECT_TRUE(run(batch_track(*pool_, {})).results.empty());
}

TEST_F(EventsTest, BatchTrackOfAThousandCodesIsOneStatement) {
    std::vector<domain::Shipment> batch;
    for (int i = 0; i < 1000; ++i) {
        auto s = sample_shipment(std::to_string(i));
        s.tracking_code = code(i);
        batch.push_back(s);
    }
    auto ids = run(insert_shipments_batch(*pool_, batch));
    std::vector<domain::TrackingEvent> events;
    for (int i = 0; i < 1000; ++i) {
        auto e = event(i % 2 ? Status::kDelivered : Status::kInTransit, "2026-03-03T12:00:00Z");
        e.shipment_id = ids[i];
        events.push_back(e);
    }
    EXPECT_EQ(run(insert_events_batch(*pool_, events)), 1000u);
    std::vector<std::string> codes;
    for (int i = 999; i >= 0; --i) codes.push_back(code(i));
    auto before = pool_->stats().query_time.count();
    auto out = run(batch_track(*pool_, codes));
    EXPECT_EQ(pool_->stats().query_time.count() - before, 1u);
    ASSERT_EQ(out.results.size(), 1000u);
    EXPECT_TRUE(out.not_found.empty());
    for (int i = 0; i < 1000; ++i) {
        int n = 999 - i;
        ASSERT_EQ(out.results[i].tracking_code, code(n));
        EXPECT_EQ(out.results[i].shipment_id, ids[n]);
        EXPECT_EQ(out.results[i].status, n % 2 ? Status::kDelivered : Status::kInTransit);
        ASSERT_TRUE(out.results[i].last_event);
    }
}

TEST_F(EventsTest, InsertEventsBatchAbsorbsRepeatsAcrossShipments) {
    auto a = run(create_shipment(*pool_, sample_shipment("a")));
    auto b = run(create_shipment(*pool_, sample_shipment("b")));
    std::vector<domain::TrackingEvent> events;
    for (auto* id : {&a.id, &b.id, &a.id}) {
        auto e = event(Status::kInTransit, "2026-03-03T12:00:00Z", "same");
        e.shipment_id = *id;
        events.push_back(e);
    }
    EXPECT_EQ(run(insert_events_batch(*pool_, events)), 2u);
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipments WHERE status = 'in_transit'"), "2");
}

}  // namespace
}  // namespace shipd::store
