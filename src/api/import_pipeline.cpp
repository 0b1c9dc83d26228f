// Importer: NDJSON to shipments in batches, written while the next ones are parsed.
#include "api/import_pipeline.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "domain/parse.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "store/import_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;

namespace {

// Stores lines [first, first + count) of `batch`; when the database refuses them (a line
// only it can judge, e.g. a duplicate easypost_id), splits the range in halves until the
// refused lines are alone: k bad lines in n cost about 2k log2(n) statements, and every
// good line lands exactly once (a refused statement stored nothing).
asio::awaitable<void> store_range(pg::Pool& pool, Importer::Batch& batch, std::size_t first,
                                  std::size_t count) {
    std::span<const domain::Shipment> shipments(batch.shipments.data() + first, count);
    // (co_await is not allowed inside a catch block: note the failure, act after it.)
    std::string error;
    bool refused = false;
    try {
        auto ids = co_await store::insert_shipments_batch(pool, shipments);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            batch.result.created.push_back({batch.lines[first + i], std::move(ids[i])});
        }
        batch.result.accepted += ids.size();
    } catch (const pg::ServerError& e) {
        refused = true;
        error = e.what();
    }
    if (!refused) co_return;
    if (count == 1) {
        ++batch.result.rejected;
        batch.result.errors.push_back(
            {batch.lines[first], "VALIDATION_ERROR", "the database refused it: " + error});
        co_return;
    }
    const std::size_t half = count / 2;
    co_await store_range(pool, batch, first, half);
    co_await store_range(pool, batch, first + half, count - half);
}

// Owns its batch (taken by value: it outlives the call that started it).
asio::awaitable<Importer::Batch> store_batch(pg::Pool& pool, Importer::Batch batch) {
    co_await store_range(pool, batch, 0, batch.shipments.size());
    batch.shipments.clear();
    co_return batch;
}

}  // namespace

// A batch being stored: its outcome, and a timer cancelled to wake the one waiting for it.
struct Importer::Flight {
    explicit Flight(asio::any_io_executor executor)
        : wake(std::move(executor), asio::steady_timer::time_point::max()) {}
    asio::steady_timer wake;
    bool done = false;
    std::exception_ptr error;
    Batch batch;
};

// Flights still running when the importer goes (its caller failed) finish on their own: their
// lines are stored, the outcome dropped with the shared state.
Importer::~Importer() = default;

asio::awaitable<void> Importer::feed(std::string_view chunk) {
    splitter_.feed(chunk);
    co_await drain();
}

asio::awaitable<domain::ImportResult> Importer::finish() {
    splitter_.finish();
    co_return co_await stop();
}

asio::awaitable<domain::ImportResult> Importer::stop() {
    co_await drain();
    co_await launch();
    while (!flights_.empty()) co_await land();
    // Parse errors of a batch are noted while the batch before it is stored: line order.
    std::stable_sort(result_.errors.begin(), result_.errors.end(),
                     [](const auto& a, const auto& b) { return a.line < b.line; });
    co_return std::move(result_);
}

asio::awaitable<void> Importer::drain() {
    while (auto line = splitter_.next()) {
        if (line->too_long) {
            ++result_.rejected;
            result_.errors.push_back({line->number, "BAD_REQUEST", "the line is longer than the limit"});
            continue;
        }
        auto parsed = domain::parse_import_line(line->text);
        if (!parsed) {
            ++result_.rejected;
            result_.errors.push_back({line->number, std::string(parsed.code()), parsed.describe()});
            continue;
        }
        batch_.lines.push_back(line->number);
        batch_.shipments.push_back(std::move(*parsed.value));
        if (batch_.shipments.size() == kBatch) co_await launch();
    }
}

asio::awaitable<void> Importer::launch() {
    // kInFlight batches at most: the oldest lands first.
    while (flights_.size() >= kInFlight) co_await land();
    if (batch_.shipments.empty()) co_return;
    auto executor = co_await asio::this_coro::executor;
    auto flight = std::make_shared<Flight>(executor);
    Batch batch = std::move(batch_);
    batch_ = Batch{};
    batch_.lines.reserve(kBatch);
    batch_.shipments.reserve(kBatch);
    asio::co_spawn(executor, store_batch(pool_, std::move(batch)),
                   [flight](std::exception_ptr error, Batch stored) {
                       flight->error = error;
                       flight->batch = std::move(stored);
                       flight->done = true;
                       flight->wake.cancel();
                   });
    flights_.push_back(std::move(flight));
}

asio::awaitable<void> Importer::land() {
    if (flights_.empty()) co_return;
    auto flight = std::move(flights_.front());
    flights_.pop_front();
    if (!flight->done) {
        boost::system::error_code ignored;  // operation_aborted: the flight woke us
        co_await flight->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (flight->error) std::rethrow_exception(flight->error);
    auto& got = flight->batch.result;
    result_.accepted += got.accepted;
    result_.rejected += got.rejected;
    for (auto& c : got.created) result_.created.push_back(std::move(c));
    for (auto& e : got.errors) result_.errors.push_back(std::move(e));
}

void analyze_in_background(asio::any_io_executor executor, pg::Pool& pool) {
    asio::co_spawn(
        executor,
        store::analyze_bulk_tables(pool, store::BulkTables::kShipments, store::AnalyzeSpread::kOneConnection),
        [](std::exception_ptr error) {
            if (!error) return;
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                spdlog::warn("ANALYZE after an import failed: {}", e.what());
            }
        });
}

}  // namespace shipd::api
