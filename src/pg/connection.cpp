// Connection: libpq non-blocking I/O on the Asio reactor.
#include "pg/connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <algorithm>
#include <cstring>
#include <optional>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "pg/detail/error_factory.hpp"
#include "pg/dsn.hpp"
#include "pg/errors.hpp"

namespace shipd::pg {

namespace asio = boost::asio;
using Clock = Connection::Clock;

namespace detail {

// The socket and the deadline watchdog, shared with the watchdog's pending handler so that
// a handler running after the Connection is gone touches nothing freed.
//
// The watchdog is a lazily armed timer: an operation sets `deadline`; the timer is re-armed
// only when it is not armed or armed too late, so a stream of queries with the same timeout
// costs no timer syscall per query. When it fires during an operation past its deadline it
// cancels the socket wait; the operation then sees `timed_out` and throws ConnectionError.
struct ConnectionIo {
    explicit ConnectionIo(asio::any_io_executor ex) : executor(ex), socket(ex), timer(ex) {}
    asio::any_io_executor executor;
    asio::posix::stream_descriptor socket;
    asio::steady_timer timer;
    Clock::time_point deadline = Clock::time_point::max();
    Clock::time_point armed_until = Clock::time_point::max();
    bool armed = false;
    bool active = false;
    bool timed_out = false;
    bool alive = true;
    // Auto-pipelining: the reader waits for readability; a send that found the socket full
    // may have read input into libpq's buffer meanwhile (libpq reads while it cannot write),
    // so the sender pokes the parked reader (cancels its wait) rather than leave it asleep
    // on data already received.
    bool reader_parked = false;
    bool poked = false;
    // Auto-pipelining: statements sent while others are in flight are held in the kernel
    // (TCP_CORK) until the loop has run every handler ready now, then go out together: one
    // segment and one wake-up of the backend for the whole tick instead of one each. `corked`
    // while an uncork is posted; `cork_unsupported` once the socket refused (a Unix socket).
    bool corked = false;
    bool cork_unsupported = false;

    static void arm(const std::shared_ptr<ConnectionIo>& io, Clock::time_point at) {
        io->armed = true;
        io->armed_until = at;
        io->timer.expires_at(at);
        io->timer.async_wait([io](const boost::system::error_code& ec) {
            if (ec || !io->alive) return;
            io->armed = false;
            if (!io->active) return;
            if (Clock::now() >= io->deadline) {
                io->timed_out = true;
                boost::system::error_code ignored;
                io->socket.cancel(ignored);
            } else {
                arm(io, io->deadline);
            }
        });
    }
};

// One statement submitted on an auto-pipelined connection (Connection::submit).
struct PipelinedRequest {
    explicit PipelinedRequest(const asio::any_io_executor& ex)
        : done_signal(ex, Clock::time_point::max()) {}
    asio::steady_timer done_signal;  // cancelled when the outcome is in
    std::string_view sql;            // the submitter's text; copied to owned_sql if it leaves
    std::string owned_sql;
    Clock::time_point deadline;
    int commands = 1;  // command results still to come: 2 when the prepare was sent too
    bool prepared_here = false;
    bool was_cached = false;
    bool prepare_failed = false;
    bool aborted = false;
    bool internal = false;  // a DEALLOCATE or a group's Sync: nobody waits for it
    bool grouped = false;   // read-only, sent without a Sync of its own (Connection::open_sync_)
    bool send_alone = false;  // grouped, left unrun by a neighbour's error: to be sent again
    bool done = false;
    Result result;
    std::exception_ptr error;

    void complete() {
        done = true;
        done_signal.cancel();
    }
};

}  // namespace detail

namespace {

std::chrono::milliseconds command_deadline(const ConnectionSettings& s) {
    if (s.command_timeout.count() <= 0) return std::chrono::milliseconds::max();
    return s.command_timeout + s.deadline_grace;
}

Clock::time_point after(std::chrono::milliseconds d) {
    if (d == std::chrono::milliseconds::max()) return Clock::time_point::max();
    return Clock::now() + d;
}

bool retry_after_prepare_error(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const PreparedStatementError&) {
        return true;
    } catch (...) {
        return false;
    }
}

std::string sqlstate_of(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        return e.sqlstate();
    } catch (...) {
        return {};
    }
}

// Parameter arrays in the shape libpq wants: up to kInline parameters without a heap
// allocation (the point-query path). Not copyable: data() may point into the object.
struct ParamArrays {
    static constexpr std::size_t kInline = 8;
    explicit ParamArrays(const Params& params) : n(params.size()) {
        if (n > kInline) heap.resize(n);
        const char** out = n > kInline ? heap.data() : inline_values;
        std::size_t i = 0;
        for (const auto& v : params.values()) out[i++] = v ? v->c_str() : nullptr;
    }
    ParamArrays(const ParamArrays&) = delete;
    ParamArrays& operator=(const ParamArrays&) = delete;
    int count() const { return static_cast<int>(n); }
    const char* const* data() const {
        if (n == 0) return nullptr;
        return n > kInline ? heap.data() : inline_values;
    }
    std::size_t n;
    const char* inline_values[kInline];
    std::vector<const char*> heap;
};

}  // namespace

