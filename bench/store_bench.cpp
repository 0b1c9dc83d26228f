// store benchmarks against a PostgreSQL of their own (pgembed, throwaway, migrated to head):
// insert_shipments_batch (1000 a batch), get_shipment, batch_track of 100 codes, and the
// rates jsonb decode alone.
#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <memory>

#include "migrate/migrator.hpp"
#include "pg/pool.hpp"
#include "bench_support.hpp"
#include "store/detail/codec.hpp"
#include "store/events_store.hpp"
#include "store/import_store.hpp"
#include "store/shipments_store.hpp"

namespace {

namespace asio = boost::asio;
namespace pg = shipd::pg;
namespace store = shipd::store;
namespace domain = shipd::domain;

struct Server : shipd::bench::BenchPostgres {
    Server() : BenchPostgres("shipd-store-bench") { shipd::migrate::Migrator(pg->url()).up(); }
};

Server& server() {
    static Server s;
    return s;
}

using shipd::bench::run;

std::shared_ptr<pg::Pool> make_pool(asio::io_context& io) {
    pg::ConnectionSettings cs;
    cs.dsn = server().pg->url();
    pg::PoolSettings ps;
    ps.name = "bench";
    ps.size = 1;
    ps.max_overflow = 0;
    auto pool = pg::Pool::create(io.get_executor(), cs, ps);
    run(io, pool->start());
    return pool;
}

domain::Shipment sample(int i) {
    domain::Shipment s;
    s.reference = "ref-" + std::to_string(i);
    for (auto* a : {&s.from_address, &s.to_address}) {
        a->name = "Jane Doe";
        a->street1 = "417 Montgomery St";
        a->city = "San Francisco";
        a->state = "CA";
        a->zip = "94104";
        a->country = "US";
        a->phone = "415-555-0100";
    }
    domain::Parcel p;
    p.length = 10;
    p.width = 8;
    p.height = 4;
    p.weight = 15.4;
    s.parcel = p;
    for (int r = 0; r < 9; ++r) {
        domain::Rate rate;
        rate.id = "rate_" + std::to_string(r);
        rate.carrier = r < 3 ? "USPS" : r < 6 ? "UPS" : "FedEx";
        rate.service = "Service" + std::to_string(r);
        rate.rate = "12.34";
        rate.delivery_days = r + 1;
        rate.est_delivery_date = "2026-12-01";
        s.rates.push_back(rate);
    }
    return s;
}

// Items: shipments stored (4 rows each: 2 addresses, 1 parcel, the shipment). Read the wall
// time (Time): items_per_second is per client CPU second, and the server does the work.
void BM_InsertShipmentsBatch(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io);
    std::vector<domain::Shipment> batch;
    for (int i = 0; i < state.range(0); ++i) batch.push_back(sample(i));
    run(io, [&]() -> asio::awaitable<void> {
        for (auto _ : state) benchmark::DoNotOptimize(co_await store::insert_shipments_batch(*pool, batch));
    }());
    state.SetItemsProcessed(state.iterations() * state.range(0));
    pool->close();
}
BENCHMARK(BM_InsertShipmentsBatch)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_GetShipment(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io);
    std::vector<domain::Shipment> one;
    one.push_back(sample(0));
    run(io, [&]() -> asio::awaitable<void> {
        auto ids = co_await store::insert_shipments_batch(*pool, one);
        for (auto _ : state) benchmark::DoNotOptimize(co_await store::get_shipment(*pool, ids[0]));
    }());
    pool->close();
}
BENCHMARK(BM_GetShipment);

void BM_BatchTrack100(benchmark::State& state) {
    asio::io_context io;
    auto pool = make_pool(io);
    std::vector<std::string> codes;
    for (int i = 0; i < 100; ++i) codes.push_back("BENCH" + std::to_string(i * 7));
    std::vector<domain::Shipment> batch;
    for (int i = 0; i < 1000; ++i) {
        batch.push_back(sample(i));
        batch.back().tracking_code = "BENCH" + std::to_string(i);
    }
    run(io, [&]() -> asio::awaitable<void> {
        co_await store::insert_shipments_batch(*pool, batch);
        co_await pool->execute("ANALYZE");
        for (auto _ : state) benchmark::DoNotOptimize(co_await store::batch_track(*pool, codes));
    }());
    pool->close();
}
BENCHMARK(BM_BatchTrack100);

void BM_DecodeNineRates(benchmark::State& state) {
    auto json = store::detail::rates_to_json(sample(0).rates);
    for (auto _ : state) benchmark::DoNotOptimize(store::detail::rates_from_json(json));
}
BENCHMARK(BM_DecodeNineRates);

}  // namespace

BENCHMARK_MAIN();
