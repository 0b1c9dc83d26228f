// pg driver benchmarks against a PostgreSQL of their own (pgembed, in a throwaway directory):
// pool acquire+release (1 and 64 coroutines), a point query through the driver vs plain
// synchronous libpq, 100 point lookups pipelined vs sequential.
#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>
#include <memory>

#include "pg/pool.hpp"
#include "bench_support.hpp"

namespace {

namespace asio = boost::asio;
namespace pg = shipd::pg;
using namespace std::chrono_literals;

constexpr int kRows = 10'000;
constexpr const char* kPointQuery = "SELECT id, name, created_at FROM items WHERE id = $1";

struct Server : shipd::bench::BenchPostgres {
    Server() : BenchPostgres("shipd-bench") {
        std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(pg->conninfo().c_str()), &PQfinish);
        PQclear(PQexec(c.get(),
                       "CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, name text, "
                       "created_at timestamptz DEFAULT now());"
                       "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 10000) g "
                       "ON CONFLICT DO NOTHING; ANALYZE items;"));
    }
};

Server& server() {
    static Server s;
    return s;
}

pg::ConnectionSettings connection_settings() {
    pg::ConnectionSettings s;
    s.dsn = server().pg->url();
    return s;
}

using shipd::bench::run;

std::shared_ptr<pg::Pool> make_pool(asio::io_context& io, std::size_t size,
                                    std::size_t pipeline_depth = pg::PoolSettings{}.pipeline_depth) {
    pg::PoolSettings ps;
    ps.name = "bench";
    ps.size = size;
    ps.min_size = size;
    ps.max_overflow = 0;
    ps.pipeline_connections = 1;  // one connection, like the other variants
    ps.pipeline_depth = pipeline_depth;
    auto pool = pg::Pool::create(io.get_executor(), connection_settings(), ps);
    run(io, pool->start());
    return pool;
}

void BM_PoolAcquireRelease(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io, 10);
    run(io, [&]() -> asio::awaitable<void> {
        for (auto _ : state) {
            auto lease = co_await pool->acquire("bench");
            benchmark::DoNotOptimize(lease);
        }
    }());
    pool->close();
}
BENCHMARK(BM_PoolAcquireRelease);

// 64 coroutines on a pool of 10: each acquires, yields to the loop while holding the lease,
// releases. One iteration = 64 acquire+release pairs, most of them through the waiter queue.
void BM_PoolAcquireRelease64(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io, 10);
    for (auto _ : state) {
        int done = 0;
        for (int i = 0; i < 64; ++i) {
            asio::co_spawn(io, [&]() -> asio::awaitable<void> {
                auto lease = co_await pool->acquire("bench");
                co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
                ++done;
            }, asio::detached);
        }
        while (done < 64) io.run_one();
    }
    state.SetItemsProcessed(state.iterations() * 64);
    pool->close();
}
BENCHMARK(BM_PoolAcquireRelease64);

void BM_PointQueryDriver(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io, 1);
    run(io, [&]() -> asio::awaitable<void> {
        auto lease = co_await pool->acquire("bench");
        int id = 0;
        for (auto _ : state) {
            auto r = co_await lease->execute(kPointQuery, id % kRows + 1);
            benchmark::DoNotOptimize(r.one()[1].as<std::string_view>());
            ++id;
        }
    }());
    pool->close();
}
BENCHMARK(BM_PointQueryDriver);

void BM_PointQueryDriverPooled(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io, 1);
    run(io, [&]() -> asio::awaitable<void> {
        int id = 0;
        for (auto _ : state) {
            auto r = co_await pool->execute(kPointQuery, id % kRows + 1);
            benchmark::DoNotOptimize(r.one()[1].as<std::string_view>());
            ++id;
        }
    }());
    pool->close();
}
BENCHMARK(BM_PointQueryDriverPooled);

void BM_PointQuerySyncLibpq(benchmark::State& state) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(server().pg->conninfo().c_str()),
                                                   &PQfinish);
    PQclear(PQprepare(c.get(), "q", kPointQuery, 1, nullptr));
    int id = 0;
    for (auto _ : state) {
        std::string v = std::to_string(id % kRows + 1);
        const char* values[] = {v.c_str()};
        PGresult* r = PQexecPrepared(c.get(), "q", 1, values, nullptr, nullptr, 0);
        if (PQntuples(r) != 1) state.SkipWithError("no row");
        benchmark::DoNotOptimize(PQgetvalue(r, 0, 1));
        PQclear(r);
        ++id;
    }
}
BENCHMARK(BM_PointQuerySyncLibpq);

void BM_Lookups100Sequential(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io, 1);
    run(io, [&]() -> asio::awaitable<void> {
        auto lease = co_await pool->acquire("bench");
        for (auto _ : state) {
            for (int i = 1; i <= 100; ++i) {
                auto r = co_await lease->execute(kPointQuery, i * 97 % kRows + 1);
                benchmark::DoNotOptimize(r.one()[1].as<std::string_view>());
            }
        }
    }());
    state.SetItemsProcessed(state.iterations() * 100);
    pool->close();
}
BENCHMARK(BM_Lookups100Sequential);

void BM_Lookups100Pipelined(benchmark::State& state, pg::PipelineSync sync) {
    asio::io_context io;
    auto pool = make_pool(io, 1);
    run(io, [&]() -> asio::awaitable<void> {
        auto lease = co_await pool->acquire("bench");
        for (auto _ : state) {
            std::vector<pg::Query> qs(100);
            for (int i = 1; i <= 100; ++i) {
                qs[i - 1].sql = kPointQuery;
                qs[i - 1].params = pg::Params(i * 97 % kRows + 1);
            }
            auto out = co_await lease->pipeline(std::move(qs), sync);
            for (auto& o : out) benchmark::DoNotOptimize(o.value().one()[1].as<std::string_view>());
        }
    }());
    state.SetItemsProcessed(state.iterations() * 100);
    pool->close();
}
// One Sync per lookup: each an independent request, errors isolated.
BENCHMARK_CAPTURE(BM_Lookups100Pipelined, sync_each, pg::PipelineSync::kEachQuery);
// One Sync for the batch: the 100 lookups are one logical request (batch-track).
BENCHMARK_CAPTURE(BM_Lookups100Pipelined, sync_once, pg::PipelineSync::kOnce);

// 100 concurrent coroutines, one lookup each, through Pool::execute: auto-pipelined on ONE
// shared connection (Connection::submit, one Sync per statement, depth 100). What a server
// handling 100 concurrent requests gets without batching them itself.
void BM_Lookups100AutoPipelined(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io, 1, 100);
    for (auto _ : state) {
        int done = 0;
        for (int i = 1; i <= 100; ++i) {
            asio::co_spawn(io, [&pool, &done, i]() -> asio::awaitable<void> {
                auto r = co_await pool->execute(kPointQuery, i * 97 % kRows + 1);
                benchmark::DoNotOptimize(r.one()[1].as<std::string_view>());
                ++done;
            }, asio::detached);
        }
        while (done < 100) io.run_one();
    }
    state.SetItemsProcessed(state.iterations() * 100);
    pool->close();
}
BENCHMARK(BM_Lookups100AutoPipelined);

}  // namespace

BENCHMARK_MAIN();
