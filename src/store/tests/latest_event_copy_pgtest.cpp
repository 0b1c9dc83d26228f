// Migration 0007's copy of the latest event on shipments, against live PostgreSQL: batch-track
// answers the event list_events() ends with (the newest by occurred_at, then id) whatever the
// arrival order, for many events and shipments in one statement, with ties on occurred_at,
// after deletes and updates of events; the migration fills the copies of existing data.
#include "domain/json_write.hpp"
#include "store/events_store.hpp"
#include "store/import_store.hpp"
#include "store/shipments_store.hpp"
#include "store/tests/store_test_util.hpp"

namespace shipd::store {
namespace {

using namespace testing;
using domain::Status;

// Shipments whose copied columns differ from their newest event (or are set without one).
constexpr const char* kStaleCopies =
    "SELECT count(*) FROM shipments s"
    " LEFT JOIN LATERAL (SELECT e.id, e.occurred_at, e.status, e.status_detail, e.message,"
    " e.city, e.state, e.zip, e.country, e.source FROM shipment_events e"
    " WHERE e.shipment_id = s.id ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) e ON true"
    " WHERE (e.id, e.occurred_at, e.status, e.status_detail, e.message, e.city, e.state, e.zip,"
    " e.country, e.source) IS DISTINCT FROM (s.latest_event_id, s.latest_event_at,"
    " s.latest_event_status, s.latest_event_status_detail, s.latest_event_message,"
    " s.latest_event_city, s.latest_event_state, s.latest_event_zip, s.latest_event_country,"
    " s.latest_event_source)";

std::string event_json(const domain::TrackingEvent& e) {
    std::string out;
    domain::write_event(out, e);
    return out;
}

// A full event: every copied column set, distinct per (tag, status).
domain::TrackingEvent full_event(Status status, const std::string& at, const std::string& tag) {
    auto e = event(status, at, "message " + tag);
    e.status_detail = "detail " + tag;
    e.location = {"City " + tag, "S" + tag, "Z" + tag, "US"};
    e.source = "carrier";
    return e;
}

class LatestEventCopyTest : public StoreTest {
protected:
    // Shipments with codes C0..C(n-1); their ids.
    std::vector<std::string> shipments(int n) {
        std::vector<domain::Shipment> batch;
        for (int i = 0; i < n; ++i) {
            auto s = sample_shipment(std::to_string(i));
            std::string code = "C";
            code += std::to_string(i);
            s.tracking_code = code;
            batch.push_back(s);
        }
        return run(insert_shipments_batch(*pool_, batch));
    }

