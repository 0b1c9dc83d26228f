// Pool: acquire / release, FIFO hand-off, fail-fast while down, background reconnect, the
// janitor (leaks, idle overflow, lifetime, refill).
#include "pg/pool.hpp"
#include "pg/wait_tally.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <optional>
#include <random>

#include "pg/dsn.hpp"
#include "pg/errors.hpp"
#include "pg/transaction.hpp"

namespace shipd::pg {

namespace asio = boost::asio;
using Clock = Pool::Clock;
using detail::PoolEntry;

namespace detail {

struct PoolWaiter {
    explicit PoolWaiter(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    std::string label;
    PoolEntry* entry = nullptr;  // handed over by deliver()
    std::exception_ptr error;    // or failed by fail_waiters()
    bool done = false;
};

// A leased connection in pipeline mode shared by many statements (Pool::execute_params).
struct Pipe {
    explicit Pipe(Lease l) : lease(std::move(l)) {}
    Lease lease;
    std::size_t in_flight = 0;
    /// Send-to-answer time of its statements, µs, a moving average (the newest weighs 1/8):
    /// queueing behind the others included, so it grows when the backend cannot keep up.
    double latency_us = 0;
};

}  // namespace detail

namespace {

std::minstd_rand& rng() {
    thread_local std::minstd_rand r{std::random_device{}()};
    return r;
}

double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng()); }

long long ms(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// Wakes the first waiter of `queue` still waiting (failed with `error` when set), dropping the
// ones that gave up (timed out or cancelled: done already); false when none was waiting.
bool wake_first(std::deque<std::shared_ptr<detail::PoolWaiter>>& queue, std::size_t& waiting,
                const std::exception_ptr& error) {
    while (!queue.empty()) {
        auto w = std::move(queue.front());
        queue.pop_front();
        if (w->done) continue;
        w->done = true;
        --waiting;
        w->error = error;
        w->timer.cancel();
        return true;
    }
    return false;
}

}  // namespace

// ---- Lease ----------------------------------------------------------------------------

Lease::Lease(Lease&& other) noexcept
    : pool_(std::move(other.pool_)), entry_(std::exchange(other.entry_, nullptr)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::move(other.pool_);
        entry_ = std::exchange(other.entry_, nullptr);
    }
    return *this;
}

Lease::~Lease() { release(); }

void Lease::release() noexcept {
    if (entry_) {
        pool_->release(std::exchange(entry_, nullptr));
        pool_.reset();
    }
}

// ---- Pool -----------------------------------------------------------------------------

std::shared_ptr<Pool> Pool::create(asio::any_io_executor executor, ConnectionSettings connection,
                                   PoolSettings settings) {
    return std::shared_ptr<Pool>(new Pool(executor, std::move(connection), std::move(settings)));
}

Pool::Pool(asio::any_io_executor executor, ConnectionSettings connection, PoolSettings settings)
    : executor_(executor),
      connection_settings_(std::move(connection)),
      settings_(std::move(settings)),
      janitor_timer_(executor),
      reconnect_timer_(executor) {
    if (settings_.size == 0) settings_.size = 1;
    settings_.min_size = std::min(settings_.min_size, settings_.max_size());
}

Pool::~Pool() { close(); }

std::string Pool::app_name() const {
    return connection_settings_.application_name + "/" + settings_.name;
}

Clock::time_point Pool::jittered_expiry() {
    // Each connection loses a random share of its lifetime so that connections opened together
    // (at start, after an outage) are not recycled together.
    auto life = std::chrono::duration_cast<Clock::duration>(settings_.max_lifetime);
    auto cut = std::chrono::duration_cast<Clock::duration>(
        life * uniform(0.0, std::clamp(settings_.lifetime_jitter, 0.0, 0.9)));
    return Clock::now() + life - cut;
}

