// The scheduler.
#include "app/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <list>

namespace shipd::app {

namespace asio = boost::asio;

struct Scheduler::State {
    asio::any_io_executor executor;
    bool stopped = false;
    std::list<asio::steady_timer> timers;
};

Scheduler::Scheduler(asio::any_io_executor executor) : state_(std::make_shared<State>()) {
    state_->executor = std::move(executor);
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::every(std::string name, std::chrono::milliseconds period, Job job, First first) {
    auto state = state_;
    state->timers.emplace_back(state->executor);
    asio::steady_timer* timer = &state->timers.back();
    auto loop = [state, timer, name = std::move(name), period, job = std::move(job), first]() -> asio::awaitable<void> {
        for (bool at_once = first == First::kNow; !state->stopped; at_once = false) {
            timer->expires_after(at_once ? std::chrono::milliseconds(0) : period);
            auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec || state->stopped) break;
            try {
                co_await job();
            } catch (const std::exception& e) {
                spdlog::warn("background job {} failed (runs again in {} ms): {}", name, period.count(), e.what());
            }
        }
    };
    asio::co_spawn(state->executor, std::move(loop), asio::detached);
}

void Scheduler::stop() {
    state_->stopped = true;
    for (auto& t : state_->timers) t.cancel();
}

}  // namespace shipd::app