// Marks the connection busy for the watchdog and clears it on every exit path.
class OperationScope {
public:
    // Holds the shared I/O state, not the Connection: when a Connection is destroyed while a
    // coroutine of it is suspended (its owner reset before the io_context is destroyed, at
    // shutdown), the frame's destruction must not touch the freed Connection.
    OperationScope(Connection& c, Clock::time_point deadline) : io_(c.io_) {
        auto& io = *io_;
        io.active = true;
        io.timed_out = false;
        io.deadline = deadline;
        if (deadline != Clock::time_point::max() && (!io.armed || io.armed_until > deadline)) {
            detail::ConnectionIo::arm(io_, deadline);
        }
    }
    ~OperationScope() { io_->active = false; }
    OperationScope(const OperationScope&) = delete;
    OperationScope& operator=(const OperationScope&) = delete;

private:
    std::shared_ptr<detail::ConnectionIo> io_;
};

Connection::Connection(asio::any_io_executor executor, const ConnectionSettings& settings)
    : io_(std::make_shared<detail::ConnectionIo>(executor)),
      settings_(settings),
      secret_(dsn_password(settings.dsn)),
      cache_(settings.statement_cache_size),
      created_at_(Clock::now()) {}

Connection::~Connection() {
    io_->alive = false;
    fail_pipeline(std::make_exception_ptr(ConnectionError("the connection was closed")));
    io_->timer.cancel();
    // libpq owns the descriptor: take it back from Asio before PQfinish closes it.
    if (io_->socket.is_open()) io_->socket.release();
    if (conn_) PQfinish(conn_);
}

const asio::any_io_executor& Connection::executor() const noexcept { return io_->executor; }

bool Connection::broken() const noexcept {
    return broken_ || conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK;
}