PoolEntry* Pool::add_entry(std::unique_ptr<Connection> connection) {
    connection->set_query_histogram(&query_time_);
    auto& e = entries_.emplace_back();
    e.connection = std::move(connection);
    e.expires_at = jittered_expiry();
    e.last_used = Clock::now();
    return &e;
}

void Pool::take(PoolEntry* e, const std::string& label) {
    e->in_use = true;
    e->leak_reported = false;
    e->acquired_at = Clock::now();
    e->label = label;
    ++in_use_;
}

void Pool::discard(PoolEntry* e, std::string_view reason) {
    if (e->in_use) {
        e->in_use = false;
        --in_use_;
    }
    std::erase(idle_, e);
    spdlog::debug("pg pool {}: closing a connection: {}", settings_.name, reason);
    ++evicted_;
    --total_;
    entries_.remove_if([e](const PoolEntry& x) { return &x == e; });
    maybe_open();
}

void Pool::deliver(PoolEntry* e) {
    while (!waiters_.empty()) {
        auto w = std::move(waiters_.front());
        waiters_.pop_front();
        if (w->done) continue;
        w->done = true;
        --waiting_;
        take(e, w->label);
        w->entry = e;
        w->timer.cancel();
        return;
    }
    e->last_used = Clock::now();
    idle_.push_back(e);
}

void Pool::fail_waiters(std::exception_ptr error) {
    while (wake_first(waiters_, waiting_, error)) {
    }
}

void Pool::maybe_open() {
    // One connection on its way per waiter, within max_size; none while the database is known
    // down (the reconnect task owns that).
    while (!down_ && !closed_ && total_ < settings_.max_size() && opening_ < waiting_) {
        spawn_open();
    }
}

void Pool::spawn_open() {
    ++total_;
    ++opening_;
    asio::co_spawn(executor_, open_one(shared_from_this()), asio::detached);
}

asio::awaitable<void> Pool::open_one([[maybe_unused]] std::shared_ptr<Pool> self) {
    std::unique_ptr<Connection> c;
    try {
        c = co_await Connection::connect(executor_, connection_settings_, app_name());
    } catch (const std::exception& e) {
        --opening_;
        --total_;
        ++connect_errors_;
        mark_down(e.what());
        co_return;
    }
    --opening_;
    if (closed_) {
        --total_;
        co_return;
    }
    if (down_) {
        down_ = false;
        spdlog::info("pg pool {}: database reachable again", settings_.name);
    }
    deliver(add_entry(std::move(c)));
    maybe_open();
}

void Pool::mark_down(std::string reason) {
    last_error_ = std::move(reason);
    if (closed_) return;
    if (!down_) {
        down_ = true;
        spdlog::warn("pg pool {}: database unavailable ({}); reconnecting in the background",
                     settings_.name, last_error_);
    }
    // Waiters that no open connection can ever be returned to would only sit out their
    // timeout: fail them now.
    if (total_ == opening_) {
        fail_waiters(std::make_exception_ptr(DatabaseUnavailable(
            "database unavailable (pool " + settings_.name + "): " + last_error_)));
    }
    if (!reconnecting_) {
        reconnecting_ = true;
        asio::co_spawn(executor_, reconnect_loop(weak_from_this()), asio::detached);
    }
}

asio::awaitable<void> Pool::reconnect_loop(std::weak_ptr<Pool> weak) {
    // Holds the pool only while it works, not while it sleeps: a pool dropped without close()
    // is freed, its timer cancelled, and this loop ends without touching it.
    auto backoff = settings_.reconnect_backoff_min;
    for (;;) {
        auto pause = std::chrono::duration_cast<std::chrono::milliseconds>(backoff * uniform(1.0, 1.5));
        reconnect_timer_.expires_after(pause);
        boost::system::error_code ec;
        co_await reconnect_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        auto self = weak.lock();
        if (!self || closed_ || !down_) break;
        ++total_;
        ++opening_;
        std::unique_ptr<Connection> c;
        try {
            c = co_await Connection::connect(executor_, connection_settings_, app_name());
        } catch (const std::exception& e) {
            last_error_ = e.what();
            ++connect_errors_;
        }
        --opening_;
        if (!c || closed_) {
            --total_;
            backoff = std::min(backoff * 2, settings_.reconnect_backoff_max);
            if (closed_) break;
            continue;
        }
        down_ = false;
        spdlog::info("pg pool {}: database reachable again", settings_.name);
        deliver(add_entry(std::move(c)));
        maybe_open();
        break;
    }
    if (auto self = weak.lock()) reconnecting_ = false;
}

