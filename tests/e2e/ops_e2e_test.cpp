// Operations end to end: `shipd doctor` against real servers (the harness's, the embedded one,
// a tiny one with max_connections = 20 and no pg_stat_statements), SHIPD_CAPACITY_POLICY at
// serve start, `shipd db status` and GET /v1/admin/db/connections with an idle transaction
// opened here, GET /v1/admin/db/slow-queries with and without pg_stat_statements.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/json.hpp>

#include <memory>
#include <sstream>
#include <thread>

#include "pgembed/local_postgres.hpp"
#include "support/child_process.hpp"
#include "support/pg_harness.hpp"
#include "support/shipd_server.hpp"
#include "support/temp_dir.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

struct CliRun {
    std::optional<int> code;
    std::string out;
    std::string err;
};

CliRun run_shipd(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    TempDir dir;
    std::vector<std::string> argv = {shipd_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess p(argv, env, dir.path());
    CliRun r;
    r.code = p.wait(120s);
    r.out = p.stdout_text();
    r.err = p.stderr_text();
    return r;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// A line of the capacity table: "  LABEL   NUMBER" and, when given, "   NOTE".
bool has_row(const std::string& out, const std::string& label, const std::string& number, const std::string& note = {}) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("  " + label + " ", 0) != 0) continue;
        std::istringstream rest(line.substr(label.size() + 2));
        std::string n;
        rest >> n;
        std::string tail;
        std::getline(rest, tail);
        auto first = tail.find_first_not_of(' ');
        tail = first == std::string::npos ? "" : tail.substr(first);
        if (n == number && tail == note) return true;
    }
    return false;
}

// A server shipd cannot fill: max_connections 20, pg_stat_statements not loaded.
class TinyServer {
public:
    TinyServer() {
        pgembed::LocalPostgresOptions o;
        o.data_dir = dir_.path() / "pg";
        o.preferred_port = 0;
        o.durable = false;
        o.settings = {{"max_connections", "20"}, {"shared_preload_libraries", ""}};
        pg_ = std::make_unique<pgembed::LocalPostgres>(o);
        pg_->start();
    }
    std::string url() const { return pg_->url(); }

private:
    TempDir dir_{"shipd-tiny-pg"};
    std::unique_ptr<pgembed::LocalPostgres> pg_;
};

TinyServer& tiny() {
    static TinyServer t;
    return t;
}

// A session that opens a transaction and then does nothing.
class IdleTransaction {
public:
    explicit IdleTransaction(const std::string& url) : conn_(PQconnectdb(url.c_str()), &PQfinish) {
        if (PQstatus(conn_.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_.get()));
        exec("SET application_name = 'ops-e2e-idle'");
        exec("BEGIN");
        pid_ = std::stoi(exec("SELECT pg_backend_pid()"));
    }
    int pid() const { return pid_; }

private:
    std::string exec(const char* sql) {
        std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_.get(), sql), &PQclear);
        if (PQresultStatus(r.get()) == PGRES_FATAL_ERROR) throw std::runtime_error(PQresultErrorMessage(r.get()));
        return PQntuples(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "";
    }
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
    int pid_ = 0;
};