bool Connection::in_transaction() const noexcept {
    return conn_ != nullptr && PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

int Connection::backend_pid() const noexcept { return conn_ ? PQbackendPID(conn_) : 0; }

void Connection::rewrap_socket() {
    // libpq may close and reopen its socket while connecting (another host, SSL retry): the
    // number may even be reused, so wrap it afresh after every PQconnectPoll.
    if (io_->socket.is_open()) io_->socket.release();
    int fd = PQsocket(conn_);
    if (fd >= 0) io_->socket.assign(fd);
}

void Connection::fail(std::string_view what) {
    broken_ = true;
    std::rethrow_exception(detail::make_connection_error(conn_, what, secret_));
}

void Connection::check_usable() const {
    if (broken()) throw ConnectionError("connection is broken and cannot be reused");
}

void Connection::note_error(const std::exception_ptr& error) noexcept {
    if (evicts_connection(sqlstate_of(error)) || (conn_ && PQstatus(conn_) != CONNECTION_OK)) {
        broken_ = true;
    }
    try {
        std::rethrow_exception(error);
    } catch (const ConnectionError&) {
        broken_ = true;
    } catch (...) {
    }
}

asio::awaitable<std::unique_ptr<Connection>> Connection::connect(
    asio::any_io_executor executor, const ConnectionSettings& settings,
    std::string application_name) {
    std::unique_ptr<Connection> c(new Connection(executor, settings));
    co_await c->open(std::move(application_name));
    co_return c;
}

asio::awaitable<void> Connection::open(std::string application_name) {
    auto server_settings = parse_server_settings(settings_.server_settings);
    std::string dsn = normalize_dsn(settings_.dsn);
    if (application_name.empty()) application_name = settings_.application_name;
    std::string keepalives = settings_.keepalives ? "1" : "0";
    std::string idle = std::to_string(settings_.keepalives_idle.count());
    std::string interval = std::to_string(settings_.keepalives_interval.count());
    std::string count = std::to_string(settings_.keepalives_count);
    // dbname first: with expand_dbname the DSN's own values come in, the ones after override.
    const char* keys[] = {"dbname", "application_name", "client_encoding", "keepalives",
                          "keepalives_idle", "keepalives_interval", "keepalives_count", nullptr};
    const char* values[] = {dsn.c_str(), application_name.c_str(), "UTF8", keepalives.c_str(),
                            idle.c_str(), interval.c_str(), count.c_str(), nullptr};
    conn_ = PQconnectStartParams(keys, values, 1);
    if (conn_ == nullptr) throw ConnectionError("cannot allocate a libpq connection");
    if (PQstatus(conn_) == CONNECTION_BAD) fail("cannot connect to " + mask_dsn(dsn));
    if (PQsetnonblocking(conn_, 1) != 0) fail("cannot make the connection non-blocking");

    {
        auto deadline = Clock::now() + settings_.connect_timeout;
        OperationScope scope(*this, deadline);
        auto status = PGRES_POLLING_WRITING;
        try {
            while (status != PGRES_POLLING_OK) {
                if (status == PGRES_POLLING_FAILED) fail("cannot connect to " + mask_dsn(dsn));
                rewrap_socket();
                if (status == PGRES_POLLING_READING) {
                    co_await wait_readable();
                } else {
                    co_await wait_writable();
                }
                status = PQconnectPoll(conn_);
            }
        } catch (const ConnectionError&) {
            if (io_->timed_out) {
                broken_ = true;
                throw ConnectionError("connect to " + mask_dsn(dsn) + " timed out after " +
                                      std::to_string(settings_.connect_timeout.count()) + " ms");
            }
            throw;
        }
        rewrap_socket();
    }

    // The text codecs read timestamptz as DateStyle ISO prints it (pg::Timestamp here, the
    // store's select lists: store/detail/timestamp.hpp), so the session's DateStyle is fixed
    // whatever the server, database or role sets (DATABASE_SERVER_SETTINGS may not name it),
    // and TimeZone is UTC unless DATABASE_SERVER_SETTINGS names another (the decoders shift
    // any offset; UTC is their fast path). A SET in the set-up script, not a start-up
    // `options`: PgBouncer refuses `options` but tracks DateStyle and TimeZone per client.
    std::string setup = "SET DateStyle = 'ISO, YMD';";
    if (std::none_of(server_settings.begin(), server_settings.end(),
                     [](const auto& s) { return same_setting(s.first, "timezone"); })) {
        setup += "SET TimeZone = 'UTC';";
    }
    for (const auto& [name, value] : server_settings) {
        char* literal = PQescapeLiteral(conn_, value.c_str(), value.size());
        if (!literal) fail("cannot quote server setting " + name);
        setup += "SET " + name + " = " + literal + ";";
        PQfreemem(literal);
    }
    if (settings_.command_timeout.count() > 0) {
        setup += "SET statement_timeout = " + std::to_string(settings_.command_timeout.count()) + ";";
    }
    co_await execute_script(setup);
}

void Connection::wait_failed(const boost::system::error_code& ec, bool reading) {
    broken_ = true;
    if (io_->timed_out) {
        throw ConnectionError(reading ? "the server did not answer before the client deadline; "
                                        "connection abandoned"
                                      : "the server did not accept data before the client "
                                        "deadline; connection abandoned");
    }
    throw boost::system::system_error(ec);
}

asio::awaitable<void> Connection::wait_readable() {
    boost::system::error_code ec;
    co_await io_->socket.async_wait(asio::posix::stream_descriptor::wait_read,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) wait_failed(ec, true);
}

asio::awaitable<void> Connection::wait_writable() {
    boost::system::error_code ec;
    co_await io_->socket.async_wait(asio::posix::stream_descriptor::wait_write,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) wait_failed(ec, false);
}

asio::awaitable<void> Connection::flush() {
    for (;;) {
        int r = PQflush(conn_);
        if (r == 0) co_return;
        if (r < 0) fail("cannot send to the server");
        co_await wait_writable();
        // The server may be blocked sending results we have not read yet: read them.
        if (!PQconsumeInput(conn_)) fail("lost the connection");
    }
}

asio::awaitable<PGresult*> Connection::next_result() {
    while (PQisBusy(conn_)) {
        co_await wait_readable();
        if (!PQconsumeInput(conn_)) fail("lost the connection");
    }
    co_return PQgetResult(conn_);
}

bool Connection::take_result(PGresult* r, Result& last, std::exception_ptr& error) {
    switch (PQresultStatus(r)) {
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
        case PGRES_EMPTY_QUERY:
            last = Result(r);
            return false;
        case PGRES_FATAL_ERROR:
            if (!error) error = detail::make_error(r, secret_);
            PQclear(r);
            return false;
        case PGRES_COPY_IN:
            PQclear(r);
            PQputCopyEnd(conn_, "COPY FROM STDIN goes through Connection::copy_in");
            return true;
        case PGRES_COPY_OUT:
        case PGRES_COPY_BOTH:
            PQclear(r);
            broken_ = true;  // we never read COPY TO STDOUT: the session is out of step
            if (!error) error = std::make_exception_ptr(Error("COPY TO STDOUT is not supported"));
            return false;
        default:
            PQclear(r);
            return false;
    }
}

asio::awaitable<Outcome> Connection::read_outcome() {
    Result last;
    std::exception_ptr error;
    for (;;) {
        PGresult* r = co_await next_result();
        if (r == nullptr) break;
        if (take_result(r, last, error)) co_await flush();
    }
    if (error) {
        note_error(error);
        co_return Outcome(error);
    }
    co_return Outcome(std::move(last));
}

asio::awaitable<void> Connection::deallocate_evicted() {
    auto& names = cache_.evicted();
    if (names.empty()) co_return;
    std::string sql;
    for (const auto& n : names) sql += "DEALLOCATE " + n + ";";
    names.clear();
    if (!PQsendQuery(conn_, sql.c_str())) fail("cannot send DEALLOCATE");
    co_await flush();
    auto outcome = co_await read_outcome();
    outcome.value();
}

asio::awaitable<Outcome> Connection::run_once(std::string_view sql, const Params& params,
                                              bool& retryable) {
    ParamArrays p(params);
    retryable = false;
    if (cache_.capacity() == 0) {
        std::string text(sql);
        if (!PQsendQueryParams(conn_, text.c_str(), p.count(), nullptr, p.data(), nullptr,
                               nullptr, 0)) {
            fail("cannot send a query");
        }
        co_await flush();
        co_return co_await read_outcome();
    }
    std::string name;
    if (auto found = cache_.find(sql)) {
        name = *found;
        retryable = true;  // the server may have lost or invalidated it
    } else {
        co_await deallocate_evicted();
        name = cache_.insert(sql);
        std::string text(sql);
        if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), p.count(), nullptr)) {
            cache_.erase(sql);
            fail("cannot send a prepare");
        }
        co_await flush();
        auto prepared = co_await read_outcome();
        if (!prepared.ok()) {
            cache_.erase(sql);
            co_return prepared;
        }
    }
    if (!PQsendQueryPrepared(conn_, name.c_str(), p.count(), p.data(), nullptr, nullptr, 0)) {
        fail("cannot send a query");
    }
    co_await flush();
    co_return co_await read_outcome();
}

