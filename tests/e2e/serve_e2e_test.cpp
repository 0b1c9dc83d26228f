// The shipd binary end to end: serve on the embedded PostgreSQL, signals, a second owner,
// a killed owner, bad settings, a taken port, masked secrets, JSON logs, the CLI's help.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>

#include "pgembed/detail/process.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> serve_env(const TempDir& dir, int port) {
    return {{"SHIPD_DATA_DIR", (dir.path() / "data").string()},
            {"SHIPD_PORT", std::to_string(port)},
            {"SHIPD_EMBEDDED_PG_PORT", "0"},
            {"HOME", dir.path().string()}};
}

std::unique_ptr<ChildProcess> start_serve(const TempDir& dir, int port,
                                          std::map<std::string, std::string> extra = {}) {
    auto env = serve_env(dir, port);
    for (auto& [k, v] : extra) env[k] = v;
    return std::make_unique<ChildProcess>(std::vector<std::string>{shipd_binary(), "serve"}, env, dir.path());
}

int postmaster_pid(const TempDir& dir) {
    std::ifstream f(dir.path() / "data" / "pgdata" / "postmaster.pid");
    int pid = 0;
    f >> pid;
    return pid;
}

TEST(ServeE2E, ServesOnEmbeddedPostgresAndStopsCleanlyOnSigterm) {
    TempDir dir;
    int port = free_port();
    auto shipd = start_serve(dir, port);
    ASSERT_TRUE(shipd->wait_for_output("shipd is ready", 60s)) << shipd->stderr_text();
    // The first start prints the embedded default's key with a ready-to-paste curl line.
    EXPECT_NE(shipd->stdout_text().find("curl -H 'Authorization: Bearer shipd_"), std::string::npos) << shipd->stdout_text();
    EXPECT_NE(shipd->stdout_text().find("http://127.0.0.1:" + std::to_string(port) + "/v1/shipments"), std::string::npos);
    auto r = http_request(port, "GET", "/health/live");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"status":"ok"})");
    EXPECT_TRUE(shipd->wait_for_output("GET /health/live 200", 5s)) << "no access log line: " << shipd->stderr_text();
    // shipd talks to its embedded database through the Unix socket in the data directory:
    // the log says so, and the migrator (which gets serve's own URL) names the socket.
    const std::string socket_dir = (dir.path() / "data" / "run").string();
    EXPECT_NE(shipd->stderr_text().find("and the Unix socket in " + socket_dir + ", which shipd uses"), std::string::npos)
        << shipd->stderr_text();
    EXPECT_NE(shipd->stderr_text().find("migrate: created shipd_schema_migrations on shipd@" + socket_dir + ":"),
              std::string::npos)
        << shipd->stderr_text();
    int pg = postmaster_pid(dir);
    ASSERT_GT(pg, 0);

    shipd->signal(SIGTERM);
    auto code = shipd->wait(30s);
    ASSERT_TRUE(code) << "did not stop";
    EXPECT_EQ(*code, 0) << shipd->stderr_text();
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "data" / "pgdata" / "postmaster.pid"));
    EXPECT_FALSE(pgembed::detail::process_alive(pg)) << "PostgreSQL still runs after shipd stopped";
}

TEST(ServeE2E, SecondServeReusesTheDataAndSigintStopsIt) {
    TempDir dir;
    int port = free_port();
    {
        auto first = start_serve(dir, port);
        ASSERT_TRUE(first->wait_for_output("created and started", 60s)) << first->stderr_text();
        ASSERT_TRUE(first->wait_for_output("shipd is ready", 30s));
        first->signal(SIGINT);
        ASSERT_EQ(first->wait(30s), 0);
    }
    auto second = start_serve(dir, port);
    ASSERT_TRUE(second->wait_for_output("shipd is ready", 60s)) << second->stderr_text();
    EXPECT_NE(second->stderr_text().find("embedded PostgreSQL started"), std::string::npos);
    second->signal(SIGINT);
    EXPECT_EQ(second->wait(30s), 0);
}

TEST(ServeE2E, SecondShipdOnTheSameDataDirectoryGetsAClearError) {
    TempDir dir;
    auto first = start_serve(dir, free_port());
    ASSERT_TRUE(first->wait_for_output("shipd is ready", 60s)) << first->stderr_text();
    auto second = start_serve(dir, free_port());
    auto code = second->wait(30s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 1);
    EXPECT_NE(second->stderr_text().find("in use by another shipd"), std::string::npos) << second->stderr_text();
    // The first one is unharmed.
    EXPECT_FALSE(first->wait(0ms));
    first->signal(SIGTERM);
    EXPECT_EQ(first->wait(30s), 0);
}

TEST(ServeE2E, KilledShipdLeavesNothingTheNextStartCannotRecoverFrom) {
    TempDir dir;
    int port = free_port();
    {
        auto first = start_serve(dir, port);
        ASSERT_TRUE(first->wait_for_output("shipd is ready", 60s)) << first->stderr_text();
        first->signal(SIGKILL);
        first->wait(10s);
    }
    // Its PostgreSQL outlived it, with its postmaster.pid.
    ASSERT_GT(postmaster_pid(dir), 0);
    auto second = start_serve(dir, port);
    ASSERT_TRUE(second->wait_for_output("shipd is ready", 60s)) << second->stderr_text();
    auto r = http_request(port, "GET", "/health/live");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    second->signal(SIGTERM);
    EXPECT_EQ(second->wait(30s), 0);
}