asio::awaitable<void> Pool::start() {
    auto self = shared_from_this();
    std::size_t n = std::max<std::size_t>(settings_.min_size, 1);
    for (std::size_t i = 0; i < n && !down_; ++i) {
        ++total_;
        ++opening_;
        std::unique_ptr<Connection> c;
        std::string error;
        try {
            c = co_await Connection::connect(executor_, connection_settings_, app_name());
        } catch (const std::exception& e) {
            error = e.what();
        }
        --opening_;
        if (!c) {
            --total_;
            ++connect_errors_;
            if (settings_.startup_mode == StartupMode::kFail) {
                last_error_ = error;
                down_ = true;
                throw DatabaseUnavailable("pool " + settings_.name + ": cannot connect to " +
                                          mask_dsn(connection_settings_.dsn) + ": " + error);
            }
            mark_down(error);
            break;
        }
        deliver(add_entry(std::move(c)));
    }
    if (!janitor_running_ && !closed_) {
        janitor_running_ = true;
        asio::co_spawn(executor_, janitor_loop(weak_from_this()), asio::detached);
    }
}

asio::awaitable<Lease> Pool::acquire(std::string label) {
    return acquire(std::move(label), settings_.acquire_timeout);
}

asio::awaitable<Lease> Pool::acquire(std::string label, std::chrono::milliseconds timeout) {
    auto self = shared_from_this();
    const auto start = Clock::now();
    const auto deadline = start + timeout;
    wait_tally::Scope tally(start);  // this wait counts for the caller's request (wait_tally.hpp)
    for (;;) {
        if (closed_) throw PoolClosed("pool " + settings_.name + " is closed");
        if (!idle_.empty()) {
            PoolEntry* e = idle_.back();
            idle_.pop_back();
            take(e, label);
            bool check = settings_.pre_ping &&
                         Clock::now() - e->last_used > settings_.validation_window;
            if (check || e->connection->broken()) {
                bool ok = !e->connection->broken();
                if (ok) {
                    try {
                        auto limit = std::min(deadline, Clock::now() + connection_settings_.connect_timeout);
                        co_await e->connection->ping(limit);
                    } catch (const std::exception&) {
                        ok = false;
                    }
                }
                if (!ok) {
                    discard(e, "failed validation on checkout");
                    continue;
                }
            }
            ++acquired_total_;
            acquire_wait_.record(Clock::now() - start);
            co_return Lease(self, e);
        }
        break;
    }
    if (down_) {
        ++unavailable_;
        throw DatabaseUnavailable("database unavailable (pool " + settings_.name +
                                  "): " + last_error_);
    }
    if (waiting_ >= settings_.max_waiters) {
        ++overloaded_;
        throw PoolOverloaded("pool " + settings_.name + " overloaded: " +
                             std::to_string(waiting_) + " requests already waiting");
    }
    auto w = std::make_shared<detail::PoolWaiter>(executor_);
    w->label = std::move(label);
    w->timer.expires_at(deadline);
    waiters_.push_back(w);
    ++waiting_;
    maybe_open();

    boost::system::error_code ec;
    co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!w->done) {  // not handed anything: timed out or cancelled; the queue drops it lazily
        w->done = true;
        --waiting_;
    }
    auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
    if (w->entry) {
        Lease lease(self, w->entry);
        if (cancelled != asio::cancellation_type::none) {
            throw boost::system::system_error(asio::error::operation_aborted);  // lease returns it
        }
        ++acquired_total_;
        acquire_wait_.record(Clock::now() - start);
        co_return lease;
    }
    if (w->error) std::rethrow_exception(w->error);
    if (!ec) {
        ++timeouts_;
        throw PoolTimeout("pool " + settings_.name + ": no connection within " +
                          std::to_string(timeout.count()) + " ms (in use " +
                          std::to_string(in_use_) + "/" + std::to_string(settings_.max_size()) +
                          ", waiting " + std::to_string(waiting_) + ")");
    }
    throw boost::system::system_error(asio::error::operation_aborted);
}

