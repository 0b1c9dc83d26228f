// The migration engine against a real PostgreSQL 15: up/down round trips, targets, two
// concurrent migrators, drift, failures of transactional and non-transactional revisions, the lock.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "migrate/migrator.hpp"
#include "migrate/readiness.hpp"
#include "support/pg_harness.hpp"
#include "test_db.hpp"

namespace shipd::migrate {
namespace {

using shipd::testing::fresh_database;
using testing::conninfo;
using testing::schema_dump;
using testing::Session;

// This binary's head revision, and "1,2,...,head": the tests follow the revisions added later.
const int kHead = static_cast<int>(embedded_revisions().size());
std::string all_versions(int from = 1) {
    std::string out;
    for (int v = from; v <= kHead; ++v) out += (out.empty() ? "" : ",") + std::to_string(v);
    return out;
}

std::string versions(const std::string& db) {
    Session s(db);
    return s.value("SELECT coalesce(string_agg(version::text, ',' ORDER BY version), '') FROM shipd_schema_migrations");
}

TEST(Migrator, UpDownUpGivesTheSameSchema) {
    const auto db = fresh_database();
    Migrator m(conninfo(db));
    const auto up = m.up();
    ASSERT_EQ(up.applied.size(), static_cast<std::size_t>(kHead));
    EXPECT_EQ(up.from_version, 0);
    EXPECT_EQ(up.to_version, kHead);
    const std::string first = schema_dump(db);
    EXPECT_NE(first.find("uuid_generate_v7"), std::string::npos);
    EXPECT_NE(first.find("analytics_costs"), std::string::npos);

    const auto down = m.down(0);
    ASSERT_EQ(down.reverted.size(), static_cast<std::size_t>(kHead));
    EXPECT_EQ(down.reverted.front().version, kHead);
    EXPECT_EQ(down.to_version, 0);
    Session s(db);
    // Only the versions table is left: no other table, view, function or type in public.
    EXPECT_EQ(s.value("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_namespace n "
                      "ON n.oid = c.relnamespace WHERE n.nspname = 'public'"),
              "shipd_schema_migrations,shipd_schema_migrations_pkey");
    EXPECT_EQ(s.value("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                      "WHERE n.nspname = 'public'"),
              "0");

    EXPECT_EQ(m.up().applied.size(), static_cast<std::size_t>(kHead));
    EXPECT_EQ(testing::first_difference(first, schema_dump(db)), "");
    EXPECT_EQ(versions(db), all_versions());
    EXPECT_TRUE(m.up().applied.empty());  // at head: nothing to do
}

TEST(Migrator, UpToAndDownStepsLandWhereAsked) {
    const auto db = fresh_database();
    Migrator m(conninfo(db));
    EXPECT_EQ(m.up(2).to_version, 2);
    EXPECT_EQ(versions(db), "1,2");
    EXPECT_EQ(m.status().current, 2);
    std::vector<int> pending;
    for (int v = 3; v <= kHead; ++v) pending.push_back(v);
    EXPECT_EQ(m.status().pending, pending);
    EXPECT_EQ(m.up(4).to_version, 4);
    EXPECT_EQ(versions(db), "1,2,3,4");
    EXPECT_EQ(m.down(std::nullopt, 2).to_version, 2);
    EXPECT_EQ(versions(db), "1,2");
    EXPECT_EQ(m.down().to_version, 1);  // one step by default
    EXPECT_EQ(versions(db), "1");
    EXPECT_EQ(m.up(5).to_version, 5);
    EXPECT_EQ(m.down(3).to_version, 3);
    EXPECT_EQ(versions(db), "1,2,3");

    auto kind_of = [](auto&& f) {
        try {
            f();
        } catch (const MigrateError& e) {
            return e.kind();
        }
        ADD_FAILURE() << "no MigrateError";
        return ErrorKind::kConnection;
    };
    EXPECT_EQ(kind_of([&] { m.up(2); }), ErrorKind::kInvalidArgument);        // below current: use down
    EXPECT_EQ(kind_of([&] { m.up(kHead + 1); }), ErrorKind::kInvalidArgument);  // no such revision
    EXPECT_EQ(kind_of([&] { m.down(4); }), ErrorKind::kInvalidArgument);      // above current
    EXPECT_EQ(kind_of([&] { m.down(std::nullopt, 4); }), ErrorKind::kInvalidArgument);  // only 3 applied
    EXPECT_EQ(kind_of([&] { m.down(1, 1); }), ErrorKind::kInvalidArgument);   // both
    EXPECT_EQ(versions(db), "1,2,3");

    const auto history = m.history();
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[1].name, "all_models");
    EXPECT_EQ(history[1].checksum, embedded_revisions()[1].checksum);
    EXPECT_EQ(history[1].applied_at.size(), 24u);  // 2026-01-01T00:00:00.000Z
    EXPECT_EQ(history[1].applied_at.back(), 'Z');
    EXPECT_GE(history[1].duration_ms, 0);
}

// Two processes migrate the same empty database at once: each revision is applied by exactly
// one of them (the exit codes carry how many each applied), and both succeed. Revision 3
// builds indexes CONCURRENTLY while the other one polls the lock: no deadlock.
TEST(Migrator, TwoConcurrentMigratorsApplyEachRevisionOnce) {
    const auto db = fresh_database();
    const std::string target = conninfo(db);
    std::vector<pid_t> children;
    for (int i = 0; i < 2; ++i) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int code = 1;
            try {
                Options o;
                o.lock_poll_interval = std::chrono::milliseconds(20);
                o.lock_wait_timeout = std::chrono::seconds(60);
                code = 10 + static_cast<int>(Migrator(target, o).up().applied.size());
            } catch (...) {
                code = 2;
            }
            _exit(code);
        }
        children.push_back(pid);
    }
    int total_applied = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    for (pid_t pid : children) {
        int status = 0;
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                FAIL() << "a migrator did not finish within 120 s";
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ASSERT_TRUE(WIFEXITED(status));
        const int code = WEXITSTATUS(status);
        ASSERT_GE(code, 10) << "a migrator failed (exit " << code << ")";
        total_applied += code - 10;
    }
    EXPECT_EQ(total_applied, kHead);
    EXPECT_EQ(versions(db), all_versions());
}

