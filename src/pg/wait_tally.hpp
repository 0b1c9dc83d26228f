// wait_tally: connection waits attributed to the unit of work (a request) that waited.
//
// Coroutines of many requests interleave on one event-loop thread, so a plain thread_local
// "current request" would be wrong after any suspension. Instead a caller arms its tally right
// before awaiting a call that acquires a connection first thing; Pool::acquire takes the armed
// tally when it starts (synchronously: no other coroutine of the loop runs in between, and
// taking disarms it) and adds its wait when it ends, whatever the outcome. Tallies live in a
// per-thread table with generations: a tally closed while an acquire is still in flight is
// never written, so a stale token costs nothing worse than an uncounted wait. No locks.
#pragma once

#include <chrono>
#include <cstdint>

namespace shipd::pg::wait_tally {

/// A tally's token; 0 is "none" (every function accepts it and does nothing).
using Token = std::uint64_t;

/// Opens a tally on this thread.
Token open();
/// The tally's total wait; the token is dead afterwards (and disarmed if armed).
std::chrono::microseconds close(Token token) noexcept;
/// The next Pool::acquire started on this thread adds its wait to `token`.
void arm(Token token) noexcept;

/// For Pool::acquire: takes the armed token at construction, adds the time since `start` at
/// destruction.
class Scope {
public:
    explicit Scope(std::chrono::steady_clock::time_point start) noexcept;
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

private:
    Token token_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace shipd::pg::wait_tally
