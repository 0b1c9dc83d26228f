// Bulk imports (issue 7): batches of 5,000 by COPY, one batch written while the next is
// parsed. A line only the database refuses (a CHECK added here) is reported by its line
// number and the rest of its batch still lands, exactly once, through the route and the CLI;
// ANALYZE runs after a large import or demo-data (SHIPD_IMPORT_ANALYZE_ROWS).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <vector>

#include "support/shipd_server.hpp"
#include "support/temp_dir.hpp"

namespace shipd::testing {
namespace {

// More lines than one batch (5,000), so the refused lines sit in two different batches.
constexpr int kLines = 6000;
constexpr int kAnalyzeRows = 2000;

ShipdServer& server() {
    static ShipdServer s(ShipdServerOptions{{{"SHIPD_IMPORT_ANALYZE_ROWS", std::to_string(kAnalyzeRows)}}, {}});
    static bool ready = [] {
        // A rule only the database knows: the importer cannot see it coming.
        s.exec_sql("ALTER TABLE shipments ADD CONSTRAINT e2e_no_poison CHECK (reference NOT LIKE 'poison%')");
        return true;
    }();
    (void)ready;
    return s;
}

std::string one(const std::string& s) { return server().exec_sql(s).at(0); }

// When `table` was last analyzed by a command ("" for never; autovacuum's are not counted).
std::string last_analyze(const std::string& table) {
    return one("SELECT coalesce(last_analyze::text, '') FROM pg_stat_user_tables WHERE relname = '" + table + "'");
}

// kLines lines of `ref`, with the database-refused ones at `poisoned` (1-based).
std::string body(const std::string& ref, const std::vector<int>& poisoned) {
    std::string out;
    for (int i = 1; i <= kLines; ++i) {
        bool bad = std::find(poisoned.begin(), poisoned.end(), i) != poisoned.end();
        out += shipment_body(bad ? "poison-" + ref : ref) + "\n";
    }
    return out;
}

TEST(ImportBulk, ALineOnlyTheDatabaseRefusesLosesNoneOfItsBatch) {
    Api api(server());
    std::string ref = unique("bulk");
    std::vector<int> poisoned = {3, 4999, 5001, kLines};
    auto r = api.post("/v1/imports/shipments", body(ref, poisoned), {}, "application/x-ndjson");
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    auto v = json_of(r);
    EXPECT_EQ(at(v, "accepted")->to_number<int>(), kLines - 4);
    EXPECT_EQ(at(v, "rejected")->to_number<int>(), 4);
    std::vector<int> error_lines;
    for (const auto& e : at(v, "errors")->as_array()) {
        error_lines.push_back(at(e, "line")->to_number<int>());
        EXPECT_EQ(str_at(e, "code"), "VALIDATION_ERROR");
        EXPECT_NE(str_at(e, "message").find("e2e_no_poison"), std::string::npos) << str_at(e, "message");
    }
    EXPECT_EQ(error_lines, poisoned);
    // Created: every other line, in line order, each id once.
    const auto& created = at(v, "created")->as_array();
    ASSERT_EQ(created.size(), static_cast<std::size_t>(kLines - 4));
    int previous = 0;
    std::set<std::string> ids;
    for (const auto& c : created) {
        int line = at(c, "line")->to_number<int>();
        EXPECT_GT(line, previous);
        previous = line;
        ids.insert(str_at(c, "id"));
    }
    EXPECT_EQ(ids.size(), created.size());
    // Stored exactly once, with no orphan rows of a refused batch.
    EXPECT_EQ(one("SELECT count(*) FROM shipments WHERE reference = '" + ref + "'"), std::to_string(kLines - 4));
    EXPECT_EQ(one("SELECT count(*) FROM addresses a WHERE NOT EXISTS (SELECT 1 FROM shipments s WHERE "
                  "s.from_address_id = a.id OR s.to_address_id = a.id)"),
              "0");
    EXPECT_EQ(one("SELECT count(*) FROM parcels p WHERE NOT EXISTS (SELECT 1 FROM shipments s WHERE s.parcel_id = p.id)"),
              "0");
    // The answer did not wait for ANALYZE; it follows within seconds.
    std::string analyzed;
    for (int i = 0; i < 100; ++i) {
        analyzed = one("SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL AND relname IN "
                       "('addresses', 'parcels', 'shipments')");
        if (analyzed == "3") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(analyzed, "3");
    // Every shipment can be read back through the API.
    auto got = api.get("/v1/shipments/" + str_at(created[0], "id"));
    EXPECT_EQ(got.status, 200) << got.body;
}

TEST(ImportBulk, TheCliReportsTheRefusedLinesKeepsTheRestAndAnalyzes) {
    TempDir dir("shipd-import-bulk");
    std::string ref = unique("bulkcli");
    auto file = dir.path() / "import.ndjson";
    {
        std::ofstream out(file, std::ios::binary);
        out << body(ref, {10, 5002});
    }
    const char* tables[] = {"addresses", "parcels", "shipments"};
    std::vector<std::string> analyzed;
    for (const char* t : tables) analyzed.push_back(last_analyze(t));
    std::string output;
    auto code = server().run_cli({"import", file.string()}, &output, std::chrono::seconds(120));
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 3) << output;
    EXPECT_NE(output.find("accepted " + std::to_string(kLines - 2) + ", rejected 2"), std::string::npos) << output;
    EXPECT_NE(output.find("line 10: VALIDATION_ERROR"), std::string::npos) << output;
    EXPECT_NE(output.find("line 5002: VALIDATION_ERROR"), std::string::npos) << output;
    EXPECT_EQ(one("SELECT count(*) FROM shipments WHERE reference = '" + ref + "'"), std::to_string(kLines - 2));
    // The report gives the time the lines took, then ANALYZE's: every table was analyzed
    // (each on its own connection) before the command returned.
    EXPECT_NE(output.find(", rejected 2 in "), std::string::npos) << output;
    EXPECT_NE(output.find("lines a second)"), std::string::npos) << output;
    EXPECT_NE(output.find("planner statistics refreshed (ANALYZE, SHIPD_IMPORT_ANALYZE_ROWS) in "), std::string::npos)
        << output;
    for (std::size_t i = 0; i < std::size(tables); ++i) EXPECT_NE(last_analyze(tables[i]), analyzed[i]) << tables[i];
}

TEST(ImportBulk, DemoDataUsesTheBulkPathAndAnalyzes) {
    std::string before = one("SELECT count(*) FROM shipments");
    const char* tables[] = {"addresses", "parcels", "shipments", "shipment_events"};
    std::vector<std::string> analyzed;
    for (const char* t : tables) analyzed.push_back(last_analyze(t));
    std::string output;
    auto code = server().run_cli({"demo-data", "--shipments", std::to_string(kAnalyzeRows + 500)}, &output,
                                 std::chrono::seconds(120));
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 0) << output;
    EXPECT_EQ(one("SELECT count(*) - " + before + " FROM shipments"), std::to_string(kAnalyzeRows + 500));
    EXPECT_EQ(one("SELECT count(*) FROM shipments WHERE reference LIKE 'demo-%' AND status <> 'unknown' AND "
                  "latest_event_id IS NULL"),
              "0");
    for (std::size_t i = 0; i < std::size(tables); ++i) EXPECT_NE(last_analyze(tables[i]), analyzed[i]) << tables[i];
}

TEST(ImportBulk, ASmallImportDoesNotAnalyze) {
    Api api(server());
    std::string ref = unique("small");
    std::string small;
    for (int i = 0; i < 20; ++i) small += shipment_body(ref) + "\n";
    std::string analyzed = last_analyze("shipments");
    auto r = api.post("/v1/imports/shipments", small, {}, "application/x-ndjson");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(at(json_of(r), "accepted")->to_number<int>(), 20);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(last_analyze("shipments"), analyzed);
}

}  // namespace
}  // namespace shipd::testing
