// Connection: one PostgreSQL session on libpq's non-blocking API, driven by the Asio reactor
// with C++20 coroutines: connect, typed queries through a prepared-statement LRU, pipelines,
// COPY FROM STDIN, a client-side deadline. Bound to one executor; not thread-safe.
#pragma once

#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pg/detail/statement_cache.hpp"
#include "pg/histogram.hpp"
#include "pg/result.hpp"
#include "pg/settings.hpp"
#include "pg/types.hpp"

namespace shipd::pg {

namespace detail {
struct ConnectionIo;
struct PipelinedRequest;
}

/// One statement of a pipeline.
struct Query {
    std::string sql;
    Params params;
};

/// What one request of a pipeline produced: its Result or its own error.
class Outcome {
public:
    explicit Outcome(Result result) : result_(std::move(result)) {}
    explicit Outcome(std::exception_ptr error) : error_(std::move(error)) {}
    bool ok() const noexcept { return !error_; }
    /// The result; rethrows the request's pg::Error when it failed. On a temporary Outcome
    /// (`(co_await f()).value()`) the Result is moved out rather than referenced, so it
    /// cannot dangle.
    const Result& value() const& {
        if (error_) std::rethrow_exception(error_);
        return result_;
    }
    Result value() && { return std::move(*this).take(); }
    /// value(), moved out (no reference count traffic).
    Result take() && {
        if (error_) std::rethrow_exception(error_);
        return std::move(result_);
    }
    const std::exception_ptr& error() const noexcept { return error_; }

private:
    Result result_;
    std::exception_ptr error_;
};

/// What a statement does to the database. A kReadOnly statement has no side effects (a plain
/// SELECT calling no function that writes): the driver may run it in one implicit transaction
/// with other reads (Connection::submit), which a statement that writes must never share.
enum class Access { kReadWrite, kReadOnly };

/// Where a pipeline puts its Sync messages (the error barriers).
enum class PipelineSync {
    /// One Sync per query: each query is its own request, an error fails only that query.
    kEachQuery,
    /// One Sync for the whole batch: the batch is ONE logical request (an implicit
    /// transaction); after an error the rest are not run (PipelineAborted). Fewer round trips
    /// of the kernel: libpq 15 flushes the socket at every Sync.
    kOnce,
};

/// A pipelined query not run because an earlier one in the same Sync segment failed.
class PipelineAborted : public Error {
public:
    using Error::Error;
};

class Connection {
public:
    using Clock = std::chrono::steady_clock;

    /// Opens a session within settings.connect_timeout and sets it up (server settings,
    /// statement_timeout, application_name). Throws ConnectionError (password redacted),
    /// std::invalid_argument for malformed server settings.
    static boost::asio::awaitable<std::unique_ptr<Connection>> connect(
        boost::asio::any_io_executor executor, const ConnectionSettings& settings,
        std::string application_name = {});

    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// One statement with $n parameters (prepared and cached unless the cache size is 0).
    /// `sql` must stay alive until the co_await completes. Throws a pg::Error subtype by
    /// SQLSTATE, ConnectionError when the session is lost or the deadline passes, and
    /// boost::system::system_error(operation_aborted) when the awaiting coroutine is
    /// cancelled (the connection is then broken: its state is unknown).
    boost::asio::awaitable<Result> execute(std::string_view sql, Params params);

    /// execute(sql, Params(args...)).
    template <class... Args>
    boost::asio::awaitable<Result> execute(std::string_view sql, const Args&... args) {
        return execute(sql, Params(args...));
    }

    /// Statements with no parameters through the simple protocol (several may be ';'
    /// separated; no cache). Throws like execute().
    boost::asio::awaitable<Result> execute_script(std::string_view sql);

    /// Sends every query at once in pipeline mode and returns their outcomes in order. With
    /// PipelineSync::kEachQuery (one Sync each) an error fails only its own request. Throws ConnectionError only when the
    /// session itself is lost.
    boost::asio::awaitable<std::vector<Outcome>> pipeline(
        std::vector<Query> queries, PipelineSync sync = PipelineSync::kEachQuery);

    /// One statement sent on this connection's open pipeline (auto-pipelining): many
    /// coroutines may await submit() on the same connection at once; each statement is its
    /// own request with its own Sync, so an error fails only that statement. The connection
    /// enters pipeline mode at the first submit; until in_flight() is 0 and end_pipeline() ran,
    /// nothing else may use it. A cancelled waiter leaves the connection usable (its result is
    /// read and dropped). Throws like execute(); when the session is lost every statement in
    /// flight fails with ConnectionError.
    ///
    /// A read-only statement (Access::kReadOnly: no side effects) sent while others are in
    /// flight joins a group instead: the read-only statements of one loop tick share one Sync,
    /// so they go out in one write, run in one implicit transaction and come back in one
    /// flush. A statement of the group that fails makes the server skip the rest of it; those
    /// are sent again, alone, without their callers seeing it.
    boost::asio::awaitable<Result> submit(std::string_view sql, const Params& params,
                                          Access access = Access::kReadWrite);
    /// Statements submitted and not yet answered.
    std::size_t in_flight() const noexcept { return queue_.size(); }
    /// A safety net for auto-pipelining, run periodically by the pool: when statements are in
    /// flight but their answers sit unread in libpq's buffer with the reader asleep, or text
    /// is left unsent with no writer, it wakes the one that should be working. True when it
    /// had to (which would be a bug to report: the reader and writer are meant to never
    /// leave that state).
    bool unstick_pipeline() noexcept;
    /// Leaves pipeline mode once nothing is in flight; false when it cannot (the connection is
    /// then marked broken).
    bool end_pipeline() noexcept;

