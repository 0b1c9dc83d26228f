// LocalPostgres: initdb / pg_ctl lifecycle of a cluster owned by shipd.
#include "pgembed/local_postgres.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace shipd::pgembed {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// initdb on this machine takes ~2 s; a loaded CI machine may take far longer.
constexpr auto kInitdbTimeout = 120s;
// pg_ctl stop -m fast waits for backends to roll back; a minute covers a busy server.
constexpr auto kStopTimeout = 60s;
// A Unix socket path (sun_path) holds at most 107 bytes.
constexpr size_t kMaxSocketPath = 107;

fs::path find_bindir() {
    if (const char* env = std::getenv("SHIPD_PG_BINDIR"); env && *env) {
        fs::path p(env);
        if (!fs::exists(p / "initdb")) {
            throw LocalPostgresError("SHIPD_PG_BINDIR=" + p.string() +
                                     " has no initdb: point it at PostgreSQL 15's bin directory");
        }
        return p;
    }
    fs::path p = "/usr/lib/postgresql/15/bin";
    if (!fs::exists(p / "initdb") || !fs::exists(p / "pg_ctl")) {
        throw LocalPostgresError(
            "PostgreSQL 15 server binaries not found in /usr/lib/postgresql/15/bin: run "
            "'make deps' (apt-get install postgresql-15 postgresql-contrib) or set "
            "SHIPD_PG_BINDIR, or set DATABASE_URL to use an external database");
    }
    return p;
}

bool port_in_use(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    // As PostgreSQL binds: connections of an earlier server lingering in TIME_WAIT do not
    // make the port taken, only a listener does.
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool in_use = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0;
    close(fd);
    return in_use;
}

namespace {

int any_free_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    if (fd >= 0) close(fd);
    if (port == 0) throw LocalPostgresError("no free TCP port on 127.0.0.1");
    return port;
}

std::string random_password() {
    std::ifstream urandom("/dev/urandom", std::ios::binary);
    unsigned char bytes[18];
    urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes);
    if (!urandom) throw LocalPostgresError("cannot read /dev/urandom");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

std::string read_file(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// The last lines of a log, for an error message that shows the server's own reason.
std::string tail_lines(const std::string& text, int n) {
    size_t pos = text.size();
    while (pos > 0 && (text[pos - 1] == '\n')) --pos;
    size_t end = pos;
    for (int i = 0; i < n && pos > 0; ++i) {
        pos = text.rfind('\n', pos - 1);
        if (pos == std::string::npos) {
            pos = 0;
            break;
        }
    }
    std::string out = text.substr(pos, end - pos);
    while (!out.empty() && out.front() == '\n') out.erase(0, 1);
    return out;
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n') c = ' ';
    return s;
}

void chown_to(const fs::path& p, const std::optional<detail::RunAs>& as) {
    if (as && chown(p.c_str(), as->uid, as->gid) != 0) {
        throw LocalPostgresError("cannot give " + p.string() + " to user " + as->name + ": " +
                                 strerror(errno));
    }
}

void write_file(const fs::path& p, const std::string& text, mode_t mode,
                const std::optional<detail::RunAs>& owner) {
    {
        std::ofstream f(p, std::ios::trunc);
        f << text;
        if (!f) throw LocalPostgresError("cannot write " + p.string());
    }
    chmod(p.c_str(), mode);
    chown_to(p, owner);
}

}  // namespace

LocalPostgres::LocalPostgres(LocalPostgresOptions options) : options_(std::move(options)) {
    if (options_.data_dir.empty()) throw LocalPostgresError("LocalPostgres: data_dir is empty");
    options_.data_dir = fs::absolute(options_.data_dir).lexically_normal();
}

LocalPostgres::~LocalPostgres() {
    try {
        stop();
    } catch (...) {
        // A destructor cannot report; stop() already tried its best.
    }
    if (lock_fd_ >= 0) close(lock_fd_);
}

std::string LocalPostgres::url(const std::string& database) const {
    return "postgresql://" + options_.superuser + ":" + password_ + "@127.0.0.1:" +
           std::to_string(port_) + "/" + (database.empty() ? options_.database : database);
}

bool LocalPostgres::has_socket() const {
    return (socket_dir() / (".s.PGSQL." + std::to_string(port_))).string().size() <= kMaxSocketPath;
}

std::string LocalPostgres::socket_url(const std::string& database) const {
    if (!has_socket()) return url(database);
    // A query value of a libpq URI is percent-decoded: the directory keeps its unreserved
    // characters and slashes, the rest is encoded.
    const std::string dir = boost::urls::encode(socket_dir().string(), boost::urls::unreserved_chars + '/');
    return "postgresql://" + options_.superuser + ":" + password_ + "@/" +
           (database.empty() ? options_.database : database) + "?host=" + dir + "&port=" + std::to_string(port_);
}

std::string LocalPostgres::conninfo(const std::string& database) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + options_.superuser +
           " password=" + password_ +
           " dbname=" + (database.empty() ? options_.database : database);
}

