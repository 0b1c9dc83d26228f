// Connection against a live PostgreSQL: set-up, types round-trip, errors by SQLSTATE,
// pipelines, COPY, statement cache (schema change, LRU, size 0), timeouts, redaction.
#include <gtest/gtest.h>

#include "pg/connection.hpp"
#include "pg/dsn.hpp"
#include "pg/errors.hpp"
#include "pg/tests/test_util.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace shipd::pg {
namespace {

using namespace testing;
namespace asio = boost::asio;

class ConnectionTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = shipd::testing::fresh_database();
        settings_ = settings_for(db_);
    }
    std::unique_ptr<Connection> connect(const ConnectionSettings& s) {
        return run(io_, Connection::connect(io_.get_executor(), s, "shipd/test/conn"));
    }
    std::unique_ptr<Connection> connect() { return connect(settings_); }

    asio::io_context io_;
    std::string db_;
    ConnectionSettings settings_;
};

TEST_F(ConnectionTest, SessionIsSetUpFromSettings) {
    settings_.server_settings = "jit=off, timezone=America/New_York";
    settings_.command_timeout = 1234ms;
    auto c = connect();
    EXPECT_EQ(run(io_, c->execute("SHOW jit")).scalar<std::string>(), "off");
    EXPECT_EQ(run(io_, c->execute("SHOW timezone")).scalar<std::string>(), "America/New_York");
    EXPECT_EQ(run(io_, c->execute("SHOW statement_timeout")).scalar<std::string>(), "1234ms");
    EXPECT_EQ(run(io_, c->execute("SHOW application_name")).scalar<std::string>(),
              "shipd/test/conn");
    EXPECT_GT(c->backend_pid(), 0);
}

// A database (or role, or server) with another DateStyle and TimeZone: every session is
// ISO/UTC all the same, and a timezone named in the server settings still wins.
TEST_F(ConnectionTest, DateStyleIsIsoAndTimeZoneUtcWhateverTheDatabaseSets) {
    shipd::testing::sql("postgres", "ALTER DATABASE \"" + db_ + "\" SET DateStyle = 'SQL, DMY'");
    shipd::testing::sql("postgres", "ALTER DATABASE \"" + db_ + "\" SET TimeZone = 'Asia/Kolkata'");
    settings_.server_settings = "";
    settings_.command_timeout = 0ms;  // nothing else in the set-up script
    auto c = connect();
    EXPECT_EQ(run(io_, c->execute("SHOW DateStyle")).scalar<std::string>(), "ISO, YMD");
    EXPECT_EQ(run(io_, c->execute("SHOW TimeZone")).scalar<std::string>(), "UTC");
    EXPECT_EQ(run(io_, c->execute("SELECT timestamptz '2026-11-28 09:03:13.5+00'::text")).scalar<std::string>(),
              "2026-11-28 09:03:13.5+00");
    settings_.server_settings = "TimeZone=America/New_York";
    auto d = connect();
    EXPECT_EQ(run(io_, d->execute("SHOW DateStyle")).scalar<std::string>(), "ISO, YMD");
    EXPECT_EQ(run(io_, d->execute("SHOW TimeZone")).scalar<std::string>(), "America/New_York");
    // The driver's own timestamptz decode reads both.
    EXPECT_EQ(run(io_, d->execute("SELECT timestamptz '2026-11-28 09:03:13.5+00'")).scalar<Timestamp>(),
              run(io_, c->execute("SELECT timestamptz '2026-11-28 09:03:13.5+00'")).scalar<Timestamp>());
}

TEST_F(ConnectionTest, AcceptsTheSeedsAsyncpgUrl) {
    auto url = settings_.dsn;
    settings_.dsn = "postgresql+asyncpg://" + url.substr(url.find("://") + 3);
    auto c = connect();
    EXPECT_EQ(run(io_, c->execute("SELECT 1")).scalar<int>(), 1);
}

