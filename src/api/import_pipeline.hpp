// Importer: NDJSON in (by chunks), shipments out to the database in batches; a bad line is
// reported by number and never loses the good ones. Used by the import route and `shipd import`.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
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
    /// Lines stored per statement: a round trip is then a small share of the work, and one
    /// statement's arrays stay a few hundred kilobytes.
    static constexpr std::size_t kBatch = 1000;

    explicit Importer(pg::Pool& pool) : pool_(pool) {}

    /// Takes the next chunk of the body; stores every full batch it completes. Throws what the
    /// store throws for anything but a refused line (pool, connection errors).
    boost::asio::awaitable<void> feed(std::string_view chunk);
    /// Takes the last line and stores what is left; returns the answer of API.md.
    boost::asio::awaitable<domain::ImportResult> finish();
    /// Lines read so far (blank ones included).
    std::size_t lines_seen() const { return splitter_.lines_seen(); }

private:
    struct Pending {
        std::size_t line;
        domain::Shipment shipment;
    };
    boost::asio::awaitable<void> drain();
    boost::asio::awaitable<void> store_batch();

    pg::Pool& pool_;
    domain::NdjsonSplitter splitter_;
    std::vector<Pending> batch_;
    domain::ImportResult result_;
};

}  // namespace shipd::api