TEST(Migrator, EditedAppliedRevisionIsDriftNamingTheFile) {
    const auto db = testing::migrated_database();
    Migrator m(conninfo(db));
    EXPECT_TRUE(m.verify().ok());
    EXPECT_EQ(m.verify().verified, kHead);
    EXPECT_TRUE(check_ready(conninfo(db)).ok);

    Session(db).exec("UPDATE shipd_schema_migrations SET checksum = repeat('0', 64) WHERE version = 2");
    const auto v = m.verify();
    ASSERT_EQ(v.drift.size(), 1u);
    EXPECT_EQ(v.drift[0].file, "migrations/0002_all_models.up.sql");
    EXPECT_EQ(m.status().drift.size(), 1u);

    const auto ready = check_ready(conninfo(db));
    EXPECT_FALSE(ready.ok);
    EXPECT_NE(ready.message.find("migrations/0002_all_models.up.sql"), std::string::npos) << ready.message;
    EXPECT_NE(ready.message.find("shipd migrate verify"), std::string::npos) << ready.message;

    try {
        m.up();
        FAIL() << "up ran despite drift";
    } catch (const MigrateError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kDrift);
        EXPECT_NE(std::string(e.what()).find("migrations/0002_all_models.up.sql"), std::string::npos);
    }
}

TEST(Migrator, BinaryWithAnEditedFileSeesDrift) {
    const auto db = testing::migrated_database();
    Options edited;
    edited.revisions[4] = make_revision(5, edited.revisions[4].name, edited.revisions[4].up + "\n-- edited\n",
                                        edited.revisions[4].down);
    const auto v = Migrator(conninfo(db), edited).verify();
    ASSERT_EQ(v.drift.size(), 1u);
    EXPECT_EQ(v.drift[0].file, "migrations/0005_analytics_views.up.sql");
    const auto ready = check_ready(conninfo(db), edited);
    EXPECT_FALSE(ready.ok);
    EXPECT_NE(ready.message.find("migrations/0005_analytics_views.up.sql"), std::string::npos) << ready.message;
}

TEST(Migrator, CheckReadySaysBehindAndTheCommand) {
    const auto db = fresh_database();
    Migrator(conninfo(db)).up(3);
    const auto ready = check_ready(conninfo(db));
    EXPECT_FALSE(ready.ok);
    EXPECT_NE(ready.message.find("at revision 3"), std::string::npos) << ready.message;
    EXPECT_NE(ready.message.find("0004_parcel_nullable, 0005_analytics_views, 0006_events_latest_per_statement"),
              std::string::npos) << ready.message;
    EXPECT_NE(ready.message.find("`shipd migrate up`"), std::string::npos) << ready.message;
    EXPECT_NE(ready.message.find("SHIPD_AUTO_MIGRATE=true"), std::string::npos) << ready.message;
    Migrator(conninfo(db)).up();
    EXPECT_TRUE(check_ready(conninfo(db)).ok);

    const auto unreachable = check_ready("postgresql://u:hunter2@127.0.0.1:1/x?connect_timeout=5");
    EXPECT_FALSE(unreachable.ok);
    EXPECT_EQ(unreachable.message.find("hunter2"), std::string::npos);
}

TEST(Migrator, NewerDatabaseIsReadyWithAWarningAndRefusesToRevertUnknown) {
    const auto db = testing::migrated_database();
    Session(db).exec("INSERT INTO shipd_schema_migrations (version, name, checksum) VALUES (" + std::to_string(kHead + 1) + ", 'future', 'x')");
    const auto ready = check_ready(conninfo(db));
    EXPECT_TRUE(ready.ok);
    EXPECT_TRUE(ready.warning);
    EXPECT_EQ(Migrator(conninfo(db)).status().unknown, std::vector<int>{kHead + 1});
    try {
        Migrator(conninfo(db)).down();
        FAIL();
    } catch (const MigrateError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kUnknownRevision);
    }
}