asio::awaitable<Result> Connection::execute(std::string_view sql, Params params) {
    check_usable();
    const auto start = Clock::now();
    const auto limit = command_deadline(settings_);
    OperationScope scope(*this, limit == std::chrono::milliseconds::max()
                                    ? Clock::time_point::max()
                                    : start + limit);
    bool retryable = false;
    std::optional<Outcome> outcome;
    std::optional<std::string_view> cached;
    if (cache_.capacity() != 0 && cache_.evicted().empty()) cached = cache_.find(sql);
    if (cached) {
        // The hot path (a cached statement): sent, flushed and read in this frame, without
        // the nested coroutines of run_once / flush / read_outcome / next_result (each
        // co_await of a coroutine function is a frame and a resumption). The name is a whole
        // std::string of the cache: data() is NUL-terminated.
        retryable = true;  // the server may have lost or invalidated it
        {
            ParamArrays p(params);
            if (!PQsendQueryPrepared(conn_, cached->data(), p.count(), p.data(), nullptr,
                                     nullptr, 0)) {
                fail("cannot send a query");
            }
        }
        const int flushed = PQflush(conn_);
        if (flushed < 0) fail("cannot send to the server");
        if (flushed > 0) co_await flush();
        Result last;
        std::exception_ptr error;
        for (;;) {
            // PQisBusy parses what libpq holds already (input a PQconsumeInput in flush()
            // read meanwhile): only an incomplete result waits for the socket.
            while (PQisBusy(conn_)) {
                boost::system::error_code ec;
                co_await io_->socket.async_wait(asio::posix::stream_descriptor::wait_read,
                                                asio::redirect_error(asio::use_awaitable, ec));
                if (ec) wait_failed(ec, true);
                if (!PQconsumeInput(conn_)) fail("lost the connection");
            }
            PGresult* r = PQgetResult(conn_);
            if (r == nullptr) break;
            if (take_result(r, last, error)) co_await flush();
        }
        if (error) {
            note_error(error);
            outcome.emplace(error);
        } else {
            outcome.emplace(std::move(last));
        }
    } else {
        outcome.emplace(co_await run_once(sql, params, retryable));
    }
    // 26000 / 0A000: the server lost the statement or its plan's result type changed (a
    // migration): drop the entry and prepare afresh, once. Not inside a transaction: the
    // error aborted it, a retry could only fail with 25P02.
    if (!outcome->ok() && retryable && retry_after_prepare_error(outcome->error()) &&
        !in_transaction()) {
        std::string state = sqlstate_of(outcome->error());
        cache_.erase(sql, state != "26000");
        outcome.emplace(co_await run_once(sql, params, retryable));
    }
    if (query_time_) query_time_->record(Clock::now() - start);
    co_return std::move(*outcome).take();
}

asio::awaitable<Result> Connection::execute_script(std::string_view sql) {
    check_usable();
    OperationScope scope(*this, after(command_deadline(settings_)));
    std::string text(sql);
    if (!PQsendQuery(conn_, text.c_str())) fail("cannot send a query");
    co_await flush();
    auto outcome = co_await read_outcome();
    co_return outcome.value();
}

asio::awaitable<void> Connection::ping(Clock::time_point deadline) {
    check_usable();
    OperationScope scope(*this, deadline);
    if (!PQsendQuery(conn_, "")) fail("cannot send a ping");
    co_await flush();
    auto outcome = co_await read_outcome();
    outcome.value();
}

