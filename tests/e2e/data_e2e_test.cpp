// Demo data, `shipd import`, `shipd keys`, and the simulated carrier's background progression,
// through the binary against a real database.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/pg_harness.hpp"
#include "support/temp_dir.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> db_env(const std::string& db) {
    return {{"DATABASE_URL", database_url(db)}, {"SHIPD_AUTO_MIGRATE", "true"}};
}

void migrate(const TempDir& dir, const std::string& db) {
    ChildProcess up({shipd_binary(), "migrate", "up"}, db_env(db), dir.path());
    ASSERT_EQ(up.wait(120s), 0) << up.stderr_text();
}

TEST(DataE2E, DemoDataLoadsRealisticShipmentsWithProgress) {
    TempDir dir;
    std::string db = fresh_database();
    migrate(dir, db);
    ChildProcess demo({shipd_binary(), "demo-data", "--shipments", "2500", "--seed", "7"}, db_env(db), dir.path());
    ASSERT_EQ(demo.wait(120s), 0) << demo.stderr_text();
    EXPECT_NE(demo.stderr_text().find("2500/2500"), std::string::npos) << demo.stderr_text();
    EXPECT_EQ(sql_value(db, "SELECT count(*) FROM shipments"), "2500");
    EXPECT_GE(std::stoi(sql_value(db, "SELECT count(DISTINCT status) FROM shipments")), 5);
    EXPECT_GE(std::stoi(sql_value(db, "SELECT count(DISTINCT to_address_id) FROM shipments")), 2500);
    EXPECT_GE(std::stoi(sql_value(db, "SELECT count(DISTINCT a.state) FROM addresses a")), 15);
    EXPECT_EQ(sql_value(db, "SELECT count(DISTINCT carrier) FROM shipments WHERE carrier IS NOT NULL"), "3");
    // Every bought shipment has a history ending in its status.
    EXPECT_EQ(sql_value(db, "SELECT count(*) FROM shipments s WHERE s.tracking_code IS NOT NULL AND "
                            "s.status <> (SELECT e.status FROM shipment_events e WHERE e.shipment_id = s.id "
                            "ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1)"),
              "0");
    EXPECT_EQ(sql_value(db, "SELECT count(*) FROM shipments WHERE created_at > now()"), "0");
}

TEST(DataE2E, DemoDataOnADatabaseWithoutTheSchemaFailsFastInsteadOfHanging) {
    TempDir dir;
    std::string db = fresh_database();  // not migrated
    ChildProcess demo({shipd_binary(), "demo-data", "--shipments", "10"}, {{"DATABASE_URL", database_url(db)}}, dir.path());
    auto code = demo.wait(30s);
    ASSERT_TRUE(code) << "demo-data hung on a database without the schema";
    EXPECT_EQ(*code, 1);
    EXPECT_NE(demo.stderr_text().find("shipd demo-data:"), std::string::npos) << demo.stderr_text();
}

TEST(DataE2E, DemoDataOnTheEmbeddedDatabaseMigratesItFirst) {
    TempDir dir;
    ChildProcess demo({shipd_binary(), "demo-data", "--shipments", "50"},
                      {{"SHIPD_DATA_DIR", (dir.path() / "data").string()}, {"SHIPD_EMBEDDED_PG_PORT", "0"}}, dir.path());
    auto code = demo.wait(90s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 0) << demo.stderr_text();
    EXPECT_NE(demo.stderr_text().find("50/50"), std::string::npos) << demo.stderr_text();
}

TEST(DataE2E, ImportKeepsGoodLinesAndNamesBadOnes) {
    TempDir dir;
    std::string db = fresh_database();
    migrate(dir, db);
    std::string good = R"({"reference":"imp","from_address":{"street1":"1 A St","city":"Austin","state":"TX","zip":"78701"},"to_address":{"street1":"2 B St","city":"Boston","state":"MA","zip":"02110"},"parcel":{"weight":10}})";
    {
        std::ofstream f(dir.path() / "in.ndjson");
        for (int i = 0; i < 1500; ++i) f << good << "\n";
        f << "{not json\n\n";
        f << R"({"from_address":{"street1":"x","city":"y","zip":"1"},"to_address":{"city":"z"}})" << "\n";
        for (int i = 0; i < 500; ++i) f << good << "\n";
    }
    ChildProcess import({shipd_binary(), "import", (dir.path() / "in.ndjson").string()}, db_env(db), dir.path());
    auto code = import.wait(120s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 3) << import.stderr_text();
    std::string out = import.stdout_text();
    EXPECT_NE(out.find("accepted 2000, rejected 2"), std::string::npos) << out;
    EXPECT_NE(out.find("line 1501: BAD_REQUEST"), std::string::npos) << out;
    EXPECT_NE(out.find("line 1503: VALIDATION_ERROR"), std::string::npos) << out;
    EXPECT_NE(out.find("to_address.street1"), std::string::npos) << out;
    EXPECT_EQ(sql_value(db, "SELECT count(*) FROM shipments WHERE reference = 'imp'"), "2000");
}

