// Auto-pipelining (Pool::execute over Connection::submit) against a live PostgreSQL: many
// statements share few connections, results reach their own caller, an error or a timeout
// stays in its statement, cancelled callers leave the connection usable, a killed backend
// fails only what was in flight, a schema change under a cached statement is survived, the
// depth bound queues callers, and the pool settles afterwards.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <list>
#include <random>
#include <set>

#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg/tests/test_util.hpp"

namespace shipd::pg {
namespace {

using namespace testing;
namespace asio = boost::asio;

class PipelineTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = shipd::testing::fresh_database();
        connection_ = settings_for(db_);
        settings_.name = "pipe";
        settings_.min_size = 1;
        settings_.size = 10;
        settings_.max_overflow = 0;
        settings_.acquire_timeout = 5s;
        settings_.pipeline_connections = 2;
        settings_.pipeline_depth = 16;
    }
    void TearDown() override {
        if (pool_) pool_->close();
    }
    Pool& make_pool() {
        pool_ = Pool::create(io_.get_executor(), connection_, settings_);
        run(io_, pool_->start());
        return *pool_;
    }
    void pump_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_one_for(10ms);
        }
    }
    void expect_settled() {
        auto s = pool_->stats();
        EXPECT_EQ(s.in_use, 0u);
        EXPECT_EQ(s.waiting, 0u);
        EXPECT_EQ(s.pipelines, 0u);
        EXPECT_EQ(s.size, s.idle);
    }
    int server_connections() {
        return std::stoi(shipd::testing::sql_value(
            db_, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'shipd/pipe'"));
    }

    asio::io_context io_;
    std::string db_;
    ConnectionSettings connection_;
    PoolSettings settings_;
    std::shared_ptr<Pool> pool_;
};

TEST_F(PipelineTest, ManyStatementsShareFewConnectionsAndGetTheirOwnResults) {
    auto& pool = make_pool();
    constexpr int kCallers = 300;
    int ok = 0, wrong = 0;
    std::size_t most_pipes = 0, most_size = 0;
    auto caller = [&](int i) -> asio::awaitable<void> {
        auto r = co_await pool.execute("SELECT $1::int * 2, pg_sleep(0.001)", i);
        (r.scalar<int>() == i * 2 ? ok : wrong)++;
        most_pipes = std::max(most_pipes, pool.stats().pipelines);
        most_size = std::max(most_size, pool.stats().size);
    };
    for (int i = 0; i < kCallers; ++i) asio::co_spawn(io_, caller(i), asio::detached);
    pump_until([&] { return ok + wrong == kCallers; }, 30s);
    EXPECT_EQ(ok, kCallers);
    EXPECT_EQ(wrong, 0);
    // Two pipes carried all but the first (the pool's ten would each have held one at a
    // time); the first, alone when it started, ran on a connection of its own.
    EXPECT_EQ(most_pipes, 2u);
    EXPECT_LE(most_size, 3u);
    EXPECT_EQ(pool.stats().pipelined_total, static_cast<std::uint64_t>(kCallers - 1));
    EXPECT_LE(server_connections(), 3);
    expect_settled();
}

// pipeline_spill_after: the pipes fill in turn. Statements the backend keeps up with stay on
// one pipe (one busy backend); when they queue past the threshold, the second pipe opens.
TEST_F(PipelineTest, WithSpillAfterFastStatementsKeepToOnePipeAndSlowOnesOpenTheNext) {
    settings_.pipeline_depth = 64;
    settings_.pipeline_spill_after = 100ms;
    auto& pool = make_pool();
    std::size_t most_pipes = 0;
    int ok = 0;
    // 40 callers, 10 fast statements each, at most 40 in flight: under the depth, and each
    // answered far within 100 ms, so the first pipe takes them all (without the setting the
    // second opens as soon as the first has one in flight: the test above).
    auto fast = [&](int i) -> asio::awaitable<void> {
        for (int n = 0; n < 10; ++n) {
            auto r = co_await pool.execute("SELECT $1::int + 1", i);
            if (r.scalar<int>() == i + 1) ++ok;
            most_pipes = std::max(most_pipes, pool.stats().pipelines);
        }
    };
    for (int i = 0; i < 40; ++i) asio::co_spawn(io_, fast(i), asio::detached);
    pump_until([&] { return ok == 400; }, 30s);
    EXPECT_EQ(ok, 400);
    EXPECT_EQ(most_pipes, 1u);
    pump_until([&] { auto st = pool.stats(); return st.pipelines == 0 && st.size == st.idle; }, 5s);
    expect_settled();

    // 24 statements of 50 ms at once: on one pipe the later ones wait 50 ms a place, the
    // average passes 100 ms and the second pipe opens for those still to come.
    most_pipes = 0;
    int slow_ok = 0;
    auto slow = [&](int i) -> asio::awaitable<void> {
        auto r = co_await pool.execute("SELECT $1::int, pg_sleep(0.05)", i);
        if (r.scalar<int>() == i) ++slow_ok;
        most_pipes = std::max(most_pipes, pool.stats().pipelines);
    };
    auto waves = [&]() -> asio::awaitable<void> {
        // Two waves: the first teaches the pipe it is slow, the second finds it so.
        for (int i = 0; i < 12; ++i) asio::co_spawn(io_, slow(i), asio::detached);
        asio::steady_timer t(io_, 400ms);
        co_await t.async_wait(asio::use_awaitable);
        for (int i = 12; i < 24; ++i) asio::co_spawn(io_, slow(i), asio::detached);
    };
    asio::co_spawn(io_, waves(), asio::detached);
    pump_until([&] { return slow_ok == 24; }, 30s);
    EXPECT_EQ(slow_ok, 24);
    EXPECT_EQ(most_pipes, 2u);
    pump_until([&] { auto st = pool.stats(); return st.pipelines == 0 && st.size == st.idle; }, 5s);
    expect_settled();
}

TEST_F(PipelineTest, AnErrorOrATimeoutStaysInItsStatement) {
    connection_.command_timeout = 300ms;
    auto& pool = make_pool();
    run(io_, pool.execute("CREATE TABLE u (v int PRIMARY KEY)"));
    int ok = 0, division = 0, unique = 0, timeout = 0, other = 0;
    auto caller = [&](int i) -> asio::awaitable<void> {
        try {
            switch (i % 4) {
                case 0:
                    co_await pool.execute("SELECT 1 / $1::int", 0);
                    break;
                case 1:
                    co_await pool.execute("INSERT INTO u VALUES (1) ON CONFLICT DO NOTHING");
                    co_await pool.execute("INSERT INTO u VALUES (1)");
                    break;
                case 2:
                    if (i % 40 == 2) co_await pool.execute("SELECT pg_sleep(5)");
                    break;
                default:
                    break;
            }
            auto r = co_await pool.execute("SELECT $1::int", i);
            if (r.scalar<int>() == i) ++ok;
        } catch (const UniqueViolation&) {
            ++unique;
        } catch (const QueryCanceled&) {
            ++timeout;
        } catch (const Error& e) {
            (e.sqlstate() == "22012" ? division : other)++;
        }
    };
    for (int i = 0; i < 200; ++i) asio::co_spawn(io_, caller(i), asio::detached);
    pump_until([&] { return ok + division + unique + timeout + other == 200; }, 30s);
    EXPECT_EQ(division, 50);
    EXPECT_EQ(unique, 50);
    EXPECT_EQ(timeout, 5);
    EXPECT_EQ(ok, 95);
    EXPECT_EQ(other, 0);
    EXPECT_EQ(pool.stats().evicted, 0u);  // statement errors keep the connection
    expect_settled();
}

TEST_F(PipelineTest, CancelledCallersLeaveTheConnectionUsable) {
    auto& pool = make_pool();
    // A statement running first, never cancelled, so that every caller below finds the pool
    // busy and joins a pipe (a lone statement takes the plain path, where cancelling a
    // statement in flight costs its connection).
    bool first_done = false;
    auto first = [](Pool& p, bool& done) -> asio::awaitable<void> {
        co_await p.execute("SELECT pg_sleep(0.1)");
        done = true;
    };
    asio::co_spawn(io_, first(pool, first_done), asio::detached);
    io_.poll();
    std::list<asio::cancellation_signal> signals;
    int finished = 0, cancelled = 0, ok = 0;
    std::mt19937 rng(7);
    std::list<asio::steady_timer> timers;
    for (int i = 0; i < 120; ++i) {
        auto& signal = signals.emplace_back();
        // Arguments, not captures: the coroutine outlives this lambda object.
        auto task = [](Pool& p, int n) -> asio::awaitable<int> {
            auto r = co_await p.execute("SELECT $1::int, pg_sleep(0.002)", n);
            co_return r.scalar<int>();
        };
        asio::co_spawn(io_, task(pool, i),
                       asio::bind_cancellation_slot(signal.slot(), [&, i](std::exception_ptr e, int v) {
                           ++finished;
                           if (e) {
                               ++cancelled;
                           } else if (v == i) {
                               ++ok;
                           }
                       }));
        if (i % 2 == 0) {
            auto& t = timers.emplace_back(io_, std::chrono::milliseconds(rng() % 30));
            t.async_wait([&signal](boost::system::error_code ec) {
                if (!ec) signal.emit(asio::cancellation_type::terminal);
            });
        }
    }
    pump_until([&] { return finished == 120 && first_done; }, 30s);
    EXPECT_EQ(finished, 120);
    EXPECT_EQ(ok + cancelled, 120);
    EXPECT_GE(ok, 60);
    pump_until([&] { return pool.stats().pipelines == 0; }, 5s);
    EXPECT_EQ(pool.stats().evicted, 0u);  // nobody broke a connection by leaving
    EXPECT_EQ(run(io_, pool.execute("SELECT 5")).scalar<int>(), 5);
    expect_settled();
}

TEST_F(PipelineTest, AKilledBackendFailsOnlyWhatWasInFlight) {
    settings_.pipeline_connections = 1;
    auto& pool = make_pool();
    int lost = 0, ok = 0, other = 0;
    auto caller = [&]() -> asio::awaitable<void> {
        try {
            co_await pool.execute("SELECT pg_sleep(0.5)");
            ++ok;
        } catch (const ConnectionError&) {
            ++lost;
        } catch (...) {
            ++other;
        }
    };
    for (int i = 0; i < 5; ++i) asio::co_spawn(io_, caller(), asio::detached);
    pump_until([&] { return pool.stats().pipelines == 1; }, 5s);
    pump_until([] { return false; }, 100ms);
    shipd::testing::sql(db_, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE application_name = 'shipd/pipe' AND state = 'active'");
    pump_until([&] { return lost + ok + other == 5; }, 10s);
    EXPECT_EQ(lost, 5);
    EXPECT_EQ(other, 0);
    // The next statements get a fresh connection.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(run(io_, pool.execute("SELECT $1::int", i)).scalar<int>(), i);
    EXPECT_GE(pool.stats().evicted, 1u);
    expect_settled();
}

TEST_F(PipelineTest, SchemaChangeUnderACachedStatementIsSurvived) {
    settings_.pipeline_connections = 1;
    auto& pool = make_pool();
    run(io_, pool.execute("CREATE TABLE t (a int)"));
    run(io_, pool.execute("INSERT INTO t VALUES (1)"));
    // Keep the pipe (and its cached statement) alive across the ALTER: a slow statement in
    // flight holds the connection.
    bool slow_done = false;
    auto slow = [&]() -> asio::awaitable<void> {
        co_await pool.execute("SELECT pg_sleep(0.4)");
        slow_done = true;
    };
    EXPECT_EQ(run(io_, pool.execute("SELECT * FROM t")).size(), 1u);
    asio::co_spawn(io_, slow(), asio::detached);
    asio::co_spawn(io_, pool.execute("SELECT * FROM t"), asio::detached);  // cached on the pipe
    shipd::testing::sql(db_, "ALTER TABLE t ADD COLUMN b text DEFAULT 'x'");
    auto r = run(io_, pool.execute("SELECT * FROM t"));  // 0A000 on the pipe, retried once
    EXPECT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].size(), 2);
    pump_until([&] { return slow_done; }, 5s);
    expect_settled();
}

