// The database going away and coming back, on a second PostgreSQL of this test's own (so the
// shared one keeps running): fail fast while down, heal without restarting anything, startup
// modes. The password never appears in what the pool reports.
#include <gtest/gtest.h>
#include <unistd.h>

#include "pg/cluster.hpp"
#include "pg/dsn.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg/tests/test_util.hpp"
#include "pgembed/local_postgres.hpp"
#include "support/temp_dir.hpp"

namespace shipd::pg {
namespace {

using namespace testing;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// A port free now, tried first again at restart so the pool's DSN stays valid.
int free_port() {
    for (int p = 42000 + (getpid() % 5000);; ++p) {
        if (!pgembed::port_in_use(p) && !pgembed::port_in_use(p + 1)) return p;
    }
}

class OutageTest : public ::testing::Test {
protected:
    void SetUp() override {
        pgembed::LocalPostgresOptions o;
        o.data_dir = dir_.path() / "data";
        o.preferred_port = free_port();
        o.durable = false;
        server_ = std::make_unique<pgembed::LocalPostgres>(o);
        server_->start();
        connection_.dsn = server_->url();
        connection_.connect_timeout = 1s;
        connection_.command_timeout = 5s;
        settings_.name = "outage";
        settings_.min_size = 2;
        settings_.size = 4;
        settings_.max_overflow = 0;
        settings_.acquire_timeout = 1s;
        settings_.validation_window = 0ms;
        settings_.janitor_period = 50ms;
        settings_.reconnect_backoff_max = 200ms;
    }

    shipd::testing::TempDir dir_{"shipd-pg-outage"};
    std::unique_ptr<pgembed::LocalPostgres> server_;
    asio::io_context io_;
    ConnectionSettings connection_;
    PoolSettings settings_;
};

TEST_F(OutageTest, FailsFastWhileDownAndHealsWhenBack) {
    auto pool = Pool::create(io_.get_executor(), connection_, settings_);
    run(io_, pool->start());
    EXPECT_EQ(run(io_, pool->execute("SELECT 1")).scalar<int>(), 1);
    int port = server_->port();
    server_->stop();

    // The first request finds out, within the acquire timeout.
    auto start = Clock::now();
    EXPECT_THROW(run(io_, pool->execute("SELECT 1")), Error);
    EXPECT_LT(Clock::now() - start, settings_.acquire_timeout + 200ms);
    // From then on, fail fast: no waiting out the timeout per request.
    for (int i = 0; i < 20; ++i) {
        auto t = Clock::now();
        try {
            run(io_, pool->execute("SELECT 1"));
            FAIL() << "query succeeded while the database is down";
        } catch (const DatabaseUnavailable& e) {
            EXPECT_EQ(std::string(e.what()).find(dsn_password(connection_.dsn)), std::string::npos);
        } catch (const Error&) {
            // a just-validated idle connection may fail once more with its own error
        }
        EXPECT_LT(Clock::now() - t, 100ms);
    }
    auto s = pool->stats();
    EXPECT_TRUE(s.database_down);
    EXPECT_FALSE(pool->healthy());
    EXPECT_GE(s.unavailable, 10u);
    EXPECT_EQ(s.last_error.find(dsn_password(connection_.dsn)), std::string::npos);
    run(io_, sleep_for(300ms));  // several reconnect attempts, all refused
    EXPECT_GE(pool->stats().connect_errors, 2u);
    EXPECT_EQ(pool->stats().in_use, 0u);

    // Back on the same port: the pool heals by itself.
    server_->start();
    ASSERT_EQ(server_->port(), port);
    auto back = Clock::now();
    bool healed = false;
    while (!healed && Clock::now() - back < 5s) {
        try {
            healed = run(io_, pool->execute("SELECT 1")).scalar<int>() == 1;
        } catch (const Error&) {
            run(io_, sleep_for(20ms));
        }
    }
    EXPECT_TRUE(healed);
    EXPECT_LT(Clock::now() - back, 1s);  // backoff capped at 200 ms here
    EXPECT_TRUE(pool->healthy());
    run(io_, sleep_for(150ms));  // the janitor refills to min_size
    EXPECT_GE(pool->stats().size, 2u);
    pool->close();
}

TEST_F(OutageTest, WaitersFailWhenTheDatabaseGoesAway) {
    settings_.size = 1;
    settings_.min_size = 1;
    auto pool = Pool::create(io_.get_executor(), connection_, settings_);
    run(io_, pool->start());
    // Hold the only connection, queue a waiter, kill the server, let the holder go broken.
    auto lease = run(io_, pool->acquire("holder"));
    std::exception_ptr waiter_error;
    bool done = false;
    asio::co_spawn(io_, pool->acquire("waiter", 5s), [&](std::exception_ptr e, Lease) {
        waiter_error = e;
        done = true;
    });
    io_.poll();
    server_->stop();
    auto start = Clock::now();
    EXPECT_THROW(run(io_, lease->execute("SELECT 1")), ConnectionError);
    lease.release();  // broken: closed, a replacement is tried for the waiter and refused
    while (!done && Clock::now() - start < 3s) io_.run_one_for(50ms);
    ASSERT_TRUE(done);
    EXPECT_TRUE(waiter_error);
    EXPECT_LT(Clock::now() - start, 1500ms);  // not the waiter's 5 s
    EXPECT_EQ(pool->stats().in_use, 0u);
    EXPECT_EQ(pool->stats().waiting, 0u);
    pool->close();
}

TEST_F(OutageTest, StartupModes) {
    server_->stop();
    ClusterSettings cs;
    cs.connection = connection_;
    cs.primary = settings_;
    cs.bulk.min_size = 1;
    cs.startup_mode = StartupMode::kFail;
    {
        Cluster cluster(io_.get_executor(), cs);
        try {
            run(io_, cluster.start());
            FAIL() << "started without a database";
        } catch (const DatabaseUnavailable& e) {
            std::string what = e.what();
            EXPECT_NE(what.find("cannot connect"), std::string::npos) << what;
            EXPECT_EQ(what.find(dsn_password(connection_.dsn)), std::string::npos) << what;
        }
    }
    cs.startup_mode = StartupMode::kDegrade;
    Cluster cluster(io_.get_executor(), cs);
    run(io_, cluster.start());  // starts anyway
    EXPECT_FALSE(cluster.health().healthy);
    EXPECT_THROW(run(io_, cluster.write().execute("SELECT 1")), DatabaseUnavailable);
    server_->start();
    auto start = Clock::now();
    while (!cluster.health().healthy && Clock::now() - start < 5s) run(io_, sleep_for(20ms));
    EXPECT_TRUE(cluster.health().healthy);
    EXPECT_EQ(run(io_, cluster.write().execute("SELECT 1")).scalar<int>(), 1);
    EXPECT_EQ(run(io_, cluster.bulk().execute("SELECT 2")).scalar<int>(), 2);
}

}  // namespace
}  // namespace shipd::pg
