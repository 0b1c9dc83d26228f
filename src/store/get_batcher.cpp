// GetBatcher: the gets of one loop tick leave in one statement.
#include "store/get_batcher.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include "store/detail/wakeup.hpp"
#include "store/shipments_store.hpp"

namespace shipd::store {

namespace asio = boost::asio;

/// One waiting get, shared by its caller and the statement that answers it. Everything runs
/// on the loop's thread.
struct GetBatcher::Entry {
    Entry(const asio::any_io_executor& executor, const std::string& id) : id(id), wakeup(executor) {}

    std::string id;
    std::optional<domain::Shipment> result;
    std::exception_ptr error;
    bool done = false;
    detail::Wakeup wakeup;

    void finish() {
        done = true;
        wakeup.wake();
    }
    asio::awaitable<void> wait() {
        while (!done) co_await wakeup.wait();
    }
};

GetBatcher::GetBatcher(Options options) : options_(options) {
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
}

GetBatcher::~GetBatcher() = default;

asio::awaitable<std::optional<domain::Shipment>> GetBatcher::get(pg::Pool& pool, const std::string& id) {
    auto executor = co_await asio::this_coro::executor;
    auto entry = std::make_shared<Entry>(executor, id);
    auto it = std::find_if(pending_.begin(), pending_.end(), [&pool](const auto& p) { return p.first == &pool; });
    if (it == pending_.end()) it = pending_.insert(pending_.end(), {&pool, {}});
    it->second.push_back(entry);
    if (it->second.size() == 1) {
        // The first get of this tick for this pool: the batch leaves once the loop has run
        // every handler ready now (those are the other requests read in the same tick).
        asio::post(executor, [this, p = &pool, executor] { flush(p, executor); });
    }
    co_await entry->wait();
    if (entry->error) std::rethrow_exception(entry->error);
    co_return std::move(entry->result);
}

void GetBatcher::flush(pg::Pool* pool, const asio::any_io_executor& executor) {
    auto it = std::find_if(pending_.begin(), pending_.end(), [pool](const auto& p) { return p.first == pool; });
    if (it == pending_.end()) return;
    Batch all = std::move(it->second);
    pending_.erase(it);
    for (std::size_t first = 0; first < all.size(); first += options_.max_batch) {
        const std::size_t last = std::min(all.size(), first + options_.max_batch);
        Batch batch(std::make_move_iterator(all.begin() + first), std::make_move_iterator(all.begin() + last));
        asio::co_spawn(executor, send(*pool, std::move(batch)), asio::detached);
    }
}

// Never throws: every entry of `batch` ends done, with its answer or its error.
asio::awaitable<void> GetBatcher::send(pg::Pool& pool, Batch batch) {
    ++statements_;
    largest_batch_ = std::max(largest_batch_, batch.size());
    std::exception_ptr error;
    try {
        if (batch.size() == 1) {
            batch.front()->result = co_await get_shipment(pool, batch.front()->id);
        } else {
            std::vector<std::string> ids;
            ids.reserve(batch.size());
            for (const auto& e : batch) ids.push_back(e->id);
            auto found = co_await get_shipments(pool, ids);
            for (std::size_t i = 0; i < batch.size(); ++i) {
                batch[i]->result = std::move(found[i].shipment);
                batch[i]->error = found[i].error;
            }
        }
    } catch (...) {
        error = std::current_exception();
    }
    for (auto& e : batch) {
        if (error) e->error = error;
        e->finish();
    }
}

}  // namespace shipd::store
