// AsyncStderrSink: every line reaches stderr once, in order per thread, from many threads;
// flush() is synchronous; an idle sink writes a line promptly without a flush.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "log/async_stderr_sink.hpp"

namespace shipd::log {
namespace {

// Points fd 2 at a temporary file for the test's lifetime.
class CapturedStderr {
public:
    CapturedStderr() {
        std::snprintf(path_, sizeof path_, "/tmp/shipd-sink-XXXXXX");
        int fd = mkstemp(path_);
        saved_ = dup(STDERR_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    ~CapturedStderr() {
        dup2(saved_, STDERR_FILENO);
        close(saved_);
        unlink(path_);
    }
    std::string text() const {
        std::ifstream in(path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

private:
    char path_[64];
    int saved_ = -1;
};

TEST(AsyncStderrSink, EveryLineOnceInOrderFromManyThreads) {
    CapturedStderr captured;
    {
        auto sink = std::make_shared<AsyncStderrSink>();
        spdlog::logger logger("t", sink);
        logger.set_pattern("%v");
        constexpr int kThreads = 4, kLines = 5000;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&logger, t] {
                for (int i = 0; i < kLines; ++i) logger.info("t{} line {}", t, i);
            });
        }
        for (auto& th : threads) th.join();
        logger.flush();
        std::istringstream in(captured.text());
        std::vector<int> next(kThreads, 0);
        std::string line;
        int count = 0;
        while (std::getline(in, line)) {
            int t = -1, i = -1;
            ASSERT_EQ(std::sscanf(line.c_str(), "t%d line %d", &t, &i), 2) << line;
            ASSERT_GE(t, 0);
            ASSERT_LT(t, kThreads);
            EXPECT_EQ(i, next[t]) << "thread " << t << " out of order";
            next[t] = i + 1;
            ++count;
        }
        EXPECT_EQ(count, kThreads * kLines);
    }
}

TEST(AsyncStderrSink, AnIdleSinkWritesPromptlyWithoutAFlush) {
    CapturedStderr captured;
    auto sink = std::make_shared<AsyncStderrSink>();
    spdlog::logger logger("t", sink);
    logger.set_pattern("%v");
    logger.info("hello");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (captured.text().find("hello") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_NE(captured.text().find("hello"), std::string::npos);
}

TEST(AsyncStderrSink, DestructionWritesWhatIsPending) {
    CapturedStderr captured;
    {
        auto sink = std::make_shared<AsyncStderrSink>();
        spdlog::logger logger("t", sink);
        logger.set_pattern("%v");
        for (int i = 0; i < 1000; ++i) logger.info("bye {}", i);
    }
    EXPECT_NE(captured.text().find("bye 999"), std::string::npos);
}

}  // namespace
}  // namespace shipd::log
