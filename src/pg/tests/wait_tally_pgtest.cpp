// wait_tally with a real pool: a request's wait for a saturated pool is counted for it, and
// not for another coroutine interleaving on the same loop.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "pg/pool.hpp"
#include "pg/tests/test_util.hpp"
#include "pg/wait_tally.hpp"

namespace shipd::pg {
namespace {

using namespace testing;
namespace asio = boost::asio;

TEST(WaitTallyPool, TheWaitForASaturatedPoolCountsForTheRequestThatArmedIt) {
    asio::io_context io;
    PoolSettings settings;
    settings.name = "tally";
    settings.min_size = 1;
    settings.size = 1;
    settings.max_overflow = 0;
    auto pool = Pool::create(io.get_executor(), settings_for(shipd::testing::fresh_database()), settings);
    run(io, pool->start());

    std::chrono::microseconds request_wait{-1}, other_wait{-1};
    auto holder = [&]() -> asio::awaitable<void> {
        auto lease = co_await pool->acquire("holder");
        co_await sleep_for(150ms);
    };
    auto request = [&]() -> asio::awaitable<void> {
        auto tally = wait_tally::open();
        wait_tally::arm(tally);
        auto lease = co_await pool->acquire("request");  // waits for the holder
        co_await sleep_for(50ms);                         // holds: the other waits too
        lease.release();
        request_wait = wait_tally::close(tally);
    };
    auto other = [&]() -> asio::awaitable<void> {
        auto tally = wait_tally::open();  // never armed: its waits are not its own
        co_await sleep_for(20ms);
        auto lease = co_await pool->acquire("other");
        other_wait = wait_tally::close(tally);
    };
    asio::co_spawn(io, holder(), asio::detached);
    asio::co_spawn(io, request(), asio::detached);
    asio::co_spawn(io, other(), asio::detached);
    run(io, sleep_for(400ms));
    EXPECT_GE(request_wait, 120ms) << "the request waited for the holder's 150 ms";
    EXPECT_LT(request_wait, 190ms) << "and not for its own 50 ms hold";
    EXPECT_EQ(other_wait, std::chrono::microseconds(0));
    pool->close();
}

}  // namespace
}  // namespace shipd::pg
