// AsyncStderrSink: see the header.
#include "log/async_stderr_sink.hpp"

#include <unistd.h>

#include <cerrno>

namespace shipd::log {

namespace {

// Past this much pending text a logging thread waits for the writer (bounded memory when
// stderr is slower than the logging, e.g. a blocked pipe).
constexpr std::size_t kMaxPending = 4 * 1024 * 1024;

void write_all(const std::string& text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(STDERR_FILENO, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // stderr closed: nothing better to do with a log line
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace

AsyncStderrSink::AsyncStderrSink() : writer_([this] { writer_loop(); }) {}

AsyncStderrSink::~AsyncStderrSink() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    writer_.join();
}

void AsyncStderrSink::sink_it_(const spdlog::details::log_msg& msg) {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    if (pending_.size() > kMaxPending) {
        // Back-pressure: base_sink holds mutex_ (a std::mutex) here; wait for the writer.
        std::unique_lock lock(mutex_, std::adopt_lock);
        written_.wait(lock, [this] { return pending_.size() <= kMaxPending || stop_; });
        lock.release();
    }
    pending_.append(formatted.data(), formatted.size());
    if (writer_idle_) {
        writer_idle_ = false;
        wake_.notify_one();
    }
}

void AsyncStderrSink::flush_() {
    // Synchronous: everything logged so far is on stderr when this returns.
    std::unique_lock lock(mutex_, std::adopt_lock);
    written_.wait(lock, [this] { return !writing_now_; });
    if (!pending_.empty()) drain(lock);
    lock.release();
}

void AsyncStderrSink::drain(std::unique_lock<std::mutex>& lock) {
    writing_.swap(pending_);
    writing_now_ = true;
    lock.unlock();
    write_all(writing_);
    writing_.clear();
    lock.lock();
    writing_now_ = false;
    written_.notify_all();
    wake_.notify_one();
}

void AsyncStderrSink::writer_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        // A synchronous flush may be writing: one writer at a time, in order.
        if (!pending_.empty() && !writing_now_) {
            drain(lock);
            continue;
        }
        if (stop_ && !writing_now_) return;
        writer_idle_ = true;
        wake_.wait(lock, [this] { return (stop_ || !pending_.empty()) && !writing_now_; });
        writer_idle_ = false;
    }
}

}  // namespace shipd::log
