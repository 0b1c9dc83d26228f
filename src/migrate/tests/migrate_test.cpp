// Migration engine pieces that need no database: embedded revisions, checksums, the SQL
// splitter, conninfo descriptions, formatting and the command line.
#include <gtest/gtest.h>

#include <sstream>

#include "migrate/command.hpp"
#include "migrate/detail/conninfo.hpp"
#include "migrate/detail/sql_split.hpp"
#include "migrate/format.hpp"
#include "migrate/revision.hpp"

namespace shipd::migrate {
namespace {

TEST(EmbeddedRevisions, AreTheSeedsFiveAndShipdsOwnInOrderWithTheirFiles) {
    const auto& revisions = embedded_revisions();
    ASSERT_EQ(revisions.size(), 9u);
    const char* names[] = {"initial_schema",  "all_models",      "indexes_uuid_v7",
                           "parcel_nullable", "analytics_views", "events_latest_per_statement",
                           "latest_event_copy", "tracking_code_hash", "partial_null_indexes_plpgsql_uuid_v7"};
    for (int i = 0; i < 9; ++i) {
        EXPECT_EQ(revisions[i].version, i + 1);
        EXPECT_EQ(revisions[i].name, names[i]);
        EXPECT_FALSE(revisions[i].up.empty());
        EXPECT_FALSE(revisions[i].down.empty());
        EXPECT_EQ(revisions[i].checksum, sha256_hex(revisions[i].up));
        EXPECT_EQ(revisions[i].checksum.size(), 64u);
    }
    EXPECT_EQ(revisions[1].up_file(), "migrations/0002_all_models.up.sql");
    EXPECT_EQ(revisions[1].down_file(), "migrations/0002_all_models.down.sql");
    // Revisions 3, 8 and 9 build indexes CONCURRENTLY, so they run outside a transaction both ways.
    for (int i : {2, 7, 8}) {
        EXPECT_FALSE(revisions[i].transactional) << revisions[i].label();
        EXPECT_FALSE(revisions[i].down_transactional) << revisions[i].label();
    }
    for (int i : {0, 1, 3, 4, 5, 6}) {
        EXPECT_TRUE(revisions[i].transactional) << revisions[i].label();
        EXPECT_TRUE(revisions[i].down_transactional) << revisions[i].label();
    }
}

TEST(Revision, MarkerAndChecksum) {
    auto r = make_revision(7, "x", "-- shipd:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);", "DROP INDEX i;");
    EXPECT_FALSE(r.transactional);
    EXPECT_TRUE(r.down_transactional);
    EXPECT_EQ(r.label(), "0007_x");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_NE(make_revision(1, "a", "SELECT 1;", "").checksum, make_revision(1, "a", "SELECT 1; ", "").checksum);
}

TEST(Revision, ValidationRefusesRepeatedOrUnorderedVersions) {
    std::vector<Revision> revisions{make_revision(1, "a", "", ""), make_revision(1, "b", "", "")};
    EXPECT_THROW(validate_revisions(revisions), std::invalid_argument);
    revisions = {make_revision(2, "a", "", ""), make_revision(1, "b", "", "")};
    EXPECT_THROW(validate_revisions(revisions), std::invalid_argument);
    revisions = {make_revision(0, "a", "", "")};
    EXPECT_THROW(validate_revisions(revisions), std::invalid_argument);
    revisions = {make_revision(1, "a", "", ""), make_revision(3, "b", "", "")};
    EXPECT_NO_THROW(validate_revisions(revisions));
}

TEST(SqlSplit, SplitsOnlyOnTopLevelSemicolons) {
    const std::string sql =
        "-- header; not a statement\n"
        "CREATE TABLE t (x text DEFAULT 'a;b', \"we;ird\" int);\n"
        "/* block ; /* nested ; */ still ; */\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
        "CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;\n"
        "PREPARE p AS SELECT $1::int; SELECT 'it''s; fine'\n";
    auto parts = detail::split_sql(sql);
    ASSERT_EQ(parts.size(), 5u);
    EXPECT_NE(parts[0].text.find("'a;b'"), std::string::npos);
    EXPECT_NE(parts[1].text.find("$$ SELECT 1; $$"), std::string::npos);
    EXPECT_NE(parts[2].text.find("RETURN 1; END $body$"), std::string::npos);
    EXPECT_NE(parts[3].text.find("PREPARE p AS SELECT $1::int"), std::string::npos);
    EXPECT_NE(parts[4].text.find("'it''s; fine'"), std::string::npos);
    for (const auto& p : parts) EXPECT_EQ(sql.substr(p.offset, p.text.size()), p.text);
    EXPECT_TRUE(detail::split_sql("-- only a comment\n;  ;\n/* and this */").empty());
    // E'' strings take backslash escapes; a plain '' string does not.
    auto escaped = detail::split_sql("SELECT E'a\\'; b'; SELECT 'c\\'; SELECT 2");
    ASSERT_EQ(escaped.size(), 3u);
    EXPECT_EQ(escaped[0].text, "SELECT E'a\\'; b'");
    EXPECT_EQ(escaped[1].text, " SELECT 'c\\'");
}

TEST(SqlSplit, EmbeddedRevisionThreeSplitsIntoItsStatements) {
    auto parts = detail::split_sql(embedded_revisions()[2].up);
    // The function, its comment, 7 defaults, 10 indexes.
    EXPECT_EQ(parts.size(), 1u + 1u + 7u + 10u);
}

TEST(SqlSplit, LinesAndUtf8Positions) {
    const std::string text = "é\nab\ncd";  // é is two bytes, one character
    EXPECT_EQ(detail::line_of(text, 0), 1);
    EXPECT_EQ(detail::line_of(text, 3), 2);
    EXPECT_EQ(detail::line_of(text, text.size() - 1), 3);
    EXPECT_EQ(detail::byte_offset_of_char(text, 1), 0u);
    EXPECT_EQ(detail::byte_offset_of_char(text, 2), 2u);  // the newline after é
    EXPECT_EQ(detail::byte_offset_of_char(text, 3), 3u);  // 'a'
    EXPECT_EQ(detail::byte_offset_of_char(text, 100), text.size());
}

TEST(Conninfo, DescriptionsNeverHoldThePassword) {
    EXPECT_EQ(detail::describe_conninfo("postgresql://app:s3cret@db.example:5433/ship?sslmode=require"),
              "app@db.example:5433/ship");
    EXPECT_EQ(detail::describe_conninfo("postgresql+asyncpg://app:s3cret@db/ship"), "app@db/ship");
    EXPECT_EQ(detail::describe_conninfo("host=h port=1 user=u password=s3cret dbname=d"), "u@h:1/d");
    EXPECT_EQ(detail::describe_conninfo("postgresql://app:s3cret@[bad"), "(unparsable connection string)");
    EXPECT_EQ(detail::normalize_conninfo("postgresql+asyncpg://a@b/c"), "postgresql://a@b/c");
    EXPECT_EQ(detail::normalize_conninfo("postgres://a@b/c"), "postgres://a@b/c");
}

TEST(Migrator, UnreachableDatabaseErrorHidesThePassword) {
    Options o;
    Migrator m("postgresql://app:hunter2@127.0.0.1:1/ship?connect_timeout=5", o);
    EXPECT_EQ(m.target(), "app@127.0.0.1:1/ship");
    try {
        m.status();
        FAIL() << "connected to port 1?";
    } catch (const MigrateError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kConnection);
        EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("app@127.0.0.1:1/ship"), std::string::npos) << e.what();
    }
}