TEST_F(PipelineTest, TheDepthBoundQueuesCallersFifo) {
    settings_.pipeline_connections = 1;
    settings_.pipeline_depth = 2;
    auto& pool = make_pool();
    std::vector<int> order;
    std::size_t most_waiting = 0, most_in_use = 0;
    auto caller = [&](int i) -> asio::awaitable<void> {
        co_await pool.execute("SELECT pg_sleep(0.01)");
        order.push_back(i);
        most_waiting = std::max(most_waiting, pool.stats().waiting);
    };
    for (int i = 0; i < 20; ++i) asio::co_spawn(io_, caller(i), asio::detached);
    io_.poll();
    most_waiting = pool.stats().waiting;
    most_in_use = pool.stats().in_use;
    pump_until([&] { return order.size() == 20u; }, 20s);
    ASSERT_EQ(order.size(), 20u);
    // The first runs alone on the idle connection, the second opens the pipe, the rest queue.
    EXPECT_GE(most_waiting, 17u);
    EXPECT_LE(most_in_use, 2u);
    EXPECT_LE(server_connections(), 2);
    expect_settled();
}

// The shape of the HTTP benchmarks: 64 callers of short statements, then 64 callers whose
// results (~44 KB, like batch-track of 100 codes) overflow the socket buffers, on 2 pipes.
// Every statement is answered, each caller gets its own rows, and the pool settles.
TEST_F(PipelineTest, ShortThenLargeResultsOnTwoPipesAllAnswer) {
    settings_.janitor_period = 20ms;  // the stall check runs often, and must never have to act
    auto& pool = make_pool();
    constexpr int kCallers = 64, kRounds = 40;
    int short_ok = 0, large_ok = 0, wrong = 0, failed = 0;
    auto short_caller = [&](int i) -> asio::awaitable<void> {
        for (int k = 0; k < kRounds; ++k) {
            try {
                auto r = co_await pool.execute("SELECT $1::int", i * 1000 + k);
                (r.scalar<int>() == i * 1000 + k ? short_ok : wrong)++;
            } catch (const std::exception&) {
                ++failed;
            }
        }
    };
    auto large_caller = [&](int i) -> asio::awaitable<void> {
        for (int k = 0; k < kRounds; ++k) {
            try {
                auto r = co_await pool.execute(
                    "SELECT $1::int + g, repeat('x', 430) FROM generate_series(1, 100) g", i);
                (r.size() == 100u && r[99].get<int>(0) == i + 100 ? large_ok : wrong)++;
            } catch (const std::exception&) {
                ++failed;
            }
        }
    };
    for (int i = 0; i < kCallers; ++i) asio::co_spawn(io_, short_caller(i), asio::detached);
    pump_until([&] { return short_ok + wrong + failed == kCallers * kRounds; }, 60s);
    ASSERT_EQ(short_ok, kCallers * kRounds) << "wrong " << wrong << ", failed " << failed;
    for (int i = 0; i < kCallers; ++i) asio::co_spawn(io_, large_caller(i), asio::detached);
    pump_until([&] { return large_ok + wrong + failed == kCallers * kRounds; }, 60s);
    EXPECT_EQ(large_ok, kCallers * kRounds);
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(failed, 0);
    EXPECT_EQ(pool.stats().pipeline_stalls, 0u);
    pump_until([&] { return pool.stats().pipelines == 0; }, 5s);
    expect_settled();
}