void LocalPostgres::acquire_lock() {
    if (lock_fd_ >= 0) return;
    std::error_code ec;
    fs::create_directories(options_.data_dir, ec);
    if (ec || access(options_.data_dir.c_str(), W_OK | X_OK) != 0) {
        throw LocalPostgresError("data directory " + options_.data_dir.string() +
                                 " is not writable: fix its permissions or set SHIPD_DATA_DIR "
                                 "to a writable directory");
    }
    // The postgres user must pass through it to reach pgdata/ and run/, but not list it.
    if (run_as_) chmod(options_.data_dir.c_str(), 0711);
    fs::path lock_path = options_.data_dir / "shipd.lock";
    lock_fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd_ < 0) {
        throw LocalPostgresError("cannot open " + lock_path.string() + ": " + strerror(errno));
    }
    if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        std::string holder = one_line(read_file(lock_path));
        close(lock_fd_);
        lock_fd_ = -1;
        throw LocalPostgresError("data directory " + options_.data_dir.string() +
                                 " is in use by another shipd" +
                                 (holder.empty() ? "" : " (pid " + holder + ")") +
                                 ": stop it, or set SHIPD_DATA_DIR to another directory");
    }
    std::string pid = std::to_string(getpid());
    if (ftruncate(lock_fd_, 0) != 0 || pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
        // The lock holds without the pid; the pid only improves the message above.
    }
}

void LocalPostgres::check_reachable() const {
    if (!run_as_) return;
    // Every ancestor must let the postgres user through, or initdb fails with a puzzle.
    for (fs::path p = options_.data_dir; !p.empty(); p = p.parent_path()) {
        struct stat st{};
        if (stat(p.c_str(), &st) == 0) {
            bool ok = (st.st_mode & S_IXOTH) || (st.st_uid == run_as_->uid && (st.st_mode & S_IXUSR)) ||
                      (st.st_gid == run_as_->gid && (st.st_mode & S_IXGRP));
            if (!ok) {
                throw LocalPostgresError(
                    "PostgreSQL runs as user 'postgres', which cannot enter " + p.string() +
                    ": run 'chmod o+x " + p.string() +
                    "' or set SHIPD_DATA_DIR to a directory it can reach (e.g. under /var/lib)");
            }
        }
        if (p == p.root_path()) break;
    }
}

detail::ProcessResult LocalPostgres::pg_ctl(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{bin("pg_ctl").string(), "-D", pgdata().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return detail::run_process(argv, run_as_, options_.start_timeout + 30s);
}

void LocalPostgres::init_cluster() {
    fs::create_directories(socket_dir());
    chmod(socket_dir().c_str(), 0700);
    chown_to(socket_dir(), run_as_);
    password_ = random_password();
    write_file(options_.data_dir / "password", password_ + "\n", 0600, std::nullopt);
    fs::path pwfile = socket_dir() / "initdb.pw";
    write_file(pwfile, password_ + "\n", 0600, run_as_);
    fs::create_directories(pgdata());
    chmod(pgdata().c_str(), 0700);
    chown_to(pgdata(), run_as_);
    std::vector<std::string> argv{bin("initdb").string(), "-D", pgdata().string(),
                                  "-U", options_.superuser, "-E", "UTF8", "--no-locale",
                                  "--auth=scram-sha-256", "--pwfile=" + pwfile.string(),
                                  "--no-instructions"};
    if (!options_.durable) argv.emplace_back("--no-sync");
    auto r = detail::run_process(argv, run_as_, kInitdbTimeout);
    fs::remove(pwfile);
    if (r.exit_code != 0) {
        fs::remove_all(pgdata());
        throw LocalPostgresError("initdb failed in " + pgdata().string() + ": " +
                                 one_line(tail_lines(r.output, 3)));
    }
    std::ofstream conf(pgdata() / "postgresql.conf", std::ios::app);
    conf << "\n# shipd writes its settings here at every start\ninclude 'shipd.conf'\n";
    created_ = true;
}

void LocalPostgres::write_config() const {
    std::ostringstream c;
    c << "# Written by shipd at every start; edit postgresql.conf for lasting changes.\n"
      << "listen_addresses = '127.0.0.1'\n"
      << "port = " << port_ << "\n";
    // A data directory with a long path gets TCP only rather than a failed start.
    c << "unix_socket_directories = '" << (has_socket() ? socket_dir().string() : "") << "'\n"
      << "max_connections = 200\n"
      << "shared_preload_libraries = 'pg_stat_statements'\n"
      << "timezone = 'UTC'\n"
      << "log_timezone = 'UTC'\n"
      << "logging_collector = off\n";
    if (!options_.durable) {
        c << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
    }
    for (const auto& [k, v] : options_.settings) c << k << " = '" << v << "'\n";
    write_file(pgdata() / "shipd.conf", c.str(), 0600, run_as_);
}

void LocalPostgres::recover_stale_pid() {
    fs::path pid_file = pgdata() / "postmaster.pid";
    if (!fs::exists(pid_file)) return;
    std::ifstream f(pid_file);
    long pid = 0;
    f >> pid;
    std::string name = detail::process_name(static_cast<pid_t>(pid));
    if (detail::process_alive(static_cast<pid_t>(pid)) && (name == "postgres" || name == "postmaster")) {
        // We hold the data directory's lock, so no live shipd owns this server: it was left
        // running by one that was killed. Stop it cleanly and start our own.
        auto r = pg_ctl({"-m", "fast", "-w", "-t", "60", "stop"});
        if (r.exit_code != 0) {
            throw LocalPostgresError("a PostgreSQL server (pid " + std::to_string(pid) +
                                     ") left by an earlier shipd runs on " + pgdata().string() +
                                     " and would not stop: " + one_line(tail_lines(r.output, 2)));
        }
        return;
    }
    // The pid is gone or belongs to another program: the file is stale.
    fs::remove(pid_file);
}

int LocalPostgres::choose_port() const {
    if (options_.preferred_port > 0) {
        for (int p = options_.preferred_port; p < options_.preferred_port + 20 && p < 65536; ++p) {
            if (!port_in_use(p)) return p;
        }
    }
    return any_free_port();
}

void LocalPostgres::create_database_if_missing() {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo("postgres").c_str()),
                                                       &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        throw LocalPostgresError("cannot connect to the embedded PostgreSQL: " +
                                 one_line(PQerrorMessage(conn.get())));
    }
    const char* params[] = {options_.database.c_str()};
    std::unique_ptr<PGresult, decltype(&PQclear)> exists(
        PQexecParams(conn.get(), "SELECT 1 FROM pg_database WHERE datname = $1", 1, nullptr,
                     params, nullptr, nullptr, 0),
        &PQclear);
    if (PQntuples(exists.get()) == 0) create_database(conn.get());
    create_stat_statements();
}

