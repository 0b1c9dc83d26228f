// Pool and Cluster against a live PostgreSQL: saturation, FIFO, cancelled and timed-out
// acquires, overload, killed idle connections, eviction, leaks, lifetime, idle overflow,
// transactions, and a stress run with random cancellation.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <list>
#include <random>
#include <set>

#include "pg/cluster.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg/tests/test_util.hpp"
#include "pg/transaction.hpp"

namespace shipd::pg {
namespace {

using namespace testing;
namespace asio = boost::asio;

class PoolTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = shipd::testing::fresh_database();
        connection_ = settings_for(db_);
        settings_.name = "test";
        settings_.min_size = 1;
        settings_.size = 10;
        settings_.max_overflow = 0;
        settings_.acquire_timeout = 2s;
        settings_.janitor_period = 50ms;
    }
    void TearDown() override {
        if (pool_) pool_->close();
    }
    Pool& make_pool() {
        pool_ = Pool::create(io_.get_executor(), connection_, settings_);
        run(io_, pool_->start());
        return *pool_;
    }
    // Runs the io_context for `d` (background work: janitor, rollbacks, opens).
    void pump(std::chrono::milliseconds d) { run(io_, sleep_for(d)); }
    // Runs the io_context until `done()` holds (checked every 10 ms), at most `limit`.
    template <class Pred>
    void pump_until(Pred done, std::chrono::milliseconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) pump(10ms);
    }
    void expect_settled(std::size_t max) {
        auto s = pool_->stats();
        EXPECT_EQ(s.in_use, 0u);
        EXPECT_EQ(s.waiting, 0u);
        EXPECT_EQ(s.opening, 0u);
        EXPECT_EQ(s.size, s.idle);
        EXPECT_LE(s.size, max);
    }

    asio::io_context io_;
    std::string db_;
    ConnectionSettings connection_;
    PoolSettings settings_;
    std::shared_ptr<Pool> pool_;
};

TEST_F(PoolTest, AcquireQueryRelease) {
    auto& pool = make_pool();
    EXPECT_EQ(run(io_, pool.execute("SELECT $1::int + 1", 41)).scalar<int>(), 42);
    auto s = pool.stats();
    EXPECT_EQ(s.size, 1u);
    EXPECT_EQ(s.idle, 1u);
    EXPECT_EQ(s.acquired_total, 1u);
    EXPECT_EQ(s.query_time.count(), 1u);
    EXPECT_EQ(run(io_, pool.execute("SHOW application_name")).scalar<std::string>(),
              "shipd/test");
}

TEST_F(PoolTest, SaturationTimesOutTheRightNumberAndSettles) {
    settings_.size = 10;
    settings_.min_size = 10;  // all open before the race, so a slow machine cannot skew it
    auto& pool = make_pool();
    int ok = 0, timed_out = 0, other = 0, finished = 0;
    auto holder = [&](std::chrono::milliseconds hold, std::chrono::milliseconds timeout)
        -> asio::awaitable<void> {
        try {
            auto lease = co_await pool.acquire("saturation", timeout);
            co_await lease->execute("SELECT 1");
            ++ok;
            co_await sleep_for(hold);
        } catch (const PoolTimeout&) {
            ++timed_out;
        } catch (...) {
            ++other;
        }
        ++finished;
    };
    // 10 hold their lease far past the others' deadline: exactly the other 40 time out.
    for (int i = 0; i < 10; ++i) asio::co_spawn(io_, holder(1500ms, 5s), asio::detached);
    pump_until([&] { return ok == 10; }, 20s);
    for (int i = 0; i < 40; ++i) asio::co_spawn(io_, holder(0ms, 200ms), asio::detached);
    pump_until([&] { return finished == 50; }, 20s);
    EXPECT_EQ(ok, 10);
    EXPECT_EQ(timed_out, 40);
    EXPECT_EQ(other, 0);
    EXPECT_EQ(pool.stats().timeouts, 40u);
    pump_until([&] { return pool_->stats().in_use == 0; }, 5s);
    expect_settled(10);
    EXPECT_EQ(pool.stats().size, 10u);
    // No slot lost: 50 waiters with room in their timeout are all served, FIFO.
    std::vector<int> order;
    auto fifo = [&](int i) -> asio::awaitable<void> {
        auto lease = co_await pool.acquire("fifo", 20s);
        order.push_back(i);
        co_await sleep_for(20ms);
    };
    for (int i = 0; i < 50; ++i) asio::co_spawn(io_, fifo(i), asio::detached);
    pump_until([&] { return order.size() == 50u && pool_->stats().in_use == 0; }, 20s);
    ASSERT_EQ(order.size(), 50u);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
    expect_settled(10);
}

