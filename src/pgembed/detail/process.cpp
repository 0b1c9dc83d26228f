// Runs a child program and waits for it, optionally as another system user.
#include "pgembed/detail/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace shipd::pgembed::detail {

std::optional<RunAs> postgres_user_if_root() {
    if (geteuid() != 0) return std::nullopt;
    struct passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
        throw std::runtime_error(
            "running as root, but there is no 'postgres' system user to run PostgreSQL as "
            "(initdb refuses root): install postgresql-15 or run shipd as an ordinary user");
    }
    return RunAs{pw->pw_uid, pw->pw_gid, pw->pw_name, pw->pw_dir};
}

namespace {

[[noreturn]] void child_exec(const std::vector<std::string>& argv, const std::optional<RunAs>& as,
                             int out_fd) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    close_range(3, ~0U, 0);
    // A fresh process group, so a Ctrl-C meant for shipd does not reach postgres
    // before shipd has asked it to stop cleanly.
    setpgid(0, 0);
    if (as) {
        if (setgroups(0, nullptr) != 0 || setgid(as->gid) != 0 || setuid(as->uid) != 0) {
            dprintf(STDERR_FILENO, "cannot switch to user %s: %s\n", as->name.c_str(),
                    strerror(errno));
            _exit(126);
        }
        setenv("HOME", as->home.c_str(), 1);
        setenv("USER", as->name.c_str(), 1);
        setenv("LOGNAME", as->name.c_str(), 1);
    }
    // Whatever directory the caller is in may not be readable by the postgres user.
    if (chdir("/") != 0) _exit(126);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    dprintf(STDERR_FILENO, "cannot run %s: %s\n", args[0], strerror(errno));
    _exit(127);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::optional<RunAs>& as,
                          std::chrono::milliseconds timeout) {
    if (argv.empty()) throw std::invalid_argument("run_process: empty argv");
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        throw std::runtime_error(std::string("fork failed: ") + strerror(errno));
    }
    if (pid == 0) child_exec(argv, as, fds[1]);
    close(fds[1]);

    ProcessResult result;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        int r = poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // every writer closed: the child and whatever it left running
        result.output.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    return result;
}

bool process_alive(pid_t pid) {
    if (pid <= 0) return false;
    if (kill(pid, 0) != 0 && errno != EPERM) return false;
    // A zombie (exited, not yet reaped: orphans are not always reaped in containers) is dead.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    size_t paren = line.rfind(')');
    return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

std::string process_name(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(f, name);
    return name;
}

}  // namespace shipd::pgembed::detail