TEST(DoctorE2E, OwnDatabasePrintsTheLiveTableAndExitsZero) {
    std::string db = fresh_database();
    std::string max_connections = sql_value(db, "SHOW max_connections");
    auto r = run_shipd({"doctor"}, {{"DATABASE_URL", database_url(db)}, {"SHIPD_THREADS", "2"}});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "settings   ok")) << r.out;
    EXPECT_TRUE(contains(r.out, "PostgreSQL 15")) << r.out;
    // The seed's pools over 2 loops: (10 + 15) and (5 + 11) a loop, 82, + the election's session: 83.
    EXPECT_TRUE(has_row(r.out, "pool primary", "50", "(10 + 15 overflow) a loop × 2 loops × 1 instance")) << r.out;
    EXPECT_TRUE(has_row(r.out, "pool bulk", "32", "(5 + 11 overflow) a loop × 2 loops × 1 instance")) << r.out;
    EXPECT_TRUE(has_row(r.out, "leader election", "1", "one session a process × 1 instance")) << r.out;
    EXPECT_TRUE(has_row(r.out, "shipd at most", "83")) << r.out;
    EXPECT_TRUE(has_row(r.out, "max_connections", max_connections)) << r.out;
    EXPECT_TRUE(has_row(r.out, "reserved for superusers", "-3", "superuser_reserved_connections")) << r.out;
    EXPECT_TRUE(contains(r.out, "\nok: shipd may open 83 of the ")) << r.out;
    EXPECT_TRUE(contains(r.out, "DATABASE_SERVER_SETTINGS sets jit=on")) << r.out;
    EXPECT_TRUE(contains(r.out, "\ndoctor: ok")) << r.out;

    // Instances multiply: 3 × 83 = 249 > 197 available.
    auto three = run_shipd({"doctor"}, {{"DATABASE_URL", database_url(db)}, {"SHIPD_THREADS", "2"}, {"SHIPD_INSTANCES", "3"}});
    EXPECT_EQ(three.code, 3) << three.out;
    EXPECT_TRUE(has_row(three.out, "shipd at most", "249")) << three.out;
}

TEST(DoctorE2E, EmbeddedDatabaseIsStartedForTheCheck) {
    TempDir data;
    auto r = run_shipd({"doctor"}, {{"SHIPD_DATA_DIR", (data.path() / "data").string()},
                                    {"SHIPD_EMBEDDED_PG_PORT", std::to_string(free_port())}});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "DATABASE_URL unset: the embedded PostgreSQL")) << r.out;
    EXPECT_TRUE(has_row(r.out, "max_connections", "200")) << r.out;
    EXPECT_TRUE(contains(r.out, "on this machine")) << r.out;
    EXPECT_FALSE(contains(r.out, "pg_stat_statements")) << r.out;  // the embedded one has it
}

TEST(DoctorE2E, PlanOverTheServerFailsAndNamesTheFix) {
    std::map<std::string, std::string> env = {{"DATABASE_URL", tiny().url()}, {"SHIPD_THREADS", "2"}};
    auto r = run_shipd({"doctor"}, env);
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_TRUE(has_row(r.out, "max_connections", "20")) << r.out;
    EXPECT_TRUE(contains(r.out, "FAIL: shipd may open 83 of the 17 connections available")) << r.out;
    EXPECT_TRUE(contains(r.out, "SHIPD_CAPACITY_POLICY=enforce")) << r.out;
    // 17 available, 20 % kept (4), the election's session (1) → 12 → 6 a loop: primary 5, bulk 1.
    const std::string fix = "DATABASE_POOL_SIZE=10 DATABASE_MAX_OVERFLOW=0 BULK_POOL_MAX_SIZE=2 BULK_POOL_MIN_SIZE=2";
    EXPECT_TRUE(contains(r.out, "fits with a 20 % margin: " + fix)) << r.out;
    EXPECT_TRUE(contains(r.out, "pg_stat_statements is not loaded")) << r.out;
    EXPECT_TRUE(contains(r.out, "\ndoctor: FAIL")) << r.out;

    // The printed fix is a fix.
    env["DATABASE_POOL_SIZE"] = "10";
    env["DATABASE_MAX_OVERFLOW"] = "0";
    env["BULK_POOL_MAX_SIZE"] = "2";
    env["BULK_POOL_MIN_SIZE"] = "2";
    auto fixed = run_shipd({"doctor"}, env);
    EXPECT_EQ(fixed.code, 0) << fixed.out;
    EXPECT_TRUE(contains(fixed.out, "\nok: shipd may open 13 of the 17")) << fixed.out;
}

