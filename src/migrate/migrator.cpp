// Migrator: the up / down / status / history / verify runs of the migration engine.
#include "migrate/migrator.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "migrate/detail/conninfo.hpp"
#include "migrate/detail/pq.hpp"
#include "migrate/detail/sql_split.hpp"

namespace shipd::migrate {

namespace {

using detail::PqError;
using Clock = std::chrono::steady_clock;

// While another migration holds the lock, say who holds it this often (not at every poll).
constexpr auto kLockReportEvery = std::chrono::seconds(10);

const std::string kTable(kVersionsTable);

const std::string kCreateVersionsTable =
    "CREATE TABLE " + kTable + " (\n"
    "    version      integer PRIMARY KEY CHECK (version > 0),\n"
    "    name         text NOT NULL,\n"
    "    checksum     text NOT NULL,\n"
    "    applied_at   timestamptz NOT NULL DEFAULT now(),\n"
    "    duration_ms  bigint NOT NULL DEFAULT 0 CHECK (duration_ms >= 0)\n"
    ");\n"
    "COMMENT ON TABLE " + kTable + " IS "
    "'Revisions applied by shipd migrate; checksum = SHA-256 (hex) of the revision''s up file'";

const std::string kSelectApplied =
    "SELECT version, name, checksum,"
    " to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), duration_ms"
    " FROM " + kTable + " ORDER BY version";

const std::string kInsertApplied =
    "INSERT INTO " + kTable + " (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)";

const std::string kDeleteApplied = "DELETE FROM " + kTable + " WHERE version = $1";

// Who holds the lock: pg_locks splits a bigint advisory key into classid (high 32 bits) and
// objid (low 32 bits), with objsubid 1.
const char* const kLockHolder =
    "SELECT a.pid, coalesce(nullif(a.application_name, ''), '?'),"
    " coalesce(host(a.client_addr), 'local socket'),"
    " to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
    " AND l.classid = (($1::bigint >> 32) & 4294967295)::oid"
    " AND l.objid = ($1::bigint & 4294967295)::oid";

// Indexes a failed CREATE INDEX CONCURRENTLY leaves behind, as the commands that drop them.
const char* const kInvalidIndexes =
    "SELECT format('DROP INDEX CONCURRENTLY IF EXISTS %I.%I;', n.nspname, c.relname)"
    " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE NOT i.indisvalid ORDER BY 1";

std::string revision_list(const std::vector<Revision>& revisions, const std::vector<int>& versions) {
    std::string out;
    for (int v : versions) {
        if (!out.empty()) out += ", ";
        auto it = std::find_if(revisions.begin(), revisions.end(), [v](const Revision& r) { return r.version == v; });
        out += it != revisions.end() ? it->label() : std::to_string(v);
    }
    return out;
}

}  // namespace

class Migrator::LockGuard {
public:
    explicit LockGuard(Migrator& m) : m_(m) { m_.acquire_lock(); }
    ~LockGuard() { m_.release_lock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

private:
    Migrator& m_;
};

Migrator::Migrator(std::string conninfo, Options options)
    : conninfo_(detail::normalize_conninfo(conninfo)),
      target_(detail::describe_conninfo(conninfo_)),
      options_(std::move(options)) {
    validate_revisions(options_.revisions);
}

Migrator::~Migrator() = default;

void Migrator::log(LogLevel level, const std::string& message) const {
    if (options_.log) options_.log(level, message);
}

detail::PqConnection& Migrator::connection() {
    if (conn_ && !conn_->ok()) conn_.reset();
    if (!conn_) {
        try {
            auto conn = std::make_unique<detail::PqConnection>(
                conninfo_, [this](const std::string& notice) { log(LogLevel::kDebug, notice); });
            conn->exec_params("SELECT set_config('application_name', $1, false)",
                              {options_.application_name});
            if (options_.ddl_lock_timeout.count() > 0) {
                conn->exec_params("SELECT set_config('lock_timeout', $1, false)",
                                  {std::to_string(options_.ddl_lock_timeout.count()) + "ms"});
            }
            conn_ = std::move(conn);
        } catch (const PqError& e) {
            throw MigrateError(ErrorKind::kConnection, e.what());
        }
    }
    return *conn_;
}

const Revision* Migrator::find(int version) const {
    for (const auto& r : options_.revisions) {
        if (r.version == version) return &r;
    }
    return nullptr;
}

bool Migrator::versions_table_exists() {
    auto r = connection().exec_params("SELECT to_regclass($1) IS NOT NULL", {kTable});
    return r.text(0, 0) == "t";
}

void Migrator::ensure_versions_table() {
    // Under the lock, so two first runs do not race on CREATE TABLE.
    if (!versions_table_exists()) {
        connection().exec(kCreateVersionsTable);
        log(LogLevel::kInfo, "created " + kTable + " on " + target_);
    }
}

std::vector<Applied> Migrator::read_applied() {
    std::vector<Applied> out;
    try {
        if (!versions_table_exists()) return out;
        auto r = connection().exec(kSelectApplied);
        for (int i = 0; i < r.rows(); ++i) {
            out.push_back({std::stoi(r.text(i, 0)), r.text(i, 1), r.text(i, 2), r.text(i, 3),
                           std::stoll(r.text(i, 4))});
        }
    } catch (const PqError& e) {
        throw MigrateError(ErrorKind::kConnection, "reading " + kTable + " on " + target_ + ": " + e.what());
    }
    return out;
}

Status Migrator::compute_status(const std::vector<Applied>& applied) const {
    Status s;
    std::map<int, const Applied*> by_version;
    for (const auto& a : applied) {
        by_version[a.version] = &a;
        s.current = std::max(s.current, a.version);
    }
    std::map<int, RevisionStatus> rows;
    for (const auto& r : options_.revisions) {
        s.head = std::max(s.head, r.version);
        RevisionStatus row{r.version, r.name, RevisionState::kPending, std::nullopt};
        if (auto it = by_version.find(r.version); it != by_version.end()) {
            row.applied = *it->second;
            if (it->second->checksum == r.checksum) {
                row.state = RevisionState::kApplied;
            } else {
                row.state = RevisionState::kDrifted;
                s.drift.push_back({r.version, r.name, r.up_file(), it->second->checksum, r.checksum});
            }
        } else {
            s.pending.push_back(r.version);
        }
        rows[r.version] = std::move(row);
    }
    for (const auto& a : applied) {
        if (find(a.version) == nullptr) {
            s.unknown.push_back(a.version);
            rows[a.version] = RevisionStatus{a.version, a.name, RevisionState::kUnknown, a};
        }
    }
    for (auto& [version, row] : rows) s.revisions.push_back(std::move(row));
    return s;
}

Status Migrator::status() { return compute_status(read_applied()); }

std::vector<Applied> Migrator::history() { return read_applied(); }

VerifyResult Migrator::verify() {
    const Status s = status();
    VerifyResult v;
    v.drift = s.drift;
    v.unknown = s.unknown;
    for (const auto& row : s.revisions) {
        if (row.state == RevisionState::kApplied) ++v.verified;
    }
    return v;
}

void Migrator::acquire_lock() {
    auto& c = connection();
    const std::string key = std::to_string(kLockKey);
    const auto started = Clock::now();
    auto next_report = started;
    try {
        for (;;) {
            if (c.exec_params("SELECT pg_try_advisory_lock($1::bigint)", {key}).text(0, 0) == "t") {
                return;
            }
            const auto now = Clock::now();
            std::string holder = "another session";
            if (auto r = c.exec_params(kLockHolder, {key}); r.rows() > 0) {
                holder = "pid " + r.text(0, 0) + " (" + r.text(0, 1) + ", from " + r.text(0, 2) + ")";
            }
            if (now - started >= options_.lock_wait_timeout) {
                throw MigrateError(
                    ErrorKind::kLockTimeout,
                    "another migration still holds the migration lock (advisory lock " + key + ") on " +
                        target_ + " after " +
                        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - started).count()) +
                        " s: " + holder + ". Wait for it to finish; if it is stuck, end it with "
                        "SELECT pg_terminate_backend(<pid>) and run `" + options_.command + " status`.");
            }
            if (now >= next_report) {
                log(LogLevel::kInfo, "waiting for the migration lock held by " + holder);
                next_report = now + kLockReportEvery;
            }
            std::this_thread::sleep_for(options_.lock_poll_interval);
        }
    } catch (const PqError& e) {
        throw MigrateError(ErrorKind::kConnection, "taking the migration lock on " + target_ + ": " + e.what());
    }
}

