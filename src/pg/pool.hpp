// Pool and Lease: a bounded, FIFO, fail-fast pool of Connections on one executor, with its
// maintenance loop (the janitor) and its statistics.
//
// Threading: a Pool is bound to ONE io_context executor and is not thread-safe: no mutex on
// the hot path. The app runs one event loop per thread, each with its own pg::Cluster (and so
// its own pools); never share a Pool between threads, never run its io_context on several.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "pg/histogram.hpp"
#include "pg/settings.hpp"

namespace shipd::pg {

class Pool;
class Transaction;
struct TransactionOptions;

namespace detail {

struct PoolEntry {
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point expires_at;
    std::chrono::steady_clock::time_point last_used;
    std::chrono::steady_clock::time_point acquired_at;
    std::string label;
    bool in_use = false;
    bool retiring = false;
    bool leak_reported = false;
};

struct PoolWaiter;
struct Pipe;

}  // namespace detail

/// A snapshot of a pool for /health and /metrics.
struct PoolStats {
    std::string name;
    std::size_t size = 0;     ///< open + opening connections
    std::size_t idle = 0;
    std::size_t in_use = 0;   ///< leased, being validated or being rolled back
    std::size_t opening = 0;
    std::size_t waiting = 0;
    std::size_t max = 0;
    std::uint64_t acquired_total = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t overloaded = 0;    ///< acquires refused: waiter queue full
    std::uint64_t unavailable = 0;   ///< acquires refused fast: database known down
    std::uint64_t connect_errors = 0;
    std::uint64_t evicted = 0;       ///< connections closed broken, failed validation, expired
    std::uint64_t leaks_reported = 0;
    std::size_t pipelines = 0;          ///< connections carrying pipelined statements now
    std::uint64_t pipelined_total = 0;  ///< statements sent through them
    std::uint64_t pipeline_stalls = 0;  ///< times the stall check had to wake a pipe or its waiters
    bool database_down = false;
    std::string last_error;          ///< password-free
    Histogram acquire_wait;
    Histogram query_time;
};

/// A leased connection, returned to its pool on destruction (RAII). Move-only. A connection
/// returned inside an open or failed transaction is rolled back by the pool before reuse;
/// a broken one is closed.
class Lease {
public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

    Connection& operator*() const noexcept { return *entry_->connection; }
    Connection* operator->() const noexcept { return entry_->connection.get(); }
    Connection& connection() const noexcept { return *entry_->connection; }
    explicit operator bool() const noexcept { return entry_ != nullptr; }
    /// What the lease is for (route or operation name), shown by the leak warning.
    const std::string& label() const noexcept { return entry_->label; }
    /// Returns the connection now (idempotent).
    void release() noexcept;

private:
    friend class Pool;
    Lease(std::shared_ptr<Pool> pool, detail::PoolEntry* entry) noexcept
        : pool_(std::move(pool)), entry_(entry) {}
    std::shared_ptr<Pool> pool_;
    detail::PoolEntry* entry_ = nullptr;
};

class Pool : public std::enable_shared_from_this<Pool> {
public:
    using Clock = std::chrono::steady_clock;

    /// A pool on `executor` (an io_context's, run by one thread). Call start() next.
    static std::shared_ptr<Pool> create(boost::asio::any_io_executor executor,
                                        ConnectionSettings connection, PoolSettings settings);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    /// Opens min_size connections (at least one, to know the database answers) and starts the
    /// janitor. StartupMode::kFail: throws DatabaseUnavailable with the reason (password-free)
    /// when the database cannot be reached; kDegrade: logs, reports down and heals in the
    /// background.
    boost::asio::awaitable<void> start();

    /// A connection within settings().acquire_timeout (or `timeout`). `label` names the
    /// holder in leak warnings. Throws PoolTimeout at the deadline, DatabaseUnavailable at once
    /// while the database is known down, PoolOverloaded at once when max_waiters wait,
    /// PoolClosed after close(), system_error(operation_aborted) when cancelled. A cancelled
    /// or timed-out acquire never loses a slot.
    boost::asio::awaitable<Lease> acquire(std::string label = {});
    boost::asio::awaitable<Lease> acquire(std::string label, std::chrono::milliseconds timeout);

    /// One statement. With pipelining on (PoolSettings::pipeline_connections) it joins the
    /// pipeline of one of a few shared connections (Connection::submit) when other statements
    /// of this pool are running; a lone statement, and every statement with pipelining off,
    /// is acquire + execute + release. Throws what acquire() and Connection::execute throw.
    template <class... Args>
    boost::asio::awaitable<Result> execute(std::string_view sql, const Args&... args) {
        return execute_params(sql, Params(args...));
    }
    boost::asio::awaitable<Result> execute_params(std::string_view sql, Params params);

