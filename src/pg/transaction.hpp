// Transaction: BEGIN on a leased connection, COMMIT or ROLLBACK; and with_transaction, the
// retry helper for serialization failures and deadlocks.
//
// A destructor cannot co_await, so a Transaction dropped without commit() or rollback() does
// not send ROLLBACK itself: its Lease returns the connection to the pool still inside the
// transaction, and the pool rolls it back (in a background coroutine, the slot counted as in
// use until done) before anyone else gets it; if the rollback fails the connection is closed.
// Either way the work is never committed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>
#include <string>
#include <type_traits>

#include "pg/errors.hpp"
#include "pg/pool.hpp"

namespace shipd::pg {

enum class IsolationLevel { kReadCommitted, kRepeatableRead, kSerializable };

struct TransactionOptions {
    IsolationLevel isolation = IsolationLevel::kReadCommitted;
    bool read_only = false;
};

class Transaction {
public:
    /// Sends BEGIN on the leased connection. Throws what Connection::execute throws.
    static boost::asio::awaitable<Transaction> begin(Lease lease, TransactionOptions options = {});

    Transaction(Transaction&&) noexcept = default;
    Transaction& operator=(Transaction&&) noexcept = default;
    /// Without commit(): rolled back by the pool (see the file comment).
    ~Transaction() = default;

    /// One statement in the transaction. Throws like Connection::execute.
    template <class... Args>
    boost::asio::awaitable<Result> execute(std::string_view sql, const Args&... args) {
        return lease_->execute(sql, Params(args...));
    }
    /// COMMIT, then the connection goes back to the pool. Throws ServerError (25P02) when the
    /// server rolled back instead (an earlier statement failed), and what execute throws.
    boost::asio::awaitable<void> commit();
    /// ROLLBACK, then the connection goes back to the pool. Throws ConnectionError.
    boost::asio::awaitable<void> rollback();

    bool open() const noexcept { return static_cast<bool>(lease_); }
    Connection& connection() const noexcept { return *lease_; }

private:
    explicit Transaction(Lease lease) : lease_(std::move(lease)) {}
    Lease lease_;
};

/// Runs `body(Transaction&)` (a coroutine) in a transaction on `pool` and commits; on
/// SerializationFailure or DeadlockDetected (class 40) starts over, up to `attempts` times,
/// with a short jittered pause. Returns what body returns; throws the last error.
template <class Body>
auto with_transaction(Pool& pool, std::string label, Body body, TransactionOptions options = {},
                      int attempts = 3)
    -> std::invoke_result_t<Body, Transaction&> {
    using Value = typename std::invoke_result_t<Body, Transaction&>::value_type;
    thread_local std::minstd_rand rng{std::random_device{}()};
    for (int attempt = 1;; ++attempt) {
        bool retry = false;
        try {
            auto tx = co_await pool.begin(label, options);
            if constexpr (std::is_void_v<Value>) {
                co_await body(tx);
                co_await tx.commit();
                co_return;
            } else {
                Value value = co_await body(tx);
                co_await tx.commit();
                co_return value;
            }
        } catch (const TransactionRollback&) {
            if (attempt >= attempts) throw;
            retry = true;
        }
        if (retry) {
            // 1-5 ms × attempt: lets the conflicting transaction finish first.
            boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor,
                                            std::chrono::milliseconds(attempt * (1 + rng() % 5)));
            co_await pause.async_wait(boost::asio::use_awaitable);
        }
    }
}

}  // namespace shipd::pg