void Migrator::release_lock() noexcept {
    if (conn_ && conn_->ok()) {
        conn_->exec_quietly("SELECT pg_advisory_unlock(" + std::to_string(kLockKey) + ")");
    }
}

void Migrator::require_no_drift(const Status& status, const char* operation) const {
    if (status.drift.empty()) return;
    const Drift& d = status.drift.front();
    throw MigrateError(
        ErrorKind::kDrift,
        std::string("refusing to migrate ") + operation + ": revision " + std::to_string(d.version) + " (" +
            d.file + ") was edited after it was applied (stored checksum " + d.stored_checksum.substr(0, 12) +
            ", this binary " + d.expected_checksum.substr(0, 12) + "; " + std::to_string(status.drift.size()) +
            " drifted revision(s), see `" + options_.command + " verify`). Restore the file as applied, or "
            "put the change in a new revision; if the database already matches the edited file, accept it with "
            "UPDATE " + kTable + " SET checksum = '" + d.expected_checksum + "' WHERE version = " +
            std::to_string(d.version) + ";");
}

UpResult Migrator::up(std::optional<int> to) {
    if (to && *to < 0) throw MigrateError(ErrorKind::kInvalidArgument, "--to must be 0 or a revision number");
    if (to && *to != 0 && find(*to) == nullptr) {
        throw MigrateError(ErrorKind::kInvalidArgument,
                           "no revision " + std::to_string(*to) + " in this binary (head is " +
                               std::to_string(options_.revisions.empty() ? 0 : options_.revisions.back().version) +
                               "; see `" + options_.command + " status`)");
    }
    LockGuard lock(*this);
    try {
        ensure_versions_table();
    } catch (const PqError& e) {
        throw MigrateError(ErrorKind::kConnection, "creating " + kTable + " on " + target_ + ": " + e.what());
    }
    const Status s = compute_status(read_applied());
    const int target = to.value_or(s.head);
    UpResult result{s.current, s.current, {}};
    require_no_drift(s, "up");
    if (target < s.current && to) {
        throw MigrateError(ErrorKind::kInvalidArgument,
                           "the database is at revision " + std::to_string(s.current) + ", above " +
                               std::to_string(target) + ": to go back, run `" + options_.command +
                               " down --to " + std::to_string(target) + "`");
    }
    for (int v : s.pending) {
        if (v < s.current) {
            throw MigrateError(ErrorKind::kOutOfOrder,
                               "revision " + revision_list(options_.revisions, {v}) +
                                   " is pending but the newer revision " + std::to_string(s.current) +
                                   " is already applied (revisions merged out of order). Renumber it above " +
                                   std::to_string(s.current) + " in a new file.");
        }
    }
    if (!s.unknown.empty()) {
        log(LogLevel::kWarning, "the database has revision(s) " + revision_list(options_.revisions, s.unknown) +
                                    " that this shipd does not know (a newer shipd applied them)");
    }
    for (int v : s.pending) {
        if (v > target) break;
        const Revision& r = *find(v);
        const auto took = apply(r);
        result.applied.push_back({r.version, r.name, took});
        result.to_version = r.version;
    }
    if (result.applied.empty()) log(LogLevel::kInfo, "nothing to apply: at revision " + std::to_string(s.current));
    return result;
}

