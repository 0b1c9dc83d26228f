// The schema at head against a real PostgreSQL 15: UUID v7 ids, constraints, updated_at,
// the latest-event trigger, repeated events, parcel_id nullability, the analytics views and
// REFRESH ... CONCURRENTLY beside a reader.
#include <gtest/gtest.h>

#include <string>

#include "migrate/migrator.hpp"
#include "support/pg_harness.hpp"
#include "test_db.hpp"

namespace shipd::migrate {
namespace {

using testing::conninfo;
using testing::migrated_database;
using testing::Session;

// Inserts a shipment with two addresses and a parcel; returns its id.
std::string insert_shipment(Session& s, const std::string& extra_columns = "", const std::string& extra_values = "") {
    return s.value(
        "WITH f AS (INSERT INTO addresses (street1, city, zip) VALUES ('1 Main St', 'Austin', '78701') RETURNING id),"
        " t AS (INSERT INTO addresses (street1, city, zip) VALUES ('2 Oak Ave', 'Denver', '80202') RETURNING id),"
        " p AS (INSERT INTO parcels (weight) VALUES (12.5) RETURNING id)"
        " INSERT INTO shipments (from_address_id, to_address_id, parcel_id" + extra_columns + ")"
        " SELECT f.id, t.id, p.id" + extra_values + " FROM f, t, p RETURNING id");
}

bool fails(Session& s, const std::string& sql) {
    try {
        s.exec(sql);
    } catch (const detail::PqError&) {
        return true;
    }
    return false;
}

TEST(Schema, UuidV7IsValidAndSortsByCreationTime) {
    Session s(migrated_database());
    // 10,000 ids: version 7, variant 10xx, distinct, timestamp within a few seconds of now.
    EXPECT_EQ(s.value("WITH ids AS (SELECT uuid_generate_v7() AS id FROM generate_series(1, 10000))"
                      " SELECT count(*) FILTER (WHERE substr(id::text, 15, 1) = '7'"
                      "   AND substr(id::text, 20, 1) IN ('8', '9', 'a', 'b')"
                      "   AND abs(('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint"
                      "           - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 5000)"
                      "   = 10000 AND count(DISTINCT id) = 10000 FROM ids"),
              "t");
    // Made one after another (a millisecond apart), they sort in creation order.
    s.exec("CREATE TEMP TABLE made (seq int, id uuid)");
    s.exec("DO $$ BEGIN FOR i IN 1..50 LOOP INSERT INTO made VALUES (i, uuid_generate_v7());"
           " PERFORM pg_sleep(0.001); END LOOP; END $$");
    EXPECT_EQ(s.value("SELECT array_agg(seq ORDER BY id) = array_agg(seq ORDER BY seq) FROM made"), "t");
    // Within one session even the same millisecond sorts (12-bit sub-millisecond fraction).
    EXPECT_EQ(s.value("SELECT bool_and(a < b) FROM (SELECT uuid_generate_v7() AS a, pg_sleep(0.0001),"
                      " uuid_generate_v7() AS b FROM generate_series(1, 20)) x"),
              "t");
    // Every primary key defaults to it.
    const std::string id = insert_shipment(s);
    EXPECT_EQ(id.substr(14, 1), "7") << id;
    EXPECT_EQ(s.value("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                      " AND column_name = 'id' AND column_default = 'uuid_generate_v7()'"),
              "7");
}

TEST(Schema, ConstraintsRejectWhatMustNotHold) {
    Session s(migrated_database());
    EXPECT_TRUE(fails(s, "INSERT INTO parcels (weight) VALUES (0)"));
    EXPECT_TRUE(fails(s, "INSERT INTO parcels (weight) VALUES ('NaN')"));
    EXPECT_TRUE(fails(s, "INSERT INTO parcels (weight) VALUES ('Infinity')"));
    EXPECT_TRUE(fails(s, "INSERT INTO parcels (weight, length) VALUES (1, -2)"));
    EXPECT_FALSE(fails(s, "INSERT INTO parcels (weight) VALUES (0.1)"));
    EXPECT_TRUE(fails(s, "INSERT INTO addresses (street1, city, zip, country) VALUES ('a', 'b', 'c', 'us')"));
    EXPECT_TRUE(fails(s, "INSERT INTO addresses (street1, city, country) VALUES ('a', 'b', 'US')"));
    const std::string id = insert_shipment(s);
    EXPECT_EQ(s.value("SELECT status FROM shipments WHERE id = '" + id + "'"), "unknown");
    EXPECT_TRUE(fails(s, "UPDATE shipments SET status = 'lost' WHERE id = '" + id + "'"));
    EXPECT_TRUE(fails(s, "UPDATE shipments SET rate_amount = 7.58 WHERE id = '" + id + "'"));  // no currency
    EXPECT_FALSE(fails(s, "UPDATE shipments SET carrier = 'USPS', service = 'Priority', rate_amount = 7.58,"
                          " rate_currency = 'USD' WHERE id = '" + id + "'"));
    EXPECT_TRUE(fails(s, "UPDATE shipments SET rates = '{}' WHERE id = '" + id + "'"));
    EXPECT_TRUE(fails(s, "INSERT INTO shipment_events (shipment_id, status, occurred_at) VALUES ('" + id +
                             "', 'teleported', now())"));
    EXPECT_TRUE(fails(s, "DELETE FROM addresses"));  // still used by a shipment: RESTRICT
    s.exec("INSERT INTO shipment_events (shipment_id, status, occurred_at) VALUES ('" + id + "', 'in_transit', now())");
    s.exec("DELETE FROM shipments WHERE id = '" + id + "'");  // its events go with it
    EXPECT_EQ(s.value("SELECT count(*) FROM shipment_events"), "0");
    // Keys and receipts.
    s.exec("INSERT INTO api_keys (name, key_hash, key_prefix) VALUES ('ci', sha256('k'), 'sk_')");
    EXPECT_TRUE(fails(s, "INSERT INTO api_keys (name, key_hash, key_prefix) VALUES ('ci2', sha256('k'), 'sk_')"));
    EXPECT_TRUE(fails(s, "INSERT INTO api_keys (name, key_hash, key_prefix) VALUES ('short', '\\x00', 'sk_')"));
    s.exec("INSERT INTO idempotency_keys (api_key_id, key, request_hash) SELECT id, 'k1', sha256('body') FROM api_keys");
    EXPECT_TRUE(fails(s, "INSERT INTO idempotency_keys (api_key_id, key, request_hash)"
                         " SELECT id, 'k1', sha256('other') FROM api_keys"));
    EXPECT_EQ(s.value("SELECT expires_at - created_at FROM idempotency_keys"), "1 day");
    s.exec("INSERT INTO webhook_receipts (event_id, payload) VALUES ('evt_1', '{}')");
    EXPECT_EQ(s.exec("INSERT INTO webhook_receipts (event_id, payload) VALUES ('evt_1', '{}')"
                     " ON CONFLICT (event_id) DO NOTHING RETURNING id").rows(),
              0);  // a redelivery is absorbed
}

TEST(Schema, UpdatedAtIsKeptByTheDatabase) {
    Session s(migrated_database());
    const std::string id = s.value(
        "INSERT INTO addresses (street1, city, zip, created_at, updated_at)"
        " VALUES ('1 Main St', 'Austin', '78701', '2000-01-01Z', '2000-01-01Z') RETURNING id");
    s.exec("UPDATE addresses SET name = 'Ada', updated_at = '1999-01-01Z' WHERE id = '" + id + "'");
    EXPECT_EQ(s.value("SELECT updated_at > now() - interval '1 minute' AND created_at = '2000-01-01Z'"
                      " FROM addresses WHERE id = '" + id + "'"),
              "t");
    EXPECT_EQ(s.value("SELECT data_type FROM information_schema.columns WHERE table_name = 'shipments'"
                      " AND column_name = 'created_at'"),
              "timestamp with time zone");
}

TEST(Schema, ShipmentFollowsItsNewestEventAndRepeatsAreAbsorbed) {
    Session s(migrated_database());
    const std::string id = insert_shipment(s);
    auto add = [&](const std::string& status, const std::string& at, const std::string& message) {
        return s.exec("INSERT INTO shipment_events (shipment_id, status, occurred_at, message) VALUES ('" + id +
                      "', '" + status + "', '" + at + "', " + message +
                      ") ON CONFLICT (shipment_id, occurred_at, status, message) DO NOTHING RETURNING id")
            .rows();
    };
    EXPECT_EQ(add("in_transit", "2025-01-02T10:00:00Z", "'Arrived at facility'"), 1);
    EXPECT_EQ(add("pre_transit", "2025-01-01T10:00:00Z", "NULL"), 1);  // older, arrives later
    EXPECT_EQ(s.value("SELECT status || ' ' || (latest_event_at = '2025-01-02T10:00:00Z') FROM shipments"
                      " WHERE id = '" + id + "'"),
              "in_transit true");
    EXPECT_EQ(add("in_transit", "2025-01-02T10:00:00Z", "'Arrived at facility'"), 0);  // a repeat
    EXPECT_EQ(add("pre_transit", "2025-01-01T10:00:00Z", "NULL"), 0);  // a repeat without a message
    EXPECT_EQ(add("delivered", "2025-01-04T09:00:00Z", "'Delivered'"), 1);
    EXPECT_EQ(s.value("SELECT s.status || ' ' || e.message FROM shipments s JOIN shipment_events e"
                      " ON e.id = s.latest_event_id WHERE s.id = '" + id + "'"),
              "delivered Delivered");
    EXPECT_EQ(s.value("SELECT count(*) FROM shipment_events WHERE shipment_id = '" + id + "'"), "3");
}

TEST(Schema, ParcelIsOptionalFromRevisionFourAndItsDownSaysWhy) {
    const auto db = migrated_database();
    Session s(db);
    const std::string id = insert_shipment(s);
    s.exec("UPDATE shipments SET parcel_id = NULL WHERE id = '" + id + "'");
    Migrator m(conninfo(db));
    m.down(4);
    try {
        m.down(3);
        FAIL() << "NOT NULL restored over a NULL";
    } catch (const MigrateError& e) {
        EXPECT_NE(std::string(e.what()).find("1 shipments have no parcel"), std::string::npos) << e.what();
    }
    EXPECT_EQ(m.status().current, 4);
}

TEST(Schema, AnalyticsViewsAggregate) {
    Session s(migrated_database());
    for (int i = 0; i < 10; ++i) {
        const std::string id = insert_shipment(
            s, ", carrier, service, rate_amount, rate_currency, created_at",
            std::string(", 'USPS', 'Priority', ") + std::to_string(5 + i) + ", 'USD', '2025-03-0" +
                (i < 4 ? "1" : "2") + "T12:00:00Z'");
        s.exec("INSERT INTO shipment_events (shipment_id, status, occurred_at) VALUES"
               " ('" + id + "', 'in_transit', '2025-03-03T00:00:00Z'),"
               " ('" + id + "', 'delivered', timestamptz '2025-03-03T00:00:00Z' + " + std::to_string(i + 1) +
               " * interval '1 day')");
    }
    insert_shipment(s);  // not bought: carrier 'unassigned'
    for (const char* view : {"analytics_daily_volume", "analytics_carrier_performance", "analytics_costs"}) {
        s.exec(std::string("REFRESH MATERIALIZED VIEW CONCURRENTLY ") + view);
    }
    EXPECT_EQ(s.value("SELECT string_agg(day || ' ' || carrier || ' ' || status || ' ' || shipments, '; '"
                      " ORDER BY day, carrier) FROM analytics_daily_volume WHERE day < '2025-04-01'"),
              "2025-03-01 USPS delivered 4; 2025-03-02 USPS delivered 6");
    EXPECT_EQ(s.value("SELECT count(*) FROM analytics_daily_volume WHERE carrier = 'unassigned'"), "1");
    // Transit 1..10 days: mean 5.5, p90 (continuous) 9.1.
    EXPECT_EQ(s.value("SELECT concat_ws(' ', carrier, service, shipments, delivered, mean_transit_days,"
                      " p90_transit_days) FROM analytics_carrier_performance"),
              "USPS Priority 10 10 5.50 9.10");
    // Rates 5..14: total 95.00, mean 9.50.
    EXPECT_EQ(s.value("SELECT concat_ws(' ', carrier, service, currency, shipments, total, mean) FROM analytics_costs"),
              "USPS Priority USD 10 95.00 9.50");
    EXPECT_EQ(s.value("SELECT count(*) FROM analytics_refreshes"), "3");
}

// A reader is not blocked by a refresh in progress (CONCURRENTLY); the same reader under a plain
// REFRESH is blocked, which shows the check can tell the difference.
// Revision 9: the indexes over columns a new row leaves NULL hold only rows with a value
// (a created shipment adds no entry to them), are as unique as before, and uuid_generate_v7()
// is PL/pgSQL. shipments_easypost_id_key (read with IS NULL) and the tracking-code hash index
// (no NULL entries anyway) stay whole.
TEST(Schema, NullableLookupIndexesArePartialFromRevisionNine) {
    Session s(migrated_database());
    for (const char* index : {"addresses_easypost_id_key", "parcels_easypost_id_key",
                              "shipments_carrier_created_at_id_idx", "shipments_reference_idx"}) {
        EXPECT_NE(s.value(std::string("SELECT pg_get_indexdef('") + index + "'::regclass)").find(" IS NOT NULL)"),
                  std::string::npos)
            << index;
    }
    EXPECT_EQ(s.value("SELECT pg_get_indexdef('shipments_easypost_id_key'::regclass)"),
              "CREATE UNIQUE INDEX shipments_easypost_id_key ON public.shipments USING btree (easypost_id)");
    EXPECT_EQ(s.value("SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
                      " WHERE p.proname = 'uuid_generate_v7'"),
              "plpgsql");
    // 200 shipments as a create makes them (no carrier, reference, provider ids): the partial
    // indexes stay empty (a B-tree's metapage alone), the whole ones grew.
    s.exec("CREATE TEMP TABLE made AS SELECT uuid_generate_v7() AS f, uuid_generate_v7() AS t,"
           " uuid_generate_v7() AS p, uuid_generate_v7() AS s FROM generate_series(1, 200)");
    s.exec("INSERT INTO addresses (id, street1, city, zip) SELECT f, '1 Main St', 'Austin', '78701' FROM made"
           " UNION ALL SELECT t, '2 Oak Ave', 'Denver', '80202' FROM made");
    s.exec("INSERT INTO parcels (id, weight) SELECT p, 1 FROM made");
    s.exec("INSERT INTO shipments (id, from_address_id, to_address_id, parcel_id) SELECT s, f, t, p FROM made");
    EXPECT_EQ(s.value("SELECT string_agg(c.relname || '=' || pg_relation_size(c.oid), ',' ORDER BY c.relname)"
                      " FROM pg_class c WHERE c.relname IN ('addresses_easypost_id_key', 'parcels_easypost_id_key',"
                      " 'shipments_carrier_created_at_id_idx', 'shipments_reference_idx')"),
              "addresses_easypost_id_key=8192,parcels_easypost_id_key=8192,"
              "shipments_carrier_created_at_id_idx=8192,shipments_reference_idx=8192");
    EXPECT_GT(std::stoll(s.value("SELECT pg_relation_size('shipments_easypost_id_key')")), 8192);
    // Unique where present, as before; rows with a value are found through the index.
    s.exec("UPDATE addresses SET easypost_id = 'adr_1' WHERE id = (SELECT f FROM made LIMIT 1)");
    EXPECT_TRUE(fails(s, "UPDATE addresses SET easypost_id = 'adr_1' WHERE id = (SELECT t FROM made LIMIT 1)"));
    s.exec("UPDATE parcels SET easypost_id = 'prcl_1' WHERE id = (SELECT p FROM made LIMIT 1)");
    EXPECT_TRUE(fails(s, "UPDATE parcels SET easypost_id = 'prcl_1' WHERE id = (SELECT p FROM made OFFSET 1 LIMIT 1)"));
    s.exec("UPDATE shipments SET carrier = 'UPS', reference = 'r1' WHERE id = (SELECT s FROM made LIMIT 1)");
    s.exec("SET enable_seqscan = off");
    s.exec("SET enable_bitmapscan = off");
    auto plan = [&](const std::string& query) {
        auto r = s.exec("EXPLAIN " + query);
        std::string text;
        for (int i = 0; i < r.rows(); ++i) {
            text += r.text(i, 0);
            text += '\n';
        }
        return text;
    };
    auto p = plan("SELECT id FROM shipments WHERE carrier = 'UPS' ORDER BY created_at DESC, id DESC LIMIT 5");
    EXPECT_NE(p.find("shipments_carrier_created_at_id_idx"), std::string::npos) << p;
    p = plan("SELECT id FROM shipments WHERE reference = 'r1'");
    EXPECT_NE(p.find("shipments_reference_idx"), std::string::npos) << p;
    EXPECT_EQ(s.value("SELECT count(*) FROM shipments WHERE carrier = 'UPS' AND reference = 'r1'"), "1");
}

TEST(Schema, ConcurrentRefreshDoesNotBlockReaders) {
    const auto db = migrated_database();
    Session writer(db);
    insert_shipment(writer, ", carrier, service, rate_amount, rate_currency", ", 'UPS', 'Ground', 9.99, 'USD'");
    Session reader(db, 2000);
    for (const char* view : {"analytics_daily_volume", "analytics_carrier_performance", "analytics_costs"}) {
        writer.exec("BEGIN");
        writer.exec(std::string("REFRESH MATERIALIZED VIEW CONCURRENTLY ") + view);
        // The refresh holds its lock until COMMIT; the reader still reads (the old contents).
        EXPECT_NO_THROW(reader.exec(std::string("SELECT count(*) FROM ") + view)) << view;
        writer.exec("COMMIT");
    }
    EXPECT_EQ(reader.value("SELECT count(*) FROM analytics_costs"), "1");

    writer.exec("BEGIN");
    writer.exec("REFRESH MATERIALIZED VIEW analytics_costs");
    try {
        reader.exec("SELECT count(*) FROM analytics_costs");
        ADD_FAILURE() << "a plain REFRESH did not block the reader";
    } catch (const detail::PqError& e) {
        EXPECT_EQ(e.sqlstate(), "57014");  // statement_timeout
    }
    writer.exec("ROLLBACK");
}

}  // namespace
}  // namespace shipd::migrate