    // batch-track's last event of each shipment equals (as API JSON) the newest of its events.
    void expect_batch_track_answers_the_newest(const std::vector<std::string>& ids) {
        std::vector<std::string> codes;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            std::string code = "C";
            code += std::to_string(i);
            codes.push_back(code);
        }
        auto out = run(batch_track(*pool_, codes));
        ASSERT_EQ(out.results.size(), ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            auto all = run(list_events(*pool_, ids[i]));
            ASSERT_TRUE(all);
            const auto& r = out.results[i];
            EXPECT_EQ(r.shipment_id, ids[i]);
            if (all->empty()) {
                EXPECT_FALSE(r.last_event) << ids[i];
                continue;
            }
            ASSERT_TRUE(r.last_event) << ids[i];
            EXPECT_EQ(event_json(*r.last_event), event_json(all->back())) << ids[i];
            EXPECT_EQ(r.status, all->back().status);
        }
        EXPECT_EQ(sql_value(kStaleCopies), "0");
    }
};

TEST_F(LatestEventCopyTest, OutOfOrderArrivalsOneAtATimeKeepTheNewest) {
    auto ids = shipments(1);
    run(append_events(*pool_, ids[0], {full_event(Status::kDelivered, "2026-03-05T12:00:00Z", "d")}));
    expect_batch_track_answers_the_newest(ids);
    // Older events arrive later: the copy stays the delivered one.
    run(append_events(*pool_, ids[0], {full_event(Status::kInTransit, "2026-03-03T12:00:00Z", "i")}));
    run(append_events(*pool_, ids[0], {full_event(Status::kPreTransit, "2026-03-01T12:00:00Z", "p"),
                                       full_event(Status::kOutForDelivery, "2026-03-05T08:00:00Z", "o")}));
    expect_batch_track_answers_the_newest(ids);
    EXPECT_EQ(sql_value("SELECT latest_event_message FROM shipments"), "message d");
    // A newer one with NULL detail and location replaces every copied column (no stale city).
    run(append_events(*pool_, ids[0], {event(Status::kReturnToSender, "2026-03-06T00:00:00Z")}));
    expect_batch_track_answers_the_newest(ids);
    EXPECT_EQ(sql_value("SELECT coalesce(latest_event_city, 'NULL') FROM shipments"), "NULL");
}

TEST_F(LatestEventCopyTest, ManyEventsOfManyShipmentsInOneStatementWithTies) {
    auto ids = shipments(40);
    std::vector<domain::TrackingEvent> events;
    // Per shipment: 5 events in a scrambled order, two of them at the same instant (the id,
    // a UUID v7 given in insertion order, breaks the tie).
    const char* times[] = {"2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z", "2026-03-01T00:00:00Z",
                           "2026-03-04T00:00:00Z", "2026-03-03T00:00:00Z"};
    Status states[] = {Status::kInTransit, Status::kDelivered, Status::kPreTransit,
                       Status::kOutForDelivery, Status::kInTransit};
    for (int k = 0; k < 5; ++k) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            std::string tag = std::to_string(i);
            tag += '-';
            tag += std::to_string(k);
            auto e = full_event(states[k], times[k], tag);
            e.shipment_id = ids[(i * 7 + k) % ids.size()];
            events.push_back(e);
        }
    }
    EXPECT_EQ(run(insert_events_batch(*pool_, events)), 200u);
    expect_batch_track_answers_the_newest(ids);
    // A second statement with one older and one newer event for some shipments.
    std::vector<domain::TrackingEvent> more;
    for (std::size_t i = 0; i < ids.size(); i += 3) {
        auto old = full_event(Status::kPreTransit, "2026-02-01T00:00:00Z", "old");
        old.shipment_id = ids[i];
        more.push_back(old);
        auto newer = full_event(Status::kDelivered, "2026-03-09T00:00:00.25Z", "new");
        newer.shipment_id = ids[i];
        more.push_back(newer);
    }
    run(insert_events_batch(*pool_, more));
    expect_batch_track_answers_the_newest(ids);
}

TEST_F(LatestEventCopyTest, DeletesAndUpdatesOfEventsRecomputeTheCopy) {
    auto ids = shipments(3);
    for (auto& id : ids) {
        run(append_events(*pool_, id, {full_event(Status::kPreTransit, "2026-03-01T00:00:00Z", "p"),
                                       full_event(Status::kInTransit, "2026-03-02T00:00:00Z", "i"),
                                       full_event(Status::kDelivered, "2026-03-03T00:00:00Z", "d")}));
    }
    // The latest event of shipment 0 goes: the in_transit one is latest again, status too.
    sql("DELETE FROM shipment_events WHERE status = 'delivered' AND shipment_id = '" + ids[0] + "'");
    expect_batch_track_answers_the_newest(ids);
    EXPECT_EQ(sql_value("SELECT status FROM shipments WHERE id = '" + ids[0] + "'"), "in_transit");
    // A non-latest event of shipment 1 goes: nothing changes.
    sql("DELETE FROM shipment_events WHERE status = 'pre_transit' AND shipment_id = '" + ids[1] + "'");
    expect_batch_track_answers_the_newest(ids);
    EXPECT_EQ(sql_value("SELECT latest_event_message FROM shipments WHERE id = '" + ids[1] + "'"),
              "message d");
    // Every event of shipment 2 goes: no last event, the status stays.
    sql("DELETE FROM shipment_events WHERE shipment_id = '" + ids[2] + "'");
    expect_batch_track_answers_the_newest(ids);
    EXPECT_EQ(sql_value("SELECT status FROM shipments WHERE id = '" + ids[2] + "'"), "delivered");
    // An edit of the latest event shows; an edit that makes an older event the newest too.
    sql("UPDATE shipment_events SET message = 'edited', city = NULL WHERE status = 'delivered'");
    expect_batch_track_answers_the_newest(ids);
    EXPECT_EQ(sql_value("SELECT latest_event_message FROM shipments WHERE id = '" + ids[1] + "'"),
              "edited");
    sql("UPDATE shipment_events SET occurred_at = '2026-04-01T00:00:00Z' WHERE status = 'pre_transit'"
        " AND shipment_id = '" + ids[0] + "'");
    expect_batch_track_answers_the_newest(ids);
    EXPECT_EQ(sql_value("SELECT status FROM shipments WHERE id = '" + ids[0] + "'"), "pre_transit");
    // A shipment deleted with its events (ON DELETE CASCADE) is simply gone.
    sql("DELETE FROM shipments WHERE id = '" + ids[1] + "'");
    EXPECT_EQ(sql_value(kStaleCopies), "0");
    auto out = run(batch_track(*pool_, {"C1"}));
    EXPECT_EQ(out.not_found, (std::vector<std::string>{"C1"}));
}