DownResult Migrator::down(std::optional<int> to, std::optional<int> steps) {
    if (to && steps) throw MigrateError(ErrorKind::kInvalidArgument, "give --to or --steps, not both");
    if (to && *to < 0) throw MigrateError(ErrorKind::kInvalidArgument, "--to must be 0 or a revision number");
    if (steps && *steps < 1) throw MigrateError(ErrorKind::kInvalidArgument, "--steps must be 1 or more");
    LockGuard lock(*this);
    const std::vector<Applied> applied = read_applied();
    const Status s = compute_status(applied);
    DownResult result{s.current, s.current, {}};
    std::vector<int> versions;  // applied, newest first
    for (auto it = applied.rbegin(); it != applied.rend(); ++it) versions.push_back(it->version);
    std::vector<int> revert_list;
    if (to) {
        if (*to > s.current) {
            throw MigrateError(ErrorKind::kInvalidArgument,
                               "the database is at revision " + std::to_string(s.current) + ", below " +
                                   std::to_string(*to) + ": to go forward, run `" + options_.command +
                                   " up --to " + std::to_string(*to) + "`");
        }
        if (*to != 0 && find(*to) == nullptr && std::find(versions.begin(), versions.end(), *to) == versions.end()) {
            throw MigrateError(ErrorKind::kInvalidArgument, "no revision " + std::to_string(*to));
        }
        for (int v : versions) {
            if (v > *to) revert_list.push_back(v);
        }
    } else {
        const int n = steps.value_or(1);
        if (n > static_cast<int>(versions.size())) {
            throw MigrateError(ErrorKind::kInvalidArgument,
                               "--steps " + std::to_string(n) + ": only " + std::to_string(versions.size()) +
                                   " revision(s) are applied");
        }
        revert_list.assign(versions.begin(), versions.begin() + n);
    }
    for (int v : revert_list) {
        if (find(v) == nullptr) {
            throw MigrateError(ErrorKind::kUnknownRevision,
                               "revision " + std::to_string(v) +
                                   " was applied by a newer shipd and this binary has no down file for it: revert "
                                   "it with the shipd that applied it");
        }
        for (const auto& d : s.drift) {
            if (d.version == v) {
                Status one = s;
                one.drift = {d};
                require_no_drift(one, "down");
            }
        }
    }
    for (int v : revert_list) {
        const Revision& r = *find(v);
        const auto took = revert(r);
        result.reverted.push_back({r.version, r.name, took});
    }
    const Status after = compute_status(read_applied());
    result.to_version = after.current;
    if (result.reverted.empty()) log(LogLevel::kInfo, "nothing to revert: at revision " + std::to_string(s.current));
    return result;
}