// Statements whose parameters AND results are larger than the socket buffers, many in flight:
// the client must read while it still has text to send (the server stops reading while it
// cannot write), or both sides wait for each other forever.
TEST_F(PipelineTest, LargeParametersAndLargeResultsDoNotDeadlock) {
    settings_.janitor_period = 20ms;
    settings_.pipeline_connections = 1;
    settings_.pipeline_depth = 16;
    auto& pool = make_pool();
    constexpr int kCallers = 48;
    const std::string big(256 * 1024, 'p');
    int ok = 0, other = 0;
    auto caller = [&](int i) -> asio::awaitable<void> {
        try {
            auto r = co_await pool.execute("SELECT $1::int, length($2::text), repeat($2::text, 2)", i, big);
            if (r.scalar<int>() == i && r[0].get<int>(1) == static_cast<int>(big.size()) &&
                r[0].get<std::string>(2).size() == 2 * big.size()) {
                ++ok;
            } else {
                ++other;
            }
        } catch (const std::exception&) {
            ++other;
        }
    };
    for (int i = 0; i < kCallers; ++i) asio::co_spawn(io_, caller(i), asio::detached);
    pump_until([&] { return ok + other == kCallers; }, 60s);
    EXPECT_EQ(ok, kCallers);
    EXPECT_EQ(other, 0);
    EXPECT_EQ(pool.stats().pipeline_stalls, 0u);
    pump_until([&] { return pool.stats().pipelines == 0; }, 5s);
    expect_settled();
}