TEST(DoctorE2E, ExitCodesForBadSettingsAndNoServer) {
    auto bad = run_shipd({"doctor"}, {{"DATABASE_URL", "postgresql://u@127.0.0.1:1/x"}, {"DATABASE_POOL_SIZE", "many"}});
    EXPECT_EQ(bad.code, 2) << bad.out << bad.err;
    EXPECT_TRUE(contains(bad.out, "DATABASE_POOL_SIZE")) << bad.out;
    auto down = run_shipd({"doctor"}, {{"DATABASE_URL", "postgresql://u:p@127.0.0.1:" + std::to_string(free_port()) + "/x"},
                                       {"DATABASE_CONNECT_TIMEOUT", "2"}});
    EXPECT_EQ(down.code, 4) << down.out << down.err;
    EXPECT_TRUE(contains(down.out, "cannot connect")) << down.out;
    EXPECT_TRUE(contains(down.out, "u:***@")) << down.out;  // never the password
}

TEST(CapacityPolicyE2E, EnforceShrinksThePoolsAtStartAndWarnOnlyWarns) {
    {
        ShipdServerOptions o;
        o.database_url = tiny().url();
        o.env = {{"SHIPD_CAPACITY_POLICY", "enforce"}, {"SHIPD_THREADS", "2"}};
        ShipdServer server(o);
        EXPECT_TRUE(contains(server.log(), "SHIPD_CAPACITY_POLICY=enforce shrank the pools")) << server.log();
        EXPECT_TRUE(contains(server.log(), "primary 25 → 5 a loop")) << server.log();
        auto health_response = Api(server).anonymous("GET", "/health");
        EXPECT_EQ(health_response.status, 200) << health_response.body;
        auto health = json_of(health_response);
        // Enforced to fit with the 20 % margin: /health reports the margin, and ok.
        EXPECT_EQ(str_at(health, "status"), "ok") << health_response.body;
        EXPECT_EQ(str_at(health, "capacity.verdict"), "ok") << health_response.body;
        ASSERT_NE(at(health, "capacity.planned"), nullptr) << health_response.body;
        EXPECT_EQ(at(health, "capacity.planned")->as_int64(), 13);  // 12 in the pools + the election
        EXPECT_EQ(at(health, "capacity.margin")->as_int64(),
                  at(health, "capacity.available")->as_int64() - 13);
        EXPECT_GE(at(health, "capacity.margin_percent")->to_number<double>(), 20.0);
        EXPECT_EQ(str_at(health, "pools.0.name"), "primary");
        ASSERT_NE(at(health, "pools.0.max"), nullptr);
        // /health sums the pools over the event loops: 5 and 1 a loop × 2 loops.
        EXPECT_EQ(at(health, "pools.0.max")->as_int64(), 10);
        EXPECT_EQ(at(health, "pools.1.max")->as_int64(), 2);

        Api admin(server.port(), server.create_key("ops-admin", true));
        auto connections = admin.get("/v1/admin/db/connections");
        ASSERT_EQ(connections.status, 200) << connections.body;
        auto c = json_of(connections);
        EXPECT_EQ(str_at(c, "capacity.verdict"), "ok") << connections.body;
        EXPECT_EQ(at(c, "capacity.planned")->as_int64(), 13);
        EXPECT_EQ(at(c, "capacity.max_connections")->as_int64(), 20);

        // This server does not load pg_stat_statements: a clear answer, not an error.
        auto slow = admin.get("/v1/admin/db/slow-queries");
        ASSERT_EQ(slow.status, 200) << slow.body;
        auto s = json_of(slow);
        EXPECT_FALSE(at(s, "available")->as_bool());
        EXPECT_TRUE(contains(str_at(s, "reason"), "not loaded")) << slow.body;
        EXPECT_TRUE(contains(str_at(s, "fix"), "shared_preload_libraries")) << slow.body;
        EXPECT_TRUE(at(s, "statements")->as_array().empty());
        EXPECT_EQ(server.stop(), 0);
    }
    ShipdServerOptions o;
    o.database_url = tiny().url();
    o.env = {{"SHIPD_THREADS", "2"}};
    ShipdServer server(o);
    EXPECT_TRUE(contains(server.log(), "capacity FAIL: shipd may open 83 of the")) << server.log();
    auto health_response = Api(server).anonymous("GET", "/health");
    // A plan over the server's connections: degraded (still 200: the server serves), with the
    // capacity object saying why.
    EXPECT_EQ(health_response.status, 200) << health_response.body;
    auto health = json_of(health_response);
    EXPECT_EQ(at(health, "pools.0.max")->as_int64(), 50);  // warn changes nothing: 25 a loop × 2 loops
    EXPECT_EQ(str_at(health, "status"), "degraded") << health_response.body;
    EXPECT_EQ(str_at(health, "capacity.verdict"), "exceeds") << health_response.body;
    ASSERT_NE(at(health, "capacity.planned"), nullptr) << health_response.body;
    EXPECT_EQ(at(health, "capacity.planned")->as_int64(), 83);
    EXPECT_LT(at(health, "capacity.margin")->as_int64(), 0);
    EXPECT_LT(at(health, "capacity.margin_percent")->to_number<double>(), 0.0);
}