asio::awaitable<std::vector<Outcome>> Connection::pipeline(std::vector<Query> queries,
                                                           PipelineSync sync) {
    const bool sync_each = sync == PipelineSync::kEachQuery;
    check_usable();
    std::vector<Outcome> outcomes;
    if (queries.empty()) co_return outcomes;
    auto start = Clock::now();
    std::vector<bool> retry(queries.size(), false);
    {
        OperationScope scope(*this, after(command_deadline(settings_)));
        co_await deallocate_evicted();
        if (!PQenterPipelineMode(conn_)) fail("cannot enter pipeline mode");
        // libpq 15's PQpipelineSync flushes each time: cork the TCP socket while the batch is
        // written so the server receives it in a few segments, not one packet per request
        // (a no-op on Unix sockets).
        int cork = 1;
        bool corked = setsockopt(PQsocket(conn_), IPPROTO_TCP, TCP_CORK, &cork, sizeof cork) == 0;
        std::vector<bool> prepared_here(queries.size(), false);
        std::vector<bool> was_cached(queries.size(), false);
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const auto& q = queries[i];
            ParamArrays p(q.params);
            int sent = 0;
            if (cache_.capacity() == 0) {
                sent = PQsendQueryParams(conn_, q.sql.c_str(), p.count(), nullptr, p.data(),
                                         nullptr, nullptr, 0);
            } else {
                std::string name;
                if (auto found = cache_.find(q.sql)) {
                    name = *found;
                    was_cached[i] = true;
                } else {
                    name = cache_.insert(q.sql);
                    prepared_here[i] = true;
                    if (!PQsendPrepare(conn_, name.c_str(), q.sql.c_str(), p.count(), nullptr)) {
                        fail("cannot send a prepare");
                    }
                }
                sent = PQsendQueryPrepared(conn_, name.c_str(), p.count(), p.data(), nullptr,
                                           nullptr, 0);
            }
            // One Sync per request: the error barrier, so a failure stays in its request.
            if (!sent || (sync_each && !PQpipelineSync(conn_))) {
                fail("cannot send a pipelined query");
            }
        }
        if (!sync_each && !PQpipelineSync(conn_)) fail("cannot send a pipeline sync");
        if (corked) {
            cork = 0;
            setsockopt(PQsocket(conn_), IPPROTO_TCP, TCP_CORK, &cork, sizeof cork);
        }
        co_await flush();
        outcomes.reserve(queries.size());
        const auto aborted = std::make_exception_ptr(
            PipelineAborted("not run: an earlier statement of the same pipeline request failed"));
        for (std::size_t i = 0; i < queries.size(); ++i) {
            Result last;
            std::exception_ptr error;
            bool was_aborted = false;
            bool prepare_failed = false;
            // Per statement: the prepare's results (when sent), then the execution's; each
            // ends with NULL. Per Sync segment: PGRES_PIPELINE_SYNC.
            for (int commands = prepared_here[i] ? 2 : 1; commands > 0;) {
                PGresult* r = co_await next_result();
                if (r == nullptr) {
                    --commands;
                    continue;
                }
                auto status = PQresultStatus(r);
                bool in_prepare = prepared_here[i] && commands == 2;
                if (status == PGRES_FATAL_ERROR) {
                    if (!error) error = detail::make_error(r, secret_);
                    prepare_failed = prepare_failed || in_prepare;
                    PQclear(r);
                } else if (status == PGRES_PIPELINE_ABORTED) {
                    was_aborted = true;
                    prepare_failed = prepare_failed || in_prepare;
                    PQclear(r);
                } else if (status == PGRES_PIPELINE_SYNC) {
                    PQclear(r);
                    fail("pipeline out of step");
                } else {
                    last = Result(r);
                }
            }
            if (sync_each || i + 1 == queries.size()) {
                PGresult* r = co_await next_result();
                bool synced = r && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
                if (r) PQclear(r);
                if (!synced) fail("pipeline out of step: no sync");
            }
            if (!error && was_aborted) error = aborted;
            if (error) {
                if (error != aborted) note_error(error);
                if (prepare_failed) {
                    cache_.erase(queries[i].sql);  // the server has no such statement
                } else if (retry_after_prepare_error(error)) {
                    cache_.erase(queries[i].sql, sqlstate_of(error) != "26000");
                }
                retry[i] = sync_each && was_cached[i] && retry_after_prepare_error(error);
                outcomes.emplace_back(error);
            } else {
                outcomes.emplace_back(std::move(last));
            }
        }
        if (!PQexitPipelineMode(conn_)) fail("cannot leave pipeline mode");
    }
    for (std::size_t i = 0; i < queries.size(); ++i) {
        if (retry[i] && !broken() && !in_transaction()) {
            try {
                outcomes[i] = Outcome(co_await execute(queries[i].sql, queries[i].params));
            } catch (const Error&) {
                outcomes[i] = Outcome(std::current_exception());
            }
        }
    }
    if (query_time_) query_time_->record(Clock::now() - start);
    co_return outcomes;
}

// ---- auto-pipelining (submit) -------------------------------------------------------------

