// One-off database work from the CLI and at start-up: a small cluster on a private io_context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <exception>
#include <string>

#include "app/module_settings.hpp"
#include "config/settings.hpp"
#include "pg/cluster.hpp"

namespace shipd::app {

/// Runs `body(cluster)` on a fresh io_context with a one-connection cluster (startup mode fail:
/// an unreachable database throws pg::DatabaseUnavailable); returns what it returns, rethrows
/// what it throws.
template <class T, class Body>
T with_cluster(const config::Settings& settings, const std::string& url, Body body) {
    namespace asio = boost::asio;
    asio::io_context io;
    pg::Cluster cluster(io.get_executor(), command_cluster_settings(settings, url));
    // The cluster is closed on every path: its background tasks would keep io.run() going.
    auto task = [&]() -> asio::awaitable<T> {
        std::exception_ptr error;
        try {
            co_await cluster.start();
            T out = co_await body(cluster);
            cluster.close();
            co_return out;
        } catch (...) {
            error = std::current_exception();
        }
        cluster.close();
        std::rethrow_exception(error);
    };
    auto future = asio::co_spawn(io, task(), asio::use_future);
    io.run();
    return future.get();
}

}  // namespace shipd::app
