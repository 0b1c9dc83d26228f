// ChildProcess: runs the shipd binary (or any program) for end-to-end tests, with its own
// environment and working directory, output captured, signals and a bounded wait.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shipd::testing {

class ChildProcess {
public:
    /// Starts argv[0] with exactly `env` (plus PATH) in `cwd`; stdout and stderr go to files
    /// in `cwd`. Throws std::runtime_error when it cannot start.
    ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env,
                 std::filesystem::path cwd);
    /// Kills the process (SIGKILL) if it still runs.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig);
    /// The exit code once it exits within `timeout` (128+N when killed by signal N).
    std::optional<int> wait(std::chrono::milliseconds timeout);
    std::string stdout_text() const;
    std::string stderr_text() const;
    /// Waits until stdout or stderr contains `needle`; false after `timeout` or when it exits.
    bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);

private:
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::filesystem::path out_, err_;
};

/// The shipd binary under test ($SHIPD_BINARY, set by CTest).
std::string shipd_binary();

/// A TCP port on 127.0.0.1 free right now.
int free_port();

}  // namespace shipd::testing