TEST(ServeE2E, InvalidSettingsExitTwoListingEveryProblem) {
    TempDir dir;
    std::ofstream(dir.path() / ".env") << "DATABASE_MAX_OVERFLOW=lots\nnot a line\n";
    auto shipd = start_serve(dir, free_port(), {{"DATABASE_POOL_SIZE", "abc"}, {"CARRIER_PROVIDER", "easypost"}});
    auto code = shipd->wait(10s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 2);
    std::string err = shipd->stderr_text();
    EXPECT_NE(err.find("DATABASE_POOL_SIZE: 'abc' is not an integer"), std::string::npos) << err;
    EXPECT_NE(err.find("EASYPOST_API_KEY is required when CARRIER_PROVIDER=easypost"), std::string::npos) << err;
    EXPECT_NE(err.find("DATABASE_MAX_OVERFLOW: 'lots' is not an integer"), std::string::npos) << err;
    EXPECT_NE(err.find(".env:2: expected NAME=VALUE"), std::string::npos) << err;
}

TEST(ServeE2E, HttpPortInUseIsOneLineSayingWhatToDo) {
    TempDir dir;
    int port = free_port();
    auto first = start_serve(dir, port);
    ASSERT_TRUE(first->wait_for_output("shipd is ready", 60s)) << first->stderr_text();
    TempDir other;
    auto second = start_serve(other, port);
    auto code = second->wait(60s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 1);
    EXPECT_NE(second->stderr_text().find("is already in use"), std::string::npos) << second->stderr_text();
    EXPECT_NE(second->stderr_text().find("SHIPD_PORT"), std::string::npos);
    first->signal(SIGTERM);
    EXPECT_EQ(first->wait(30s), 0);
}

TEST(ServeE2E, ConfigMasksSecretsAndJsonLogsNeverCarryThePassword) {
    TempDir dir;
    ChildProcess config({shipd_binary(), "config"},
                        {{"DATABASE_URL", "postgresql+asyncpg://app:hunter2@127.0.0.1:1/ship"},
                         {"EASYPOST_API_KEY", "EZAKsecret"}, {"SHIPD_PROT", "1"}},
                        dir.path());
    ASSERT_EQ(config.wait(10s), 0) << config.stderr_text();
    std::string out = config.stdout_text();
    EXPECT_NE(out.find("postgresql://app:****@127.0.0.1:1/ship"), std::string::npos) << out;
    EXPECT_EQ(out.find("hunter2"), std::string::npos);
    EXPECT_EQ(out.find("EZAKsecret"), std::string::npos);
    EXPECT_NE(out.find("did you mean SHIPD_PORT?"), std::string::npos);

    int port = free_port();
    auto shipd = start_serve(dir, port, {{"DATABASE_URL", "postgresql://app:hunter2@127.0.0.1:1/ship"},
                                         {"SHIPD_LOG_FORMAT", "json"}});
    ASSERT_TRUE(shipd->wait_for_output("shipd is ready", 30s)) << shipd->stderr_text();
    auto live = http_request(port, "GET", "/health/live?token=secret-in-query", "", "X-Request-Id: access-1\r\n");
    ASSERT_TRUE(live);
    shipd->signal(SIGTERM);
    ASSERT_EQ(shipd->wait(30s), 0);
    std::string err = shipd->stderr_text();
    // The access line carries its fields as JSON; the query string (it may carry data) is left out.
    EXPECT_NE(err.find(R"("msg":"access","method":"GET","path":"/health/live","route":"/health/live","status":200)"),
              std::string::npos) << err;
    EXPECT_NE(err.find(R"("request_id":"access-1")"), std::string::npos) << err;
    EXPECT_EQ(err.find("secret-in-query"), std::string::npos) << err;
    EXPECT_EQ(err.find("hunter2"), std::string::npos) << err;
    std::istringstream lines(err);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        ++count;
        EXPECT_EQ(line.front(), '{') << line;
        EXPECT_EQ(line.back(), '}') << line;
        EXPECT_NE(line.find("\"level\":"), std::string::npos) << line;
    }
    EXPECT_GT(count, 1);
}

TEST(CliE2E, HelpTeachesAndVersionAnswers) {
    TempDir dir;
    ChildProcess help({shipd_binary(), "--help"}, {}, dir.path());
    ASSERT_EQ(help.wait(10s), 0);
    std::string out = help.stdout_text();
    for (const char* word : {"serve", "config", "version", "DATABASE_URL", "Examples"}) {
        EXPECT_NE(out.find(word), std::string::npos) << word;
    }
    ChildProcess version({shipd_binary(), "version"}, {}, dir.path());
    ASSERT_EQ(version.wait(10s), 0);
    EXPECT_EQ(version.stdout_text().rfind("shipd ", 0), 0u);
    // The allocator the build chose (CMake SHIPD_MALLOC) is the one serving malloc.
    EXPECT_NE(version.stdout_text().find("\nallocator: "), std::string::npos) << version.stdout_text();
    EXPECT_EQ(version.stdout_text().find("not in use"), std::string::npos) << version.stdout_text();
    ChildProcess wrong({shipd_binary(), "frobnicate"}, {}, dir.path());
    auto code = wrong.wait(10s);
    ASSERT_TRUE(code);
    EXPECT_NE(*code, 0);
}

}  // namespace
}  // namespace shipd::testing
