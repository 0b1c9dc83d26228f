// Wakeup: how a batcher's caller waits on its event loop for the statement that answers it.
// wait() returns once wake() was called, before or during the wait, and re-arms. One loop, no
// lock (CreateBatcher, GetBatcher).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shipd::store::detail {

class Wakeup {
public:
    explicit Wakeup(const boost::asio::any_io_executor& executor)
        : timer_(executor, boost::asio::steady_timer::time_point::max()) {}

    void wake() {
        woken_ = true;
        timer_.cancel();
    }

    boost::asio::awaitable<void> wait() {
        if (!woken_) {
            boost::system::error_code ec;  // cancel() is the wake-up: operation_aborted
            co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        }
        woken_ = false;
    }

private:
    bool woken_ = false;
    boost::asio::steady_timer timer_;
};

}  // namespace shipd::store::detail