// SHIPD_THREADS=0 gives a database on this machine half the cores: the harness's cluster is
// on 127.0.0.1 (a remote DATABASE_URL would get them all; pg_test covers which DSNs count).
TEST(LoopCountE2E, ADatabaseOnLoopbackGetsHalfTheCoresAndPipesFilledInTurn) {
    ShipdServer server;  // SHIPD_THREADS and SHIPD_PIPELINE_* unset: auto
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const std::string want = "on " + std::to_string(std::max(1, cores / 2)) + " event loop(s)";
    EXPECT_NE(server.log().find(want), std::string::npos) << want << "\n" << server.log();
    const std::string pipes = "single statements pipelined on 2 connection(s) of depth 64 a loop, "
                              "filled in turn (the next opens while one takes over 10 ms)";
    EXPECT_NE(server.log().find(pipes), std::string::npos) << pipes << "\n" << server.log();
}

TEST(LoopCountE2E, PipelineSettingsOverrideTheAutomaticShape) {
    ShipdServer server(ShipdServerOptions{{{"SHIPD_PIPELINE_CONNECTIONS", "3"}, {"SHIPD_PIPELINE_DEPTH", "auto"}}, {}});
    const std::string pipes = "single statements pipelined on 3 connection(s) of depth 64 a loop, filled in turn";
    EXPECT_NE(server.log().find(pipes), std::string::npos) << pipes << "\n" << server.log();
}

