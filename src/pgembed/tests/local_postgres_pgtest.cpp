// LocalPostgres against the real PostgreSQL 15 binaries: start, stop, reuse, stale pid,
// an orphaned server of a killed owner, a second owner, a taken port, bad directories.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>

#include "pgembed/local_postgres.hpp"
#include "support/temp_dir.hpp"

namespace shipd::pgembed {
namespace {

using testing::TempDir;

LocalPostgresOptions options_for(const TempDir& dir) {
    LocalPostgresOptions o;
    o.data_dir = dir.path() / "data";
    o.preferred_port = 0;
    o.durable = false;
    return o;
}

std::string query(const LocalPostgres& pg, const std::string& sql) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(pg.conninfo().c_str()), &PQfinish);
    if (PQstatus(c.get()) != CONNECTION_OK) return std::string("connect failed: ") + PQerrorMessage(c.get());
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
    if (PQresultStatus(r.get()) == PGRES_TUPLES_OK && PQntuples(r.get()) > 0) return PQgetvalue(r.get(), 0, 0);
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) return "ok";
    return std::string("error: ") + PQresultErrorMessage(r.get());
}

TEST(LocalPostgres, StartsOnLoopbackWithItsDatabaseAndStops) {
    TempDir dir;
    LocalPostgres pg(options_for(dir));
    pg.start();
    EXPECT_TRUE(pg.created());
    EXPECT_EQ(query(pg, "SELECT current_database()"), "shipd");
    EXPECT_EQ(query(pg, "SHOW listen_addresses"), "127.0.0.1");
    EXPECT_EQ(query(pg, "SHOW shared_preload_libraries"), "pg_stat_statements");
    EXPECT_EQ(query(pg, "SHOW TimeZone"), "UTC");
    EXPECT_TRUE(std::filesystem::exists(pg.socket_dir() / (".s.PGSQL." + std::to_string(pg.port()))));
    EXPECT_EQ(pg.url().rfind("postgresql://shipd:", 0), 0u);
    // socket_url() reaches the same server through its Unix socket (no client address).
    ASSERT_TRUE(pg.has_socket());
    EXPECT_NE(pg.socket_url().find("@/shipd?host=/"), std::string::npos) << pg.socket_url();
    {
        std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(pg.socket_url().c_str()), &PQfinish);
        ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
        std::unique_ptr<PGresult, decltype(&PQclear)> r(
            PQexec(c.get(), "SELECT inet_client_addr() IS NULL, current_database()"), &PQclear);
        ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(r.get());
        EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "t");
        EXPECT_STREQ(PQgetvalue(r.get(), 0, 1), "shipd");
    }
    pg.stop();
    EXPECT_FALSE(port_in_use(pg.port()));
    EXPECT_FALSE(std::filesystem::exists(pg.pgdata() / "postmaster.pid"));
}

TEST(LocalPostgres, SocketUrlEncodesItsDirectoryAndFallsBackToTcpForALongPath) {
    TempDir dir;
    {
        LocalPostgresOptions o = options_for(dir);
        o.data_dir = dir.path() / "a dir & 100% #odd?=";
        LocalPostgres pg(o);
        pg.start();
        ASSERT_TRUE(pg.has_socket());
        EXPECT_NE(pg.socket_url().find("a%20dir%20%26%20100%25%20%23odd%3F%3D/run&port="), std::string::npos)
            << pg.socket_url();
        std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(pg.socket_url().c_str()), &PQfinish);
        EXPECT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
    }
    {
        LocalPostgresOptions o = options_for(dir);
        o.data_dir = dir.path() / std::string(120, 'd');  // its socket's path would not fit sun_path
        LocalPostgres pg(o);
        pg.start();
        EXPECT_FALSE(pg.has_socket());
        EXPECT_EQ(pg.socket_url(), pg.url());
        EXPECT_EQ(query(pg, "SELECT 1"), "1");
    }
}

TEST(LocalPostgres, SecondStartReusesTheData) {
    TempDir dir;
    {
        LocalPostgres pg(options_for(dir));
        pg.start();
        EXPECT_EQ(query(pg, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')"), "ok");
    }
    LocalPostgres again(options_for(dir));
    again.start();
    EXPECT_FALSE(again.created());
    EXPECT_EQ(query(again, "SELECT v FROM kept"), "still here");
}

TEST(LocalPostgres, StalePidFileIsRecoveredFrom) {
    TempDir dir;
    LocalPostgres pg(options_for(dir));
    pg.start();
    pg.stop();
    // A pid that has certainly exited: a child we started and reaped.
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    {
        std::ofstream f(pg.pgdata() / "postmaster.pid");
        f << dead << "\n" << pg.pgdata().string() << "\n1700000000\n" << pg.port() << "\n";
    }
    pg.start();
    EXPECT_EQ(query(pg, "SELECT 1"), "1");
}

TEST(LocalPostgres, ServerLeftByAKilledOwnerIsTakenOver) {
    TempDir dir;
    pid_t owner = fork();
    if (owner == 0) {
        // The owner starts its server, then dies without stopping it (as under SIGKILL).
        LocalPostgres pg(options_for(dir));
        try {
            pg.start();
        } catch (...) {
            _exit(1);
        }
        _exit(0);
    }
    int status = 0;
    waitpid(owner, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_TRUE(std::filesystem::exists(dir.path() / "data" / "pgdata" / "postmaster.pid"));

    LocalPostgres pg(options_for(dir));
    pg.start();
    EXPECT_FALSE(pg.created());
    EXPECT_EQ(query(pg, "SELECT 1"), "1");
}

TEST(LocalPostgres, SecondOwnerOfTheSameDirectoryGetsAClearError) {
    TempDir dir;
    LocalPostgres first(options_for(dir));
    first.start();
    LocalPostgres second(options_for(dir));
    try {
        second.start();
        FAIL() << "a second owner started";
    } catch (const LocalPostgresError& e) {
        EXPECT_NE(std::string(e.what()).find("in use by another shipd"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("SHIPD_DATA_DIR"), std::string::npos) << e.what();
    }
    EXPECT_EQ(query(first, "SELECT 1"), "1");
}

TEST(LocalPostgres, TakenPortMovesToAFreeOne) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(fd, 1), 0);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    int taken = ntohs(addr.sin_port);

    TempDir dir;
    auto o = options_for(dir);
    o.preferred_port = taken;
    LocalPostgres pg(o);
    pg.start();
    EXPECT_NE(pg.port(), taken);
    EXPECT_EQ(query(pg, "SELECT 1"), "1");
    close(fd);
}

TEST(LocalPostgres, DataDirectoryThatCannotBeCreatedIsNamed) {
    TempDir dir;
    std::ofstream(dir.path() / "a-file") << "x";
    LocalPostgresOptions o;
    o.data_dir = dir.path() / "a-file" / "data";
    LocalPostgres pg(o);
    try {
        pg.start();
        FAIL() << "started in an impossible directory";
    } catch (const LocalPostgresError& e) {
        EXPECT_NE(std::string(e.what()).find("not writable"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("a-file"), std::string::npos) << e.what();
    }
}

TEST(LocalPostgres, MissingBinariesAreNamedWithTheFix) {
    ::setenv("SHIPD_PG_BINDIR", "/nonexistent/bin", 1);
    try {
        find_bindir();
        FAIL() << "found binaries in /nonexistent";
    } catch (const LocalPostgresError& e) {
        EXPECT_NE(std::string(e.what()).find("SHIPD_PG_BINDIR"), std::string::npos) << e.what();
    }
    ::unsetenv("SHIPD_PG_BINDIR");
}

}  // namespace
}  // namespace shipd::pgembed
