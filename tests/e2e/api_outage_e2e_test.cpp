// 503s of the API, never a hang: DATABASE_UNAVAILABLE with Retry-After while a dedicated
// PostgreSQL under shipd is stopped (and healing once it is back), POOL_TIMEOUT when the only
// connection is held, OVERLOADED past SHIPD_MAX_CONNECTIONS; and 500 INTERNAL, with nothing
// of the database's error in the body, when a statement fails (a table renamed under shipd).
#include <gtest/gtest.h>

#include <libpq-fe.h>

#include <boost/json.hpp>

#include <future>
#include <thread>

#include "pgembed/local_postgres.hpp"
#include "support/pg_harness.hpp"
#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

bool is_503_with_retry_after(const HttpResponse& r, const std::string& code) {
    return r.status == 503 && str_at(json_of(r), "error.code") == code && !r.header("retry-after").empty();
}

TEST(ApiOutage, DatabaseDownAnswers503DatabaseUnavailableWithinThePoolTimeoutAndHeals) {
    TempDir pg_dir;
    pgembed::LocalPostgresOptions o;
    o.data_dir = pg_dir.path() / "pg";
    o.preferred_port = free_port();  // the same port again after the restart
    o.durable = false;
    pgembed::LocalPostgres pg(o);
    pg.start();
    ShipdServer server(ShipdServerOptions{{{"DATABASE_POOL_TIMEOUT", "2"}}, pg.url()});
    Api api(server);
    auto created = api.post("/v1/shipments", shipment_body(unique("outage")));
    ASSERT_EQ(created.status, 201) << created.body;
    std::string id = str_at(json_of(created), "id");

    pg.stop();
    // Every answer comes within the pool timeout (2 s) plus slack; soon they are 503
    // DATABASE_UNAVAILABLE with Retry-After.
    auto deadline = std::chrono::steady_clock::now() + 20s;
    HttpResponse last;
    bool seen = false;
    while (!seen && std::chrono::steady_clock::now() < deadline) {
        auto t0 = std::chrono::steady_clock::now();
        last = api.get("/v1/shipments/" + id);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "a request hung while the database was down";
        ASSERT_NE(last.status, 0) << last.body;
        EXPECT_TRUE(last.status == 503 || last.status == 200) << last.body;
        seen = is_503_with_retry_after(last, "DATABASE_UNAVAILABLE");
        if (!seen) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(seen) << last.status << " " << last.body;
    // Writes too, and nothing leaks in the body.
    auto t0 = std::chrono::steady_clock::now();
    auto write = api.post("/v1/shipments", shipment_body(unique("outage-write")));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    EXPECT_TRUE(is_503_with_retry_after(write, "DATABASE_UNAVAILABLE")) << write.status << " " << write.body;
    EXPECT_EQ(write.body.find("127.0.0.1"), std::string::npos) << write.body;
    auto list = api.get("/v1/shipments");
    EXPECT_TRUE(is_503_with_retry_after(list, "DATABASE_UNAVAILABLE")) << list.status << " " << list.body;
    EXPECT_EQ(api.anonymous("GET", "/health/live").status, 200);

    pg.start();
    ASSERT_EQ(pg.port(), o.preferred_port);
    deadline = std::chrono::steady_clock::now() + 30s;
    HttpResponse healed;
    while (std::chrono::steady_clock::now() < deadline) {
        healed = api.get("/v1/shipments/" + id);
        if (healed.status == 200) break;
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(healed.status, 200) << healed.body;
    EXPECT_EQ(server.stop(), 0) << server.log();
}

// No test hook in shipd: the store's statement fails for real (42P01, the table renamed by
// psql under the running server), the error mapping answers API.md's shape.
TEST(ApiOutage, AFailingStatementIs500InternalWithNothingOfTheErrorInTheBody) {
    ShipdServer server;
    Api api(server);
    auto created = api.post("/v1/shipments", shipment_body(unique("internal")));
    ASSERT_EQ(created.status, 201) << created.body;
    std::string id = str_at(json_of(created), "id");
    ASSERT_EQ(api.get("/v1/shipments/" + id).status, 200);

    server.exec_sql("ALTER TABLE shipments RENAME TO shipments_renamed_by_test");
    auto failed = api.get("/v1/shipments/" + id);
    server.exec_sql("ALTER TABLE shipments_renamed_by_test RENAME TO shipments");

    EXPECT_EQ(failed.status, 500) << failed.body;
    EXPECT_TRUE(failed.header("content-type").starts_with("application/json")) << failed.header("content-type");
    auto body = json_of(failed);
    ASSERT_TRUE(body.is_object()) << failed.body;
    EXPECT_EQ(body.as_object().size(), 2u) << failed.body;  // error and request_id, nothing else
    const auto& error = body.at("error").as_object();
    EXPECT_EQ(error.size(), 2u) << failed.body;  // code and message
    EXPECT_EQ(str_at(body, "error.code"), "INTERNAL");
    EXPECT_EQ(str_at(body, "error.message"), "internal error; the request id ties it to the log");
    std::string request_id = str_at(body, "request_id");
    EXPECT_FALSE(request_id.empty());
    EXPECT_EQ(request_id, failed.header("x-request-id"));
    // Nothing of the database's error, the SQL or the code leaks.
    for (const char* internal : {"shipments_renamed", "relation", "does not exist", "42P01", "SELECT", "FROM",
                                 "shipments", ".cpp", ".hpp", "/src/", "/work/", "pg::", "ResultError", "ServerError"}) {
        EXPECT_EQ(failed.body.find(internal), std::string::npos) << internal << " in " << failed.body;
    }
    // The log has it, under the request id.
    std::string log = server.log();
    auto line = log.find(request_id);
    ASSERT_NE(line, std::string::npos) << log;
    EXPECT_NE(log.find("does not exist", line), std::string::npos) << log.substr(line);

    // Nothing else broke: the same request succeeds once the table is back.
    auto again = api.get("/v1/shipments/" + id);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(ApiOutage, HeldConnectionGives503PoolTimeoutAndTooManyConnectionsGive503Overloaded) {
    ShipdServer server(ShipdServerOptions{{{"SHIPD_THREADS", "1"},
                                           {"DATABASE_POOL_SIZE", "1"},
                                           {"DATABASE_MAX_OVERFLOW", "0"},
                                           {"DATABASE_POOL_TIMEOUT", "1"},
                                           {"SHIPD_MAX_CONNECTIONS", "4"}},
                                          {}});
    Api api(server);
    auto created = api.post("/v1/shipments", shipment_body(unique("pool")));
    ASSERT_EQ(created.status, 201) << created.body;
    std::string id = str_at(json_of(created), "id");

    // Another session locks the table: the next read holds shipd's only connection while it waits.
    std::unique_ptr<PGconn, decltype(&PQfinish)> locker(PQconnectdb(cluster().conninfo(server.database()).c_str()), &PQfinish);
    ASSERT_EQ(PQstatus(locker.get()), CONNECTION_OK);
    PQclear(PQexec(locker.get(), "BEGIN; LOCK TABLE shipments IN ACCESS EXCLUSIVE MODE"));
    auto blocked = std::async(std::launch::async, [&] { return api.get("/v1/shipments/" + id); });
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline &&
           sql_value(server.database(), "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") == "0") {
        std::this_thread::sleep_for(20ms);
    }
    auto t0 = std::chrono::steady_clock::now();
    auto timed_out = api.get("/v1/shipments/" + id);
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_TRUE(is_503_with_retry_after(timed_out, "POOL_TIMEOUT")) << timed_out.status << " " << timed_out.body;
    EXPECT_GE(took, 900ms);
    EXPECT_LT(took, 5s);

    // Past SHIPD_MAX_CONNECTIONS (4: the blocked request and three idle ones), a new
    // connection is told 503 OVERLOADED and closed.
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<RawConnection>(server.port()));
    std::this_thread::sleep_for(100ms);  // let the server accept them before the next one
    RawConnection extra(server.port());
    extra.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    auto overloaded = extra.read_response(5s);
    ASSERT_TRUE(overloaded);
    EXPECT_TRUE(is_503_with_retry_after(*overloaded, "OVERLOADED")) << overloaded->status << " " << overloaded->body;
    idle.clear();

    PQclear(PQexec(locker.get(), "COMMIT"));
    ASSERT_EQ(blocked.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(blocked.get().status, 200);
    EXPECT_EQ(api.get("/v1/shipments/" + id).status, 200);
}

}  // namespace
}  // namespace shipd::testing