TEST_F(PipelineTest, ALoneStatementTakesThePlainPath) {
    auto& pool = make_pool();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(run(io_, pool.execute("SELECT $1::int", i)).scalar<int>(), i);
    EXPECT_EQ(pool.stats().pipelined_total, 0u);  // nothing overlapped: no pipeline mode
    // Two at once: the second finds the first running and joins a pipe.
    auto two = [&]() -> asio::awaitable<int> {
        co_await pool.execute("SELECT pg_sleep(0.05)");
        co_return 1;
    };
    int done = 0;
    for (int i = 0; i < 2; ++i) {
        asio::co_spawn(io_, two(), [&](std::exception_ptr e, int) { done += e ? 100 : 1; });
    }
    pump_until([&] { return done >= 2; }, 5s);
    EXPECT_EQ(done, 2);
    EXPECT_EQ(pool.stats().pipelined_total, 1u);
    pump_until([&] { return pool.stats().size == pool.stats().idle; }, 2s);  // a refill may be opening
    expect_settled();
}

// Statements that join a busy pipe are held in the kernel (TCP_CORK) until the loop has run
// its ready handlers, then go out together. The kernel releases a forgotten cork only after
// 200 ms: then every one of the 40 rounds below would take 200 ms or more; uncorked at the
// end of each tick they take milliseconds (a loaded machine may stretch a few).
TEST_F(PipelineTest, StatementsJoiningABusyPipeAreNotHeldBack) {
    settings_.pipeline_connections = 1;
    auto& pool = make_pool();
    auto caller = [&](int i) -> asio::awaitable<int> {
        auto r = co_await pool.execute("SELECT $1::int + 1", i);
        co_return r.scalar<int>();
    };
    int right = 0, wrong = 0, slow_rounds = 0;
    for (int round = 0; round < 40; ++round) {
        // The first runs alone, the second opens the pipe, the rest join it while it is busy.
        const auto start = std::chrono::steady_clock::now();
        int done = 0;
        for (int i = 0; i < 6; ++i) {
            asio::co_spawn(io_, caller(round * 10 + i), [&, i, round](std::exception_ptr e, int v) {
                ++done;
                (!e && v == round * 10 + i + 1 ? right : wrong)++;
            });
        }
        pump_until([&] { return done == 6; }, 5s);
        ASSERT_EQ(done, 6) << "round " << round;
        if (std::chrono::steady_clock::now() - start >= 190ms) ++slow_rounds;
    }
    EXPECT_EQ(right, 240);
    EXPECT_EQ(wrong, 0);
    EXPECT_GE(pool.stats().pipelined_total, 40u * 4);
    EXPECT_LT(slow_rounds, 20) << "statements on a busy pipe waited for the kernel's cork timer";
    pump_until([&] { return pool.stats().size == pool.stats().idle; }, 2s);
    expect_settled();
}

