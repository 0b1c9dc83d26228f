// The files compiled into the binary (generated embedded_assets.cpp, by embed_assets.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace shipd::apidocs::detail {

struct EmbeddedFile {
    std::string_view name;    ///< "openapi.json", "swagger-ui.css", ...
    std::string_view sha256;  ///< hex, of the contents
    std::string_view contents;
};

/// Every embedded file, in the order CMake listed them.
const std::vector<EmbeddedFile>& embedded_files();

}  // namespace shipd::apidocs::detail
