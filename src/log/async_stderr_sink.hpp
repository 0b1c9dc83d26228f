// AsyncStderrSink: log lines appended to a buffer under a mutex and written to stderr by a
// writer thread, so a request's log line costs a memcpy rather than a write(2). Under load
// the writer takes every line that piled up while it was writing in one write(2); when idle a
// line reaches stderr within microseconds. flush() (warnings and errors, and exit) writes
// synchronously what is pending.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace shipd::log {

class AsyncStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    AsyncStderrSink();
    ~AsyncStderrSink() override;
    AsyncStderrSink(const AsyncStderrSink&) = delete;
    AsyncStderrSink& operator=(const AsyncStderrSink&) = delete;

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override;

private:
    void writer_loop();
    /// Takes what is pending and writes it; called with `mutex_` held, releases it while writing.
    void drain(std::unique_lock<std::mutex>& lock);

    std::string pending_;   // guarded by base_sink's mutex_
    std::string writing_;   // the writer's buffer (swapped with pending_)
    std::condition_variable wake_;
    std::condition_variable written_;
    bool writer_idle_ = false;
    bool writing_now_ = false;
    bool stop_ = false;
    std::thread writer_;
};

}  // namespace shipd::log