asio::awaitable<Result> Connection::submit(std::string_view sql, const Params& params,
                                           Access access) {
    const auto start = Clock::now();
    bool may_group = access == Access::kReadOnly;
    for (int attempt = 0;; ++attempt) {
        auto request = send_pipelined(sql, params, may_group);
        boost::system::error_code ec;
        co_await request->done_signal.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!request->done) {
            // The waiter was cancelled: the reader still reads this statement's result and
            // drops it; the text must outlive the submitter.
            request->owned_sql.assign(sql);
            request->sql = request->owned_sql;
            throw boost::system::system_error(asio::error::operation_aborted);
        }
        if (request->send_alone) {
            // A neighbour in its group failed first: this one never ran. Again, alone (a
            // connection broken meanwhile throws from send_pipelined).
            may_group = false;
            --attempt;
            continue;
        }
        if (request->error) {
            // 26000 / 0A000 on a cached statement: the reader dropped the cache entry; prepare
            // afresh, once (no transaction spans pipelined statements).
            if (attempt == 0 && request->was_cached && !broken() &&
                retry_after_prepare_error(request->error)) {
                continue;
            }
            if (query_time_) query_time_->record(Clock::now() - start);
            std::rethrow_exception(request->error);
        }
        if (query_time_) query_time_->record(Clock::now() - start);
        co_return std::move(request->result);
    }
}

bool Connection::end_pipeline() noexcept {
    if (!queue_.empty()) return false;
    if (conn_ && PQpipelineStatus(conn_) != PQ_PIPELINE_OFF && !PQexitPipelineMode(conn_)) {
        broken_ = true;
        return false;
    }
    return true;
}

std::shared_ptr<detail::PipelinedRequest> Connection::send_pipelined(std::string_view sql,
                                                                     const Params& params,
                                                                     bool may_group) {
    check_usable();
    try {
        if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && !PQenterPipelineMode(conn_)) {
            fail("cannot enter pipeline mode");
        }
        const auto deadline = after(command_deadline(settings_));
        // A read-only statement joins the open group, or opens one when the pipe is busy (its
        // answer would wait behind the others anyway); anything else ends the group first.
        const bool group = may_group && !queue_.empty() && cache_.evicted().empty();
        if (!group) close_group();
        // Statements the LRU evicted: a DEALLOCATE each, as a request of its own.
        for (const auto& name : cache_.evicted()) {
            std::string text = "DEALLOCATE " + name;
            if (!PQsendQueryParams(conn_, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) ||
                !PQpipelineSync(conn_)) {
                fail("cannot send DEALLOCATE");
            }
            auto internal = std::make_shared<detail::PipelinedRequest>(io_->executor);
            internal->internal = true;
            internal->deadline = deadline;
            queue_.push_back(std::move(internal));
        }
        cache_.evicted().clear();

        if (!queue_.empty() && !group) cork_until_tick_end();
        if (group) open_group(deadline);
        auto request = std::make_shared<detail::PipelinedRequest>(io_->executor);
        request->sql = sql;
        request->deadline = deadline;
        ParamArrays p(params);
        int sent = 0;
        if (cache_.capacity() == 0) {
            std::string text(sql);
            sent = PQsendQueryParams(conn_, text.c_str(), p.count(), nullptr, p.data(), nullptr,
                                     nullptr, 0);
        } else {
            std::string name;
            if (auto found = cache_.find(sql)) {
                name = *found;
                request->was_cached = true;
            } else {
                name = cache_.insert(sql);
                std::string text(sql);
                if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), p.count(), nullptr)) {
                    cache_.erase(sql);
                    fail("cannot send a prepare");
                }
                request->prepared_here = true;
                request->commands = 2;
            }
            sent = PQsendQueryPrepared(conn_, name.c_str(), p.count(), p.data(), nullptr, nullptr, 0);
        }
        if (!sent) fail("cannot send a pipelined statement");
        if (group) {
            // Before the group's Sync (the queue's last entry while the group is open). libpq
            // keeps the text until the Sync flushes it at the end of the tick.
            request->grouped = true;
            queue_.insert(queue_.end() - 1, request);
            return request;
        }
        // One Sync per statement: its own error barrier and implicit transaction.
        if (!PQpipelineSync(conn_)) fail("cannot send a pipelined statement");
        queue_.push_back(request);
        ensure_pipeline_io();
        return request;
    } catch (...) {
        fail_pipeline(std::current_exception());
        throw;
    }
}

void Connection::ensure_pipeline_io() {
    // libpq 15's PQpipelineSync has tried to send already; what it could not send waits for
    // writability in the writer.
    int flushed = PQflush(conn_);
    if (flushed < 0) fail("cannot send to the server");
    if (flushed == 1) start_writer();
    if (!reader_running_) {
        reader_running_ = true;
        asio::co_spawn(io_->executor, pipeline_reader(this, io_), asio::detached);
    } else {
        poke_reader();
    }
}