TEST_F(ConnectionTest, TypesRoundTrip) {
    auto c = connect();
    Timestamp ts = std::chrono::sys_days{std::chrono::year{2024} / 2 / 29} + 13h + 14min +
                   15s + std::chrono::microseconds{123456};
    std::vector<std::string> tags = {"a", "b c", "quote\"d", "back\\slash", "", "NULL"};
    std::optional<std::string> null_text;
    auto r = run(io_, c->execute(
                          "SELECT $1::text, $2::int, $3::bigint, $4::numeric, $5::bool, $6::uuid, "
                          "$7::timestamptz, $8::jsonb, $9::text[], $10::text, $11::double precision, "
                          "$12::bool",
                          std::string("héllo ✓"), 42, std::int64_t{9'000'000'000}, "12345.6789",
                          true, "0191c1a0-0000-7000-8000-000000000001", ts,
                          R"({"a": [1, 2]})", tags, null_text, 2.5, false));
    auto row = r.one();
    EXPECT_EQ(row[0].as<std::string>(), "héllo ✓");
    EXPECT_EQ(row[1].as<int>(), 42);
    EXPECT_EQ(row[2].as<std::int64_t>(), 9'000'000'000);
    EXPECT_EQ(row[3].as<std::string>(), "12345.6789");
    EXPECT_TRUE(row[4].as<bool>());
    EXPECT_EQ(row[5].as<std::string>(), "0191c1a0-0000-7000-8000-000000000001");
    EXPECT_EQ(row[6].as<Timestamp>(), ts);
    EXPECT_EQ(row[7].as<std::string>(), R"({"a": [1, 2]})");
    EXPECT_EQ(row[8].as<std::vector<std::string>>(), tags);
    EXPECT_EQ(row[9].as<std::optional<std::string>>(), std::nullopt);
    EXPECT_THROW(row[9].as<std::string>(), ResultError);
    EXPECT_DOUBLE_EQ(row[10].as<double>(), 2.5);
    EXPECT_FALSE(row[11].as<bool>());
    auto [text, number] = row.as<std::string, int>();
    EXPECT_EQ(number, 42);
    EXPECT_EQ(text, "héllo ✓");
    EXPECT_THROW(row[0].as<int>(), ResultError);
    EXPECT_THROW(row["nope"], ResultError);
    // The messages name the column (looked up only once a decode has failed).
    auto message = [](auto&& read) -> std::string {
        try {
            read();
        } catch (const ResultError& e) {
            return e.what();
        }
        return "<no error>";
    };
    EXPECT_EQ(message([&] { row[9].as<std::string>(); }), "column 'text' is NULL: read it as std::optional<T>");
    EXPECT_EQ(message([&] { row[2].as<bool>(); }), "column 'int8': '9000000000' is not a bool");
    EXPECT_EQ(message([&] { row[0].as<int>(); }), "column 'text': 'héllo ✓' is not a number");
}

TEST_F(ConnectionTest, NoRowIsAnOptionalNotAnError) {
    auto c = connect();
    auto r = run(io_, c->execute("SELECT 1 WHERE false"));
    EXPECT_FALSE(r.maybe_one().has_value());
    EXPECT_TRUE(r.empty());
    EXPECT_THROW(r.one(), ResultError);
}

TEST_F(ConnectionTest, ErrorsMapToTheirSqlstate) {
    auto c = connect();
    run(io_, c->execute_script("CREATE TABLE u (id int CONSTRAINT u_id_key UNIQUE)"));
    run(io_, c->execute("INSERT INTO u VALUES ($1)", 1));
    try {
        run(io_, c->execute("INSERT INTO u VALUES ($1)", 1));
        FAIL() << "no exception";
    } catch (const UniqueViolation& e) {
        EXPECT_EQ(e.constraint(), "u_id_key");
        EXPECT_EQ(e.sqlstate(), "23505");
    }
    EXPECT_THROW(run(io_, c->execute("SELECT * FROM missing_table")), SyntaxOrAccessError);
    EXPECT_THROW(run(io_, c->execute("SELECT 1/0")), DataException);
    EXPECT_FALSE(c->broken());
    EXPECT_EQ(run(io_, c->execute("SELECT 2")).scalar<int>(), 2);
}

TEST_F(ConnectionTest, StatementTimeoutIsItsOwnError) {
    settings_.command_timeout = 200ms;
    auto c = connect();
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(run(io_, c->execute("SELECT pg_sleep(5)")), StatementTimeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_FALSE(c->broken());
    EXPECT_EQ(run(io_, c->execute("SELECT 1")).scalar<int>(), 1);
}

TEST_F(ConnectionTest, ClientDeadlineAbandonsASilentServer) {
    // The server's own timeout switched off, a short client grace: the client must give up on
    // its own, as it must when a network partition silences the server.
    settings_.command_timeout = 100ms;
    settings_.deadline_grace = 200ms;
    auto c = connect();
    run(io_, c->execute_script("SET statement_timeout = 0"));
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(run(io_, c->execute("SELECT pg_sleep(5)")), ConnectionError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_TRUE(c->broken());
}

TEST_F(ConnectionTest, PipelineKeepsOrderAndIsolatesErrors) {
    auto c = connect();
    run(io_, c->execute_script("CREATE TABLE p (id int PRIMARY KEY)"));
    std::vector<Query> qs;
    qs.push_back({"SELECT $1::int", Params(1)});
    qs.push_back({"INSERT INTO p VALUES ($1)", Params(7)});
    qs.push_back({"INSERT INTO p VALUES ($1)", Params(7)});  // duplicate: fails alone
    qs.push_back({"SELECT * FROM no_such_table", Params()});  // fails at prepare
    qs.push_back({"SELECT count(*)::int FROM p", Params()});
    qs.push_back({"SELECT $1::int", Params(6)});
    auto out = run(io_, c->pipeline(qs));
    ASSERT_EQ(out.size(), 6u);
    EXPECT_EQ(out[0].value().scalar<int>(), 1);
    EXPECT_EQ(out[1].value().rows_affected(), 1u);
    EXPECT_THROW(out[2].value(), UniqueViolation);
    EXPECT_THROW(out[3].value(), SyntaxOrAccessError);
    EXPECT_EQ(out[4].value().scalar<int>(), 1);  // the insert of request 1 stayed committed
    EXPECT_EQ(out[5].value().scalar<int>(), 6);
    EXPECT_FALSE(c->broken());
    // Again, now from the statement cache.
    auto again = run(io_, c->pipeline(qs));
    EXPECT_EQ(again[0].value().scalar<int>(), 1);
    EXPECT_THROW(again[1].value(), UniqueViolation);
    EXPECT_EQ(again[5].value().scalar<int>(), 6);
}

TEST_F(ConnectionTest, PipelineWithOneSyncIsOneRequest) {
    auto c = connect();
    std::vector<Query> qs;
    for (int i = 0; i < 5; ++i) qs.push_back({"SELECT $1::int", Params(i)});
    auto out = run(io_, c->pipeline(qs, PipelineSync::kOnce));
    for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i].value().scalar<int>(), i);
    qs[2] = {"SELECT 1/0", Params()};
    out = run(io_, c->pipeline(qs, PipelineSync::kOnce));
    EXPECT_EQ(out[1].value().scalar<int>(), 1);
    EXPECT_THROW(out[2].value(), DataException);
    EXPECT_THROW(out[3].value(), PipelineAborted);
    EXPECT_THROW(out[4].value(), PipelineAborted);
    qs[2] = {"SELECT * FROM nothing_here", Params()};  // fails at prepare
    out = run(io_, c->pipeline(qs, PipelineSync::kOnce));
    EXPECT_THROW(out[2].value(), SyntaxOrAccessError);
    EXPECT_FALSE(c->broken());
    EXPECT_EQ(run(io_, c->execute("SELECT $1::int", 3)).scalar<int>(), 3);
    // No statement leaked on the server: it holds exactly what the cache knows.
    int on_server =
        run(io_, c->execute("SELECT count(*)::int FROM pg_prepared_statements")).scalar<int>();
    EXPECT_EQ(on_server, static_cast<int>(c->cached_statements()));
}

TEST_F(ConnectionTest, PipelineWithoutStatementCache) {
    settings_.statement_cache_size = 0;
    auto c = connect();
    std::vector<Query> qs;
    for (int i = 0; i < 100; ++i) qs.push_back({"SELECT $1::int * 2", Params(i)});
    qs[50] = {"SELECT 1/0", Params()};
    auto out = run(io_, c->pipeline(qs));
    for (int i = 0; i < 100; ++i) {
        if (i == 50) {
            EXPECT_FALSE(out[i].ok());
        } else {
            EXPECT_EQ(out[i].value().scalar<int>(), i * 2);
        }
    }
    EXPECT_EQ(c->cached_statements(), 0u);
}

TEST_F(ConnectionTest, CopyInLoadsRows) {
    auto c = connect();
    run(io_, c->execute_script("CREATE TABLE c (id int, name text)"));
    std::string data;
    for (int i = 0; i < 10000; ++i) {
        append_copy_row(data, Params(i, i % 10 == 0 ? std::optional<std::string>{}
                                                    : std::optional<std::string>("n\t" + std::to_string(i))));
    }
    EXPECT_EQ(run(io_, c->copy_in("COPY c (id, name) FROM STDIN", data)), 10000u);
    EXPECT_EQ(run(io_, c->execute("SELECT count(*)::int FROM c WHERE name IS NULL")).scalar<int>(),
              1000);
    EXPECT_EQ(run(io_, c->execute("SELECT name FROM c WHERE id = 7")).scalar<std::string>(), "n\t7");
    EXPECT_THROW(run(io_, c->copy_in("COPY nope FROM STDIN", data)), SyntaxOrAccessError);
    EXPECT_EQ(run(io_, c->execute("SELECT 1")).scalar<int>(), 1);
}

TEST_F(ConnectionTest, SchemaChangeUnderACachedStatementIsSurvived) {
    auto c = connect();
    run(io_, c->execute_script("CREATE TABLE s (a int); INSERT INTO s VALUES (1)"));
    EXPECT_EQ(run(io_, c->execute("SELECT * FROM s")).columns(), 1);
    shipd::testing::sql(db_, "ALTER TABLE s ADD COLUMN b text DEFAULT 'x'");
    auto r = run(io_, c->execute("SELECT * FROM s"));  // 0A000 cached plan → re-prepared
    EXPECT_EQ(r.columns(), 2);
    EXPECT_EQ(r.one()["b"].as<std::string>(), "x");
    // The server forgetting every statement (DISCARD ALL, a PgBouncer server switch): 26000.
    run(io_, c->execute_script("DEALLOCATE ALL"));
    EXPECT_EQ(run(io_, c->execute("SELECT * FROM s")).columns(), 2);
    // And in a pipeline.
    run(io_, c->execute_script("DEALLOCATE ALL"));
    auto out = run(io_, c->pipeline({{"SELECT * FROM s", Params()}}));
    EXPECT_EQ(out[0].value().columns(), 2);
}

TEST_F(ConnectionTest, StatementCacheIsBoundedLru) {
    settings_.statement_cache_size = 3;
    auto c = connect();
    for (int i = 0; i < 10; ++i) {
        run(io_, c->execute("SELECT " + std::to_string(i)));
    }
    EXPECT_EQ(c->cached_statements(), 3u);
    run(io_, c->execute("SELECT 100"));
    // Evicted statements are deallocated on the server too.
    EXPECT_LE(run(io_, c->execute("SELECT count(*)::int FROM pg_prepared_statements")).scalar<int>(),
              4);
}

TEST_F(ConnectionTest, CacheSizeZeroUsesUnnamedStatements) {
    settings_.statement_cache_size = 0;
    auto c = connect();
    EXPECT_EQ(run(io_, c->execute("SELECT $1::int + 1", 1)).scalar<int>(), 2);
    EXPECT_EQ(run(io_, c->execute("SELECT count(*)::int FROM pg_prepared_statements")).scalar<int>(),
              0);
}

TEST_F(ConnectionTest, TerminatedBackendBreaksTheConnection) {
    auto c = connect();
    shipd::testing::sql(db_, "SELECT pg_terminate_backend(" + std::to_string(c->backend_pid()) + ")");
    EXPECT_THROW(run(io_, c->execute("SELECT 1")), ConnectionError);
    EXPECT_TRUE(c->broken());
    EXPECT_THROW(run(io_, c->execute("SELECT 1")), ConnectionError);
}

TEST_F(ConnectionTest, PasswordNeverInErrors) {
    auto url = settings_.dsn;
    auto password = dsn_password(url);
    ASSERT_FALSE(password.empty());
    // Wrong database: the server answers with an error that names the connection target.
    auto s = settings_;
    s.dsn = url.substr(0, url.rfind('/')) + "/no_such_db_" + password;
    try {
        connect(s);
        FAIL() << "connected";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
    }
    // Nothing listening.
    s.dsn = "postgresql://shipd:" + password + "@127.0.0.1:1/x";
    try {
        connect(s);
        FAIL() << "connected";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
    }
    // Malformed URL.
    s.dsn = "postgresql://shipd:" + password + "@127.0.0.1:notaport/x";
    try {
        connect(s);
        FAIL() << "connected";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
    }
    // A query error that echoes the password back.
    auto c = connect();
    try {
        run(io_, c->execute("SELECT $1::int", password));
        FAIL() << "no error";
    } catch (const DataException& e) {
        EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
    }
}

TEST_F(ConnectionTest, ConnectTimeoutHolds) {
    // A listener that accepts TCP but never speaks: the connect deadline must fire.
    asio::ip::tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
    auto port = acceptor.local_endpoint().port();
    asio::ip::tcp::socket peer(io_);
    acceptor.async_accept(peer, [](boost::system::error_code) {});
    auto s = settings_;
    s.dsn = "postgresql://shipd:pw@127.0.0.1:" + std::to_string(port) + "/x";
    s.connect_timeout = 300ms;
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(connect(s), ConnectionError);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
}

}  // namespace
}  // namespace shipd::pg
