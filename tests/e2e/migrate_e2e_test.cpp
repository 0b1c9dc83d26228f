// `shipd migrate` and `serve` against an external database: two deploys migrating at once,
// a stale schema refused with the command to run, SHIPD_AUTO_MIGRATE.
#include <gtest/gtest.h>
#include <signal.h>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/pg_harness.hpp"
#include "support/temp_dir.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

TEST(MigrateE2E, TwoDeploysMigratingAtOnceApplyEachRevisionOnce) {
    TempDir dir;
    std::string db = fresh_database();
    std::map<std::string, std::string> env{{"DATABASE_URL", database_url(db)}};
    ChildProcess a({shipd_binary(), "migrate", "up"}, env, dir.path());
    ChildProcess b({shipd_binary(), "migrate", "up"}, env, dir.path());
    auto ca = a.wait(120s), cb = b.wait(120s);
    ASSERT_TRUE(ca && cb);
    EXPECT_EQ(*ca, 0) << a.stderr_text();
    EXPECT_EQ(*cb, 0) << b.stderr_text();
    // Each revision exactly once, and all of them (versions 1 to head, none missing).
    EXPECT_EQ(sql_value(db, "SELECT count(*) = count(DISTINCT version) AND count(*) = max(version) FROM shipd_schema_migrations"), "t");
    EXPECT_GE(std::stoi(sql_value(db, "SELECT count(*) FROM shipd_schema_migrations")), 6);

    ChildProcess verify({shipd_binary(), "migrate", "verify"}, env, dir.path());
    EXPECT_EQ(verify.wait(60s), 0) << verify.stderr_text();
}

TEST(MigrateE2E, ServeRefusesAStaleSchemaNamingTheCommandThenAutoMigrates) {
    TempDir dir;
    std::string db = fresh_database();
    int port = free_port();
    std::map<std::string, std::string> env{{"DATABASE_URL", database_url(db)}, {"SHIPD_PORT", std::to_string(port)}};
    ChildProcess refused({shipd_binary(), "serve"}, env, dir.path());
    auto code = refused.wait(60s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 1);
    EXPECT_NE(refused.stderr_text().find("shipd migrate up"), std::string::npos) << refused.stderr_text();
    EXPECT_NE(refused.stderr_text().find("SHIPD_AUTO_MIGRATE=true"), std::string::npos);

    env["SHIPD_AUTO_MIGRATE"] = "true";
    ChildProcess serving({shipd_binary(), "serve"}, env, dir.path());
    ASSERT_TRUE(serving.wait_for_output("shipd is ready", 60s)) << serving.stderr_text();
    EXPECT_GE(std::stoi(sql_value(db, "SELECT max(version) FROM shipd_schema_migrations")), 6);
    serving.signal(SIGTERM);
    EXPECT_EQ(serving.wait(30s), 0);
}

TEST(MigrateE2E, EditedAppliedRevisionIsDriftAtServeStart) {
    TempDir dir;
    std::string db = fresh_database();
    std::map<std::string, std::string> env{{"DATABASE_URL", database_url(db)}, {"SHIPD_PORT", std::to_string(free_port())}};
    ChildProcess up({shipd_binary(), "migrate", "up"}, env, dir.path());
    ASSERT_EQ(up.wait(120s), 0) << up.stderr_text();
    sql(db, "UPDATE shipd_schema_migrations SET checksum = repeat('0', 64) WHERE version = 2");
    ChildProcess serve({shipd_binary(), "serve"}, env, dir.path());
    auto code = serve.wait(60s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 1);
    EXPECT_NE(serve.stderr_text().find("0002_all_models"), std::string::npos) << serve.stderr_text();
    ChildProcess verify({shipd_binary(), "migrate", "verify"}, env, dir.path());
    EXPECT_EQ(verify.wait(60s), 3);
}

}  // namespace
}  // namespace shipd::testing