void Pool::release(PoolEntry* e) noexcept {
    if (e->leak_reported) {
        spdlog::warn("pg pool {}: lease '{}' returned after {} ms", settings_.name, e->label,
                     ms(Clock::now() - e->acquired_at));
    }
    try {
        auto& c = *e->connection;
        if (closed_ || c.broken()) {
            discard(e, closed_ ? "pool closed" : "connection broken");
            return;
        }
        if (c.in_transaction()) {
            // Still counted in use: nobody gets it before the rollback is done.
            asio::co_spawn(executor_, rollback_then_release(shared_from_this(), e), asio::detached);
            return;
        }
        e->in_use = false;
        --in_use_;
        if (Clock::now() >= e->expires_at) {
            discard(e, "max lifetime reached");
            return;
        }
        deliver(e);
    } catch (const std::exception& ex) {
        spdlog::error("pg pool {}: releasing a connection failed: {}", settings_.name, ex.what());
    }
}

asio::awaitable<void> Pool::rollback_then_release([[maybe_unused]] std::shared_ptr<Pool> self, PoolEntry* e) {
    bool ok = true;
    try {
        co_await e->connection->execute_script("ROLLBACK");
    } catch (const std::exception&) {
        ok = false;
    }
    if (!ok || e->connection->in_transaction()) {
        discard(e, "rollback on return failed");
        co_return;
    }
    release(e);
}

// ---- auto-pipelining --------------------------------------------------------------------

bool Pool::pipelining() const noexcept {
    return settings_.pipeline_connections > 0 && settings_.pipeline_depth > 0 &&
           connection_settings_.statement_cache_size > 0;
}

bool Pool::keeps_up(const detail::Pipe& pipe) const noexcept {
    const auto spill = settings_.pipeline_spill_after.count();
    return spill > 0 && pipe.latency_us < static_cast<double>(spill);
}

detail::Pipe* Pool::pick_pipe() noexcept {
    // The least loaded pipe with room, or with pipeline_spill_after the first with room that
    // keeps up (the pipes fill in turn); a broken or expired one takes nothing new (it is
    // retired once its statements are answered).
    const auto now = Clock::now();
    detail::Pipe* best = nullptr;
    for (auto& p : pipes_) {
        if (p->in_flight >= settings_.pipeline_depth || p->lease->broken() ||
            now >= p->lease.entry_->expires_at) {
            continue;
        }
        if (keeps_up(*p)) return p.get();
        if (!best || p->in_flight < best->in_flight) best = p.get();
    }
    return best;
}

void Pool::settle_pipe(detail::Pipe* pipe) noexcept {
    // An idle pipe goes back to the pool at once: the next statement takes an idle connection
    // again (no I/O), and the pool's view of in_use stays true.
    if (pipe->in_flight > 0) return;
    // Statements of cancelled callers still in flight: their answers must be read first (the
    // connection cannot leave pipeline mode before); the pipe stays and takes new statements,
    // and the janitor settles it once they are read (check_pipelines).
    if (pipe->lease->in_flight() > 0 && !pipe->lease->broken()) return;
    pipe->lease->end_pipeline();
    auto it = std::find_if(pipes_.begin(), pipes_.end(), [pipe](const auto& p) { return p.get() == pipe; });
    if (it != pipes_.end()) pipes_.erase(it);  // the lease returns the connection
}