// Read-only statements of one loop tick on a busy pipe share one Sync: one implicit
// transaction (the same transaction_timestamp()), one write, one flush. Statements that
// may write never share one: each keeps its own transaction.
TEST_F(PipelineTest, ReadsOfOneTickShareATransactionAndWritesNever) {
    settings_.pipeline_connections = 1;
    auto& pool = make_pool();
    constexpr int kCallers = 20;
    const char* sql = "SELECT transaction_timestamp()::text, $1::int";
    auto round = [&](bool read) {
        std::set<std::string> transactions;
        int right = 0, failed = 0;
        auto caller = [&](int i) -> asio::awaitable<void> {
            Result r;  // (no co_await inside ?: : GCC 12 miscompiles it)
            if (read) {
                r = co_await pool.read(sql, i);
            } else {
                r = co_await pool.execute(sql, i);
            }
            transactions.insert(r[0].get<std::string>(0));
            if (r[0].get<int>(1) == i) ++right;
        };
        for (int i = 0; i < kCallers; ++i) {
            asio::co_spawn(io_, caller(i), [&](std::exception_ptr e) { failed += e ? 1 : 0; });
        }
        pump_until([&] { return right + failed == kCallers; }, 10s);
        EXPECT_EQ(right, kCallers);
        EXPECT_EQ(failed, 0);
        return transactions.size();
    };
    // The first runs alone, the second opens the pipe; the others, woken a pipe's depth at a
    // time, share a few Syncs.
    EXPECT_LE(round(true), static_cast<std::size_t>(kCallers / 2));
    pump_until([&] { return pool.stats().pipelines == 0; }, 2s);
    EXPECT_EQ(round(false), static_cast<std::size_t>(kCallers));
    pump_until([&] { return pool.stats().size == pool.stats().idle; }, 2s);
    expect_settled();
}