TEST(Migrator, FailedTransactionalRevisionLeavesVersionAndSchemaUntouched) {
    const auto db = fresh_database();
    Options o;
    o.revisions = {make_revision(1, "base", "CREATE TABLE a (x int);", "DROP TABLE a;"),
                   make_revision(2, "broken",
                                 "CREATE TABLE b (x int);\n"
                                 "INSERT INTO b VALUES (1);\n"
                                 "ALTER TABLE a ADD COLUMN y int;\n"
                                 "SELECT 1 / (SELECT count(*) - 1 FROM b);\n",
                                 "DROP TABLE b;")};
    Migrator m(conninfo(db), o);
    m.up(1);
    const std::string before = schema_dump(db);
    try {
        m.up();
        FAIL() << "the broken revision applied";
    } catch (const MigrateError& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.kind(), ErrorKind::kRevisionFailed);
        EXPECT_NE(what.find("migrations/0002_broken.up.sql, line 4"), std::string::npos) << what;
        EXPECT_NE(what.find("division by zero"), std::string::npos) << what;
        EXPECT_NE(what.find("22012"), std::string::npos) << what;
        EXPECT_NE(what.find("stays at revision 1"), std::string::npos) << what;
    }
    EXPECT_EQ(versions(db), "1");
    EXPECT_EQ(testing::first_difference(before, schema_dump(db)), "");
    EXPECT_EQ(Session(db).value("SELECT to_regclass('b') IS NULL"), "t");
}

TEST(Migrator, FailedNonTransactionalRevisionNamesTheRecovery) {
    const auto db = fresh_database();
    Options o;
    o.revisions = {
        make_revision(1, "base", "CREATE TABLE t (x int); INSERT INTO t VALUES (1), (1);", "DROP TABLE t;"),
        make_revision(2, "unique_x",
                      "-- shipd:no-transaction\n"
                      "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_plain ON t (x);\n"
                      "DROP INDEX CONCURRENTLY IF EXISTS t_x_key;\n"
                      "CREATE UNIQUE INDEX CONCURRENTLY t_x_key ON t (x);\n",
                      "-- shipd:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS t_x_key;\n"
                      "DROP INDEX CONCURRENTLY IF EXISTS t_plain;\n")};
    Migrator m(conninfo(db), o);
    m.up(1);
    try {
        m.up();
        FAIL() << "a unique index over duplicates was built";
    } catch (const MigrateError& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.kind(), ErrorKind::kRevisionFailed);
        EXPECT_NE(what.find("migrations/0002_unique_x.up.sql, line 4"), std::string::npos) << what;
        EXPECT_NE(what.find("statements 1-2 of 3 took effect"), std::string::npos) << what;
        EXPECT_NE(what.find("DROP INDEX CONCURRENTLY IF EXISTS public.t_x_key;"), std::string::npos) << what;
        EXPECT_NE(what.find("`shipd migrate up`"), std::string::npos) << what;
    }
    EXPECT_EQ(versions(db), "1");
    // Follow the recovery: fix the cause, run the command again.
    Session(db).exec("DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t)");
    EXPECT_EQ(m.up().to_version, 2);
    EXPECT_EQ(Session(db).value("SELECT bool_and(indisvalid) FROM pg_index WHERE indrelid = 't'::regclass"), "t");
    EXPECT_EQ(m.down().to_version, 1);
    EXPECT_EQ(Session(db).value("SELECT count(*) FROM pg_index WHERE indrelid = 't'::regclass"), "0");
}

TEST(Migrator, LockHeldElsewhereTimesOutNamingTheHolder) {
    const auto db = fresh_database();
    Session holder(db);
    const std::string pid = holder.value("SELECT pg_backend_pid()");
    holder.exec("SELECT pg_advisory_lock(" + std::to_string(kLockKey) + ")");
    Options o;
    o.lock_poll_interval = std::chrono::milliseconds(50);
    o.lock_wait_timeout = std::chrono::milliseconds(500);
    std::vector<std::string> lines;
    o.log = [&](LogLevel, const std::string& line) { lines.push_back(line); };
    const auto started = std::chrono::steady_clock::now();
    try {
        Migrator(conninfo(db), o).up();
        FAIL() << "migrated while another session held the lock";
    } catch (const MigrateError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kLockTimeout);
        EXPECT_NE(std::string(e.what()).find("pid " + pid), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    ASSERT_FALSE(lines.empty());
    EXPECT_NE(lines.front().find("waiting for the migration lock"), std::string::npos);
    // The versions table is created only once the lock is taken.
    EXPECT_EQ(Session(db).value("SELECT to_regclass('shipd_schema_migrations') IS NULL"), "t");
}

}  // namespace
}  // namespace shipd::migrate
