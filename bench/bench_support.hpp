// What the benchmark programs share: a throwaway PostgreSQL of their own, and running a
// coroutine to completion.
#pragma once

#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <filesystem>
#include <memory>
#include <string>

#include "pgembed/local_postgres.hpp"

namespace shipd::bench {

/// A PostgreSQL 15 in a new directory under /tmp (fsync off), removed at destruction.
struct BenchPostgres {
    std::filesystem::path dir;
    std::unique_ptr<pgembed::LocalPostgres> pg;

    explicit BenchPostgres(const std::string& prefix) {
        std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
        dir = mkdtemp(tmpl.data());
        chmod(dir.c_str(), 0711);  // the server may run as the postgres user
        pgembed::LocalPostgresOptions o;
        o.data_dir = dir / "data";
        o.preferred_port = 0;
        o.durable = false;
        pg = std::make_unique<pgembed::LocalPostgres>(o);
        pg->start();
    }
    ~BenchPostgres() {
        pg.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

/// Runs `task` to completion (a pool's janitor keeps the io_context from running dry, so
/// io.run() would not return); rethrows what it threw.
inline void run(boost::asio::io_context& io, boost::asio::awaitable<void> task) {
    bool done = false;
    std::exception_ptr error;
    boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
        error = e;
        done = true;
    });
    while (!done) io.run_one();
    if (error) std::rethrow_exception(error);
}

}  // namespace shipd::bench
