// One-off database commands of the CLI.
#include "app/commands.hpp"

#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "api/auth.hpp"
#include "api/import_pipeline.hpp"
#include "app/demo_data.hpp"
#include "app/one_off_cluster.hpp"
#include "app/progress.hpp"
#include "app/module_settings.hpp"
#include "pg/cluster.hpp"
#include "store/api_keys_store.hpp"
#include "store/import_store.hpp"

namespace shipd::app {

namespace asio = boost::asio;

void add_keys_command(CLI::App& app, const config::Settings& settings, std::function<std::string()> database_url) {
    auto* keys = app.add_subcommand("keys", "Create, list and revoke API keys (stored hashed; a key is shown once)");
    keys->require_subcommand(1);
    keys->footer("\nExamples:\n  shipd keys create --name billing-service\n  shipd keys create --name ops --admin\n"
                 "  shipd keys list\n  shipd keys revoke shipd_AbC123");

    auto* create = keys->add_subcommand("create", "Make a key and print it (once: only its hash is kept)");
    auto name = std::make_shared<std::string>();
    auto admin = std::make_shared<bool>(false);
    create->add_option("--name", *name, "What the key is for, shown by `keys list`")->required();
    create->add_flag("--admin", *admin, "Allow /v1/admin/* routes");
    create->callback([&settings, database_url, name, admin] {
        std::string url = database_url();
        std::string key = api::generate_api_key();
        try {
            // The hash and prefix live in the coroutine's frame: store::create_key takes them by
            // reference, and a lambda returning its awaitable would leave them dangling.
            auto made = with_cluster<store::ApiKey>(settings, url, [&](pg::Cluster& c) -> asio::awaitable<store::ApiKey> {
                std::string hash = api::hash_api_key(key);
                std::string prefix = api::key_prefix(key);
                co_return co_await store::create_key(c.write(), *name, *admin, hash, prefix);
            });
            std::printf("%s\n", key.c_str());
            std::fprintf(stderr, "created %skey '%s' (id %s); store it now, it is not shown again\n",
                         *admin ? "admin " : "", made.name.c_str(), made.id.c_str());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "shipd keys create: %s\n", e.what());
            throw CLI::RuntimeError(1);
        }
    });

    auto* list = keys->add_subcommand("list", "List keys: id, prefix, name, admin, created, last used, revoked");
    list->callback([&settings, database_url] {
        std::string url = database_url();
        try {
            auto all = with_cluster<std::vector<store::ApiKey>>(settings, url, [](pg::Cluster& c) { return store::list_keys(c.read()); });
            std::printf("%-36s  %-12s  %-20s  %-5s  %-27s  %-27s  %s\n", "id", "prefix", "name", "admin", "created",
                        "last used", "revoked");
            for (const auto& k : all) {
                std::printf("%-36s  %-12s  %-20s  %-5s  %-27s  %-27s  %s\n", k.id.c_str(), k.key_prefix.c_str(),
                            k.name.c_str(), k.is_admin ? "yes" : "no", k.created_at.c_str(),
                            k.last_used_at.value_or("-").c_str(), k.revoked_at.value_or("-").c_str());
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "shipd keys list: %s\n", e.what());
            throw CLI::RuntimeError(1);
        }
    });

    auto* revoke = keys->add_subcommand("revoke", "Revoke a key by id or prefix (takes effect within 10 s on running servers)");
    auto which = std::make_shared<std::string>();
    revoke->add_option("key", *which, "The key's id or prefix, as `keys list` shows")->required();
    revoke->callback([&settings, database_url, which] {
        std::string url = database_url();
        store::RevokeOutcome outcome;
        try {
            outcome = with_cluster<store::RevokeOutcome>(settings, url, [&](pg::Cluster& c) { return store::revoke_key(c.write(), *which); });
        } catch (const std::exception& e) {
            std::fprintf(stderr, "shipd keys revoke: %s\n", e.what());
            throw CLI::RuntimeError(1);
        }
        switch (outcome) {
            case store::RevokeOutcome::kRevoked: std::printf("revoked %s\n", which->c_str()); return;
            case store::RevokeOutcome::kAlreadyRevoked: std::printf("%s was already revoked\n", which->c_str()); return;
            case store::RevokeOutcome::kNotFound:
                std::fprintf(stderr, "shipd keys revoke: no key has id or prefix '%s' (see `shipd keys list`)\n", which->c_str());
                throw CLI::RuntimeError(1);
            case store::RevokeOutcome::kAmbiguous:
                std::fprintf(stderr, "shipd keys revoke: several keys start with '%s': give the id\n", which->c_str());
                throw CLI::RuntimeError(1);
        }
    });
}

