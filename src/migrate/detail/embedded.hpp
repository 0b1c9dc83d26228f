// The migrations/*.sql files as compiled into the binary (the .cpp is generated at build time).
#pragma once

#include <string_view>
#include <vector>

namespace shipd::migrate::detail {

struct EmbeddedFile {
    /// File name inside migrations/, e.g. "0001_initial_schema.up.sql".
    std::string_view name;
    std::string_view contents;
};

/// Every migrations/*.sql file, sorted by name. Defined in the generated embedded_migrations.cpp.
const std::vector<EmbeddedFile>& embedded_files();

}  // namespace shipd::migrate::detail
