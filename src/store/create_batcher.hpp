// CreateBatcher: the creates that arrive on one event loop while others are being stored go
// to the database together, in one statement and one commit (application-side group commit).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <deque>
#include <memory>

#include "domain/types.hpp"
#include "pg/pool.hpp"

namespace shipd::store {

/// Per event loop, no lock (like pg::Pool). create() stores one shipment and returns it as
/// stored, or throws what create_shipment would have thrown for it alone:
/// - while fewer than `max_in_flight` statements of this batcher run, a create is sent at
///   once, alone (an idle server adds no latency);
/// - otherwise it queues; when a statement ends, everything queued (up to `max_batch`) goes
///   in the next one (create_shipments: one statement, one transaction, one WAL flush).
/// Under load a commit flush is shared by dozens of creates instead of one, and the server
/// executes one statement for many rows. Each caller is answered only after the statement
/// holding its shipment committed, so durability is the same as one statement a create.
/// A batch the server refuses (a value the schema refuses in one shipment) is retried one
/// shipment at a time, so only the refused one fails and every other is stored once. Errors
/// that are not about the rows (the pool, the connection, a statement timeout) fail the
/// whole batch with that error, as they would have failed each create alone.
class CreateBatcher {
public:
    struct Options {
        std::size_t max_batch = 64;     ///< shipments a statement at most (1: no batching)
        std::size_t max_in_flight = 2;  ///< statements of this batcher running at once
    };

    explicit CreateBatcher(Options options);
    ~CreateBatcher();
    CreateBatcher(const CreateBatcher&) = delete;
    CreateBatcher& operator=(const CreateBatcher&) = delete;

    boost::asio::awaitable<domain::Shipment> create(pg::Pool& pool, const domain::Shipment& shipment);

    /// Figures for tests: statements sent, shipments stored through them.
    std::size_t statements() const noexcept { return statements_; }
    std::size_t largest_batch() const noexcept { return largest_batch_; }

private:
    struct Entry;
    boost::asio::awaitable<void> store(pg::Pool& pool, std::vector<std::shared_ptr<Entry>>& batch);

    Options options_;
    std::deque<std::shared_ptr<Entry>> queue_;
    std::size_t in_flight_ = 0;
    std::size_t statements_ = 0;
    std::size_t largest_batch_ = 0;
};

}  // namespace shipd::store