TEST(Format, StatusSaysWhatToRun) {
    Status s;
    s.current = 3;
    s.head = 5;
    s.pending = {4, 5};
    s.revisions = {{3, "indexes_uuid_v7", RevisionState::kApplied, Applied{3, "indexes_uuid_v7", "x", "2025-01-01T00:00:00.000Z", 5}},
                   {4, "parcel_nullable", RevisionState::kPending, std::nullopt},
                   {5, "analytics_views", RevisionState::kPending, std::nullopt}};
    const std::string text = format_status(s);
    EXPECT_NE(text.find("pending  0004_parcel_nullable"), std::string::npos) << text;
    EXPECT_NE(text.find("revision 3 of 5, 2 pending"), std::string::npos) << text;
    EXPECT_NE(text.find("shipd migrate up"), std::string::npos) << text;
    s.drift = {{2, "all_models", "migrations/0002_all_models.up.sql", "aa", "bb"}};
    EXPECT_NE(format_status(s).find("shipd migrate verify"), std::string::npos);
    VerifyResult v;
    v.drift = s.drift;
    EXPECT_NE(format_verify(v).find("DRIFT 0002_all_models: migrations/0002_all_models.up.sql"), std::string::npos);
}

int run_cli(const std::vector<std::string>& args, const std::string& url, std::string* out_text,
            std::string* err_text) {
    CLI::App app("shipd");
    std::ostringstream out;
    std::ostringstream err;
    CommandOptions options;
    options.out = &out;
    options.err = &err;
    add_migrate_command(app, [url] { return url; }, options);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    int code = 0;
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        code = app.exit(e, out, err);
    }
    if (out_text) *out_text = out.str();
    if (err_text) *err_text = err.str();
    return code;
}

TEST(Command, HelpListsEverySubcommand) {
    std::string out;
    EXPECT_EQ(run_cli({"migrate", "--help"}, "", &out, nullptr), 0);
    for (const char* sub : {"up", "down", "status", "history", "verify", "Exit codes"}) {
        EXPECT_NE(out.find(sub), std::string::npos) << sub << " missing from:\n" << out;
    }
    EXPECT_EQ(run_cli({"migrate", "down", "--help"}, "", &out, nullptr), 0);
    EXPECT_NE(out.find("--steps"), std::string::npos) << out;
}

TEST(Command, ToAndStepsExcludeEachOther) {
    std::string err;
    EXPECT_NE(run_cli({"migrate", "down", "--to", "1", "--steps", "2"}, "", nullptr, &err), 0);
    EXPECT_NE(err.find("excludes"), std::string::npos) << err;
    EXPECT_NE(run_cli({"migrate"}, "", nullptr, &err), 0);  // a subcommand is required
}

TEST(Command, UnreachableDatabaseExitsFiveWithoutThePassword) {
    std::string err;
    const int code = run_cli({"migrate", "status"}, "postgresql://app:hunter2@127.0.0.1:1/ship?connect_timeout=5",
                             nullptr, &err);
    EXPECT_EQ(code, static_cast<int>(ExitCode::kUnreachable));
    EXPECT_NE(err.find("error: "), std::string::npos);
    EXPECT_EQ(err.find("hunter2"), std::string::npos) << err;
}

}  // namespace
}  // namespace shipd::migrate
