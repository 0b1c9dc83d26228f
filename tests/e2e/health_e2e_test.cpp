// /health across a database outage: ok, then down (503 + Retry-After, fast, never a hang)
// while PostgreSQL is stopped, then ok again once it is back, without restarting shipd.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "pgembed/local_postgres.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

std::optional<HttpResponse> wait_for_status(int port, const std::string& path, int status, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    std::optional<HttpResponse> last;
    while (std::chrono::steady_clock::now() < deadline) {
        last = http_request(port, "GET", path);
        if (last && last->status == status) return last;
        std::this_thread::sleep_for(100ms);
    }
    return last;
}

TEST(HealthE2E, DatabaseOutageIsReportedFastAndHealsByItself) {
    TempDir pg_dir;
    pgembed::LocalPostgresOptions o;
    o.data_dir = pg_dir.path() / "pg";
    o.preferred_port = free_port();  // the same port again after the restart
    o.durable = false;
    pgembed::LocalPostgres pg(o);
    pg.start();

    TempDir dir;
    int port = free_port();
    ChildProcess shipd({shipd_binary(), "serve"},
                       {{"DATABASE_URL", pg.url()}, {"SHIPD_AUTO_MIGRATE", "true"}, {"SHIPD_PORT", std::to_string(port)},
                        {"DATABASE_POOL_TIMEOUT", "2"}},
                       dir.path());
    ASSERT_TRUE(shipd.wait_for_output("shipd is ready", 60s)) << shipd.stderr_text();
    auto ok = http_request(port, "GET", "/health");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << ok->body;
    EXPECT_NE(ok->body.find("\"status\":\"ok\""), std::string::npos) << ok->body;
    EXPECT_NE(ok->body.find("\"name\":\"primary\""), std::string::npos);
    EXPECT_NE(ok->body.find("\"name\":\"bulk\""), std::string::npos);

    pg.stop();
    auto down = wait_for_status(port, "/health", 503, 20s);
    ASSERT_TRUE(down);
    EXPECT_EQ(down->status, 503) << down->body;
    EXPECT_NE(down->body.find("\"status\":\"down\""), std::string::npos) << down->body;
    EXPECT_FALSE(down->header("retry-after").empty());
    // While it is known down, answers come fast, not after the pool timeout.
    auto t0 = std::chrono::steady_clock::now();
    auto ready = http_request(port, "GET", "/health/ready");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 503);
    EXPECT_NE(ready->body.find("DATABASE_UNAVAILABLE"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    auto live = http_request(port, "GET", "/health/live");
    ASSERT_TRUE(live);
    EXPECT_EQ(live->status, 200);

    pg.start();
    ASSERT_EQ(pg.port(), o.preferred_port);
    auto healed = wait_for_status(port, "/health", 200, 30s);
    ASSERT_TRUE(healed);
    EXPECT_EQ(healed->status, 200) << healed->body;
    EXPECT_NE(healed->body.find("\"status\":\"ok\""), std::string::npos) << healed->body;
    auto ready_again = wait_for_status(port, "/health/ready", 200, 10s);
    ASSERT_TRUE(ready_again);
    EXPECT_EQ(ready_again->status, 200);

    shipd.signal(SIGTERM);
    EXPECT_EQ(shipd.wait(30s), 0) << shipd.stderr_text();
}

TEST(HealthE2E, FailStartupModeExitsWithTheReasonWhenTheDatabaseIsDown) {
    TempDir dir;
    int dead_port = free_port();
    ChildProcess shipd({shipd_binary(), "serve"},
                       {{"DATABASE_URL", "postgresql://u:hunter2@127.0.0.1:" + std::to_string(dead_port) + "/x"},
                        {"DB_STARTUP_MODE", "fail"}, {"SHIPD_PORT", std::to_string(free_port())}},
                       dir.path());
    auto code = shipd.wait(60s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 1);
    EXPECT_EQ(shipd.stderr_text().find("hunter2"), std::string::npos) << shipd.stderr_text();
    EXPECT_NE(shipd.stderr_text().find("cannot"), std::string::npos) << shipd.stderr_text();
}

TEST(HealthE2E, DegradeStartupModeServesAndReportsDown) {
    TempDir dir;
    int port = free_port();
    ChildProcess shipd({shipd_binary(), "serve"},
                       {{"DATABASE_URL", "postgresql://u:pw@127.0.0.1:" + std::to_string(free_port()) + "/x"},
                        {"SHIPD_PORT", std::to_string(port)}},
                       dir.path());
    ASSERT_TRUE(shipd.wait_for_output("shipd is ready", 60s)) << shipd.stderr_text();
    auto r = http_request(port, "GET", "/health");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_NE(r->body.find("\"status\":\"down\""), std::string::npos) << r->body;
    shipd.signal(SIGTERM);
    EXPECT_EQ(shipd.wait(30s), 0);
}

}  // namespace
}  // namespace shipd::testing