void Pool::wake_pipe_waiter() noexcept { wake_first(pipe_waiters_, pipe_waiting_, nullptr); }

void Pool::check_pipelines() {
    // The janitor's stall check. Neither case should ever happen; if one does, the log says
    // what was stuck and the pool goes on instead of leaving requests waiting for their
    // timeout.
    for (auto& p : pipes_) {
        if (p->lease->unstick_pipeline()) {
            ++pipeline_stalls_;
            spdlog::error("pg pool {}: a pipelined connection had answers unread or text unsent "
                          "with nobody working on it ({} statements in flight); woken",
                          settings_.name, p->in_flight);
        }
    }
    // Pipes kept for the answers of cancelled callers: back to the pool once those are read.
    std::vector<detail::Pipe*> idle;
    for (auto& p : pipes_) {
        if (p->in_flight == 0 && p->lease->in_flight() == 0) idle.push_back(p.get());
    }
    for (auto* p : idle) settle_pipe(p);
    if (!idle.empty()) wake_pipe_waiter();
    // Callers queued for room while no pipe carries anything and none is opening: the wake-up
    // they wait for cannot come.
    // Held at two checks in a row: a caller just woken may not have run yet.
    const bool busy = std::any_of(pipes_.begin(), pipes_.end(), [](const auto& p) { return p->in_flight > 0; });
    const bool suspect = pipe_waiting_ > 0 && !busy && pipes_opening_ == 0;
    const bool stalled = suspect && pipe_stall_suspect_;
    pipe_stall_suspect_ = suspect && !stalled;
    if (stalled) {
        ++pipeline_stalls_;
        spdlog::error("pg pool {}: {} callers waited for pipeline room with no statement in flight "
                      "({} pipes); woken",
                      settings_.name, pipe_waiting_, pipes_.size());
        while (wake_first(pipe_waiters_, pipe_waiting_, nullptr)) {
        }
    }
}

asio::awaitable<Result> Pool::execute_params(std::string_view sql, Params params) {
    return run_statement(sql, std::move(params), Access::kReadWrite);
}

asio::awaitable<Result> Pool::read_params(std::string_view sql, Params params) {
    return run_statement(sql, std::move(params), Access::kReadOnly);
}

