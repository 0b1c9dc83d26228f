// CreateBatcher: creates queued while statements run leave together in the next statement.
#include "store/create_batcher.hpp"

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "pg/errors.hpp"
#include "store/detail/wakeup.hpp"
#include "store/shipments_store.hpp"

namespace shipd::store {

namespace asio = boost::asio;

/// One waiting create. Its caller's coroutine frame owns `shipment` and outlives the entry's
/// use (the caller waits until `done`). Everything runs on the loop's thread.
struct CreateBatcher::Entry {
    Entry(const asio::any_io_executor& executor, const domain::Shipment& s)
        : shipment(&s), wakeup(executor) {}

    const domain::Shipment* shipment;
    std::optional<domain::Shipment> result;
    std::exception_ptr error;
    bool taken = false;  ///< in a statement (no longer queued)
    bool done = false;   ///< result or error is set
    detail::Wakeup wakeup;  ///< told to look again (done, or a statement slot came free)
};

namespace {

// Whether `error` may be about one shipment's values (then each is tried alone) rather than
// about the database or the statement as a whole (then every create of the batch gets it).
bool may_be_one_rows_fault(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const pg::QueryCanceled&) {
        return false;  // a statement timeout or a cancel: alone, each would time out too
    } catch (const pg::ServerError&) {
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace

CreateBatcher::CreateBatcher(Options options) : options_(options) {
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
    options_.max_in_flight = std::max<std::size_t>(options_.max_in_flight, 1);
}

CreateBatcher::~CreateBatcher() = default;

asio::awaitable<domain::Shipment> CreateBatcher::create(pg::Pool& pool, const domain::Shipment& shipment) {
    auto entry = std::make_shared<Entry>(co_await asio::this_coro::executor, shipment);
    queue_.push_back(entry);
    while (!entry->done) {
        if (!entry->taken && in_flight_ < options_.max_in_flight) {
            // This caller sends the next statement: what is queued, oldest first (its own
            // create among them unless more than max_batch wait before it). A create already
            // taken into another caller's statement only waits for it.
            std::vector<std::shared_ptr<Entry>> batch;
            std::size_t n = std::min(queue_.size(), options_.max_batch);
            batch.reserve(n);
            for (std::size_t i = 0; i < n; ++i) {
                queue_.front()->taken = true;
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
            ++in_flight_;
            co_await store(pool, batch);
            --in_flight_;
            // The slot is free: the oldest create still queued sends the next statement.
            if (!queue_.empty()) queue_.front()->wakeup.wake();
            continue;
        }
        co_await entry->wakeup.wait();
    }
    if (entry->error) std::rethrow_exception(entry->error);
    co_return std::move(*entry->result);
}

// Never throws: every entry of `batch` ends done, with its shipment or its error, and woken.
asio::awaitable<void> CreateBatcher::store(pg::Pool& pool, std::vector<std::shared_ptr<Entry>>& batch) {
    ++statements_;
    largest_batch_ = std::max(largest_batch_, batch.size());
    std::vector<const domain::Shipment*> shipments;
    shipments.reserve(batch.size());
    for (const auto& e : batch) shipments.push_back(e->shipment);
    std::exception_ptr error;
    try {
        auto stored = co_await create_shipments(pool, shipments);
        for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(stored[i]);
    } catch (...) {
        error = std::current_exception();
    }
    if (error && batch.size() > 1 && may_be_one_rows_fault(error)) {
        // The statement stored nothing; one at a time, only the refused shipment fails.
        for (auto& e : batch) {
            ++statements_;
            try {
                e->result = co_await create_shipment(pool, *e->shipment);
            } catch (...) {
                e->error = std::current_exception();
            }
        }
    } else if (error) {
        for (auto& e : batch) e->error = error;
    }
    for (auto& e : batch) {
        e->done = true;
        e->wakeup.wake();
    }
}

}  // namespace shipd::store