TEST_F(PoolTest, OverloadFailsAtOnce) {
    settings_.size = 1;
    settings_.max_waiters = 2;
    auto& pool = make_pool();
    auto held = run(io_, pool.acquire("holder"));
    int timeouts = 0;
    auto waiter = [&]() -> asio::awaitable<void> {
        try {
            co_await pool.acquire("waiter", 300ms);
        } catch (const PoolTimeout&) {
            ++timeouts;
        }
    };
    asio::co_spawn(io_, waiter(), asio::detached);
    asio::co_spawn(io_, waiter(), asio::detached);
    io_.poll();
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(run(io_, pool.acquire("third", 5s)), PoolOverloaded);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 50ms);
    pump(400ms);
    EXPECT_EQ(timeouts, 2);
    EXPECT_EQ(pool.stats().overloaded, 1u);
    held.release();
    expect_settled(1);
}

TEST_F(PoolTest, CancelledOrTimedOutAcquireNeverLosesASlot) {
    settings_.size = 1;
    auto& pool = make_pool();
    for (int round = 0; round < 30; ++round) {
        auto held = run(io_, pool.acquire("holder"));
        asio::cancellation_signal signal;
        std::exception_ptr error;
        bool finished = false;
        asio::co_spawn(io_, pool.acquire("cancelled", 5s),
                       asio::bind_cancellation_slot(signal.slot(),
                                                    [&](std::exception_ptr e, Lease) {
                                                        error = e;
                                                        finished = true;
                                                    }));
        io_.poll();
        ASSERT_EQ(pool.stats().waiting, 1u);
        if (round % 3 == 0) {
            signal.emit(asio::cancellation_type::terminal);  // plain cancel
        } else if (round % 3 == 1) {
            held.release();  // hand-off and cancel in the same turn: the race
            signal.emit(asio::cancellation_type::terminal);
        } else {
            signal.emit(asio::cancellation_type::terminal);  // cancel, then hand-off
            held.release();
        }
        while (!finished) io_.run_one();
        // Handed over before the cancel arrived: the caller may get its lease (then drops it);
        // either way the slot comes back.
        if (round % 3 != 1) {
            EXPECT_TRUE(error) << "round " << round;
        }
        held.release();
        io_.poll();
        expect_settled(1);
        EXPECT_EQ(pool.stats().size, 1u);
    }
    // Timed out exactly when the holder lets go.
    for (int round = 0; round < 20; ++round) {
        auto held = std::make_shared<Lease>(run(io_, pool.acquire("holder")));
        asio::steady_timer t(io_, std::chrono::milliseconds(30));
        t.async_wait([held](boost::system::error_code) { held->release(); });
        try {
            run(io_, pool.acquire("racer", 30ms));
        } catch (const PoolTimeout&) {
        }
        pump(5ms);
        expect_settled(1);
    }
    EXPECT_EQ(run(io_, pool.execute("SELECT 1")).scalar<int>(), 1);
}

TEST_F(PoolTest, TerminatedIdleConnectionsAreReplaced) {
    settings_.min_size = 4;
    settings_.size = 4;
    settings_.validation_window = 20ms;
    auto& pool = make_pool();
    EXPECT_EQ(pool.stats().idle, 4u);
    auto killed = shipd::testing::sql(
        db_, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE application_name = 'shipd/test'");
    EXPECT_EQ(killed.size(), 4u);
    pump(50ms);
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(run(io_, pool.execute("SELECT $1::int", i)).scalar<int>(), i);
    }
    EXPECT_GE(pool.stats().evicted, 1u);
    EXPECT_FALSE(pool.stats().database_down);
}

TEST_F(PoolTest, EvictingSqlstatesCloseTheConnection) {
    auto& pool = make_pool();
    run(io_, pool.execute("CREATE TABLE w (v int)"));
    int pid = 0;
    try {
        auto lease = run(io_, pool.acquire("ro"));
        pid = lease->backend_pid();
        run(io_, lease->execute_script("SET default_transaction_read_only = on"));
        run(io_, lease->execute("INSERT INTO w VALUES (1)"));
        FAIL() << "insert succeeded";
    } catch (const ReadOnlyTransaction&) {
    }
    auto lease = run(io_, pool.acquire("after"));
    EXPECT_NE(lease->backend_pid(), pid);
    EXPECT_EQ(pool.stats().evicted, 1u);
}