std::chrono::milliseconds Migrator::apply(const Revision& revision) {
    log(LogLevel::kInfo, "applying " + revision.label() + (revision.transactional ? "" : " (outside a transaction)"));
    const auto took = run(revision, true);
    log(LogLevel::kInfo, "applied " + revision.label() + " in " + std::to_string(took.count()) + " ms");
    return took;
}

std::chrono::milliseconds Migrator::revert(const Revision& revision) {
    log(LogLevel::kInfo,
        "reverting " + revision.label() + (revision.down_transactional ? "" : " (outside a transaction)"));
    const auto took = run(revision, false);
    log(LogLevel::kInfo, "reverted " + revision.label() + " in " + std::to_string(took.count()) + " ms");
    return took;
}

std::chrono::milliseconds Migrator::run(const Revision& revision, bool is_up) {
    auto& c = connection();
    const bool transactional = is_up ? revision.transactional : revision.down_transactional;
    const std::string& sql = is_up ? revision.up : revision.down;
    // Sent one statement at a time even inside a transaction, so a failure names its line.
    const auto statements = detail::split_sql(sql);
    const int stays_at = is_up ? revision.version - 1 : revision.version;
    const std::string rerun =
        "`" + options_.command + (is_up ? " up" : " down --to " + std::to_string(revision.version - 1)) + "`";
    const auto started = Clock::now();
    std::size_t i = 0;
    try {
        if (transactional) c.exec("BEGIN");
        for (; i < statements.size(); ++i) c.exec(statements[i].text);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
        if (is_up) {
            c.exec_params(kInsertApplied, {std::to_string(revision.version), revision.name, revision.checksum,
                                           std::to_string(took.count())});
        } else {
            c.exec_params(kDeleteApplied, {std::to_string(revision.version)});
        }
        if (transactional) c.exec("COMMIT");
        return took;
    } catch (const PqError& e) {
        const bool in_sql = i < statements.size();
        if (transactional) {
            if (c.ok()) c.exec_quietly("ROLLBACK");
            const std::string recovery = "Nothing of it took effect (its transaction rolled back; the database stays at "
                                         "revision " + std::to_string(stays_at) + "). Fix the cause, then run " +
                                         rerun + ".";
            if (in_sql) fail_revision(revision, is_up, statements[i].offset, statements[i].text, e, recovery);
            fail_revision(revision, is_up, 0, std::string(), e, recovery);
        }
        if (!in_sql) {
            fail_revision(revision, is_up, 0, std::string(), e,
                          "All its statements ran but recording that in " + kTable + " failed; the database stays "
                          "recorded at revision " + std::to_string(stays_at) + ". Run " + rerun + " again once the "
                          "database is reachable (each statement of a non-transactional revision is written to run "
                          "again).");
        }
        std::string cleanup;
        if (c.ok()) {
            try {
                auto r = c.exec(kInvalidIndexes);
                for (int row = 0; row < r.rows(); ++row) cleanup += "\n    " + r.text(row, 0);
            } catch (const PqError&) {
                // The failure itself is what the operator needs; the cleanup list is a bonus.
            }
        }
        std::string recovery = "It runs outside a transaction: statements 1-" + std::to_string(i) + " of " +
                               std::to_string(statements.size()) +
                               " took effect, and the database stays recorded at revision " +
                               std::to_string(stays_at) + ". To recover, fix the cause, then ";
        if (!cleanup.empty()) {
            recovery += "drop the invalid index(es) the failure left, in psql:" + cleanup + "\nthen ";
        }
        recovery += "run " + rerun + " (each statement of a non-transactional revision is written to run again).";
        fail_revision(revision, is_up, statements[i].offset, statements[i].text, e, recovery);
    }
}