void LocalPostgres::create_database(PGconn* conn) {
    char* ident = PQescapeIdentifier(conn, options_.database.c_str(), options_.database.size());
    std::string sql = std::string("CREATE DATABASE ") + ident;
    PQfreemem(ident);
    std::unique_ptr<PGresult, decltype(&PQclear)> created(PQexec(conn, sql.c_str()), &PQclear);
    if (PQresultStatus(created.get()) != PGRES_COMMAND_OK) {
        throw LocalPostgresError("cannot create database " + options_.database + ": " +
                                 one_line(PQresultErrorMessage(created.get())));
    }
}

// The server preloads pg_stat_statements; the view needs the extension in the database too.
// At every start (an older data directory gets it as well); a failure (contrib files missing)
// only leaves GET /v1/admin/db/slow-queries saying so.
void LocalPostgres::create_stat_statements() {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo().c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) return;
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexec(conn.get(), "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pg_stat_statements"),
        &PQclear);
}

void LocalPostgres::start() {
    if (running_) return;
    bindir_ = options_.bindir.empty() ? find_bindir() : options_.bindir;
    run_as_ = detail::postgres_user_if_root();
    acquire_lock();
    check_reachable();
    created_ = false;
    if (!fs::exists(pgdata() / "PG_VERSION")) {
        init_cluster();
    } else {
        password_ = one_line(read_file(options_.data_dir / "password"));
        while (!password_.empty() && password_.back() == ' ') password_.pop_back();
        if (password_.empty()) {
            throw LocalPostgresError("the cluster in " + pgdata().string() +
                                     " has no password file beside it: remove " +
                                     options_.data_dir.string() + " to start afresh");
        }
        recover_stale_pid();
    }
    fs::path log = log_file();
    if (!fs::exists(log)) write_file(log, "", 0640, run_as_);
    chown_to(log, run_as_);

    // Between choosing a port and the server binding it another program may take it: try again.
    std::string last_error;
    for (int attempt = 0; attempt < 3; ++attempt) {
        port_ = choose_port();
        write_config();
        auto log_size = fs::file_size(log);
        auto r = pg_ctl({"-l", log.string(), "-w", "-t", std::to_string(options_.start_timeout.count()),
                         "start"});
        if (r.exit_code == 0) {
            running_ = true;
            break;
        }
        std::string server_log = read_file(log);
        last_error = one_line(tail_lines(server_log.substr(std::min<size_t>(log_size, server_log.size())), 3));
        if (last_error.empty()) last_error = one_line(tail_lines(r.output, 3));
        if (last_error.find("could not bind") == std::string::npos &&
            last_error.find("Address already in use") == std::string::npos) {
            break;
        }
    }
    if (!running_) {
        throw LocalPostgresError("PostgreSQL did not start (log: " + log.string() + "): " + last_error);
    }
    create_database_if_missing();
}

void LocalPostgres::stop() {
    if (!running_) return;
    running_ = false;
    auto r = detail::run_process({bin("pg_ctl").string(), "-D", pgdata().string(), "-m", "fast", "-w",
                                  "-t", "60", "stop"},
                                 run_as_, kStopTimeout + 10s);
    if (r.exit_code != 0 && fs::exists(pgdata() / "postmaster.pid")) {
        throw LocalPostgresError("PostgreSQL did not stop: " + one_line(tail_lines(r.output, 2)));
    }
}

}  // namespace shipd::pgembed