TEST_F(PoolTest, LeaseHeldTooLongIsReportedWithItsLabel) {
    auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
    spdlog::default_logger()->sinks().push_back(sink);
    settings_.leak_threshold = 100ms;
    auto& pool = make_pool();
    {
        auto lease = run(io_, pool.acquire("GET /shipments/{id}"));
        pump(250ms);
        EXPECT_EQ(pool.stats().leaks_reported, 1u);
    }
    spdlog::default_logger()->sinks().pop_back();
    bool named = false;
    for (auto& line : sink->last_formatted()) {
        if (line.find("GET /shipments/{id}") != std::string::npos &&
            line.find("leak threshold") != std::string::npos) {
            named = true;
        }
    }
    EXPECT_TRUE(named);
}

TEST_F(PoolTest, LifetimeRotatesWithoutDroppingThePool) {
    settings_.min_size = 3;
    settings_.size = 3;
    settings_.max_overflow = 2;
    settings_.max_lifetime = 300ms;
    settings_.lifetime_jitter = 0.5;
    auto& pool = make_pool();
    std::set<int> pids;
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < 1200ms) {
        auto lease = run(io_, pool.acquire("rotate", 500ms));
        pids.insert(lease->backend_pid());
        lease.release();
        pump(10ms);
        EXPECT_GE(pool.stats().size, 1u);
    }
    EXPECT_GT(pids.size(), 3u);
    EXPECT_LE(pool.stats().size, 5u);
}

TEST_F(PoolTest, IdleOverflowConnectionsAreClosed) {
    settings_.size = 1;
    settings_.max_overflow = 3;
    settings_.overflow_idle_timeout = 100ms;
    auto& pool = make_pool();
    {
        std::vector<Lease> leases;
        for (int i = 0; i < 4; ++i) leases.push_back(run(io_, pool.acquire("burst")));
        EXPECT_EQ(pool.stats().size, 4u);
    }
    EXPECT_EQ(pool.stats().idle, 4u);
    pump(300ms);
    EXPECT_EQ(pool.stats().size, 1u);
}

TEST_F(PoolTest, TransactionRollsBackUnlessCommitted) {
    auto& pool = make_pool();
    run(io_, pool.execute("CREATE TABLE t (v int)"));
    run(io_, [&]() -> asio::awaitable<void> {
        auto tx = co_await pool.begin("dropped");
        co_await tx.execute("INSERT INTO t VALUES ($1)", 1);
    }());  // dropped without commit
    run(io_, [&]() -> asio::awaitable<void> {
        auto tx = co_await pool.begin("committed");
        co_await tx.execute("INSERT INTO t VALUES ($1)", 2);
        co_await tx.commit();
    }());
    pump(200ms);
    EXPECT_EQ(run(io_, pool.execute("SELECT string_agg(v::text, ',')::text FROM t"))
                  .scalar<std::string>(),
              "2");
    expect_settled(10);
    // A failed statement inside: commit reports the rollback.
    EXPECT_THROW(run(io_, [&]() -> asio::awaitable<void> {
                     auto tx = co_await pool.begin("failed");
                     try {
                         co_await tx.execute("SELECT 1/0");
                     } catch (const DataException&) {
                     }
                     co_await tx.commit();
                 }()),
                 ServerError);
    pump(200ms);
    expect_settled(10);
}

TEST_F(PoolTest, RetryHelperRetriesSerializationFailures) {
    auto& pool = make_pool();
    run(io_, pool.execute("CREATE TABLE r (v int)"));
    int attempts = 0;
    auto value = run(io_, with_transaction(pool, "retry", [&](Transaction& tx) -> asio::awaitable<int> {
        ++attempts;
        co_await tx.execute("INSERT INTO r VALUES ($1)", attempts);
        if (attempts < 3) throw SerializationFailure("conflict", "40001");
        co_return attempts;
    }, TransactionOptions{IsolationLevel::kSerializable}));
    EXPECT_EQ(value, 3);
    pump(20ms);
    EXPECT_EQ(run(io_, pool.execute("SELECT string_agg(v::text, ',')::text FROM r"))
                  .scalar<std::string>(),
              "3");
    int tries = 0;
    EXPECT_THROW(run(io_, with_transaction(pool, "always", [&](Transaction&) -> asio::awaitable<void> {
                     ++tries;
                     throw DeadlockDetected("deadlock", "40P01");
                     co_return;
                 })),
                 DeadlockDetected);
    EXPECT_EQ(tries, 3);
}