asio::awaitable<Result> Pool::run_statement(std::string_view sql, Params params, Access access) {
    // A lone statement (nothing of this pool running, an idle connection ready) takes the
    // plain path: pipeline mode costs a Sync and a reader coroutine (+23 % for one statement,
    // bench/RESULTS.md) and pays off only when statements overlap. The next statement that
    // arrives while this one runs sees in_use_ > 0 and opens a pipe.
    if (!pipelining() || (in_use_ == 0 && pipes_.empty() && pipes_opening_ == 0 && !idle_.empty())) {
        auto lease = co_await acquire();
        co_return co_await lease->execute(sql, std::move(params));
    }
    auto self = shared_from_this();
    const auto start = Clock::now();
    const auto deadline = start + settings_.acquire_timeout;
    detail::Pipe* pipe = nullptr;
    bool opened = false;  // acquire() counted and timed it already
    // The caller's request waits from here until its statement has room in a pipe.
    std::optional<wait_tally::Scope> tally(std::in_place, start);
    for (;;) {
        if (closed_) throw PoolClosed("pool " + settings_.name + " is closed");
        pipe = pick_pipe();
        // Filling in turn (pipeline_spill_after), one pipe opens at a time: callers arriving
        // meanwhile queue for it instead of opening the next.
        const bool can_open = pipes_.size() + pipes_opening_ < settings_.pipeline_connections &&
                              (settings_.pipeline_spill_after.count() == 0 || pipes_opening_ == 0);
        // Spread over the pipes (one busy backend per pipe), then fill them; with
        // pipeline_spill_after, fill one while it keeps up before opening the next.
        if (pipe && (pipe->in_flight == 0 || keeps_up(*pipe) || !can_open)) break;
        if (can_open) {
            ++pipes_opening_;
            Lease lease;
            std::exception_ptr error;
            try {
                auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
                lease = co_await acquire("pipeline", std::max(left, std::chrono::milliseconds(0)));
            } catch (...) {
                error = std::current_exception();
            }
            --pipes_opening_;
            if (error) {
                wake_pipe_waiter();  // it may open the pipe this one could not
                std::rethrow_exception(error);
            }
            pipes_.push_back(std::make_unique<detail::Pipe>(std::move(lease)));
            pipe = pipes_.back().get();
            opened = true;
            // The callers that queued while it opened fill the rest of its depth now, not one
            // per answered statement.
            for (std::size_t room = settings_.pipeline_depth - 1; room > 0 && pipe_waiting_ > 0; --room) {
                wake_pipe_waiter();
            }
            break;
        }
        if (waiting_ + pipe_waiting_ >= settings_.max_waiters) {
            ++overloaded_;
            throw PoolOverloaded("pool " + settings_.name + " overloaded: " +
                                 std::to_string(waiting_ + pipe_waiting_) + " requests already waiting");
        }
        auto w = std::make_shared<detail::PoolWaiter>(executor_);
        w->timer.expires_at(deadline);
        pipe_waiters_.push_back(w);
        ++pipe_waiting_;
        boost::system::error_code ec;
        co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        const bool woken = w->done;
        if (!w->done) {
            w->done = true;
            --pipe_waiting_;
        }
        if (w->error) std::rethrow_exception(w->error);
        if (!woken) {
            if (ec) throw boost::system::system_error(asio::error::operation_aborted);
            ++timeouts_;
            throw PoolTimeout("pool " + settings_.name + ": no room in a pipeline within " +
                              std::to_string(settings_.acquire_timeout.count()) + " ms (" +
                              std::to_string(pipes_.size()) + " pipelines of " +
                              std::to_string(settings_.pipeline_depth) + ", waiting " +
                              std::to_string(pipe_waiting_) + ")");
        }
    }
    tally.reset();
    ++pipe->in_flight;
    ++pipelined_total_;
    if (!opened) {
        ++acquired_total_;
        acquire_wait_.record(Clock::now() - start);
    }
    Result result;
    std::exception_ptr error;
    const auto sent = Clock::now();
    try {
        result = co_await pipe->lease->submit(sql, params, access);
    } catch (...) {
        error = std::current_exception();
    }
    const auto answered = Clock::now();
    pipe->latency_us += (std::chrono::duration<double, std::micro>(answered - sent).count() - pipe->latency_us) / 8;
    --pipe->in_flight;
    pipe->lease.entry_->acquired_at = answered;  // busy, not leaked
    settle_pipe(pipe);
    wake_pipe_waiter();
    if (error) std::rethrow_exception(error);
    co_return result;
}

asio::awaitable<Transaction> Pool::begin(std::string label) {
    return begin(std::move(label), TransactionOptions{});
}

asio::awaitable<Transaction> Pool::begin(std::string label, TransactionOptions options) {
    auto lease = co_await acquire(std::move(label));
    co_return co_await Transaction::begin(std::move(lease), options);
}

asio::awaitable<void> Pool::janitor_loop(std::weak_ptr<Pool> weak) {
    // Like reconnect_loop: holds the pool only while it works.
    for (;;) {
        {
            auto self = weak.lock();
            if (!self || closed_) break;
            janitor_timer_.expires_after(settings_.janitor_period);
        }
        boost::system::error_code ec;
        co_await janitor_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        auto self = weak.lock();
        if (!self || closed_) break;
        try {
            run_janitor();
        } catch (const std::exception& e) {
            spdlog::error("pg pool {}: maintenance failed: {}", settings_.name, e.what());
        }
    }
    if (auto self = weak.lock()) janitor_running_ = false;
}

