// The scheduler: shipd's background work in one place, each job with its named period.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace shipd::app {

/// Periodic jobs on one event loop. A job's failure is logged and the job runs again at its
/// next period; jobs never overlap themselves. Not thread-safe (one loop).
class Scheduler {
public:
    using Job = std::function<boost::asio::awaitable<void>()>;

    /// When a job first runs.
    enum class First { kAfterPeriod, kNow };

    explicit Scheduler(boost::asio::any_io_executor executor);
    ~Scheduler();

    /// Runs `job` every `period`, the first time after one period or, with First::kNow, at once.
    void every(std::string name, std::chrono::milliseconds period, Job job, First first = First::kAfterPeriod);
    /// Stops every job after its current run (idempotent).
    void stop();

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace shipd::app
