// Test helpers: run a coroutine to completion on a fresh io_context within a time bound.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

#include "pg/settings.hpp"
#include "support/pg_harness.hpp"

namespace shipd::pg::testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// Runs `task` on `io` until it finishes; throws what it threw; fails the test (throws) when
/// it is not done within `limit`.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> task, std::chrono::milliseconds limit = 60s) {
    std::optional<T> value;
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
        done = true;
        error = e;
        if (!e) value.emplace(std::move(v));
    });
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_one_for(deadline - std::chrono::steady_clock::now());
    }
    if (!done) throw std::runtime_error("test coroutine did not finish in time");
    if (error) std::rethrow_exception(error);
    return std::move(*value);
}

inline void run(asio::io_context& io, asio::awaitable<void> task,
                std::chrono::milliseconds limit = 60s) {
    auto wrapped = [](asio::awaitable<void> t) -> asio::awaitable<int> {
        co_await std::move(t);
        co_return 0;
    };
    run<int>(io, wrapped(std::move(task)), limit);
}

inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::use_awaitable);
}

/// Connection settings for a fresh database of the harness's cluster.
inline ConnectionSettings settings_for(const std::string& database) {
    ConnectionSettings s;
    s.dsn = shipd::testing::database_url(database);
    s.connect_timeout = 5s;
    s.command_timeout = 10s;
    return s;
}

}  // namespace shipd::pg::testing