// A read of a group that fails makes the server skip the rest of the group: they are sent
// again, alone, and their callers get their rows; only the failing one sees its error. The
// connection and its statement cache stay good (a skipped prepare is forgotten).
TEST_F(PipelineTest, AFailingReadInAGroupFailsOnlyItself) {
    settings_.pipeline_connections = 1;
    auto& pool = make_pool();
    // Ten rounds: the error may reach the client before or after the group's Sync leaves
    // (libpq sends what it holds whenever it reads), both orders must hold.
    for (int round = 0; round < 10; ++round) {
        constexpr int kCallers = 12;
        int right = 0, division_by_zero = 0, other = 0;
        auto caller = [&](int i) -> asio::awaitable<void> {
            // The sixth divides by zero; the text differs per round so its prepare is in the group.
            std::string sql = "SELECT 60 / $1::int, " + std::to_string(round);
            try {
                auto r = co_await pool.read(sql, i == 5 ? 0 : i + 1);
                if (r.scalar<int>() == 60 / (i + 1)) ++right;
                else ++other;
            } catch (const Error& e) {
                (e.sqlstate() == "22012" && i == 5 ? division_by_zero : other)++;
                if (e.sqlstate() != "22012") ADD_FAILURE() << "caller " << i << ": " << e.what();
            } catch (...) {
                ++other;
            }
        };
        for (int i = 0; i < kCallers; ++i) asio::co_spawn(io_, caller(i), asio::detached);
        pump_until([&] { return right + division_by_zero + other == kCallers; }, 10s);
        EXPECT_EQ(right, kCallers - 1) << "round " << round;
        EXPECT_EQ(division_by_zero, 1) << "round " << round;
        EXPECT_EQ(other, 0) << "round " << round;
    }
    EXPECT_EQ(run(io_, pool.read("SELECT 60 / $1::int, 0", 2)).scalar<int>(), 30);
    pump_until([&] { return pool.stats().size == pool.stats().idle; }, 2s);
    expect_settled();
}

TEST_F(PipelineTest, OffMeansAConnectionPerStatement) {
    settings_.pipeline_connections = 0;
    auto& pool = make_pool();
    int ok = 0;
    std::size_t most_size = 0;
    auto caller = [&](int i) -> asio::awaitable<void> {
        auto r = co_await pool.execute("SELECT $1::int, pg_sleep(0.02)", i);
        if (r.scalar<int>() == i) ++ok;
        most_size = std::max(most_size, pool.stats().size);
    };
    for (int i = 0; i < 10; ++i) asio::co_spawn(io_, caller(i), asio::detached);
    pump_until([&] { return ok == 10; }, 20s);
    EXPECT_EQ(ok, 10);
    EXPECT_GT(most_size, 2u);
    EXPECT_EQ(pool.stats().pipelined_total, 0u);
}

}  // namespace
}  // namespace shipd::pg