TEST(DbStatusE2E, ShowsAnIdleTransactionOnTheCliAndTheAdminRoute) {
    ShipdServer& server = default_server();
    IdleTransaction idle(database_url(server.database()));
    std::this_thread::sleep_for(200ms);  // an age above zero
    const std::string pid = std::to_string(idle.pid());

    std::string out;
    ASSERT_EQ(server.run_cli({"db", "status"}, &out), 0) << out;
    EXPECT_TRUE(contains(out, "idle in transaction: 1 session(s)")) << out;
    EXPECT_TRUE(contains(out, "pid " + pid + "  ops-e2e-idle  for ")) << out;
    EXPECT_TRUE(contains(out, "last statement: SELECT pg_backend_pid()")) << out;
    EXPECT_TRUE(contains(out, "\ncapacity ok: shipd may open")) << out;
    EXPECT_TRUE(contains(out, "state")) << out;

    std::string json_out;
    ASSERT_EQ(server.run_cli({"db", "status", "--json"}, &json_out), 0) << json_out;
    auto j = json_of(json_out);
    ASSERT_TRUE(j.is_object()) << json_out;
    const auto* sessions = at(j, "idle_in_transaction");
    ASSERT_TRUE(sessions && sessions->is_array()) << json_out;
    bool found = false;
    for (const auto& s : sessions->as_array()) {
        if (s.at("pid").as_int64() == idle.pid()) {
            found = true;
            EXPECT_EQ(s.at("application_name").as_string(), "ops-e2e-idle");
            EXPECT_GT(s.at("seconds").to_number<double>(), 0.1);
        }
    }
    EXPECT_TRUE(found) << json_out;
    EXPECT_EQ(str_at(j, "capacity.verdict"), "ok") << json_out;

    Api admin(server.port(), server.create_key("ops-admin", true));
    auto r = admin.get("/v1/admin/db/connections");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(contains(r.body, "\"pid\":" + pid + ",")) << r.body;
    EXPECT_TRUE(contains(r.body, "\"state\":\"idle in transaction\"")) << r.body;
    // The running server's own plan: one loop per core of this machine, its pools.
    auto c = json_of(r);
    EXPECT_GT(at(c, "capacity.planned")->as_int64(), 0);
    EXPECT_EQ(str_at(c, "capacity.pools.0.name"), "primary");
    EXPECT_EQ(Api(server).get("/v1/admin/db/connections").status, 403);
}

TEST(SlowQueriesE2E, TopStatementsOnceTheExtensionExists) {
    ShipdServer& server = default_server();
    Api admin(server.port(), server.create_key("ops-slow", true));
    // The harness's server loads the library; the test database lacks the extension.
    server.exec_sql("DROP EXTENSION IF EXISTS pg_stat_statements");
    auto missing = admin.get("/v1/admin/db/slow-queries");
    ASSERT_EQ(missing.status, 200) << missing.body << server.log();
    auto m = json_of(missing);
    EXPECT_FALSE(at(m, "available")->as_bool());
    EXPECT_TRUE(contains(str_at(m, "reason"), "not created in database " + server.database())) << missing.body;
    EXPECT_TRUE(contains(str_at(m, "fix"), "CREATE EXTENSION pg_stat_statements")) << missing.body;

    server.exec_sql("CREATE EXTENSION pg_stat_statements");
    for (int i = 0; i < 5; ++i) ASSERT_EQ(default_api().get("/v1/shipments?page_size=3").status, 200);
    auto r = admin.get("/v1/admin/db/slow-queries?limit=5");
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json_of(r);
    EXPECT_TRUE(at(j, "available")->as_bool()) << r.body;
    EXPECT_EQ(at(j, "limit")->as_int64(), 5);
    const auto& statements = at(j, "statements")->as_array();
    ASSERT_FALSE(statements.empty()) << r.body;
    EXPECT_LE(statements.size(), 5u);
    double previous = 1e300;
    for (const auto& s : statements) {
        EXPECT_FALSE(s.at("query").as_string().empty());
        EXPECT_GE(s.at("calls").as_int64(), 1);
        double mean = s.at("mean_ms").to_number<double>();
        EXPECT_LE(mean, previous);  // slowest first
        previous = mean;
        EXPECT_GE(s.at("total_ms").to_number<double>(), mean);
    }
    EXPECT_TRUE(contains(admin.get("/v1/admin/db/slow-queries?limit=100").body, "FROM shipments")) << "the API's statements are listed";

    for (const char* bad : {"limit=0", "limit=101", "limit=abc", "limit=5&limit=6"}) {
        auto e = admin.get(std::string("/v1/admin/db/slow-queries?") + bad);
        EXPECT_EQ(e.status, 400) << bad;
        auto ej = json_of(e);
        EXPECT_EQ(str_at(ej, "error.code"), "BAD_REQUEST") << e.body;
        EXPECT_EQ(str_at(ej, "error.errors.0.field"), "limit") << e.body;
    }
    EXPECT_EQ(default_api().get("/v1/admin/db/slow-queries").status, 403);
}

}  // namespace
}  // namespace shipd::testing