// The migration fills the copies of shipments that had events before it; a latest_event_id
// whose event was deleted points at the newest remaining event.
TEST(LatestEventCopyMigration, FillsExistingShipmentsAndRepairsDanglingLatestIds) {
    auto db = shipd::testing::fresh_database();
    auto url = shipd::testing::database_url(db);
    migrate::Migrator(url).up(6);
    auto q = [&](const std::string& s) { return shipd::testing::sql_value(db, s); };
    q("INSERT INTO addresses (id, street1, city, zip, country) VALUES"
      " ('01900000-0000-7000-8000-00000000a001', '1 St', 'X', '1', 'US') RETURNING id");
    q("INSERT INTO shipments (id, from_address_id, to_address_id, tracking_code) VALUES"
      " ('01900000-0000-7000-8000-000000000001', '01900000-0000-7000-8000-00000000a001',"
      "  '01900000-0000-7000-8000-00000000a001', 'M1'),"
      " ('01900000-0000-7000-8000-000000000002', '01900000-0000-7000-8000-00000000a001',"
      "  '01900000-0000-7000-8000-00000000a001', 'M2'),"
      " ('01900000-0000-7000-8000-000000000003', '01900000-0000-7000-8000-00000000a001',"
      "  '01900000-0000-7000-8000-00000000a001', 'M3') RETURNING id");
    q("INSERT INTO shipment_events (shipment_id, status, message, occurred_at, city, source)"
      " SELECT ('01900000-0000-7000-8000-00000000000' || n)::uuid, s, 'm ' || s, t, 'c ' || s, 'carrier'"
      " FROM (VALUES (1, 'in_transit', timestamptz '2026-03-02'), (1, 'pre_transit', '2026-03-01'),"
      " (2, 'delivered', '2026-03-05'), (2, 'in_transit', '2026-03-04')) AS v(n, s, t)"
      " RETURNING id");
    // Revision 6 had nothing that kept latest_event_id right after a delete.
    q("DELETE FROM shipment_events WHERE status = 'delivered' RETURNING id");
    migrate::Migrator(url).up();
    EXPECT_EQ(q("SELECT latest_event_status || ' ' || latest_event_message || ' ' ||"
                " latest_event_city || ' ' || latest_event_source FROM shipments WHERE tracking_code = 'M1'"),
              "in_transit m in_transit c in_transit carrier");
    EXPECT_EQ(q("SELECT latest_event_status || ' ' || latest_event_message || ' ' || status ||"
                " ' ' || (latest_event_at = '2026-03-04')::text FROM shipments WHERE tracking_code = 'M2'"),
              "in_transit m in_transit in_transit true");
    EXPECT_EQ(q("SELECT coalesce(latest_event_status, 'none') FROM shipments WHERE tracking_code = 'M3'"),
              "none");
    // And back: revision 6's trigger works without the columns.
    migrate::Migrator(url).down(6);
    q("INSERT INTO shipment_events (shipment_id, status, occurred_at) VALUES"
      " ('01900000-0000-7000-8000-000000000003', 'delivered', '2026-03-09') RETURNING id");
    EXPECT_EQ(q("SELECT status FROM shipments WHERE tracking_code = 'M3'"), "delivered");
}

}  // namespace
}  // namespace shipd::store
