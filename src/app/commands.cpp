// One-off database commands of the CLI.
#include "app/commands.hpp"

#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "api/auth.hpp"
#include "app/module_settings.hpp"
#include "pg/cluster.hpp"
#include "store/api_keys_store.hpp"

namespace shipd::app {

namespace asio = boost::asio;

namespace {

// Runs `body(cluster)` on a fresh io_context with a one-connection cluster; rethrows its error.
template <class T, class Body>
T with_cluster(const config::Settings& settings, const std::string& url, Body body) {
    asio::io_context io;
    pg::Cluster cluster(io.get_executor(), command_cluster_settings(settings, url));
    auto task = [&]() -> asio::awaitable<T> {
        co_await cluster.start();
        T out = co_await body(cluster);
        cluster.close();
        co_return out;
    };
    auto future = asio::co_spawn(io, task(), asio::use_future);
    io.run();
    return future.get();
}

}  // namespace

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
            auto made = with_cluster<store::ApiKey>(settings, url, [&](pg::Cluster& c) {
                return store::create_key(c.write(), *name, *admin, api::hash_api_key(key), api::key_prefix(key));
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
