// One-off database commands of the CLI (keys), run on a small cluster of their own.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "config/settings.hpp"

namespace shipd::app {

/// Adds `keys create --name N [--admin] | list | revoke ID_OR_PREFIX`. `database_url` is called
/// when a subcommand runs; failures print one line and throw CLI::RuntimeError(1).
void add_keys_command(CLI::App& app, const config::Settings& settings, std::function<std::string()> database_url);

/// Adds `demo-data --shipments N [--seed S]` and `import FILE` (NDJSON, one shipment a line,
/// API.md's import shape), both with a progress bar.
void add_data_commands(CLI::App& app, const config::Settings& settings, std::function<std::string()> database_url);

/// The embedded default's key: on the first start (no key in the database) creates an admin key
/// named "default" and keeps it in `key_file` (mode 0600) so every `make run` can print it;
/// returns the key, or empty when keys exist but the file does not (someone made their own).
std::string ensure_default_key(const config::Settings& settings, const std::string& database_url,
                               const std::string& key_file);

}  // namespace shipd::app
