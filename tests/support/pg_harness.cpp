// The test harness's PostgreSQL cluster and helpers.
#include "support/pg_harness.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace shipd::testing {

namespace {

struct Harness {
    TempDir dir{"shipd-pg"};
    std::unique_ptr<pgembed::LocalPostgres> server;

    Harness() {
        pgembed::LocalPostgresOptions o;
        o.data_dir = dir.path();
        o.preferred_port = 0;  // any free port: test binaries run in parallel
        o.durable = false;
        server = std::make_unique<pgembed::LocalPostgres>(o);
        server->start();
    }
    ~Harness() {
        server.reset();  // stop before the directory goes
    }
};

Harness& harness() {
    static Harness h;
    return h;
}

}  // namespace

pgembed::LocalPostgres& cluster() { return *harness().server; }

std::string database_url(const std::string& database) { return cluster().url(database); }

namespace {

std::vector<std::string> run_sql(PGconn* conn, const std::string& statement) {
    std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn, statement.c_str()), &PQclear);
    auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw std::runtime_error(PQresultErrorMessage(res.get()));
    }
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(res.get()); ++i) {
        out.emplace_back(PQgetisnull(res.get(), i, 0) ? "<null>" : PQgetvalue(res.get(), i, 0));
    }
    return out;
}

}  // namespace

std::vector<std::string> sql(const std::string& database, const std::string& statement) {
    Session session(database);
    return session.sql(statement);
}

Session::Session(const std::string& database_or_conninfo) {
    bool conninfo = database_or_conninfo.find('=') != std::string::npos ||
                    database_or_conninfo.find("://") != std::string::npos;
    PGconn* conn = PQconnectdb(conninfo ? database_or_conninfo.c_str() : cluster().conninfo(database_or_conninfo).c_str());
    conn_ = conn;
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string message = std::string("connect: ") + PQerrorMessage(conn);
        PQfinish(conn);
        conn_ = nullptr;
        throw std::runtime_error(message);
    }
}

Session::~Session() {
    if (conn_) PQfinish(static_cast<PGconn*>(conn_));
}

std::vector<std::string> Session::sql(const std::string& statement) {
    return run_sql(static_cast<PGconn*>(conn_), statement);
}

int Session::backend_pid() const { return PQbackendPID(static_cast<PGconn*>(conn_)); }

std::string sql_value(const std::string& database, const std::string& statement) {
    auto rows = sql(database, statement);
    if (rows.empty()) throw std::runtime_error("no row from: " + statement);
    return rows.front();
}

std::string fresh_database(const std::string& template_db) {
    static std::atomic<int> counter{0};
    static std::mutex mutex;  // CREATE DATABASE copies the template: one at a time
    std::lock_guard lock(mutex);
    std::string name = "t_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    sql("postgres", "CREATE DATABASE " + name + " TEMPLATE " + template_db);
    return name;
}

}  // namespace shipd::testing
