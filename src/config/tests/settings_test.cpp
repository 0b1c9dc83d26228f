// Settings: every default, good and bad values, .env parsing, unknown names, masking.
#include <gtest/gtest.h>

#include <fstream>

#include "config/dsn.hpp"
#include "config/settings.hpp"
#include "support/temp_dir.hpp"

namespace shipd::config {
namespace {

bool has(const std::vector<std::string>& lines, const std::string& needle) {
    for (const auto& l : lines)
        if (l.find(needle) != std::string::npos) return true;
    return false;
}

std::string entry(const LoadResult& r, const std::string& name) {
    for (const auto& e : r.entries)
        if (e.name == name) return e.value;
    return "<missing>";
}

TEST(Settings, EveryDefaultIsTheSeeds) {
    LoadResult r = load({}, std::nullopt);
    ASSERT_TRUE(r.problems.empty()) << r.problems.front();
    const Settings& s = r.settings;
    EXPECT_TRUE(s.embedded());
    EXPECT_EQ(s.pool_size, 20);
    EXPECT_EQ(s.max_overflow, 30);
    EXPECT_EQ(s.pool_recycle_s, 3600);
    EXPECT_EQ(s.pool_timeout_s, 30);
    EXPECT_TRUE(s.pool_pre_ping);
    EXPECT_EQ(s.statement_cache_size, 500);
    EXPECT_EQ(s.command_timeout_s, 60);
    EXPECT_EQ(s.connect_timeout_s, 10);
    EXPECT_EQ(s.server_settings, "jit=on,timezone=UTC");
    EXPECT_EQ(s.bulk_pool_min_size, 10);
    EXPECT_EQ(s.bulk_pool_max_size, 32);
    EXPECT_TRUE(s.read_replica_urls.empty());
    EXPECT_EQ(s.startup_mode, StartupMode::kDegrade);
    EXPECT_EQ(s.carrier_provider, CarrierProvider::kSimulated);
    EXPECT_EQ(s.easypost_base_url, "https://api.easypost.com/v2");
    EXPECT_EQ(s.host, "127.0.0.1");
    EXPECT_EQ(s.port, 8080);
    EXPECT_EQ(s.body_limit, 1048576u);
    EXPECT_EQ(s.import_max_bytes, 64u << 20);
    EXPECT_EQ(s.data_dir, ".shipd");
    EXPECT_EQ(s.log_format, LogFormat::kText);
    EXPECT_EQ(s.instances, 1);
    EXPECT_EQ(s.capacity_policy, CapacityPolicy::kWarn);
    EXPECT_FALSE(s.auto_migrate);
    EXPECT_EQ(s.analytics_refresh_s, 60);
    EXPECT_EQ(s.simulated_tracking_step_s, 60);
    EXPECT_FALSE(s.instance_name.empty());
    for (const auto& e : r.entries) EXPECT_EQ(e.source, Source::kDefault) << e.name;
}

TEST(Settings, GoodValuesAreRead) {
    LoadResult r = load({{"DATABASE_URL", "postgresql+asyncpg://u:secret@db:5432/easypost"},
                         {"DATABASE_POOL_SIZE", "15"},
                         {"DATABASE_MAX_OVERFLOW", " 20 "},
                         {"DATABASE_POOL_PRE_PING", "off"},
                         {"DATABASE_READ_REPLICA_URLS", "postgres://r1/db, postgresql://r2/db"},
                         {"DB_STARTUP_MODE", "FAIL"},
                         {"SHIPD_BODY_LIMIT", "2MiB"},
                         {"SHIPD_LOG_FORMAT", "json"},
                         {"SHIPD_PORT", "0"}},
                        std::nullopt);
    ASSERT_TRUE(r.problems.empty()) << r.problems.front();
    EXPECT_EQ(r.settings.database_url, "postgresql://u:secret@db:5432/easypost");
    EXPECT_FALSE(r.settings.embedded());
    EXPECT_EQ(r.settings.pool_size, 15);
    EXPECT_EQ(r.settings.max_overflow, 20);
    EXPECT_FALSE(r.settings.pool_pre_ping);
    ASSERT_EQ(r.settings.read_replica_urls.size(), 2u);
    EXPECT_EQ(r.settings.read_replica_urls[0], "postgresql://r1/db");
    EXPECT_EQ(r.settings.startup_mode, StartupMode::kFail);
    EXPECT_EQ(r.settings.body_limit, 2u << 20);
    EXPECT_EQ(r.settings.log_format, LogFormat::kJson);
    EXPECT_EQ(r.settings.port, 0);
}

TEST(Settings, EveryProblemIsListedAtOnce) {
    LoadResult r = load({{"DATABASE_POOL_SIZE", "abc"},
                         {"DATABASE_MAX_OVERFLOW", "-1"},
                         {"DATABASE_POOL_PRE_PING", "maybe"},
                         {"CARRIER_PROVIDER", "easypost"},
                         {"SHIPD_PORT", "70000"},
                         {"SHIPD_BODY_LIMIT", "lots"},
                         {"SHIPD_LOG_LEVEL", "loud"},
                         {"DATABASE_URL", "mysql://u:pw@h/db"},
                         {"BULK_POOL_MIN_SIZE", "40"},
                         {"DATABASE_SERVER_SETTINGS", "jit=on,oops, DateStyle=SQL"},
                         {"SHIPD_CREATE_BATCH_MAX", "0"}},
                        std::nullopt);
    EXPECT_TRUE(has(r.problems, "DATABASE_POOL_SIZE: 'abc' is not an integer"));
    EXPECT_TRUE(has(r.problems, "DATABASE_MAX_OVERFLOW: -1 is out of range"));
    EXPECT_TRUE(has(r.problems, "DATABASE_POOL_PRE_PING: 'maybe' is not a boolean"));
    EXPECT_TRUE(has(r.problems, "EASYPOST_API_KEY is required when CARRIER_PROVIDER=easypost"));
    EXPECT_TRUE(has(r.problems, "SHIPD_PORT: 70000 is out of range"));
    EXPECT_TRUE(has(r.problems, "SHIPD_BODY_LIMIT: 'lots' is not a size"));
    EXPECT_TRUE(has(r.problems, "SHIPD_LOG_LEVEL: 'loud'"));
    EXPECT_TRUE(has(r.problems, "DATABASE_URL: 'mysql://u:****@h/db' is not a PostgreSQL URL"));
    EXPECT_TRUE(has(r.problems, "BULK_POOL_MIN_SIZE (40) is larger than BULK_POOL_MAX_SIZE (32)"));
    EXPECT_TRUE(has(r.problems, "DATABASE_SERVER_SETTINGS: 'oops' is not name=value"));
    EXPECT_TRUE(has(r.problems, "DATABASE_SERVER_SETTINGS: DateStyle cannot be set"));
    EXPECT_TRUE(has(r.problems, "SHIPD_CREATE_BATCH_MAX: 0 is out of range"));
    EXPECT_EQ(r.problems.size(), 12u);
    EXPECT_FALSE(has(r.problems, "pw"));
}

TEST(Settings, PipelineShapeIsANumberOrAuto) {
    LoadResult d = load({}, std::nullopt);
    EXPECT_EQ(d.settings.pipeline_connections, Settings::kAuto);
    EXPECT_EQ(d.settings.pipeline_depth, Settings::kAuto);
    EXPECT_EQ(entry(d, "SHIPD_PIPELINE_CONNECTIONS"), "auto");
    EXPECT_EQ(entry(d, "SHIPD_PIPELINE_DEPTH"), "auto");

    LoadResult r = load({{"SHIPD_PIPELINE_CONNECTIONS", "0"}, {"SHIPD_PIPELINE_DEPTH", " AUTO "}}, std::nullopt);
    ASSERT_TRUE(r.problems.empty()) << r.problems.front();
    EXPECT_EQ(r.settings.pipeline_connections, 0);
    EXPECT_EQ(r.settings.pipeline_depth, Settings::kAuto);
    EXPECT_EQ(entry(r, "SHIPD_PIPELINE_CONNECTIONS"), "0");

    LoadResult bad = load({{"SHIPD_PIPELINE_CONNECTIONS", "many"}, {"SHIPD_PIPELINE_DEPTH", "0"}}, std::nullopt);
    EXPECT_TRUE(has(bad.problems, "SHIPD_PIPELINE_CONNECTIONS: 'many' is not an integer or auto"));
    EXPECT_TRUE(has(bad.problems, "SHIPD_PIPELINE_DEPTH: 0 is out of range (1 to 1024)"));
    EXPECT_EQ(bad.problems.size(), 2u);
}

TEST(Settings, EnvironmentWinsOverTheEnvFile) {
    testing::TempDir dir;
    auto file = dir.path() / ".env";
    std::ofstream(file) << "# comment\n\nexport DATABASE_POOL_SIZE=12\nDATABASE_MAX_OVERFLOW=\"7\"\n"
                           "SHIPD_HOST='0.0.0.0' # trailing comment\nSHIPD_PORT=9000 # note\n";
    LoadResult r = load({{"DATABASE_POOL_SIZE", "13"}}, file);
    ASSERT_TRUE(r.problems.empty()) << r.problems.front();
    EXPECT_EQ(r.settings.pool_size, 13);
    EXPECT_EQ(r.settings.max_overflow, 7);
    EXPECT_EQ(r.settings.host, "0.0.0.0");
    EXPECT_EQ(r.settings.port, 9000);
    for (const auto& e : r.entries) {
        if (e.name == "DATABASE_POOL_SIZE") {
            EXPECT_EQ(e.source, Source::kEnvironment);
        }
        if (e.name == "DATABASE_MAX_OVERFLOW") {
            EXPECT_EQ(e.source, Source::kEnvFile);
        }
    }
}

TEST(Settings, MalformedEnvLineNamesFileAndLine) {
    std::vector<std::string> problems;
    auto env = parse_env_file("GOOD=1\nthis is not a setting\nQ=\"open\n9BAD=x\n", "/etc/shipd.env", problems);
    EXPECT_EQ(env.at("GOOD"), "1");
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_NE(problems[0].find("/etc/shipd.env:2: expected NAME=VALUE"), std::string::npos) << problems[0];
    EXPECT_NE(problems[1].find("/etc/shipd.env:3: Q: unterminated double quote"), std::string::npos) << problems[1];
    EXPECT_NE(problems[2].find("/etc/shipd.env:4:"), std::string::npos) << problems[2];
}

TEST(Settings, UnknownShipdVariableIsWarnedAboutByName) {
    LoadResult r = load({{"SHIPD_PROT", "9000"}, {"SHIPD_FROBNICATE", "1"}, {"OTHER_THING", "x"}},
                        std::nullopt);
    EXPECT_TRUE(r.problems.empty());
    EXPECT_TRUE(has(r.warnings, "unknown setting SHIPD_PROT (did you mean SHIPD_PORT?)"));
    EXPECT_TRUE(has(r.warnings, "unknown setting SHIPD_FROBNICATE"));
    EXPECT_FALSE(has(r.warnings, "OTHER_THING"));
}

TEST(Settings, SecretsAreMaskedWhenPrinted) {
    LoadResult r = load({{"DATABASE_URL", "postgresql://app:hunter2@db/x"},
                         {"EASYPOST_API_KEY", "EZAK_live_123"},
                         {"EASYPOST_WEBHOOK_SECRET", "whsec"},
                         {"DATABASE_READ_REPLICA_URLS", "postgresql://ro:pw2@r1/x"}},
                        std::nullopt);
    EXPECT_EQ(entry(r, "DATABASE_URL"), "postgresql://app:****@db/x");
    EXPECT_EQ(entry(r, "EASYPOST_API_KEY"), "****");
    EXPECT_EQ(entry(r, "EASYPOST_WEBHOOK_SECRET"), "****");
    EXPECT_EQ(entry(r, "DATABASE_READ_REPLICA_URLS"), "postgresql://ro:****@r1/x");
    for (const auto& e : r.entries) {
        EXPECT_EQ(e.value.find("hunter2"), std::string::npos);
        EXPECT_EQ(e.value.find("EZAK"), std::string::npos);
    }
}

TEST(Dsn, SeedSpellingsAreNormalised) {
    EXPECT_EQ(normalize_database_url("postgresql+asyncpg://u:p@h:5432/db"), "postgresql://u:p@h:5432/db");
    EXPECT_EQ(normalize_database_url("postgres://h/db"), "postgresql://h/db");
    EXPECT_EQ(normalize_database_url("postgresql://h/db"), "postgresql://h/db");
    EXPECT_EQ(normalize_database_url("host=h dbname=db"), "host=h dbname=db");
}

TEST(Dsn, PasswordsAreMaskedInUrlsConninfoAndFreeText) {
    EXPECT_EQ(mask_dsn("postgresql://u:p%40ss@h:5432/db?sslmode=require"),
              "postgresql://u:****@h:5432/db?sslmode=require");
    EXPECT_EQ(mask_dsn("postgresql://u@h/db"), "postgresql://u@h/db");
    EXPECT_EQ(mask_dsn("postgresql://h1,h2/db?user=u&password=pw&x=1"),
              "postgresql://h1,h2/db?user=u&password=****&x=1");
    EXPECT_EQ(mask_dsn("host=h password='a b' dbname=x"), "host=h password=**** dbname=x");
    EXPECT_EQ(redact_secrets("connect to postgresql://a:b@c/d failed; retry postgres://x:y@z"),
              "connect to postgresql://a:****@c/d failed; retry postgres://x:****@z");
}

}  // namespace
}  // namespace shipd::config
