// Helpers for the migration pgtests.
#include "test_db.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "migrate/migrator.hpp"
#include "support/pg_harness.hpp"

namespace shipd::migrate::testing {

std::string conninfo(const std::string& database) { return shipd::testing::cluster().conninfo(database); }

std::string migrated_database() {
    static std::once_flag once;
    static std::string template_db;
    std::call_once(once, [] {
        template_db = shipd::testing::fresh_database();
        Migrator(conninfo(template_db)).up();
    });
    return shipd::testing::fresh_database(template_db);
}

std::string schema_dump(const std::string& database) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const std::string target = conninfo(database);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl("/usr/bin/timeout", "timeout", "120", "/usr/lib/postgresql/15/bin/pg_dump", "--schema-only",
              "--no-owner", "-d", target.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    std::string out;
    std::array<char, 8192> buf;
    for (ssize_t n; (n = read(fds[0], buf.data(), buf.size())) > 0;) out.append(buf.data(), static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("pg_dump failed");
    // pg_dump 15.14+ wraps its output in \restrict / \unrestrict with a random key: drop those.
    std::string kept;
    std::size_t start = 0;
    while (start < out.size()) {
        std::size_t end = out.find('\n', start);
        if (end == std::string::npos) end = out.size() - 1;
        const std::string line = out.substr(start, end - start + 1);
        if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0) kept += line;
        start = end + 1;
    }
    return kept;
}

std::string first_difference(const std::string& a, const std::string& b) {
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    if (i == a.size() && i == b.size()) return "";
    const std::size_t from = a.rfind('\n', i) == std::string::npos ? 0 : a.rfind('\n', i) + 1;
    return "first difference at byte " + std::to_string(i) + ":\n< " + a.substr(from, 200) + "\n> " + b.substr(from, 200);
}

Session::Session(const std::string& database, int statement_timeout_ms)
    : conn_(conninfo(database), nullptr) {
    conn_.exec("SET statement_timeout = " + std::to_string(statement_timeout_ms));
}

std::string Session::value(const std::string& sql) {
    auto r = conn_.exec(sql);
    if (r.rows() == 0) throw std::runtime_error("no row from: " + sql);
    return r.is_null(0, 0) ? "<null>" : r.text(0, 0);
}

}  // namespace shipd::migrate::testing