TEST(DataE2E, KeysAreCreatedListedAndRevoked) {
    TempDir dir;
    std::string db = fresh_database();
    migrate(dir, db);
    ChildProcess create({shipd_binary(), "keys", "create", "--name", "billing"}, db_env(db), dir.path());
    ASSERT_EQ(create.wait(60s), 0) << create.stderr_text();
    std::string key = create.stdout_text();
    key.erase(key.find_last_not_of("\n") + 1);
    EXPECT_EQ(key.rfind("shipd_", 0), 0u);
    EXPECT_EQ(key.size(), 46u);
    // Stored hashed: the key itself is nowhere in the database.
    EXPECT_EQ(sql_value(db, "SELECT count(*) FROM api_keys WHERE key_hash = sha256(convert_to('" + key + "', 'UTF8'))"), "1");
    ChildProcess list({shipd_binary(), "keys", "list"}, db_env(db), dir.path());
    ASSERT_EQ(list.wait(60s), 0);
    EXPECT_NE(list.stdout_text().find("billing"), std::string::npos);
    EXPECT_EQ(list.stdout_text().find(key), std::string::npos);
    ChildProcess revoke({shipd_binary(), "keys", "revoke", key.substr(0, 12)}, db_env(db), dir.path());
    ASSERT_EQ(revoke.wait(60s), 0) << revoke.stderr_text();
    EXPECT_EQ(sql_value(db, "SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"), "1");
    ChildProcess missing({shipd_binary(), "keys", "revoke", "nothing-like-it"}, db_env(db), dir.path());
    EXPECT_EQ(missing.wait(60s), 1);
    EXPECT_NE(missing.stderr_text().find("shipd keys list"), std::string::npos);
}

TEST(DataE2E, EmbeddedFirstStartHasDemoDataAKeyAndLivingTracking) {
    TempDir dir;
    int port = free_port();
    ChildProcess shipd({shipd_binary(), "serve"},
                       {{"SHIPD_DATA_DIR", (dir.path() / "data").string()}, {"SHIPD_PORT", std::to_string(port)},
                        {"SHIPD_EMBEDDED_PG_PORT", "0"}, {"SIMULATED_TRACKING_STEP_S", "1"}, {"SHIPD_DEMO_SHIPMENTS", "120"}},
                       dir.path());
    ASSERT_TRUE(shipd.wait_for_output("shipd is ready", 90s)) << shipd.stderr_text();
    std::string out = shipd.stdout_text();
    size_t at = out.find("Bearer ");
    ASSERT_NE(at, std::string::npos) << out;
    std::string key = out.substr(at + 7, 46);
    std::string auth = "Authorization: Bearer " + key + "\r\n";
    auto page = http_request(port, "GET", "/v1/shipments?page_size=100", "", auth);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200) << page->body;
    EXPECT_NE(page->body.find("\"has_more\":true"), std::string::npos);

    // A new shipment bought from the simulated carrier moves on by itself.
    std::string body = R"({"from_address":{"street1":"1 A St","city":"Austin","state":"TX","zip":"78701"},"to_address":{"street1":"2 B St","city":"Boston","state":"MA","zip":"02110"},"parcel":{"weight":10}})";
    auto created = http_request(port, "POST", "/v1/shipments", body, auth + "Content-Type: application/json\r\n");
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    std::string id = created->body.substr(7, 36);
    auto bought = http_request(port, "POST", "/v1/shipments/" + id + "/buy", R"({"carrier":"UPS","service":"Ground"})",
                               auth + "Content-Type: application/json\r\n");
    ASSERT_TRUE(bought);
    ASSERT_EQ(bought->status, 200) << bought->body;
    bool moved = false;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!moved && std::chrono::steady_clock::now() < deadline) {
        auto events = http_request(port, "GET", "/v1/shipments/" + id + "/events", "", auth);
        moved = events && events->body.find("\"status\":\"in_transit\"") != std::string::npos;
        if (!moved) std::this_thread::sleep_for(250ms);
    }
    EXPECT_TRUE(moved) << "the simulated tracking progression did not move the shipment";
    shipd.signal(SIGTERM);
    EXPECT_EQ(shipd.wait(30s), 0) << shipd.stderr_text();
}

}  // namespace
}  // namespace shipd::testing