    /// A read-only statement (pg::Access::kReadOnly: a SELECT with no side effects), as
    /// execute(); on a busy pipe it may share one Sync, one implicit transaction and one
    /// flush with the other reads of its loop tick (Connection::submit).
    template <class... Args>
    boost::asio::awaitable<Result> read(std::string_view sql, const Args&... args) {
        return read_params(sql, Params(args...));
    }
    boost::asio::awaitable<Result> read_params(std::string_view sql, Params params);

    /// acquire + BEGIN. Throws what acquire() and Connection::execute throw.
    boost::asio::awaitable<Transaction> begin(std::string label);
    boost::asio::awaitable<Transaction> begin(std::string label, TransactionOptions options);

    PoolStats stats() const;
    /// False while the database is known down.
    bool healthy() const noexcept { return !down_; }
    const PoolSettings& settings() const noexcept { return settings_; }
    const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

    /// Stops the janitor and the reconnect task, fails every waiter with PoolClosed and closes
    /// idle connections; leased ones close when returned. Idempotent.
    void close();

private:
    friend class Lease;
    Pool(boost::asio::any_io_executor executor, ConnectionSettings connection,
         PoolSettings settings);

    void release(detail::PoolEntry* entry) noexcept;
    boost::asio::awaitable<Result> run_statement(std::string_view sql, Params params, Access access);
    bool pipelining() const noexcept;
    detail::Pipe* pick_pipe() noexcept;
    /// Whether `pipe` answers within pipeline_spill_after (never when that is 0).
    bool keeps_up(const detail::Pipe& pipe) const noexcept;
    void settle_pipe(detail::Pipe* pipe) noexcept;
    void wake_pipe_waiter() noexcept;
    void check_pipelines();
    void deliver(detail::PoolEntry* entry);
    void take(detail::PoolEntry* entry, const std::string& label);
    void discard(detail::PoolEntry* entry, std::string_view reason);
    detail::PoolEntry* add_entry(std::unique_ptr<Connection> connection);
    void maybe_open();
    void spawn_open();
    void mark_down(std::string reason);
    void fail_waiters(std::exception_ptr error);
    void run_janitor();
    Clock::time_point jittered_expiry();
    // Background coroutines take `self` to keep the pool alive while they run.
    boost::asio::awaitable<void> open_one(std::shared_ptr<Pool> self);
    boost::asio::awaitable<void> replace(std::shared_ptr<Pool> self, detail::PoolEntry* old);
    boost::asio::awaitable<void> reconnect_loop(std::weak_ptr<Pool> weak);
    boost::asio::awaitable<void> janitor_loop(std::weak_ptr<Pool> weak);
    boost::asio::awaitable<void> rollback_then_release(std::shared_ptr<Pool> self,
                                                       detail::PoolEntry* entry);
    std::string app_name() const;

    boost::asio::any_io_executor executor_;
    ConnectionSettings connection_settings_;
    PoolSettings settings_;
    std::list<detail::PoolEntry> entries_;    // every open connection
    std::vector<detail::PoolEntry*> idle_;    // a stack: the most recently used on top
    std::deque<std::shared_ptr<detail::PoolWaiter>> waiters_;  // FIFO
    std::vector<std::unique_ptr<detail::Pipe>> pipes_;          // pipelined connections
    std::deque<std::shared_ptr<detail::PoolWaiter>> pipe_waiters_;  // FIFO, for pipe room
    std::size_t pipes_opening_ = 0;
    std::size_t pipe_waiting_ = 0;
    std::uint64_t pipelined_total_ = 0;
    std::uint64_t pipeline_stalls_ = 0;
    bool pipe_stall_suspect_ = false;
    boost::asio::steady_timer janitor_timer_;
    boost::asio::steady_timer reconnect_timer_;
    std::size_t total_ = 0;    // open + opening
    std::size_t opening_ = 0;
    std::size_t in_use_ = 0;
    std::size_t waiting_ = 0;
    bool down_ = false;
    bool closed_ = false;
    bool reconnecting_ = false;
    bool janitor_running_ = false;
    std::string last_error_;
    std::uint64_t acquired_total_ = 0;
    std::uint64_t timeouts_ = 0;
    std::uint64_t overloaded_ = 0;
    std::uint64_t unavailable_ = 0;
    std::uint64_t connect_errors_ = 0;
    std::uint64_t evicted_ = 0;
    std::uint64_t leaks_reported_ = 0;
    Histogram acquire_wait_;
    Histogram query_time_;
};

}  // namespace shipd::pg