std::string ensure_default_key(const config::Settings& settings, const std::string& url, const std::string& key_file) {
    {
        std::ifstream f(key_file);
        std::string key;
        if (f >> key && !key.empty()) return key;
    }
    std::string key = api::generate_api_key();
    bool created = with_cluster<bool>(settings, url, [&](pg::Cluster& c) -> asio::awaitable<bool> {
        auto existing = co_await store::list_keys(c.read());
        if (!existing.empty()) co_return false;
        co_await store::create_key(c.write(), "default", true, api::hash_api_key(key), api::key_prefix(key));
        co_return true;
    });
    if (!created) return {};
    {
        std::ofstream f(key_file, std::ios::trunc);
        f << key << "\n";
    }
    chmod(key_file.c_str(), 0600);
    return key;
}

}  // namespace shipd::app

namespace shipd::app {

void add_data_commands(CLI::App& app, const config::Settings& settings, std::function<std::string()> database_url) {
    auto* demo = app.add_subcommand("demo-data", "Load realistic demo shipments (addresses across states, carriers, statuses, event histories)");
    auto count = std::make_shared<std::size_t>(1000);
    auto seed = std::make_shared<std::uint64_t>(42);
    demo->add_option("--shipments", *count, "How many shipments")->check(CLI::Range(1, 10'000'000))->capture_default_str();
    demo->add_option("--seed", *seed, "Random seed: the same seed gives the same data")->capture_default_str();
    demo->callback([&settings, database_url, count, seed] {
        std::string url = database_url();
        try {
            load_demo_data(settings, url, *count, *seed, true);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "shipd demo-data: %s\n", e.what());
            throw CLI::RuntimeError(1);
        }
    });

    auto* import = app.add_subcommand("import", "Import shipments from an NDJSON file (one shipment a line, as POST /v1/imports/shipments)");
    auto file = std::make_shared<std::string>();
    import->add_option("file", *file, "The NDJSON file")->required()->check(CLI::ExistingFile);
    import->footer("\nBad lines are reported with their line numbers; good lines are all kept. Exit 0 when every line was\n"
                   "imported, 3 when some were rejected, 1 when the import could not run.\n"
                   "No size limit: SHIPD_IMPORT_MAX_BYTES bounds the HTTP route only. The file is read by 1 MiB chunks,\n"
                   "so its size does not bound memory; the report keeps one entry a line (an id or an error).");
    import->callback([&settings, database_url, file] {
        std::string url = database_url();
        std::ifstream in(*file, std::ios::binary);
        auto size = std::filesystem::file_size(*file);
        ProgressBar bar("import", static_cast<std::size_t>(size));
        domain::ImportResult result;
        using Clock = std::chrono::steady_clock;
        const auto started = Clock::now();
        Clock::duration stored_in{};
        std::optional<Clock::duration> analyzed_in;
        try {
            result = with_cluster<domain::ImportResult>(settings, url, [&](pg::Cluster& c) -> asio::awaitable<domain::ImportResult> {
                api::Importer importer(c.bulk());
                std::vector<char> chunk(1 << 20);
                std::size_t read = 0;
                while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
                    co_await importer.feed(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
                    read += static_cast<std::size_t>(in.gcount());
                    bar.update(read);
                }
                domain::ImportResult done = co_await importer.finish();
                stored_in = Clock::now() - started;
                // Fresh statistics for the planner after a large load (SHIPD_IMPORT_ANALYZE_ROWS),
                // every table at once: nothing else waits on this process's connections.
                if (settings.import_analyze_rows > 0 &&
                    done.accepted >= static_cast<std::size_t>(settings.import_analyze_rows)) {
                    const auto analyzing = Clock::now();
                    co_await store::analyze_bulk_tables(c.bulk(), store::BulkTables::kShipments,
                                                        store::AnalyzeSpread::kConnectionPerTable);
                    analyzed_in = Clock::now() - analyzing;
                }
                co_return done;
            });
        } catch (const std::exception& e) {
            std::fprintf(stderr, "\nshipd import: %s\n", e.what());
            throw CLI::RuntimeError(1);
        }
        bar.finish();
        const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
        const double stored_s = seconds(stored_in);
        std::printf("accepted %zu, rejected %zu in %.2f s (%.0f lines a second)\n", result.accepted, result.rejected,
                    stored_s, stored_s > 0 ? static_cast<double>(result.accepted + result.rejected) / stored_s : 0.0);
        if (analyzed_in) {
            std::printf("planner statistics refreshed (ANALYZE, SHIPD_IMPORT_ANALYZE_ROWS) in %.2f s\n",
                        seconds(*analyzed_in));
        }
        for (const auto& e : result.errors) {
            std::printf("line %zu: %s %s\n", e.line, e.code.c_str(), e.message.c_str());
        }
        if (result.rejected > 0) throw CLI::RuntimeError(3);
    });
}

}  // namespace shipd::app