TEST_F(PoolTest, StressWithRandomCancellation) {
    settings_.size = 6;
    settings_.max_overflow = 2;
    settings_.acquire_timeout = 3s;
    auto& pool = make_pool();
    run(io_, pool.execute("CREATE TABLE s (worker int, n int)"));
    std::mt19937 rng(12345);
    std::list<asio::cancellation_signal> signals;
    std::list<asio::steady_timer> timers;
    int finished = 0, cancelled = 0, succeeded = 0, committed = 0, commits_sent = 0;
    constexpr int kWorkers = 120;
    constexpr int kIterations = 15;
    auto worker = [&](int id) -> asio::awaitable<void> {
        for (int i = 0; i < kIterations; ++i) {
            switch (i % 3) {
                case 0: {
                    co_await pool.execute("SELECT pg_sleep(0.001), $1::int", id);
                    break;
                }
                case 1: {
                    auto tx = co_await pool.begin("stress");
                    co_await tx.execute("INSERT INTO s VALUES ($1, $2)", id, i);
                    ++commits_sent;
                    co_await tx.commit();
                    ++committed;
                    break;
                }
                default: {
                    auto lease = co_await pool.acquire("stress");
                    std::vector<Query> qs(2);
                    qs[0].sql = "SELECT $1::int";
                    qs[0].params = Params(id);
                    qs[1].sql = "SELECT 1/0";
                    auto out = co_await lease->pipeline(std::move(qs));
                    if (out[0].value().scalar<int>() != id || out[1].ok()) {
                        throw std::logic_error("pipeline mixed up");
                    }
                }
            }
        }
        ++succeeded;
    };
    for (int id = 0; id < kWorkers; ++id) {
        auto& signal = signals.emplace_back();
        asio::co_spawn(io_, worker(id),
                       asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
                           ++finished;
                           if (e) {
                               try {
                                   std::rethrow_exception(e);
                               } catch (const boost::system::system_error&) {
                                   ++cancelled;
                               } catch (const std::exception& ex) {
                                   ADD_FAILURE() << ex.what();
                               }
                           }
                       }));
        if (id % 3 == 0) {  // a third of the workers are cancelled at a random moment
            auto& t = timers.emplace_back(io_, std::chrono::milliseconds(rng() % 400));
            t.async_wait([&signal](boost::system::error_code ec) {
                if (!ec) signal.emit(asio::cancellation_type::terminal);
            });
        }
    }
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (finished < kWorkers && std::chrono::steady_clock::now() < deadline) {
        io_.run_one_for(100ms);
    }
    ASSERT_EQ(finished, kWorkers);
    pump(100ms);  // background rollbacks and opens
    EXPECT_EQ(succeeded + cancelled, kWorkers);
    expect_settled(8);
    auto s = pool.stats();
    EXPECT_EQ(s.timeouts, 0u);
    // A worker cancelled while its COMMIT is in flight cannot know the outcome (the server may
    // have committed): every acknowledged commit is there, and at most the unknown ones more.
    int rows = run(io_, pool.execute("SELECT count(*)::int FROM s")).scalar<int>();
    EXPECT_GE(rows, committed);
    EXPECT_LE(rows, commits_sent);
    auto server_side = std::stoul(shipd::testing::sql_value(
        db_, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'shipd/test'"));
    EXPECT_EQ(server_side, pool.stats().size);
}

TEST(ClusterTest, PrimaryAndBulkPoolsWithHealth) {
    asio::io_context io;
    ClusterSettings settings;
    settings.connection = settings_for(shipd::testing::fresh_database());
    settings.connection.application_name = "shipd/i1";
    settings.bulk.min_size = 2;
    Cluster cluster(io.get_executor(), settings);
    run(io, cluster.start());
    EXPECT_EQ(&cluster.read(), &cluster.write());
    EXPECT_EQ(run(io, cluster.read().execute("SHOW application_name")).scalar<std::string>(),
              "shipd/i1/primary");
    EXPECT_EQ(run(io, cluster.bulk().execute("SHOW application_name")).scalar<std::string>(),
              "shipd/i1/bulk");
    auto h = cluster.health();
    EXPECT_TRUE(h.healthy);
    ASSERT_EQ(h.pools.size(), 2u);
    EXPECT_EQ(h.pools[1].name, "bulk");
    EXPECT_EQ(h.pools[1].size, 2u);
    EXPECT_EQ(h.pools[1].max, 32u);
    EXPECT_EQ(h.pools[0].max, 50u);
}

}  // namespace
}  // namespace shipd::pg