void Pool::run_janitor() {
    const auto now = Clock::now();
    check_pipelines();
    // Leases held past the threshold: name the holder once per lease.
    if (settings_.leak_threshold.count() > 0) {
        for (auto& e : entries_) {
            if (e.in_use && !e.leak_reported && now - e.acquired_at > settings_.leak_threshold) {
                e.leak_reported = true;
                ++leaks_reported_;
                spdlog::warn("pg pool {}: lease '{}' held for {} ms (leak threshold {} ms)",
                             settings_.name, e.label.empty() ? "(unlabelled)" : e.label,
                             ms(now - e.acquired_at), settings_.leak_threshold.count());
            }
        }
    }
    // Idle overflow: the oldest idle connections (bottom of the stack) beyond `size`.
    while (total_ - opening_ > settings_.size && !idle_.empty() &&
           now - idle_.front()->last_used > settings_.overflow_idle_timeout) {
        discard(idle_.front(), "idle overflow connection");
    }
    // Lifetime: replace expired idle connections, the replacement opened first.
    std::vector<PoolEntry*> expired;
    for (auto* e : idle_) {
        if (!e->retiring && now >= e->expires_at) expired.push_back(e);
    }
    for (auto* e : expired) {
        if (down_ || total_ >= settings_.max_size()) {
            discard(e, "max lifetime reached");
        } else {
            e->retiring = true;
            ++total_;
            ++opening_;
            asio::co_spawn(executor_, replace(shared_from_this(), e), asio::detached);
        }
    }
    // Refill to min_size (asyncpg #989: min_size not kept).
    while (!down_ && !closed_ && total_ < settings_.min_size) spawn_open();
}

asio::awaitable<void> Pool::replace([[maybe_unused]] std::shared_ptr<Pool> self, PoolEntry* old) {
    std::unique_ptr<Connection> c;
    try {
        c = co_await Connection::connect(executor_, connection_settings_, app_name());
    } catch (const std::exception& e) {
        ++connect_errors_;
        last_error_ = e.what();
    }
    --opening_;
    auto it = std::find(idle_.begin(), idle_.end(), old);
    bool old_idle = it != idle_.end();
    if (!c || closed_) {
        --total_;
        old->retiring = false;  // keep serving until a replacement opens (next round)
        co_return;
    }
    if (old_idle) discard(old, "max lifetime reached (replaced)");
    deliver(add_entry(std::move(c)));
}

PoolStats Pool::stats() const {
    PoolStats s;
    s.name = settings_.name;
    s.size = total_;
    s.idle = idle_.size();
    s.in_use = in_use_;
    s.opening = opening_;
    s.waiting = waiting_ + pipe_waiting_;
    s.max = settings_.max_size();
    s.pipelines = pipes_.size();
    s.pipelined_total = pipelined_total_;
    s.pipeline_stalls = pipeline_stalls_;
    s.acquired_total = acquired_total_;
    s.timeouts = timeouts_;
    s.overloaded = overloaded_;
    s.unavailable = unavailable_;
    s.connect_errors = connect_errors_;
    s.evicted = evicted_;
    s.leaks_reported = leaks_reported_;
    s.database_down = down_;
    s.last_error = last_error_;
    s.acquire_wait = acquire_wait_;
    s.query_time = query_time_;
    return s;
}

void Pool::close() {
    if (closed_) return;
    closed_ = true;
    janitor_timer_.cancel();
    reconnect_timer_.cancel();
    auto closed = std::make_exception_ptr(PoolClosed("pool " + settings_.name + " is closed"));
    fail_waiters(closed);
    while (wake_first(pipe_waiters_, pipe_waiting_, closed)) {
    }
    while (!idle_.empty()) discard(idle_.back(), "pool closed");
}

}  // namespace shipd::pg
