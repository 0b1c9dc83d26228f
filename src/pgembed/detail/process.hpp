// Runs a child program and waits for it, optionally as another system user.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shipd::pgembed::detail {

/// A system user a child process can run as (initdb and postgres refuse root).
struct RunAs {
    uid_t uid;
    gid_t gid;
    std::string name;
    std::filesystem::path home;
};

/// The `postgres` system user, when this process is root and must drop to it;
/// std::nullopt when not root. Throws std::runtime_error when root and no such user exists.
std::optional<RunAs> postgres_user_if_root();

struct ProcessResult {
    int exit_code = -1;  ///< -1 when killed by a signal or timed out
    std::string output;  ///< stdout and stderr, interleaved
    bool timed_out = false;
};

/// Runs argv[0] (an absolute path) with argv, waits at most `timeout`, captures output.
/// Every descriptor but the standard three is closed in the child.
ProcessResult run_process(const std::vector<std::string>& argv, const std::optional<RunAs>& as,
                          std::chrono::milliseconds timeout);

/// True when a process with this pid exists and has not exited (a zombie counts as gone).
bool process_alive(pid_t pid);

/// The command name of a live process (from /proc/PID/comm), empty when gone.
std::string process_name(pid_t pid);

}  // namespace shipd::pgembed::detail