    /// COPY ... FROM STDIN with `data` in COPY text format (see append_copy_row); returns the
    /// rows copied. Throws like execute().
    boost::asio::awaitable<std::uint64_t> copy_in(std::string_view copy_sql, std::string_view data);

    /// An empty query round trip, bounded by `deadline`. Throws ConnectionError.
    boost::asio::awaitable<void> ping(Clock::time_point deadline);

    /// True once the session cannot be reused (lost, timed out, cancelled mid-statement, or a
    /// SQLSTATE that evicts: class 08, 57P01-57P03, 25006).
    bool broken() const noexcept;
    /// True when a transaction is open or failed (the pool rolls it back on return).
    bool in_transaction() const noexcept;
    /// The server process id (for pg_terminate_backend / pg_cancel_backend).
    int backend_pid() const noexcept;
    std::size_t cached_statements() const noexcept { return cache_.size(); }
    Clock::time_point created_at() const noexcept { return created_at_; }
    /// Query durations are recorded here when set (owned by the pool).
    void set_query_histogram(Histogram* histogram) noexcept { query_time_ = histogram; }
    const boost::asio::any_io_executor& executor() const noexcept;

private:
    Connection(boost::asio::any_io_executor executor, const ConnectionSettings& settings);

    boost::asio::awaitable<void> open(std::string application_name);
    boost::asio::awaitable<void> wait_readable();
    boost::asio::awaitable<void> wait_writable();
    boost::asio::awaitable<void> flush();
    boost::asio::awaitable<PGresult*> next_result();
    /// A failed socket wait: marks the connection broken and throws ConnectionError (client
    /// deadline) or the system error (cancelled).
    [[noreturn]] void wait_failed(const boost::system::error_code& ec, bool reading);
    /// Files one result of a statement into `last` / `error` (what read_outcome keeps);
    /// true when it was a COPY FROM STDIN that was refused and its CopyFail must be flushed.
    bool take_result(PGresult* r, Result& last, std::exception_ptr& error);
    /// Reads a statement's results up to the terminating NULL: the last result or the first
    /// error.
    boost::asio::awaitable<Outcome> read_outcome();
    boost::asio::awaitable<void> deallocate_evicted();
    boost::asio::awaitable<Outcome> run_once(std::string_view sql, const Params& params,
                                             bool& retryable);
    std::shared_ptr<detail::PipelinedRequest> send_pipelined(std::string_view sql,
                                                             const Params& params, bool may_group);
    void open_group(Clock::time_point deadline);
    void close_group();  // sends the open group's Sync
    void ensure_pipeline_io();
    void cork_until_tick_end() noexcept;  // see ConnectionIo::corked
    bool start_writer();            // false when one runs already
    bool poke_reader() noexcept;    // false when the reader is not asleep on a parsed answer
    static boost::asio::awaitable<void> pipeline_reader(Connection* self,
                                                        std::shared_ptr<detail::ConnectionIo> io);
    static boost::asio::awaitable<void> pipeline_writer(Connection* self,
                                                        std::shared_ptr<detail::ConnectionIo> io);
    void read_pipelined_results(detail::PipelinedRequest& request);
    void finish_front();  // the oldest request's results are all in: hand them over
    void fail_pipeline(const std::exception_ptr& error) noexcept;
    void rewrap_socket();
    void begin_operation();
    void end_operation() noexcept;
    void note_error(const std::exception_ptr& error) noexcept;
    void check_usable() const;
    [[noreturn]] void fail(std::string_view what);

    std::shared_ptr<detail::ConnectionIo> io_;
    PGconn* conn_ = nullptr;
    ConnectionSettings settings_;
    std::string secret_;
    detail::StatementCache cache_;
    Histogram* query_time_ = nullptr;
    Clock::time_point created_at_;
    bool broken_ = false;
    // Auto-pipelining (submit): statements sent and not yet answered, oldest first.
    std::deque<std::shared_ptr<detail::PipelinedRequest>> queue_;
    bool reader_running_ = false;
    bool writer_running_ = false;
    // The open group's Sync entry (read-only statements sent since the last Sync, see
    // submit); null when no group is open.
    const detail::PipelinedRequest* open_sync_ = nullptr;
    friend class OperationScope;
};

}  // namespace shipd::pg