void Connection::open_group(Clock::time_point deadline) {
    if (open_sync_) return;
    // The group's Sync is queued now, after the statements in flight; the group's statements
    // go before it. Nothing else is sent while the group is open (close_group() first).
    auto sync = std::make_shared<detail::PipelinedRequest>(io_->executor);
    sync->internal = true;
    sync->commands = 0;
    sync->deadline = deadline;
    open_sync_ = sync.get();
    queue_.push_back(std::move(sync));
    // Posted: runs after every handler the loop has ready now (their reads join the group).
    asio::post(io_->executor, [self = this, io = io_] {
        if (!io->alive) return;  // `self` is valid while io->alive
        try {
            self->close_group();
        } catch (...) {
            self->fail_pipeline(std::current_exception());
        }
    });
}

void Connection::close_group() {
    if (!open_sync_) return;
    open_sync_ = nullptr;
    if (broken_ || !conn_) return;
    if (!PQpipelineSync(conn_)) fail("cannot send a pipeline sync");
    ensure_pipeline_io();
}

void Connection::cork_until_tick_end() noexcept {
    if (io_->corked || io_->cork_unsupported) return;
    const int fd = PQsocket(conn_);
    const int on = 1;
    if (fd < 0 || ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on) != 0) {
        io_->cork_unsupported = true;
        return;
    }
    io_->corked = true;
    // Posted: runs after every handler the loop has ready now (their statements join this
    // segment). Uncorking transmits what is held; a closed connection needs no uncork.
    asio::post(io_->executor, [io = io_, fd] {
        if (!io->alive || !io->corked) return;
        io->corked = false;
        const int off = 0;
        ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &off, sizeof off);
    });
}

bool Connection::start_writer() {
    if (writer_running_) return false;
    writer_running_ = true;
    asio::co_spawn(io_->executor, pipeline_writer(this, io_), asio::detached);
    return true;
}

bool Connection::poke_reader() noexcept {
    // The reader sleeps on readability, but libpq may hold a whole answer already (read by a
    // flush while the socket was full): cancel its wait so it parses.
    if (!io_->reader_parked || io_->poked || PQisBusy(conn_)) return false;
    io_->poked = true;
    boost::system::error_code ignored;
    io_->socket.cancel(ignored);
    return true;
}

bool Connection::unstick_pipeline() noexcept {
    if (queue_.empty() || broken_ || !conn_) return false;
    bool acted = PQflush(conn_) == 1 && start_writer();
    acted = poke_reader() || acted;
    return acted;
}

asio::awaitable<void> Connection::pipeline_writer(Connection* self,
                                                  std::shared_ptr<detail::ConnectionIo> io) {
    // `self` is valid while io->alive: the destructor clears it before freeing anything.
    for (;;) {
        int flushed = PQflush(self->conn_);
        if (flushed < 0) {
            self->fail_pipeline(detail::make_connection_error(self->conn_, "cannot send to the server", self->secret_));
            break;
        }
        self->poke_reader();
        if (flushed == 0) break;
        boost::system::error_code ec;
        co_await io->socket.async_wait(asio::posix::stream_descriptor::wait_write,
                                       asio::redirect_error(asio::use_awaitable, ec));
        if (!io->alive) co_return;
        if (io->timed_out || self->broken_) break;  // the reader reports it
        // Another error (a poke meant for the reader): try again.
    }
    self->writer_running_ = false;
}

asio::awaitable<void> Connection::pipeline_reader(Connection* self,
                                                  std::shared_ptr<detail::ConnectionIo> io) {
    // `self` is valid while io->alive: the destructor clears it before freeing anything.
    while (!self->queue_.empty()) {
        try {
            // libpq answers a group's statements skipped after an error by itself, maybe
            // before the group's Sync is sent (PQconsumeInput flushes what it holds): the
            // open group's Sync entry waits for close_group().
            while (!self->queue_.empty() && self->queue_.front().get() != self->open_sync_ &&
                   !PQisBusy(self->conn_)) {
                self->read_pipelined_results(*self->queue_.front());
            }
        } catch (...) {
            self->fail_pipeline(std::current_exception());
            break;
        }
        if (self->queue_.empty()) break;
        // The watchdog: the oldest statement's deadline (lazily armed, see ConnectionIo).
        const auto deadline = self->queue_.front()->deadline;
        io->active = true;
        io->timed_out = false;
        io->deadline = deadline;
        if (deadline != Clock::time_point::max() && (!io->armed || io->armed_until > deadline)) {
            detail::ConnectionIo::arm(io, deadline);
        }
        boost::system::error_code ec;
        io->reader_parked = true;
        co_await io->socket.async_wait(asio::posix::stream_descriptor::wait_read,
                                       asio::redirect_error(asio::use_awaitable, ec));
        if (!io->alive) co_return;
        io->reader_parked = false;
        if (ec && io->poked && !io->timed_out) {
            io->poked = false;
            continue;  // libpq holds input already: parse it
        }
        io->poked = false;
        if (ec) {
            self->fail_pipeline(std::make_exception_ptr(ConnectionError(
                io->timed_out ? "the server did not answer before the client deadline; "
                                "connection abandoned"
                              : "waiting for the server failed: " + ec.message())));
            break;
        }
        if (!PQconsumeInput(self->conn_)) {
            self->fail_pipeline(detail::make_connection_error(self->conn_, "lost the connection", self->secret_));
            break;
        }
    }
    io->active = false;
    self->reader_running_ = false;
}

