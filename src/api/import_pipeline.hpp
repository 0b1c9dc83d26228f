// Importer: NDJSON in (by chunks), shipments out to the database in batches; a bad line is
// reported by number and never loses the good ones. Used by the import route and `shipd import`.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

#include "domain/ndjson.hpp"
#include "domain/types.hpp"

namespace shipd::pg {
class Pool;
}

namespace shipd::api {

class Importer {
public:
    /// Lines stored per batch (three COPYs in one transaction): the round trips and the
    /// commit are a small share of the work, and a batch's COPY data stays about 2 MB.
    static constexpr std::size_t kBatch = 5000;
    /// Batches being written at once, each on its own bulk-pool connection: the profile of a
    /// COPY batch is the server's (index inserts ~40%, foreign-key checks ~33%, COPY parsing
    /// ~10%), so two keep both cores of the database busy while this loop parses the next.
    static constexpr std::size_t kInFlight = 2;

    explicit Importer(pg::Pool& pool) : pool_(pool) {}
    ~Importer();
    Importer(const Importer&) = delete;
    Importer& operator=(const Importer&) = delete;

    /// Takes the next chunk of the body; stores every full batch it completes. Batches are
    /// written while the next one is parsed (kInFlight at most, coroutines on the caller's
    /// executor), so parsing and the database overlap. Throws what the store throws for
    /// anything but a refused line (pool, connection errors).
    boost::asio::awaitable<void> feed(std::string_view chunk);
    /// Takes the last line and stores what is left; returns the answer of API.md.
    boost::asio::awaitable<domain::ImportResult> finish();
    /// For a body cut short (over its limit, or the client gone): stores the complete lines
    /// fed so far, drops a last line without its newline, waits for every batch in flight;
    /// returns the answer for those lines.
    boost::asio::awaitable<domain::ImportResult> stop();
    /// Lines read so far (blank ones included).
    std::size_t lines_seen() const { return splitter_.lines_seen(); }

    /// The parsed lines of one batch and what storing them gave.
    struct Batch {
        std::vector<std::size_t> lines;
        std::vector<domain::Shipment> shipments;
        domain::ImportResult result;
    };
    struct Flight;

private:
    boost::asio::awaitable<void> drain();
    /// Waits for the oldest batch in flight (if any) and adds its outcome to the result
    /// (batches land in line order).
    boost::asio::awaitable<void> land();
    /// Starts storing the current batch in the background.
    boost::asio::awaitable<void> launch();

    pg::Pool& pool_;
    domain::NdjsonSplitter splitter_;
    Batch batch_;
    std::deque<std::shared_ptr<Flight>> flights_;
    domain::ImportResult result_;
};

/// ANALYZE of addresses, parcels and shipments on `pool` in a detached coroutine on
/// `executor` (after the route answered, when an import stored SHIPD_IMPORT_ANALYZE_ROWS or
/// more); a failure is logged, never thrown.
void analyze_in_background(boost::asio::any_io_executor executor, pg::Pool& pool);

}  // namespace shipd::api
