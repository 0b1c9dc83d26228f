// GetBatcher: the GETs of one shipment each that arrive on one event loop in the same tick go
// to the database as one statement (`WHERE s.id = ANY($1)`): one plan start, one result.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/types.hpp"
#include "pg/pool.hpp"

namespace shipd::store {

/// Per event loop, no lock (like pg::Pool). get() answers what get_shipment(pool, id) would:
/// the shipment, nullopt, or the exception. The gets of one loop tick (everything the loop
/// runs before a handler posted by the tick's first get) for the same pool leave together,
/// up to `max_batch` a statement (store::get_shipments); a lone get sends get_shipment's own
/// statement, after one post (no timer, no added wait). Why: PostgreSQL's cost of a GET is
/// half a plan's start and a result's description for the 4-table join, paid once for the
/// batch instead of once a GET (docs/DESIGN.md, "GETs of one tick, one statement").
/// A failed statement (the pool, the connection, a statement timeout) fails every get of the
/// batch with its error, as each would have failed alone; a stored row the decoder refuses
/// fails only the get that asked for it.
class GetBatcher {
public:
    struct Options {
        std::size_t max_batch = 64;  ///< ids a statement at most (1: no batching)
    };

    explicit GetBatcher(Options options);
    ~GetBatcher();
    GetBatcher(const GetBatcher&) = delete;
    GetBatcher& operator=(const GetBatcher&) = delete;

    /// `id` is canonical UUID text (lower case; api::require_uuid makes it so).
    boost::asio::awaitable<std::optional<domain::Shipment>> get(pg::Pool& pool, const std::string& id);

    /// Figures for tests: statements sent, most ids in one.
    std::size_t statements() const noexcept { return statements_; }
    std::size_t largest_batch() const noexcept { return largest_batch_; }

private:
    struct Entry;
    using Batch = std::vector<std::shared_ptr<Entry>>;
    void flush(pg::Pool* pool, const boost::asio::any_io_executor& executor);
    boost::asio::awaitable<void> send(pg::Pool& pool, Batch batch);

    Options options_;
    std::vector<std::pair<pg::Pool*, Batch>> pending_;  ///< this tick's gets, by pool
    std::size_t statements_ = 0;
    std::size_t largest_batch_ = 0;
};

}  // namespace shipd::store