void Connection::read_pipelined_results(detail::PipelinedRequest& q) {
    PGresult* r = PQgetResult(conn_);
    if (q.commands > 0) {
        if (r == nullptr) {  // the end of one command's results
            // A grouped statement has no Sync of its own: its last NULL ends it.
            if (--q.commands == 0 && q.grouped) finish_front();
            return;
        }
        const bool in_prepare = q.prepared_here && q.commands == 2;
        switch (PQresultStatus(r)) {
            case PGRES_TUPLES_OK:
            case PGRES_COMMAND_OK:
            case PGRES_EMPTY_QUERY:
                if (in_prepare) {
                    PQclear(r);
                } else {
                    q.result = Result(r);
                }
                return;
            case PGRES_FATAL_ERROR:
                if (!q.error) q.error = detail::make_error(r, secret_);
                q.prepare_failed = q.prepare_failed || in_prepare;
                PQclear(r);
                return;
            case PGRES_PIPELINE_ABORTED:
                q.aborted = true;
                q.prepare_failed = q.prepare_failed || in_prepare;
                PQclear(r);
                return;
            default:
                PQclear(r);
                fail("pipeline out of step: unexpected result");
        }
    }
    // Both commands are done: the request's Sync comes next (a group's Sync is an entry of
    // its own, with no command).
    bool synced = r != nullptr && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    if (r) PQclear(r);
    if (!synced) fail("pipeline out of step: no sync");
    finish_front();
}

void Connection::finish_front() {
    auto request = std::move(queue_.front());
    queue_.pop_front();
    if (request->internal) return;  // a DEALLOCATE (its failure only leaves a name behind) or a group's Sync
    if (request->grouped && request->aborted && !request->error) {
        // A neighbour failed first and the server skipped this one: it is sent again.
        if (request->prepare_failed) cache_.erase(request->sql);
        request->send_alone = true;
        request->complete();
        return;
    }
    if (!request->error && request->aborted) {
        request->error = std::make_exception_ptr(
            PipelineAborted("not run: its statement could not be prepared"));
    }
    if (request->error) {
        note_error(request->error);
        if (request->prepare_failed) {
            cache_.erase(request->sql);  // the server has no such statement
        } else if (retry_after_prepare_error(request->error)) {
            cache_.erase(request->sql, sqlstate_of(request->error) != "26000");
        }
    }
    request->complete();
}

void Connection::fail_pipeline(const std::exception_ptr& error) noexcept {
    if (queue_.empty()) return;
    broken_ = true;
    open_sync_ = nullptr;  // its entry goes with the queue
    auto pending = std::move(queue_);
    queue_.clear();
    for (auto& request : pending) {
        if (request->done) continue;
        request->error = error;
        request->complete();
    }
}

asio::awaitable<std::uint64_t> Connection::copy_in(std::string_view copy_sql,
                                                   std::string_view data) {
    check_usable();
    auto start = Clock::now();
    OperationScope scope(*this, after(command_deadline(settings_)));
    std::string text(copy_sql);
    if (!PQsendQuery(conn_, text.c_str())) fail("cannot send COPY");
    co_await flush();
    PGresult* r = co_await next_result();
    if (r == nullptr || PQresultStatus(r) != PGRES_COPY_IN) {
        std::exception_ptr error;
        if (r && PQresultStatus(r) == PGRES_FATAL_ERROR) error = detail::make_error(r, secret_);
        if (r) PQclear(r);
        // Drain whatever else the statement produced, then report.
        auto rest = co_await read_outcome();
        if (!error && !rest.ok()) error = rest.error();
        if (!error) error = std::make_exception_ptr(Error("copy_in needs COPY ... FROM STDIN"));
        note_error(error);
        std::rethrow_exception(error);
    }
    PQclear(r);
    // 64 KiB per CopyData message keeps libpq's buffer small.
    constexpr std::size_t kChunk = 64 * 1024;
    while (!data.empty()) {
        auto n = std::min(kChunk, data.size());
        int rc = PQputCopyData(conn_, data.data(), static_cast<int>(n));
        if (rc < 0) fail("COPY data was not sent");
        if (rc == 0) {
            co_await wait_writable();
            continue;
        }
        data.remove_prefix(n);
        if (PQflush(conn_) == 1) co_await flush();
    }
    for (;;) {
        int rc = PQputCopyEnd(conn_, nullptr);
        if (rc < 0) fail("COPY end was not sent");
        if (rc == 1) break;
        co_await wait_writable();
    }
    co_await flush();
    auto outcome = co_await read_outcome();
    if (query_time_) query_time_->record(Clock::now() - start);
    co_return outcome.value().rows_affected();
}

}  // namespace shipd::pg