void Migrator::fail_revision(const Revision& revision, bool is_up, std::size_t statement_offset,
                             const std::string& statement, const PqError& error, const std::string& recovery) const {
    const std::string& file_text = is_up ? revision.up : revision.down;
    std::string where = is_up ? revision.up_file() : revision.down_file();
    if (!statement.empty()) {
        // The server's position (1-based, in characters) when it gave one; else the statement's start.
        const std::size_t within = error.position() > 0 ? detail::byte_offset_of_char(statement, error.position())
                                                        : detail::first_token_offset(statement);
        where += ", line " + std::to_string(detail::line_of(file_text, statement_offset + within));
    }
    std::string message = std::string(is_up ? "applying " : "reverting ") + revision.label() + " failed (" + where +
                          "): " + error.what();
    if (!error.sqlstate().empty()) message += " [SQLSTATE " + error.sqlstate() + "]";
    if (!error.hint().empty()) message += " Hint: " + error.hint() + ".";
    message += "\n" + recovery;
    const bool connection_lost = error.sqlstate().rfind("08", 0) == 0 || error.sqlstate().empty();
    throw MigrateError(connection_lost && statement.empty() ? ErrorKind::kConnection : ErrorKind::kRevisionFailed,
                       message);
}

}  // namespace shipd::migrate
